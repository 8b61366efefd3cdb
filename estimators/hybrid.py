"""Combined routes: the Gaussian-copula MI with a k-NN estimate of what it misses.

Method ``"copula-ksg"`` (MI and conditional MI of continuous columns; what ``method="auto"``
runs on them) writes the MI of the normal scores ``S = Phi^-1(rank / (n + 1))`` of every
column — equal to the MI of the data, since each score is an invertible map of its column
(Kraskov et al. 2004, section II) — as its Gaussian part plus a remainder:

``I(X; Y) = I_G + (I(S_X; S_Y) - I_G)``

``I_G`` is the bias-corrected Gaussian MI of the scores (the Gaussian-copula MI of Ince et
al. 2017, exact for a Gaussian copula, in any dimension). The remainder is estimated by KSG
(Frenzel–Pompe for conditional MI) as the difference of two estimates at the same ``n``,
dimensions and marginals: KSG on the scores, minus KSG on a *Gaussian surrogate* — ``n``
draws of ``N(0, R)``, ``R`` the scores' correlation matrix, themselves replaced by their
normal scores. The surrogate's MI is ``I_G``, so the second estimate measures KSG's own
bias at this size, dimension and strength of dependence, and the difference cancels it to
first order (a parametric-bootstrap bias correction; Efron & Tibshirani 1993, ch. 10):

``I_hat = I_G + KSG(S) - KSG(surrogate)``

Where the copula is Gaussian (warped Gaussians, sparse interactions in 50 + 50 dimensions)
the two KSG terms have the same expectation and the estimate is ``I_G``; where it carries
no linear dependence (``Y = X^2 + noise``) ``I_G`` and the surrogate's KSG are near 0 and
the estimate is KSG's; heavy tails are gone in the scores. On independent data all three
terms are near 0 (``I_G`` bias-corrected): the combination does not inflate it (measured
in ``experiments.hard_suite``). Where the scores' correlation matrix is singular
(duplicated or collinear columns, fewer rows than columns) ``I_G`` is undefined and the
estimate is KSG on the scores.

The surrogates are drawn from ``random_state``: same seed, same number; ``n_surrogates``
of them are averaged (default by :func:`surrogate_count`: up to 8 where KSG is cheap).
Options: ``k`` (neighbours, default 3, as Kraskov et al. recommend; ``python -m
experiments.auto_k`` compares 2, 3, 5 and 8 on the hard suite), ``n_surrogates``.
Units: nats. Cost: ``1 + n_surrogates`` KSG estimates, the ranks ``O(n d log n)`` and each
surrogate ``O(n d^2 + d^3)``; memory ``O(n (d + k))``.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

from exact._random import as_generator

from ._registry import register
from .gaussian import fitted_dependence, normal_scores
from .knn import check_k, frenzel_pompe, gao_mutual_information

#: rows x columns whose KSG estimates one more surrogate may cost (see :func:`surrogate_count`)
SURROGATE_BUDGET = 200_000
MAX_SURROGATES = 8


def _mi_copula_ksg(
    x: np.ndarray, y: np.ndarray, *, k: int = 3, n_surrogates=None, random_state=None
) -> float:
    check_k(k, x, "x", "copula-ksg")
    return _copula_corrected([x, y], k, n_surrogates, random_state)


def _cmi_copula_ksg(
    x: np.ndarray,
    y: np.ndarray,
    z: np.ndarray,
    *,
    k: int = 3,
    n_surrogates=None,
    random_state=None,
) -> float:
    check_k(k, x, "x", "copula-ksg")
    return _copula_corrected([x, y, z], k, n_surrogates, random_state)


def surrogate_count(n: int, d: int, n_surrogates=None) -> int:
    """Surrogates whose KSG estimates are averaged: ``n_surrogates`` if given, else as many
    as fit :data:`SURROGATE_BUDGET` rows x columns — ``SURROGATE_BUDGET // (n d)`` — between
    1 and :data:`MAX_SURROGATES`. Their mean lowers the surrogate's share of the variance
    (at n = 500 in 1 + 1 dimensions one surrogate makes the standard deviation 1.4 times
    KSG's) where KSG is cheap, and costs one extra KSG where it is not (n = 10^5, or
    50 + 50 dimensions)."""
    if n_surrogates is None:
        return int(np.clip(SURROGATE_BUDGET // (n * d), 1, MAX_SURROGATES))
    if isinstance(n_surrogates, bool) or not isinstance(n_surrogates, Integral) or n_surrogates < 1:
        raise ValueError(f"n_surrogates must be a positive integer or None; got {n_surrogates!r}")
    return int(n_surrogates)


def _copula_corrected(blocks: list[np.ndarray], k: int, n_surrogates, random_state) -> float:
    """``I_G + KSG(scores) - mean KSG(surrogates)`` (module docstring), for MI (two blocks)
    or conditional MI (three)."""
    scores = [normal_scores(block) for block in blocks]
    count = surrogate_count(len(scores[0]), sum(s.shape[1] for s in scores), n_surrogates)
    value = _knn_dependence(scores, k)
    try:
        gaussian = fitted_dependence(scores, bias_correction=True)
    except ValueError:  # singular correlation of the scores: no Gaussian part
        return value
    correlation = _surrogate_correlation(scores, max(gaussian, 0.0))
    rng = as_generator(random_state)
    biased = [
        _knn_dependence(_gaussian_surrogate(correlation, scores, rng), k) for _ in range(count)
    ]
    return gaussian + value - float(np.mean(biased))


def _knn_dependence(blocks: list[np.ndarray], k: int) -> float:
    """KSG (two blocks) or Frenzel–Pompe (three) on columns already on one scale."""
    joint = np.hstack(blocks)
    if len(blocks) == 2:
        return gao_mutual_information(joint, blocks, k)
    dim_x = blocks[0].shape[1]
    return frenzel_pompe(joint, dim_x, dim_x + blocks[1].shape[1], k)


def _surrogate_correlation(blocks: list[np.ndarray], target: float) -> np.ndarray:
    """The correlation matrix of the blocks side by side with its (partial, given z) x-y
    block shrunk so that its Gaussian MI is ``target`` nats.

    The sample correlations carry noise whose Gaussian MI is the plug-in's bias (``d_x d_y /
    2n`` nats at independence: 0.25 for 50 + 50 columns at n = 5,000); a surrogate with it
    would have more dependence than the data and its KSG would over-correct. With ``C`` the
    partial cross-correlation ``R_xy - R_xz R_zz^-1 R_zy`` (``R_xy`` without z), the matrix
    with ``R_xz R_zz^-1 R_zy + c C`` in its place is a convex combination of ``R`` and of
    the conditionally independent one, so positive definite for ``0 <= c <= 1``; its
    (partial) canonical correlations are ``c r_i`` and its MI ``-1/2 sum log(1 - c^2 r_i^2)``,
    increasing in ``c``: ``c`` is found by bisection to meet ``target`` (the bias-corrected
    Gaussian MI; 0 gives the independent surrogate). Cost ``O(n d^2 + d^3)``."""
    widths = np.cumsum([0] + [b.shape[1] for b in blocks])
    x, y = slice(widths[0], widths[1]), slice(widths[1], widths[2])
    z = slice(widths[2], widths[-1])  # empty for MI
    correlation = np.atleast_2d(np.corrcoef(np.hstack(blocks), rowvar=False))
    given_z = _through(correlation, x, y, z)
    partial = correlation[x, y] - given_z
    squared = _canonical_squared(correlation, x, y, z, partial)
    scale = _shrinkage(squared, target)
    correlation[x, y] = given_z + scale * partial
    correlation[y, x] = correlation[x, y].T
    return correlation


def _through(correlation: np.ndarray, a: slice, b: slice, z: slice) -> np.ndarray:
    """``R_az R_zz^-1 R_zb``: the part of the a-b correlation that goes through z (0 without z)."""
    if z.start == z.stop:
        return np.zeros((a.stop - a.start, b.stop - b.start))
    return correlation[a, z] @ np.linalg.solve(correlation[z, z], correlation[z, b])


def _canonical_squared(correlation, x: slice, y: slice, z: slice, partial) -> np.ndarray:
    """Squared (partial) canonical correlations of x and y (given z)."""
    within_x = correlation[x, x] - _through(correlation, x, x, z)
    within_y = correlation[y, y] - _through(correlation, y, y, z)
    product = np.linalg.solve(within_x, partial) @ np.linalg.solve(within_y, partial.T)
    return np.clip(np.linalg.eigvals(product).real, 0.0, 1.0 - 1e-12)


def _shrinkage(squared: np.ndarray, target: float) -> float:
    """``c`` in [0, 1] with ``-1/2 sum log(1 - c^2 r^2) = target`` (1 when even ``c = 1``
    falls short), by bisection to 1e-10."""

    def mi(c: float) -> float:
        return float(-0.5 * np.log1p(-(c**2) * squared).sum())

    if mi(1.0) <= target:
        return 1.0
    low, high = 0.0, 1.0
    while high - low > 1e-10:
        middle = (low + high) / 2
        low, high = (middle, high) if mi(middle) < target else (low, middle)
    return (low + high) / 2


def _gaussian_surrogate(
    correlation: np.ndarray, blocks: list[np.ndarray], rng: np.random.Generator
) -> list[np.ndarray]:
    """``n`` draws of ``N(0, correlation)`` as normal scores, split into blocks of the
    widths of ``blocks``."""
    n = len(blocks[0])
    draws = rng.standard_normal((n, len(correlation))) @ np.linalg.cholesky(correlation).T
    return np.split(normal_scores(draws), np.cumsum([b.shape[1] for b in blocks])[:-1], axis=1)


register(
    "copula-ksg",
    "knn",
    "continuous",
    route="Gaussian-copula MI of the normal scores + KSG on the scores - KSG on a Gaussian "
    "surrogate with the scores' correlations (KSG's bias)",
    mutual_information=_mi_copula_ksg,
    conditional_mutual_information=_cmi_copula_ksg,
)
