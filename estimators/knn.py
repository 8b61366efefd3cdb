"""k-nearest-neighbour estimators: Kozachenko–Leonenko, KSG, Frenzel–Pompe, Ross, Gao, WKV.

Methods registered in the public API:

- ``"knn"``: entropy (Kozachenko & Leonenko 1987) and KL divergence (Wang, Kulkarni & Verdú
  2009), Euclidean or max-norm;
- ``"ksg"``: MI (Kraskov, Stögbauer & Grassberger 2004, ``variant=1|2``) and conditional MI
  (Frenzel & Pompe 2007; Vejmelka & Paluš 2008), max-norm;
- ``"ross"``: MI between a continuous and a discrete variable (Ross 2014; the estimator of
  scikit-learn's ``mutual_info_classif``);
- ``"mixed"``: every quantity for columns of any kind — symbols, atoms (zero-inflated,
  censored) and continuous parts side by side (Gao, Kannan, Oh & Viswanath 2017, on the
  mixed-kind encoding of :mod:`estimators._reading`; entropy and KL stratified on the
  symbols and atoms). ``method="auto"`` picks it for such data.

All values in nats before the API converts them. The neighbour searches and counts are the
shared ones of :mod:`estimators._neighbors`: a compiled quantile-grid search in up to three
dimensions, otherwise one KD-tree per space queried in bulk in tree order; exact boundary
counts. Cost ``O(n log n)`` per space in low dimension (a KD-tree degrades towards ``O(n^2)``
as d grows past ~20); memory ``O(n (d + k))``.

Ties: the public functions read each column first (:mod:`estimators._reading`), so
quantized columns arrive dithered within their cells and atoms are declared. What ties are
left: the MI and CMI estimators treat a row whose k-th neighbour is at distance 0 by Gao et
al.'s (2017) rule on atoms (its ``k`` and its counts become the numbers of rows at distance
0), deterministically; Kozachenko–Leonenko and Wang et al. would take ``log 0`` there and
raise ``ValueError`` instead. Nothing is ever jittered.

Units: every estimator is invariant where its quantity is, under a rescaling of any column
from 1e-300 to 1e300. KSG, Frenzel–Pompe and Ross divide each column by its standard
deviation (``standardize``, default); Kozachenko–Leonenko and Wang et al. do so always,
computed without overflow (each column divided by its power-of-two magnitude first), and
the entropy adds ``sum_j log s_j`` back (``H(X / s) = H(X) - sum_j log s_j``): the metric
would otherwise weigh each column by its units (columns at 1e300 and 1e-300 gave 1379
nats for an entropy of 2.8 — the small column lost below the large one's resolution).
"""

from __future__ import annotations

import math
from numbers import Integral

import numpy as np
from scipy.special import digamma, gammaln

import exact

