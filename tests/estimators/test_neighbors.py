"""The shared k-NN mechanics: the quantile-grid search and the sorted counts are exact.

Every result is compared point for point with scipy's cKDTree (a brute-force-equivalent
reference): the grid must find the same k-th distance, not an approximation of it.
"""

import multiprocessing
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from scipy.spatial import cKDTree
from scipy.special import digamma

from estimators import _neighbors
from estimators._kernels import QuantileGrid, SortedValues

CHEBYSHEV, EUCLIDEAN = np.inf, 2.0


def _tree_kth(points, k, p):
    return cKDTree(points).query(points, k=[k + 1], p=p)[0][:, 0]


def _clouds(seed):
    """Point clouds that stress a grid: heavy tails, ties, a tight cluster among outliers."""
    rng = np.random.default_rng(seed)
    yield "gaussian", rng.standard_normal((3000, 2))
    yield "cauchy", rng.standard_cauchy((3000, 2))
    yield "rounded", np.round(rng.standard_normal((3000, 2)), 1)  # many exact duplicates
    cluster = np.vstack((rng.standard_normal((2990, 3)) * 1e-6, rng.standard_normal((10, 3)) * 1e3))
    yield "cluster", cluster
    yield "1-d", rng.exponential(size=(3000, 1))


def _grid(points, ranked):
    """The grid with cells from estimated quantiles, or (``ranked``) from the columns' ranks."""
    orders = [np.argsort(column) for column in points.T] if ranked else None
    return QuantileGrid(points, orders=orders)


@pytest.mark.parametrize("ranked", [False, True])
@pytest.mark.parametrize("p", [CHEBYSHEV, EUCLIDEAN])
@pytest.mark.parametrize("k", [1, 3, 10])
def test_grid_kth_distances_equal_the_tree(p, k, ranked):
    # 2-D with the max-norm runs the specialised plane kernel, the rest the general one
    for name, points in _clouds(k):
        found = _grid(points, ranked).kth_distances(k, chebyshev=p == CHEBYSHEV)
        np.testing.assert_array_equal(found, _tree_kth(points, k, p), err_msg=name)


@pytest.mark.parametrize("ranked", [False, True])
@pytest.mark.parametrize("p", [CHEBYSHEV, EUCLIDEAN])
def test_grid_distances_to_another_sample_equal_the_tree(p, ranked):
    rng = np.random.default_rng(1)
    reference = np.round(rng.standard_normal((2000, 2)), 2)  # ties straddle the ranked cuts
    queries = 3 * rng.standard_normal((1500, 2))  # many fall outside the reference's range
    found = _grid(reference, ranked).kth_distances_to(queries, 4, chebyshev=p == CHEBYSHEV)
    expected = cKDTree(reference).query(queries, k=[4], p=p)[0][:, 0]
    np.testing.assert_array_equal(found, expected)


@pytest.mark.parametrize("n", [2, 3, 5])
def test_grid_with_as_few_points_as_neighbours_plus_one(n):
    points = np.random.default_rng(n).standard_normal((n, 2))
    found = QuantileGrid(points).kth_distances(n - 1, chebyshev=True)
    np.testing.assert_array_equal(found, _tree_kth(points, n - 1, CHEBYSHEV))


def test_occupancy_flags_concentrated_data_and_the_tree_takes_over():
    rng = np.random.default_rng(2)
    spread = rng.standard_normal((20000, 2))
    line = np.repeat(rng.standard_normal((20000, 1)), 2, axis=1)  # all mass on the diagonal
    line[:, 1] += 1e-9 * rng.standard_normal(20000)
    assert QuantileGrid(spread).occupancy() < 8  # ~ points per cell + 1 = 5 when even
    assert QuantileGrid(line).occupancy() > _neighbors.GRID_MAX_OCCUPANCY
    assert _neighbors._grid(spread) is not None and _neighbors._grid(line) is None
    for points in (spread, line):
        found = _neighbors.kth_neighbor_distances(points, 3)
        np.testing.assert_array_equal(found, _tree_kth(points, 3, CHEBYSHEV))


