"""The k-NN family: same numbers as scikit-learn, accuracy against exact, robustness."""

import math
import warnings

import numpy as np
import pytest
from scipy.spatial import cKDTree
from sklearn.feature_selection import mutual_info_classif, mutual_info_regression

import estimators
from estimators import knn
from estimators._neighbors import count_within
from exact import distributions as D
from exact import gaussian


def _pair(n, rho=0.6, seed=0, dim=1):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, dim))
    return x, rho * x + math.sqrt(1 - rho**2) * rng.standard_normal((n, dim))


# --- the same numbers as scikit-learn -------------------------------------------------------
# scikit-learn cannot switch its noise off: it adds 1e-10 x max(1, mean|x|) Gaussian noise to
# standardised continuous data. On continuous Gaussian samples of n <= 2,000 the smallest gap
# between any two k-NN radii and coordinate distances is ~1e-8 or more, so that noise flips no
# comparison: both implementations see the same neighbours and counts, and the values agree to
# rounding. 1e-4 nats is the bar; we see ~1e-15.


@pytest.mark.parametrize("k", [3, 5, 10])
@pytest.mark.parametrize(("n", "seed"), [(500, 0), (2000, 1), (2000, 2)])
def test_ksg_equals_mutual_info_regression(k, n, seed):
    x, y = _pair(n, seed=seed)
    ours = knn.mutual_information(x, y, k=k)
    theirs = mutual_info_regression(x, y[:, 0], n_neighbors=k, random_state=seed)[0]
    assert abs(ours - theirs) < 1e-4


@pytest.mark.parametrize("k", [3, 5])
@pytest.mark.parametrize(("n", "seed"), [(500, 0), (2000, 1)])
def test_ross_equals_mutual_info_classif(k, n, seed):
    # dependent labels, so scikit-learn's clipping at 0 does not apply
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    labels = (x + rng.normal(0, 0.7, n) > 0).astype(int) + (x > 1)
    ours = knn.ross_mutual_information(x, labels, k=k)
    theirs = mutual_info_classif(x[:, None], labels, n_neighbors=k, random_state=seed)[0]
    assert ours > 0.1
    assert abs(ours - theirs) < 1e-4


def test_ross_accepts_the_discrete_variable_first_and_string_labels():
    rng = np.random.default_rng(3)
    x = rng.standard_normal(800)
    labels = np.where(x > 0.3, "high", "low")
    reference = knn.ross_mutual_information(x, labels)
    assert knn.ross_mutual_information(labels, x) == reference
    assert estimators.mutual_information(labels, x) == reference  # auto: discrete + continuous


# --- accuracy against exact -------------------------------------------------------------------
# Kraskov et al. (2004) find KSG exact, up to fluctuations, for independent variables in every
# dimension, and small systematic errors (a few 0.01 nats at N ~ 10^3-10^4, k ~ 3) for
# correlated Gaussians in 1+1 and 2+2 dimensions, growing with dimension and correlation.
# Over 10 seeds at n = 5,000 we measured biases of at most +0.027 (1+1, MI = 2) and +0.014
# (2+2), with standard errors ~0.006; the bound is 0.03 nats + 3 standard errors.


def _mean_and_stderr(task, n, seeds, **options):
    values = [knn.mutual_information(*task.sample(n, seed), **options) for seed in range(seeds)]
    return np.mean(values), np.std(values, ddof=1) / math.sqrt(seeds)


@pytest.mark.parametrize("dim", [1, 2])
@pytest.mark.parametrize("mi", [0.0, 0.5, 1.0, 2.0])
def test_ksg_accuracy_on_correlated_gaussians(dim, mi):
    mean, stderr = _mean_and_stderr(D.JointNormal.correlated(dim, dim, mi), 5000, 10, k=3)
    assert abs(mean - mi) < 0.03 + 3 * stderr


def test_ksg_is_unbiased_for_independent_5_plus_5():
    mean, stderr = _mean_and_stderr(D.JointNormal.correlated(5, 5, 0.0), 2000, 10, k=3)
    assert abs(mean) < 3 * stderr + 0.005


