"""k-nearest-neighbour estimators: Kozachenko–Leonenko, KSG, Frenzel–Pompe, Ross, Gao, WKV.

Methods registered in the public API:

- ``"knn"``: entropy (Kozachenko & Leonenko 1987) and KL divergence (Wang, Kulkarni & Verdú
  2009), Euclidean or max-norm;
- ``"ksg"``: MI (Kraskov, Stögbauer & Grassberger 2004, ``variant=1|2``) and conditional MI
  (Frenzel & Pompe 2007; Vejmelka & Paluš 2008), max-norm;
- ``"ross"``: MI between a continuous and a discrete variable (Ross 2014; the estimator of
  scikit-learn's ``mutual_info_classif``);
- ``"mixed"``: MI (and CMI by the chain rule) of variables mixing discrete atoms and
  continuous parts (Gao, Kannan, Oh & Viswanath 2017).

All values in nats before the API converts them. The neighbour searches and counts are the
shared ones of :mod:`estimators._neighbors`: a compiled quantile-grid search in up to three
dimensions, otherwise one KD-tree per space queried in bulk in tree order; exact boundary
counts. Cost ``O(n log n)`` per space in low dimension (a KD-tree degrades towards ``O(n^2)``
as d grows past ~20); memory ``O(n (d + k))``.

Ties: the continuous estimators assume no two samples coincide. Where a k-th neighbour
distance is exactly 0 (duplicated rows), they add a jitter of ``1e-10`` times each column's
scale (its standard deviation, or ``|mean|``, or 1) drawn from ``random_state``, and say so in
a warning; ``"mixed"`` and ``"ross"`` handle ties by Gao et al.'s (2017) rule on atoms and
never jitter.
"""

from __future__ import annotations

import math
import warnings
from numbers import Integral

import numpy as np
from scipy.special import digamma, gammaln

from exact._random import as_generator

from . import _api
from ._inputs import (
    as_continuous,
    check_min_samples,
    check_no_constant_column,
    is_discrete,
    symbol_codes,
)
from ._kernels import group_by_label, within_label_radius
from ._neighbors import (
    CHEBYSHEV,
    EUCLIDEAN,
    PreparedSpace,
    copies,
    count_within,
    k_neighbors,
    kth_distances_to,
    kth_neighbor_distances,
    mean_digamma,
    prepare_space,
    radius_and_counts,
)
from ._registry import register

JITTER = 1e-10
_SMALLEST_RADIUS = np.nextafter(0.0, 1.0)
_METRICS = {"euclidean": EUCLIDEAN, "chebyshev": CHEBYSHEV}

__all__ = [
    "conditional_mutual_information",
    "entropy",
    "kl_divergence",
    "mixed_mutual_information",
    "mutual_information",
    "ross_mutual_information",
]


# --- public wrappers ------------------------------------------------------------------------


def entropy(
    x, base: float = math.e, *, k: int = 3, metric: str = "euclidean", random_state=None
) -> float:
    """Kozachenko–Leonenko differential entropy from the k-th neighbour distances.

    ``H = psi(n) - psi(k) + log V_d + (d / n) sum_i log eps_i``, with ``eps_i`` the distance
    from ``x_i`` to its k-th nearest neighbour and ``V_d`` the volume of the unit ball of the
    norm: ``pi^(d/2) / Gamma(d/2 + 1)`` (``metric="euclidean"``) or ``2^d`` (``"chebyshev"``,
    the max-norm). Kozachenko & Leonenko (1987); Kraskov et al. (2004), eq. (20).
    Asymptotically unbiased; bias ``O(n^(-1/d))``-ish in high dimension. A constant column has
    entropy ``-inf``: ``ValueError``. Cost: one KD-tree query, ``O(n log n)`` for small d.
    """
    return _api.entropy(x, "knn", base, k=k, metric=metric, random_state=random_state)


