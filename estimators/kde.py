"""Kernel density (KDE) estimates of entropy, MI, conditional MI and KL divergence.

Method ``"kde"`` (continuous data). The density of ``n`` samples ``x_1 .. x_n`` in ``d``
dimensions is estimated with a Gaussian kernel whose bandwidth matrix is ``h^2 S``, ``S`` the
sample covariance (Fukunaga 1972): the data are whitened, ``w = L^-1 (x - mean)`` with
``S = L L^T`` (Cholesky), and an isotropic kernel of width ``h`` is used on ``w``:

    f(x) = f_W(w) / det L,    f_W(w) = 1/m sum_j (2 pi h^2)^(-d/2) exp(-|w - w_j|^2 / (2 h^2)).

Entropy is the leave-one-out resubstitution estimate (Ahmad & Lin 1976; leave-one-out as in
Beirlant, Dudewicz, Gyorfi & van der Meulen 1997)

    H = -1/n sum_i log f_-i(x_i) = H_W + log det L,
    f_-i(x) = 1/(n - 1) sum_{j != i} K_h(x - x_j),

which follows ``H(AX) = H(X) + log |det A|`` exactly: shifting, rescaling or rotating the data
changes the estimate by the log-determinant only (up to rounding). Log-densities are computed
in log space (a log-sum-exp over the kernel terms, shifted by the nearest one), so tiny
densities never underflow.

Bandwidth ``h`` (keyword ``bandwidth``, in whitened units, i.e. in standard deviations; the
same factor as ``scipy.stats.gaussian_kde``'s, whose kernel covariance is ``h^2 S`` too):

- ``"scott"`` (default): ``h = n^(-1/(d+4))`` (Scott 1992);
- ``"silverman"``: ``h = (n (d + 2) / 4)^(-1/(d+4))`` (Silverman 1986);
- a positive number: ``h`` itself, in whitened units (``h = 0.1``: a kernel one tenth of the
  sample standard deviation wide along every principal axis);
- ``"cv"``: maximum leave-one-out likelihood (Habbema, Hermans & van den Broek 1974; Duin
  1976), by bounded scalar minimisation over ``log h`` in
  ``[h_scott / 100, 5 h_scott]`` to a tolerance of 0.01 in ``log h``. Each evaluation is one
  full leave-one-out pass, so ``"cv"`` costs about 15-25 times the other rules. Samples with
  duplicate rows drive it to the lower bound (their likelihood grows without bound as
  ``h -> 0``). Note that the leave-one-out log-likelihood is minus the entropy estimate, so
  ``"cv"`` picks the ``h`` with the smallest entropy estimate.

A bandwidth too narrow to reach the samples' neighbours (the median row's nearest other
row beyond 38.6 ``h``, where the kernel is below the smallest float64) is refused with a
``ValueError``: the estimate would be the tail of one kernel, growing as ``1 / h^2``
(``bandwidth=1e-12`` gave 1e19 nats). Each column is divided by its largest magnitude
rounded to a power of two before the covariance is taken (exact; added back in the
log-determinant), so samples from 1e-300 to 1e300 give the same MI and KL, and entropies
that differ by exactly the log of the scale.

MI and conditional MI are entropy combinations (``estimators._combine``) evaluated with ONE
bandwidth, the one the rule gives for the joint variable (``d = d_x + d_y [+ d_z]``; for
``"cv"``, cross-validated on the joint). With a common ``h`` and covariance-shaped kernels the
smoothing bias of normal data cancels exactly between the terms (each term's smoothing bias
is ``d/2 [log(1 + h^2) - h^2 / (1 + h^2)]`` per coordinate, additive in ``d``), and the
estimate of independent variables is centred near 0.

KL divergence ``D(p || q)`` is the resubstitution plug-in

    D = 1/n sum_i [log f_p,-i(x_i) - log f_q(x_i)],   x_i the samples of p,

leave-one-out for p, the full density of q (all of q's samples) at p's samples; each density
has its own whitening (its own sample covariance) and its own bandwidth by the rule (a number
is used for both).

Cost: ``O(n m d)`` time for ``n`` query points against ``m`` kernel centres (``m = n`` for
entropy; ``n_p (n_p + n_q) d`` for KL), and ``O(chunk * m)`` memory: the kernel terms are
evaluated in row chunks of at most ``_CHUNK_ELEMENTS`` = 4 million float64 (32 MB), never as
an ``n x n`` matrix. Results in nats (the public functions convert to ``base``).
"""

