"""Compiled kernels (numba) behind :mod:`estimators._neighbors`, for what a KD-tree does slowly.

- :class:`SortedValues`: for each value of a sorted 1-D array, how many others lie
  within its radius, by galloping + binary search with the exact predicate
  ``|s[j] - s[i]| < r`` (or ``<=``), evaluated in floating point as the tree does.
  Subtraction rounds monotonically, so on sorted values the predicate is monotone in ``j``
  and the search is exact — no ``s[i] ± r`` comparison that can misplace a point by one ulp.
  The gallop starts where a bucket index of the values (:func:`_bucket_starts`, one bucket
  per value, equal widths) places ``s[i] ± r``, usually the answer or next to it, so each
  boundary costs a few probes (1.7x faster than a secant guess through the local spread at
  n = 10^4). Cost ``O(n)`` for the index, then ``O(log b)`` per boundary for ``b`` values
  in the buckets searched (``O(1)`` for evenly spread values, ``O(log n)`` at worst);
  memory ``n + 1`` ints.
- :class:`QuantileGrid`: the ``k``-th nearest-neighbour distance (max-norm or Euclidean)
  on a quantile grid — each axis cut at quantiles of the data so that cells hold a few points
  each, wherever the mass is — searching rings of cells outwards until no unvisited cell can
  hold a closer point. Exact: the stopping bound is a per-axis coordinate gap, which lower-
  bounds both norms in floating point. Cost about ``O(k)`` distance evaluations per query
  when cells are evenly filled; :meth:`QuantileGrid.occupancy` measures that, and
  :mod:`estimators._neighbors` falls back to a KD-tree when mass concentrates on a
  lower-dimensional set (e.g. near-deterministic dependence). Two axes with the max-norm
  (every 1+1-D KSG) have their own kernel, :func:`_plane_kth`, 2x faster; a caller that has
  the columns' sorting permutations gets the cells from the ranks (:func:`ranked_cells`).
  In 2-D the grid also counts the points within each point's radius
  (:meth:`QuantileGrid.radius_counts`): whole cells from prefix sums, the cells at the
  radius' edge point by point with the exact predicate.
- :func:`within_label_radius`: the distance to the ``k``-th nearest value of the same label
  in 1-D, by a merge outwards in sorted order (Ross's estimator, ``O(n k)`` after a sort).

The kernels are serial, release the GIL (``nogil``) and work on a range of rows; they run in
parallel over chunks of rows in a thread pool (:func:`_over_chunks`), so no numba threading
layer is involved: safe to call from several threads at once and in forked processes.
"""

from __future__ import annotations

import itertools
import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

MAX_DIM = 3  # the ring search is written for up to three axes
_MIN_CHUNK = 16384  # rows per task: below this, thread hand-off costs more than it saves


_pool: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _kernel_pool() -> ThreadPoolExecutor:
    """One pool of ``os.cpu_count()`` threads for the kernels, started on first use (a pool
    per call costs ~1 ms of thread starts); kernels never submit to it themselves."""
    global _pool
    with _POOL_LOCK:
        if _pool is None:
            _pool = ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="infoest-kernel")
        return _pool


def _forget_pool() -> None:  # a forked child inherits the pool object but not its threads
    global _pool
    _pool = None


os.register_at_fork(after_in_child=_forget_pool)


