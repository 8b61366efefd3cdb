"""Closed forms for (multivariate) normal distributions.

Covariances may be a scalar variance (one dimension), a ``(d, d)`` matrix, or a stack
``(..., d, d)`` of them; means a ``(d,)`` vector, a stack ``(..., d)``, or a scalar (the same
value in every coordinate). Numpy in,
numpy out; torch in, torch out on the same device, differentiable. Log-determinants come from
Cholesky factors (``log det S = 2 sum log diag L``), never from ``det``: stable for
near-singular covariances down to a condition number of about ``1 / eps``. A covariance that
is not symmetric positive definite raises ``ValueError`` with its smallest eigenvalue.

Cost: ``O(d^3)`` per matrix (one Cholesky factorisation and triangular solves).

Reference: Cover & Thomas (2006), *Elements of Information Theory*, 8.4 and 8.5.
"""

from __future__ import annotations

import math
from numbers import Integral

from ._backend import ops_for
from ._checks import check_finite, in_base

__all__ = ["entropy", "kl_divergence", "mutual_information"]

_LOG_2PIE = math.log(2 * math.pi * math.e)


def entropy(cov, base: float = math.e):
    """Differential entropy of ``N(mu, cov)``: ``H = (d log(2 pi e) + log det cov) / 2``.

    Independent of the mean. For one dimension ``H = log(2 pi e sigma^2) / 2``.

    Parameters
    ----------
    cov : scalar, array_like (d, d) or (..., d, d), or torch.Tensor
        Covariance (a scalar is a variance).
    base : float
        Logarithm base of the result's unit (``math.e``: nats, 2: bits).

    Examples
    --------
    >>> round(float(entropy(1.0)), 6)  # log(2 pi e) / 2
    1.418939
    """
    ops = ops_for(cov)
    cov = _as_covariance(ops, cov, "cov")
    lower = _cholesky(ops, cov, "cov")
    nats = cov.shape[-1] * _LOG_2PIE / 2 + _half_logdet(ops, lower)
    return ops.finish(in_base(nats, base))


def kl_divergence(mean_p, cov_p, mean_q, cov_q, base: float = math.e):
    """KL divergence between normals, ``D(N(mu_p, S_p) || N(mu_q, S_q))``.

    ``D = (tr(S_q^-1 S_p) + (mu_q - mu_p)^T S_q^-1 (mu_q - mu_p) - d
    + log det S_q - log det S_p) / 2``. Kullback (1959); for one dimension
    ``log(s_q / s_p) + (s_p^2 + (mu_p - mu_q)^2) / (2 s_q^2) - 1/2``. The trace and the
    Mahalanobis term are computed from triangular solves with the Cholesky factor of ``S_q``.

    Examples
    --------
    >>> float(kl_divergence(0.0, 1.0, -1.0, 1.0))
    0.5
    """
    ops = ops_for(mean_p, cov_p, mean_q, cov_q)
    cov_p = _as_covariance(ops, cov_p, "cov_p")
    cov_q = _as_covariance(ops, cov_q, "cov_q")
    d = cov_p.shape[-1]
    if cov_q.shape[-1] != d:
        raise ValueError(f"cov_p is {d}-dimensional but cov_q is {cov_q.shape[-1]}-dimensional")
    shift = _as_mean(ops, mean_q, d, "mean_q") - _as_mean(ops, mean_p, d, "mean_p")
    lower_p = _cholesky(ops, cov_p, "cov_p")
    lower_q = _cholesky(ops, cov_q, "cov_q")
    trace = (ops.solve_lower(lower_q, lower_p) ** 2).sum(axis=(-2, -1))
    mahalanobis = (ops.solve_lower(lower_q, shift[..., None])[..., 0] ** 2).sum(axis=-1)
    half_logdet_ratio = _half_logdet(ops, lower_q) - _half_logdet(ops, lower_p)
    nats = (trace + mahalanobis - d) / 2 + half_logdet_ratio
    return ops.finish(in_base(nats, base))


def mutual_information(cov, dim_x: int, base: float = math.e):
    """MI between the first ``dim_x`` coordinates and the rest of a joint normal.

    ``I(X; Y) = (log det S_xx + log det S_yy - log det S) / 2``. With the Cholesky factor
    ``L`` of ``S``, ``log det S = log det S_xx + log det S_{y|x}`` and the diagonal of
    ``L[dim_x:, dim_x:]`` gives the Schur complement's, so
    ``I = sum log diag chol(S_yy) - sum log diag L[dim_x:, dim_x:]``. For a correlated pair
    ``I = -log(1 - rho^2) / 2``. Cover & Thomas (2006), 8.5.

    Parameters
    ----------
    cov : array_like (d, d) or (..., d, d), or torch.Tensor
        Covariance of the joint vector ``(X, Y)``.
    dim_x : int
        Number of leading coordinates that form X; ``1 <= dim_x < d``.
    base : float
        Logarithm base of the result's unit.

    Examples
    --------
    >>> round(float(mutual_information([[1.0, 0.6], [0.6, 1.0]], dim_x=1)), 6)
    0.223144
    """
    ops = ops_for(cov)
    cov = _as_covariance(ops, cov, "cov")
    d = cov.shape[-1]
    if isinstance(dim_x, bool) or not isinstance(dim_x, Integral) or not 1 <= dim_x < d:
        raise ValueError(
            f"dim_x must be an integer in [1, {d - 1}] for a {d}-dimensional cov; got {dim_x!r}"
        )
    dim_x = int(dim_x)
    lower = _cholesky(ops, cov, "cov")
    lower_y = _cholesky(ops, cov[..., dim_x:, dim_x:], "cov")
    nats = _half_logdet(ops, lower_y) - _half_logdet(ops, lower[..., dim_x:, dim_x:])
    return ops.finish(in_base(nats, base))


def _as_covariance(ops, cov, name):
    cov = ops.as_float(cov, name)
    if cov.ndim == 0:
        cov = cov.reshape(1, 1)
    if cov.ndim < 2 or cov.shape[-1] != cov.shape[-2] or cov.shape[-1] == 0:
        raise ValueError(
            f"{name} must be a scalar variance or a square (d, d) matrix (or a stack of them); "
            f"got shape {tuple(cov.shape)}"
        )
    check_finite(ops, cov, name)
    scale = ops.to_float(abs(cov).max())
    asymmetry = ops.to_float(abs(cov - ops.transpose(cov)).max())
    if asymmetry > math.sqrt(ops.eps(cov)) * scale:
        raise ValueError(f"{name} is not symmetric (largest |S - S^T| = {asymmetry:.3g})")
    return cov


def _as_mean(ops, mean, d, name):
    mean = ops.as_float(mean, name)
    if mean.ndim == 0:  # a scalar mean is the same in every coordinate
        mean = mean.reshape(1).expand(d) if hasattr(mean, "expand") else mean.repeat(d)
    if mean.shape[-1] != d:
        raise ValueError(
            f"{name} must have {d} coordinates (last axis); got shape {tuple(mean.shape)}"
        )
    check_finite(ops, mean, name)
    return mean


def _cholesky(ops, cov, name):
    lower = ops.cholesky(cov)
    if lower is None:
        raise ValueError(
            f"{name} is not positive definite (smallest eigenvalue "
            f"{ops.smallest_eigenvalue(cov):.3g}); a covariance must be symmetric positive "
            "definite"
        )
    return lower


def _half_logdet(ops, lower):
    """``log det(L L^T) / 2`` from a Cholesky factor ``L``."""
    return ops.log(ops.diagonal(lower)).sum(axis=-1)
