"""MI networks of wide data: every pair of columns, a p-value per edge, FDR, DPI pruning.

:func:`mutual_info_network` estimates the mutual information of every pair of columns of a
data set, tests each against independence, keeps the edges significant at a false
discovery rate (Benjamini & Hochberg 1995) and can prune them by the data-processing
inequality as ARACNe does (Margolin et al. 2006) — the relevance networks of gene
expression (Butte & Kohane 2000), sensor arrays, the screening of wide tables. It never
holds the dense ``p x p`` matrix: pairs are estimated in blocks (here on threads, or on a
Dask cluster), and only the candidate edges and a histogram of p-values are kept.

**The statistic and its null.** Each column is replaced by the normal scores of its ranks,
``Phi^-1(rank / (n + 1))`` (ties broken at random, below), and a pair's statistic is KSG
(Kraskov, Stögbauer & Grassberger 2004, variant 1, max-norm, ``k`` neighbours) on those
scores, in nats — an estimate of ``I(X; Y)``, which monotone maps of either column leave
unchanged. Under independence the ranks of one column, read in the order of the other's,
are a uniformly random permutation whatever the distributions, so the statistic's null
distribution depends on ``n`` and ``k`` only: it is drawn once (:func:`null_distribution`,
``n_null`` random permutations of the scores against themselves, cached in the process) and
every pair's p-value is read from it, ``p = (1 + #{null >= stat}) / (1 + n_null)`` (Phipson &
Smyth 2010): exact for every pair at no cost per pair. The smallest p-value is
``1 / (1 + n_null)``. ``method="gaussian-copula"``: the statistic ``-log(1 - r^2) / 2`` of
the scores' correlation ``r`` (Ince et al. 2017), the same null argument.

**Ties and kinds of columns.** Each column is read as every function reads it
(:mod:`estimators._reading`). Ties are broken at random before ranking — a uniform draw
within each tied value, i.e. the dequantization of the column — which leaves the mutual
information unchanged (``I((X, U); Y) = I(X; Y)`` for ``U`` independent of everything, and the
ranks are an invertible function of ``(X, U)``) and makes the ranks of any column a uniformly
random permutation under independence, so the same null holds exactly for every kind:
*quantized* columns (dithered within their cells, as everywhere in the library, then
untied), *atoms* (the rows on an atom in random order), *symbols* (integer codes, or the
codes of strings, their rows in random order within each symbol) and incidental ties of
continuous columns. A *constant* column carries no information: its pairs get ``mi = 0``,
``p = 1``. The ``mi`` of a pair with symbols or atoms is the KSG estimate on the dequantized
ranks, consistent but more biased than the per-kind estimators of
:func:`estimators.selection.mutual_info_matrix` (Miller–Madow, Ross, mixed), and its test
less powerful than a plug-in's for symbols with few levels: two binary columns that agree
75 % of the time (0.131 nats), n = 300, 20 seeds: mean ``mi`` 0.117 and p < 0.05 in 90 % of
the seeds with ``n_neighbors=3``, 100 % with 10. Use those estimators for accurate values
of the edges found.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from numbers import Integral, Real

import numba
import numpy as np
from scipy import sparse, special

from exact._checks import check_base, in_base

from ._pairs import Packed, block_pairs, check_backend, ksg_pairs, pairs_per_block, row_blocks
from ._pairs import run_blocks as _run_blocks
from .selection import _check_neighbors, _Preparation, _raw_columns

__all__ = ["DPI_TOLERANCE", "NULL_DRAWS", "mutual_info_network", "null_distribution"]

#: default permutations of the null distribution: p-values down to 1 / 20,001 = 5e-5, so that
#: Benjamini–Hochberg at q = 0.05 can accept an edge whose p-value is the smallest reachable
#: among up to 1,000 pairs, or when at least 2 such edges are among 2,000 pairs (about 2.8 s
#: once per n at n = 500 on one core, then cached)
NULL_DRAWS = 20_000
#: default relative tolerance of the DPI pruning (measured in mutual_info_network's docstring)
DPI_TOLERANCE = 0.1
METHODS = ("auto", "ksg", "gaussian-copula", "copula")
PRUNING = (None, "dpi")
_NULL_SEED = 17  # the null is a fixed table per (method, n, k, n_null): the same in every run
_NULL_CHUNK = 1024  # permutations per task of the null's computation
_TIE_STREAM = 2**32  # the tie-breaking draws of column j: stream _TIE_STREAM + j
_NULL_CACHE_SIZE = 16


def mutual_info_network(
    X,
    *,
    alpha: float = 0.05,
    prune: str | None = None,
    dpi_tolerance: float = DPI_TOLERANCE,
    method: str = "auto",
    n_neighbors: int = 3,
    n_null: int = NULL_DRAWS,
    discrete_features="auto",
    column_kinds="auto",
    base: float = math.e,
    n_jobs: int | None = None,
    backend: str | None = None,
    scheduler=None,
    progress: bool = False,
    random_state=None,
):
    """The significant edges of the mutual-information network of the columns of ``X``.

    Every pair of columns ``(i, j)`` gets a statistic ``mi`` (KSG on the normal scores of
    the ranks, see the module docstring), a p-value against independence from the null
    distribution of that statistic, ``p = (1 + #{null >= mi}) / (1 + n_null)`` (Phipson &
    Smyth 2010), and a Benjamini–Hochberg (1995) q-value over all ``m = p (p - 1) / 2``
    pairs, ``q_(r) = min_{s >= r} min(1, p_(s) m / s)`` for the p-values in ascending order;
    the edges with ``q <= alpha`` are returned, which controls the false discovery rate at
    ``alpha`` (for independent or positively dependent tests).

    Parameters
    ----------
    X : array_like or pandas.DataFrame, shape (n_samples, n_features)
        The data; a DataFrame keeps each column's dtype (strings: symbols).
    alpha : float in (0, 1]
        The false discovery rate: edges with ``qvalue <= alpha``; 1.0 returns every pair.
    prune : None or "dpi"
        ``"dpi"``: the data-processing-inequality pruning of ARACNe (Margolin et al. 2006).
        In every triangle of kept edges ``(i, j, k)`` the edge ``(i, j)`` is dropped when
        ``mi_ij < (1 - dpi_tolerance) min(mi_ik, mi_jk)``: by the DPI, ``I(X_i; X_j) <=
        min(I(X_i; X_k), I(X_k; X_j))`` when ``X_i - X_k - X_j`` is a Markov chain, so the
        weakest edge of a triangle is read as indirect. Every removal is decided on the
        unpruned edges, so the result does not depend on an order. A chain is then found
        as a chain; edges of genuine three-way loops whose weakest edge is weaker by more
        than the tolerance are lost with the indirect ones.
    dpi_tolerance : float in [0, 1)
        The relative margin of the DPI test (ARACNe's tolerance): larger
        keeps more edges whose estimates are close to the triangle's others (estimation
        noise), smaller removes more indirect ones. On the chain of the tests (20 columns,
        n = 400, 4 seeds; 66-89 of the 171 indirect pairs significant before pruning), 0 to
        0.1 keep the 19 chain edges and leave 1 indirect pair, 0.15-0.2 leave 1-2, 0.3
        leaves 5-6; 0.1 the default.
    method : "auto", "ksg", "gaussian-copula" or "copula"
        The statistic: ``"auto"``/``"ksg"`` KSG on the normal scores (any dependence);
        ``"gaussian-copula"``/``"copula"`` ``-log(1 - r^2) / 2`` of their correlation
        (monotone dependence only; p = 1,000, n = 500 on 2 cores: 0.35 s against 41 s).
    n_neighbors : int
        ``k`` of KSG.
    n_null : int
        Permutations drawn for the null distribution. The smallest p-value is
        ``1 / (1 + n_null)``: with ``m`` pairs, ``K`` edges at that floor pass BH at
        ``alpha`` only if ``m / (K (1 + n_null)) <= alpha``; raise ``n_null`` for a sparse
        network over many pairs (cost linear in ``n_null``, once per ``n`` and process).
    discrete_features, column_kinds :
        How columns are read, as in :func:`estimators.selection.mutual_info_scores`.
    base : float
        Logarithm base of ``mi`` (``math.e``: nats, 2: bits).
    n_jobs : int or None
        Threads (joblib's convention: None 1, -1 every core); with ``backend="dask"`` and no
        ``scheduler``, the worker processes of the local cluster (None: every core).
    backend, scheduler :
        ``backend="dask"``: the columns are ranked here once, sent to every worker once, and
        the pairs estimated there in blocks of rows of the (never built) matrix; each block
        sends back only its candidate edges (``p <= alpha``) and a histogram of its
        p-values. ``scheduler``: an address or ``distributed.Client``; None starts a
        ``LocalCluster`` and closes it. The null is drawn here (on ``n_jobs`` threads),
        once per ``n``. The edges equal the local run's.
    progress : bool
        A progress bar over blocks on stderr (tqdm).
    random_state : int, numpy.random.Generator or None
        Seeds the tie-breaking (and the dithers of quantized columns); untied continuous
        columns do not depend on it. The null is a fixed table per ``(n, k, n_null)``.

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``target`` (labels of a DataFrame's columns, integer positions
        otherwise; ``source`` before ``target`` in ``X``), ``mi`` (units of ``base``; as
        estimated, may be slightly negative for independent pairs at ``alpha=1``),
        ``pvalue``, ``qvalue``; one row per edge, sorted by ``mi`` descending.

    Notes
    -----
    Cost: ``O(p n log n)`` to rank the columns, the null once per ``(n, k, n_null)``
    (``n_null`` pair estimates, cached in the process), then one pair estimate per pair,
    ``O(n (c + log n))`` each (``c`` the rows in the grid cells searched), about 0.1-0.2 ms
    at n = 500 on one core; the DPI ``O(sum over edges of the endpoints' degrees)``.

    Memory: ``16 n p`` bytes for the ranked columns (values and orders), ``8 n_null`` for the
    null and its histogram, and 20 bytes per candidate pair (``p <= alpha``: about
    ``alpha m`` under independence, all ``m`` at ``alpha=1``) — never the dense ``p x p``
    matrix (Benjamini–Hochberg needs only how many pairs have each of the ``n_null + 1``
    possible p-values).
    """
    alpha = _check_alpha(alpha)
    prune, tolerance = _check_prune(prune, dpi_tolerance)
    method = _check_method(method)
    n_null = _check_n_null(n_null, alpha)
    check_base(base)
    check_backend(backend, scheduler)
    _check_neighbors(n_neighbors)
    if sparse.issparse(X):
        raise TypeError(
            "mutual_info_network needs a dense X (array or DataFrame); for a sparse X of "
            "symbols use estimators.selection.mutual_info_matrix"
        )
    orders, constant, labels = _ranked_columns(
        X, discrete_features, column_kinds, n_neighbors, random_state
    )
    p, n = orders.shape
    null = null_distribution(
        n, n_neighbors=n_neighbors, n_null=n_null, method=method, n_jobs=n_jobs
    )
    state = _state(method, n_neighbors, orders, constant, null, alpha)
    found, histogram = [], np.zeros(n_null + 1, dtype=np.int64)
    total = p * (p - 1) // 2
    for _, (first, second, stats, counts, levels, frequencies) in _run_blocks(
        _network_block,
        state,
        lambda threads: row_blocks(
            p, pairs_per_block(total, threads, n, cluster=backend == "dask")
        ),
        n_jobs=n_jobs,
        backend=backend,
        scheduler=scheduler,
        progress=progress,
    ):
        found.append((first, second, stats, counts))
        histogram[levels] += frequencies
    first, second, stats, counts = (np.concatenate(parts) for parts in zip(*found, strict=True))
    qvalues = benjamini_hochberg(histogram)
    kept = qvalues[counts] <= alpha
    first, second, stats, counts = first[kept], second[kept], stats[kept], counts[kept]
    if prune == "dpi":
        direct = ~dpi_indirect(first, second, stats, tolerance)
        first, second, stats, counts = first[direct], second[direct], stats[direct], counts[direct]
    order = np.lexsort((second, first, -stats))
    first, second, stats, counts = first[order], second[order], stats[order], counts[order]
    return _frame(labels, first, second, in_base(stats, base), counts, qvalues, n_null)


# --------------------------------------------------------------------------------------------
# the null distribution
# --------------------------------------------------------------------------------------------

_NULLS: OrderedDict = OrderedDict()
_NULLS_LOCK = threading.Lock()


def null_distribution(
    n: int,
    *,
    n_neighbors: int = 3,
    n_null: int = NULL_DRAWS,
    method: str = "auto",
    n_jobs: int | None = None,
) -> np.ndarray:
    """The null distribution of :func:`mutual_info_network`'s statistic for ``n`` rows:
    the statistic of the normal scores against ``n_null`` random permutations of
    themselves (two independent columns' ranks), sorted ascending, in nats.

    A fixed table per ``(method, n, k, n_null)`` (seeded permutations, drawn in chunks
    on ``n_jobs`` threads: the same whatever ``n_jobs``), cached in the process (the last
    16). Cost ``n_null`` pair estimates: about 2.8 s at n = 500 and the default
    ``n_null`` on one core for KSG. Read-only array.
    """
    method = _check_method(method)
    if isinstance(n, bool) or not isinstance(n, Integral) or n < 3:
        raise ValueError(f"n must be an integer of at least 3 rows; got {n!r}")
    _check_neighbors(n_neighbors)
    n_null = _check_n_null(n_null, 1.0)
    if method == "ksg" and n <= n_neighbors:
        raise ValueError(f"n = {n} rows: KSG needs more rows than n_neighbors = {n_neighbors}")
    k = n_neighbors if method == "ksg" else 0
    key = (method, int(n), int(k), int(n_null), _NULL_SEED)
    with _NULLS_LOCK:
        if key in _NULLS:
            _NULLS.move_to_end(key)
            return _NULLS[key]
    from joblib import Parallel, delayed

    chunks = [(lo, min(lo + _NULL_CHUNK, n_null)) for lo in range(0, n_null, _NULL_CHUNK)]
    parts = Parallel(n_jobs=n_jobs, backend="threading")(
        delayed(_null_chunk)(method, int(n), k, lo, hi) for lo, hi in chunks
    )
    null = np.sort(np.concatenate(parts))
    null.setflags(write=False)
    with _NULLS_LOCK:
        _NULLS[key] = null
        while len(_NULLS) > _NULL_CACHE_SIZE:
            _NULLS.popitem(last=False)
    return null


def _null_chunk(method: str, n: int, k: int, lo: int, hi: int) -> np.ndarray:
    """Null statistics ``lo .. hi - 1``: draw ``i`` from the permutation of its chunk's
    stream (chunks of :data:`_NULL_CHUNK`)."""
    rng = np.random.default_rng([_NULL_SEED, n, k, lo // _NULL_CHUNK])
    perms = rng.permuted(np.tile(np.arange(n), (hi - lo, 1)), axis=1)
    scores = _scores(n)
    if method == "gaussian-copula":
        unit = _unit(scores)
        return _copula_statistic(unit[perms] @ unit)
    orders = np.vstack((np.arange(n), perms))
    packed = Packed.of_ranks(scores, orders)
    return ksg_pairs(packed, np.zeros(hi - lo, np.int64), np.arange(1, hi - lo + 1), k)


def _scores(n: int) -> np.ndarray:
    """The normal scores ``Phi^-1(r / (n + 1))``, ``r = 1 .. n`` (ascending)."""
    return special.ndtri(np.arange(1, n + 1) / (n + 1))


def _unit(values: np.ndarray) -> np.ndarray:
    """Centred and scaled to unit norm along the last axis (correlations are dot products)."""
    centred = values - values.mean(axis=-1, keepdims=True)
    return centred / np.linalg.norm(centred, axis=-1, keepdims=True)


def _copula_statistic(r: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return -0.5 * np.log1p(-np.minimum(r * r, 1.0))


# --------------------------------------------------------------------------------------------
# ranked columns, blocks of pairs
# --------------------------------------------------------------------------------------------


def _ranked_columns(X, discrete_features, column_kinds, n_neighbors, random_state):
    """``(orders, constant, labels)``: each column's sorting permutation ``(p, n)`` after its
    reading (quantized columns dithered) with ties broken at random, which columns are
    constant, and the column labels (None: positions)."""
    preparation = _Preparation.of(1, random_state)
    raw, messages, specs, _ = _raw_columns(X, "X", discrete_features, column_kinds)
    labels = list(X.columns) if hasattr(X, "columns") and hasattr(X, "dtypes") else None
    p, n = len(raw), len(raw[0])
    if p < 2:
        raise ValueError(f"X has {p} column; a network needs at least 2")
    if n <= n_neighbors or n < 3:
        raise ValueError(
            f"X has n_samples = {n}; the network's estimator needs at least 3 samples and more "
            f"than n_neighbors = {n_neighbors}"
        )
    orders = np.empty((p, n), dtype=np.int64)
    constant = np.zeros(p, dtype=bool)
    for j, (column, message, spec) in enumerate(zip(raw, messages, specs, strict=True)):
        prepared = preparation.column(column[:, 0], message, spec, j)
        constant[j] = prepared.kind == "constant"
        ties = preparation.rng(_TIE_STREAM + j).random(n)
        orders[j] = np.lexsort((ties, prepared.values))
    return orders, constant, labels


@dataclass(eq=False)
class _NetworkState:
    """What a worker needs for a block of pairs (sent once)."""

    method: str
    k: int
    constant: np.ndarray
    null: np.ndarray
    keep: int  # candidate pairs: #{null >= stat} at most this (p <= alpha)
    packed: Packed | None = None  # ksg: the normal scores of the ranks
    unit: np.ndarray | None = None  # gaussian-copula: the scores centred, unit norm


def _state(method, k, orders, constant, null, alpha) -> _NetworkState:
    n_null = len(null)
    keep = math.floor(alpha * (1 + n_null) - 1 + 1e-9)
    scores = _scores(orders.shape[1])
    state = _NetworkState(method, k, constant, null, keep)
    if method == "ksg":
        state.packed = Packed.of_ranks(scores, orders)
    else:
        ranks = np.empty_like(orders)
        np.put_along_axis(ranks, orders, np.arange(orders.shape[1])[None, :], axis=1)
        state.unit = _unit(scores)[ranks]
    return state


def _network_block(state: _NetworkState, rows: tuple[int, int]):
    """The candidate edges of the pairs of ``rows`` (``p <= alpha``: ``first, second, mi,
    count``, ``count = #{null >= mi}``) and the histogram of every pair's count there
    (``levels, frequencies``)."""
    p = len(state.constant)
    first, second = block_pairs(p, rows)
    stats = np.zeros(len(first))
    varying = ~(state.constant[first] | state.constant[second])
    if state.method == "ksg":
        stats[varying] = ksg_pairs(state.packed, first[varying], second[varying], state.k)
    else:
        r0, r1 = rows
        products = state.unit[r0:r1] @ state.unit[r0 + 1 :].T
        r = np.concatenate([products[i - r0, i - r0 :] for i in range(r0, r1)])
        stats[varying] = _copula_statistic(r[varying])
    n_null = len(state.null)
    counts = n_null - np.searchsorted(state.null, stats, side="left")
    counts[~varying] = n_null  # a constant column: p = 1
    levels, frequencies = np.unique(counts, return_counts=True)
    kept = counts <= state.keep
    return (
        first[kept].astype(np.int32),
        second[kept].astype(np.int32),
        stats[kept],
        counts[kept].astype(np.int32),
        levels,
        frequencies,
    )


# --------------------------------------------------------------------------------------------
# false discovery rate, pruning, the table
# --------------------------------------------------------------------------------------------


def benjamini_hochberg(histogram: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg (1995) q-values by count level: ``histogram[c]`` pairs have
    ``#{null >= stat} = c``, i.e. p-value ``(1 + c) / (1 + n_null)``; returns the q-value of
    each level, ``q(c) = min_{c' >= c} min(1, p(c') m / C(c'))`` with ``C(c')`` the pairs at
    levels ``<= c'`` (the largest rank of a tied p-value, which is what BH's step-up uses).
    Memory ``O(n_null)``, whatever the number of pairs."""
    n_levels = len(histogram)
    m = histogram.sum()
    ranks = np.cumsum(histogram)
    pvalues = np.arange(1, n_levels + 1) / n_levels
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(ranks > 0, pvalues * m / np.maximum(ranks, 1), np.inf)
    return np.minimum(np.minimum.accumulate(ratio[::-1])[::-1], 1.0)


def dpi_indirect(
    first: np.ndarray, second: np.ndarray, mi: np.ndarray, tolerance: float = DPI_TOLERANCE
) -> np.ndarray:
    """Which edges ARACNe's data-processing inequality (Margolin et al. 2006) marks indirect:
    edge ``(i, j)`` with ``mi_ij < (1 - tolerance) min(mi_ik, mi_jk)`` for some ``k``
    joined to both. Decided on the given edges all at once (no order). Cost
    ``O(sum over edges of deg(i) + deg(j))`` by merging sorted neighbour lists; memory
    ``O(edges)``."""
    if len(first) == 0:
        return np.zeros(0, dtype=bool)
    nodes = int(max(first.max(), second.max())) + 1
    rows = np.concatenate((first, second))
    cols = np.concatenate((second, first))
    weights = np.concatenate((mi, mi))
    adjacency = sparse.csr_array((weights, (rows, cols)), shape=(nodes, nodes))
    adjacency.sort_indices()
    return _dpi_indirect(
        adjacency.indptr.astype(np.int64),
        adjacency.indices.astype(np.int64),
        adjacency.data.astype(np.float64),
        first.astype(np.int64),
        second.astype(np.int64),
        mi.astype(np.float64),
        1.0 - tolerance,
    )


@numba.njit(cache=True)
def _dpi_indirect(indptr, indices, weights, first, second, mi, factor):
    indirect = np.zeros(first.shape[0], dtype=np.bool_)
    for e in range(first.shape[0]):
        a, a_end = indptr[first[e]], indptr[first[e] + 1]
        b, b_end = indptr[second[e]], indptr[second[e] + 1]
        while a < a_end and b < b_end:
            if indices[a] < indices[b]:
                a += 1
            elif indices[b] < indices[a]:
                b += 1
            else:
                if mi[e] < factor * min(weights[a], weights[b]):
                    indirect[e] = True
                    break
                a += 1
                b += 1
    return indirect


def _frame(labels, first, second, mi, counts, qvalues, n_null):
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("mutual_info_network returns a DataFrame: pip install pandas") from None
    if labels is None:
        source, target = first.astype(np.int64), second.astype(np.int64)
    else:
        named = np.empty(len(labels), dtype=object)
        named[:] = labels
        source, target = named[first], named[second]
    return pd.DataFrame(
        {
            "source": source,
            "target": target,
            "mi": np.asarray(mi, dtype=np.float64),
            "pvalue": (1.0 + counts) / (1.0 + n_null),
            "qvalue": qvalues[counts],
        }
    )


# --------------------------------------------------------------------------------------------
# arguments
# --------------------------------------------------------------------------------------------


def _check_alpha(alpha) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, Real):
        raise TypeError(f"alpha must be a number in (0, 1]; got {alpha!r}")
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha must lie in (0, 1]; got {alpha!r}")
    return float(alpha)


def _check_prune(prune, tolerance) -> tuple[str | None, float]:
    if prune not in PRUNING:
        raise ValueError(f"prune must be None or 'dpi'; got {prune!r}")
    if isinstance(tolerance, bool) or not isinstance(tolerance, Real):
        raise TypeError(f"dpi_tolerance must be a number in [0, 1); got {tolerance!r}")
    if not 0 <= tolerance < 1:
        raise ValueError(f"dpi_tolerance must lie in [0, 1); got {tolerance!r}")
    return prune, float(tolerance)


def _check_method(method) -> str:
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(
            f"method for a network must be one of {', '.join(map(repr, METHODS))} (statistics "
            f"whose null depends only on n); got {method!r}"
        )
    return {"auto": "ksg", "copula": "gaussian-copula"}.get(method, method)


def _check_n_null(n_null, alpha: float) -> int:
    if isinstance(n_null, bool) or not isinstance(n_null, Integral) or n_null < 1:
        raise ValueError(f"n_null must be a positive integer; got {n_null!r}")
    if 1 / (n_null + 1) > alpha:
        raise ValueError(
            f"n_null = {n_null} cannot reach a p-value at or below alpha = {alpha}: the "
            f"smallest is 1 / (n_null + 1); use at least {math.ceil(1 / alpha - 1)}"
        )
    return int(n_null)