def mutual_information(
    x,
    y,
    base: float = math.e,
    *,
    k: int = 3,
    variant: int = 1,
    standardize: bool = True,
    random_state=None,
) -> float:
    """Kraskov–Stögbauer–Grassberger MI estimate (max-norm in the joint space).

    Variant 1: ``I = psi(k) + psi(n) - <psi(n_x + 1) + psi(n_y + 1)>``, ``n_x(i)`` the number
    of points whose x-distance to ``x_i`` is strictly below the joint k-th neighbour distance.
    Variant 2: ``I = psi(k) - 1/k + psi(n) - <psi(n_x) + psi(n_y)>``, with each marginal's
    own radius (the largest x-distance among the k neighbours) and ``<=`` counts.
    Kraskov, Stögbauer & Grassberger (2004), eqs. (8) and (9). With ``standardize`` (default,
    as scikit-learn) each column is divided by its standard deviation first. Cost: one joint
    KD-tree query and one count per marginal, ``O(n log n)``; memory ``O(n (d + k))``.
    """
    return _api.mutual_information(
        x, y, "ksg", base, k=k, variant=variant, standardize=standardize, random_state=random_state
    )


def conditional_mutual_information(
    x, y, z, base: float = math.e, *, k: int = 3, standardize: bool = True, random_state=None
) -> float:
    """Frenzel–Pompe conditional MI: ``I(X;Y|Z) = psi(k) - <psi(n_xz+1) + psi(n_yz+1) -
    psi(n_z+1)>``, counts strictly inside the k-th neighbour distance of the joint (x, y, z)
    in the max-norm. Frenzel & Pompe (2007); Vejmelka & Paluš (2008). Cost as KSG.
    """
    return _api.conditional_mutual_information(
        x, y, z, "ksg", base, k=k, standardize=standardize, random_state=random_state
    )


def kl_divergence(
    x_p, x_q, base: float = math.e, *, k: int = 3, metric: str = "euclidean", random_state=None
) -> float:
    """Wang–Kulkarni–Verdú k-NN estimate of ``D(p || q)`` from samples of p and q.

    ``D = (d / n) sum_i log(nu_k(i) / rho_k(i)) + log(m / (n - 1))``, ``rho_k(i)`` the
    distance from ``x_i`` to its k-th neighbour among the other ``n - 1`` p-samples,
    ``nu_k(i)`` to its k-th neighbour among the ``m`` q-samples. Wang, Kulkarni & Verdú
    (2009), eq. (5). ``n != m`` allowed. Cost: two KD-tree queries.
    """
    return _api.kl_divergence(x_p, x_q, "knn", base, k=k, metric=metric, random_state=random_state)


def ross_mutual_information(
    x, y, base: float = math.e, *, k: int = 3, standardize: bool = True
) -> float:
    """MI between continuous ``x`` and discrete ``y`` (labels), Ross (2014).

    For each point, ``d_i`` is the distance to its k-th neighbour among the points of the same
    label (``k`` lowered to the label's count minus one), ``m_i`` the number of points of any
    label strictly within ``d_i`` (itself included): ``I = psi(n) + <psi(k_i)> - <psi(N_i)> -
    <psi(m_i)>``, ``N_i`` the size of ``x_i``'s label. Points whose label occurs once are
    dropped, as in scikit-learn's ``mutual_info_classif``. If only ``x`` has a discrete dtype,
    the two are swapped. Tied rows of ``x`` (a ``d_i`` of 0) follow Gao et al.'s (2017) rule
    (see :func:`labelled_mutual_information`): no jitter, no randomness. Cost: one KD-tree
    query (labels are separated by an extra coordinate, no loop over labels) and one count.
    """
    return _api.mutual_information(x, y, "ross", base, k=k, standardize=standardize)


