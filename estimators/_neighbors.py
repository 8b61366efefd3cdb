"""k-nearest-neighbour mechanics shared by every k-NN estimator: distances and counts.

One ``scipy.spatial.cKDTree`` per space, built once and queried in bulk (``workers=-1``) in
the tree's own point order, which keeps the traversal cache-friendly (about 2x faster at
n = 10^6 than querying in input order). Marginal counts are exact at the radius boundary:
a point counts when its coordinate distance, computed in floating point exactly as the tree
computes it (``|a - b|``), is below (or at most) the radius — never by comparing against
``x ± r``, which can misplace a point by one ulp. One-dimensional counts use a sort and
``np.searchsorted`` with that exact correction; multi-dimensional ones use scikit-learn's
KD-tree ``count_only`` radius query (strictness by ``nextafter``). Memory is O(n (d + k));
no Python loop over samples.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree
from sklearn.neighbors import KDTree

EUCLIDEAN, CHEBYSHEV = 2.0, np.inf


def kth_neighbor_distances(points: np.ndarray, k: int, p: float = CHEBYSHEV) -> np.ndarray:
    """Distance from each point to its ``k``-th nearest *other* point, shape ``(n,)``."""
    tree = _tree(points)
    order = tree.indices  # the tree's own point order: neighbours in memory are near in space
    distances = np.empty(len(points))
    distances[order] = tree.query(points[order], k=[k + 1], p=p, workers=-1)[0][:, 0]
    return distances


def k_neighbors(points: np.ndarray, k: int, p: float = CHEBYSHEV):
    """Distances ``(n, k)`` and indices ``(n, k)`` of each point's ``k`` nearest other points.

    The point itself (the first, at distance 0) is dropped; with duplicates, another copy at
    distance 0 may stand in its place, which leaves every distance unchanged.
    """
    tree = _tree(points)
    order = tree.indices
    found_d, found_i = tree.query(points[order], k=k + 1, p=p, workers=-1)
    distances, indices = np.empty((len(points), k)), np.empty((len(points), k), dtype=np.intp)
    distances[order], indices[order] = found_d[:, 1:], found_i[:, 1:]
    return distances, indices


def kth_distances_to(points: np.ndarray, reference: np.ndarray, k: int, p: float) -> np.ndarray:
    """Distance from each of ``points`` to its ``k``-th nearest point of ``reference``."""
    return _tree(reference).query(points, k=[k], p=p, workers=-1)[0][:, 0]


def count_within(points: np.ndarray, radius: np.ndarray, *, strict: bool) -> np.ndarray:
    """For each point, how many *other* points lie within its radius (max-norm distance).

    ``strict=True`` counts distances ``< radius``, ``strict=False`` distances ``<= radius``.
    A radius of 0 with ``strict=True`` counts nothing. Returns int64 counts, shape ``(n,)``.
    """
    return count_prepared(prepare_space(points), radius, strict=strict)


@dataclass(frozen=True)
class PreparedSpace:
    """A space ready for radius counts: sorted values (1-D) or a KD-tree (multi-D)."""

    points: np.ndarray
    order: np.ndarray | None = None  # 1-D: the sorting permutation
    tree: KDTree | None = None  # multi-D: scikit-learn's KD-tree, max-norm


def prepare_space(points: np.ndarray) -> PreparedSpace:
    """Sort a 1-D space, or build the KD-tree of a multi-D one: the radius-independent work,
    which can run while the radii are being computed."""
    if points.shape[1] == 1:
        # the default (introsort, vectorised) is ~4x faster than "stable"; order among equal
        # values does not matter to the counts
        return PreparedSpace(points, order=np.argsort(points[:, 0]))
    return PreparedSpace(points, tree=KDTree(points, metric="chebyshev"))


def count_prepared(space: PreparedSpace, radius: np.ndarray, *, strict: bool) -> np.ndarray:
    """:func:`count_within` on a :func:`prepare_space` result."""
    if space.order is not None:
        return _count_within_sorted(space.points[:, 0], space.order, radius, strict)
    return _count_within_tree(space, radius, strict)


def radius_and_counts(spaces: list[np.ndarray], radius_of, *, strict: bool):
    """``(radius, counts per space)``: the spaces are prepared in worker threads while
    ``radius_of()`` runs in the caller's thread, then counted in parallel (numpy's sorts and
    searches and the trees release the GIL).

    ``radius_of`` returns ``(radius, spaces)``: the spaces it measured, which may be jittered
    copies of the given ones (then they are prepared anew).
    """
    with ThreadPoolExecutor(max_workers=max(1, min(len(spaces), os.cpu_count() or 1))) as pool:
        prepared = [pool.submit(prepare_space, space) for space in spaces]
        radius, measured = radius_of()
        if measured[0] is not spaces[0]:
            prepared = [pool.submit(prepare_space, space) for space in measured]
        return radius, list(
            pool.map(lambda ready: count_prepared(ready.result(), radius, strict=strict), prepared)
        )


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


def _count_within_sorted(values, order, radius, strict) -> np.ndarray:
    s, r = values[order], radius[order]  # queries in sorted order: cache-friendly
    within = np.less if strict else np.less_equal
    upper = _search_nearly_sorted(s, s + r, side="left" if strict else "right")
    lower = _search_nearly_sorted(s, s - r, side="right" if strict else "left")
    upper = _settle(s, r, within, upper, above=True)
    lower = _settle(s, r, within, lower, above=False)
    counts = np.empty(len(values), dtype=np.int64)
    counts[order] = np.maximum(upper - lower - 1, 0)  # minus the point itself (when r > 0)
    return counts


def _search_nearly_sorted(s: np.ndarray, keys: np.ndarray, side: str) -> np.ndarray:
    """``np.searchsorted(s, keys)`` for keys that are almost in order: sorting them first
    (cheap) lets each binary search start where the previous one ended — ~1.7x faster at
    n = 10^6 than searching in the given order."""
    order = np.argsort(keys)
    found = np.empty(len(keys), dtype=np.intp)
    found[order] = np.searchsorted(s, keys[order], side=side)
    return found


def _settle(s, r, within, index, *, above: bool) -> np.ndarray:
    """Correct boundary guesses so that exactly the points ``within(|s[j] - s[i]|, r[i])`` lie
    between the lower and the upper boundary of point ``i``.

    ``searchsorted`` on ``s[i] ± r[i]`` can be off where ``s[i] + r[i]`` rounds; each pass
    moves a misplaced boundary over one run of equal values, using the predicate itself.
    The first pass checks every point, later ones only the boundaries that moved.
    """
    n = len(s)
    step = 0 if above else -1  # the element just outside is s[index] above, s[index-1] below
    active = np.arange(n)
    while active.size:
        here, radius, guess = s[active], r[active], index[active]
        outside, inside = guess + step, guess - 1 - step
        grow = within(np.abs(s[np.clip(outside, 0, n - 1)] - here), radius)
        grow &= (outside >= 0) & (outside < n)
        neighbour = s[np.clip(inside, 0, n - 1)]
        shrink = ~within(np.abs(neighbour - here), radius) & (inside >= 0) & (inside < n)
        shrink &= ~grow & ((neighbour >= here) if above else (neighbour <= here))
        if above:
            index[active[grow]] = np.searchsorted(s, s[outside[grow]], side="right")
            index[active[shrink]] = np.searchsorted(s, s[inside[shrink]], side="left")
        else:
            index[active[grow]] = np.searchsorted(s, s[outside[grow]], side="left")
            index[active[shrink]] = np.searchsorted(s, s[inside[shrink]], side="right")
        active = active[grow | shrink]
    return index