from . import _api
from ._inputs import (
    check_flag,
    check_min_samples,
    check_no_constant_column,
    column_scales,
    joint_codes,
    standardized,
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
from ._reading import (
    apart_spacing,
    column_labels,
    encode,
    is_labelled,
    joint_labels,
    numeric_samples,
)
from ._registry import register
from .discrete import coded_entropy

_SMALLEST_RADIUS = np.nextafter(0.0, 1.0)
_METRICS = {"euclidean": EUCLIDEAN, "chebyshev": CHEBYSHEV}

__all__ = [
    "conditional_mutual_information",
    "entropy",
    "kl_divergence",
    "mixed_entropy",
    "mixed_kl_divergence",
    "mixed_mutual_information",
    "mutual_information",
    "ross_mutual_information",
]


# --- public wrappers ------------------------------------------------------------------------
# Each passes ``**options`` on: those every method takes (``column_kinds``, ``n_dithers``,
# ``random_state``; see :func:`estimators.entropy`).


def entropy(x, base: float = math.e, *, k: int = 3, metric: str = "euclidean", **options) -> float:
    """Kozachenko–Leonenko differential entropy from the k-th neighbour distances.

    ``H = psi(n) - psi(k) + log V_d + (d / n) sum_i log eps_i``, with ``eps_i`` the distance
    from ``x_i`` to its k-th nearest neighbour and ``V_d`` the volume of the unit ball of the
    norm: ``pi^(d/2) / Gamma(d/2 + 1)`` (``metric="euclidean"``) or ``2^d`` (``"chebyshev"``,
    the max-norm). Kozachenko & Leonenko (1987); Kraskov et al. (2004), eq. (20). The
    distances are taken on columns divided by their standard deviations ``s_j``, and
    ``sum_j log s_j`` is added: the units of each column do not matter. Asymptotically
    unbiased; bias ``O(n^(-1/d))``-ish in high dimension. A constant column has
    entropy ``-inf``: ``ValueError``. Cost: one KD-tree query, ``O(n log n)`` for small d.
    """
    return _api.entropy(x, "knn", base, k=k, metric=metric, **options)


def mutual_information(
    x,
    y,
    base: float = math.e,
    *,
    k: int = 3,
    variant: int = 1,
    standardize: bool = True,
    **options,
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
        x, y, "ksg", base, k=k, variant=variant, standardize=standardize, **options
    )


def conditional_mutual_information(
    x, y, z, base: float = math.e, *, k: int = 3, standardize: bool = True, **options
) -> float:
    """Frenzel–Pompe conditional MI: ``I(X;Y|Z) = psi(k) - <psi(n_xz+1) + psi(n_yz+1) -
    psi(n_z+1)>``, counts strictly inside the k-th neighbour distance of the joint (x, y, z)
    in the max-norm. Frenzel & Pompe (2007); Vejmelka & Paluš (2008). Cost as KSG.
    """
    return _api.conditional_mutual_information(
        x, y, z, "ksg", base, k=k, standardize=standardize, **options
    )


def kl_divergence(
    x_p, x_q, base: float = math.e, *, k: int = 3, metric: str = "euclidean", **options
) -> float:
    """Wang–Kulkarni–Verdú k-NN estimate of ``D(p || q)`` from samples of p and q.

    ``D = (d / n) sum_i log(nu_k(i) / rho_k(i)) + log(m / (n - 1))``, ``rho_k(i)`` the
    distance from ``x_i`` to its k-th neighbour among the other ``n - 1`` p-samples,
    ``nu_k(i)`` to its k-th neighbour among the ``m`` q-samples. Wang, Kulkarni & Verdú
    (2009), eq. (5). ``n != m`` allowed. Distances on columns divided by the standard
    deviations of both samples together (the same for p and q, so the divergence does not
    change). Cost: two KD-tree queries.
    """
    return _api.kl_divergence(x_p, x_q, "knn", base, k=k, metric=metric, **options)


def ross_mutual_information(
    x, y, base: float = math.e, *, k: int = 3, standardize: bool = True, **options
) -> float:
    """MI between continuous ``x`` and discrete ``y`` (labels), Ross (2014).

    For each point, ``d_i`` is the distance to its k-th neighbour among the points of the same
    label (``k`` lowered to the label's count minus one), ``m_i`` the number of points of any
    label strictly within ``d_i`` (itself included): ``I = psi(n) + <psi(k_i)> - <psi(N_i)> -
    <psi(m_i)>``, ``N_i`` the size of ``x_i``'s label. Points whose label occurs once are
    dropped, as in scikit-learn's ``mutual_info_classif``. The labels are the variable read
    as symbols (:mod:`estimators._reading`; if only ``x`` is, the two are swapped); if
    neither is, a ``ValueError`` (numbers as labels would keep only the rows whose value
    happens to repeat). Tied rows of ``x`` (a ``d_i`` of 0) follow Gao et al.'s (2017) rule
    (see :func:`labelled_mutual_information`): no jitter, no randomness. Cost: one KD-tree
    query (labels are separated by an extra coordinate, no loop over labels) and one count.
    """
    return _api.mutual_information(x, y, "ross", base, k=k, standardize=standardize, **options)


def mixed_mutual_information(x, y, base: float = math.e, *, k: int = 3, **options) -> float:
    """MI of columns of any kind (symbols, atoms, continuous), Gao, Kannan, Oh & Viswanath
    (2017), on the mixed-kind encoding (see :func:`mixed_kind_mutual_information`).

    ``rho_i`` is the joint k-th neighbour distance (max-norm). Off the atoms (``rho_i > 0``)
    ``k_i = k`` and ``n_x(i)``, ``n_y(i)`` count the points strictly within ``rho_i`` in each
    marginal, the point itself included; on an atom (``rho_i = 0``) every count is of the
    points at distance 0, itself included:
    ``I = psi(n) + <psi(k_i) - psi(n_x) - psi(n_y)>``.
    This is the paper's estimator with digammas in place of its ``log n``, ``log(n_x + 1)``,
    ``log(n_y + 1)`` (the same limit): off the atoms it is KSG variant 1, on discrete data a
    digamma-corrected plug-in. The log form is biased by about ``log(m + 1) - psi(m)`` per
    point with ``m`` marginal neighbours — -0.29 nats on a 4-label x normal task at n = 5,000,
    where marginal counts are small. ``options``: those of every method (``column_kinds``,
    ``n_dithers``, ``random_state``). Cost as KSG.
    """
    return _api.mutual_information(x, y, "mixed", base, k=k, **options)


def mixed_entropy(x, base: float = math.e, *, k: int = 3, **options) -> float:
    """Entropy of columns of any kind: ``H(L) + sum_l P(L = l) h(X_c | L = l)``, ``L`` the
    joint label of the symbol columns and of which atom each atom column is on (Miller–Madow
    plug-in), ``h`` the Kozachenko–Leonenko entropy of the continuous columns of each
    stratum (those neither symbols nor on an atom there). This is the entropy relative to
    counting measure on the labels times Lebesgue measure on the continuous parts (the
    differential entropy of a variable with an atom is ``-inf``): for continuous data
    Kozachenko–Leonenko's, for symbols the discrete entropy. A stratum with a continuous
    part needs more than k rows (``ValueError`` otherwise). Cost: one sort and one KD-tree
    query per stratum."""
    return _api.entropy(x, "mixed", base, k=k, **options)


def mixed_kl_divergence(x_p, x_q, base: float = math.e, *, k: int = 3, **options) -> float:
    """KL divergence of samples with columns of any kind:
    ``D(L_p || L_q) + sum_l P_p(l) D(p(X_c | l) || q(X_c | l))`` (chain rule; Cover & Thomas
    2006, 2.5), ``L`` as in :func:`mixed_entropy` (read from the pooled samples), the first
    term the plug-in KL of the strata (``inf`` where ``x_p`` has a stratum ``x_q`` never
    shows), the rest Wang et al.'s k-NN estimate per stratum. Cost as :func:`mixed_entropy`."""
    return _api.kl_divergence(x_p, x_q, "mixed", base, k=k, **options)


# --- implementations (registered; inputs already checked by the API) -------------------------


def _entropy(x, *, k=3, metric="euclidean") -> float:
    p = _metric(metric)
    check_k(k, x, "x", "knn")
    check_no_constant_column(
        x, "x", "its differential entropy is -inf; drop it or use a discrete method"
    )
    unit, log_spread = _unit_spread(x)  # h(X / s) = h(X) - sum log s_j, 1e-300 to 1e300
    eps = kth_neighbor_distances(unit(x), k, p)
    _refuse_zero_distances(eps, "x", k)
    n, d = x.shape
    h = digamma(n) - digamma(k) + _log_unit_ball(d, p) + d * np.mean(np.log(eps))
    return float(h + log_spread)


def _kl(x_p, x_q, *, k=3, metric="euclidean") -> float:
    p = _metric(metric)
    check_k(k, x_p, "x_p", "knn")
    check_min_samples(x_q, "x_q", k, "knn")
    unit, _ = _unit_spread(np.vstack((x_p, x_q)))  # one per column for both: KL unchanged
    x_p, x_q = unit(x_p), unit(x_q)
    rho = kth_neighbor_distances(x_p, k, p)
    _refuse_zero_distances(rho, "x_p", k)
    nu = kth_distances_to(x_p, x_q, k, p)
    _refuse_zero_distances(nu, "x_q (from x_p's rows)", k)
    n, d = x_p.shape
    return float(d * np.mean(np.log(nu / rho)) + math.log(len(x_q) / (n - 1)))


def _refuse_zero_distances(distances: np.ndarray, name: str, k: int) -> None:
    """A k-th neighbour at distance 0 (a row repeated more than k times) makes the
    log-distance of Kozachenko–Leonenko and Wang et al. -inf: an atom, which these
    estimators cannot take. Refused with the way out (never a jitter)."""
    if distances.all():
        return
    raise ValueError(
        f"{name} has rows repeated more than k = {k} times (a k-th neighbour at distance 0: "
        "an atom, whose differential entropy is -inf); read the column as 'atoms' or "
        "'quantized' (column_kinds), or use a discrete method"
    )


def _mi_ksg(x, y, *, k=3, variant=1, standardize=True) -> float:
    check_k(k, x, "x", "ksg")
    if variant not in (1, 2):
        raise ValueError(f"variant must be 1 or 2 (Kraskov et al. 2004); got {variant!r}")
    joint, dim_x = _joint(standardize, x, y)
    x, y = joint[:, :dim_x], joint[:, dim_x:]
    if variant == 1:
        return gao_mutual_information(joint, [x, y], k)
    distances, neighbors = k_neighbors(joint, k, CHEBYSHEV)
    _refuse_zero_distances(distances[:, -1], "the joint (x, y) of variant 2", k)
    n_x = count_within(x, _marginal_radius(x, neighbors), strict=False)
    n_y = count_within(y, _marginal_radius(y, neighbors), strict=False)
    n = len(joint)
    return float(digamma(k) - 1 / k + digamma(n) - mean_digamma(n_x) - mean_digamma(n_y))


def _cmi_ksg(x, y, z, *, k=3, standardize=True) -> float:
    check_k(k, x, "x", "ksg")
    joint, dim_x = _joint(standardize, x, y, z)
    return frenzel_pompe(joint, dim_x, dim_x + y.shape[1], k)


def frenzel_pompe(joint: np.ndarray, dim_x: int, dim_xy: int, k: int, strata=None) -> float:
    """Frenzel–Pompe on the columns ``x = [:dim_x]``, ``y = [dim_x:dim_xy]``,
    ``z = [dim_xy:]`` of ``joint``, with Gao et al.'s rule on atoms:
    ``<psi(k_i) - psi(n_xz) - psi(n_yz) + psi(n_z)>``, counts itself included."""
    x_cols, y_cols = np.arange(dim_x), np.arange(dim_x, dim_xy)
    z_cols = np.arange(dim_xy, joint.shape[1])
    spaces = [joint[:, np.r_[x_cols, z_cols]], joint[:, np.r_[y_cols, z_cols]], joint[:, z_cols]]
    k_i, (n_xz, n_yz, n_z) = atom_rule_counts(joint, spaces, k, strata)
    return float(mean_digamma(k_i) - mean_digamma(n_xz) - mean_digamma(n_yz) + mean_digamma(n_z))


def atom_rule_counts(joint: np.ndarray, spaces: list, k: int, strata=None):
    """``(k_i, counts)``: the k-NN counts of Gao, Kannan, Oh & Viswanath (2017) in the
    max-norm. ``rho_i`` is the distance from row i to its ``k_i``-th nearest row of
    ``joint``; each space's count is of the rows strictly within ``rho_i`` in that space,
    row i itself included. Off the atoms ``k_i = k``; on an atom (``rho_i = 0``) ``k_i``
    and every count are of the rows at distance 0, itself included. With ``strata`` (a
    code per row whose rows are far apart in ``joint``, e.g. from
    :func:`estimators._reading.encode`; each stratum at least 2 rows), ``k_i`` is at most
    the stratum's size minus one, so the neighbours are of the row's own stratum.
    ``spaces``: column blocks of ``joint`` or prepared spaces. Cost: one neighbour search
    in ``joint`` and one radius count per space, ``O(n log n)`` in low dimension."""
    found = {}

    def radius_of():
        if strata is None:
            rho = kth_neighbor_distances(joint, k, CHEBYSHEV, _sorting_orders(spaces))
            k_i = np.full(len(joint), k)
            on_atom = rho == 0
            if on_atom.any():
                k_i[on_atom] = copies(joint)[on_atom]
            # "< radius" with the smallest positive radius counts exactly the rows at 0
            radius = np.maximum(rho, _SMALLEST_RADIUS)
        else:
            sizes = np.bincount(strata)[strata]
            radius, k_i = _same_label_radius(joint, np.minimum(k, sizes - 1))
        found["k_i"] = k_i
        return radius

    _, counts = radius_and_counts(spaces, radius_of, strict=True)
    return found["k_i"], [c + 1 for c in counts]


def _mi_ross(x, y, *, k=3, standardize=True, readings) -> float:
    check_flag(standardize, "standardize")
    if _all_symbols(readings[0]) and not _all_symbols(readings[1]):
        x, y = y, x  # the labels go second
        readings = readings[::-1]
    elif not _all_symbols(readings[1]):
        # numbers as labels would keep only the rows whose value happens to repeat
        raise ValueError(
            "method 'ross' needs labels: x or y must be read as symbols (strings, bools, "
            "categoricals, integer codes); here both are numbers. Give "
            "column_kinds={'y': 'symbols'} if y holds labels, or use 'ksg' or 'mixed'"
        )
    x = numeric_samples(x, readings[0], "x", "ross")  # integers beyond 2^53 kept exact
    check_k(k, x, "x", "ross")
    x = standardized(x) if standardize else x
    labels, _ = symbol_codes(y)
    kept = np.bincount(labels)[labels] > 1  # a label seen once has no neighbour of its own
    if kept.sum() < 2:
        raise ValueError("method 'ross' needs labels that occur at least twice in y")
    return labelled_mutual_information(x[kept], labels[kept], k)


def _all_symbols(readings) -> bool:
    return all(r.kind == "symbols" for r in readings)


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
    apart = _labels_apart(np.column_stack((x, z)), labels)  # x, z, label
    d_x = x.shape[1]
    joint = apart[:, np.r_[0:d_x, apart.shape[1] - 1, d_x : apart.shape[1] - 1]]  # x, label, z
    return frenzel_pompe(joint, d_x, d_x + 1, k, strata=labels)


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


def gao_mutual_information(joint: np.ndarray, marginals: list, k: int) -> float:
    """KSG (variant 1) with Gao et al.'s (2017) rule on atoms, on trusted inputs, in nats:
    the ``joint`` samples ``(n, d)`` and its two ``marginals`` (column blocks, or their
    :class:`~estimators._neighbors.PreparedSpace` when a caller sorts a column once for
    many pairs, as :mod:`estimators.selection` does):
    ``I = psi(n) + <psi(k_i) - psi(n_x) - psi(n_y)>`` (see :func:`atom_rule_counts`)."""
    k_i, (n_x, n_y) = atom_rule_counts(joint, marginals, k)
    return float(digamma(len(joint)) + mean_digamma(k_i) - mean_digamma(n_x) - mean_digamma(n_y))


def _mi_mixed(x, y, *, k=3, readings) -> float:
    check_k(k, x, "x", "mixed")
    return mixed_kind_mutual_information(x, y, readings, k)


def _cmi_mixed(x, y, z, *, k=3, readings) -> float:
    check_k(k, x, "x", "mixed")
    return mixed_kind_conditional_mutual_information(x, y, z, readings, k)


def mixed_kind_mutual_information(x: np.ndarray, y: np.ndarray, readings, k: int) -> float:
    """``I(X; Y)`` in nats of columns of any kind, on trusted inputs: ``x``, ``y`` 2-D with
    their column readings (:mod:`estimators._reading`; quantized columns already
    dithered and read as continuous).

    Gao, Kannan, Oh & Viswanath's (2017) estimator on the mixed-kind encoding of
    :func:`estimators._reading.encode` (symbols and atoms kept farther apart than any
    continuous distance, max-norm): ``I = psi(n) + <psi(k_i) - psi(n_x) - psi(n_y)>``
    with the counts of :func:`atom_rule_counts`, ``k_i = min(k, N_s - 1)`` in a stratum of
    ``N_s`` rows (rows alone in their stratum left out, as Ross 2014 does). Continuous
    columns only: KSG (variant 1). All symbols against continuous columns: Ross (2014).
    A continuous row never counts an atom's rows as its neighbours, which is what makes
    zero-inflated data converge (Gao's estimator on the raw values: +0.027 nats at
    n = 5,000 on the zero-inflated task). Cost as KSG, with a KD-tree in the joint space.
    """
    if not is_labelled(readings[0] + readings[1]):
        joint, dim_x = _joint(True, *_as_floats(x, y))
        return gao_mutual_information(joint, [joint[:, :dim_x], joint[:, dim_x:]], k)
    (x, y), strata = _stratified_encoding([x, y], readings, k)
    joint = np.hstack((x, y))
    k_i, (n_x, n_y) = atom_rule_counts(joint, [x, y], k, strata)
    return float(digamma(len(joint)) + mean_digamma(k_i) - mean_digamma(n_x) - mean_digamma(n_y))


def mixed_kind_conditional_mutual_information(x, y, z, readings, k: int) -> float:
    """``I(X; Y | Z)`` in nats of columns of any kind, on trusted inputs (as
    :func:`mixed_kind_mutual_information`): Frenzel & Pompe (2007) on the mixed-kind
    encoding, with Gao et al.'s (2017) rule on atoms and ``k_i`` within each stratum
    (so with symbol columns of ``z``, the stratified ``sum_z P(z) I(X; Y | Z = z)``).
    Continuous columns only: Frenzel–Pompe. Cost as KSG."""
    dim_x, dim_xy = x.shape[1], x.shape[1] + y.shape[1]
    if not is_labelled(readings[0] + readings[1] + readings[2]):
        return frenzel_pompe(_joint(True, *_as_floats(x, y, z))[0], dim_x, dim_xy, k)
    blocks, strata = _stratified_encoding([x, y, z], readings, k)
    return frenzel_pompe(np.hstack(blocks), dim_x, dim_xy, k, strata)


class FewStratifiedRows(ValueError):
    """Too few rows share their symbols and atoms with another row for the mixed-kind
    estimators: nothing to estimate from."""


def _as_floats(*blocks: np.ndarray) -> list[np.ndarray]:
    """Numbers held in any dtype (integers, objects) as float64."""
    return [np.asarray(block, dtype=np.float64) for block in blocks]


def _stratified_encoding(blocks: list, readings, k: int):
    """The blocks encoded for the mixed-kind estimators (:func:`estimators._reading.encode`)
    and the rows' strata, without the rows alone in their stratum (they have no neighbour
    of their own, as in Ross 2014)."""
    encoded, strata = encode(blocks, readings)
    sizes = np.bincount(strata)[strata]
    kept = sizes > 1
    if kept.sum() <= k:
        raise FewStratifiedRows(
            f"method 'mixed' needs more than k = {k} rows whose symbols (and atoms) occur "
            f"at least twice; {int(kept.sum())} of {len(strata)} rows do"
        )
    if kept.all():
        return encoded, strata
    return [block[kept] for block in encoded], joint_codes((strata[kept], int(strata.max()) + 1))[0]


def _entropy_mixed(x, *, k=3, metric="euclidean", readings) -> float:
    """See :func:`mixed_entropy`."""
    strata, parts = _strata_and_parts(x, readings[0])
    entropy = coded_entropy(strata, "miller-madow")
    for rows, columns in parts:
        if columns.size:
            part = x[np.ix_(rows, columns)].astype(np.float64)
            _check_stratum(part, k, "x")
            entropy += len(rows) / len(x) * _entropy(part, k=k, metric=metric)
    return float(entropy)


def _kl_mixed(x_p, x_q, *, k=3, metric="euclidean", readings) -> float:
    """``D(L_p || L_q) + sum_l P(L = l) D(p(X_c | l) || q(X_c | l))`` (see
    :func:`mixed_kl_divergence`); the strata come from the pooled samples' reading."""
    pooled = np.concatenate((x_p, x_q))
    strata, parts = _strata_and_parts(pooled, readings[0])  # one reading for both
    n = len(x_p)
    frequencies = [
        np.bincount(s, minlength=int(strata.max()) + 1) for s in (strata[:n], strata[n:])
    ]
    divergence = float(exact.kl_divergence(*(f / f.sum() for f in frequencies)))
    if not math.isfinite(divergence):
        return divergence  # x_p has a symbol or atom that x_q never shows
    for rows, columns in parts:
        in_p, in_q = rows[rows < n], rows[rows >= n]
        if columns.size and in_p.size:
            part_p = pooled[np.ix_(in_p, columns)].astype(np.float64)
            part_q = pooled[np.ix_(in_q, columns)].astype(np.float64)
            _check_stratum(part_p, k, "x_p")
            check_min_samples(part_q, "x_q's rows of one stratum", k, "mixed")
            divergence += len(in_p) / n * _kl(part_p, part_q, k=k, metric=metric)
    return divergence


def _strata_and_parts(x: np.ndarray, readings):
    """Each row's stratum (the joint code of its symbols and atoms) and, per stratum,
    ``(rows, continuous columns)``: the columns that are neither symbols nor on an atom
    there."""
    labels = [column_labels(x[:, j], r) for j, r in enumerate(readings)]
    strata = joint_labels(labels)
    strata = np.zeros(len(x), dtype=np.int64) if strata is None else strata
    order = np.argsort(strata, kind="stable")
    bounds = np.flatnonzero(np.diff(strata[order])) + 1
    parts = []
    for rows in np.split(order, bounds):
        first = rows[0]
        columns = [
            j
            for j, r in enumerate(readings)
            if r.kind != "symbols" and (labels[j] is None or labels[j][first] == 0)
        ]
        parts.append((rows, np.array(columns, dtype=np.intp)))
    return strata, parts


def _check_stratum(part: np.ndarray, k: int, name: str) -> None:
    if len(part) <= k:
        raise ValueError(
            f"method 'mixed': {name} has {len(part)} rows in one stratum (a combination of "
            f"symbols and atoms) with a continuous part; its entropy needs more than "
            f"k = {k}"
        )


def _sorting_orders(marginals: list) -> list | None:
    """The marginals' sorting permutations when each is a sorted 1-D space, else None."""
    if all(isinstance(m, PreparedSpace) and m.order is not None for m in marginals):
        return [m.order for m in marginals]
    return None


# --- shared pieces --------------------------------------------------------------------------


def _metric(metric: str) -> float:
    if metric not in _METRICS:
        raise ValueError(f"metric must be one of {sorted(_METRICS)}; got {metric!r}")
    return _METRICS[metric]


def check_k(k, samples: np.ndarray, name: str, method: str) -> None:
    if isinstance(k, bool) or not isinstance(k, Integral) or k < 1:
        raise ValueError(f"k must be a positive integer number of neighbours; got {k!r}")
    if samples.shape[0] <= k:
        raise ValueError(
            f"method {method!r} needs more samples than neighbours: n = {samples.shape[0]} "
            f"<= k = {k} in {name}"
        )


def _unit_spread(x: np.ndarray):
    """``(unit, log_det)``: ``unit(a)`` maps each column of ``a`` to the units the distances
    are taken in, ``log_det`` is ``sum_j log`` of the divisors (``H(X) = H(unit(X)) +
    log_det``). Column ``j`` is divided by ``s_j``, the standard deviation of ``x``'s column
    taken after dividing by its power-of-two magnitude (exact: no overflow at 1e300, no
    underflow at 1e-300); then all columns are multiplied by one power of two (exact, the
    metric unchanged) that puts the largest coordinate near ``2^500``: squared distances
    then span the whole float64 range, so an outlier 1e300 times the bulk's spacing neither
    overflows nor leaves the bulk's squared distances at 0. Columns of ``x`` are not
    constant here."""
    d = x.shape[1]
    magnitude = column_scales(x)
    spread = np.ascontiguousarray((x / magnitude).T).std(axis=1)
    spread = np.where(spread > 0, spread, 1.0)
    largest = float(column_scales((x / magnitude / spread).reshape(-1, 1))[0])
    top = 2.0 ** ((_LARGEST_SQUARE - math.ceil(math.log2(4 * d))) // 2)  # (2 top)^2 d fits
    factor = top / largest
    log_det = float(np.log(magnitude).sum() + np.log(spread).sum()) - d * math.log(factor)
    return (lambda a: a / magnitude / spread * factor), log_det


_LARGEST_SQUARE = 1018  # log2 of the largest squared distance allowed (float64: < 2^1024)


def _log_unit_ball(d: int, p: float) -> float:
    if p == CHEBYSHEV:
        return d * math.log(2)
    return d / 2 * math.log(math.pi) - float(gammaln(d / 2 + 1))


def _joint(standardize: bool, *blocks: np.ndarray) -> tuple[np.ndarray, int]:
    check_flag(standardize, "standardize")  # "yes" or 1 would pass as true, silently
    joint = np.hstack(blocks)
    return (standardized(joint) if standardize else joint), blocks[0].shape[1]


def _marginal_radius(x: np.ndarray, neighbors: np.ndarray) -> np.ndarray:
    """Largest max-norm distance, in one marginal, from each point to its k joint neighbours."""
    return np.abs(x[neighbors] - x[:, None, :]).max(axis=(1, 2))


def _labels_apart(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """``x`` with the label as an extra coordinate spaced farther apart than any distance
    within ``x`` (max-norm): in one KD-tree, a point's nearest points of other labels come
    after all of its own label's (no loop over labels)."""
    return np.column_stack((x, labels * apart_spacing(x.T)))


register("knn", "knn", "continuous", entropy=_entropy, kl_divergence=_kl)
register(
    "ksg", "knn", "continuous", mutual_information=_mi_ksg, conditional_mutual_information=_cmi_ksg
)
register("ross", "knn", "any", mutual_information=_mi_ross)
register(
    "mixed",
    "knn",
    "any",
    entropy=_entropy_mixed,
    mutual_information=_mi_mixed,
    conditional_mutual_information=_cmi_mixed,
    kl_divergence=_kl_mixed,
)
