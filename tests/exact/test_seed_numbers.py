"""Every number the seed document prints, reproduced (DESIGN.md's seed table)."""

import math

import numpy as np
import pytest

import exact

SEED_JOINT = [[0.1, 0.5], [0.1, 0.3]]
SEED_BAD_JOINT = [[0.1, 0.5], [0.2, 0.3]]
PREDS = [[0.3, 0.6, 0.1], [0.2, 0.3, 0.5]]
LABELS = [0, 2]


def test_self_information_of_one_in_64_is_six_bits():
    assert exact.self_information(1 / 64, base=2) == 6.0


def test_entropy_and_joint_entropy_are_1_6855_bits():
    assert round(float(exact.entropy([0.1, 0.5, 0.1, 0.3], base=2)), 4) == 1.6855
    assert round(float(exact.joint_entropy(SEED_JOINT, base=2)), 4) == 1.6855


def test_seed_conditional_entropy_is_refused_and_reproducible_on_request():
    with pytest.raises(ValueError, match=r"sum = 1\.1"):
        exact.conditional_entropy(SEED_BAD_JOINT, p_x=[0.2, 0.8], base=2)
    as_written = exact.conditional_entropy(SEED_BAD_JOINT, [0.2, 0.8], base=2, validate=False)
    assert round(float(as_written), 4) == 0.8635


def test_seed_mutual_information_is_refused_and_reproducible_on_request():
    with pytest.raises(ValueError, match=r"p_x is not the X marginal.*0\.6, 0\.4"):
        exact.mutual_information(SEED_JOINT, p_x=[0.2, 0.8], p_y=[[0.75, 0.25]], base=2)
    as_written = exact.mutual_information(
        SEED_JOINT, [0.2, 0.8], [[0.75, 0.25]], base=2, validate=False
    )
    assert round(float(as_written), 4) == 0.7195


def test_mutual_information_of_the_seed_joint_is_0_0074034_bits():
    # marginals [0.6, 0.4] and [0.2, 0.8]; the closed form written out term by term
    p_x, p_y = np.array([0.6, 0.4]), np.array([0.2, 0.8])
    by_hand = sum(p * math.log2(p / (p_x[i] * p_y[j])) for (i, j), p in np.ndenumerate(SEED_JOINT))
    value = exact.mutual_information(SEED_JOINT, base=2)
    assert value == pytest.approx(by_hand, abs=1e-15)
    assert round(float(value), 7) == 0.0074034


def test_cross_entropy_loss_is_0_9486_and_equals_torch_nll_loss():
    torch = pytest.importorskip("torch")
    assert round(float(exact.cross_entropy_loss(PREDS, LABELS)), 4) == 0.9486
    preds, labels = torch.tensor(PREDS), torch.tensor(LABELS)
    ours = exact.cross_entropy_loss(preds, labels)
    nll = torch.nn.NLLLoss()(torch.log(preds), labels)
    assert isinstance(ours, torch.Tensor)
    assert round(float(nll), 4) == 0.9486
    assert abs(float(ours) - float(nll)) < 1e-6  # float32: a few ulps of 0.95