def test_high_dimensions_use_the_tree_and_agree():
    points = np.random.default_rng(3).standard_normal((2000, _neighbors.GRID_MAX_DIM + 1))
    assert _neighbors._grid(points) is None
    np.testing.assert_array_equal(
        _neighbors.kth_neighbor_distances(points, 3, EUCLIDEAN), _tree_kth(points, 3, EUCLIDEAN)
    )


def _brute_counts(points, radius, strict):
    """Other points within each radius (max-norm), from the n x n distance matrix."""
    gaps = np.abs(points[:, None, :] - points[None, :, :]).max(axis=2)
    inside = gaps < radius[:, None] if strict else gaps <= radius[:, None]
    return inside.sum(axis=1) - np.where(strict & (radius == 0), 0, 1)


@pytest.mark.parametrize("strict", [True, False])
def test_sorted_counts_equal_brute_force_at_rounding_edges(strict):
    # values with a large offset and radii equal to actual gaps: s[i] + r rounds, so only the
    # predicate |s[j] - s[i]| < r itself (as the tree evaluates it) gives these counts
    rng = np.random.default_rng(4)
    s = np.sort(1e6 + np.round(rng.standard_normal(1500) * 1e3) / 7)
    radius = np.abs(s - s[rng.permutation(1500)])
    expected = _brute_counts(s[:, None], radius, strict)
    np.testing.assert_array_equal(SortedValues(s).radius_counts(radius, strict), expected)


@pytest.mark.parametrize("strict", [True, False])
def test_sorted_counts_equal_brute_force_wherever_the_search_starts(strict):
    # the search starts where a bucket index places s[i] +- r: long runs of ties (many
    # values in one bucket), a few values spanning many buckets, radii of 0 and inf, values
    # of 1e-3 to 1e3 (so that s[i] +- r rounds), arrays of 1 to 300
    rng = np.random.default_rng(7)
    for _ in range(300):
        n = int(rng.integers(1, 300))
        scale = rng.choice([1e-3, 1.0, 1e3])
        s = np.sort(np.round(rng.standard_normal(n) * scale, int(rng.integers(0, 3))))
        radius = np.abs(rng.standard_normal(n)) * rng.choice([1e-3, 0.1, 1.0, 100.0])
        radius[rng.random(n) < 0.2] = 0.0
        radius[rng.random(n) < 0.05] = np.inf
        expected = _brute_counts(s[:, None], radius, strict)
        np.testing.assert_array_equal(SortedValues(s).radius_counts(radius, strict), expected)


@pytest.mark.parametrize("strict", [True, False])
def test_sorted_counts_equal_brute_force_with_a_degenerate_bucket_index(strict):
    # an outlier puts every other value into one bucket; a spread beyond float64's range
    # (inf) leaves a single bucket; the counts must not change, only the search's cost
    rng = np.random.default_rng(9)
    bulk = rng.standard_normal(200)
    for s in (np.append(bulk, 1e12), np.append(bulk, [-1e308, 1e308]), np.zeros(5)):
        s = np.sort(s)
        radius = np.abs(rng.standard_normal(len(s)))
        radius[::7] = np.inf
        with np.errstate(over="ignore"):  # 1e308 - (-1e308) is inf, as in the kernel
            expected = _brute_counts(s[:, None], radius, strict)
        np.testing.assert_array_equal(SortedValues(s).radius_counts(radius, strict), expected)


def _plane_samples(rng, trial, n):
    """2-D samples: continuous, all-integer (atoms on both axes), one atom-heavy axis, or
    values rounded after scaling by 1e-3 .. 1e3 (ties and rounding at the radius)."""
    kind = trial % 4
    if kind == 0:
        return rng.standard_normal((n, 2))
    if kind == 1:
        return rng.integers(0, 4, (n, 2)).astype(float)
    if kind == 2:
        return np.column_stack((rng.integers(0, 3, n) * 1.0, rng.standard_normal(n)))
    return np.round(rng.standard_normal((n, 2)) * rng.choice([1e-3, 1.0, 1e3]), 1)


