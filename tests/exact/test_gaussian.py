"""Tests for ``exact.gaussian``: closed forms of normal entropy, KL divergence and MI."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from exact import gaussian

try:
    import torch
except ImportError:  # torch is optional: the numpy tests run without it
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch is not installed")

LOG_2PIE = math.log(2 * math.pi * math.e)


def random_spd(rng: np.random.Generator, d: int) -> np.ndarray:
    """A random symmetric positive definite (d, d) matrix, condition number moderate."""
    a = rng.standard_normal((d, d))
    return a @ a.T + 0.5 * np.eye(d)


def corr2(rho: float, s_x: float = 1.0, s_y: float = 1.0) -> np.ndarray:
    return np.array([[s_x**2, rho * s_x * s_y], [rho * s_x * s_y, s_y**2]])


# --------------------------------------------------------------------------- closed forms


@pytest.mark.parametrize("s", [1e-3, 0.1, 1.0, 2.5, 1e3])
def test_entropy_univariate_closed_form(s):
    expected = 0.5 * math.log(2 * math.pi * math.e * s**2)
    assert gaussian.entropy(s**2) == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert gaussian.entropy([[s**2]]) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    ("m_p", "s_p", "m_q", "s_q"),
    [(0.0, 1.0, -1.0, 1.0), (0.0, 1.0, 0.0, 2.0), (1.5, 0.3, -0.7, 2.0), (-2.0, 5.0, 3.0, 0.5)],
)
def test_kl_univariate_closed_form(m_p, s_p, m_q, s_q):
    expected = math.log(s_q / s_p) + (s_p**2 + (m_p - m_q) ** 2) / (2 * s_q**2) - 0.5
    got = gaussian.kl_divergence(m_p, s_p**2, m_q, s_q**2)
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("rho", [-0.9, -0.3, 0.1, 0.6, 0.99])
@pytest.mark.parametrize(("s_x", "s_y"), [(1.0, 1.0), (0.2, 7.0)])
def test_mi_correlated_pair_closed_form(rho, s_x, s_y):
    expected = -0.5 * math.log(1 - rho**2)
    got = gaussian.mutual_information(corr2(rho, s_x, s_y), dim_x=1)
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("d", range(1, 7))
def test_entropy_matches_scipy(d):
    rng = np.random.default_rng(100 + d)
    cov = random_spd(rng, d)
    expected = stats.multivariate_normal(np.zeros(d), cov).entropy()
    assert gaussian.entropy(cov) == pytest.approx(expected, rel=1e-10, abs=1e-10)


@pytest.mark.parametrize("d", [2, 4])
def test_kl_matches_direct_formula(d):
    # The textbook formula with inv/slogdet: a different computation path from the library's.
    rng = np.random.default_rng(200 + d)
    mp, mq = rng.standard_normal(d), rng.standard_normal(d)
    sp, sq = random_spd(rng, d), random_spd(rng, d)
    iq = np.linalg.inv(sq)
    diff = mq - mp
    expected = 0.5 * (
        np.trace(iq @ sp)
        + diff @ iq @ diff
        - d
        + np.linalg.slogdet(sq)[1]
        - np.linalg.slogdet(sp)[1]
    )
    assert gaussian.kl_divergence(mp, sp, mq, sq) == pytest.approx(expected, rel=1e-10)


# --------------------------------------------------------------------------- Monte Carlo
# Each check compares the closed form with the sample mean of a log-density term over n
# i.i.d. draws (fixed seed). By the CLT the sample mean is within 5 standard errors
# (sample std / sqrt(n)) of its expectation except with probability ~6e-7, so a failure
# means a wrong formula, not bad luck.

N_MC = 100_000


def assert_within_5_se(terms: np.ndarray, expected: float) -> None:
    se = terms.std(ddof=1) / math.sqrt(terms.size)
    assert abs(terms.mean() - expected) <= 5 * se, (terms.mean(), expected, se)


@pytest.mark.parametrize("d", [1, 3, 5])
def test_entropy_monte_carlo(d):
    rng = np.random.default_rng(7)
    cov = random_spd(rng, d)
    mean = rng.standard_normal(d)
    p = stats.multivariate_normal(mean, cov)
    x = p.rvs(N_MC, random_state=rng)
    assert_within_5_se(-p.logpdf(x), gaussian.entropy(cov))


@pytest.mark.parametrize("d", [1, 3])
def test_kl_monte_carlo(d):
    rng = np.random.default_rng(8)
    mp, mq = rng.standard_normal(d), rng.standard_normal(d)
    sp, sq = random_spd(rng, d), random_spd(rng, d)
    p, q = stats.multivariate_normal(mp, sp), stats.multivariate_normal(mq, sq)
    x = p.rvs(N_MC, random_state=rng).reshape(N_MC, d)
    assert_within_5_se(p.logpdf(x) - q.logpdf(x), gaussian.kl_divergence(mp, sp, mq, sq))


def test_mi_monte_carlo():
    rng = np.random.default_rng(9)
    dim_x, d = 2, 5
    cov = random_spd(rng, d)
    xy = stats.multivariate_normal(np.zeros(d), cov).rvs(N_MC, random_state=rng)
    log_joint = stats.multivariate_normal(np.zeros(d), cov).logpdf(xy)
    log_x = stats.multivariate_normal(np.zeros(dim_x), cov[:dim_x, :dim_x]).logpdf(xy[:, :dim_x])
    log_y = stats.multivariate_normal(np.zeros(d - dim_x), cov[dim_x:, dim_x:]).logpdf(
        xy[:, dim_x:]
    )
    assert_within_5_se(log_joint - log_x - log_y, gaussian.mutual_information(cov, dim_x))


# --------------------------------------------------------------------------- identities


@pytest.mark.parametrize("d", [1, 3, 6])
def test_kl_of_a_distribution_with_itself_is_zero(d):
    rng = np.random.default_rng(d)
    mean, cov = rng.standard_normal(d), random_spd(rng, d)
    assert gaussian.kl_divergence(mean, cov, mean, cov) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("seed", range(20))
def test_kl_is_nonnegative(seed):
    rng = np.random.default_rng(seed)
    d = int(rng.integers(1, 6))
    mp, mq = rng.standard_normal(d), rng.standard_normal(d)
    kl = gaussian.kl_divergence(mp, random_spd(rng, d), mq, random_spd(rng, d))
    assert kl >= 0


@pytest.mark.parametrize(("dim_x", "d"), [(1, 2), (2, 5), (3, 4)])
def test_mi_invariant_under_blockwise_rescaling(dim_x, d):
    # I(AX; BY) = I(X; Y) for invertible A, B: transform cov by diag(A, B).
    rng = np.random.default_rng(30 + d)
    cov = random_spd(rng, d)
    block = np.zeros((d, d))
    block[:dim_x, :dim_x] = rng.standard_normal((dim_x, dim_x)) + 3 * np.eye(dim_x)
    block[dim_x:, dim_x:] = rng.standard_normal((d - dim_x, d - dim_x)) + 3 * np.eye(d - dim_x)
    transformed = block @ cov @ block.T
    transformed = (transformed + transformed.T) / 2
    assert gaussian.mutual_information(transformed, dim_x) == pytest.approx(
        gaussian.mutual_information(cov, dim_x), rel=1e-9
    )
    scaled = np.diag(np.r_[np.full(dim_x, 10.0), np.full(d - dim_x, 0.01)])
    assert gaussian.mutual_information(scaled @ cov @ scaled, dim_x) == pytest.approx(
        gaussian.mutual_information(cov, dim_x), rel=1e-9
    )


@pytest.mark.parametrize(("dim_x", "d"), [(1, 2), (2, 5)])
def test_mi_of_block_diagonal_cov_is_zero(dim_x, d):
    rng = np.random.default_rng(d)
    cov = np.zeros((d, d))
    cov[:dim_x, :dim_x] = random_spd(rng, dim_x)
    cov[dim_x:, dim_x:] = random_spd(rng, d - dim_x)
    assert gaussian.mutual_information(cov, dim_x) == pytest.approx(0.0, abs=1e-12)


def test_mi_is_symmetric_in_x_and_y():
    # I(X; Y) = I(Y; X): swapping the blocks leaves the MI unchanged.
    rng = np.random.default_rng(3)
    cov = random_spd(rng, 5)
    perm = np.r_[2:5, 0:2]
    assert gaussian.mutual_information(cov[np.ix_(perm, perm)], 3) == pytest.approx(
        gaussian.mutual_information(cov, 2), rel=1e-10
    )


@pytest.mark.parametrize("base", [2, 10, 0.5])
def test_base_converts_from_nats(base):
    rng = np.random.default_rng(0)
    cov, cov_q = random_spd(rng, 3), random_spd(rng, 3)
    mean = rng.standard_normal(3)
    log_b = math.log(base)
    assert gaussian.entropy(cov, base) == pytest.approx(gaussian.entropy(cov) / log_b, rel=1e-12)
    assert gaussian.kl_divergence(mean, cov, 0 * mean, cov_q, base) == pytest.approx(
        gaussian.kl_divergence(mean, cov, 0 * mean, cov_q) / log_b, rel=1e-12
    )
    assert gaussian.mutual_information(cov, 1, base) == pytest.approx(
        gaussian.mutual_information(cov, 1) / log_b, rel=1e-12
    )


def test_entropy_of_scaled_cov_adds_d_log_scale():
    # H(aX) = H(X) + d log|a|
    cov = random_spd(np.random.default_rng(4), 4)
    a = 3.0
    assert gaussian.entropy(a**2 * cov) == pytest.approx(
        gaussian.entropy(cov) + 4 * math.log(a), rel=1e-12
    )


# --------------------------------------------------------------------------- batching


def test_entropy_batched_matches_loop():
    rng = np.random.default_rng(11)
    stack = np.stack([random_spd(rng, 3) for _ in range(6)]).reshape(2, 3, 3, 3)
    got = gaussian.entropy(stack)
    assert got.shape == (2, 3)
    for idx in np.ndindex(2, 3):
        assert got[idx] == pytest.approx(gaussian.entropy(stack[idx]), rel=1e-14)


def test_kl_batched_matches_loop():
    rng = np.random.default_rng(12)
    cov_p = np.stack([random_spd(rng, 2) for _ in range(4)])
    cov_q = np.stack([random_spd(rng, 2) for _ in range(4)])
    mean_p, mean_q = rng.standard_normal((4, 2)), rng.standard_normal((4, 2))
    got = gaussian.kl_divergence(mean_p, cov_p, mean_q, cov_q)
    assert got.shape == (4,)
    for i in range(4):
        assert got[i] == pytest.approx(
            gaussian.kl_divergence(mean_p[i], cov_p[i], mean_q[i], cov_q[i]), rel=1e-14
        )


def test_mi_batched_matches_loop():
    rng = np.random.default_rng(13)
    stack = np.stack([random_spd(rng, 4) for _ in range(5)])
    got = gaussian.mutual_information(stack, 2)
    assert got.shape == (5,)
    for i in range(5):
        assert got[i] == pytest.approx(gaussian.mutual_information(stack[i], 2), rel=1e-14)


def test_scalar_result_is_a_float():
    assert isinstance(gaussian.entropy(np.eye(2)), float)
    assert isinstance(gaussian.mutual_information([[1.0, 0.5], [0.5, 1.0]], 1), float)
    assert isinstance(gaussian.kl_divergence(0.0, 1.0, 1.0, 2.0), float)


# --------------------------------------------------------------------------- near-singular
# Representable inputs whose determinant is computed exactly in floating point, so the
# reference below (log of an exact difference, or log1p) is accurate to a few ulps.


@pytest.mark.parametrize("gap", [1e-6, 1e-10, 1e-14])
def test_mi_near_perfect_correlation(gap):
    rho = 1 - gap
    # 1 - rho^2 = (1 - rho)(1 + rho); 1 - rho is exact (Sterbenz), so this is accurate.
    expected = -0.5 * (math.log(1 - rho) + math.log1p(rho))
    got = gaussian.mutual_information(corr2(rho), 1)
    assert math.isfinite(got)
    # The Cholesky step forms 1 - rho*rho with one rounding of rho*rho (~eps): error in
    # 1 - rho^2 of at most ~eps, i.e. relative eps / (1 - rho^2) in the log-argument.
    assert got == pytest.approx(expected, abs=4 * np.finfo(float).eps / (1 - rho**2) + 1e-12)


@pytest.mark.parametrize("small", [1e-8, 1e-12, 1e-15])
def test_entropy_near_singular_diagonal(small):
    expected = LOG_2PIE + 0.5 * math.log(small)
    assert gaussian.entropy(np.diag([1.0, small])) == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("small", [1e-6, 1e-12])
def test_entropy_near_singular_full_matrix(small):
    # [[1, 1], [1, 1 + t]] has determinant t exactly once t is rounded: (1 + t) - 1 is exact.
    top = 1.0 + small
    det = top - 1.0
    expected = LOG_2PIE + 0.5 * math.log(det)
    got = gaussian.entropy([[1.0, 1.0], [1.0, top]])
    assert math.isfinite(got)
    assert got == pytest.approx(expected, rel=1e-12)


def test_kl_near_singular_is_finite_and_zero_against_itself():
    cov = corr2(1 - 1e-10)
    assert gaussian.kl_divergence([0.0, 0.0], cov, [0.0, 0.0], cov) == pytest.approx(0, abs=1e-9)
    # Against the identity: KL = (tr S - d - log det S) / 2 with det S = (1-rho)(1+rho).
    rho = 1 - 1e-10
    expected = 0.5 * (2 - 2 - (math.log(1 - rho) + math.log1p(rho)))
    got = gaussian.kl_divergence([0.0, 0.0], cov, [0.0, 0.0], np.eye(2))
    assert got == pytest.approx(expected, rel=1e-6)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("cov", "match"),
    [
        (np.ones((2, 3)), "square"),
        (np.ones(3), "square"),
        (np.ones((2, 0)), "square"),
        ([[1.0, 0.5], [0.4, 1.0]], "symmetric"),
        ([[1.0, 2.0], [2.0, 1.0]], "positive definite"),
        ([[0.0, 0.0], [0.0, 1.0]], "positive definite"),
        (-1.0, "positive definite"),
        ([[np.nan, 0.0], [0.0, 1.0]], "finite"),
        ([[np.inf, 0.0], [0.0, 1.0]], "finite"),
    ],
)
def test_entropy_rejects_bad_cov(cov, match):
    with pytest.raises(ValueError, match=match):
        gaussian.entropy(cov)


def test_entropy_rejects_non_numeric_cov():
    with pytest.raises(TypeError, match="cov"):
        gaussian.entropy([["a", "b"], ["c", "d"]])


def test_error_names_the_argument():
    with pytest.raises(ValueError, match="cov_q"):
        gaussian.kl_divergence(0.0, 1.0, 0.0, [[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(ValueError, match="cov_p"):
        gaussian.kl_divergence(0.0, -1.0, 0.0, 1.0)


@pytest.mark.parametrize("dim_x", [0, 3, -1, 1.0, True, None])
def test_mi_rejects_dim_x_out_of_range(dim_x):
    with pytest.raises(ValueError, match="dim_x"):
        gaussian.mutual_information(np.eye(3), dim_x)


def test_mi_rejects_one_dimensional_cov():
    with pytest.raises(ValueError, match="dim_x"):
        gaussian.mutual_information(1.0, 1)


def test_mi_rejects_not_positive_definite():
    with pytest.raises(ValueError, match="positive definite"):
        gaussian.mutual_information(corr2(1.5), 1)


@pytest.mark.parametrize(
    ("mean_p", "mean_q", "match"),
    [([0.0, 0.0, 0.0], [0.0, 0.0], "mean_p"), ([0.0, 0.0], [0.0], "mean_q")],
)
def test_kl_rejects_mismatched_mean(mean_p, mean_q, match):
    with pytest.raises(ValueError, match=match):
        gaussian.kl_divergence(mean_p, np.eye(2), mean_q, np.eye(2))


def test_kl_rejects_nan_mean():
    with pytest.raises(ValueError, match="mean_p"):
        gaussian.kl_divergence([np.nan, 0.0], np.eye(2), [0.0, 0.0], np.eye(2))


def test_kl_rejects_mismatched_dimensions():
    with pytest.raises(ValueError, match="cov_q"):
        gaussian.kl_divergence([0.0, 0.0], np.eye(2), [0.0, 0.0, 0.0], np.eye(3))


@pytest.mark.parametrize(
    ("base", "error"),
    [
        (1, ValueError),
        (-2, ValueError),
        (0, ValueError),
        (math.inf, ValueError),
        ("2", TypeError),
        (True, TypeError),
    ],
)
def test_bad_base(base, error):
    with pytest.raises(error, match="base"):
        gaussian.entropy(1.0, base)
    with pytest.raises(error, match="base"):
        gaussian.kl_divergence(0.0, 1.0, 0.0, 1.0, base)
    with pytest.raises(error, match="base"):
        gaussian.mutual_information(np.eye(2), 1, base)


# --------------------------------------------------------------------------- torch


def _t(a):
    return torch.tensor(np.asarray(a), dtype=torch.float64)


@needs_torch
def test_torch_matches_numpy():
    rng = np.random.default_rng(21)
    sp, sq = random_spd(rng, 4), random_spd(rng, 4)
    mp, mq = rng.standard_normal(4), rng.standard_normal(4)
    pairs = [
        (gaussian.entropy(_t(sp)), gaussian.entropy(sp)),
        (gaussian.entropy(_t(sp), 2), gaussian.entropy(sp, 2)),
        (
            gaussian.kl_divergence(_t(mp), _t(sp), _t(mq), _t(sq)),
            gaussian.kl_divergence(mp, sp, mq, sq),
        ),
        (gaussian.mutual_information(_t(sp), 2), gaussian.mutual_information(sp, 2)),
    ]
    for got, expected in pairs:
        assert isinstance(got, torch.Tensor)
        assert got.dtype == torch.float64
        assert got.item() == pytest.approx(expected, rel=1e-12, abs=1e-12)


@needs_torch
def test_torch_batched_matches_numpy():
    rng = np.random.default_rng(22)
    stack = np.stack([random_spd(rng, 3) for _ in range(4)])
    got = gaussian.entropy(_t(stack))
    assert isinstance(got, torch.Tensor) and got.shape == (4,)
    np.testing.assert_allclose(got.numpy(), gaussian.entropy(stack), rtol=1e-12)


@needs_torch
def test_torch_mixed_inputs_give_torch():
    got = gaussian.kl_divergence(np.zeros(2), _t(np.eye(2)), [1.0, 1.0], np.eye(2))
    assert isinstance(got, torch.Tensor)
    assert got.item() == pytest.approx(1.0, rel=1e-12)  # |shift|^2 / 2 = 1


@needs_torch
def test_torch_float32_stays_float32():
    got = gaussian.entropy(torch.eye(3, dtype=torch.float32))
    assert got.dtype == torch.float32
    assert got.item() == pytest.approx(1.5 * LOG_2PIE, rel=1e-6)


@needs_torch
def test_torch_entropy_gradient_is_half_inverse():
    cov = _t(random_spd(np.random.default_rng(23), 3)).requires_grad_(True)
    gaussian.entropy(cov).backward()
    assert torch.isfinite(cov.grad).all()
    torch.testing.assert_close(
        cov.grad, 0.5 * torch.linalg.inv(cov.detach()), rtol=1e-10, atol=1e-12
    )


@needs_torch
def test_torch_kl_gradient_matches_finite_differences():
    # Parametrise covariances as A A^T + I so finite-difference steps stay symmetric.
    rng = np.random.default_rng(24)
    inputs = tuple(
        _t(v).requires_grad_(True)
        for v in (
            rng.standard_normal(3),
            rng.standard_normal((3, 3)),
            rng.standard_normal(3),
            rng.standard_normal((3, 3)),
        )
    )

    def kl(mean_p, a_p, mean_q, a_q):
        eye = torch.eye(3, dtype=torch.float64)
        return gaussian.kl_divergence(mean_p, a_p @ a_p.T + eye, mean_q, a_q @ a_q.T + eye)

    assert torch.autograd.gradcheck(kl, inputs, eps=1e-6, atol=1e-6, rtol=1e-5)


@needs_torch
def test_torch_mi_gradient_matches_analytic():
    # d/d rho of -log(1 - rho^2)/2 is rho / (1 - rho^2).
    rho = torch.tensor(0.6, dtype=torch.float64, requires_grad=True)
    one = torch.ones((), dtype=torch.float64)
    cov = torch.stack([torch.stack([one, rho]), torch.stack([rho, one])])
    gaussian.mutual_information(cov, 1).backward()
    assert rho.grad.item() == pytest.approx(0.6 / (1 - 0.36), rel=1e-12)


@needs_torch
@pytest.mark.cuda
@pytest.mark.skipif(torch is None or not torch.cuda.is_available(), reason="needs CUDA")
def test_torch_cuda_in_cuda_out():
    cov = torch.tensor([[2.0, 0.3], [0.3, 1.0]], dtype=torch.float64, device="cuda")
    mean = torch.zeros(2, dtype=torch.float64, device="cuda")
    results = [
        gaussian.entropy(cov),
        gaussian.kl_divergence(mean, cov, mean + 1, 2 * cov),
        gaussian.mutual_information(cov, 1),
    ]
    for got in results:
        assert got.device.type == "cuda"
    assert results[0].item() == pytest.approx(gaussian.entropy(cov.cpu().numpy()), rel=1e-12)


def test_numpy_integer_dim_x_is_accepted():
    cov = np.array([[1.0, 0.6], [0.6, 1.0]])
    assert gaussian.mutual_information(cov, np.int64(1)) == gaussian.mutual_information(cov, 1)


def test_scalar_mean_applies_to_every_coordinate():
    cov = np.eye(3)
    kl = gaussian.kl_divergence(0.0, cov, 1.0, cov)
    assert kl == pytest.approx(gaussian.kl_divergence(np.zeros(3), cov, np.ones(3), cov))
    assert kl == pytest.approx(1.5)  # |mu_p - mu_q|^2 / 2 with unit covariances


def test_requires_grad_covariance_gives_no_conversion_warning():
    import warnings

    cov = torch.eye(2, dtype=torch.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gaussian.entropy(cov * 2.0).backward()
    assert torch.isfinite(cov.grad).all()
