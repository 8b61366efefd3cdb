"""k-nearest-neighbour mechanics shared by every k-NN estimator: distances and counts.

k-th neighbour distances in up to :data:`GRID_MAX_DIM` dimensions come from a quantile grid
searched by a compiled kernel (:class:`estimators._kernels.QuantileGrid`, about 2x less CPU
than a KD-tree query at n = 10^6 in 2-D); where the data concentrate on a lower-dimensional
set (the grid's occupancy above :data:`GRID_MAX_OCCUPANCY`), and in higher dimensions, one
``scipy.spatial.cKDTree`` per space, built once and queried in bulk (on every core from
:data:`SERIAL_BELOW` queries) in the tree's own point order (about 2x faster at n = 10^6
than input order). Both are exact.

Marginal counts are exact at the radius boundary: a point counts when its coordinate
distance, computed in floating point exactly as the trees compute it (``|a - b|``), is below
(or at most) the radius — never by comparing against ``x ± r``, which can misplace a point by
one ulp. One-dimensional counts search the sorted values with that predicate (a compiled
search started from a bucket index's guess); two-dimensional ones a grid of rank cells,
whole cells counted from prefix sums and the cells at the radius' edge point by point with
the same predicate (:meth:`estimators._kernels.QuantileGrid.radius_counts`); larger ones
scikit-learn's KD-tree ``count_only`` radius query (strictness by ``nextafter``). Memory is
O(n (d + k)); no Python loop over samples.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree
from scipy.special import digamma
from sklearn.neighbors import KDTree

from ._kernels import MAX_DIM, QuantileGrid, SortedValues

EUCLIDEAN, CHEBYSHEV = 2.0, np.inf
GRID_MAX_DIM = MAX_DIM  # rings of 3^d cells: beyond a few dimensions a KD-tree prunes better
SERIAL_BELOW = 50_000  # rows below which radius_and_counts runs in the caller's thread
GRID_MAX_OCCUPANCY = 64.0  # mean points per point's cell above which the KD-tree is faster


def kth_neighbor_distances(
    points: np.ndarray, k: int, p: float = CHEBYSHEV, orders: list | None = None
) -> np.ndarray:
    """Distance from each point to its ``k``-th nearest *other* point, shape ``(n,)``.

    ``orders``: each column's sorting permutation, where the caller has them (the grid's
    cells then come from the ranks, no quantile search)."""
    grid = _grid(points, orders)
    if grid is not None:
        return grid.kth_distances(k, chebyshev=p == CHEBYSHEV)
    tree = _tree(points)
    order = tree.indices  # the tree's own point order: neighbours in memory are near in space
    distances = np.empty(len(points))
    distances[order] = tree.query(points[order], k=[k + 1], p=p, workers=_workers(points))[0][:, 0]
    return distances


def k_neighbors(points: np.ndarray, k: int, p: float = CHEBYSHEV, rows: np.ndarray | None = None):
    """Distances ``(m, k)`` and indices ``(m, k)`` of each point's ``k`` nearest other points,
    for every point (``m = n``, in input order) or for the points ``rows`` only (in that
    order; the tree still holds them all).

    The point itself (the first, at distance 0) is dropped; with duplicates, another copy at
    distance 0 may stand in its place, which leaves every distance unchanged.
    """
    tree = _tree(points)
    order = tree.indices if rows is None else rows  # all: the tree's order, cache-friendly
    found_d, found_i = tree.query(points[order], k=k + 1, p=p, workers=_workers(order))
    distances, indices = np.empty((len(order), k)), np.empty((len(order), k), dtype=np.intp)
    placed = order if rows is None else np.arange(len(rows))
    distances[placed], indices[placed] = found_d[:, 1:], found_i[:, 1:]
    return distances, indices


def neighbourhoods(points: np.ndarray, size: int, p: float = CHEBYSHEV) -> np.ndarray:
    """Indices ``(n, size)`` of each point's ``size`` nearest points, the point itself first
    (then its ``size - 1`` nearest others, by :func:`k_neighbors`; ``size`` at most ``n``).

    The shared neighbourhood search of the local permutation test
    (:func:`estimators.independence.independence_test`, Runge 2018). Cost ``O(n log n)`` for
    the tree and ``O(n size log n)`` for the queries; memory ``O(n size)``.
    """
    n = len(points)
    itself = np.arange(n)[:, None]
    if size <= 1:
        return itself
    _, others = k_neighbors(points, size - 1, p)
    return np.hstack((itself, others))


def kth_distances_to(points: np.ndarray, reference: np.ndarray, k: int, p: float) -> np.ndarray:
    """Distance from each of ``points`` to its ``k``-th nearest point of ``reference``."""
    grid = _grid(reference)
    if grid is not None:
        return grid.kth_distances_to(points, k, chebyshev=p == CHEBYSHEV)
    return _tree(reference).query(points, k=[k], p=p, workers=_workers(points))[0][:, 0]


def count_within(
    points: np.ndarray | PreparedSpace, radius: np.ndarray, *, strict: bool
) -> np.ndarray:
    """For each point, how many *other* points lie within its radius (max-norm distance).

    ``strict=True`` counts distances ``< radius``, ``strict=False`` distances ``<= radius``.
    A radius of 0 with ``strict=True`` counts nothing. Returns int64 counts, shape ``(n,)``.
    """
    return count_prepared(prepare_space(points), radius, strict=strict)


def copies(points: np.ndarray) -> np.ndarray:
    """For each row of ``points`` ``(n, d)``: the rows equal to it, itself included — the
    points at distance 0 in any norm (``a - b == 0`` exactly when ``a == b``, ``-0.0`` equal
    to ``0.0`` as in both). Gao et al.'s (2017) ``k_i`` on an atom. Cost ``O(n d log n)``
    (a lexicographic sort of the rows)."""
    order = np.lexsort(points.T)
    ordered = points[order]
    group = np.concatenate(([0], np.cumsum((ordered[1:] != ordered[:-1]).any(axis=1))))
    found = np.empty(len(points), dtype=np.int64)
    found[order] = np.bincount(group)[group]
    return found


def mean_digamma(counts: np.ndarray) -> float:
    """``mean(digamma(counts))`` for non-negative integer counts, through their histogram:
    one digamma per distinct count instead of one per point (the k-NN estimators' averages
    of ``psi(n_i)``; ~10x faster at n = 10^4). Cost ``O(n + max(counts))``."""
    frequencies = np.bincount(counts)
    present = np.flatnonzero(frequencies)
    return float(frequencies[present] @ digamma(present) / len(counts))


@dataclass(frozen=True)
class PreparedSpace:
    """A space ready for radius counts: sorted values (1-D), a grid of rank cells (2-D) or a
    KD-tree (more dimensions)."""

    points: np.ndarray
    order: np.ndarray | None = None  # 1-D: the sorting permutation
    sorted: SortedValues | None = None  # 1-D: the values in that order, indexed
    grid: QuantileGrid | None = None  # 2-D: cells from each axis's ranks
    tree: KDTree | None = None  # 3-D and more: scikit-learn's KD-tree, max-norm


def sorted_space(points: np.ndarray, order: np.ndarray) -> PreparedSpace:
    """The 1-D space ``points`` (shape ``(n, 1)``) prepared from its sorting permutation."""
    return PreparedSpace(points, order=order, sorted=SortedValues(points[order, 0]))


def prepare_space(points: np.ndarray | PreparedSpace) -> PreparedSpace:
    """Sort a 1-D space, grid a 2-D one, or build the KD-tree of a larger one: the
    radius-independent work, which can run while the radii are being computed. A space
    already prepared (e.g. a column sorted once and shared by many pairs) is returned as it
    is. The 2-D grid's cells come from each axis's ranks, so a value shared by many points
    spreads over many cells (4-5x faster counts than the KD-tree, continuous or tied)."""
    if isinstance(points, PreparedSpace):
        return points
    # the default sort (introsort, vectorised) is ~4x faster than "stable"; order among
    # equal values does not matter to the counts
    if points.shape[1] == 1:
        return sorted_space(points, np.argsort(points[:, 0]))
    if points.shape[1] == 2:
        orders = [np.argsort(points[:, a]) for a in range(2)]
        return PreparedSpace(points, grid=QuantileGrid(points, orders=orders))
    return PreparedSpace(points, tree=KDTree(points, metric="chebyshev"))


def count_prepared(space: PreparedSpace, radius: np.ndarray, *, strict: bool) -> np.ndarray:
    """:func:`count_within` on a :func:`prepare_space` result."""
    if space.order is not None:
        return _count_within_sorted(space, radius, strict)
    if space.grid is not None:
        return space.grid.radius_counts(radius, strict)
    return _count_within_tree(space, radius, strict)


def radius_and_counts(spaces: list[np.ndarray | PreparedSpace], radius_of, *, strict: bool):
    """``(radius, counts per space)``: the spaces are prepared in worker threads while
    ``radius_of()`` runs in the caller's thread, then counted in parallel (numpy's sorts and
    searches and the trees release the GIL); below :data:`SERIAL_BELOW` rows, one after
    another in this thread (hand-offs would cost more than they save). ``radius_of()``
    returns the radius of every row.
    """
    if _rows(spaces[0]) < SERIAL_BELOW:
        radius = radius_of()
        return radius, [count_within(space, radius, strict=strict) for space in spaces]
    with ThreadPoolExecutor(max_workers=max(1, min(len(spaces), os.cpu_count() or 1))) as pool:
        prepared = [pool.submit(prepare_space, space) for space in spaces]
        radius = radius_of()
        return radius, list(
            pool.map(lambda ready: count_prepared(ready.result(), radius, strict=strict), prepared)
        )


def _rows(space: np.ndarray | PreparedSpace) -> int:
    return len(space.points if isinstance(space, PreparedSpace) else space)


def _grid(points: np.ndarray, orders: list | None = None) -> QuantileGrid | None:
    """The quantile grid of ``points``, or None where a KD-tree will be faster."""
    if points.shape[1] > GRID_MAX_DIM:
        return None
    grid = QuantileGrid(points, orders=orders)
    return grid if grid.occupancy() <= GRID_MAX_OCCUPANCY else None


def _workers(queries: np.ndarray) -> int:
    """Threads for a KD-tree query: all cores from :data:`SERIAL_BELOW` queries, else one
    (starting and joining threads costs ~2 ms a call, more than a small query takes)."""
    return -1 if len(queries) >= SERIAL_BELOW else 1


def _tree(points: np.ndarray) -> cKDTree:
    # sliding-midpoint splits and loose bounding boxes: about 30 % faster to build, and
    # as fast to query, as the balanced defaults on the point clouds met here
    return cKDTree(points, balanced_tree=False, compact_nodes=False)


def _count_within_tree(space: PreparedSpace, radius: np.ndarray, strict: bool) -> np.ndarray:
    """Counts by scikit-learn's KD-tree: its ``count_only`` query counts whole nodes that lie
    inside the ball at once, 4x faster than ``cKDTree.query_ball_point`` in 5-D."""
    bound = np.nextafter(radius, -np.inf) if strict else radius  # d < r  <=>  d <= r⁻
    counts = np.zeros(len(space.points), dtype=np.int64)
    valid = np.flatnonzero(bound >= 0)
    found = space.tree.query_radius(space.points[valid], bound[valid], count_only=True)
    counts[valid] = found - 1  # the point itself
    return counts


def _count_within_sorted(space: PreparedSpace, radius, strict) -> np.ndarray:
    counts = np.empty(len(space.order), dtype=np.int64)
    # queries in sorted order: each search starts near the point's own position, cache-friendly
    counts[space.order] = space.sorted.radius_counts(radius[space.order], strict)
    return counts