from __future__ import annotations

import functools
import math
from numbers import Real
from typing import NamedTuple

import numpy as np
from scipy import linalg, optimize

from . import _api
from ._combine import cmi_from_entropies, mi_from_entropies
from ._inputs import check_min_samples, check_no_constant_column, column_scales
from ._registry import register

__all__ = ["conditional_mutual_information", "entropy", "kl_divergence", "mutual_information"]

_METHOD = "kde"
_RULES = ("scott", "silverman", "cv")
_MIN_SAMPLES = 2  # leave-one-out needs another sample
_CHUNK_ELEMENTS = 4_000_000  # squared distances per chunk: 32 MB of float64
_CV_RANGE = (0.01, 5.0)  # search interval for "cv", as multiples of Scott's h
_CV_LOG_TOLERANCE = 0.01
_MIN_UNEXPLAINED = 1e-12  # 1 - R^2 of a column on the earlier ones below this: singular
#: a kernel term exp(-r^2 / (2 h^2)) below the smallest float64 (r > 38.6 h): out of reach
_OUT_OF_REACH = -math.log(np.finfo(np.float64).smallest_subnormal)


def entropy(x, base: float = math.e, *, bandwidth: str | float = "scott", **options) -> float:
    """Differential entropy ``H(X)`` by leave-one-out Gaussian KDE resubstitution.

    ``H = -1/n sum_i log f_-i(x_i)`` with bandwidth matrix ``h^2 S`` (Ahmad & Lin 1976); see
    the module docstring for the formula, the bandwidth rules and the cost
    (``O(n^2 d)`` time, ``O(n)`` memory beyond a 32 MB chunk).

    Parameters
    ----------
    x : array_like, shape (n_samples,) or (n_samples, n_features)
        At least 2 samples, no constant or linearly dependent columns.
    base : float
        Logarithm base of the result's unit (``math.e``: nats, 2: bits).
    bandwidth : {"scott", "silverman", "cv"} or float
        Bandwidth rule, or ``h`` in whitened units (standard deviations).

    Returns
    -------
    float
    """
    return _api.entropy(x, method=_METHOD, base=base, bandwidth=bandwidth, **options)


def mutual_information(
    x, y, base: float = math.e, *, bandwidth: str | float = "scott", **options
) -> float:
    """``I(X; Y) = H(X) + H(Y) - H(X, Y)`` by Gaussian KDE, one bandwidth for all terms.

    The bandwidth is the rule's for the joint dimension ``d_x + d_y`` (``"cv"``:
    cross-validated on the joint). Cost ``O(n^2 (d_x + d_y))`` time. Other parameters as
    :func:`entropy`.
    """
    return _api.mutual_information(x, y, method=_METHOD, base=base, bandwidth=bandwidth, **options)


def conditional_mutual_information(
    x, y, z, base: float = math.e, *, bandwidth: str | float = "scott", **options
) -> float:
    """``I(X; Y | Z) = H(X, Z) + H(Y, Z) - H(X, Y, Z) - H(Z)`` by Gaussian KDE.

    One bandwidth for all four terms: the rule's for ``d_x + d_y + d_z``. Other parameters as
    :func:`entropy`.
    """
    return _api.conditional_mutual_information(
        x, y, z, method=_METHOD, base=base, bandwidth=bandwidth, **options
    )


def kl_divergence(
    x_p, x_q, base: float = math.e, *, bandwidth: str | float = "scott", **options
) -> float:
    """``D(p || q) = 1/n sum_i [log f_p,-i(x_i) - log f_q(x_i)]`` over the samples of p.

    Leave-one-out KDE of p, full KDE of q, each with its own covariance and its own bandwidth
    by the rule. Cost ``O(n_p (n_p + n_q) d)`` time. Other parameters as :func:`entropy`.
    """
    return _api.kl_divergence(x_p, x_q, method=_METHOD, base=base, bandwidth=bandwidth, **options)


# --- implementations (nats; inputs already checked by the API) --------------------------------


def _entropy(x: np.ndarray, *, bandwidth="scott") -> float:
    _check_inputs(bandwidth, x=x)
    return _entropy_at(x, _bandwidth(x, bandwidth))


def _mutual_information(x: np.ndarray, y: np.ndarray, *, bandwidth="scott") -> float:
    _check_inputs(bandwidth, x=x, y=y)
    h = _bandwidth(np.hstack((x, y)), bandwidth)
    return mi_from_entropies(functools.partial(_entropy_at, h=h), x, y)


