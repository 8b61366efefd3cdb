"""Mutual information of a data set's columns, and feature selection by it.

- :func:`mutual_info_scores`: ``I(X_j; y)`` for every column ``X_j`` — a drop-in
  ``score_func`` for ``sklearn.feature_selection.SelectKBest``;
- :func:`mutual_info_matrix`: the symmetric matrix ``I(X_i; X_j)`` of all column pairs;
- :class:`MutualInfoSelector`: greedy forward selection by the criteria surveyed by Brown,
  Pocock, Zhao & Luján (2012): MIM, MIFS (Battiti 1994), mRMR (Peng, Long & Ding 2005),
  JMI (Yang & Moody 1999), CMIM (Fleuret 2004) and DISR (Meyer, Schretter & Bontempi 2008).

Each column is one of four kinds, decided once (``discrete_features``, else its dtype):
*discrete* (bool, integer, string or object dtype: symbols), *continuous* (floats, no
value twice), *tied* (floats with repeated values) or *constant*. With ``method="auto"``
the pair of kinds picks the estimator:

=============================  =============================================================
pair                           estimator (nats)
=============================  =============================================================
a constant column              exactly 0: a constant carries no information
discrete, discrete             Miller–Madow plug-in (:mod:`estimators.discrete`)
continuous or tied, discrete   Ross (2014), scikit-learn's ``mutual_info_classif`` estimator
continuous or tied, the same   KSG (Kraskov, Stögbauer & Grassberger 2004, variant 1), as
                               ``mutual_info_regression``
=============================  =============================================================

Continuous values are divided by their standard deviation (as scikit-learn does) and no
noise is added. Ties are handled exactly, by Gao, Kannan, Oh & Viswanath's (2017) rule: a
row whose k-th neighbour is at distance 0 sits on an atom, and its ``k`` and its counts
become the numbers of rows sharing its value (see :func:`_ksg` and :func:`_labelled_mi`).
So a constant or heavily tied column stays near 0 and below ``H(y)`` — unlike scikit-learn,
whose jitter of 1e-10 is at the resolution of float64 for such columns (its issue #30772:
0.215 nats for a constant column against ``H(y) = 0.001``). On untied data the values equal
scikit-learn's to rounding, before its clipping at 0 (ours are returned as computed: a small
negative value is estimator bias). On tied data they differ: a radius count is strict
(``|a - b| < r``) and so leaves out the rows tied with the k-th neighbour at distance ``r``,
which scikit-learn's noise puts inside about half the time (e.g. 0.51 nats against 0.37 for
breast_cancer's "mean radius"; which one is closer to the truth depends on where the ties
come from).

Per-column work is done once and shared by every pair: each column is standardised, sorted
and bucket-indexed, or coded if discrete. Ross: the neighbours of a row among its label are
found by a merge in the sorted order (the rows grouped by label with a counting sort). KSG:
the joint neighbours come from the shared quantile-grid search (cells from the columns'
ranks) and the radius counts from searches on each column's sorted values
(:mod:`estimators._neighbors`, :mod:`estimators._kernels`), exact at the radius. The kernels
are compiled with numba and release the GIL; pairs run on ``n_jobs`` threads. Cost per pair
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
from sklearn.base import BaseEstimator
from sklearn.feature_selection import SelectorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from exact._checks import check_base, in_base
from exact._random import as_generator

from . import _api
from ._inputs import as_samples, check_same_length, is_discrete, symbol_codes
from ._neighbors import PreparedSpace, sorted_space
from ._registry import lookup
from .gaussian import normal_scores
from .knn import (
    gao_mutual_information,
    labelled_conditional_mutual_information,
    labelled_mutual_information,
)
from .uncertainty import permutation_pvalue

__all__ = ["CRITERIA", "MutualInfoSelector", "mutual_info_matrix", "mutual_info_scores"]

#: the greedy criteria of :class:`MutualInfoSelector`
CRITERIA = ("mim", "mifs", "mrmr", "jmi", "cmim", "disr")
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
    n_neighbors: int = 3,
    base: float = math.e,
    n_jobs: int | None = None,
    random_state=None,
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
        ``"auto"``: by dtype (bool, integer, string, object: discrete). A bool for all
        columns, or a boolean mask / indices of the discrete ones (as scikit-learn).
    discrete_target : bool or None
        None: by the dtype of ``y`` (a float target is continuous).
    n_neighbors : int
        ``k`` of the k-NN estimators (scikit-learn's ``n_neighbors``).
    base : float
        Logarithm base of the result's unit (``math.e``: nats, 2: bits).
    n_jobs : int or None
        Threads over columns (joblib; None: 1, -1: all cores).
    random_state : int, numpy.random.Generator or None
        Used only by the method that jitters ties (an explicit ``"ksg"``).

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
    columns, _ = _prepared_columns(X, "X", discrete_features, n_neighbors)
    target = _prepared_target(y, len(columns[0].values), discrete_target, n_neighbors)
    estimate = _pair_estimator(method, n_neighbors, random_state)
    scores = Parallel(n_jobs=n_jobs, prefer="threads")(
        delayed(estimate)(column, target) for column in columns
    )
    return in_base(np.asarray(scores, dtype=float), base)


def mutual_info_matrix(
    X,
    method: str = "auto",
    *,
    discrete_features="auto",
    n_neighbors: int = 3,
    base: float = math.e,
    n_jobs: int | None = None,
    random_state=None,
):
    """The symmetric matrix of pairwise mutual information ``I(X_i; X_j)`` between columns.

    Parameters as :func:`mutual_info_scores`. With ``method="gaussian-copula"`` the whole
    matrix comes from one correlation matrix of the columns' normal scores (Ince et al.
    2017): ``I_ij = -log(1 - r_ij^2) / 2``.

    Returns
    -------
    numpy.ndarray or pandas.DataFrame, shape (n_features, n_features)
        A DataFrame labelled by the columns for DataFrame input. The diagonal is NaN: a
        column's MI with itself is its entropy, infinite for continuous data (use
        :func:`estimators.entropy`).

    Notes
    -----
    Every column is prepared once (standardised, sorted, coded) and the ``d (d - 1) / 2``
    pairs reuse that work, on ``n_jobs`` threads. Memory ``O(n d)``.
    """
    check_base(base)
    columns, names = _prepared_columns(X, "X", discrete_features, n_neighbors)
    d = len(columns)
    if method in ("gaussian-copula", "copula"):
        values = _copula_matrix(columns)
    else:
        estimate = _pair_estimator(method, n_neighbors, random_state)
        pairs = [(i, j) for i in range(d) for j in range(i + 1, d)]
        found = Parallel(n_jobs=n_jobs, prefer="threads")(
            delayed(estimate)(columns[i], columns[j]) for i, j in pairs
        )
        values = np.full((d, d), np.nan)
        for (i, j), mi in zip(pairs, found, strict=True):
            values[i, j] = values[j, i] = mi
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
        ``k`` of the k-NN estimators.
    discrete_features : "auto", bool or array_like
        As in :func:`mutual_info_scores`; ``"auto"`` decides per pandas column dtype.
    beta : float
        The redundancy weight of ``"mifs"``.
    n_jobs : int or None
        Threads (joblib) over candidate features.
    random_state : int, numpy.random.Generator or None
        For the permutations of ``alpha``, and the jitter of tied values where ``method``
        is ``"ksg"``.
    alpha : float or None
        With a level (e.g. 0.05), only features whose relevance is significant are
        selected: each ``I(X_k; y)`` is tested against ``n_permutations`` permutations of
        ``y`` (:func:`estimators.uncertainty.permutation_pvalue`), and features with a
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
        n_neighbors: int = 3,
        discrete_features="auto",
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
            self, X, y, dtype=None if frame else "numeric", y_numeric=False, ensure_min_samples=1
        )
        if checked.shape[0] < 2:
            raise ValueError(
                f"MutualInfoSelector needs at least 2 samples; got {checked.shape[0]} sample"
            )
        data = X if frame else checked
        columns, _ = _prepared_columns(data, "X", self.discrete_features, self.n_neighbors)
        target = _prepared_target(y, checked.shape[0], None, self.n_neighbors)
        wanted = self.n_features
        if wanted > len(columns):
            warnings.warn(
                f"n_features = {wanted} exceeds the {len(columns)} features: all are kept",
                UserWarning,
                stacklevel=2,
            )
        greedy = _Greedy(self, columns, target)
        self.scores_ = greedy.relevance.copy()
        self.pvalues_ = None if self.alpha is None else greedy.relevance_pvalues()
        eligible = np.ones(len(columns), dtype=bool)
        if self.pvalues_ is not None:
            eligible = self.pvalues_ < self.alpha
            if eligible.sum() < min(wanted, len(columns)):
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

    def __init__(self, selector: MutualInfoSelector, columns: list, target):
        self.selector, self.columns, self.target = selector, columns, target
        if selector.criterion == "disr" and not all(
            c.kind in ("discrete", "constant") for c in [*columns, target]
        ):
            raise ValueError(
                "criterion 'disr' needs discrete features and a discrete target (its "
                "normaliser H(X_k, X_j, y) is a differential entropy otherwise); "
                "discretise them, or use 'jmi'"
            )
        self.pair = _pair_estimator(selector.method, selector.n_neighbors, selector.random_state)
        self.relevance = self._parallel(lambda c: self.pair(c, target), columns)

    def relevance_pvalues(self) -> np.ndarray:
        """Permutation p-value of each feature's relevance (the target's rows permuted; the
        same permutations for every feature)."""
        rng = as_generator(self.selector.random_state)
        n, count = len(self.target.values), self.selector.n_permutations
        null = np.column_stack(
            [self._relevance_to(_permuted(self.target, rng.permutation(n))) for _ in range(count)]
        )
        return np.array(
            [permutation_pvalue(s, row) for s, row in zip(self.relevance, null, strict=True)]
        )

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
    """``column -> I(column; y | given)`` in nats (see :class:`MutualInfoSelector`)."""

    def __init__(self, selector: MutualInfoSelector, given, target):
        self.given, self.target = given, target
        self.k = selector.n_neighbors
        self.given_relevance: float | None = None  # I(given; y), for the plug-in's difference

    def __call__(self, column) -> float:
        if column.kind == "constant" or self.target.kind == "constant":
            return 0.0
        if self.given.kind == "constant":  # I(X; y | constant) = I(X; y)
            return _auto_pair(column, self.target, self.k)
        kinds = {column.kind, self.given.kind}
        if self.target.kind == "discrete":
            return self._plugin(column) if kinds == {"discrete"} else self._labelled(column)
        method = "mixed" if (kinds | {self.target.kind}) & {"tied", "discrete"} else "ksg"
        return _api.conditional_mutual_information(
            column.values,
            self.target.values,
            self.given.values,
            method,
            k=self.k,
            standardize=False,
        )

    def _plugin(self, column) -> float:
        """``I(X, Z; y) - I(Z; y)`` by the Miller–Madow plug-in, for discrete columns."""

        def relevance(features):
            return _api.mutual_information(features, self.target.values, "miller-madow")

        if self.given_relevance is None:
            self.given_relevance = relevance(self.given.values)
        return relevance(np.column_stack((column.values, self.given.values))) - self.given_relevance

    def _labelled(self, column) -> float:
        """Frenzel–Pompe with the labels as a coordinate (Gao et al.'s rule on atoms)."""
        kept = _repeated(self.target.values)
        if kept.sum() < 2:
            return 0.0  # no label occurs twice: nothing to estimate from
        x, z = (c.values[kept].astype(float)[:, None] for c in (column, self.given))
        return labelled_conditional_mutual_information(x, z, self.target.values[kept], self.k)


def _ranking(selected: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Ranks 1.. for the selected features in order, then the rest by ``last`` (descending)."""
    ranking = np.empty(len(last), dtype=np.intp)
    ranking[selected] = np.arange(1, len(selected) + 1)
    rest = np.setdiff1d(np.arange(len(last)), selected)
    rest = rest[np.argsort(-last[rest], kind="stable")]
    ranking[rest] = np.arange(len(selected) + 1, len(last) + 1)
    return ranking


# --------------------------------------------------------------------------------------------
# prepared columns: the per-column work every pair shares
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    """One variable ready for pairs: its kind and, for floats, its sorted order.

    ``values`` are float64 divided by their standard deviation (continuous, tied), int64
    codes ``0 .. n_symbols - 1`` (discrete), or the raw symbols (constant).
    """

    kind: str  # "discrete", "continuous", "tied" or "constant"
    values: np.ndarray
    space: PreparedSpace | None = None  # floats: sorted and indexed for radius counts
    n_symbols: int = 0

    @property
    def order(self) -> np.ndarray:
        """The rows in increasing value (floats)."""
        return self.space.order


def _prepare(values: np.ndarray, discrete: bool) -> _Column:
    if discrete:
        codes, n_symbols = symbol_codes(values.reshape(-1, 1))
        kind = "constant" if n_symbols == 1 else "discrete"
        return _Column(kind, codes.astype(np.int64), n_symbols=n_symbols)
    values = values.astype(np.float64)
    scale = values.std()
    if scale == 0:
        return _Column("constant", values)
    values = values / scale
    space = sorted_space(values[:, None], np.argsort(values))
    ordered = space.sorted.values
    kind = "tied" if (ordered[1:] == ordered[:-1]).any() else "continuous"
    return _Column(kind, values, space)


def _prepared_columns(X, name: str, discrete_features, n_neighbors):
    """The columns of ``X`` prepared, and their names (None unless ``X`` is a DataFrame)."""
    _check_neighbors(n_neighbors)
    if hasattr(X, "columns") and hasattr(X, "dtypes"):
        names = [str(c) for c in X.columns]
        raw = [as_samples(X.iloc[:, i], f"{name}[{c!r}]") for i, c in enumerate(X.columns)]
        if not raw:
            raise ValueError(f"{name} has no columns")
    else:
        names = None
        samples = as_samples(X, name)
        raw = [samples[:, [i]] for i in range(samples.shape[1])]
    n = check_same_length(**{f"column {i}": r for i, r in enumerate(raw)})
    mask = _discrete_mask(discrete_features, raw)
    if n < 2 or (n <= n_neighbors and not mask.all()):
        raise ValueError(
            f"{name} has n_samples = {n}; the k-NN estimators need more samples than "
            f"n_neighbors = {n_neighbors}"
        )
    return [_prepare(r[:, 0], bool(m)) for r, m in zip(raw, mask, strict=True)], names


def _prepared_target(y, n: int, discrete_target, n_neighbors) -> _Column:
    target = as_samples(y, "y")
    if target.shape[1] != 1:
        raise ValueError(f"y must be one column (shape (n_samples,)); got shape {target.shape}")
    check_same_length(X=np.empty((n, 0)), y=target)
    discrete = is_discrete(target) if discrete_target is None else bool(discrete_target)
    if not discrete and target.dtype.kind in "OSU":
        raise TypeError(f"y holds {target.dtype} symbols; it cannot be a continuous target")
    return _prepare(target[:, 0], discrete)


def _discrete_mask(discrete_features, raw: list[np.ndarray]) -> np.ndarray:
    d = len(raw)
    if isinstance(discrete_features, str):
        if discrete_features != "auto":
            raise ValueError(
                f"discrete_features must be 'auto', a bool or a mask; got {discrete_features!r}"
            )
        return np.array([is_discrete(r) for r in raw])
    if isinstance(discrete_features, (bool, np.bool_)):
        return np.full(d, bool(discrete_features))
    given = np.asarray(discrete_features)
    if given.dtype == bool:
        if given.shape != (d,):
            raise ValueError(f"discrete_features mask has shape {given.shape}; X has {d} columns")
        return given
    mask = np.zeros(d, dtype=bool)
    try:
        mask[given.astype(np.intp)] = True
    except (IndexError, ValueError, TypeError):
        raise ValueError(
            f"discrete_features must hold column indices below {d}; got {discrete_features!r}"
        ) from None
    return mask | np.array([r.dtype.kind in "OSU" for r in raw])


def _check_neighbors(k) -> None:
    if isinstance(k, bool) or not isinstance(k, Integral) or k < 1:
        raise ValueError(f"n_neighbors must be a positive integer; got {k!r}")


# --------------------------------------------------------------------------------------------
# one pair
# --------------------------------------------------------------------------------------------


def _pair_estimator(method: str, k: int, random_state):
    """``(column, column) -> nats`` for ``method`` (``"auto"``: by kinds)."""
    if method == "auto":
        return lambda a, b: _auto_pair(a, b, k)
    if not isinstance(method, str):
        raise TypeError(f"method must be a string; got {type(method).__name__}")
    lookup(method, "mutual_information")  # an unknown name fails now, listing the known ones
    options = {"k": k} if method in _KNN_METHODS else {}
    if method == "ksg":
        # one int seed for every pair: a shared Generator would be drawn from in whatever
        # order the n_jobs threads run, so the same random_state could give other numbers
        options["random_state"] = int(as_generator(random_state).integers(2**63))

    def generic(a: _Column, b: _Column) -> float:
        if "constant" in (a.kind, b.kind):
            return 0.0  # whatever the method: a constant carries no information
        return _api.mutual_information(a.values, b.values, method, **options)

    return generic


def _auto_pair(a: _Column, b: _Column, k: int) -> float:
    if "constant" in (a.kind, b.kind):
        return 0.0
    if a.kind == "discrete" and b.kind == "discrete":
        return _api.mutual_information(a.values, b.values, "miller-madow")
    if b.kind == "discrete" or a.kind == "discrete":
        measured, labels = (a, b) if b.kind == "discrete" else (b, a)
        return _labelled_mi(measured, labels, k)
    return _ksg(a, b, k)


def _ksg(a: _Column, b: _Column, k: int) -> float:
    """KSG (variant 1) of two standardised float columns, with Gao et al.'s (2017) rule on
    atoms (:func:`estimators.knn.gao_mutual_information`): the columns' sorts are shared."""
    joint = np.column_stack((a.values, b.values))
    return gao_mutual_information(joint, [a.space, b.space], k)


def _labelled_mi(measured: _Column, labels: _Column, k: int) -> float:
    """MI of a float column and discrete labels: Ross (2014) with Gao et al.'s (2017) rule on
    atoms (:func:`estimators.knn.labelled_mutual_information`, given the column's sort).
    Without ties this is scikit-learn's ``mutual_info_classif``; a constant column gives
    exactly 0. Rows whose label occurs once are left out (they have no neighbour of their
    own), as in scikit-learn."""
    kept = _repeated(labels.values)
    if kept.sum() < 2:
        return 0.0  # no label occurs twice: nothing to estimate from
    values = measured.values[kept][:, None]
    space = measured.space if kept.all() else sorted_space(values, _kept_order(measured, kept))
    return labelled_mutual_information(values, labels.values[kept], k, space)


def _repeated(codes: np.ndarray) -> np.ndarray:
    """The rows whose label occurs more than once (the others have no same-label neighbour,
    and are left out as in scikit-learn)."""
    return np.bincount(codes)[codes] > 1


def _permuted(column: _Column, order: np.ndarray) -> _Column:
    """The column with its rows permuted (re-sorted if it holds floats)."""
    if column.kind in ("continuous", "tied"):
        return _prepare(column.values[order], discrete=False)
    return _Column(column.kind, column.values[order], n_symbols=column.n_symbols)


def _kept_order(column: _Column, kept: np.ndarray) -> np.ndarray:
    """The column's sorted order restricted to the kept rows, renumbered (no new sort)."""
    if kept.all():
        return column.order
    renumber = np.cumsum(kept) - 1
    return renumber[column.order[kept[column.order]]]


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
