"""The combined route ``"copula-ksg"`` (what ``method="auto"`` runs on continuous MI/CMI)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import estimators
from estimators.hybrid import MAX_SURROGATES, surrogate_count
from exact.distributions import JointNormal

RNG = np.random.default_rng(7)


def _sparse_pairs(n: int, dim: int, rho: float, seed: int):
    """``dim + dim`` standard normals, only (x_0, y_0) correlated: MI ``-log(1 - rho^2) / 2``."""
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal((n, dim)), rng.standard_normal((n, dim))
    y[:, 0] = rho * x[:, 0] + math.sqrt(1 - rho**2) * y[:, 0]
    return x, y, -0.5 * math.log(1 - rho**2)


def test_same_seed_same_number_other_seed_other_surrogate():
    x, y, _ = _sparse_pairs(800, 2, 0.6, 0)
    first = estimators.mutual_information(x, y, method="copula-ksg", random_state=3)
    assert first == estimators.mutual_information(x, y, method="copula-ksg", random_state=3)
    assert first != estimators.mutual_information(x, y, method="copula-ksg", random_state=4)


def test_high_dimension_sparse_dependence_is_recovered_where_ksg_is_not():
    # 10 + 10 normals, one pair correlated (MI 0.51). KSG's bias in 20 dimensions takes it
    # to about a third of that; the copula part is exact for a Gaussian copula and the two
    # KSG terms cancel. Tolerance 0.08: 3 standard deviations of the estimate over seeds at
    # n = 2000 (measured 0.02-0.025).
    x, y, truth = _sparse_pairs(2000, 10, 0.8, 1)
    combined = estimators.mutual_information(x, y, method="copula-ksg", random_state=0)
    assert combined == pytest.approx(truth, abs=0.08)
    assert estimators.mutual_information(x, y, method="ksg") < truth - 0.2


def test_heavy_tails_in_several_dimensions_beat_ksg():
    # multivariate Student t (dof 2) in 3 + 3 dimensions: truth = Gaussian part + tail term
    from exact.distributions import TASKS

    task = TASKS["hard-t-3+3-dof2"]()
    x, y = task.sample(3000, random_state=2)
    truth = task.truth()
    combined = estimators.mutual_information(x, y, method="copula-ksg", random_state=0)
    plain = estimators.mutual_information(x, y, method="ksg")
    # closer than KSG, and within the benchmark's "solved" factor of 1.5
    assert abs(combined - truth) < abs(plain - truth)
    assert abs(math.log(combined / truth)) < math.log(1.5)


@pytest.mark.parametrize("dim", [1, 10])
def test_independent_data_is_not_inflated(dim):
    # all three terms are near 0 on independent data (the Gaussian part bias-corrected):
    # |estimate| <= 0.03 at n = 2000, about 3 standard deviations of KSG there
    rng = np.random.default_rng(dim)
    x, y = rng.standard_normal((2000, dim)), rng.exponential(size=(2000, dim))
    value = estimators.mutual_information(x, y, method="copula-ksg", random_state=0)
    assert abs(value) <= 0.03


@settings(max_examples=20, deadline=None)
@given(
    warp=st.sampled_from([np.exp, np.arcsinh, lambda v: v**3, lambda v: np.tanh(v / 3)]),
    scale=st.floats(1e-100, 1e100),
    shift=st.floats(-1e3, 1e3),
    seed=st.integers(0, 2**16),
)
def test_invariant_under_monotone_maps_scale_and_shift(warp, scale, shift, seed):
    # MI is unchanged by an increasing map of each coordinate; the estimate reads only the
    # ranks, so it is unchanged exactly (same seed: same surrogates)
    x, y = JointNormal.correlated(2, 1, 0.4).sample(300, random_state=seed)
    base = estimators.mutual_information(x, y, method="copula-ksg", random_state=0)
    warped = estimators.mutual_information(
        (warp(x) + shift) * scale, y, method="copula-ksg", random_state=0
    )
    assert warped == pytest.approx(base, abs=1e-12)


def test_row_order_does_not_matter():
    x, y, _ = _sparse_pairs(500, 2, 0.5, 5)
    order = RNG.permutation(500)
    base = estimators.mutual_information(x, y, method="copula-ksg", random_state=0)
    shuffled = estimators.mutual_information(
        x[order], y[order], method="copula-ksg", random_state=0
    )
    assert shuffled == pytest.approx(base, abs=1e-9)


def _chain(seed: int):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((2000, 3))
    x = z @ [1.0, 0.5, 0.0] + rng.standard_normal(2000)
    y = z @ [0.0, 0.5, 1.0] + rng.standard_normal(2000)
    return x, y, z, rng


def test_conditional_mi_of_a_chain_is_near_zero_and_of_a_collider_is_not():
    # X and Y depend only through Z: the mean over 5 data sets within 0.015 of 0 (the
    # estimate's standard deviation over data sets is ~0.01 at n = 2000 in 5 dimensions:
    # 3.5 standard errors of the mean)
    values = [
        estimators.conditional_mutual_information(*_chain(seed)[:3], random_state=0)
        for seed in range(5)
    ]
    assert abs(np.mean(values)) < 0.015
    x, y, _, rng = _chain(5)
    # conditioning on a collider makes MI; the data are Gaussian, so the Gaussian CMI is
    # the reference (sd 0.01 at n = 2000) and 0.1 is about 4 sd of the k-NN parts' noise
    # plus their residual bias in 4 dimensions
    w = x + y + 0.5 * rng.standard_normal(2000)
    truth_like = estimators.conditional_mutual_information(x, y, w, method="gaussian")
    value = estimators.conditional_mutual_information(x, y, w, random_state=0)
    assert value == pytest.approx(truth_like, abs=0.1)


def test_collinear_columns_leave_the_gaussian_part_out():
    # a duplicated column makes the scores' correlation singular: the estimate is KSG's on
    # the scores (MI unchanged by the duplicate), not an error
    x, y, truth = _sparse_pairs(2000, 1, 0.6, 9)
    value = estimators.mutual_information(
        np.column_stack((x, x)), y, method="copula-ksg", random_state=0
    )
    assert math.isfinite(value) and value == pytest.approx(truth, abs=0.06)


def test_surrogate_count_rule_and_option():
    assert surrogate_count(500, 2) == MAX_SURROGATES
    assert surrogate_count(100_000, 2) == 1
    assert surrogate_count(5000, 100) == 1
    assert surrogate_count(5000, 10) == 4
    assert surrogate_count(5000, 10, 2) == 2
    x, y, _ = _sparse_pairs(300, 1, 0.5, 2)
    with pytest.raises(ValueError, match="n_surrogates must be a positive integer"):
        estimators.mutual_information(x, y, method="copula-ksg", n_surrogates=0)
    one = estimators.mutual_information(x, y, method="copula-ksg", n_surrogates=1, random_state=0)
    assert one != estimators.mutual_information(x, y, method="copula-ksg", random_state=0)


def test_explain_names_the_route():
    x, y, _ = _sparse_pairs(300, 1, 0.5, 2)
    report = estimators.explain("mutual_information", x, y)
    assert report.method == "copula-ksg" and "Gaussian surrogate" in report.route
    assert "route: Gaussian-copula MI" in str(report)
    estimate = estimators.mutual_information(x, y, uncertainty="auto", random_state=0)
    assert estimate.method == "copula-ksg" and estimate.diagnostics["route"] == report.route
    assert estimate.ci[0] < float(estimate) < estimate.ci[1]