def _conditional_mutual_information(
    x: np.ndarray, y: np.ndarray, z: np.ndarray, *, bandwidth="scott"
) -> float:
    _check_inputs(bandwidth, x=x, y=y, z=z)
    h = _bandwidth(np.hstack((x, y, z)), bandwidth)
    return cmi_from_entropies(functools.partial(_entropy_at, h=h), x, y, z)


def _kl_divergence(x_p: np.ndarray, x_q: np.ndarray, *, bandwidth="scott") -> float:
    _check_inputs(bandwidth, x_p=x_p, x_q=x_q)
    white_p, white_q = _whitening(x_p), _whitening(x_q)
    # log f(x) = log f_W(L^-1 (x - mean)) - log det L, with p's and q's own whitening
    log_p = _loo_log_density(_whiten(x_p, white_p), _bandwidth(x_p, bandwidth))
    p_under_q = _whiten(x_p, white_q)
    _check_representable(p_under_q)
    log_q = _log_density(p_under_q, _whiten(x_q, white_q), _bandwidth(x_q, bandwidth))
    return float(np.mean(log_p - log_q)) - _log_det(white_p) + _log_det(white_q)


register(
    _METHOD,
    family="kde",
    data="continuous",
    entropy=_entropy,
    mutual_information=_mutual_information,
    conditional_mutual_information=_conditional_mutual_information,
    kl_divergence=_kl_divergence,
)


# --- checks ---------------------------------------------------------------------------------


def _check_inputs(bandwidth, **samples: np.ndarray) -> None:
    """The bandwidth option, then each sample: at least 2 rows, no constant column, a
    non-singular covariance (each sample, and for MI and CMI the samples side by side), so
    that a singular one is refused naming the argument. Cost ``O(n d^2)``, small beside the
    kernel sums."""
    _check_bandwidth(bandwidth)
    for name, array in samples.items():
        check_min_samples(array, name, _MIN_SAMPLES, _METHOD)
        check_no_constant_column(
            array,
            name,
            f"method {_METHOD!r} needs a non-singular sample covariance (a constant has no "
            "differential entropy); drop it",
        )
        _whitening(array, name)
    if len(samples) > 1 and "x_p" not in samples:
        _whitening(np.hstack(list(samples.values())), f"({', '.join(samples)}) jointly")


def _check_bandwidth(bandwidth) -> None:
    if isinstance(bandwidth, str):
        if bandwidth not in _RULES:
            raise ValueError(
                f"bandwidth must be one of {', '.join(map(repr, _RULES))} or a positive "
                f"number; got {bandwidth!r}"
            )
    elif isinstance(bandwidth, bool) or not isinstance(bandwidth, Real):
        raise TypeError(
            f"bandwidth must be a rule name ({', '.join(map(repr, _RULES))}) or a positive "
            f"number; got {type(bandwidth).__name__}"
        )
    elif not (math.isfinite(bandwidth) and bandwidth > 0):
        raise ValueError(f"bandwidth must be a finite number > 0 (whitened units); got {bandwidth}")


# --- whitening ------------------------------------------------------------------------------


class _Whitening(NamedTuple):
    """``w = L^-1 (x / scale - mean)``: ``scale`` per column (an exact power of two,
    :func:`estimators._inputs.column_scales`), then the sample mean and the lower Cholesky
    factor ``L`` of the sample covariance of ``x / scale``."""

    mean: np.ndarray
    lower: np.ndarray
    scale: np.ndarray


def _whitening(samples: np.ndarray, name: str = "the samples") -> _Whitening:
    """The whitening of ``samples``: each column divided by its power-of-two scale first, so
    the covariance of samples from 1e-300 to 1e300 neither overflows nor underflows (the
    scale returns in :func:`_log_det`: ``H(aX) = H(X) + d log a`` exactly); then the sample
    mean and lower Cholesky factor ``L`` of the sample covariance (``ddof = 1``).

    ``ValueError`` if the covariance is singular (fewer than ``d + 1`` samples, or columns
    that are linear combinations of the others, to a relative residual variance of 1e-12).
    """
    scale = column_scales(samples)
    samples = samples / scale
    mean = samples.mean(axis=0)
    cov = np.atleast_2d(np.cov(samples, rowvar=False))
    try:
        lower = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        lower = None
    if lower is None or np.any(np.diag(lower) ** 2 < _MIN_UNEXPLAINED * np.diag(cov)):
        raise ValueError(
            f"method {_METHOD!r} needs a non-singular sample covariance; the "
            f"{samples.shape[1]} columns of {name} ({samples.shape[0]} rows) are linearly "
            "dependent (need at least d + 1 rows, and no column a linear combination of "
            "the others)"
        )
    return _Whitening(mean, lower, scale)