@pytest.mark.slow
@pytest.mark.parametrize("mi", [0.5, 1.0, 2.0])
def test_ksg_underestimates_in_5_plus_5(mi):
    # In 10 joint dimensions the k-NN balls are large and KSG underestimates (Kraskov et al.
    # 2004, Sec. IV; Gao, Ver Steeg & Galstyan 2015): measured -0.10, -0.19, -0.40 at
    # n = 5,000 for MI = 0.5, 1, 2. We pin the sign and a relative bound of 25 %.
    mean, stderr = _mean_and_stderr(D.JointNormal.correlated(5, 5, mi), 5000, 10, k=3)
    assert mean < mi
    assert mi - mean < 0.25 * mi + 3 * stderr


def test_ksg_variant_2_is_close_to_variant_1():
    # both variants estimate the same MI; at n = 5,000 they differ by a few 0.01 nats
    x, y = _pair(5000, rho=0.8, seed=4)
    truth = -0.5 * math.log(1 - 0.64)
    v1, v2 = (knn.mutual_information(x, y, variant=v) for v in (1, 2))
    assert abs(v1 - truth) < 0.05 and abs(v2 - truth) < 0.05


@pytest.mark.parametrize(
    ("task", "bound"),
    [
        # SE = sd(-log f) / sqrt(n) = sqrt(d/2 / n) ~ 0.007 (1-D) and 0.012 (3-D) at n = 10^4;
        # KL's bias, O(n^(-2/d)) for smooth densities (Berrett, Samworth & Yuan 2019),
        # measured over 20 seeds: +0.001 (1-D), -0.016 (3-D).
        (D.Normal(0.0, 1.0), 0.03),
        (D.Normal(np.zeros(3), [[1, 0.5, 0], [0.5, 1, 0.3], [0, 0.3, 1]]), 0.05),
        # bounded or cusped supports add a boundary bias of O(k/n) per unit of boundary mass
        (D.Uniform(0.0, 2.0), 0.03),
        (D.Exponential(2.0), 0.03),
    ],
)
def test_kozachenko_leonenko_entropy(task, bound):
    estimate = knn.entropy(task.sample(10_000, random_state=5), k=3)
    assert abs(estimate - task.truth()) < bound


def test_entropy_norms_agree():
    x = D.Normal(np.zeros(2), np.eye(2)).sample(5000, random_state=6)
    euclid, chebyshev = (knn.entropy(x, metric=m) for m in ("euclidean", "chebyshev"))
    assert abs(euclid - chebyshev) < 0.05  # same target; different finite-n bias


@pytest.mark.parametrize("shift", [-1.0, 1.0])
def test_knn_kl_of_unit_normals_is_half_a_nat_each_way(shift):
    # WKV at n = 10^4, k = 3: sd 0.025 per draw (measured over 20 seeds), bias < 0.01; the mean
    # of 8 draws has SE ~0.009, so 0.03 is > 3 SE from the truth.
    forward, backward = [], []
    for seed in range(8):
        rng = np.random.default_rng(seed)
        p, q = rng.standard_normal(10_000), rng.standard_normal(10_000) + shift
        forward.append(knn.kl_divergence(p, q))
        backward.append(knn.kl_divergence(q, p))
    assert abs(np.mean(forward) - 0.5) < 0.03
    assert abs(np.mean(backward) - 0.5) < 0.03
    assert abs(np.mean(forward) - np.mean(backward)) < 0.03  # symmetric, as the truth


def test_knn_kl_with_different_sample_sizes_and_dimensions():
    task = D.NormalPair(np.zeros(3), np.eye(3), [0.5, 0.0, 0.0], 2 * np.eye(3))
    x_p, x_q = task.sample(4000, random_state=7, n_q=9000)
    assert abs(knn.kl_divergence(x_p, x_q, k=5) - task.truth()) < 0.06  # SE ~0.02 at n = 4,000


