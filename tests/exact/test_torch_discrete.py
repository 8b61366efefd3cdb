"""exact's discrete formulas on torch tensors: same numbers, torch out, gradients, devices."""

import math
import sys
import types

import numpy as np
import pytest

import exact
from exact._backend import is_tensor

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(7)
P = RNG.dirichlet(np.ones(6), size=4)
Q = RNG.dirichlet(np.ones(6), size=4)
JOINTS = RNG.dirichlet(np.ones(12), size=4).reshape(4, 3, 4)

ONE_DISTRIBUTION = [
    ("entropy", lambda f, p, q: f.entropy(p)),
    ("kl_divergence", lambda f, p, q: f.kl_divergence(p, q)),
    ("cross_entropy", lambda f, p, q: f.cross_entropy(p, q, base=2)),
    ("js_divergence", lambda f, p, q: f.js_divergence(p, q)),
    ("self_information", lambda f, p, q: f.self_information(p)),
]
JOINT = [
    ("mutual_information", lambda t: exact.mutual_information(t)),
    ("conditional_entropy", lambda t: exact.conditional_entropy(t, base=2)),
    ("joint_entropy", lambda t: exact.joint_entropy(t, axis=(-2, -1))),
]


@pytest.mark.parametrize(("name", "call"), ONE_DISTRIBUTION, ids=[n for n, _ in ONE_DISTRIBUTION])
def test_float64_tensors_give_numpys_numbers(name, call):
    ours = call(exact, torch.tensor(P), torch.tensor(Q))
    assert isinstance(ours, torch.Tensor) and ours.dtype == torch.float64
    np.testing.assert_allclose(ours.numpy(), call(exact, P, Q), rtol=0, atol=1e-12)


@pytest.mark.parametrize(("name", "call"), JOINT, ids=[n for n, _ in JOINT])
def test_joint_formulas_on_tensors(name, call):
    ours = call(torch.tensor(JOINTS))
    assert isinstance(ours, torch.Tensor)
    np.testing.assert_allclose(ours.numpy(), call(JOINTS), rtol=0, atol=1e-12)


def test_float32_stays_float32():
    h = exact.entropy(torch.tensor(P, dtype=torch.float32))
    assert h.dtype == torch.float32
    np.testing.assert_allclose(h.numpy(), exact.entropy(P), rtol=1e-5)


def test_mixed_numpy_and_tensor_inputs_compute_in_torch():
    kl = exact.kl_divergence(torch.tensor(P), Q)
    assert isinstance(kl, torch.Tensor)
    np.testing.assert_allclose(kl.numpy(), exact.kl_divergence(P, Q), atol=1e-12)


def test_entropy_gradient_is_the_analytic_one():
    # dH/dp_i = -(log p_i + 1) at interior points
    p = torch.tensor(P[0], requires_grad=True)
    exact.entropy(p).backward()
    np.testing.assert_allclose(p.grad.numpy(), -(np.log(P[0]) + 1), atol=1e-12)


def test_kl_gradients_are_analytic_and_finite():
    # dKL/dp_i = log(p_i / q_i) + 1 and dKL/dq_i = -p_i / q_i
    p = torch.tensor(P[1], requires_grad=True)
    q = torch.tensor(Q[1], requires_grad=True)
    exact.kl_divergence(p, q).backward()
    np.testing.assert_allclose(p.grad.numpy(), np.log(P[1] / Q[1]) + 1, atol=1e-12)
    np.testing.assert_allclose(q.grad.numpy(), -P[1] / Q[1], atol=1e-12)


def test_mutual_information_gradient_matches_finite_differences():
    joint = torch.tensor(JOINTS[0], requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: exact.mutual_information(t, validate=False), joint)


def test_gradient_is_finite_where_a_probability_is_exactly_zero():
    # A softmax that underflows to 0 must not turn the whole backward pass into NaN.
    logits = torch.tensor([0.0, 1.0, -800.0], dtype=torch.float64, requires_grad=True)
    probs = torch.softmax(logits, dim=0)
    assert probs[2] == 0
    exact.entropy(probs).backward()
    assert torch.isfinite(logits.grad).all()


def test_cross_entropy_loss_gradient_equals_nll_loss_gradient():
    logits = torch.tensor(RNG.normal(size=(5, 4)), requires_grad=True)
    labels = torch.tensor([0, 3, 1, 1, 2])
    exact.cross_entropy_loss(torch.softmax(logits, dim=1), labels).backward()
    ours = logits.grad.clone()
    logits.grad = None
    torch.nn.functional.cross_entropy(logits, labels).backward()
    np.testing.assert_allclose(ours.numpy(), logits.grad.numpy(), atol=1e-12)


def test_validation_works_on_tensors():
    with pytest.raises(ValueError, match=r"sum = 1\.1"):
        exact.entropy(torch.tensor([0.5, 0.6]))
    with pytest.raises(ValueError, match="negative"):
        exact.kl_divergence(torch.tensor([0.5, 0.5]), torch.tensor([1.5, -0.5]))
    with pytest.raises(TypeError, match="integers"):
        exact.cross_entropy_loss(torch.tensor([[0.5, 0.5]]), torch.tensor([0.0]))


def test_bits_on_tensors():
    h = exact.entropy(torch.tensor([0.5, 0.5], dtype=torch.float64), base=2)
    assert float(h) == pytest.approx(1.0, abs=1e-15)
    assert float(exact.self_information(torch.tensor(1 / 64), base=2)) == pytest.approx(6.0)
    assert math.isinf(float(exact.kl_divergence(torch.tensor([0.5, 0.5]), torch.tensor([1.0, 0]))))


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_tensors_stay_on_cuda():
    p = torch.tensor(P, device="cuda", requires_grad=True)
    q = torch.tensor(Q, device="cuda")
    for value in (
        exact.entropy(p),
        exact.kl_divergence(p, q),
        exact.js_divergence(p, q),
        exact.mutual_information(torch.tensor(JOINTS, device="cuda")),
        exact.cross_entropy_loss(p, torch.tensor([0, 1, 2, 3], device="cuda")),
    ):
        assert value.device.type == "cuda"
    exact.entropy(p).sum().backward()
    assert p.grad.device.type == "cuda"
    np.testing.assert_allclose(
        exact.entropy(p).detach().cpu().numpy(), exact.entropy(P), atol=1e-12
    )


def test_a_partially_imported_torch_is_not_mistaken_for_tensors(monkeypatch):
    # another thread may be importing torch: sys.modules holds a module without attributes yet
    monkeypatch.setitem(sys.modules, "torch", types.ModuleType("torch"))
    assert not is_tensor(np.ones(3))
    assert exact.entropy([0.5, 0.5], base=2) == pytest.approx(1.0)
