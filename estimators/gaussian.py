"""Gaussian estimators: the parametric baseline, and the Gaussian-copula MI.

Method ``"gaussian"`` (entropy, MI, conditional MI, KL divergence) fits a normal distribution
to the samples — the sample mean and the sample covariance ``S = X_c^T X_c / (n - 1)``
(``np.cov`` with ``ddof=1``, ``X_c`` the centred samples) — and returns the closed forms of
:mod:`exact.gaussian` for it (Cover & Thomas 2006, 8.4-8.5; Kullback 1959):

- ``H = (d log(2 pi e) + log det S) / 2``;
- ``I(X; Y) = H(X) + H(Y) - H(X, Y)`` and ``I(X; Y | Z) = H(X, Z) + H(Y, Z) - H(X, Y, Z) - H(Z)``,
  i.e. ``(log det S_XZ + log det S_YZ - log det S_XYZ - log det S_Z) / 2``, with each entropy
  taken on a principal block of the one joint covariance;
- ``D(p || q)`` between the normals fitted to ``x_p`` and to ``x_q``.

It is exact in the limit for normal data and, for any data, estimates the entropy of the
normal with the same covariance — an upper bound of the true entropy; its MI is the MI of
that normal, which misses every non-linear dependence. The choice ``ddof=1`` matters only
for the entropy (``ddof=0`` would lower it by ``d log(n / (n - 1)) / 2``): the factors cancel
in MI and CMI. KL uses the ``ddof=1`` covariances too.

Method ``"gaussian-copula"`` (alias ``"copula"``; MI and conditional MI) is the Gaussian-copula
MI of Ince et al. (2017): each column is replaced by its normal scores
``Phi^-1(rank / (n + 1))`` (ranks by ``scipy.stats.rankdata``, ties averaged) and the Gaussian
MI of the scores is returned. It is invariant under any strictly increasing transform of any
column (the ranks do not change), robust to outliers and heavy tails, exact in the limit for a
Gaussian copula and otherwise a lower bound of the true MI (the Gaussian MI of the scores
measures only the part of the dependence a Gaussian copula can carry).

``bias_correction=True`` removes the finite-sample bias of the Gaussian entropy plug-in. For
``n`` normal draws in ``d`` dimensions ``(n - 1) S`` is Wishart with ``n - 1`` degrees of
freedom, so ``E[log det S] = log det Sigma + d log(2 / (n - 1)) + sum_{i=1..d} psi((n - i) / 2)``
(``psi`` the digamma function); half of the last two terms is subtracted from every entropy,
which makes the entropy exactly unbiased for normal data (Ahmed & Gokhale 1989; Misra, Singh &
Demchuk 2005). MI and CMI combine corrected entropies, so they are unbiased too (each block's
sample covariance is itself Wishart). The plug-in MI is biased upwards by about
``d_x d_y / (2 n)``; the corrected one can be negative. KL is always the plug-in.

A sample needs ``n >= d + 1`` rows (``d`` its columns, jointly for MI and CMI): the sample
covariance has rank ``min(n - 1, d)``. A constant column, or columns that are linear
combinations of others (the sample correlation matrix has an eigenvalue below
``_SINGULAR_TOL``), give a ``ValueError`` naming the argument.

Scale: each column is first divided by its largest magnitude rounded to a power of two
(:func:`estimators._inputs.column_scales`; exact in floating point, and for KL the same
divisor for both samples), so the covariance neither overflows at 1e300 nor underflows at
1e-300: MI, CMI and KL are the same at any scale, and the entropy shifts by exactly the
log of the scale (``H(aX) = H(X) + d log a``).

Cost: ``O(n d^2 + d^3)`` time and ``O(n d)`` memory (one centred copy) for ``"gaussian"``;
``O(d n log n)`` more for the ranks of ``"gaussian-copula"`` — millions of rows take seconds.
Never an ``n x n`` matrix. Results in nats (the public functions convert to ``base``).
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
from scipy import special, stats

from exact import gaussian as closed_form

from . import _api
from ._combine import cmi_from_entropies, mi_from_entropies
from ._inputs import check_flag, check_min_samples, column_scales
from ._registry import register

__all__ = [
    "conditional_mutual_information",
    "copula_conditional_mutual_information",
    "copula_mutual_information",
    "entropy",
    "kl_divergence",
    "mutual_information",
]

#: Smallest eigenvalue of the sample correlation matrix below which columns count as collinear
#: (a residual below 1e-5 of a column's standard deviation). Rounding in the covariance, about
#: sqrt(n) eps relative (1e-13 at n = 10**6), then moves log det by under 1e-3 nats.
_SINGULAR_TOL = 1e-10

#: A column whose standard deviation is below this fraction of its largest magnitude is
#: constant up to rounding (the mean of n equal floats need not equal them exactly: it is
#: off by at most ~log2(n) ulps with numpy's pairwise sums, under 64 eps for n < 2^60).
#: 1e-12 called ``z + 1e12`` (standard deviation 1) constant.
_CONSTANT_TOL = 64 * np.finfo(np.float64).eps


# ----------------------------------------------------------------------- public functions


def entropy(x, base: float = math.e, *, bias_correction: bool = False, **options) -> float:
    """Entropy of the normal fitted to ``x``: ``(d log(2 pi e) + log det S) / 2``.

    ``S`` is the sample covariance (``ddof=1``). Exact in the limit for normal data, an upper
    bound of the entropy for any other (the normal maximises entropy for a covariance).

    Parameters
    ----------
    x : array_like, shape (n_samples,) or (n_samples, n_features)
        Samples, ``n_samples >= n_features + 1``.
    base : float
        Logarithm base of the result's unit (``math.e``: nats, 2: bits).
    bias_correction : bool
        Subtract the plug-in's bias ``(d log(2 / (n - 1)) + sum_i psi((n - i) / 2)) / 2``
        (Ahmed & Gokhale 1989): unbiased for normal data.

    Returns
    -------
    float
        Cost ``O(n d^2 + d^3)`` time, ``O(n d)`` memory.
    """
    return _api.entropy(x, method="gaussian", base=base, bias_correction=bias_correction, **options)


def mutual_information(
    x, y, base: float = math.e, *, bias_correction: bool = False, **options
) -> float:
    """MI of the normal fitted to ``(x, y)``: ``(log det S_X + log det S_Y - log det S) / 2``.

    For one pair of columns ``-log(1 - r^2) / 2`` with ``r`` the Pearson correlation. Sees only
    linear dependence. The plug-in is >= 0 and biased upwards by about ``d_x d_y / (2 n)``;
    ``bias_correction=True`` makes it unbiased for normal data (then it can be negative).
    Cost ``O(n d^2 + d^3)`` time, ``O(n d)`` memory, ``d = d_x + d_y``. Other parameters as
    :func:`entropy`.
    """
    return _api.mutual_information(
        x, y, method="gaussian", base=base, bias_correction=bias_correction, **options
    )


def conditional_mutual_information(
    x, y, z, base: float = math.e, *, bias_correction: bool = False, **options
) -> float:
    """CMI of the normal fitted to ``(x, y, z)``.

    ``I(X; Y | Z) = (log det S_XZ + log det S_YZ - log det S_XYZ - log det S_Z) / 2``: zero
    exactly when the partial correlations of X and Y given Z vanish. Cost
    ``O(n d^2 + d^3)``, ``d = d_x + d_y + d_z``. Other parameters as :func:`entropy`.
    """
    return _api.conditional_mutual_information(
        x, y, z, method="gaussian", base=base, bias_correction=bias_correction, **options
    )


def kl_divergence(x_p, x_q, base: float = math.e, **options) -> float:
    """KL divergence between the normals fitted to ``x_p`` and to ``x_q`` (plug-in).

    ``D = (tr(S_q^-1 S_p) + (m_q - m_p)^T S_q^-1 (m_q - m_p) - d + log det S_q
    - log det S_p) / 2`` with sample means ``m`` and covariances ``S`` (``ddof=1``); Kullback
    (1959). No bias correction is offered. The two samples may differ in length. Cost
    ``O((n_p + n_q) d^2 + d^3)`` time, ``O(n d)`` memory.
    """
    return _api.kl_divergence(x_p, x_q, method="gaussian", base=base, **options)


def copula_mutual_information(
    x, y, base: float = math.e, *, bias_correction: bool = False, **options
) -> float:
    """Gaussian-copula MI (Ince et al. 2017): the Gaussian MI of the columns' normal scores.

    Each column ``v`` becomes ``Phi^-1(rank(v) / (n + 1))`` (ties get their average rank),
    then :func:`mutual_information` of the scores is returned. Invariant under strictly
    increasing transforms of each column, robust to outliers, exact in the limit when the
    copula of ``(X, Y)`` is Gaussian and a lower bound of the true MI otherwise.
    Cost ``O(d n log n + n d^2)`` time, ``O(n d)`` memory: millions of rows in seconds.
    Other parameters as :func:`entropy`.
    """
    return _api.mutual_information(
        x, y, method="gaussian-copula", base=base, bias_correction=bias_correction, **options
    )


def copula_conditional_mutual_information(
    x, y, z, base: float = math.e, *, bias_correction: bool = False, **options
) -> float:
    """Gaussian-copula CMI (Ince et al. 2017): the Gaussian CMI of the normal scores.

    As :func:`copula_mutual_information`, with :func:`conditional_mutual_information` of the
    scores of ``x``, ``y`` and ``z``.
    """
    return _api.conditional_mutual_information(
        x, y, z, method="gaussian-copula", base=base, bias_correction=bias_correction, **options
    )


# ------------------------------------------------------------------------ implementations


def _entropy(x: np.ndarray, *, bias_correction: bool = False) -> float:
    scales = column_scales(x)  # H(X / s) = H(X) - sum log s: exact, from 1e-300 to 1e300
    entropy_of = _block_entropy_of({"x": x / scales}, "gaussian", bias_correction)
    return entropy_of(_columns(x.shape[1])) + float(np.log(scales).sum())


def _mutual_information(x: np.ndarray, y: np.ndarray, *, bias_correction: bool = False) -> float:
    return _gaussian_mi(_rescaled({"x": x, "y": y}), "gaussian", bias_correction)


def _conditional_mutual_information(
    x: np.ndarray, y: np.ndarray, z: np.ndarray, *, bias_correction: bool = False
) -> float:
    return _gaussian_cmi(_rescaled({"x": x, "y": y, "z": z}), "gaussian", bias_correction)


def _kl_divergence(x_p: np.ndarray, x_q: np.ndarray) -> float:
    """The plug-in KL divergence of the fitted normals, each sample's moments first taken in
    its own power-of-two units (no overflow, no underflow), then both expressed in the units
    half-way between (in powers of two): the divergence is the same in any common units, and
    samples up to 2^1000 apart in magnitude keep representable covariances. A divergence
    beyond float64 (``x_p`` spread 1e300 times wider than ``x_q``) is a ``ValueError``."""
    scale_p, scale_q = column_scales(x_p), column_scales(x_q)
    x_p, x_q = x_p / scale_p, x_q / scale_q
    cov_p = _checked_covariance({"x_p": x_p}, "gaussian")
    cov_q = _checked_covariance({"x_q": x_q}, "gaussian")
    ratio = scale_p / scale_q  # exact powers of two
    to_q = np.exp2(-np.round(np.log2(ratio) / 2))  # q's units -> the half-way units
    to_p = ratio * to_q
    with np.errstate(over="ignore", under="ignore"):
        moments = (
            x_p.mean(axis=0) * to_p,
            cov_p * np.outer(to_p, to_p),
            x_q.mean(axis=0) * to_q,
            cov_q * np.outer(to_q, to_q),
        )
        representable = all(
            np.isfinite(cov).all() and (np.diag(cov) >= np.finfo(np.float64).tiny).all()
            for cov in moments[1::2]
        )
        nats = float(closed_form.kl_divergence(*moments)) if representable else math.inf
    if not math.isfinite(nats):
        worst = int(np.argmax(np.abs(np.log2(ratio))))
        raise ValueError(
            f"D(p || q) of the normals fitted to x_p and x_q is beyond float64: they differ "
            f"in magnitude by a factor of 2^{int(np.log2(ratio[worst]))} (column {worst}); "
            "compare samples of comparable spread"
        )
    return nats


def _copula_mutual_information(
    x: np.ndarray, y: np.ndarray, *, bias_correction: bool = False
) -> float:
    return _gaussian_mi(_normal_scores({"x": x, "y": y}), "gaussian-copula", bias_correction)


def _copula_conditional_mutual_information(
    x: np.ndarray, y: np.ndarray, z: np.ndarray, *, bias_correction: bool = False
) -> float:
    scores = _normal_scores({"x": x, "y": y, "z": z})
    return _gaussian_cmi(scores, "gaussian-copula", bias_correction)


# ---------------------------------------------------------------------------------- helpers


def _rescaled(samples: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each column divided by :func:`estimators._inputs.column_scales` (an exact power of
    two): MI and CMI do not change, and the covariance of samples from 1e-300 to 1e300
    neither overflows (``inf``, then a ``LinAlgError``) nor underflows (a column read as
    constant)."""
    return {name: part / column_scales(part) for name, part in samples.items()}


