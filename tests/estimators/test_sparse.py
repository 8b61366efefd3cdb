"""Sparse symbol columns (:mod:`estimators._sparse`) against the dense plug-in estimators and
scikit-learn's ``mutual_info_classif``: every value is checked against an independent
computation on the densified columns."""

import tracemalloc

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_selection import mutual_info_classif

import estimators
from estimators._sparse import (
    CORRECTIONS,
    SparseSymbols,
    joint_relevance,
    mutual_info_with_labels,
    pair_mutual_information,
    prepare_labels,
)

N = 60
# column 7 holds non-integer symbols, which scikit-learn's contingency table warns about
SKLEARN_FLOATS = pytest.mark.filterwarnings("ignore:Clustering metrics expects discrete")
SPECIAL = 9  # the first columns of the test matrix are edge cases, the rest random

FORMATS = {
    "coo_array (duplicates, stored zeros)": lambda X: X,
    "coo_matrix": sparse.coo_matrix,
    "csr_matrix": sparse.csr_matrix,
    "csc_matrix": sparse.csc_matrix,
    "csr_array": sparse.csr_array,
    "csc_array": sparse.csc_array,
    "lil_array": sparse.lil_array,
    "dok_array": sparse.dok_array,
    "bsr_matrix": sparse.bsr_matrix,
}


def _entries(rng, y):
    """``(rows, columns, values)`` of the edge-case columns, as COO triples."""
    n = y.size
    everywhere = np.arange(n)
    some = rng.choice(n, size=20, replace=False)
    class_zero = np.flatnonzero(y == 0)
    columns = [
        (np.array([5]), np.array([0.0])),  # 0: all zero (one explicitly stored zero)
        (everywhere, rng.integers(1, 4, n)),  # 1: no zero at all
        (some, np.where(np.arange(20) < 8, 0, rng.integers(1, 3, 20))),  # 2: stored zeros
        (np.array([17]), np.array([4.0])),  # 3: a single non-zero
        (some, rng.choice([-3.0, -1.0, 2.0], 20)),  # 4: negative values
        (everywhere, np.full(n, 7.0)),  # 5: one non-zero value on every row
        (class_zero, np.ones(class_zero.size)),  # 6: non-zero exactly on class 0
        (some, rng.choice([0.5, 1.5, -2.25], 20)),  # 7: non-integer values
        # 8: duplicates summed: +2 and -2 make a zero, 1 + 1 a two
        (np.array([3, 3, 9, 9, 11]), np.array([2.0, -2.0, 1.0, 1.0, 5.0])),
    ]
    rows = np.concatenate([r for r, _ in columns])
    cols = np.concatenate([np.full(r.size, j) for j, (r, _) in enumerate(columns)])
    values = np.concatenate([v for _, v in columns]).astype(float)
    return rows, cols, values