def mixed_mutual_information(
    x, y, base: float = math.e, *, k: int = 3, standardize: bool = True
) -> float:
    """MI of discrete, continuous or mixed variables, Gao, Kannan, Oh & Viswanath (2017).

    ``rho_i`` is the joint k-th neighbour distance (max-norm). Off the atoms (``rho_i > 0``)
    ``k_i = k`` and ``n_x(i)``, ``n_y(i)`` count the points strictly within ``rho_i`` in each
    marginal, the point itself included; on an atom (``rho_i = 0``) every count is of the
    points at distance 0, itself included:
    ``I = psi(n) + <psi(k_i) - psi(n_x) - psi(n_y)>``.
    This is the paper's estimator with digammas in place of its ``log n``, ``log(n_x + 1)``,
    ``log(n_y + 1)`` (the same limit): off the atoms it is KSG variant 1, on discrete data a
    digamma-corrected plug-in. The log form is biased by about ``log(m + 1) - psi(m)`` per
    point with ``m`` marginal neighbours — -0.29 nats on a 4-label x normal task at n = 5,000,
    where marginal counts are small. Consistent for mixtures of atoms and densities, so ties
    need no jitter. Cost as KSG.
    """
    return _api.mutual_information(x, y, "mixed", base, k=k, standardize=standardize)


# --- implementations (registered; inputs already checked by the API) -------------------------


def _entropy(x, *, k=3, metric="euclidean", random_state=None) -> float:
    p = _metric(metric)
    _check_k(k, x, "x", "knn")
    check_no_constant_column(
        x, "x", "its differential entropy is -inf; drop it or use a discrete method"
    )
    x, eps = _kth_distances_without_ties(x, k, p, random_state)
    n, d = x.shape
    return float(digamma(n) - digamma(k) + _log_unit_ball(d, p) + d * np.mean(np.log(eps)))


def _kl(x_p, x_q, *, k=3, metric="euclidean", random_state=None) -> float:
    p = _metric(metric)
    _check_k(k, x_p, "x_p", "knn")
    check_min_samples(x_q, "x_q", k, "knn")
    rho = kth_neighbor_distances(x_p, k, p)
    nu = kth_distances_to(x_p, x_q, k, p)
    if not (rho.all() and nu.all()):
        rng = _announce_jitter("x_p and x_q", random_state)
        x_p, x_q = _jittered(x_p, rng), _jittered(x_q, rng)
        rho, nu = kth_neighbor_distances(x_p, k, p), kth_distances_to(x_p, x_q, k, p)
    n, d = x_p.shape
    return float(d * np.mean(np.log(nu / rho)) + math.log(len(x_q) / (n - 1)))


def _mi_ksg(x, y, *, k=3, variant=1, standardize=True, random_state=None) -> float:
    _check_k(k, x, "x", "ksg")
    if variant not in (1, 2):
        raise ValueError(f"variant must be 1 or 2 (Kraskov et al. 2004); got {variant!r}")
    joint, dim_x = _joint(standardize, x, y)
    n = len(joint)
    if variant == 1:
        columns = [np.arange(dim_x), np.arange(dim_x, joint.shape[1])]
        _, (n_x, n_y) = _joint_radius_and_counts(joint, columns, k, random_state, strict=True)
        return float(digamma(k) + digamma(n) - mean_digamma(n_x + 1) - mean_digamma(n_y + 1))
    joint, _ = _kth_distances_without_ties(joint, k, CHEBYSHEV, random_state)
    x, y = joint[:, :dim_x], joint[:, dim_x:]
    _, neighbors = k_neighbors(joint, k, CHEBYSHEV)
    n_x = count_within(x, _marginal_radius(x, neighbors), strict=False)
    n_y = count_within(y, _marginal_radius(y, neighbors), strict=False)
    return float(digamma(k) - 1 / k + digamma(n) - mean_digamma(n_x) - mean_digamma(n_y))


def _cmi_ksg(x, y, z, *, k=3, standardize=True, random_state=None) -> float:
    _check_k(k, x, "x", "ksg")
    joint, dim_x = _joint(standardize, x, y, z)
    dim_xy = dim_x + y.shape[1]
    x_cols, y_cols = np.arange(dim_x), np.arange(dim_x, dim_xy)
    z_cols = np.arange(dim_xy, joint.shape[1])
    columns = [np.r_[x_cols, z_cols], np.r_[y_cols, z_cols], z_cols]
    _, (n_xz, n_yz, n_z) = _joint_radius_and_counts(joint, columns, k, random_state, strict=True)
    return float(
        digamma(k) - mean_digamma(n_xz + 1) - mean_digamma(n_yz + 1) + mean_digamma(n_z + 1)
    )