def _whiten(samples: np.ndarray, whitening: _Whitening) -> np.ndarray:
    """``L^-1 (x / scale - mean)`` for every row ``x``; ``O(n d^2)``."""
    centred = samples / whitening.scale - whitening.mean
    return linalg.solve_triangular(whitening.lower, centred.T, lower=True).T


def _log_det(whitening: _Whitening) -> float:
    """``log det`` of the map from whitened to original units: ``diag(scale) L``."""
    return float(np.log(np.diag(whitening.lower)).sum() + np.log(whitening.scale).sum())


def _entropy_at(samples: np.ndarray, h: float) -> float:
    """Leave-one-out KDE entropy of ``samples`` at whitened bandwidth ``h``, nats."""
    whitening = _whitening(samples)
    white = _whiten(samples, whitening)
    return _log_det(whitening) - float(np.mean(_loo_log_density(white, h)))


# --- bandwidth ------------------------------------------------------------------------------


def _bandwidth(samples: np.ndarray, bandwidth) -> float:
    """``h`` in whitened units for ``samples`` by the rule, or the number given."""
    n, d = samples.shape
    if bandwidth == "scott":
        return _scott(n, d)
    if bandwidth == "silverman":
        return (n * (d + 2) / 4) ** (-1 / (d + 4))
    if bandwidth == "cv":
        return _cv_bandwidth(_whiten(samples, _whitening(samples)))
    return float(bandwidth)


def _scott(n: int, d: int) -> float:
    return n ** (-1 / (d + 4))


def _cv_bandwidth(white: np.ndarray) -> float:
    """The ``h`` maximising the leave-one-out log-likelihood of whitened samples."""
    scott = _scott(*white.shape)
    bounds = tuple(math.log(scott * factor) for factor in _CV_RANGE)
    result = optimize.minimize_scalar(
        lambda log_h: -float(np.mean(_loo_log_density(white, math.exp(log_h), check=False))),
        bounds=bounds,
        method="bounded",
        options={"xatol": _CV_LOG_TOLERANCE},
    )
    return math.exp(result.x)


# --- kernel sums ----------------------------------------------------------------------------


def _loo_log_density(white: np.ndarray, h: float, *, check: bool = True) -> np.ndarray:
    """``log f_-i(w_i)`` for every row of ``white`` (leave-one-out), whitened units; with
    ``check``, a bandwidth out of reach of the samples' neighbours is refused
    (:func:`_check_reach`)."""
    log_sums, nearest = _log_kernel_sums(white, white, h, exclude_self=True)
    if check:
        _check_reach(nearest, h)
    return log_sums - _log_normaliser(white.shape[0] - 1, white.shape[1], h)


def _check_reach(nearest: np.ndarray, h: float) -> None:
    """Refuse a bandwidth that does not reach the samples' neighbours: for the median row,
    the nearest other row (squared distance ``nearest``, whitened units) farther than
    ``sqrt(2 * 744.4) h = 38.6 h``, where the kernel term ``exp(-r^2 / (2 h^2))`` is below
    the smallest float64. The leave-one-out density of most rows is then the far tail of a
    single kernel, computed only because it is taken in log space, and the entropy estimate
    grows as ``1 / h^2`` without bound (``bandwidth=1e-12``: about 1e19 nats). The rules
    never come near (Scott's ``h`` leaves the median row's neighbour within 13 ``h`` even at
    ``d = 100``, ``n = 50``); "cv"'s search is not checked, only its result."""
    typical = float(np.median(nearest))
    if typical / (2 * h * h) <= _OUT_OF_REACH:
        return
    reach = math.sqrt(typical / (2 * _OUT_OF_REACH))
    raise ValueError(
        f"bandwidth h = {h:.3g} (whitened units: standard deviations) is too narrow for these "
        f"samples: the median row's nearest other row is {math.sqrt(typical) / h:.3g} "
        "bandwidths away, where the kernel is below the smallest float64, so the estimate "
        "would be the tail of a single kernel (growing as 1/h^2); use a rule ('scott', "
        f"'silverman', 'cv') or h >= {reach:.3g}"
    )