def _gaussian_mi(samples: dict[str, np.ndarray], method: str, bias_correction: bool) -> float:
    entropy_of = _block_entropy_of(samples, method, bias_correction)
    return mi_from_entropies(entropy_of, *_column_blocks(*samples.values()))


def _gaussian_cmi(samples: dict[str, np.ndarray], method: str, bias_correction: bool) -> float:
    entropy_of = _block_entropy_of(samples, method, bias_correction)
    return cmi_from_entropies(entropy_of, *_column_blocks(*samples.values()))


def _columns(stop: int, start: int = 0) -> np.ndarray:
    """Column indices ``start .. stop - 1`` as one row, shape ``(1, k)``."""
    return np.arange(start, stop).reshape(1, -1)


def _column_blocks(*samples: np.ndarray) -> list[np.ndarray]:
    """Each argument's column indices in the joint covariance, as ``(1, k)`` rows.

    The identities of :mod:`estimators._combine` stack their arguments with ``np.hstack``;
    applied to these rows they give the indices of the joint blocks (e.g. ``(x, z)``), so one
    covariance serves every entropy of the identity.
    """
    stops = np.cumsum([s.shape[1] for s in samples])
    return [_columns(stop, stop - s.shape[1]) for stop, s in zip(stops, samples, strict=True)]