def _mi_ross(x, y, *, k=3, standardize=True) -> float:
    if is_discrete(x) and not is_discrete(y):
        x, y = y, x
    x = as_continuous(x, "x", "ross")
    _check_k(k, x, "x", "ross")
    x = _standardized(x) if standardize else x
    labels, _ = symbol_codes(y)
    kept = np.bincount(labels)[labels] > 1  # a label seen once has no neighbour of its own
    if kept.sum() < 2:
        raise ValueError("method 'ross' needs labels that occur at least twice in y")
    return labelled_mutual_information(x[kept], labels[kept], k)


def labelled_mutual_information(
    x: np.ndarray, labels: np.ndarray, k: int, space: PreparedSpace | None = None
) -> float:
    """The estimator of :func:`ross_mutual_information` on trusted inputs, in nats: float
    samples ``(n, d)`` and integer labels that each occur at least twice; ``space``: the
    sorted 1-D ``x`` when the caller has it (:mod:`estimators.selection` sorts a column once
    for every target and pair).

    ``I = psi(n) + <psi(k_i)> - <psi(N_i)> - <psi(m_i)>``: ``N_i`` the size of row i's label,
    ``d_i`` the distance to its ``k_i``-th nearest row of the same label
    (``k_i = min(k, N_i - 1)``), ``m_i`` the rows of any label strictly within ``d_i``,
    itself included. Where ``d_i = 0`` (an atom: tied rows), Gao et al.'s (2017) rule
    replaces jitter: ``k_i`` becomes the number of same-label copies of the row and ``m_i``
    the number of copies of any label, itself included in both — on discrete ``x`` the
    digamma-corrected plug-in. Deterministic. In 1-D the same-label neighbours come from a
    merge in sorted order (``O(n k)`` after the sort), else from one KD-tree with the
    labels kept apart.
    """
    sizes = np.bincount(labels)[labels]
    k_i = np.minimum(k, sizes - 1)
    if x.shape[1] == 1:
        space = space or prepare_space(x)
        counted, k_i = _sorted_same_label_radius(space, labels, k_i)
    else:
        counted, k_i = _same_label_radius(_labels_apart(x, labels), k_i)
    m = count_within(space or x, counted, strict=True) + 1  # itself included
    return float(digamma(len(x)) + mean_digamma(k_i) - mean_digamma(sizes) - mean_digamma(m))


def labelled_conditional_mutual_information(
    x: np.ndarray, z: np.ndarray, labels: np.ndarray, k: int
) -> float:
    """``I(X; Y | Z)`` in nats for discrete ``Y`` (integer labels that each occur at least
    twice) and float samples ``x`` ``(n, d_x)``, ``z`` ``(n, d_z)``, on trusted inputs.

    Frenzel & Pompe (2007) with the label as a coordinate spaced farther apart than any
    distance (max-norm, so a point's joint neighbours are those of its label):
    ``I = <psi(k_i) - psi(n_xz) - psi(n_yz) + psi(n_z)>``, ``rho_i`` the distance to the
    ``k_i``-th same-label neighbour in ``(x, z)`` (``k_i = min(k, N_label - 1)``), and the
    counts of the points strictly within ``rho_i`` in ``(x, z)``, in ``z`` among the same
    label, and in ``z``, each point itself included. One estimate, where the chain rule
    ``I(X, Z; Y) - I(Z; Y)`` of two Ross estimates would subtract biases of different
    scales. Atoms (``rho_i = 0``) follow Gao et al.'s (2017) rule: ``k_i`` and every count
    are of the points at distance 0 (on discrete data, a digamma-corrected plug-in).
    Cost: one KD-tree query and three counts.
    """
    joint = _labels_apart(np.column_stack((x, z)), labels)  # x, z, label
    sizes = np.bincount(labels)[labels]
    counted, k_i = _same_label_radius(joint, np.minimum(k, sizes - 1))
    d_x = x.shape[1]
    n_xz, n_yz, n_z = (
        count_within(space, counted, strict=True) + 1
        for space in (joint[:, :-1], joint[:, d_x:], joint[:, d_x:-1])
    )
    return float(mean_digamma(k_i) - mean_digamma(n_xz) - mean_digamma(n_yz) + mean_digamma(n_z))