def test_frenzel_pompe_cmi_of_a_gaussian_chain():
    # X -> Z -> Y: I(X;Y|Z) = 0; and a Gaussian with direct X-Y coupling, against exact
    rng = np.random.default_rng(8)
    z = rng.standard_normal(4000)
    x = z + rng.standard_normal(4000)
    y = z + rng.standard_normal(4000)
    assert abs(knn.conditional_mutual_information(x, y, z)) < 0.02  # SE ~0.006
    y_direct = y + 0.8 * x
    cov = np.cov(np.column_stack([x, y_direct, z]), rowvar=False)
    truth = (
        gaussian.entropy(cov[np.ix_([0, 2], [0, 2])])
        + gaussian.entropy(cov[1:, 1:])
        - gaussian.entropy(cov)
        - gaussian.entropy(cov[2, 2])
    )
    assert abs(knn.conditional_mutual_information(x, y_direct, z) - truth) < 0.04


def test_mixed_estimator_on_discrete_and_mixed_data():
    # on purely discrete data Gao et al.'s estimator is the plug-in MI
    rng = np.random.default_rng(9)
    x = rng.integers(0, 4, 5000)
    y = (x + rng.integers(0, 2, 5000)) % 4
    plugin = estimators.mutual_information(x, y, method="plugin")
    as_symbols = knn.mixed_mutual_information(
        x.astype(float), y.astype(float), column_kinds="symbols"
    )
    assert as_symbols == pytest.approx(plugin, abs=0.01)
    # a zero-inflated continuous variable: still finite, and near the Gaussian part's MI
    u, v = _pair(5000, rho=0.8, seed=10)
    u[:1000] = 0.0
    assert np.isfinite(estimators.mutual_information(u, v))  # auto: ties -> "mixed"


@pytest.mark.parametrize("method", ["mixed", "ross"])
def test_label_and_continuous_pair_against_exact(method):
    # Y | X = i ~ N(mu_i, 1) with 4 labels; truth by quadrature (0.6444 nats). Over 3 seeds
    # at n = 5,000 the spread of one estimate is ~0.005 nats and the k = 3 bias ~0.01, so
    # 0.03 is a 3-sigma bound with the bias inside. (The paper's log form was 0.29 low here.)
    task = D.task("mixed-4-labels")
    estimates = [
        estimators.mutual_information(*task.sample(5000, random_state=seed), method=method)
        for seed in range(3)
    ]
    assert np.mean(estimates) == pytest.approx(task.truth(), abs=0.03)


# --- robustness: a finite number or a clear error ----------------------------------------


def test_integer_valued_data_goes_to_discrete_methods_or_is_dithered():
    x = np.random.default_rng(11).integers(0, 10, 3000)
    y = x + np.random.default_rng(12).integers(0, 3, 3000)
    assert estimators.auto_method("mutual_information", [x[:, None], y[:, None]]) == "miller-madow"
    plugin = estimators.mutual_information(x, y, method="plugin")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing jittered, nothing to warn about
        value = knn.mutual_information(x.astype(float), y.astype(float), random_state=0)
    # dithered within their unit cells, I(X + U; Y + V) = I(X; Y) exactly: KSG's error at
    # n = 3,000 on this 10 x 12 table (a step density) is ~0.02; the plug-in's bias
    # (K - 1)(L - 1) / 2n = 0.02 the other way
    assert value == pytest.approx(plugin, abs=0.05)


def test_heavy_ties_are_dithered_reproducibly():
    x = np.repeat(np.arange(50.0), 40)  # uniform on 50 integers
    first = knn.entropy(x, random_state=1)
    assert first == knn.entropy(x, random_state=1)
    # dithered: uniform on [-0.5, 49.5], entropy log 50 exactly (H(Q) + log 1); the
    # Kozachenko-Leonenko spread at n = 2,000 is ~0.03 (4 draws averaged), the boundary bias
    # of a uniform ~k/n
    assert first == pytest.approx(math.log(50), abs=0.05)
    a = knn.kl_divergence(x, x[::-1] + 1, random_state=2)
    assert np.isfinite(a) and a == knn.kl_divergence(x, x[::-1] + 1, random_state=2)