def _block_entropy_of(samples: dict[str, np.ndarray], method: str, bias_correction: bool):
    """``columns -> H`` (nats) of the normal fitted to those columns of the joint sample."""
    check_flag(bias_correction, "bias_correction")
    cov = _checked_covariance(samples, method)
    n = next(iter(samples.values())).shape[0]
    return partial(_block_entropy, cov, n if bias_correction else None)


def _block_entropy(cov: np.ndarray, n: int | None, columns: np.ndarray) -> float:
    """Gaussian entropy of the block ``columns`` of ``cov``; bias-corrected for ``n`` rows."""
    index = columns.reshape(-1)
    nats = float(closed_form.entropy(cov[np.ix_(index, index)]))
    return nats if n is None else nats - _entropy_bias(index.size, n)


def _entropy_bias(d: int, n: int) -> float:
    """``E[H_plugin] - H`` for ``n`` normal draws in ``d`` dimensions, ``ddof=1`` (Wishart).

    ``(d log(2 / (n - 1)) + sum_{i=1..d} psi((n - i) / 2)) / 2``; Ahmed & Gokhale (1989).
    """
    digammas = special.digamma((n - np.arange(1, d + 1)) / 2).sum()
    return 0.5 * (d * math.log(2 / (n - 1)) + float(digammas))


