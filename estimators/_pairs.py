"""Many 1+1-D KSG estimates at once: column pairs in blocks, one compiled call per block.

The pairwise functions of :mod:`estimators.selection` and :mod:`estimators.network` pay, at
small ``n``, as much for handing each pair through Python as for the k-NN kernels. Profiled
at p = 200 columns, n = 500 (cProfile, 19,900 pairs, one thread; 6.2 s unprofiled, 7.3 s
under the profiler): the grid search ``_plane_kth`` 1.8 s, the marginal counts 1.2 s,
building each pair's grid (``QuantileGrid``: rank cells, counting sort, extents) 1.2 s, the
digamma means 0.7 s, and ~2.4 s of Python between them (joblib's task per pair, 100,000
``_over_chunks`` calls, ``column_stack``, ``np.mean``). :func:`ksg_pairs` runs a whole block
of pairs in one ``nogil`` numba call — per pair the rank-cell grid of
:class:`estimators._kernels.QuantileGrid` (from the columns' sorting permutations, shared by
every pair), its k-th neighbour search (:func:`_plane_kth`), the two marginal counts on each
column's sorted values (:func:`_sorted_radius_counts`) and the digamma means from a table —
with the same kernels, so the same integers and the same numbers (to summation order,
~1e-15). The same matrix then takes 2.7 s under the profiler, 99 % inside the kernel
(about 4 % building grids, 58 % the k-th neighbour search, 38 % the counts). A pair whose
grid is crowded (occupancy above :data:`estimators._neighbors.GRID_MAX_OCCUPANCY`, where
the KD-tree is faster) or whose joint sample repeats a row (Gao et al.'s rule on atoms) is
handed back and estimated by :func:`estimators.knn.gao_mutual_information`, as before;
from :data:`FUSED_MAX_ROWS` rows every pair is (its kernels then split over the cores).

:func:`run_blocks` runs a function over blocks of work on ``n_jobs`` threads, or on a Dask
cluster (``backend="dask"``): the shared state (prepared columns) is sent to every worker
once, then each task gets a block.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numba
import numpy as np
from scipy.special import digamma

from ._dask import CONNECT_TIMEOUT, check_scheduler
from ._kernels import (
    _MIN_CHUNK,
    _axis_extents,
    _counting_order,
    _plane_kth,
    _sorted_radius_counts,
    cells_per_axis,
)
from ._neighbors import GRID_MAX_OCCUPANCY, sorted_space
from .knn import gao_mutual_information

#: rows of work (pairs x n) per block at most: ~0.3 s of one core, so a progress bar moves
#: and threads share the work evenly; a block's Python overhead (~50 us) is negligible
BLOCK_ROWS = 2**20
#: from this many rows a pair is estimated alone (estimators.knn): its kernels then run on
#: every core (estimators._kernels._over_chunks), better than one pair per core
FUSED_MAX_ROWS = 2 * _MIN_CHUNK
#: tasks per Dask worker thread (more: better balance, more scheduler overhead)
TASKS_PER_THREAD = 8


# --------------------------------------------------------------------------------------------
# packed columns and the compiled block kernel
# --------------------------------------------------------------------------------------------


@dataclass(eq=False)
class Packed:
    """Float columns (one row per column draw) ready for :func:`ksg_pairs`.

    ``values[c]`` the draw's values, ``orders[c]`` its sorting permutation; the sorted values
    with their bucket index (:class:`estimators._kernels.SortedValues`) are in row
    ``sorted_ids[c]`` of ``sorted_values``, ``starts``, ``lows``, ``scales`` (one shared row
    where every column sorts to the same values, as normal scores of ranks do). Memory:
    ``~16 n`` bytes per column plus ``~16 n`` per distinct sorted row.
    """

    values: np.ndarray  # (m, n) float64
    orders: np.ndarray  # (m, n) int64
    sorted_values: np.ndarray  # (s, n) float64
    starts: np.ndarray  # (s, n + 1) int64
    lows: np.ndarray  # (s,)
    scales: np.ndarray  # (s,)
    sorted_ids: np.ndarray  # (m,) int64

    @classmethod
    def of_spaces(cls, spaces: list) -> Packed:
        """From 1-D :class:`~estimators._neighbors.PreparedSpace` (each with its sort)."""
        indexed = [space.sorted for space in spaces]
        return cls(
            np.ascontiguousarray(np.stack([s.points[:, 0] for s in spaces]), dtype=np.float64),
            np.ascontiguousarray(np.stack([s.order for s in spaces]), dtype=np.int64),
            np.stack([i.values for i in indexed]),
            np.stack([i.starts for i in indexed]),
            np.array([i.low for i in indexed], dtype=np.float64),
            np.array([i.scale for i in indexed], dtype=np.float64),
            np.arange(len(spaces), dtype=np.int64),
        )

    @classmethod
    def of_ranks(cls, scores: np.ndarray, orders: np.ndarray) -> Packed:
        """Columns that are permutations of the ascending ``scores`` (ranks, normal scores):
        column ``c`` holds ``scores[rank]``, ``orders[c]`` its sort; one shared sorted row."""
        space = sorted_space(scores[:, None], np.arange(len(scores)))
        ranks = np.empty_like(orders)
        np.put_along_axis(ranks, orders, np.arange(orders.shape[1])[None, :], axis=1)
        return cls(
            np.ascontiguousarray(scores[ranks]),
            np.ascontiguousarray(orders, dtype=np.int64),
            space.sorted.values[None, :],
            space.sorted.starts[None, :],
            np.array([space.sorted.low]),
            np.array([space.sorted.scale]),
            np.zeros(len(orders), dtype=np.int64),
        )

    @property
    def n(self) -> int:
        return self.values.shape[1]


@numba.njit(nogil=True, cache=True)
def _ksg_pairs(
    values,
    orders,
    sorted_values,
    starts,
    lows,
    scales,
    sorted_ids,
    first,
    second,
    k,
    cells,
    max_occupancy,
    psi,
    out,
):
    """KSG (variant 1, max-norm) of the column pairs ``(first[t], second[t])`` into
    ``out[t]``, in nats; NaN where the caller must estimate the pair itself (a crowded grid,
    or a repeated joint row). The steps of :class:`QuantileGrid` and :func:`atom_rule_counts`
    on the rank cells, with the same kernels."""
    n = values.shape[1]
    width = (n + cells - 1) // cells
    n_cells = cells * cells
    joint = np.empty((n, 2))
    coords = np.empty((n, 2), np.int64)
    ids = np.empty(n, np.int64)
    points = np.empty((n, 2))
    homes = np.empty((n, 2), np.int64)
    skips = np.arange(n)
    found = np.empty(n)
    rho = np.empty(n)
    radius = np.empty(n)
    counts = np.empty(n, np.int64)
    frequencies = np.zeros(n + 2, np.int64)
    for t in range(first.shape[0]):
        a, b = first[t], second[t]
        for r in range(n):
            joint[r, 0] = values[a, r]
            joint[r, 1] = values[b, r]
            coords[orders[a, r], 0] = r // width
            coords[orders[b, r], 1] = r // width
        for r in range(n):
            ids[r] = coords[r, 0] * cells + coords[r, 1]
        order, cell_starts = _counting_order(ids, n_cells)
        occupancy = 0.0
        for c in range(n_cells):
            size = float(cell_starts[c + 1] - cell_starts[c])
            occupancy += size * size
        if occupancy / n > max_occupancy:
            out[t] = np.nan
            continue
        for q in range(n):
            points[q, 0] = joint[order[q], 0]
            points[q, 1] = joint[order[q], 1]
            homes[q, 0] = coords[order[q], 0]
            homes[q, 1] = coords[order[q], 1]
        below, above = _axis_extents(joint, coords, cells)
        _plane_kth(points, cell_starts, cells, below, above, points, homes, skips, k, found, 0, n)
        on_atom = False
        for q in range(n):
            rho[order[q]] = found[q]
            if found[q] == 0.0:
                on_atom = True
        if on_atom:
            out[t] = np.nan
            continue
        estimate = psi[n] + psi[k]
        for side in range(2):
            c = a if side == 0 else b
            s = sorted_ids[c]
            for r in range(n):
                radius[r] = rho[orders[c, r]]
            _sorted_radius_counts(
                sorted_values[s], radius, True, starts[s], lows[s], scales[s], counts, 0, n
            )
            frequencies[:] = 0
            for r in range(n):
                frequencies[counts[r] + 1] += 1
            total = 0.0
            for v in range(1, n + 1):
                if frequencies[v] > 0:
                    total += frequencies[v] * psi[v]
            estimate -= total / n
        out[t] = estimate


_PSI: dict[int, np.ndarray] = {}


def _psi_table(n: int) -> np.ndarray:
    """``digamma(0 .. n + 1)`` (``-inf`` at 0, never read)."""
    table = _PSI.get(n)
    if table is None:
        with np.errstate(divide="ignore"):
            table = digamma(np.arange(n + 2, dtype=np.float64))
        _PSI[n] = table
    return table


def ksg_pairs(packed: Packed, first: np.ndarray, second: np.ndarray, k: int) -> np.ndarray:
    """KSG (variant 1) with Gao et al.'s (2017) rule on atoms of the packed column pairs
    ``(first[t], second[t])``, in nats: the numbers of
    :func:`estimators.knn.gao_mutual_information` on the same columns and sorts (to
    ~1e-15), one compiled call for the block (pairs with a crowded grid or repeated rows
    through that function). Cost ``O(n (c + log n))`` per pair, ``c`` the rows in the grid
    cells searched; memory ``O(n)``."""
    n = packed.n
    out = np.empty(len(first))
    if len(first) == 0:
        return out
    _ksg_pairs(
        packed.values,
        packed.orders,
        packed.sorted_values,
        packed.starts,
        packed.lows,
        packed.scales,
        packed.sorted_ids,
        np.ascontiguousarray(first, dtype=np.int64),
        np.ascontiguousarray(second, dtype=np.int64),
        k,
        cells_per_axis(n, 2, 4.0),
        GRID_MAX_OCCUPANCY,
        _psi_table(n),
        out,
    )
    for t in np.flatnonzero(np.isnan(out)):
        out[t] = _one_pair(packed, int(first[t]), int(second[t]), k)
    return out


def _one_pair(packed: Packed, a: int, b: int, k: int) -> float:
    """One pair by :func:`estimators.knn.gao_mutual_information` (KD-tree, atoms)."""
    spaces = [sorted_space(packed.values[c][:, None], packed.orders[c]) for c in (a, b)]
    return gao_mutual_information(np.column_stack((packed.values[a], packed.values[b])), spaces, k)


@dataclass(eq=False)
class ColumnPairs:
    """What a worker needs to estimate pairs of prepared columns (the ``_Column`` objects of
    :mod:`estimators.selection`: ``kind``, ``draws``, ``spaces``): the columns, the pair
    estimator ``estimate(a, b) -> nats``, and with ``k`` (``method="auto"``) the draws of
    the number columns packed for :func:`ksg_pairs`, which then estimates every pair of two
    number columns (the mean over their draws, as ``estimate`` would) and ``estimate`` the
    others. Built once, sent to each worker once."""

    columns: list
    estimate: Callable
    k: int | None = None
    packed: Packed | None = None
    heads: np.ndarray | None = None  # per column: its first draw's row of packed (-1: none)
    counts: np.ndarray | None = None  # per column: its number of packed draws

    @classmethod
    def of(cls, columns: list, estimate: Callable, k: int | None) -> ColumnPairs:
        if columns and len(columns[0].raw) >= FUSED_MAX_ROWS:
            k = None  # each pair alone, its kernels on every core
        spaces, heads, counts = [], [], []
        for column in columns:
            numbers = k is not None and column.kind == "numbers"
            heads.append(len(spaces) if numbers else -1)
            counts.append(len(column.spaces) if numbers else 0)
            spaces.extend(column.spaces if numbers else ())
        if not spaces:
            return cls(columns, estimate)
        return cls(
            columns, estimate, k, Packed.of_spaces(spaces), np.array(heads), np.array(counts)
        )

    def values(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """The estimates of the pairs ``(columns[first[t]], columns[second[t]])``, nats."""
        found = np.empty(len(first))
        fused = np.zeros(len(first), dtype=bool)
        if self.packed is not None:
            fused = (self.counts[first] > 0) & (self.counts[second] > 0)
        for t in np.flatnonzero(~fused):
            found[t] = self.estimate(self.columns[first[t]], self.columns[second[t]])
        if fused.any():
            found[fused] = self._fused(first[fused], second[fused])
        return found

    def _fused(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """Pairs of number columns: one KSG per pair of draws (draw ``i`` of each, cycling,
        as :func:`estimators.selection._over_draws`), then their mean."""
        rounds = np.maximum(self.counts[first], self.counts[second])
        if (rounds == 1).all():
            return ksg_pairs(self.packed, self.heads[first], self.heads[second], self.k)
        step = np.concatenate([np.arange(r) for r in rounds])
        pair = np.repeat(np.arange(len(first)), rounds)
        va = self.heads[first][pair] + step % self.counts[first][pair]
        vb = self.heads[second][pair] + step % self.counts[second][pair]
        estimates = ksg_pairs(self.packed, va, vb, self.k)
        starts = np.concatenate(([0], np.cumsum(rounds)[:-1]))
        return np.add.reduceat(estimates, starts) / rounds


def matrix_block(state: ColumnPairs, rows: tuple[int, int]) -> np.ndarray:
    """The estimates of the pairs of :func:`block_pairs` for ``rows`` (a Dask/thread task)."""
    return state.values(*block_pairs(len(state.columns), rows))


def target_block(state: ColumnPairs, span: tuple[int, int]) -> np.ndarray:
    """The estimates of columns ``span[0] .. span[1] - 1`` with the last column (the
    target)."""
    first = np.arange(*span)
    return state.values(first, np.full(len(first), len(state.columns) - 1))


# --------------------------------------------------------------------------------------------
# blocks of pairs
# --------------------------------------------------------------------------------------------


def row_blocks(p: int, target: int) -> list[tuple[int, int]]:
    """Row ranges ``[r0, r1)`` of the upper triangle of a ``p x p`` matrix, each holding
    about ``target`` pairs ``(i, j > i)`` (at least one row)."""
    blocks, start, held = [], 0, 0
    for i in range(p - 1):
        held += p - 1 - i
        if held >= target:
            blocks.append((start, i + 1))
            start, held = i + 1, 0
    if start < p - 1:
        blocks.append((start, p - 1))
    return blocks


def block_pairs(p: int, rows: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The pairs ``(i, j)``, ``r0 <= i < r1``, ``i < j < p``, row by row."""
    r0, r1 = rows
    lengths = p - 1 - np.arange(r0, r1)
    first = np.repeat(np.arange(r0, r1), lengths)
    starts = np.cumsum(lengths) - lengths
    second = np.arange(len(first)) - np.repeat(starts, lengths) + first + 1
    return first, second


