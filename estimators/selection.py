"""Mutual information of a data set's columns, and feature selection by it.

- :func:`mutual_info_scores`: ``I(X_j; y)`` for every column ``X_j`` — a drop-in
  ``score_func`` for ``sklearn.feature_selection.SelectKBest``;
- :func:`mutual_info_matrix`: the symmetric matrix ``I(X_i; X_j)`` of all column pairs;
- :class:`MutualInfoSelector`: greedy forward selection by the criteria surveyed by Brown,
  Pocock, Zhao & Luján (2012): MIM, MIFS (Battiti 1994), mRMR (Peng, Long & Ding 2005),
  JMI (Yang & Moody 1999), CMIM (Fleuret 2004) and DISR (Meyer, Schretter & Bontempi 2008).

Each column is read once, as every public function reads it (:mod:`estimators._reading`;
``discrete_features`` or ``column_kinds`` override): *symbols* (bool, string, categorical,
integer codes with few levels), *quantized* numbers (values on a regular grid: rounded
measurements, intensities), numbers with *atoms* (zero-inflated, censored), *continuous*
numbers, or *constant*. A quantized column is estimated as the dequantized variable: each
value plus a uniform draw within its cell (``n_dithers`` draws, a pair's estimate their
mean), so ``I(Q1 + U1; Q2 + U2) = I(Q1; Q2)`` exactly. With ``method="auto"`` the pair of
kinds picks the estimator:

=============================  =============================================================
pair                           estimator (nats)
=============================  =============================================================
a constant column              exactly 0: a constant carries no information
symbols, symbols               Miller–Madow plug-in (:mod:`estimators.discrete`)
numbers, symbols               Ross (2014), scikit-learn's ``mutual_info_classif`` estimator
numbers, numbers               KSG (Kraskov, Stögbauer & Grassberger 2004, variant 1), as
                               ``mutual_info_regression``
atoms, any                     the mixed-kind estimator (Gao et al. 2017 with the atoms kept
                               apart, :func:`estimators.knn.mixed_kind_mutual_information`)
=============================  =============================================================

(*numbers*: continuous or quantized.) Values are divided by their standard deviation (as
scikit-learn does) and no fixed noise is added: scikit-learn's jitter of 1e-10 is at the
resolution of float64 for heavily tied columns (its issue #30772: 0.215 nats for a constant
column against ``H(y) = 0.001``), where a dither spans the column's own cells. Ties that
remain (incidental ties of continuous columns) follow Gao, Kannan, Oh & Viswanath's (2017)
rule: a row whose k-th neighbour is at distance 0 sits on an atom, and its ``k`` and its
counts become the numbers of rows sharing its value. On untied data the values equal
scikit-learn's to rounding, before its clipping at 0 (ours are returned as computed: a
small negative value is estimator bias).

Per-column work is done once and shared by every pair: each column is standardised, sorted
and bucket-indexed, or coded if discrete. Ross: the neighbours of a row among its label are
found by a merge in the sorted order (the rows grouped by label with a counting sort). KSG:
the joint neighbours come from the shared quantile-grid search (cells from the columns'
ranks) and the radius counts from searches on each column's sorted values
(:mod:`estimators._neighbors`, :mod:`estimators._kernels`), exact at the radius. The kernels
are compiled with numba and release the GIL; pairs run on ``n_jobs`` threads in blocks,
below 32,768 rows one compiled call per block of pairs of numbers
(:mod:`estimators._pairs`), or on a Dask cluster (``backend="dask"``). Cost per pair
``O(n (c + log n))``, ``c`` the rows in the few grid cells searched (a handful for
continuous data; where one column concentrates on a large atom the search falls back to a
KD-tree); memory ``O(n)`` per column and per running pair, never ``n x n``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.feature_selection import SelectorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from exact._checks import check_base, in_base
from exact._random import as_generator

from . import _api
from ._api import DEFAULT_DITHERS, check_dithers
from ._inputs import as_samples, check_same_length, standardized, symbol_codes
from ._neighbors import PreparedSpace, sorted_space
from ._pairs import (
    ColumnPairs,
    block_pairs,
    check_backend,
    matrix_block,
    pairs_per_block,
    row_blocks,
    run_blocks,
    target_block,
)
from ._reading import KINDS, ColumnReading, column_specs, dequantize, read_sample
from ._registry import lookup
from ._sparse import (
    SparseSymbols,
    joint_relevance,
    mutual_info_with_labels,
    pair_mutual_information,
    prepare_labels,
)
from .gaussian import normal_scores
from .independence import permutation_pvalue
from .knn import (
    FewStratifiedRows,
    gao_mutual_information,
    labelled_conditional_mutual_information,
    labelled_mutual_information,
    mixed_kind_conditional_mutual_information,
    mixed_kind_mutual_information,
)

__all__ = [
    "CRITERIA",
    "MutualInfoSelector",
    "mutual_info_matrix",
    "mutual_info_network",
    "mutual_info_scores",
]

#: the greedy criteria of :class:`MutualInfoSelector`
CRITERIA = ("mim", "mifs", "mrmr", "jmi", "cmim", "disr")
#: :class:`MutualInfoSelector`'s default ``n_neighbors``: a ranking gains from the lower
#: variance of a larger k (the scores' functions keep scikit-learn's 3)
SELECTOR_NEIGHBORS = 8
_KNN_METHODS = ("ksg", "ross", "mixed")


# --------------------------------------------------------------------------------------------
# public functions
# --------------------------------------------------------------------------------------------


def mutual_info_scores(
    X,
    y,
    method: str = "auto",
    *,
    discrete_features="auto",
    discrete_target: bool | None = None,
    column_kinds="auto",
    target_kind="auto",
    n_neighbors: int = 3,
    n_dithers: int = DEFAULT_DITHERS,
    base: float = math.e,
    n_jobs: int | None = None,
    random_state=None,
    backend: str | None = None,
    scheduler=None,
    progress: bool = False,
) -> np.ndarray:
    """Mutual information ``I(X_j; y)`` of each column of ``X`` with the target ``y``.

    Parameters
    ----------
    X : array_like or pandas.DataFrame, shape (n_samples, n_features)
        The features; a DataFrame keeps each column's dtype (strings: discrete).
    y : array_like, shape (n_samples,)
        The target.
    method : str
        ``"auto"`` (the estimator by pair of column kinds, see the module docstring), or any
        method of :func:`estimators.mutual_information` applied to every column.
    discrete_features : "auto", bool or array_like
        As scikit-learn's: ``"auto"`` reads every column (see the module docstring); a
        bool for all columns, or a boolean mask / indices of the discrete ones (symbols;
        the others are read as numbers, integer codes included).
    discrete_target : bool or None
        None: ``y`` is read like a column (``target_kind``); True: symbols; False: numbers.
    column_kinds : "auto", str, number, sequence or dict
        How to read the columns, instead of ``discrete_features``: a spec of
        :func:`estimators.entropy`'s ``column_kinds`` (``"symbols"``, ``"quantized"``,
        ``"atoms"``, ``"continuous"``, or a resolution) for every column, one per column,
        or a dict from column (name for a DataFrame, else index) to spec.
    target_kind : "auto", str or number
        How to read ``y``, a spec as for one column (instead of ``discrete_target``).
    n_neighbors : int
        ``k`` of the k-NN estimators (scikit-learn's ``n_neighbors``).
    n_dithers : int
        Dithered draws of each quantized column; a pair's estimate is their mean.
    base : float
        Logarithm base of the result's unit (``math.e``: nats, 2: bits).
    n_jobs : int or None
        Threads over columns (joblib; None: 1, -1: all cores); with ``backend="dask"`` and
        no ``scheduler``, the worker processes of the local cluster (None: every core).
    random_state : int, numpy.random.Generator or None
        Seeds the dithers of quantized columns (and an explicit method's randomness).
    backend : None, "threads" or "dask"
        Where the columns are estimated: threads of this process (None, ``"threads"``), or
        a Dask cluster (``"dask"``): the columns are read and prepared here once, sent to
        every worker once, and estimated there in blocks; the numbers equal the local
        run's. Needs ``dask[distributed]`` (``pip install 'infoest[dask]'``).
    scheduler : str, distributed.Client or None
        With ``backend="dask"``: the address of a running scheduler (``"tcp://host:8786"``;
        its workers must be able to import infoest) or a client; None starts a
        ``dask.distributed.LocalCluster`` for the call and closes it after.
    progress : bool
        A progress bar over blocks of columns on stderr (tqdm).

    Returns
    -------
    numpy.ndarray, shape (n_features,)
        In units of ``base``, as estimated (not clipped at 0).

    Notes
    -----
    ``SelectKBest(mutual_info_scores, k=...)`` ranks by it. Cost: ``O(n log n)`` per column
    to prepare, then one 1+1-D estimate per column (see the module docstring).
    """
    check_base(base)
    check_backend(backend, scheduler)
    preparation = _Preparation.of(n_dithers, random_state)
    X = _symbols_or_dense(X)
    if sparse.issparse(X):
        scores = _sparse_scores(
            X, y, method, _target_spec(discrete_target, target_kind), n_neighbors, preparation
        )
        return in_base(scores, base)
    columns, _ = _prepared_columns(
        X, "X", discrete_features, column_kinds, n_neighbors, preparation
    )
    target_spec = _target_spec(discrete_target, target_kind)
    target = _prepared_target(y, len(columns[0].raw), target_spec, preparation)
    estimate = _pair_estimator(method, n_neighbors, random_state, preparation.n_dithers)
    state = ColumnPairs.of([*columns, target], estimate, n_neighbors if method == "auto" else None)
    scores = np.empty(len(columns))
    for (lo, hi), found in run_blocks(
        target_block,
        state,
        lambda threads: _column_spans(len(columns), threads, len(target.raw), backend),
        n_jobs=n_jobs,
        backend=backend,
        scheduler=scheduler,
        progress=progress,
    ):
        scores[lo:hi] = found
    return in_base(scores, base)


def mutual_info_matrix(
    X,
    method: str = "auto",
    *,
    discrete_features="auto",
    column_kinds="auto",
    n_neighbors: int = 3,
    n_dithers: int = DEFAULT_DITHERS,
    base: float = math.e,
    n_jobs: int | None = None,
    random_state=None,
    backend: str | None = None,
    scheduler=None,
    progress: bool = False,
):
    """The symmetric matrix of pairwise mutual information ``I(X_i; X_j)`` between columns.

    Parameters as :func:`mutual_info_scores` (``backend="dask"``: the pairs go to the
    workers in blocks of rows of the matrix). With ``method="gaussian-copula"`` the whole
    matrix comes from one correlation matrix of the columns' normal scores (Ince et al.
    2017): ``I_ij = -log(1 - r_ij^2) / 2``, computed here whatever ``backend``. For edges
    with p-values, without the dense matrix, see :func:`mutual_info_network`.

    Returns
    -------
    numpy.ndarray or pandas.DataFrame, shape (n_features, n_features)
        A DataFrame labelled by the columns for DataFrame input. The diagonal is NaN: a
        column's MI with itself is its entropy, infinite for continuous data (use
        :func:`estimators.entropy`).

    Notes
    -----
    Every column is prepared once (standardised, sorted, coded) and the ``d (d - 1) / 2``
    pairs reuse that work, on ``n_jobs`` threads, in blocks of rows of the matrix (about 8
    per thread, at most ``2^20 / n`` pairs each): with ``method="auto"`` each block's pairs
    of number columns are estimated by one compiled call
    (:func:`estimators._pairs.ksg_pairs`; 2.5x less time a pair at n = 500 than a call
    per pair, the same numbers to 1e-14). Memory ``O(n d)`` and the ``d x d`` result.
    """
    check_base(base)
    check_backend(backend, scheduler)
    preparation = _Preparation.of(n_dithers, random_state)
    X = _symbols_or_dense(X)
    if sparse.issparse(X):
        return in_base(_sparse_matrix(X, method), base)
    columns, names = _prepared_columns(
        X, "X", discrete_features, column_kinds, n_neighbors, preparation
    )
    d = len(columns)
    if method in ("gaussian-copula", "copula"):
        values = _copula_matrix(columns)
    else:
        estimate = _pair_estimator(method, n_neighbors, random_state, preparation.n_dithers)
        state = ColumnPairs.of(columns, estimate, n_neighbors if method == "auto" else None)
        n_rows = len(columns[0].raw)
        values = np.full((d, d), np.nan)
        for rows, found in run_blocks(
            matrix_block,
            state,
            lambda threads: row_blocks(
                d, pairs_per_block(d * (d - 1) // 2, threads, n_rows, cluster=backend == "dask")
            ),
            n_jobs=n_jobs,
            backend=backend,
            scheduler=scheduler,
            progress=progress,
        ):
            first, second = block_pairs(d, rows)
            values[first, second] = values[second, first] = found
    np.fill_diagonal(values, np.nan)
    values = in_base(values, base)
    if names is None:
        return values
    import pandas as pd

    return pd.DataFrame(values, index=names, columns=names)


# --------------------------------------------------------------------------------------------
# the selector
# --------------------------------------------------------------------------------------------


class MutualInfoSelector(SelectorMixin, BaseEstimator):
    """Greedy forward feature selection by mutual information (Brown et al. 2012).

    The first feature maximises the relevance ``I(X_k; y)``; each next one maximises the
    criterion over the features not yet selected (``S`` the selected set):

    - ``"mim"``: ``I(X_k; y)`` (univariate ranking);
    - ``"mifs"``: ``I(X_k; y) - beta sum_{j in S} I(X_k; X_j)`` (Battiti 1994);
    - ``"mrmr"``: ``I(X_k; y) - mean_{j in S} I(X_k; X_j)`` (Peng, Long & Ding 2005). The
      difference scores a feature unrelated to everything about 0, so once the remaining
      useful features are more redundant than relevant (features correlated within
      classes), it prefers noise: set ``alpha`` to keep irrelevant features out;
    - ``"jmi"``: ``sum_{j in S} I(X_k; y | X_j)``, equivalent to
      ``sum_j I(X_k, X_j; y)`` (Yang & Moody 1999);
    - ``"cmim"``: ``min_{j in S} I(X_k; y | X_j)`` (Fleuret 2004);
    - ``"disr"``: ``sum_{j in S} I(X_k, X_j; y) / H(X_k, X_j, y)`` (Meyer et al. 2008);
      discrete features and target only (the normaliser of continuous data would be a
      differential entropy, which can be negative).

    Relevance and redundancy come from :func:`mutual_info_scores` and the pairwise machinery
    of :func:`mutual_info_matrix` (only the rows of selected features are computed).
    Conditional MI for a discrete target is Frenzel–Pompe's estimator with the label as a
    coordinate (:func:`estimators.knn.labelled_conditional_mutual_information`; tied rows by
    Gao et al.'s rule on atoms, deterministic), or ``I(X_k, X_j; y) - I(X_j; y)`` by the
    Miller–Madow plug-in if both features are discrete; for a continuous target it is
    Frenzel–Pompe (``"ksg"``; ``"mixed"`` with ties or discrete features).

    Parameters
    ----------
    n_features : int
        How many features to select (all of them, with a warning, if there are fewer).
    criterion : str
        One of :data:`CRITERIA`.
    method : str
        The estimator of relevance and redundancy, as in :func:`mutual_info_scores`.
    n_neighbors : int
        ``k`` of the k-NN estimators, default :data:`SELECTOR_NEIGHBORS` (8; the scores'
        functions use scikit-learn's 3). A selector compares estimates: a larger ``k``
        lowers the variance of each (Kraskov, Stögbauer & Grassberger 2004) at the price
        of a bias toward 0 that grows with the dependence, and for ranking and testing the
        variance matters more (Runge 2018 recommends ``k`` far above 3 for tests of
        conditional MI). Measured: ``experiments.selection_cv`` (``--neighbors``) and
        ``experiments.selection_recovery``; see the README's selection section.
    discrete_features, column_kinds, target_kind, n_dithers :
        How columns and the target are read, as in :func:`mutual_info_scores`.
    beta : float
        The redundancy weight of ``"mifs"``.
    n_jobs : int or None
        Threads (joblib) over candidate features.
    random_state : int, numpy.random.Generator or None
        Seeds the dithers of quantized columns and the permutations of ``alpha``.
    alpha : float or None
        With a level (e.g. 0.05), only features whose relevance is significant are
        selected: each ``I(X_k; y)`` is tested against ``n_permutations`` permutations of
        ``y`` (:func:`estimators.independence.permutation_pvalue`), and features with a
        p-value ``>= alpha`` are never picked (fewer than ``n_features`` may be selected,
        with a warning). None: no test.
    n_permutations : int
        Permutations per feature for ``alpha``; the smallest p-value is
        ``1 / (n_permutations + 1)``, so it must exceed ``1 / alpha - 1``.

    Attributes
    ----------
    scores_ : ndarray, shape (n_features_in_,)
        Relevance ``I(X_k; y)`` of every feature, nats.
    ranking_ : ndarray, shape (n_features_in_,)
        1 for the first selected feature, 2 for the second, ...; the unselected ones follow
        in the order of their criterion value at the last step.
    selected_ : ndarray
        Indices of the selected features, in selection order.
    criterion_values_ : ndarray
        The criterion value with which each selected feature was chosen.
    pvalues_ : ndarray or None
        With ``alpha``: the permutation p-value of every feature's relevance.
    n_features_in_, feature_names_in_ :
        As every scikit-learn estimator.

    Notes
    -----
    Cost: ``d`` relevance estimates (``d (n_permutations + 1)`` with ``alpha``), then per
    selected feature one redundancy or conditional estimate per remaining candidate:
    ``O(n_features * d)`` estimates of ``O(n log n)`` each. ``get_feature_names_out`` keeps
    pandas column names.
    """

    def __init__(
        self,
        n_features: int = 10,
        criterion: str = "jmi",
        method: str = "auto",
        *,
        n_neighbors: int = SELECTOR_NEIGHBORS,
        discrete_features="auto",
        column_kinds="auto",
        target_kind="auto",
        n_dithers: int = DEFAULT_DITHERS,
        beta: float = 1.0,
        n_jobs: int | None = None,
        random_state=None,
        alpha: float | None = None,
        n_permutations: int = 199,
    ):
        self.n_features = n_features
        self.criterion = criterion
        self.method = method
        self.n_neighbors = n_neighbors
        self.discrete_features = discrete_features
        self.column_kinds = column_kinds
        self.target_kind = target_kind
        self.n_dithers = n_dithers
        self.beta = beta
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.alpha = alpha
        self.n_permutations = n_permutations

    def fit(self, X, y):
        """Select features of ``X`` for the target ``y``; returns ``self``."""
        self._check_params()
        frame = hasattr(X, "dtypes") and hasattr(X, "columns")
        checked, y = validate_data(
            self,
            X,
            y,
            dtype=None if frame else "numeric",
            y_numeric=False,
            ensure_min_samples=1,
            accept_sparse=("csr", "csc", "coo"),
        )
        if checked.shape[0] < 2:
            raise ValueError(
                f"MutualInfoSelector needs at least 2 samples; got {checked.shape[0]} sample"
            )
        checked = _symbols_or_dense(checked)
        data = X if frame else checked
        preparation = _Preparation.of(self.n_dithers, self.random_state)
        target = _prepared_target(y, checked.shape[0], self.target_kind, preparation)
        if sparse.issparse(checked):
            greedy = _SparseGreedy(self, SparseSymbols(checked, "X"), target, preparation)
            return self._select(greedy)
        columns, _ = _prepared_columns(
            data, "X", self.discrete_features, self.column_kinds, self.n_neighbors, preparation
        )
        return self._select(_Greedy(self, columns, target, preparation))

    def _select(self, greedy):
        """Run the greedy selection; set the fitted attributes; ``self``."""
        wanted, d = self.n_features, len(greedy.columns)
        if wanted > d:
            warnings.warn(
                f"n_features = {wanted} exceeds the {d} features: all are kept",
                UserWarning,
                stacklevel=3,
            )
        self.scores_ = greedy.relevance.copy()
        self.pvalues_ = None if self.alpha is None else greedy.relevance_pvalues()
        eligible = np.ones(d, dtype=bool)
        if self.pvalues_ is not None:
            eligible = self.pvalues_ < self.alpha
            if eligible.sum() < min(wanted, d):
                warnings.warn(
                    f"only {eligible.sum()} features have a relevance significant at alpha = "
                    f"{self.alpha}; selecting those",
                    UserWarning,
                    stacklevel=2,
                )
        n_select = min(wanted, int(eligible.sum()))
        self.selected_, self.criterion_values_, last = greedy.run(n_select, eligible)
        self.ranking_ = _ranking(self.selected_, last)
        return self

    def _get_support_mask(self) -> np.ndarray:
        check_is_fitted(self, "selected_")
        mask = np.zeros(self.n_features_in_, dtype=bool)
        mask[self.selected_] = True
        return mask

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.input_tags.string = True  # pandas string columns are discrete features
        tags.input_tags.sparse = True  # a sparse X: columns of symbols, O(nnz) counts
        return tags

    def _check_params(self) -> None:
        if self.criterion not in CRITERIA:
            raise ValueError(
                f"criterion must be one of {', '.join(map(repr, CRITERIA))}; got {self.criterion!r}"
            )
        n = self.n_features
        if isinstance(n, bool) or not isinstance(n, Integral) or n < 1:
            raise ValueError(f"n_features must be a positive integer; got {n!r}")
        if isinstance(self.beta, bool) or not isinstance(self.beta, Real):
            raise TypeError(f"beta must be a number; got {self.beta!r}")
        if self.alpha is not None:
            if isinstance(self.alpha, bool) or not isinstance(self.alpha, Real):
                raise TypeError(f"alpha must be a number in (0, 1) or None; got {self.alpha!r}")
            if not 0 < self.alpha < 1:
                raise ValueError(f"alpha must lie in (0, 1); got {self.alpha!r}")
            b = self.n_permutations
            if isinstance(b, bool) or not isinstance(b, Integral) or b < 1:
                raise ValueError(f"n_permutations must be a positive integer; got {b!r}")
            if 1 / (b + 1) >= self.alpha:
                raise ValueError(
                    f"n_permutations = {b} cannot reach a p-value below alpha = {self.alpha}: "
                    f"the smallest is 1 / (n_permutations + 1); use more than "
                    f"{1 / self.alpha - 1:g}"
                )


class _Greedy:
    """The greedy loop of :class:`MutualInfoSelector`, with its cached estimates."""

    def __init__(self, selector: MutualInfoSelector, columns: list, target, preparation):
        self.selector, self.columns, self.target = selector, columns, target
        self.preparation = preparation
        if selector.criterion == "disr" and not all(
            c.kind in ("symbols", "constant") for c in [*columns, target]
        ):
            raise ValueError(
                "criterion 'disr' needs discrete features and a discrete target (its "
                "normaliser H(X_k, X_j, y) is a differential entropy otherwise); "
                "discretise them, or use 'jmi'"
            )
        self.pair = _pair_estimator(
            selector.method, selector.n_neighbors, selector.random_state, preparation.n_dithers
        )
        self.relevance = self._parallel(lambda c: self.pair(c, target), columns)

    def relevance_pvalues(self) -> np.ndarray:
        """Permutation p-value of each feature's relevance (the target's rows permuted; the
        same permutations for every feature)."""
        rng = self.preparation.rng(_TARGET_STREAM + 1)
        n, count = len(self.target.raw), self.selector.n_permutations
        null = np.column_stack(
            [self._relevance_to(self._permuted_target(rng.permutation(n), i)) for i in range(count)]
        )
        return np.array(
            [permutation_pvalue(s, row) for s, row in zip(self.relevance, null, strict=True)]
        )

    def _permuted_target(self, order: np.ndarray, i: int) -> _Column:
        """The target with its rows permuted (read as before; redrawn if dithered)."""
        stream = _TARGET_STREAM + 2 + i
        return self.preparation.with_reading(self.target.raw[order], self.target.reading, stream)

    def _relevance_to(self, target: _Column) -> np.ndarray:
        return self._parallel(lambda c: self.pair(c, target), self.columns)

    def run(self, n_select: int, eligible: np.ndarray):
        """``(selected, criterion values, last)``: the greedy picks among the ``eligible``
        features, and every feature's criterion value one step past the last pick (which
        orders the unselected ones; ineligible features come last)."""
        d = len(self.columns)
        last = np.where(eligible, self.relevance, -np.inf)
        if n_select == 0:
            return np.array([], dtype=np.intp), np.array([]), last
        selected = [int(np.argmax(last))]
        values = [float(self.relevance[selected[0]])]
        accumulated = np.zeros(d)  # the sum (or min, for cmim) of the pair terms so far
        while len(selected) < eligible.sum():
            remaining = np.setdiff1d(np.flatnonzero(eligible), selected)
            terms = self._pair_terms(selected[-1], remaining)
            accumulated[remaining] = self._combine(accumulated[remaining], terms, len(selected))
            last = np.full(d, -np.inf)
            last[remaining] = self._criterion(accumulated[remaining], remaining, len(selected))
            if len(selected) == n_select:
                break
            best = int(remaining[np.argmax(last[remaining])])
            selected.append(best)
            values.append(float(last[best]))
        return np.array(selected, dtype=np.intp), np.array(values), last

    def _pair_terms(self, j: int, remaining: np.ndarray) -> np.ndarray:
        """The term each remaining feature gains from the newly selected feature ``j``."""
        criterion = self.selector.criterion
        if criterion == "mim":
            return np.zeros(remaining.size)
        if criterion in ("mifs", "mrmr"):
            chosen = self.columns[j]
            return self._parallel(lambda c: self.pair(c, chosen), self._subset(remaining))
        if criterion == "disr":
            return self._parallel(
                lambda c: self._symmetric_relevance(c, j), self._subset(remaining)
            )
        conditioned = _ConditionalRelevance(self.selector, self.columns[j], self.target)
        return self._parallel(conditioned, self._subset(remaining))

    def _combine(self, so_far: np.ndarray, terms: np.ndarray, n_selected: int) -> np.ndarray:
        if self.selector.criterion == "cmim":
            return terms if n_selected == 1 else np.minimum(so_far, terms)
        return so_far + terms

    def _criterion(self, accumulated, remaining, n_selected: int) -> np.ndarray:
        relevance = self.relevance[remaining]
        criterion = self.selector.criterion
        if criterion == "mifs":
            return relevance - self.selector.beta * accumulated
        if criterion == "mrmr":
            return relevance - accumulated / n_selected
        if criterion == "mim":
            return relevance
        return accumulated  # jmi, cmim, disr

    def _symmetric_relevance(self, column, j: int) -> float:
        """``I(X_k, X_j; y) / H(X_k, X_j, y)`` by the Miller–Madow plug-in (discrete)."""
        pair = np.column_stack((column.values, self.columns[j].values))
        joint = np.column_stack((pair, self.target.values))
        mi = _api.mutual_information(pair, self.target.values, "miller-madow")
        entropy = _api.entropy(joint, "miller-madow")
        return mi / entropy if entropy > 0 else 0.0

    def _subset(self, indices: np.ndarray) -> list:
        return [self.columns[i] for i in indices]

    def _parallel(self, function, items) -> np.ndarray:
        found = Parallel(n_jobs=self.selector.n_jobs, prefer="threads")(
            delayed(function)(item) for item in items
        )
        return np.asarray(found, dtype=float)


class _ConditionalRelevance:
    """``column -> I(column; y | given)`` in nats (see :class:`MutualInfoSelector`), the
    mean over the draws of dithered columns."""

    def __init__(self, selector: MutualInfoSelector, given: _Column, target: _Column):
        self.given, self.target = given, target
        self.k = selector.n_neighbors
        self.given_relevance: float | None = None  # I(given; y), for the plug-in's difference

    def __call__(self, column: _Column) -> float:
        if column.kind == "constant" or self.target.kind == "constant":
            return 0.0
        if self.given.kind == "constant":  # I(X; y | constant) = I(X; y)
            return _auto_pair(column, self.target, self.k)
        kinds = {column.kind, self.given.kind}
        if self.target.kind == "symbols" and kinds == {"symbols"}:
            return self._plugin(column)
        if self.target.kind == "symbols" and kinds == {"numbers"}:
            return _over_draws(lambda i: self._labelled(column, i), column, self.given)
        return _over_draws(lambda i: self._mixed(column, i), column, self.given, self.target)

    def _plugin(self, column: _Column) -> float:
        """``I(X, Z; y) - I(Z; y)`` by the Miller–Madow plug-in, for discrete columns."""

        def relevance(features):
            return _api.mutual_information(features, self.target.values, "miller-madow")

        if self.given_relevance is None:
            self.given_relevance = relevance(self.given.values)
        return relevance(np.column_stack((column.values, self.given.values))) - self.given_relevance

    def _labelled(self, column: _Column, i: int) -> float:
        """Frenzel–Pompe with the labels as a coordinate (Gao et al.'s rule on atoms)."""
        kept = _repeated(self.target.values)
        if kept.sum() < 2:
            return 0.0  # no label occurs twice: nothing to estimate from
        x, z = (c.draw(i)[0][kept][:, None] for c in (column, self.given))
        return labelled_conditional_mutual_information(x, z, self.target.values[kept], self.k)

    def _mixed(self, column: _Column, i: int) -> float:
        """The mixed-kind Frenzel–Pompe estimator, for every other combination of kinds
        (a continuous target: Frenzel–Pompe itself)."""
        blocks = [c.draw(i)[0][:, None] for c in (column, self.target, self.given)]
        readings = tuple((c.estimation_reading,) for c in (column, self.target, self.given))
        try:
            return mixed_kind_conditional_mutual_information(*blocks, readings, self.k)
        except FewStratifiedRows:
            return 0.0  # no symbol repeats often enough: nothing to estimate from


def _ranking(selected: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Ranks 1.. for the selected features in order, then the rest by ``last`` (descending)."""
    ranking = np.empty(len(last), dtype=np.intp)
    ranking[selected] = np.arange(1, len(selected) + 1)
    rest = np.setdiff1d(np.arange(len(last)), selected)
    rest = rest[np.argsort(-last[rest], kind="stable")]
    ranking[rest] = np.arange(len(selected) + 1, len(last) + 1)
    return ranking


# --------------------------------------------------------------------------------------------
# sparse X: columns of symbols, O(nnz) counts (estimators._sparse)
# --------------------------------------------------------------------------------------------


class _SparseGreedy(_Greedy):
    """The greedy loop for a ``scipy.sparse`` X of symbols and discrete labels: every term
    from counts of the non-zeros (:mod:`estimators._sparse`), ``O(nnz_k + nnz_j)`` per pair,
    never a dense column. The conditional relevance is ``I(X_k, X_j; y) - I(X_j; y)``."""

    def __init__(self, selector: MutualInfoSelector, symbols: SparseSymbols, target, preparation):
        if target.kind not in ("symbols", "constant"):
            raise ValueError(
                "MutualInfoSelector on a sparse X reads its columns as symbols and needs a "
                f"discrete target; y is read as {target.reading} (pass a dense X for a "
                "continuous target)"
            )
        if selector.criterion == "disr":
            raise ValueError("criterion 'disr' is not available for a sparse X; use 'jmi'")
        self.selector, self.symbols, self.preparation = selector, symbols, preparation
        self.columns = range(symbols.n_columns)
        self.correction = _sparse_correction(selector.method)
        self.labels = _sparse_labels(target)
        self.relevance = self._relevance_to(self.labels)

    def _relevance_to(self, labels) -> np.ndarray:
        return mutual_info_with_labels(self.symbols, labels, correction=self.correction)

    def relevance_pvalues(self) -> np.ndarray:
        rng, n = self.preparation.rng(_TARGET_STREAM + 1), self.symbols.n_rows
        null = np.column_stack(
            [
                self._relevance_to(self.labels.codes[rng.permutation(n)])
                for _ in range(self.selector.n_permutations)
            ]
        )
        return np.array(
            [permutation_pvalue(s, row) for s, row in zip(self.relevance, null, strict=True)]
        )

    def _pair_terms(self, j: int, remaining: np.ndarray) -> np.ndarray:
        criterion, options = self.selector.criterion, {"correction": self.correction}
        if criterion == "mim":
            return np.zeros(remaining.size)
        if criterion in ("mifs", "mrmr"):
            return np.array(
                [pair_mutual_information(self.symbols, k, j, **options) for k in remaining]
            )
        given = self.relevance[j]
        return np.array(
            [joint_relevance(self.symbols, k, j, self.labels, **options) - given for k in remaining]
        )


def _symbols_or_dense(X):
    """A sparse X of integers (counts, codes, one-hot) stays sparse, to be read as symbols;
    one holding other values holds measurements, each value its own symbol, so it is
    densified and its columns read like any (``O(n d)`` memory; refused beyond
    :data:`DENSE_LIMIT` cells)."""
    if not sparse.issparse(X):
        return X
    data = sparse.csr_array(X).data
    if data.dtype.kind != "f" or np.array_equal(data, np.round(data)):
        return X
    if X.shape[0] * X.shape[1] > DENSE_LIMIT:
        raise ValueError(
            f"a sparse X of shape {X.shape} holds non-integer values: its columns are "
            f"measurements, read from a dense X, which would take more than {DENSE_LIMIT} "
            "cells; round the values to counts, or select on a subset of the columns"
        )
    return X.toarray()


#: cells of a sparse X of non-integer values that may be densified
DENSE_LIMIT = 10**8


def _sparse_correction(method: str) -> str:
    """The plug-in correction of ``method`` for sparse symbols."""
    corrections = {"auto": "miller-madow", "miller-madow": "miller-madow", "plugin": "plugin"}
    if method not in corrections:
        raise ValueError(
            f"a sparse X is read as symbols and estimated by method 'auto' (Miller–Madow), "
            f"'miller-madow' or 'plugin'; got {method!r}"
        )
    return corrections[method]


def _sparse_labels(target: _Column):
    """The target's codes as :class:`estimators._sparse.Labels` (one class if constant)."""
    codes = target.values if target.kind == "symbols" else np.zeros(len(target.raw), np.int64)
    return prepare_labels(codes, len(codes))


def _sparse_scores(X, y, method, target_spec, n_neighbors, preparation) -> np.ndarray:
    """:func:`mutual_info_scores` of a sparse X (symbols): against discrete labels in
    ``O(nnz + n)`` all at once; against a continuous target one column at a time, each
    densified (``O(n)`` memory) and paired as a dense column would be."""
    symbols = SparseSymbols(X, "X")
    target = _prepared_target(y, symbols.n_rows, target_spec, preparation)
    if target.kind in ("symbols", "constant"):
        correction = _sparse_correction(method)
        return mutual_info_with_labels(symbols, _sparse_labels(target), correction=correction)
    estimate = _pair_estimator(method, n_neighbors, preparation.seed, preparation.n_dithers)
    return np.array(
        [estimate(_dense_column(symbols, j, preparation), target) for j in range(symbols.n_columns)]
    )


def _dense_column(symbols: SparseSymbols, j: int, preparation) -> _Column:
    """Column ``j`` of a sparse X as a dense column of symbol codes (0 for zero)."""
    rows, codes, _ = symbols.column(j)
    dense = np.zeros(symbols.n_rows, dtype=np.int64)
    dense[rows] = codes
    reading = read_sample(dense[:, None], f"column {j}", "symbols")[0]
    return preparation.with_reading(dense, reading, j)


def _sparse_matrix(X, method) -> np.ndarray:
    """:func:`mutual_info_matrix` of a sparse X (symbols), ``O(nnz_i + nnz_j)`` a pair."""
    symbols, correction = SparseSymbols(X, "X"), _sparse_correction(method)
    d = symbols.n_columns
    values = np.full((d, d), np.nan)
    for i in range(d):
        for j in range(i + 1, d):
            values[i, j] = values[j, i] = pair_mutual_information(
                symbols, i, j, correction=correction
            )
    return values


# --------------------------------------------------------------------------------------------
# prepared columns: the per-column work every pair shares
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Column:
    """One variable ready for pairs: its reading and its prepared draws.

    ``draws`` hold int64 codes ``0 .. K-1`` (symbols), float64 values divided by their
    standard deviation (numbers; a quantized column: one dithered draw per ``n_dithers``),
    or the raw values as floats (atoms); ``spaces`` the numbers' sorted orders. ``raw`` is
    the column as given (for explicit methods and permutations).
    """

    reading: ColumnReading
    raw: np.ndarray
    draws: tuple[np.ndarray, ...] = ()
    spaces: tuple[PreparedSpace | None, ...] = ()

    @property
    def kind(self) -> str:
        """How pairs use it: ``"symbols"``, ``"numbers"``, ``"atoms"`` or ``"constant"``."""
        reading = self.reading
        if reading.constant:
            return "constant"
        if reading.kind in ("symbols", "atoms"):
            return reading.kind
        return "numbers"

    @property
    def values(self) -> np.ndarray:
        """The first draw."""
        return self.draws[0]

    def draw(self, i: int) -> tuple[np.ndarray, PreparedSpace | None]:
        """Draw ``i`` (cycling: a column with one draw gives it for every ``i``)."""
        return self.draws[i % len(self.draws)], self.spaces[i % len(self.spaces)]

    @property
    def estimation_reading(self) -> ColumnReading:
        """Its reading as the mixed-kind estimators see a draw (dithered: continuous)."""
        return _CONTINUOUS if self.kind == "numbers" else self.reading


_CONTINUOUS = ColumnReading("continuous", 0)


@dataclass
class _Preparation:
    """How columns are read and prepared: ``n_dithers`` draws of each quantized column,
    each column from its own stream of ``seed`` (column ``j`` of X: stream ``j``), so the
    draws depend neither on the order of preparation nor on the other columns."""

    n_dithers: int
    seed: int

    @classmethod
    def of(cls, n_dithers, random_state) -> _Preparation:
        return cls(check_dithers(n_dithers), int(as_generator(random_state).integers(2**63)))

    def rng(self, stream: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, stream])

    def column(self, raw: np.ndarray, label: str, spec, stream: int) -> _Column:
        return self.with_reading(raw, _reading(raw, label, spec), stream)

    def with_reading(self, raw: np.ndarray, reading: ColumnReading, stream: int) -> _Column:
        column = _Column(reading, raw)
        if column.kind in ("constant", "symbols"):  # a constant: one code, for DISR's tables
            codes = symbol_codes(raw[:, None])[0].astype(np.int64)
            return _Column(reading, raw, (codes,), (None,))
        if column.kind == "atoms":
            draws = [dequantize(raw[:, None], (reading,), self.rng(stream))[:, 0]]
            return _Column(reading, raw, (np.asarray(draws[0], dtype=np.float64),), (None,))
        rng = self.rng(stream)
        count = self.n_dithers if reading.kind == "quantized" else 1
        draws = [
            standardized(np.asarray(dequantize(raw[:, None], (reading,), rng), np.float64))[:, 0]
            for _ in range(count)
        ]
        spaces = tuple(sorted_space(v[:, None], np.argsort(v)) for v in draws)
        return _Column(reading, raw, tuple(draws), spaces)


_TARGET_STREAM = 2**31  # the target's dithers; permutations come after it


def _reading(raw: np.ndarray, label: str, spec) -> ColumnReading:
    """The column's reading; ``spec`` ``"numbers"`` (``discrete_features`` says not
    discrete): read as numbers even where the dtype says symbols (integer codes)."""
    if spec != "numbers":
        return read_sample(raw[:, None], label, spec)[0]
    reading = read_sample(raw[:, None], label, "auto")[0]
    if reading.kind != "symbols" or not reading.numeric or reading.levels == 1:
        return reading
    return read_sample(raw[:, None], label, reading.resolution)[0]


def _prepared_columns(X, name: str, discrete_features, column_kinds, n_neighbors, preparation):
    """The columns of ``X`` prepared, and their names (None unless ``X`` is a DataFrame)."""
    _check_neighbors(n_neighbors)
    raw, labels, specs, names = _raw_columns(X, name, discrete_features, column_kinds)
    n = len(raw[0])
    columns = [
        preparation.column(r[:, 0], label, spec, j)
        for j, (r, label, spec) in enumerate(zip(raw, labels, specs, strict=True))
    ]
    measured = any(c.kind in ("numbers", "atoms") for c in columns)
    if n < 2 or (n <= n_neighbors and measured):
        raise ValueError(
            f"{name} has n_samples = {n}; the k-NN estimators need more samples than "
            f"n_neighbors = {n_neighbors}"
        )
    return columns, names


def _raw_columns(X, name: str, discrete_features, column_kinds):
    """``(raw, labels, specs, names)``: the columns of ``X`` as given (each ``(n, 1)``),
    their labels for messages, their reading specs and their names (None unless ``X`` is a
    DataFrame)."""
    if hasattr(X, "columns") and hasattr(X, "dtypes"):
        names = [str(c) for c in X.columns]
        labels = [f"{name}[{c!r}]" for c in X.columns]
        raw = [as_samples(X.iloc[:, i], label) for i, label in enumerate(labels)]
        if not raw:
            raise ValueError(f"{name} has no columns")
    else:
        names = None
        samples = as_samples(X, name)
        raw = [samples[:, [i]] for i in range(samples.shape[1])]
        labels = [f"column {i} of {name}" for i in range(len(raw))]
    check_same_length(**{f"column {i}": r for i, r in enumerate(raw)})
    specs = _column_specs(discrete_features, column_kinds, raw, names)
    return raw, labels, specs, names


def _prepared_target(y, n: int, spec, preparation) -> _Column:
    target = as_samples(y, "y")
    if target.shape[1] != 1:
        raise ValueError(f"y must be one column (shape (n_samples,)); got shape {target.shape}")
    check_same_length(X=np.empty((n, 0)), y=target)
    if spec == "numbers" and target.dtype.kind in "OSU":
        raise TypeError(f"y holds {target.dtype} symbols; it cannot be a continuous target")
    return preparation.column(target[:, 0], "y", spec, _TARGET_STREAM)


def _target_spec(discrete_target, target_kind):
    """The target's reading spec: scikit-learn's ``discrete_target`` (True: symbols, False:
    numbers) or ``target_kind`` (any spec of :func:`estimators._reading.read_sample`)."""
    if discrete_target is None:
        return target_kind
    if not (isinstance(target_kind, str) and target_kind == "auto"):
        raise ValueError("give discrete_target or target_kind, not both")
    return "symbols" if discrete_target else "numbers"


def _column_specs(discrete_features, column_kinds, raw: list, names) -> list:
    """Each column's reading spec: from ``discrete_features`` (scikit-learn's: ``True`` ->
    ``"symbols"``, ``False`` -> ``"numbers"``) or ``column_kinds`` (any spec of
    :func:`estimators._reading.read_sample`), not both."""
    d = len(raw)
    given_discrete = not (isinstance(discrete_features, str) and discrete_features == "auto")
    if given_discrete and not (isinstance(column_kinds, str) and column_kinds == "auto"):
        raise ValueError("give discrete_features or column_kinds, not both")
    if given_discrete:
        mask = _discrete_mask(discrete_features, raw)
        return ["symbols" if m else "numbers" for m in mask]
    if isinstance(column_kinds, dict):
        keys = names if names is not None else list(range(d))
        unknown = [key for key in column_kinds if key not in keys]
        if unknown:
            raise ValueError(f"column_kinds names {unknown[0]!r}, not a column of X")
        return [column_kinds.get(key, "auto") for key in keys]
    return column_specs(column_kinds, d, "X")


def _discrete_mask(discrete_features, raw: list[np.ndarray]) -> np.ndarray:
    d = len(raw)
    if isinstance(discrete_features, str):
        raise ValueError(
            f"discrete_features must be 'auto', a bool or a mask; got {discrete_features!r}"
        )
    if isinstance(discrete_features, (bool, np.bool_)):
        mask = np.full(d, bool(discrete_features))
    else:
        mask = _listed_mask(discrete_features, d)
    return mask | np.array([r.dtype.kind in "OSU" for r in raw])


def _listed_mask(discrete_features, d: int) -> np.ndarray:
    """A boolean mask of ``d`` entries, or column indices (integers; not floats such as
    1.5, not bools mixed with numbers, which numpy would read as the indices 1, 1)."""
    listed = list(np.ravel(np.asarray(discrete_features, dtype=object)))
    flags = [isinstance(v, (bool, np.bool_)) for v in listed]
    if any(flags) and not all(flags):
        raise ValueError(
            "discrete_features must be a boolean mask or a list of column indices, not both "
            f"mixed; got {discrete_features!r}"
        )
    given = np.asarray(discrete_features)
    if given.dtype == bool:
        if given.shape != (d,):
            raise ValueError(f"discrete_features mask has shape {given.shape}; X has {d} columns")
        return given
    if given.dtype.kind not in "iu":
        raise ValueError(
            f"discrete_features must hold column indices below {d} or be a boolean mask; "
            f"got {discrete_features!r}"
        )
    mask = np.zeros(d, dtype=bool)
    try:
        mask[given.astype(np.intp)] = True
    except IndexError:
        raise ValueError(
            f"discrete_features must hold column indices below {d}; got {discrete_features!r}"
        ) from None
    return mask


def _check_neighbors(k) -> None:
    if isinstance(k, bool) or not isinstance(k, Integral) or k < 1:
        raise ValueError(f"n_neighbors must be a positive integer; got {k!r}")


# --------------------------------------------------------------------------------------------
# one pair
# --------------------------------------------------------------------------------------------


def _pair_estimator(method: str, k: int, random_state, n_dithers: int):
    """``(column, column) -> nats`` for ``method`` (``"auto"``: by kinds)."""
    if method == "auto":
        return lambda a, b: _auto_pair(a, b, k)
    if not isinstance(method, str):
        raise TypeError(f"method must be a string; got {type(method).__name__}")
    lookup(method, "mutual_information")  # an unknown name fails now, listing the known ones
    options = {"k": k} if method in _KNN_METHODS else {}
    # one int seed for every pair: a shared Generator would be drawn from in whatever
    # order the n_jobs threads run, so the same random_state could give other numbers
    options["random_state"] = int(as_generator(random_state).integers(2**63))
    options["n_dithers"] = n_dithers

    def generic(a: _Column, b: _Column) -> float:
        if "constant" in (a.kind, b.kind):
            return 0.0  # whatever the method: a constant carries no information
        kinds = {"x": _spec(a.reading), "y": _spec(b.reading)}
        return _api.mutual_information(a.raw, b.raw, method, column_kinds=kinds, **options)

    return generic


def _spec(reading: ColumnReading):
    """The ``column_kinds`` value that reads a column as ``reading`` says."""
    if reading.kind == "quantized" and reading.resolution is not None:
        return reading.resolution
    return reading.kind if reading.kind in KINDS else "auto"


def _auto_pair(a: _Column, b: _Column, k: int) -> float:
    kinds = {a.kind, b.kind}
    if "constant" in kinds:
        return 0.0
    if kinds == {"symbols"}:
        return _api.mutual_information(a.values, b.values, "miller-madow")
    if "atoms" in kinds:
        return _over_draws(lambda i: _mixed_pair(a, b, i, k), a, b)
    if kinds == {"symbols", "numbers"}:
        measured, labels = (a, b) if b.kind == "symbols" else (b, a)
        return _over_draws(lambda i: _labelled_mi(measured, labels, i, k), a, b)
    return _over_draws(lambda i: _ksg(a, b, i, k), a, b)


def _over_draws(estimate, *columns: _Column) -> float:
    """The mean of ``estimate(i)`` over the draws of the columns (one per dither of a
    quantized column; each draw of one column meets the same-numbered draw of the other)."""
    count = max(len(c.draws) for c in columns)
    return float(np.mean([estimate(i) for i in range(count)]))


def _ksg(a: _Column, b: _Column, i: int, k: int) -> float:
    """KSG (variant 1) of two standardised float columns, with Gao et al.'s (2017) rule on
    atoms (:func:`estimators.knn.gao_mutual_information`): the columns' sorts are shared."""
    (x, x_space), (y, y_space) = a.draw(i), b.draw(i)
    return gao_mutual_information(np.column_stack((x, y)), [x_space, y_space], k)


def _labelled_mi(measured: _Column, labels: _Column, i: int, k: int) -> float:
    """MI of a float column and discrete labels: Ross (2014) with Gao et al.'s (2017) rule on
    atoms (:func:`estimators.knn.labelled_mutual_information`, given the column's sort).
    Without ties this is scikit-learn's ``mutual_info_classif``. Rows whose label occurs
    once are left out (they have no neighbour of their own), as in scikit-learn."""
    codes = labels.values
    kept = _repeated(codes)
    if kept.sum() < 2:
        return 0.0  # no label occurs twice: nothing to estimate from
    values, space = measured.draw(i)
    values = values[kept][:, None]
    if not kept.all():
        space = sorted_space(values, _kept_order(space.order, kept))
    return labelled_mutual_information(values, codes[kept], k, space)


def _mixed_pair(a: _Column, b: _Column, i: int, k: int) -> float:
    """MI where a column has atoms: the mixed-kind estimator
    (:func:`estimators.knn.mixed_kind_mutual_information`)."""
    x, y = (c.draw(i)[0][:, None] for c in (a, b))
    readings = ((a.estimation_reading,), (b.estimation_reading,))
    try:
        return mixed_kind_mutual_information(x, y, readings, k)
    except FewStratifiedRows:
        return 0.0  # no symbol repeats often enough: nothing to estimate from


def _repeated(codes: np.ndarray) -> np.ndarray:
    """The rows whose label occurs more than once (the others have no same-label neighbour,
    and are left out as in scikit-learn)."""
    return np.bincount(codes)[codes] > 1


def _kept_order(order: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """A sorted order restricted to the kept rows, renumbered (no new sort)."""
    renumber = np.cumsum(kept) - 1
    return renumber[order[kept[order]]]


def _copula_matrix(columns: list[_Column]) -> np.ndarray:
    """Gaussian-copula MI of every pair at once: ``-log(1 - r^2) / 2`` of the normal scores
    (0 with a constant column)."""
    varying = [i for i, c in enumerate(columns) if c.kind != "constant"]
    values = np.zeros((len(columns), len(columns)))
    if len(varying) > 1:
        stacked = np.column_stack([columns[i].values.astype(float) for i in varying])
        r = np.corrcoef(normal_scores(stacked), rowvar=False)
        with np.errstate(divide="ignore"):
            values[np.ix_(varying, varying)] = -0.5 * np.log1p(-np.minimum(r * r, 1.0))
    return values


def _column_spans(d: int, threads: int, n: int, backend) -> list[tuple[int, int]]:
    """Column ranges for :func:`mutual_info_scores`' blocks (one pair per column)."""
    size = pairs_per_block(d, threads, n, cluster=backend == "dask")
    return [(lo, min(lo + size, d)) for lo in range(0, d, size)]


# the MI network of all column pairs, with p-values (estimators.network uses the helpers above)
from .network import mutual_info_network  # noqa: E402