def normal_scores(x: np.ndarray) -> np.ndarray:
    """The Gaussian-copula transform of the columns of ``x`` ``(n, d)``:
    ``Phi^-1(rank / (n + 1))`` per column, ties averaged (Ince et al. 2017); ``O(n log n)``
    per column. Used by the ``"gaussian-copula"`` estimators and by
    :func:`estimators.selection.mutual_info_matrix`."""
    return special.ndtri(stats.rankdata(x, axis=0) / (x.shape[0] + 1))


def fitted_dependence(blocks: list[np.ndarray], *, bias_correction: bool = False) -> float:
    """The Gaussian MI (blocks ``[x, y]``) or conditional MI (``[x, y, z]``), in nats, of the
    normal fitted to the blocks side by side: the estimator of ``method="gaussian"`` on arrays
    already checked (used on normal scores by :mod:`estimators.hybrid`). ``ValueError``
    where the sample covariance is singular. Cost ``O(n d^2 + d^3)``."""
    samples = dict(zip("xyz", blocks, strict=False))
    combine = _gaussian_mi if len(blocks) == 2 else _gaussian_cmi
    return combine(samples, "gaussian", bias_correction)


def _normal_scores(samples: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """:func:`normal_scores` of each named block."""
    return {name: normal_scores(part) for name, part in samples.items()}


def _checked_covariance(samples: dict[str, np.ndarray], method: str) -> np.ndarray:
    """Sample covariance (``ddof=1``) of the columns of ``samples`` side by side, checked.

    ``ValueError`` naming the argument for too few rows, a constant column, or collinear
    columns (within one argument, or across them). Cost ``O(n d^2 + d^3)``.
    """
    joint = np.hstack(list(samples.values()))
    label = _label(samples)
    _check_rows(joint, label, method)
    cov = np.atleast_2d(np.cov(joint, rowvar=False, ddof=1))
    for (name, part), columns in zip(
        samples.items(), _column_blocks(*samples.values()), strict=True
    ):
        index = columns.reshape(-1)
        block = cov[np.ix_(index, index)]
        _check_no_constant_column(part, np.diag(block), name, method)
        _check_not_collinear(_correlation(block), name, method)
    if len(samples) > 1:
        _check_not_collinear(_correlation(cov), label, method)
    return cov


def _correlation(cov: np.ndarray) -> np.ndarray:
    spread = np.sqrt(np.diag(cov))
    return cov / np.outer(spread, spread)


def _label(samples: dict[str, np.ndarray]) -> str:
    names = list(samples)
    return names[0] if len(names) == 1 else f"({', '.join(names)}) jointly"


def _check_rows(joint: np.ndarray, label: str, method: str) -> None:
    d = joint.shape[1]
    try:
        check_min_samples(joint, label, d + 1, method)
    except ValueError as error:
        raise ValueError(
            f"{error}: the sample covariance of {d} column(s) has rank min(n - 1, {d}) "
            f"(ddof=1), so it is singular unless n >= {d + 1}"
        ) from None


def _check_no_constant_column(part: np.ndarray, variances, name: str, method: str) -> None:
    spread = np.sqrt(variances)
    constant = np.flatnonzero(spread <= _CONSTANT_TOL * np.abs(part).max(axis=0))
    if constant.size:
        j = int(constant[0])
        raise ValueError(
            f"{name} has a singular sample covariance: its column {j} is constant up to "
            f"rounding (standard deviation {spread[j] / np.abs(part[:, j]).max():.2g} of its "
            f"magnitude, below {_CONSTANT_TOL:.2g}); method {method!r} needs every column to "
            "vary — drop constant columns"
        )


def _check_not_collinear(correlation: np.ndarray, label: str, method: str) -> None:
    if correlation.shape[0] < 2:
        return
    smallest = float(np.linalg.eigvalsh(correlation)[0])
    if smallest < _SINGULAR_TOL:
        raise ValueError(
            f"{label} has a singular sample covariance: some column is a linear combination "
            f"of the others (smallest eigenvalue of the sample correlation matrix "
            f"{smallest:.3g} < {_SINGULAR_TOL:g}); method {method!r} needs linearly "
            "independent columns — drop redundant ones"
        )


def _entropy_standard_error(problem) -> tuple[float, float, str, dict]:
    """The analytic interval of ``uncertainty="auto"`` for the Gaussian entropy:
    ``Var H = 1/4 sum_{i=1..d} psi'((n - i) / 2)``: ``(n - 1) S`` is Wishart, its log
    determinant a sum of independent ``log chi^2_(n-i)`` (exact for normal data; Anderson
    2003, ch. 7). Value and standard error in nats; ``problem`` an
    :class:`estimators._api.Problem`. Cost: the estimate plus ``d`` trigamma values."""
    n, d = problem.arrays[0].shape
    variance = 0.25 * float(special.polygamma(1, (n - np.arange(1, d + 1)) / 2).sum())
    return problem.run(*problem.arrays), math.sqrt(variance), "gaussian asymptotic", {}


def _dependence_standard_error(problem) -> tuple[float, float, str, dict]:
    """The analytic interval of ``uncertainty="auto"`` for the Gaussian MI and CMI:
    ``I = -1/2 sum_i log(1 - r_i^2)`` over the canonical correlations ``r_i`` of X and Y
    (partial, given Z), and ``Var r_i ~ (1 - r_i^2)^2 / n`` (asymptotically independent;
    Anderson 2003, ch. 12) give by the delta method ``Var I ~ sum_i r_i^2 / n'``,
    ``n' = n - d_z``. Not valid near independence (``I -> 0``, where ``2 n' I`` is
    chi-squared): use :func:`estimators.independence_test` there. Value and standard error
    in nats; the canonical correlations in the diagnostics. Cost: the estimate plus
    ``O(n d^2 + d^3)`` for the covariance and its eigenvalues."""
    x, y, *z = problem.arrays
    joint = np.hstack((x, y, *z))
    joint = joint / column_scales(joint)  # canonical correlations do not change with scale
    cov = np.atleast_2d(np.cov(joint, rowvar=False))
    d_x, d_xy = x.shape[1], x.shape[1] + y.shape[1]
    if z:
        cov = cov[:d_xy, :d_xy] - cov[:d_xy, d_xy:] @ np.linalg.solve(
            cov[d_xy:, d_xy:], cov[d_xy:, :d_xy]
        )
    cross = np.linalg.solve(cov[:d_x, :d_x], cov[:d_x, d_x:d_xy]) @ np.linalg.solve(
        cov[d_x:d_xy, d_x:d_xy], cov[d_x:d_xy, :d_x]
    )
    squared = np.clip(np.linalg.eigvals(cross).real, 0, 1)
    effective_n = len(joint) - (z[0].shape[1] if z else 0)
    stderr = math.sqrt(float(squared.sum()) / effective_n)
    return (
        problem.run(*problem.arrays),
        stderr,
        "gaussian asymptotic",
        {"canonical_correlations": np.sqrt(squared)},
    )


register(
    "gaussian",
    "gaussian",
    "continuous",
    entropy=_entropy,
    mutual_information=_mutual_information,
    conditional_mutual_information=_conditional_mutual_information,
    kl_divergence=_kl_divergence,
    standard_errors={
        "entropy": _entropy_standard_error,
        "mutual_information": _dependence_standard_error,
        "conditional_mutual_information": _dependence_standard_error,
    },
)
for _name in ("gaussian-copula", "copula"):
    register(
        _name,
        "gaussian",
        "continuous",
        mutual_information=_copula_mutual_information,
        conditional_mutual_information=_copula_conditional_mutual_information,
    )