def _over_chunks(kernel, n: int, *args) -> None:
    """Run ``kernel(*args, start, stop)`` over ``[0, n)`` in chunks on the kernel pool (a few
    chunks per core, for balance; one call in this thread when ``n`` is small)."""
    chunks = 1 if n < 2 * _MIN_CHUNK else min(4 * (os.cpu_count() or 1), n // _MIN_CHUNK)
    if chunks == 1:
        kernel(*args, 0, n)
        return
    bounds = np.linspace(0, n, chunks + 1).astype(np.int64)
    list(_kernel_pool().map(lambda span: kernel(*args, *span), itertools.pairwise(bounds)))


@numba.njit(cache=True, inline="always")
def _within(distance, radius, strict):
    return distance < radius if strict else distance <= radius


@numba.njit(cache=True, inline="always")
def _within_at(s, i, offset, direction, radius, strict):
    """Whether the value ``offset`` places from ``s[i]`` in ``direction`` (+1 up, -1 down)
    lies within the radius: ``|s[j] - s[i]|`` computed as ``direction * (s[j] - s[i])``,
    which equals ``s[i] - s[j]`` exactly (IEEE subtraction is antisymmetric)."""
    return _within(direction * (s[i + direction * offset] - s[i]), radius, strict)


@numba.njit(cache=True, inline="always")
def _bucket(value, low, scale, buckets):
    """The bucket of ``value`` (monotone in it), clipped to ``0 .. buckets - 1``; NaN (an
    infinite value times a zero scale) goes to 0."""
    position = (value - low) * scale
    if not position > 0.0:
        return 0
    if position >= buckets - 1:
        return buckets - 1
    return int(position)


@numba.njit(cache=True)
def _bucket_starts(s, low, scale, buckets):
    """``starts[b]``: the index of the first value of ascending ``s`` in bucket ``b`` or a
    later one (``starts[buckets] = len(s)``)."""
    starts = np.empty(buckets + 1, np.int64)
    b = 0
    for i in range(s.shape[0]):
        while b <= _bucket(s[i], low, scale, buckets):
            starts[b] = i
            b += 1
    starts[b:] = s.shape[0]
    return starts


@numba.njit(cache=True, inline="always")
def _rank_guess(s, starts, low, scale, value):
    """About how many values of ``s`` lie below ``value``: a binary search within its bucket.
    ``value`` is ``s[i] ± r`` rounded, so this can be off by the values within a rounding
    error of it; the exact search starts here."""
    b = _bucket(value, low, scale, starts.shape[0] - 1)
    first, last = starts[b], starts[b + 1]
    while first < last:
        middle = (first + last) // 2
        if s[middle] < value:
            first = middle + 1
        else:
            last = middle
    return first


@numba.njit(cache=True)
def _furthest_within(s, i, radius, strict, direction, guess):
    """The largest offset ``p`` such that ``s[i + direction * p]`` lies within the radius of
    ``s[i]`` (0 if none): a gallop from ``guess``, then a binary search. The predicate is
    monotone in ``p`` on sorted values (subtraction rounds monotonically), so the result
    never depends on the guess, only the number of probes."""
    room = s.shape[0] - 1 - i if direction > 0 else i
    guess = max(0, min(guess, room))
    step = 1
    if guess == 0 or _within_at(s, i, guess, direction, radius, strict):
        inside = guess
        while inside + step <= room and _within_at(s, i, inside + step, direction, radius, strict):
            inside += step
            step *= 2
        outside = min(inside + step, room + 1)
    else:
        outside = guess
        while outside - step > 0 and not _within_at(
            s, i, outside - step, direction, radius, strict
        ):
            outside -= step
            step *= 2
        inside = max(outside - step, 0)
    while outside - inside > 1:
        middle = (inside + outside) // 2
        if _within_at(s, i, middle, direction, radius, strict):
            inside = middle
        else:
            outside = middle
    return inside


@numba.njit(nogil=True, cache=True)
def _sorted_radius_counts(s, radius, strict, starts, low, scale, counts, start, stop):
    for i in range(start, stop):
        up = _rank_guess(s, starts, low, scale, s[i] + radius[i]) - 1 - i
        down = i - _rank_guess(s, starts, low, scale, s[i] - radius[i])
        counts[i] = _furthest_within(s, i, radius[i], strict, 1, up) + _furthest_within(
            s, i, radius[i], strict, -1, down
        )


class SortedValues:
    """Ascending 1-D values with their bucket index, ready for radius counts (built once,
    e.g. per column of :func:`estimators.selection.mutual_info_matrix`, and shared by every
    count on that column). Memory: the values and ``n + 1`` bucket starts."""

    def __init__(self, s: np.ndarray):
        self.values = np.ascontiguousarray(s, dtype=np.float64)
        self.buckets = max(1, len(s))  # about one value per bucket
        spread = float(s[-1]) - float(s[0]) if len(s) else 0.0  # inf, silently, past float64
        self.low = float(s[0]) if len(s) else 0.0
        self.scale = self.buckets / spread if 0 < spread < np.inf else 0.0
        self.starts = _bucket_starts(self.values, self.low, self.scale, self.buckets)

    def radius_counts(self, radius: np.ndarray, strict: bool) -> np.ndarray:
        """Counts of other values within each radius (radii in the sorted order)."""
        counts = np.empty(len(self.values), dtype=np.int64)
        indexed = (self.values, radius, strict, self.starts, self.low, self.scale)
        _over_chunks(_sorted_radius_counts, len(counts), *indexed, counts)
        return counts


# --- neighbours within a label, in 1-D: a merge in sorted order --------------------------


@numba.njit(cache=True, nogil=True)
def group_by_label(order, labels, n_labels):
    """Rows grouped by label, each group in the given (sorted) order: a counting sort."""
    start = np.zeros(n_labels + 1, dtype=np.int64)
    for i in order:
        start[labels[i] + 1] += 1
    for c in range(n_labels):
        start[c + 1] += start[c]
    grouped = np.empty(len(order), dtype=np.int64)
    for i in order:
        grouped[start[labels[i]]] = i
        start[labels[i]] += 1
    return grouped


@numba.njit(cache=True, nogil=True)
def within_label_radius(values, labels, k_i):
    """For rows grouped by label and sorted within: the distance to the ``k_i``-th nearest
    row of the same label (a merge of the left and right runs)."""
    n = len(values)
    radius = np.empty(n)
    low = 0
    while low < n:
        high = low
        while high < n and labels[high] == labels[low]:
            high += 1
        for p in range(low, high):
            left, right, d = p - 1, p + 1, 0.0
            for _ in range(k_i[p]):
                to_left = values[p] - values[left] if left >= low else np.inf
                to_right = values[right] - values[p] if right < high else np.inf
                if to_left <= to_right:
                    d, left = to_left, left - 1
                else:
                    d, right = to_right, right + 1
            radius[p] = d
        low = high
    return radius


# --- quantile grid ---------------------------------------------------------------------------


_EMPTY_SLOT = np.uint64(0x7FF8000000000001)  # a NaN's bit pattern: never a value read here
_FIBONACCI = np.uint64(0x9E3779B97F4A7C15)  # 2^64 / golden ratio: spreads the bit patterns


_NEGATIVE_ZERO = np.uint64(0x8000000000000000)


@numba.njit(cache=True, nogil=True)
def _has_repeats(values, shift):
    """Whether two of ``values`` are equal, by their bit patterns (``-0.0`` taken as
    ``0.0``) in an open-addressing table of ``2^(64 - shift)`` slots (Knuth's multiplicative
    hashing, linear probing)."""
    table = np.full(1 << (64 - shift), _EMPTY_SLOT, dtype=np.uint64)
    mask, one, right = np.uint64(table.shape[0] - 1), np.uint64(1), np.uint64(shift)
    zero = np.uint64(0)
    for value in values.view(np.uint64):
        if value == _NEGATIVE_ZERO:
            value = zero
        slot = (value * _FIBONACCI) >> right
        while table[slot] != _EMPTY_SLOT:
            if table[slot] == value:
                return True
            slot = (slot + one) & mask
        table[slot] = value
    return False


def has_repeats(values: np.ndarray) -> bool:
    """Whether a 1-D float64 array without NaN holds a value twice (``-0.0`` equals
    ``0.0``). Expected ``O(n)`` time (a hash table at most half full) and ``16 n`` bytes;
    releases the GIL. About 5x faster than a sort at n = 10^6, which is what keeps reading
    an untied column cheap."""
    if values.size < 2:
        return False
    slots = max(2 * values.size, 16)
    shift = 64 - (slots - 1).bit_length()
    return bool(_has_repeats(np.ascontiguousarray(values, dtype=np.float64), shift))


def cells_per_axis(n: int, d: int, points_per_cell: float) -> int:
    return max(1, round((n / points_per_cell) ** (1.0 / d)))


def axis_cuts(points: np.ndarray, cells: int) -> np.ndarray:
    """Interior cut points ``(d, cells - 1)`` at equally spaced quantiles of each column,
    estimated on an evenly strided subsample of about 32 points per cell (deterministic, fine
    for sorted data; the cuts need only balance the cells roughly, exactness never depends
    on them)."""
    step = max(1, len(points) // (32 * cells))
    levels = np.arange(1, cells) / cells
    return np.ascontiguousarray(np.quantile(points[::step], levels, axis=0).T)


@numba.njit(nogil=True, cache=True)
def _cell_coordinates(points, cuts, coords, start, stop):
    """Each point's cell index along each axis: the number of cuts ``<=`` its coordinate."""
    for i in range(start, stop):
        for a in range(points.shape[1]):
            low, high = 0, cuts.shape[1]
            while low < high:
                middle = (low + high) // 2
                if cuts[a, middle] <= points[i, a]:
                    low = middle + 1
                else:
                    high = middle
            coords[i, a] = low


def cell_coordinates(points: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    coords = np.empty(points.shape, dtype=np.int64)
    _over_chunks(_cell_coordinates, len(points), points, cuts, coords)
    return coords


@numba.njit(nogil=True, cache=True)
def _gather_rows(rows, order, gathered, start, stop):
    for i in range(start, stop):
        for a in range(rows.shape[1]):  # element by element: ~5x faster than row slices
            gathered[i, a] = rows[order[i], a]


def gather_rows(rows: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``rows[order]`` as a new C-contiguous array, gathered in parallel."""
    gathered = np.empty((len(order), rows.shape[1]), dtype=rows.dtype)
    _over_chunks(_gather_rows, len(order), rows, order, gathered)
    return gathered


@numba.njit(cache=True)
def _flat_ids(coords, cells):
    n, d = coords.shape
    ids = np.zeros(n, np.int64)
    for i in range(n):
        flat = 0
        for a in range(d):
            flat = flat * cells + coords[i, a]
        ids[i] = flat
    return ids


@numba.njit(cache=True)
def _counting_order(ids, n_cells):
    """``(order, starts)``: a stable counting sort of cell ids; cell ``c`` holds
    ``order[starts[c]:starts[c + 1]]``."""
    starts = np.zeros(n_cells + 1, np.int64)
    for c in ids:
        starts[c + 1] += 1
    for c in range(n_cells):
        starts[c + 1] += starts[c]
    fill = starts[:-1].copy()
    order = np.empty(ids.shape[0], np.int64)
    for i in range(ids.shape[0]):
        order[fill[ids[i]]] = i
        fill[ids[i]] += 1
    return order, starts


@numba.njit(cache=True)
def _axis_extents(points, coords, cells):
    """Per axis and cell index: ``below[a, c]``, the largest coordinate in cells ``<= c``,
    and ``above[a, c]``, the smallest in cells ``>= c`` (running extremes, so that empty
    cells are harmless)."""
    n, d = points.shape
    below = np.full((d, cells), -np.inf)
    above = np.full((d, cells), np.inf)
    for i in range(n):
        for a in range(d):
            c, v = coords[i, a], points[i, a]
            below[a, c] = max(below[a, c], v)
            above[a, c] = min(above[a, c], v)
    for a in range(d):
        for c in range(1, cells):
            below[a, c] = max(below[a, c], below[a, c - 1])
        for c in range(cells - 2, -1, -1):
            above[a, c] = min(above[a, c], above[a, c + 1])
    return below, above


@numba.njit(cache=True, inline="always")
def _insert(best, distance):
    """Insert ``distance`` into the ascending ``best``, dropping the last: a min/max network
    with no data-dependent branch (~10 % faster than shifting slots in a loop whose exit the
    CPU mispredicts)."""
    for slot in range(best.shape[0] - 1, 0, -1):
        best[slot] = max(best[slot - 1], min(best[slot], distance))
    best[0] = min(best[0], distance)


@numba.njit(cache=True, inline="always")
def _offer(points, start, stop, x, skip, best, chebyshev):
    """Offer the points ``start:stop`` (but ``skip``) to the ascending ``best`` distances."""
    k, d = best.shape[0], x.shape[0]
    for j in range(start, stop):
        distance = 0.0
        if chebyshev:
            for a in range(d):
                distance = max(distance, abs(x[a] - points[j, a]))
        else:
            for a in range(d):
                gap = x[a] - points[j, a]
                distance += gap * gap
            distance = math.sqrt(distance)
        if distance < best[k - 1] and j != skip:
            _insert(best, distance)


@numba.njit(cache=True, inline="always")
def _offer_ring(points, starts, cells, x, home, r, skip, best, chebyshev):
    """Offer every point in the cells at max-norm cell offset exactly ``r`` from ``home``
    (cell coordinates padded in front to :data:`MAX_DIM` axes with zeros). Rows run along
    the last axis, contiguous in memory: a row on a face of the ring is one span of cells,
    an inner row its two end cells."""
    d = x.shape[0]
    for c0 in range(home[0] - r, home[0] + r + 1):
        if c0 < 0 or c0 >= cells or (d < 3 and c0 != 0):
            continue
        for c1 in range(home[1] - r, home[1] + r + 1):
            if c1 < 0 or c1 >= cells or (d < 2 and c1 != 0):
                continue
            row = (c0 * cells + c1) * cells
            h = home[2]
            if r == 0 or abs(c0 - home[0]) == r or abs(c1 - home[1]) == r:
                low, high = max(h - r, 0), min(h + r, cells - 1)
                _offer(points, starts[row + low], starts[row + high + 1], x, skip, best, chebyshev)
                continue
            if h - r >= 0:
                _offer(
                    points, starts[row + h - r], starts[row + h - r + 1], x, skip, best, chebyshev
                )
            if h + r < cells:
                _offer(
                    points, starts[row + h + r], starts[row + h + r + 1], x, skip, best, chebyshev
                )


@numba.njit(cache=True, inline="always")
def _unvisited_bound(x, home, r, below, above, cells):
    """A lower bound on the distance from ``x`` (in cell ``home``, padded as in
    :func:`_offer_ring`) to any point outside rings ``0..r``: such a point lies beyond ring
    ``r`` along some axis, hence at least that axis's coordinate gap away (in either norm, in
    floating point)."""
    bound, d = np.inf, x.shape[0]
    for a in range(d):
        c = home[MAX_DIM - d + a]
        if c - r - 1 >= 0:
            bound = min(bound, x[a] - below[a, c - r - 1])
        if c + r + 1 < cells:
            bound = min(bound, above[a, c + r + 1] - x[a])
    return bound


@numba.njit(nogil=True, cache=True)
def _grid_kth(
    points, starts, cells, below, above, queries, homes, skips, k, chebyshev, out, start, stop
):
    """k-th distances of queries ``start:stop`` into ``out``: rings of cells outwards until no
    unvisited cell can hold a closer point. The query and its cell are copied into local
    arrays first (kept apart from the stores into ``best``, ~2x faster than indexing)."""
    d = queries.shape[1]
    best, x, home = np.empty(k), np.empty(d), np.zeros(MAX_DIM, np.int64)
    for q in range(start, stop):
        best[:] = np.inf
        for a in range(d):
            x[a] = queries[q, a]
            home[MAX_DIM - d + a] = homes[q, a]
        for r in range(cells):
            _offer_ring(points, starts, cells, x, home, r, skips[q], best, chebyshev)
            if best[k - 1] <= _unvisited_bound(x, home, r, below, above, cells):
                break
        out[q] = best[k - 1]


@numba.njit(nogil=True, cache=True)
def _plane_kth(points, starts, cells, below, above, queries, homes, skips, k, out, start, stop):
    """:func:`_grid_kth` for two axes and the max-norm — the 1+1-D KSG search behind every
    pair of :func:`estimators.selection.mutual_info_matrix` — with the query in scalars and
    one loop over points for the whole ring (a column of the ring is one span of cells on
    its faces, its two end cells inside), skipping the columns and trimming the spans whose
    coordinate gap already exceeds the k-th distance so far: 2x faster, same results (the
    skipping ~15 % of that). The layout matters to numba/LLVM here: three inlined loop
    sites, the query in an array, or the stopping bound through an inlined helper each cost
    ~1.4-1.7x. The bound is :func:`_unvisited_bound`'s, unrolled for two axes."""
    best = np.empty(k)
    for q in range(start, stop):
        for slot in range(k):
            best[slot] = np.inf
        x, y, hx, hy, skip = queries[q, 0], queries[q, 1], homes[q, 0], homes[q, 1], skips[q]
        r = 0
        while True:
            for cx in range(max(hx - r, 0), min(hx + r, cells - 1) + 1):
                if cx < hx and x - below[0, cx] >= best[k - 1]:
                    continue
                if cx > hx and above[0, cx] - x >= best[k - 1]:
                    continue
                row = cx * cells
                if cx == hx - r or cx == hx + r:
                    spans = ((max(hy - r, 0), min(hy + r, cells - 1)), (1, 0))  # (1, 0): none
                else:
                    spans = ((hy - r, hy - r), (hy + r, hy + r))
                for side in range(2):
                    first, last = spans[side]
                    if first < 0 or last >= cells or first > last:
                        continue
                    while first <= last and first < hy and y - below[1, first] >= best[k - 1]:
                        first += 1
                    while last >= first and last > hy and above[1, last] - y >= best[k - 1]:
                        last -= 1
                    for j in range(starts[row + first], starts[row + last + 1]):
                        distance = max(abs(x - points[j, 0]), abs(y - points[j, 1]))
                        if distance < best[k - 1] and j != skip:
                            _insert(best, distance)
            bound = np.inf
            if hx - r - 1 >= 0:
                bound = min(bound, x - below[0, hx - r - 1])
            if hx + r + 1 < cells:
                bound = min(bound, above[0, hx + r + 1] - x)
            if hy - r - 1 >= 0:
                bound = min(bound, y - below[1, hy - r - 1])
            if hy + r + 1 < cells:
                bound = min(bound, above[1, hy + r + 1] - y)
            if best[k - 1] <= bound or r >= cells:
                break
            r += 1
        out[q] = best[k - 1]


@numba.njit(cache=True)
def _prefix_counts(starts, cells):
    """``prefix[a, b]``: the points in cells ``[0, a) x [0, b)`` of a 2-D grid."""
    prefix = np.zeros((cells + 1, cells + 1), np.int64)
    for a in range(cells):
        row = 0
        for b in range(cells):
            row += starts[a * cells + b + 1] - starts[a * cells + b]
            prefix[a + 1, b + 1] = prefix[a, b + 1] + row
    return prefix


@numba.njit(cache=True, inline="always")
def _highest_within(extremes, value, low, high, radius, strict):
    """The largest ``c`` in ``[low, high]`` with ``extremes[c] - value`` within the radius
    (``low - 1`` if none); ``extremes`` ascending, so the predicate holds on a prefix."""
    inside, outside = low - 1, high + 1
    while outside - inside > 1:
        middle = (inside + outside) // 2
        if _within(extremes[middle] - value, radius, strict):
            inside = middle
        else:
            outside = middle
    return inside


@numba.njit(cache=True, inline="always")
def _lowest_within(extremes, value, low, high, radius, strict):
    """The smallest ``c`` in ``[low, high]`` with ``value - extremes[c]`` within the radius
    (``high + 1`` if none); ``extremes`` ascending, so the predicate holds on a suffix."""
    outside, inside = low - 1, high + 1
    while inside - outside > 1:
        middle = (inside + outside) // 2
        if _within(value - extremes[middle], radius, strict):
            inside = middle
        else:
            outside = middle
    return inside


@numba.njit(cache=True, inline="always")
def _axis_ranges(value, home, below, above, cells, radius, strict):
    """Along one axis, for a query at ``value`` in cell ``home``: ``(any_low, any_high,
    full_low, full_high, home_full)``. Cells outside ``[any_low, any_high]`` hold no point
    within the radius; every cell of ``[full_low, full_high]`` but ``home`` holds only such
    points, and ``home`` too if ``home_full``. Cells are ordered by value, so a cell's
    extremes bound all its points and each predicate is monotone in the cell index."""
    any_low = _lowest_within(below, value, 0, home, radius, strict)
    any_high = _highest_within(above, value, home, cells - 1, radius, strict)
    full_low = _lowest_within(above, value, 0, home, radius, strict)
    full_high = _highest_within(below, value, home, cells - 1, radius, strict)
    home_full = full_low <= home and full_high >= home
    return any_low, any_high, min(full_low, home), max(full_high, home), home_full


@numba.njit(cache=True, inline="always")
def _block(prefix, a0, a1, b0, b1):
    """Points in cells ``[a0, a1] x [b0, b1]`` (0 for an empty range)."""
    if a0 > a1 or b0 > b1:
        return 0
    return prefix[a1 + 1, b1 + 1] - prefix[a0, b1 + 1] - prefix[a1 + 1, b0] + prefix[a0, b0]


@numba.njit(cache=True, inline="always")
def _checked(points, start, stop, x, y, radius, strict):
    """Points ``start:stop`` within the radius of ``(x, y)`` in the max-norm, one by one."""
    found = 0
    for j in range(start, stop):
        if _within(abs(x - points[j, 0]), radius, strict) and _within(
            abs(y - points[j, 1]), radius, strict
        ):
            found += 1
    return found


@numba.njit(nogil=True, cache=True)
def _plane_counts(
    points, starts, cells, below, above, prefix, homes, radius, strict, out, start, stop
):
    """For grid points ``start:stop`` (2-D, max-norm): how many other grid points lie within
    each one's radius. Whole cells inside the radius on both axes are counted from the
    prefix sums; the cells at the edge of the radius (at most the home cell and one at each
    end, per axis) point by point, with the exact predicate."""
    for q in range(start, stop):
        x, y, r = points[q, 0], points[q, 1], radius[q]
        ax = _axis_ranges(x, homes[q, 0], below[0], above[0], cells, r, strict)
        ay = _axis_ranges(y, homes[q, 1], below[1], above[1], cells, r, strict)
        hx, hy = homes[q, 0], homes[q, 1]
        found = _block(prefix, ax[2], ax[3], ay[2], ay[3])
        if not ax[4]:
            found -= _block(prefix, hx, hx, ay[2], ay[3])
        if not ay[4]:
            found -= _block(prefix, ax[2], ax[3], hy, hy)
        if not ax[4] and not ay[4]:
            found += _block(prefix, hx, hx, hy, hy)
        for cx in range(ax[0], ax[1] + 1):
            row = cx * cells
            if ax[2] <= cx <= ax[3] and (cx != hx or ax[4]):  # a full column: its edge cells
                found += _checked(points, starts[row + ay[0]], starts[row + ay[2]], x, y, r, strict)
                found += _checked(
                    points, starts[row + ay[3] + 1], starts[row + ay[1] + 1], x, y, r, strict
                )
                if not ay[4]:
                    found += _checked(
                        points, starts[row + hy], starts[row + hy + 1], x, y, r, strict
                    )
            else:
                found += _checked(
                    points, starts[row + ay[0]], starts[row + ay[1] + 1], x, y, r, strict
                )
        out[q] = found - (1 if _within(0.0, r, strict) else 0)  # not the point itself


def ranked_cells(points: np.ndarray, orders: list, cells: int) -> tuple[np.ndarray, np.ndarray]:
    """``(cuts, coords)`` of a quantile grid from each axis's sorting permutation (a column
    already sorted for other work): axis ``a``'s cell ``c`` holds the points of ranks
    ``c w .. (c + 1) w - 1``, ``w = ceil(n / cells)`` — exact quantiles, no search. Tied
    values may straddle a cut; the search stays exact, as it bounds distances by the cells'
    actual extents, and a query outside the grid is placed by the cuts (the smallest value
    of each cell)."""
    n, d = points.shape
    width = -(-n // cells)
    coords = np.empty((n, d), dtype=np.int64)
    cuts = np.full((d, cells - 1), np.inf)
    firsts = np.arange(1, cells) * width
    inside = firsts < n
    for a, order in enumerate(orders):
        coords[order, a] = np.arange(n) // width
        cuts[a, inside] = points[order[firsts[inside]], a]
    return cuts, coords


class QuantileGrid:
    """Points bucketed into a ``cells**d`` quantile grid, stored cell by cell.

    ``orders``: each column's sorting permutation, when the caller has them; the cells then
    come from the ranks (:func:`ranked_cells`) instead of estimated quantiles and a search.
    Memory: the points' copy ``n d`` floats and their cells ``n d`` ints, ``cells**d + 1``
    offsets (about ``n / points_per_cell``), ``2 d cells`` extents.
    """

    def __init__(self, points: np.ndarray, points_per_cell: float = 4.0, orders=None):
        n, d = points.shape
        self.cells = cells_per_axis(n, d, points_per_cell)
        if orders is None:
            self.cuts = axis_cuts(points, self.cells)
            coords = cell_coordinates(points, self.cuts)
        else:
            self.cuts, coords = ranked_cells(points, orders, self.cells)
        self.order, self.starts = _counting_order(_flat_ids(coords, self.cells), self.cells**d)
        self.points = gather_rows(points, self.order)
        self.homes = gather_rows(coords, self.order)
        self.below, self.above = _axis_extents(points, coords, self.cells)

    def occupancy(self) -> float:
        """Mean number of points sharing a point's cell (itself included): about
        ``points_per_cell + 1`` for evenly filled cells, much more where mass concentrates."""
        sizes = np.diff(self.starts).astype(np.float64)
        return float(sizes @ sizes / len(self.order))

    def kth_distances(self, k: int, chebyshev: bool) -> np.ndarray:
        """Each point's distance to its ``k``-th nearest other point, in input order."""
        skips = np.arange(len(self.order))
        found = self._query(self.points, self.homes, skips, k, chebyshev)
        distances = np.empty(len(found))
        distances[self.order] = found
        return distances

    def kth_distances_to(self, queries: np.ndarray, k: int, chebyshev: bool) -> np.ndarray:
        """Distance from each query to its ``k``-th nearest grid point, in query order."""
        coords = cell_coordinates(queries, self.cuts)
        order = np.argsort(_flat_ids(coords, self.cells), kind="stable")
        skips = np.full(len(queries), -1, dtype=np.int64)
        found = self._query(
            gather_rows(queries, order), gather_rows(coords, order), skips, k, chebyshev
        )
        distances = np.empty(len(found))
        distances[order] = found
        return distances

    def radius_counts(self, radius: np.ndarray, strict: bool) -> np.ndarray:
        """For each point (2-D grid, max-norm): how many other points lie within its radius
        (``< radius`` if ``strict``, else ``<=``), in input order. Exact; cost per point
        ``O(log cells)`` plus the points of the cells at the radius' edge (a handful for
        evenly filled cells, at most ``~6 n / cells`` where mass concentrates). Memory:
        ``(cells + 1)^2`` prefix sums, about ``n / points_per_cell``."""
        prefix = _prefix_counts(self.starts, self.cells)
        grid = (self.points, self.starts, self.cells, self.below, self.above, prefix, self.homes)
        found = np.empty(len(self.order), dtype=np.int64)
        _over_chunks(_plane_counts, len(found), *grid, radius[self.order], strict, found)
        counts = np.empty(len(found), dtype=np.int64)
        counts[self.order] = found
        return counts

    def _query(self, queries, homes, skips, k, chebyshev):
        distances = np.empty(len(queries))
        grid = (self.points, self.starts, self.cells, self.below, self.above)
        if chebyshev and self.points.shape[1] == 2:
            _over_chunks(_plane_kth, len(distances), *grid, queries, homes, skips, k, distances)
        else:
            _over_chunks(
                _grid_kth, len(distances), *grid, queries, homes, skips, k, chebyshev, distances
            )
        return distances