def pairs_per_block(total: int, threads: int, n: int, *, cluster: bool = False) -> int:
    """Pairs per block for ``total`` pairs of ``n`` rows on ``threads`` threads: about
    :data:`TASKS_PER_THREAD` blocks per thread, each at most :data:`BLOCK_ROWS` rows of
    work (``x 16`` on a cluster, where each task costs the scheduler ~1 ms), at least one
    pair."""
    cap = max(1, (BLOCK_ROWS * (16 if cluster else 1)) // max(n, 1))
    return max(1, min(cap, math.ceil(total / max(1, threads * TASKS_PER_THREAD))))


# --------------------------------------------------------------------------------------------
# running blocks: threads here, or a Dask cluster
# --------------------------------------------------------------------------------------------

BACKENDS = (None, "threads", "dask")
#: seconds before a progress bar appears (short runs show none)
PROGRESS_DELAY = 2.0


def check_backend(backend, scheduler) -> None:
    if backend not in BACKENDS:
        raise ValueError(f"backend must be None (threads), 'threads' or 'dask'; got {backend!r}")
    if scheduler is not None and backend != "dask":
        raise ValueError(f"scheduler needs backend='dask'; got backend={backend!r}")


def run_blocks(
    function: Callable,
    state,
    plan: Callable[[int], list],
    *,
    n_jobs: int | None = None,
    backend: str | None = None,
    scheduler=None,
    progress: bool = False,
) -> Iterator[tuple[object, object]]:
    """``(block, function(state, block))`` for every block of ``plan(threads)`` (the blocks
    for that many worker threads), in completion order.

    Locally (``backend`` None or ``"threads"``): on ``n_jobs`` threads (joblib's convention:
    None 1, -1 every core); the compiled kernels release the GIL. ``backend="dask"``: on
    the cluster at ``scheduler`` (an address, or a ``distributed.Client``), or on a
    ``LocalCluster`` of ``n_jobs`` worker processes (default: every core) started here and
    closed at the end; ``state`` is sent to every worker once (``Client.scatter``,
    broadcast), then one task per block. ``progress``: a tqdm bar over blocks on stderr.
    """
    check_backend(backend, scheduler)
    if backend == "dask":
        with dask_client(scheduler, n_jobs) as client:
            blocks = plan(max(1, sum(client.nthreads().values())))
            with _bar(len(blocks), progress) as bar:
                yield from _on_dask(client, function, state, blocks, bar)
        return
    from joblib import effective_n_jobs

    threads = effective_n_jobs(n_jobs)  # None: 1, or joblib.parallel_config's n_jobs
    blocks = plan(threads)
    with _bar(len(blocks), progress) as bar:
        yield from _on_threads(function, state, blocks, threads, bar)


@contextlib.contextmanager
def _bar(total: int, progress: bool):
    """A tqdm bar over ``total`` blocks on stderr (a no-op object without ``progress``)."""
    if not progress:
        yield _NoBar()
        return
    from tqdm.auto import tqdm

    with tqdm(total=total, unit="block", file=sys.stderr, delay=PROGRESS_DELAY) as bar:
        yield bar


class _NoBar:
    def update(self, count: int = 1) -> None:
        pass


def _on_threads(function, state, blocks, threads, bar):
    if threads == 1 or len(blocks) <= 1:
        for block in blocks:
            yield block, function(state, block)
            bar.update()
        return
    from joblib import Parallel, delayed

    results = Parallel(n_jobs=threads, backend="threading", return_as="generator_unordered")(
        delayed(_with_block)(function, state, block) for block in blocks
    )
    for item in results:
        yield item
        bar.update()


def _with_block(function, state, block):
    return block, function(state, block)


def _on_dask(client, function, state, blocks, bar):
    from distributed import as_completed

    [shared] = client.scatter([state], broadcast=True, hash=False)
    futures = {client.submit(function, shared, block, pure=False): block for block in blocks}
    try:
        for future in as_completed(futures):
            yield futures[future], future.result()
            future.release()
            bar.update()
    finally:
        client.cancel(list(futures))
        client.cancel([shared])


@contextlib.contextmanager
def dask_client(scheduler, n_jobs: int | None = None):
    """A ``distributed.Client``: of ``scheduler`` (an address: connected here, closed after;
    a ``Client``: used as it is), or of a ``LocalCluster`` of ``n_jobs`` single-threaded
    worker processes (default: every core) started here and closed after."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ImportError(
            "backend='dask' needs dask.distributed: pip install 'infoest[dask]'"
        ) from None
    if isinstance(scheduler, Client):
        yield scheduler
        return
    if scheduler is not None:
        if not isinstance(scheduler, str):
            raise TypeError(
                f"scheduler must be an address such as 'tcp://host:8786' or a "
                f"distributed.Client; got {type(scheduler).__name__}"
            )
        check_scheduler(scheduler)
        with Client(scheduler, timeout=CONNECT_TIMEOUT) as client:
            yield client
        return
    from joblib import effective_n_jobs

    workers = effective_n_jobs(n_jobs) if n_jobs is not None else (os.cpu_count() or 1)
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client