def test_constant_column():
    x, y = _pair(1000, seed=13)
    with pytest.raises(ValueError, match="constant column"):
        knn.entropy(np.column_stack([x, np.ones(1000)]))
    # a constant carries no information: left out by the input layer, MI exactly 0
    assert knn.mutual_information(np.ones(1000), y) == 0.0


def test_n_equals_k_plus_one_and_n_equals_k():
    x, y = _pair(4, seed=14)
    assert np.isfinite(knn.mutual_information(x, y, k=3))
    assert np.isfinite(knn.entropy(x, k=3))
    with pytest.raises(ValueError, match="n = 3 <= k = 3"):
        knn.mutual_information(x[:3], y[:3], k=3)


def test_bad_options():
    x, y = _pair(100, seed=15)
    with pytest.raises(ValueError, match="k must be a positive integer"):
        knn.mutual_information(x, y, k=0)
    with pytest.raises(ValueError, match="variant must be 1 or 2"):
        knn.mutual_information(x, y, variant=3)
    with pytest.raises(ValueError, match="metric must be one of"):
        knn.entropy(x, metric="manhattan")


def test_a_million_rows():
    x, y = _pair(10**6, seed=16)
    assert abs(knn.mutual_information(x, y) - (-0.5 * math.log(1 - 0.36))) < 0.01


def test_fifty_dimensions():
    x, y = _pair(1500, rho=0.3, seed=17, dim=25)
    assert np.isfinite(knn.mutual_information(x, y))
    assert np.isfinite(knn.entropy(np.hstack((x, y))))


@pytest.mark.parametrize("scale", [1e-6, 1e-3, 1e3, 1e6])
def test_estimates_do_not_move_with_the_units(scale):
    x, y = _pair(3000, seed=18)
    reference = knn.mutual_information(x, y)
    assert knn.mutual_information(x * scale, y * scale) == pytest.approx(reference, abs=1e-9)
    unscaled = knn.mutual_information(x, y, standardize=False)
    scaled = knn.mutual_information(x * scale, y * scale, standardize=False)
    assert scaled == pytest.approx(unscaled, abs=1e-9)
    assert knn.entropy(x * scale) == pytest.approx(knn.entropy(x) + math.log(scale), abs=1e-9)


@pytest.mark.parametrize("strict", [True, False])
@pytest.mark.parametrize("dim", [1, 2])
def test_counts_are_exact_at_the_radius_boundary(strict, dim):
    # radii equal to actual coordinate gaps, on data with a large offset where x + r rounds:
    # the counts must be the tree's own (query_ball_point), point for point
    rng = np.random.default_rng(19)
    points = 1e6 + np.round(rng.standard_normal((3000, dim)) * 1e3) / 7
    radius = np.abs(points[:, 0] - points[rng.permutation(3000), 0])
    tree = cKDTree(points)
    bound = np.nextafter(radius, -np.inf) if strict else radius
    expected = np.array(
        [
            len(tree.query_ball_point(p, r, p=np.inf)) - 1 if r >= 0 else 0
            for p, r in zip(points, bound, strict=True)
        ]
    )
    assert (count_within(points, radius, strict=strict) == expected).all()


@pytest.mark.parametrize("tied", [False, True])
def test_ross_one_dimensional_merge_equals_the_tree_path(tied):
    # 1-D samples take the sorted merge; a second, constant coordinate changes no max-norm
    # distance but sends the same samples through the KD-tree path: the numbers must agree
    rng = np.random.default_rng(13)
    labels = rng.integers(0, 4, 600)
    x = rng.standard_normal(600) + labels
    if tied:
        x = np.round(x)  # atoms: Gao et al.'s rule in both paths
    one = knn.labelled_mutual_information(x[:, None], labels, 3)
    two = knn.labelled_mutual_information(np.column_stack((x, np.zeros(600))), labels, 3)
    assert one == pytest.approx(two, abs=1e-12)