@pytest.mark.parametrize("ranked", [True, False])
@pytest.mark.parametrize("strict", [True, False])
def test_grid_radius_counts_equal_brute_force(strict, ranked):
    # whole cells from prefix sums, edge cells point by point: every cell kind is exercised
    # by atoms (cells of one value), radii of 0 and inf, and cells from ranks or from cuts
    rng = np.random.default_rng(10)
    for trial in range(120):
        n = int(rng.integers(1, 300))
        points = _plane_samples(rng, trial, n)
        radius = np.abs(rng.standard_normal(n)) * rng.choice([0.01, 0.3, 3.0])
        radius[rng.random(n) < 0.1] = 0.0
        radius[rng.random(n) < 0.05] = np.inf
        orders = [np.argsort(points[:, a]) for a in range(2)] if ranked else None
        grid = QuantileGrid(points, orders=orders)
        np.testing.assert_array_equal(
            grid.radius_counts(radius, strict), _brute_counts(points, radius, strict)
        )


def test_two_dimensional_counts_go_through_the_grid():
    points = np.random.default_rng(11).standard_normal((500, 2))
    space = _neighbors.prepare_space(points)
    assert space.grid is not None and space.tree is None
    radius = np.full(500, 0.2)
    np.testing.assert_array_equal(
        _neighbors.count_within(points, radius, strict=True),
        _brute_counts(points, radius, True),
    )


def test_k_neighbors_of_some_rows_equal_those_of_all():
    rng = np.random.default_rng(14)
    points = np.round(rng.standard_normal((300, 3)), 1)  # ties: copies stand in for itself
    rows = rng.choice(300, 40, replace=False)
    distances, _ = _neighbors.k_neighbors(points, 4)
    some, indices = _neighbors.k_neighbors(points, 4, rows=rows)
    np.testing.assert_array_equal(some, distances[rows])
    gaps = np.abs(points[indices] - points[rows][:, None, :]).max(axis=2)
    np.testing.assert_array_equal(gaps, some)  # the indices are the points at those distances


def test_copies_count_the_rows_at_distance_zero():
    rng = np.random.default_rng(12)
    for d in (1, 2, 3):
        points = rng.integers(0, 3, (400, d)).astype(float)
        points[rng.random((400, d)) < 0.2] *= -0.0  # -0.0 is 0.0 here, as in distances
        expected = (np.abs(points[:, None, :] - points[None, :, :]).max(axis=2) == 0).sum(1)
        np.testing.assert_array_equal(_neighbors.copies(points), expected)


def test_mean_digamma_of_counts_equals_the_direct_mean():
    counts = np.random.default_rng(8).geometric(0.01, size=5000)  # 1 .. ~1000, many repeats
    expected = np.mean(digamma(counts))
    assert _neighbors.mean_digamma(counts) == pytest.approx(expected, rel=1e-12)


def test_kernels_give_the_same_results_from_concurrent_threads():
    rng = np.random.default_rng(5)
    clouds = [rng.standard_normal((5000, 2)) for _ in range(4)]
    expected = [_tree_kth(points, 3, CHEBYSHEV) for points in clouds]
    with ThreadPoolExecutor(4) as pool:
        found = list(pool.map(lambda c: QuantileGrid(c).kth_distances(3, chebyshev=True), clouds))
    for f, e in zip(found, expected, strict=True):
        np.testing.assert_array_equal(f, e)


def _kth_in_child(points):
    return QuantileGrid(points).kth_distances(3, chebyshev=True)


def test_kernels_work_in_a_forked_process_after_use_in_the_parent():
    # an OpenMP-backed parallel kernel would abort a forked child; ours use plain threads
    points = np.random.default_rng(6).standard_normal((20000, 2))
    expected = QuantileGrid(points).kth_distances(3, chebyshev=True)  # threads started here
    with multiprocessing.get_context("fork").Pool(1) as pool:
        found = pool.apply(_kth_in_child, (points,))
    np.testing.assert_array_equal(found, expected)