def _check_representable(p_under_q: np.ndarray) -> None:
    """Refuse rows of ``x_p`` so far from ``x_q`` (beyond 1e154 of q's standard deviations)
    that their squared distance overflows: the log density of q there is ``-inf`` in any
    floating point, the estimate of ``D(p || q)`` infinite (it was NaN, ``inf - inf``)."""
    squared = np.einsum("ij,ij->i", p_under_q, p_under_q)
    far = np.flatnonzero(~np.isfinite(squared))
    if far.size:
        raise ValueError(
            f"x_p has {far.size} row(s) (the first: {int(far[0])}) beyond 1e154 standard "
            "deviations of x_q, where the kernel density of x_q is 0 even in log space: the "
            "KDE estimate of D(p || q) is infinite; remove such outliers or use 'knn'"
        )


def _log_density(queries: np.ndarray, reference: np.ndarray, h: float) -> np.ndarray:
    """``log f(q_i)`` of the KDE with centres ``reference`` at every row of ``queries``."""
    log_sums, _ = _log_kernel_sums(queries, reference, h, exclude_self=False)
    return log_sums - _log_normaliser(reference.shape[0], reference.shape[1], h)


def _log_normaliser(count: int, d: int, h: float) -> float:
    """``log(count (2 pi h^2)^(d/2))``: a sum of ``count`` unnormalised kernels to a density."""
    return math.log(count) + d / 2 * math.log(2 * math.pi * h * h)


def _log_kernel_sums(
    queries: np.ndarray, reference: np.ndarray, h: float, *, exclude_self: bool
) -> tuple[np.ndarray, np.ndarray]:
    """``log sum_j exp(-|q_i - r_j|^2 / (2 h^2))`` for every query row ``q_i``, and the
    squared distance from ``q_i`` to its nearest centre.

    With ``exclude_self`` the queries are the reference and term ``j = i`` is left out.
    Evaluated in chunks of rows (one reused buffer of at most ``_CHUNK_ELEMENTS`` squared
    distances, or one row): ``O(n m d)`` time, ``O(chunk m + (n + m) d)`` memory. Each row
    is shifted by its nearest centre before exponentiating (log-sum-exp).
    """
    m = reference.shape[0]
    rows = max(1, _CHUNK_ELEMENTS // m)
    left, _ = _gram_operands(queries)
    _, right = _gram_operands(reference)
    buffer = np.empty((min(rows, queries.shape[0]), m))
    sums, nearest = np.empty(queries.shape[0]), np.empty(queries.shape[0])
    for start in range(0, queries.shape[0], rows):  # chunks of rows, not samples
        chunk = left[start : start + rows]
        squared = np.matmul(chunk, right, out=buffer[: chunk.shape[0]])
        np.maximum(squared, 0.0, out=squared)  # rounding can leave tiny negatives
        if exclude_self:
            diagonal = np.arange(squared.shape[0])
            squared[diagonal, start + diagonal] = np.inf
        sums[start : start + rows], nearest[start : start + rows] = _log_sum_exp_scaled(
            squared, -0.5 / (h * h)
        )
    return sums, nearest


def _gram_operands(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``A`` (n, d+2) and ``B`` (d+2, n) with ``(A_i . B_j) = |p_i - p_j|^2`` across two sets.

    ``A = [p, |p|^2, 1]`` and ``B = [-2 p, 1, |p|^2]^T``: one matrix product per chunk gives
    ``|a|^2 + |b|^2 - 2 a.b``. Whitened data have norms of order ``sqrt(d)``, so the
    cancellation error is of order ``d * 1e-16`` against ``h^2``.
    """
    norms = np.einsum("ij,ij->i", points, points)[:, None]
    ones = np.ones_like(norms)
    return np.hstack((points, norms, ones)), np.hstack((-2.0 * points, ones, norms)).T


def _log_sum_exp_scaled(squared: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """``log sum_j exp(scale * squared_ij)`` per row (``scale < 0``), overwriting ``squared``,
    and each row's smallest entry.

    Shifted by each row's smallest entry, so the largest term is exactly 1 and the sum is in
    ``[1, m]``: no underflow however far the nearest centre.
    """
    nearest = squared.min(axis=1, keepdims=True)
    squared -= nearest
    squared *= scale
    np.exp(squared, out=squared)
    return np.log(squared.sum(axis=1)) + scale * nearest[:, 0], nearest[:, 0]
