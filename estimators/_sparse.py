"""Mutual information of the columns of a ``scipy.sparse`` matrix read as symbols, in O(nnz).

Sparse count matrices (bag of words, one-hot codes, click counts) are discrete features whose
most common symbol is zero. Every count the plug-in estimators need follows from the
non-zeros and a few totals, so no column is ever densified:

- a column's zero symbol occurs ``n - nnz_j`` times;
- its class counts are the class totals minus the column's non-zero class counts;
- the ``(0, 0)`` symbol of two columns covers the rows that are zero in both: ``n`` minus the
  size of the union of their non-zero rows, and the class totals minus that union's class
  counts.

:class:`SparseSymbols` prepares the columns once (CSC order, integer codes of the non-zero
values); :func:`mutual_info_with_labels` scores all columns against integer labels at once;
:func:`pair_mutual_information` and :func:`joint_relevance` give the pair terms of a greedy
selector, whose conditional relevance is ``I(X_a; y | X_b) = I((X_a, X_b); y) - I(X_b; y)``.

All values are in nats. ``correction="plugin"`` is the maximum-likelihood estimate (the
entropies of the empirical distribution, as scikit-learn's ``mutual_info_classif`` with
``discrete_features=True``); ``"miller-madow"`` adds ``(K - 1) / (2n)`` to each entropy
(Miller 1955), ``K`` the number of occupied symbols, exactly as
``estimators.mutual_information(..., method="miller-madow")`` on the dense columns.

Counting is ``np.bincount`` on integer keys where their range is at most a few times the
number of keys, else ``np.unique`` (a sort); there is no Python loop over rows or columns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral

import numpy as np
from scipy import sparse
from scipy.special import xlogy

from ._inputs import symbol_codes

__all__ = [
    "CORRECTIONS",
    "Labels",
    "SparseSymbols",
    "joint_relevance",
    "mutual_info_with_labels",
    "pair_mutual_information",
    "prepare_labels",
]

#: the entropy corrections the functions of this module know
CORRECTIONS = ("plugin", "miller-madow")


# --------------------------------------------------------------------------------------------
# prepared inputs
# --------------------------------------------------------------------------------------------


class SparseSymbols:
    """The columns of a sparse matrix as symbols, prepared once in CSC order.

    Column ``j`` is read as a discrete variable: its non-zero values are symbols with the
    integer codes ``1 .. K_j`` (in increasing order of value) and every other row, explicitly
    stored zeros included, holds the zero symbol (code 0). Duplicate entries of a COO input
    are summed first, as ``scipy.sparse`` does.

    Parameters
    ----------
    X : scipy.sparse matrix or array, shape (n_rows, n_columns)
        Any format (csr, csc, coo, ...), numeric (bool, integer or float) values. It is not
        modified.
    name : str
        The argument's name in error messages.

    Attributes
    ----------
    n_rows, n_columns : int
        The shape of ``X``.
    nnz : int
        Stored non-zero values (explicit zeros dropped, duplicates summed).
    indptr : ndarray, shape (n_columns + 1,)
        The non-zeros of column ``j`` are ``indptr[j]:indptr[j + 1]``.
    rows : ndarray, shape (nnz,)
        Their row indices, increasing within each column.
    cells : ndarray, shape (nnz,)
        Their ``(column, value)`` symbol, numbered ``0 .. n_cells - 1`` across columns in
        order of column then value; the cells of column ``j`` are
        ``cell_indptr[j]:cell_indptr[j + 1]``.

    Raises
    ------
    TypeError
        ``X`` is not a ``scipy.sparse`` matrix or array, or holds complex or object values.
    ValueError
        ``X`` has no row or no column, or holds NaN or infinite values.

    Notes
    -----
    Cost: ``O(nnz + n_columns)`` time and memory (a CSC copy of ``X`` and a few integer
    arrays of length ``nnz``); coding the values takes one ``np.bincount`` for integer values
    of a small range, else one sort, ``O(nnz log nnz)``.
    """

    def __init__(self, X, name: str = "X"):
        csc = _canonical_csc(X, name)
        self.n_rows, self.n_columns = (int(s) for s in csc.shape)
        self.nnz = int(csc.nnz)
        self.indptr = csc.indptr.astype(np.intp)
        self.rows = csc.indices.astype(np.intp)
        self.item_columns = np.repeat(np.arange(self.n_columns), np.diff(self.indptr))
        self.cells, self.n_cells = _cell_codes(csc.data, self.item_columns, self.n_columns)
        self.cell_columns = np.empty(self.n_cells, dtype=np.intp)
        self.cell_columns[self.cells] = self.item_columns
        per_column = np.bincount(self.cell_columns, minlength=self.n_columns)
        self.cell_indptr = np.concatenate(([0], np.cumsum(per_column)))

    def __repr__(self) -> str:
        return f"SparseSymbols(n_rows={self.n_rows}, n_columns={self.n_columns}, nnz={self.nnz})"

    def column(self, j: int) -> tuple[np.ndarray, np.ndarray, int]:
        """``(rows, codes, K)`` of column ``j``: the rows of its non-zeros (increasing), their
        symbol codes ``1 .. K`` and ``K``, its number of distinct non-zero values.
        ``O(nnz_j)``."""
        j = _check_column(j, self.n_columns)
        start, stop = self.indptr[j], self.indptr[j + 1]
        first = self.cell_indptr[j]
        codes = self.cells[start:stop] - first + 1
        return self.rows[start:stop], codes, int(self.cell_indptr[j + 1] - first)


@dataclass(frozen=True, eq=False)
class Labels:
    """Integer class labels prepared once: ``codes`` (length ``n``) in ``0 .. L-1`` and the
    class ``totals`` (length ``L``). Made by :func:`prepare_labels`; pass one to the pair
    functions so that repeated calls do not re-check and re-count the ``n`` labels."""

    codes: np.ndarray
    totals: np.ndarray

    @property
    def n_classes(self) -> int:
        return int(self.totals.size)


def prepare_labels(labels, n_rows: int) -> Labels:
    """Check integer labels and count their classes: ``O(n)`` time, ``O(n + L)`` memory.

    Parameters
    ----------
    labels : array_like of int, shape (n_rows,), or Labels
        Class codes ``>= 0`` (e.g. ``np.unique(y, return_inverse=True)[1]``). Codes need not
        be contiguous; codes of ``n_rows`` or more are renumbered (``O(n log n)``).
    n_rows : int
        The number of rows of the features.

    Returns
    -------
    Labels
    """
    if isinstance(labels, Labels):
        if labels.codes.size != n_rows:
            raise ValueError(f"labels have {labels.codes.size} rows; X has {n_rows}")
        return labels
    codes = np.asarray(labels)
    if codes.ndim != 1:
        raise ValueError(f"labels must have shape (n_samples,); got shape {codes.shape}")
    if codes.dtype.kind not in "biu":
        raise TypeError(
            f"labels must be integer class codes; got dtype {codes.dtype} "
            "(code them with np.unique(y, return_inverse=True)[1])"
        )
    if codes.size != n_rows:
        raise ValueError(f"labels have {codes.size} rows; X has {n_rows}")
    codes = codes.astype(np.intp)
    if codes.min() < 0:
        raise ValueError(f"labels must be codes >= 0; got the value {int(codes.min())}")
    if codes.max() >= n_rows:
        codes = np.unique(codes, return_inverse=True)[1].reshape(-1)
    return Labels(codes, np.bincount(codes))


# --------------------------------------------------------------------------------------------
# public functions
# --------------------------------------------------------------------------------------------


def mutual_info_with_labels(
    columns: SparseSymbols, labels: np.ndarray | Labels, *, correction: str
) -> np.ndarray:
    """Mutual information ``I(X_j; y)`` of every column with the labels, all at once (nats).

    With ``n_c`` the count of cell ``c`` (a symbol of ``X_j``, or a symbol and a class),
    ``S(.) = sum_c n_c log n_c`` and ``H = log n - S / n``::

        I_j = H(X_j) + H(y) - H(X_j, y)
            = (n log n - S(X_j) - S(y) + S(X_j, y)) / n

    The zero symbol's count is ``n - nnz_j`` and its class counts ``T_y - m_jy`` (``T_y`` the
    class totals, ``m_jy`` the non-zeros of column ``j`` in class ``y``), so ``S(y)`` cancels
    against the zero cells of ``S(X_j, y)`` and only classes with ``m_jy > 0`` are visited.

    Parameters
    ----------
    columns : SparseSymbols
        The prepared features.
    labels : array_like of int, shape (n_rows,), or Labels
        Class codes (see :func:`prepare_labels`).
    correction : {"plugin", "miller-madow"}
        ``"plugin"``: the maximum-likelihood estimate (equal to scikit-learn's
        ``mutual_info_classif(X, y, discrete_features=True)``, which clips at 0 an estimate
        that is >= 0 anyway). ``"miller-madow"``: each entropy gets ``(K - 1) / (2n)`` (Miller
        1955), so ``I_MM = I + ((K_x - 1) + (K_y - 1) - (K_xy - 1)) / (2n)`` with ``K`` the
        numbers of occupied symbols.

    Returns
    -------
    numpy.ndarray, shape (n_columns,)
        Nats, as computed (a Miller–Madow value can be slightly negative).

    Notes
    -----
    Cost: ``O(nnz + n + n_columns)`` time and memory — one count of the (cell, class) and one
    of the (column, class) pairs of the non-zeros (``np.bincount`` if ``n_cells * L`` is at
    most a few times ``nnz``, else a sort, ``O(nnz log nnz)``), and ``O(n)`` to check and
    count the labels unless a prepared :class:`Labels` is given.
    """
    mm = _check_correction(correction)
    target = prepare_labels(labels, columns.n_rows)
    counts = _label_counts(columns, target)
    mi = _plugin_with_labels(columns, counts)
    if mm:
        mi += _miller_madow_with_labels(columns, target, counts)
    return mi


def pair_mutual_information(columns: SparseSymbols, a: int, b: int, *, correction: str) -> float:
    """Mutual information ``I(X_a; X_b) = H(X_a) + H(X_b) - H(X_a, X_b)`` of two columns (nats).

    The joint symbol is read from the rows that are non-zero in either column; the others
    hold ``(0, 0)``, ``n`` minus their number. Entropies are plug-in, ``log n - S / n``,
    with ``(K - 1) / (2n)`` added to each for ``correction="miller-madow"`` (Miller 1955).

    Parameters
    ----------
    columns : SparseSymbols
        The prepared features.
    a, b : int
        Column indices (``a == b`` gives the entropy of the column).
    correction : {"plugin", "miller-madow"}
        As :func:`mutual_info_with_labels`.

    Returns
    -------
    float
        Nats, as computed.

    Notes
    -----
    Cost: ``O(nnz_a + nnz_b)`` time and memory (the two sorted row lists are merged by a
    stable sort, linear on two runs; the joint symbols are counted by ``np.bincount`` when
    ``(K_a + 1)(K_b + 1)`` is small, else by a sort). Nothing of size ``n``.
    """
    mm = _check_correction(correction)
    n = columns.n_rows
    _, joint_a, joint_b, size_b = _union(columns, a, b)
    joint = _counts_of(joint_a * size_b + joint_b, _radix(joint_a) * size_b)[1]
    h_a = _entropy(_symbol_counts(joint_a, n), n, mm)
    h_b = _entropy(_symbol_counts(joint_b, n), n, mm)
    h_ab = _entropy(np.append(joint, n - joint_a.size), n, mm)
    return float(h_a + h_b - h_ab)


def joint_relevance(
    columns: SparseSymbols, a: int, b: int, labels: np.ndarray | Labels, *, correction: str
) -> float:
    """Mutual information ``I((X_a, X_b); y)`` of the joint symbol of two columns and the
    labels (nats): ``H(X_a, X_b) + H(y) - H(X_a, X_b, y)``.

    Rows non-zero in either column get a joint code; the rest are the ``(0, 0)`` symbol,
    whose class counts are the class totals minus the class counts of those rows. The
    conditional relevance of a greedy selector (JMI, CMIM) is then
    ``I(X_a; y | X_b) = joint_relevance(a, b) - I(X_b; y)``, with ``I(X_b; y)`` from
    :func:`mutual_info_with_labels` and the same ``correction`` (the identity holds for both
    corrections: each side is the same combination of corrected entropies). ``columns``,
    ``a``, ``b`` and ``correction`` as :func:`pair_mutual_information`; ``labels``: class
    codes of shape ``(n_rows,)``, or a :class:`Labels` from :func:`prepare_labels` when
    calling this for many pairs. Returns nats, as computed.

    Cost: ``O(nnz_a + nnz_b + L)`` time and memory with prepared :class:`Labels` (``L``
    classes: the class counts of the ``(0, 0)`` symbol); raw labels add ``O(n)`` to check
    and count them.
    """
    mm = _check_correction(correction)
    target = prepare_labels(labels, columns.n_rows)
    n, n_classes = columns.n_rows, target.n_classes
    union, joint_a, joint_b, size_b = _union(columns, a, b)
    symbols, counts = _codes_and_counts(joint_a * size_b + joint_b, _radix(joint_a) * size_b)
    classes = target.codes[union]
    with_class = _counts_of(symbols * n_classes + classes, counts.size * n_classes)[1]
    zero_classes = target.totals - np.bincount(classes, minlength=n_classes)
    h_ab = _entropy(np.append(counts, n - union.size), n, mm)
    h_y = _entropy(target.totals, n, mm)
    h_ab_y = _entropy(np.concatenate((with_class, zero_classes)), n, mm)
    return float(h_ab + h_y - h_ab_y)


# --------------------------------------------------------------------------------------------
# private helpers
# --------------------------------------------------------------------------------------------


def _canonical_csc(X, name: str) -> sparse.csc_array:
    """A checked CSC copy of ``X``: duplicates summed, rows sorted, explicit zeros dropped."""
    if not sparse.issparse(X):
        raise TypeError(f"{name} must be a scipy.sparse matrix or array; got {type(X).__name__}")
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features); got shape {X.shape}")
    if 0 in X.shape:
        raise ValueError(f"{name} must have at least one row and one column; got shape {X.shape}")
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers; got dtype {X.dtype}")
    csc = sparse.csc_array(X, copy=True)
    csc.sum_duplicates()  # also sorts the rows of each column
    finite = np.isfinite(csc.data)
    if not finite.all():
        raise ValueError(
            f"{name} contains NaN or infinite values ({int((~finite).sum())} of {csc.nnz} "
            "stored values); remove or impute them first"
        )
    csc.eliminate_zeros()  # an explicitly stored zero is the zero symbol
    return csc


def _cell_codes(data: np.ndarray, item_columns: np.ndarray, d: int) -> tuple[np.ndarray, int]:
    """Codes ``0 .. C-1`` of the ``(column, value)`` pairs of the non-zeros, ordered by column
    then value, and ``C``."""
    if data.size == 0:
        return np.zeros(0, dtype=np.intp), 0
    values, n_values = symbol_codes(data.reshape(-1, 1))
    cells, sizes = _codes_and_counts(item_columns * n_values + values, d * n_values)
    return cells, sizes.size


@dataclass(frozen=True, eq=False)
class _LabelCounts:
    """The counts of the non-zeros by class: ``pair_*`` per occupied (cell, class), ``hit_*``
    per occupied (column, class), with that class's total."""

    pair_columns: np.ndarray
    pair_counts: np.ndarray
    hit_columns: np.ndarray
    hit_counts: np.ndarray
    hit_totals: np.ndarray