def _matrix(seed: int, n_random: int = 12):
    """``(X, dense, y)``: a COO array with duplicate entries and stored zeros, its dense
    values and 3-class labels."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, N)
    rows, cols, values = _entries(rng, y)
    for j in range(n_random):
        density = (0.03, 0.2, 0.7)[j % 3]
        hit = np.flatnonzero(rng.random(N) < density)
        rows = np.concatenate((rows, hit))
        cols = np.concatenate((cols, np.full(hit.size, SPECIAL + j)))
        values = np.concatenate((values, rng.choice([-2.0, 1.0, 2.0, 3.0], hit.size)))
    X = sparse.coo_array((values, (rows, cols)), shape=(N, SPECIAL + n_random))
    return X, X.toarray(), y


@pytest.fixture(scope="module")
def data():
    X, dense, y = _matrix(0)
    return SparseSymbols(X), X, dense, y


def _pairs(d: int):
    """Every pair among the edge cases, both orders and the diagonal, and some random ones."""
    rng = np.random.default_rng(1)
    fixed = [(a, b) for a in range(SPECIAL) for b in range(SPECIAL)]
    return fixed + [tuple(p) for p in rng.integers(0, d, size=(20, 2))]


# --------------------------------------------------------------------------------------------
# preparation
# --------------------------------------------------------------------------------------------


def test_the_test_matrix_has_its_edge_cases(data):
    _, X, dense, y = data
    csr = X.tocsr()
    assert (csr.data == 0).any()  # stored zeros survive the conversion
    assert X.nnz > csr.nnz  # duplicates were summed
    assert (dense[:, 0] == 0).all() and (dense[:, 1] != 0).all()
    assert np.count_nonzero(dense[:, 3]) == 1 and (dense[:, 4] < 0).any()
    np.testing.assert_array_equal(dense[:, 6] != 0, y == 0)  # covers class 0 exactly


@SKLEARN_FLOATS
@pytest.mark.parametrize("fmt", FORMATS)
def test_shape_and_every_format_gives_sklearn_values(data, fmt):
    _, X, dense, y = data
    columns = SparseSymbols(FORMATS[fmt](X))
    assert (columns.n_rows, columns.n_columns) == dense.shape
    found = mutual_info_with_labels(columns, y, correction="plugin")
    expected = mutual_info_classif(dense, y, discrete_features=True)
    np.testing.assert_allclose(found, expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("correction", CORRECTIONS)
def test_a_non_canonical_csc_matrix(correction):
    """Unsorted rows and duplicate entries within a column (summed, as ``toarray`` does)."""
    indptr = np.array([0, 4, 7])
    indices = np.array([5, 1, 5, 3, 4, 0, 4])
    values = np.array([1.0, 2.0, 1.0, -1.0, 3.0, 3.0, -3.0])
    X = sparse.csc_array((values, indices, indptr), shape=(6, 2))
    assert not X.has_canonical_format
    dense, y = X.toarray(), np.array([0, 1, 0, 1, 1, 0])
    columns = SparseSymbols(X)
    found = mutual_info_with_labels(columns, y, correction=correction)
    expected = [estimators.mutual_information(x, y, correction) for x in dense.T]
    np.testing.assert_allclose(found, expected, rtol=0, atol=1e-12)
    found = pair_mutual_information(columns, 0, 1, correction=correction)
    expected = estimators.mutual_information(dense[:, 0], dense[:, 1], correction)
    assert found == pytest.approx(expected, abs=1e-12)
    found = joint_relevance(columns, 1, 0, y, correction=correction)
    assert found == pytest.approx(estimators.mutual_information(dense, y, correction), abs=1e-12)


@pytest.mark.parametrize("fmt", ["coo_array (duplicates, stored zeros)", "csc_array"])
def test_input_is_not_modified(data, fmt):
    X = FORMATS[fmt](data[1])
    assert (X.data == 0).any()  # stored zeros, which the preparation drops from its copy
    copy = X.copy()
    SparseSymbols(X)
    assert X.nnz == copy.nnz
    np.testing.assert_array_equal(X.data, copy.data)


def test_column_codes_match_the_dense_column(data):
    columns, _, dense, _ = data
    for j in range(dense.shape[1]):
        rows, codes, k = columns.column(j)
        np.testing.assert_array_equal(rows, np.flatnonzero(dense[:, j]))
        values = np.unique(dense[rows, j])
        assert k == values.size
        np.testing.assert_array_equal(codes, np.searchsorted(values, dense[rows, j]) + 1)


# --------------------------------------------------------------------------------------------
# relevance of every column
# --------------------------------------------------------------------------------------------


@SKLEARN_FLOATS
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_plugin_equals_sklearn_on_sparse_input(seed):
    X, _, y = _matrix(seed, n_random=30)
    X = X.tocsr()
    found = mutual_info_with_labels(SparseSymbols(X), y, correction="plugin")
    expected = mutual_info_classif(X, y, discrete_features=True)
    np.testing.assert_allclose(found, expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("correction", CORRECTIONS)
def test_every_column_equals_the_dense_estimator(data, correction):
    columns, _, dense, y = data
    found = mutual_info_with_labels(columns, y, correction=correction)
    expected = [estimators.mutual_information(x, y, correction) for x in dense.T]
    np.testing.assert_allclose(found, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("correction", CORRECTIONS)
def test_labels_with_gaps_and_large_codes(data, correction):
    """An empty class does not count as an occupied symbol, and codes >= n are renumbered."""
    columns, _, dense, y = data
    labels = np.array([0, 2, 1000])[y]
    found = mutual_info_with_labels(columns, labels, correction=correction)
    expected = [estimators.mutual_information(x, labels, correction) for x in dense.T]
    np.testing.assert_allclose(found, expected, rtol=0, atol=1e-12)


def test_miller_madow_is_the_plugin_plus_occupied_symbols(data):
    """``I_MM = I + ((K_x - 1) + (K_y - 1) - (K_xy - 1)) / (2n)``, K counted on the dense
    columns."""
    columns, _, dense, y = data
    plugin = mutual_info_with_labels(columns, y, correction="plugin")
    found = mutual_info_with_labels(columns, y, correction="miller-madow")
    k_x = np.array([np.unique(x).size for x in dense.T])
    k_xy = np.array([np.unique(np.column_stack((x, y)), axis=0).shape[0] for x in dense.T])
    expected = plugin + (k_x + np.unique(y).size - k_xy - 1) / (2 * N)
    np.testing.assert_allclose(found, expected, rtol=0, atol=1e-12)


def test_memory_does_not_grow_with_n_times_d():
    """1,000 x 100,000 with 2,000 non-zeros: densified it would take 800 MB."""
    rng = np.random.default_rng(3)
    n, d, nnz = 1_000, 100_000, 2_000
    X = sparse.csr_array(
        (
            rng.integers(1, 4, nnz).astype(float),
            (rng.integers(n, size=nnz), rng.integers(d, size=nnz)),
        ),
        shape=(n, d),
    )
    y = rng.integers(0, 4, n)
    tracemalloc.start()
    try:
        mutual_info_with_labels(SparseSymbols(X), y, correction="miller-madow")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 200 * (nnz + n + d)  # about 20 MB; densified: 800 MB


# --------------------------------------------------------------------------------------------
# pair terms of a greedy selector
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("correction", CORRECTIONS)
def test_pair_mutual_information_equals_the_dense_estimator(data, correction):
    columns, _, dense, _ = data
    for a, b in _pairs(dense.shape[1]):
        found = pair_mutual_information(columns, a, b, correction=correction)
        expected = estimators.mutual_information(dense[:, a], dense[:, b], correction)
        assert found == pytest.approx(expected, abs=1e-12), (a, b)


@pytest.mark.parametrize("prepared", [False, True])
@pytest.mark.parametrize("correction", CORRECTIONS)
def test_joint_relevance_equals_the_dense_estimator(data, correction, prepared):
    columns, _, dense, y = data
    labels = prepare_labels(y, N) if prepared else y
    for a, b in _pairs(dense.shape[1]):
        found = joint_relevance(columns, a, b, labels, correction=correction)
        expected = estimators.mutual_information(dense[:, [a, b]], y, correction)
        assert found == pytest.approx(expected, abs=1e-12), (a, b)


@pytest.mark.parametrize("correction", CORRECTIONS)
def test_conditional_relevance_is_joint_minus_single(data, correction):
    """``I(X_a; y | X_b) = I((X_a, X_b); y) - I(X_b; y)`` against the dense conditional MI."""
    columns, _, dense, y = data
    labels = prepare_labels(y, N)
    single = mutual_info_with_labels(columns, labels, correction=correction)
    for a, b in _pairs(dense.shape[1]):
        found = joint_relevance(columns, a, b, labels, correction=correction) - single[b]
        expected = estimators.conditional_mutual_information(
            dense[:, a], y, dense[:, b], correction
        )
        assert found == pytest.approx(expected, abs=1e-12), (a, b)


def test_an_all_zero_matrix():
    X = sparse.csr_array((4, 3))
    y = np.array([0, 1, 1, 0])
    columns = SparseSymbols(X)
    for correction in CORRECTIONS:
        expected = estimators.mutual_information(np.zeros(4), y, correction)
        found = mutual_info_with_labels(columns, y, correction=correction)
        np.testing.assert_allclose(found, expected, atol=1e-15)
        assert pair_mutual_information(columns, 0, 1, correction=correction) == pytest.approx(
            estimators.mutual_information(np.zeros(4), np.zeros(4), correction), abs=1e-15
        )


# --------------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values_are_refused(bad):
    X = sparse.csr_array(np.array([[0.0, 1.0], [bad, 0.0]]))
    with pytest.raises(ValueError, match="X contains NaN or infinite"):
        SparseSymbols(X)


@pytest.mark.parametrize("shape", [(0, 3), (3, 0)])
def test_empty_shapes_are_refused(shape):
    with pytest.raises(ValueError, match="at least one row and one column"):
        SparseSymbols(sparse.csr_array(shape))


def test_other_inputs_are_refused():
    with pytest.raises(TypeError, match=r"scipy\.sparse"):
        SparseSymbols(np.eye(3))
    with pytest.raises(TypeError, match="real numbers"):
        SparseSymbols(sparse.csr_array(np.eye(3) * 1j))


def test_bad_labels_corrections_and_indices_are_refused(data):
    columns, _, _, y = data
    with pytest.raises(ValueError, match="labels have 59 rows; X has 60"):
        mutual_info_with_labels(columns, y[1:], correction="plugin")
    with pytest.raises(ValueError, match="codes >= 0"):
        mutual_info_with_labels(columns, y - 1, correction="plugin")
    with pytest.raises(TypeError, match="integer class codes"):
        mutual_info_with_labels(columns, y.astype(float), correction="plugin")
    with pytest.raises(ValueError, match="correction must be one of"):
        mutual_info_with_labels(columns, y, correction="grassberger")
    with pytest.raises(ValueError, match="column index"):
        pair_mutual_information(columns, 0, columns.n_columns, correction="plugin")
    with pytest.raises(ValueError, match="column index"):
        joint_relevance(columns, -1, 0, y, correction="plugin")