def _same_label_radius(separated: np.ndarray, k_i: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(radius, k_i)`` for points whose last coordinate keeps labels apart
    (:func:`_labels_apart`): the distance to each point's ``k_i``-th same-label neighbour,
    as a strict-count radius (the smallest positive radius, which counts exactly the points
    at distance 0, where that distance is 0), and ``k_i`` with Gao et al.'s rule on those
    atoms (the same-label copies, itself included). A point with more than ``k_i`` copies
    (itself included) is on an atom without a search; only the others are queried."""
    duplicates = copies(separated)
    on_atom = duplicates > k_i
    radius = np.zeros(len(separated))
    searched = np.flatnonzero(~on_atom)
    if searched.size:
        wanted = k_i[searched]
        found, _ = k_neighbors(separated, int(wanted.max()), CHEBYSHEV, rows=searched)
        radius[searched] = found[np.arange(len(searched)), wanted - 1]
    return np.maximum(radius, _SMALLEST_RADIUS), np.where(on_atom, duplicates, k_i)


def _sorted_same_label_radius(space: PreparedSpace, labels: np.ndarray, k_i: np.ndarray):
    """:func:`_same_label_radius` for a sorted 1-D space: the rows grouped by label in
    sorted order (a counting sort), each row's ``k_i``-th same-label neighbour by a merge of
    the runs to its left and right."""
    by_label = group_by_label(space.order, labels, int(labels.max()) + 1)
    values = space.points[:, 0]
    radius = np.empty(len(labels))
    radius[by_label] = within_label_radius(values[by_label], labels[by_label], k_i[by_label])
    on_atom = radius == 0
    if on_atom.any():
        k_i = k_i.copy()
        k_i[on_atom] = copies(np.column_stack((labels, values)))[on_atom]
    return np.maximum(radius, _SMALLEST_RADIUS), k_i


def _mi_mixed(x, y, *, k=3, standardize=True) -> float:
    _check_k(k, x, "x", "mixed")
    joint, dim_x = _joint(standardize, x, y)
    return gao_mutual_information(joint, [joint[:, :dim_x], joint[:, dim_x:]], k)


def gao_mutual_information(joint: np.ndarray, marginals: list, k: int) -> float:
    """The estimator of :func:`mixed_mutual_information` on trusted inputs, in nats: the
    ``joint`` samples ``(n, d)`` and its two ``marginals`` (column blocks, or their
    :class:`~estimators._neighbors.PreparedSpace` when a caller sorts a column once for
    many pairs, as :mod:`estimators.selection` does)."""
    rho = kth_neighbor_distances(joint, k, CHEBYSHEV, _sorting_orders(marginals))
    # "< radius" with the smallest positive radius counts exactly the points at distance 0
    radius = np.maximum(rho, _SMALLEST_RADIUS)
    k_i = np.full(len(joint), k)
    on_atom = rho == 0
    if on_atom.any():
        k_i[on_atom] = copies(joint)[on_atom]
    _, (n_x, n_y) = radius_and_counts(marginals, lambda: (radius, marginals), strict=True)
    return float(
        digamma(len(joint)) + mean_digamma(k_i) - mean_digamma(n_x + 1) - mean_digamma(n_y + 1)
    )


def _sorting_orders(marginals: list) -> list | None:
    """The marginals' sorting permutations when each is a sorted 1-D space, else None."""
    if all(isinstance(m, PreparedSpace) and m.order is not None for m in marginals):
        return [m.order for m in marginals]
    return None


def _cmi_mixed(x, y, z, *, k=3, standardize=True) -> float:
    """Chain rule: ``I(X; Y | Z) = I(X; (Y, Z)) - I(X; Z)``, each by Gao et al."""
    return _mi_mixed(x, np.hstack((y, z)), k=k, standardize=standardize) - _mi_mixed(
        x, z, k=k, standardize=standardize
    )


# --- shared pieces --------------------------------------------------------------------------


def _metric(metric: str) -> float:
    if metric not in _METRICS:
        raise ValueError(f"metric must be one of {sorted(_METRICS)}; got {metric!r}")
    return _METRICS[metric]


def _check_k(k, samples: np.ndarray, name: str, method: str) -> None:
    if isinstance(k, bool) or not isinstance(k, Integral) or k < 1:
        raise ValueError(f"k must be a positive integer number of neighbours; got {k!r}")
    if samples.shape[0] <= k:
        raise ValueError(
            f"method {method!r} needs more samples than neighbours: n = {samples.shape[0]} "
            f"<= k = {k} in {name}"
        )


def _log_unit_ball(d: int, p: float) -> float:
    if p == CHEBYSHEV:
        return d * math.log(2)
    return d / 2 * math.log(math.pi) - float(gammaln(d / 2 + 1))


def _column_std(x: np.ndarray) -> np.ndarray:
    # a reduction along contiguous rows of x^T: ~25x faster than x.std(axis=0) on tall arrays
    return np.ascontiguousarray(x.T).std(axis=1)


def _standardized(x: np.ndarray) -> np.ndarray:
    """Each column divided by its standard deviation (constant columns left as they are)."""
    scale = _column_std(x)
    return x / np.where(scale > 0, scale, 1.0)


def _joint(standardize: bool, *blocks: np.ndarray) -> tuple[np.ndarray, int]:
    joint = np.hstack(blocks)
    return (_standardized(joint) if standardize else joint), blocks[0].shape[1]


def _column_scale(x: np.ndarray) -> np.ndarray:
    scale = _column_std(x)
    fallback = np.abs(x.mean(axis=0))
    return np.where(scale > 0, scale, np.where(fallback > 0, fallback, 1.0))


def _jittered(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return x + JITTER * _column_scale(x) * rng.standard_normal(x.shape)


def _announce_jitter(name: str, random_state) -> np.random.Generator:
    warnings.warn(
        f"{name} has duplicated samples (a k-th neighbour distance of 0); added a jitter of "
        f"{JITTER:g} x each column's scale. k-NN estimators assume continuous data: for "
        "discrete or mixed data use a discrete method or method='mixed'",
        stacklevel=2,
    )
    return as_generator(random_state)


def _kth_distances_without_ties(points, k, p, random_state):
    """``(points, eps)``: the k-th neighbour distances, jittering first if any is 0."""
    eps = kth_neighbor_distances(points, k, p)
    if eps.all():
        return points, eps
    points = _jittered(points, _announce_jitter("the samples", random_state))
    return points, kth_neighbor_distances(points, k, p)


def _joint_radius_and_counts(joint, columns, k, random_state, *, strict):
    """The joint k-th neighbour distances (jittering ties first) and, for each marginal (a
    list of column indices), the counts within them. The marginals are sorted or indexed in
    worker threads while the joint tree is built and queried."""
    marginals = [joint[:, c] for c in columns]

    def radius_of():
        measured, eps = _kth_distances_without_ties(joint, k, CHEBYSHEV, random_state)
        return eps, marginals if measured is joint else [measured[:, c] for c in columns]

    return radius_and_counts(marginals, radius_of, strict=strict)


def _marginal_radius(x: np.ndarray, neighbors: np.ndarray) -> np.ndarray:
    """Largest max-norm distance, in one marginal, from each point to its k joint neighbours."""
    return np.abs(x[neighbors] - x[:, None, :]).max(axis=(1, 2))


def _labels_apart(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """``x`` with the label as an extra coordinate spaced farther apart than any distance
    within ``x`` (max-norm): in one KD-tree, a point's nearest points of other labels come
    after all of its own label's (no loop over labels)."""
    spacing = 2 * float(np.ptp(x, axis=0).max()) + 1
    return np.column_stack((x, labels * spacing))


register("knn", "knn", "continuous", entropy=_entropy, kl_divergence=_kl)
register(
    "ksg", "knn", "continuous", mutual_information=_mi_ksg, conditional_mutual_information=_cmi_ksg
)
register("ross", "knn", "any", mutual_information=_mi_ross)
register(
    "mixed",
    "knn",
    "continuous",
    mutual_information=_mi_mixed,
    conditional_mutual_information=_cmi_mixed,
)