def _label_counts(columns: SparseSymbols, target: Labels) -> _LabelCounts:
    """Two counts over the ``nnz`` non-zeros (``np.bincount`` or a sort, see :func:`_counts_of`)."""
    n_classes = target.n_classes
    classes = target.codes[columns.rows]
    pairs, pair_counts = _counts_of(
        columns.cells * n_classes + classes, columns.n_cells * n_classes
    )
    hits, hit_counts = _counts_of(
        columns.item_columns * n_classes + classes, columns.n_columns * n_classes
    )
    return _LabelCounts(
        columns.cell_columns[pairs // n_classes],
        pair_counts,
        hits // n_classes,
        hit_counts,
        target.totals[hits % n_classes],
    )


def _plugin_with_labels(columns: SparseSymbols, counts: _LabelCounts) -> np.ndarray:
    """``(n log n - S(X_j) + S(X_j, y) - S(y)) / n`` per column, where the zero cells of
    ``S(X_j, y) - S(y)`` reduce to ``-sum_y [T_y log T_y - (T_y - m_jy) log(T_y - m_jy)]``
    over the classes the column's non-zeros hit."""
    n, d = columns.n_rows, columns.n_columns
    joint = np.bincount(counts.pair_columns, weights=_xlogx(counts.pair_counts), minlength=d)
    totals = counts.hit_totals
    lost = _xlogx(totals) - _xlogx(totals - counts.hit_counts)
    lost = np.bincount(counts.hit_columns, weights=lost, minlength=d)
    values = _xlogx(np.bincount(columns.cells, minlength=columns.n_cells))
    values = np.bincount(columns.cell_columns, weights=values, minlength=d)
    zeros = n - np.diff(columns.indptr)
    return (_xlogx(n) - values - _xlogx(zeros) + joint - lost) / n


def _miller_madow_with_labels(
    columns: SparseSymbols, target: Labels, counts: _LabelCounts
) -> np.ndarray:
    """``((K_x - 1) + (K_y - 1) - (K_xy - 1)) / (2n)`` per column, ``K`` the occupied symbols:
    the zero symbol is occupied unless the column has no zero, and the ``(0, y)`` cell
    unless the column's non-zeros cover the whole class ``y``."""
    n, d = columns.n_rows, columns.n_columns
    k_y = np.count_nonzero(target.totals)
    k_x = np.diff(columns.cell_indptr) + (np.diff(columns.indptr) < n)
    emptied = counts.hit_counts == counts.hit_totals
    emptied = np.bincount(counts.hit_columns, weights=emptied, minlength=d)
    k_xy = np.bincount(counts.pair_columns, minlength=d) + k_y - emptied
    return (k_x + k_y - k_xy - 1) / (2 * n)


def _check_column(j, d: int) -> int:
    if isinstance(j, (bool, np.bool_)) or not isinstance(j, Integral) or not 0 <= j < d:
        raise ValueError(f"column index must be an integer in [0, {d}); got {j!r}")
    return int(j)


def _check_correction(correction) -> bool:
    """True for Miller–Madow, False for the plug-in; anything else is refused."""
    if correction not in CORRECTIONS:
        raise ValueError(f"correction must be one of {CORRECTIONS}; got {correction!r}")
    return correction == "miller-madow"


def _union(columns: SparseSymbols, a: int, b: int):
    """The rows non-zero in column ``a`` or ``b`` (increasing), the codes of both columns on
    them (0: zero), and the code range of ``b``, ``K_b + 1``. ``O(nnz_a + nnz_b)``."""
    rows_a, codes_a, _ = columns.column(a)
    rows_b, codes_b, k_b = columns.column(b)
    rows = np.concatenate((rows_a, rows_b))
    order = np.argsort(rows, kind="stable")  # timsort: a linear merge of two sorted runs
    ordered = rows[order]
    first = np.ones(rows.size, dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    slot = np.empty(rows.size, dtype=np.intp)
    slot[order] = np.cumsum(first) - 1
    union = ordered[first]
    joint_a = np.zeros(union.size, dtype=np.intp)
    joint_b = np.zeros(union.size, dtype=np.intp)
    joint_a[slot[: rows_a.size]] = codes_a
    joint_b[slot[rows_a.size :]] = codes_b
    return union, joint_a, joint_b, k_b + 1


def _radix(codes: np.ndarray) -> int:
    """One more than the largest code (1 when there is none)."""
    return int(codes.max()) + 1 if codes.size else 1


def _symbol_counts(codes: np.ndarray, n: int) -> np.ndarray:
    """Counts of one column's symbols over ``n`` rows from its codes on the non-zero rows of a
    union: code 0 there, plus the rows outside the union, are its zero symbol."""
    counts = np.bincount(codes, minlength=1)
    counts[0] += n - codes.size
    return counts


def _counts_of(keys: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of integer ``keys`` in ``[0, size)`` (increasing) and their counts:
    ``np.bincount`` when ``size`` is at most a few times ``keys.size``, else a sort."""
    if size <= _dense_limit(keys.size):
        counts = np.bincount(keys, minlength=size)
        occupied = np.flatnonzero(counts)
        return occupied, counts[occupied]
    return np.unique(keys, return_counts=True)


def _codes_and_counts(keys: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes ``0 .. K-1`` of integer ``keys`` in ``[0, size)`` (in the keys' order) and the
    count of each code."""
    if size <= _dense_limit(keys.size):
        counts = np.bincount(keys, minlength=size)
        occupied = counts > 0
        return (np.cumsum(occupied) - 1)[keys], counts[occupied]
    _, codes, counts = np.unique(keys, return_inverse=True, return_counts=True)
    return codes.reshape(-1), counts


def _dense_limit(n_keys: int) -> int:
    """The largest key range counted by a dense ``np.bincount`` table (``O(n_keys)``)."""
    return max(4 * n_keys, 1 << 16)


def _xlogx(counts) -> np.ndarray:
    """``c log c`` with ``0 log 0 = 0``."""
    counts = np.asarray(counts, dtype=float)
    return xlogy(counts, counts)


def _entropy(counts: np.ndarray, n: int, miller_madow: bool) -> float:
    """Plug-in entropy ``log n - sum_c n_c log n_c / n`` of counts summing to ``n`` (zeros
    allowed), plus ``(K - 1) / (2n)`` for Miller–Madow, ``K`` the occupied cells."""
    h = math.log(n) - float(_xlogx(counts).sum()) / n
    if miller_madow:
        h += (np.count_nonzero(counts) - 1) / (2 * n)
    return h
