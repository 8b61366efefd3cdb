"""Tests for ``exact.distributions``: ground-truth distributions that sample and know truth."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, special, stats

import exact
from exact import distributions as D

N_MC = 200_000
QUANTITIES = {"entropy", "mutual_information", "kl_divergence"}

COV3 = np.array([[2.0, 0.5, 0.2], [0.5, 1.0, -0.3], [0.2, -0.3, 1.5]])


# One factory per distribution (fresh objects per test), with the expected quantity and the
# expected shape of one sample of size n (a tuple of shapes for MI / KL tasks).
CASES = {
    "categorical": (lambda: D.Categorical([0.1, 0.2, 0.3, 0.4]), "entropy", (None,)),
    "joint_categorical": (
        lambda: D.JointCategorical([[0.3, 0.1, 0.05], [0.05, 0.2, 0.3]]),
        "mutual_information",
        ((None,), (None,)),
    ),
    "normal_1d": (lambda: D.Normal(1.0, 4.0), "entropy", (None,)),
    "normal_3d": (lambda: D.Normal([1.0, -1.0, 0.5], COV3), "entropy", (None, 3)),
    "joint_normal_1_1": (
        lambda: D.JointNormal([[1.0, 0.6], [0.6, 2.0]], dim_x=1, mean=[1.0, -2.0]),
        "mutual_information",
        ((None,), (None,)),
    ),
    "joint_normal_1_2": (
        lambda: D.JointNormal(COV3, dim_x=1),
        "mutual_information",
        ((None,), (None, 2)),
    ),
    "joint_normal_correlated_2_3": (
        lambda: D.JointNormal.correlated(2, 3, 0.8),
        "mutual_information",
        ((None, 2), (None, 3)),
    ),
    "normal_pair_1d": (
        lambda: D.NormalPair(0.0, 1.0, 1.0, 2.0),
        "kl_divergence",
        ((None,), (None,)),
    ),
    "normal_pair_3d": (
        lambda: D.NormalPair([0.0, 0.0, 0.0], COV3, [0.5, -0.5, 0.0], np.eye(3)),
        "kl_divergence",
        ((None, 3), (None, 3)),
    ),
    "class_conditional_normal": (
        lambda: D.ClassConditionalNormal([0.0, 2.0, 5.0], 1.5, [0.2, 0.5, 0.3]),
        "mutual_information",
        ((None,), (None,)),
    ),
    "uniform_1d": (lambda: D.Uniform(-1.0, 2.0), "entropy", (None,)),
    "uniform_2d": (lambda: D.Uniform([0.0, -1.0], [0.5, 3.0]), "entropy", (None, 2)),
    "exponential": (lambda: D.Exponential(2.5), "entropy", (None,)),
    "laplace": (lambda: D.Laplace(1.0, 0.7), "entropy", (None,)),
    "student_t": (lambda: D.StudentT(4.0, 1.0, 2.0), "entropy", (None,)),
    "quantized_normal_1d": (lambda: D.Quantized(D.Normal(1.0, 4.0), 0.3), "entropy", (None,)),
    "quantized_normal_2d": (
        lambda: D.Quantized(D.Normal([0.0, 1.0], np.diag([1.0, 4.0])), [0.1, 0.5]),
        "entropy",
        (None, 2),
    ),
    "quantized_joint_normal_2_2": (
        lambda: D.Quantized(D.JointNormal.correlated(2, 2, 0.8), 0.5),
        "mutual_information",
        ((None, 2), (None, 2)),
    ),
    "quantized_normal_pair_1d": (
        lambda: D.Quantized(D.NormalPair(0.0, 1.0, 1.0, 2.0), 0.2),
        "kl_divergence",
        ((None,), (None,)),
    ),
    "zero_inflated": (lambda: D.ZeroInflated(0.3, 0.5), "mutual_information", ((None,), (None,))),
}
NAMES = sorted(CASES)


def make(name):
    return CASES[name][0]()


def shapes_for(name, n):
    spec = CASES[name][2]

    def fill(s):
        return tuple(n if v is None else v for v in s)

    return tuple(fill(s) for s in spec) if isinstance(spec[0], tuple) else fill(spec)


def shape_of(sample):
    return tuple(a.shape for a in sample) if isinstance(sample, tuple) else sample.shape


def assert_same_sample(a, b):
    if isinstance(a, tuple):
        assert isinstance(b, tuple) and len(a) == len(b)
        for u, v in zip(a, b, strict=True):
            np.testing.assert_array_equal(u, v)
    else:
        np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------------- protocol


@pytest.mark.parametrize("name", NAMES)
def test_quantity_attribute(name):
    dist = make(name)
    assert dist.quantity in QUANTITIES
    assert dist.quantity == CASES[name][1]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n", [1, 7])
def test_sample_shapes(name, n):
    sample = make(name).sample(n, random_state=0)
    assert shape_of(sample) == shapes_for(name, n)
    parts = sample if isinstance(sample, tuple) else (sample,)
    for part in parts:
        assert isinstance(part, np.ndarray)
        assert np.all(np.isfinite(part))


@pytest.mark.parametrize("name", NAMES)
def test_truth_is_a_finite_float(name):
    value = make(name).truth()
    assert isinstance(value, float)
    assert math.isfinite(value)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("base", [2, 10])
def test_truth_in_base(name, base):
    dist = make(name)
    assert dist.truth(base) == pytest.approx(dist.truth() / math.log(base), rel=1e-12, abs=1e-15)
    assert dist.truth(base=base) == dist.truth(base)


@pytest.mark.parametrize("name", NAMES)
def test_truth_default_is_nats(name):
    dist = make(name)
    assert dist.truth() == dist.truth(math.e)


# --------------------------------------------------------------------------- randomness


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_sample(name):
    dist = make(name)
    assert_same_sample(dist.sample(50, random_state=123), dist.sample(50, random_state=123))


@pytest.mark.parametrize("name", NAMES)
def test_different_seed_different_sample(name):
    dist = make(name)
    a = dist.sample(50, random_state=1)
    b = dist.sample(50, random_state=2)
    first_a = a[0] if isinstance(a, tuple) else a
    first_b = b[0] if isinstance(b, tuple) else b
    assert not np.array_equal(first_a, first_b)


@pytest.mark.parametrize("name", NAMES)
def test_generator_is_accepted_and_advances(name):
    dist = make(name)
    rng = np.random.default_rng(5)
    first = dist.sample(50, random_state=rng)
    second = dist.sample(50, random_state=rng)
    again = dist.sample(50, random_state=np.random.default_rng(5))
    assert_same_sample(first, again)
    a0 = first[0] if isinstance(first, tuple) else first
    b0 = second[0] if isinstance(second, tuple) else second
    assert not np.array_equal(a0, b0)


@pytest.mark.parametrize("name", NAMES)
def test_no_seed_works(name):
    assert shape_of(make(name).sample(3)) == shapes_for(name, 3)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n", [0, -1, 2.5, True, "10", None])
def test_bad_n_raises(name, n):
    with pytest.raises((ValueError, TypeError), match="n"):
        make(name).sample(n, random_state=0)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("random_state", ["abc", 1.5, np.random.RandomState(0)])
def test_bad_random_state_raises(name, random_state):
    with pytest.raises(TypeError, match="random_state"):
        make(name).sample(5, random_state=random_state)


def test_normal_pair_n_q():
    x_p, x_q = D.NormalPair(0.0, 1.0, 1.0, 2.0).sample(10, random_state=0, n_q=4)
    assert x_p.shape == (10,) and x_q.shape == (4,)


# --------------------------------------------------------------------------- Monte Carlo
# Continuous samplers: the exact value is E[-log p(X)] (entropy), E[log p/q] under p (KL) or
# E[log p(x,y)/(p(x)p(y))] (MI). The sample mean of these terms over N_MC draws (fixed seed)
# is within 5 standard errors (sample std / sqrt(n)) of the expectation except with CLT
# probability ~6e-7, so a mismatch between sampler and truth — wrong scale, wrong
# parametrisation, wrong formula — fails, while sampling noise does not. scipy's logpdf is an
# independent implementation of the density.


def assert_within_5_se(terms, expected, floor=0.0):
    se = terms.std(ddof=1) / math.sqrt(terms.size)
    assert abs(terms.mean() - expected) <= 5 * se + floor, (terms.mean(), expected, se)


def _scipy_frozen(dist):
    if isinstance(dist, D.Normal):
        return stats.multivariate_normal(dist.mean, dist.cov)
    if isinstance(dist, D.Exponential):
        return stats.expon(scale=dist.scale)
    if isinstance(dist, D.Laplace):
        return stats.laplace(dist.loc, dist.scale)
    if isinstance(dist, D.StudentT):
        return stats.t(dist.df, dist.loc, dist.scale)
    raise AssertionError(type(dist))


@pytest.mark.parametrize(
    "dist",
    [
        D.Normal(1.0, 4.0),
        D.Normal([1.0, -1.0, 0.5], COV3),
        D.Exponential(2.5),
        D.Exponential(0.01),
        D.Laplace(1.0, 0.7),
        D.StudentT(4.0, 1.0, 2.0),
        D.StudentT(1.0),
        D.StudentT(0.7, -3.0, 0.5),
    ],
    ids=repr,
)
def test_continuous_entropy_monte_carlo(dist):
    x = dist.sample(N_MC, random_state=2024)
    assert_within_5_se(-_scipy_frozen(dist).logpdf(x), dist.truth())


@pytest.mark.parametrize("low_high", [(-1.0, 2.0), ([0.0, -1.0], [0.5, 3.0])])
def test_uniform_sampler_matches_its_box(low_high):
    # log p is constant on the box, so "-mean(log p) = H" only checks the support; check the
    # support, the mean (5 standard errors, as above) and the variance (b - a)^2 / 12.
    low, high = (np.atleast_1d(v) for v in low_high)
    dist = D.Uniform(*low_high)
    x = dist.sample(N_MC, random_state=7).reshape(N_MC, -1)
    assert np.all((x >= low) & (x < high))
    for j in range(low.size):
        assert_within_5_se(x[:, j], (low[j] + high[j]) / 2)
        assert x[:, j].var() == pytest.approx((high[j] - low[j]) ** 2 / 12, rel=0.02)
    logpdf = stats.uniform(low, high - low).logpdf(x).sum(axis=1)
    assert -logpdf.mean() == pytest.approx(dist.truth(), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    "dist",
    [
        D.JointNormal([[1.0, 0.6], [0.6, 2.0]], dim_x=1, mean=[1.0, -2.0]),
        D.JointNormal(COV3, dim_x=2),
        D.JointNormal.correlated(2, 3, 0.8),
    ],
    ids=["1x1", "2x1", "correlated_2x3"],
)
def test_joint_normal_mi_monte_carlo(dist):
    x, y = dist.sample(N_MC, random_state=11)
    x, y = x.reshape(N_MC, -1), y.reshape(N_MC, -1)
    k = dist.dim_x
    joint = stats.multivariate_normal(dist.mean, dist.cov).logpdf(np.hstack([x, y]))
    log_x = stats.multivariate_normal(dist.mean[:k], dist.cov[:k, :k]).logpdf(x)
    log_y = stats.multivariate_normal(dist.mean[k:], dist.cov[k:, k:]).logpdf(y)
    assert_within_5_se(joint - log_x - log_y, dist.truth())


@pytest.mark.parametrize(
    "dist",
    [
        D.NormalPair(0.0, 1.0, 1.0, 2.0),
        D.NormalPair([0.0, 0.0, 0.0], COV3, [0.5, -0.5, 0.0], np.eye(3)),
    ],
    ids=["1d", "3d"],
)
def test_normal_pair_kl_monte_carlo(dist):
    x_p, x_q = dist.sample(N_MC, random_state=12)
    p = stats.multivariate_normal(dist.p.mean, dist.p.cov)
    q = stats.multivariate_normal(dist.q.mean, dist.q.cov)
    assert_within_5_se(p.logpdf(x_p) - q.logpdf(x_p), dist.truth())
    # x_q must be draws of q: their mean log q is q's negative entropy.
    assert_within_5_se(-q.logpdf(x_q), dist.q.truth())


# A label X and Y | X = i ~ N(mu_i, sigma^2): I(X; Y) = E[log p(y | x) - log f(y)], f the
# mixture; the log densities come from scipy (norm.logpdf, logsumexp), independently of the
# quadrature behind truth(). Same 5-standard-error rule as above.

CLASS_CONDITIONAL = [
    D.ClassConditionalNormal([-1.0, 1.0]),
    D.ClassConditionalNormal([0.0, 1.5, 3.0, 4.5]),
    D.ClassConditionalNormal([0.0, 2.0, 5.0], 1.5, [0.2, 0.5, 0.3]),
]


@pytest.mark.parametrize("dist", CLASS_CONDITIONAL, ids=["2", "4", "3-weighted"])
def test_class_conditional_normal_mi_monte_carlo(dist):
    x, y = dist.sample(N_MC, random_state=13)
    assert x.dtype.kind in "iu" and y.dtype.kind == "f"
    assert_frequencies(x, dist.p)
    log_conditional = stats.norm.logpdf(y, dist.means[x], dist.sigma)
    log_mixture = special.logsumexp(
        np.log(dist.p) + stats.norm.logpdf(y[:, None], dist.means, dist.sigma), axis=1
    )
    assert_within_5_se(log_conditional - log_mixture, dist.truth())


@pytest.mark.parametrize("dist", CLASS_CONDITIONAL, ids=["2", "4", "3-weighted"])
def test_class_conditional_normal_quadrature_against_a_dense_grid(dist):
    # Simpson's rule on 100,001 points over the means' range +- 12 sigma (tails beyond
    # weigh < 1e-32): an independent evaluation of h(Y), error ~ step^4 ~ 1e-14 here.
    y = np.linspace(dist.means.min() - 12 * dist.sigma, dist.means.max() + 12 * dist.sigma, 100_001)
    f = np.exp(
        special.logsumexp(
            np.log(dist.p) + stats.norm.logpdf(y[:, None], dist.means, dist.sigma), axis=1
        )
    )
    h = -integrate.simpson(f * np.log(f), x=y)
    assert dist.mixture_entropy() == pytest.approx(h, abs=1e-12)


def test_class_conditional_normal_limits():
    # equal means: Y is independent of X; means 1000 sigma apart: Y reveals X, I = H(X)
    assert D.ClassConditionalNormal([2.0, 2.0, 2.0]).truth() == pytest.approx(0.0, abs=1e-12)
    p = np.array([0.1, 0.6, 0.3])
    far = D.ClassConditionalNormal([0.0, 1000.0, 2000.0], 1.0, p)
    assert far.truth() == pytest.approx(-np.sum(p * np.log(p)), abs=1e-12)
    closer = [D.ClassConditionalNormal([0.0, d]).truth() for d in (0.5, 1.0, 2.0, 4.0)]
    assert np.all(np.diff(closer) > 0) and closer[-1] < math.log(2)


# Categorical samplers: the plug-in value of the empirical frequencies. To second order,
# H_hat - H = (first-order term, sd sqrt(Var[log p(X)] / n)) - chi2(k) / (2n) with
# k = m - 1 (Miller 1955), and likewise I_hat - I = (first-order term) + chi2(k) / (2n) with
# k = (m_x - 1)(m_y - 1). Tolerance: 5 sds of the first-order term (computed exactly from
# the table) plus the chi2 term's mean + 5 sds, (k + 5 sqrt(2k)) / (2n). The first-order sd
# is 0 for a uniform table, where only the chi2 term is left.


def plugin_tolerance(first_order_var: float, k: int, n: int) -> float:
    return 5 * math.sqrt(max(first_order_var, 0.0) / n) + (k + 5 * math.sqrt(2 * k)) / (2 * n)


@pytest.mark.parametrize("p", [[0.1, 0.2, 0.3, 0.4], [0.5, 0.5], [0.01] * 50 + [0.5]])
def test_categorical_plugin_entropy(p):
    dist = D.Categorical(p)
    x = dist.sample(N_MC, random_state=3)
    assert x.dtype.kind in "iu"
    assert x.min() >= 0 and x.max() < len(p)
    counts = np.bincount(x, minlength=len(p))
    plugin = float(exact.entropy(counts / N_MC))
    pmf = np.asarray(p)
    var = np.sum(pmf * np.log(pmf) ** 2) - dist.truth() ** 2
    assert abs(plugin - dist.truth()) <= plugin_tolerance(var, len(p) - 1, N_MC)


@pytest.mark.parametrize(
    "p_xy",
    [[[0.3, 0.1, 0.05], [0.05, 0.2, 0.3]], [[0.4, 0.1], [0.1, 0.4]], [[0.7, 0.0], [0.1, 0.2]]],
)
def test_joint_categorical_plugin_mi(p_xy):
    dist = D.JointCategorical(p_xy)
    x, y = dist.sample(N_MC, random_state=4)
    table = np.asarray(p_xy)
    counts = np.zeros_like(table)
    np.add.at(counts, (x, y), 1)
    plugin = float(exact.mutual_information(counts / N_MC))
    independent = table.sum(1, keepdims=True) * table.sum(0, keepdims=True)
    support = table > 0
    log_ratio = np.log(table[support] / independent[support])
    var = np.sum(table[support] * log_ratio**2) - dist.truth() ** 2
    k = (table.shape[0] - 1) * (table.shape[1] - 1)
    assert abs(plugin - dist.truth()) <= plugin_tolerance(var, k, N_MC)


def test_joint_categorical_independent_plugin_mi():
    # With I = 0 the plug-in MI is ~ chi2(k) / (2n), k = (m_x - 1)(m_y - 1): mean k/(2n),
    # sd sqrt(2k)/(2n). Tolerance: mean + 5 sd.
    table = np.outer([0.2, 0.3, 0.5], [0.6, 0.4])
    dist = D.JointCategorical(table)
    assert dist.truth() == pytest.approx(0.0, abs=1e-15)
    x, y = dist.sample(N_MC, random_state=6)
    counts = np.zeros_like(table)
    np.add.at(counts, (x, y), 1)
    plugin = float(exact.mutual_information(counts / N_MC))
    assert -1e-15 <= plugin <= plugin_tolerance(0.0, 2, N_MC)


# The plug-in value does not see which outcome has which probability, so check frequencies
# too: each is binomial(n, p) / n, within 5 of its standard deviations.


def assert_frequencies(values, pmf):
    freq = np.bincount(values, minlength=pmf.size) / values.size
    sd = np.sqrt(pmf * (1 - pmf) / values.size)
    assert freq.size == pmf.size
    assert np.all(np.abs(freq - pmf) <= 5 * sd), (freq, pmf)


def test_categorical_frequencies():
    pmf = np.array([0.1, 0.2, 0.0, 0.3, 0.4])
    assert_frequencies(D.Categorical(pmf).sample(N_MC, random_state=8), pmf)


def test_joint_categorical_frequencies():
    table = np.array([[0.3, 0.1, 0.05], [0.05, 0.2, 0.3]])
    x, y = D.JointCategorical(table).sample(N_MC, random_state=8)
    assert_frequencies(np.ravel_multi_index((x, y), table.shape), table.ravel())


# --------------------------------------------------------------------------- exact values


@pytest.mark.parametrize(
    ("dim_x", "dim_y", "mi"),
    [(1, 1, 0.0), (1, 1, 0.5), (2, 3, 0.0), (2, 3, 0.8), (3, 1, 1.7), (4, 4, 3.0), (1, 5, 1e-8)],
)
def test_correlated_truth_equals_mi(dim_x, dim_y, mi):
    dist = D.JointNormal.correlated(dim_x, dim_y, mi)
    assert dist.truth() == pytest.approx(mi, rel=1e-12, abs=1e-15)
    assert dist.cov.shape == (dim_x + dim_y, dim_x + dim_y)
    np.testing.assert_array_equal(np.diag(dist.cov), 1.0)  # standard normal X and Y
    np.testing.assert_array_equal(dist.cov, dist.cov.T)
    # X and Y are each white: MI lives only in the cross-covariance.
    np.testing.assert_array_equal(dist.cov[:dim_x, :dim_x], np.eye(dim_x))
    np.testing.assert_array_equal(dist.cov[dim_x:, dim_x:], np.eye(dim_y))
    assert dist.truth(2) == pytest.approx(mi / math.log(2), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((0, 1, 0.5), "dim_x"),
        ((1, 0, 0.5), "dim_y"),
        ((1.0, 1, 0.5), "dim_x"),
        ((True, 1, 0.5), "dim_x"),
        ((1, 1, -0.1), "mi"),
        ((1, 1, math.inf), "mi"),
        ((1, 1, math.nan), "mi"),
    ],
)
def test_correlated_rejects_bad_arguments(args, match):
    with pytest.raises(ValueError, match=match):
        D.JointNormal.correlated(*args)


@pytest.mark.parametrize("df", [0.5, 1.0, 2.5, 4.0, 30.0, 1000.0])
@pytest.mark.parametrize(("loc", "scale"), [(0.0, 1.0), (1.0, 2.0), (-3.0, 0.01)])
def test_student_t_entropy_matches_scipy(df, loc, scale):
    expected = stats.t(df, loc, scale).entropy()
    assert D.StudentT(df, loc, scale).truth() == pytest.approx(expected, rel=1e-10, abs=1e-10)


def test_student_t_entropy_equals_lazo_rathie_formula():
    # the closed form written out (Lazo & Rathie 1978); exact to rounding for moderate df
    for df, scale in [(1.0, 1.0), (3.0, 2.0), (30.0, 0.5), (500.0, 1.0)]:
        half = (df + 1) / 2
        formula = (
            half * (special.digamma(half) - special.digamma(df / 2))
            + 0.5 * np.log(df)
            + special.betaln(df / 2, 0.5)
            + np.log(scale)
        )
        assert D.StudentT(df, 0.0, scale).truth() == pytest.approx(formula, abs=1e-11)


def test_student_t_entropy_tends_to_the_normal_one_from_above():
    # heavier tails than the normal: H(t_df) > H(N(0,1)), and the gap vanishes like O(1/df)
    normal = 0.5 * np.log(2 * np.pi * np.e)
    gaps = [D.StudentT(df).truth() - normal for df in (1e2, 1e4, 1e6)]
    assert all(gap > 0 for gap in gaps)
    assert gaps[2] < 1e-5 and gaps[0] / gaps[1] == pytest.approx(100, rel=0.05)


@pytest.mark.parametrize(("loc", "scale"), [(0.0, 1.0), (1.0, 0.7), (-5.0, 1e3), (2.0, 1e-4)])
def test_laplace_entropy_matches_scipy(loc, scale):
    assert D.Laplace(loc, scale).truth() == pytest.approx(
        stats.laplace(loc, scale).entropy(), rel=1e-12, abs=1e-12
    )


@pytest.mark.parametrize("scale", [1.0, 2.5, 1e-3, 1e4])
def test_exponential_entropy_matches_scipy(scale):
    assert D.Exponential(scale).truth() == pytest.approx(
        stats.expon(scale=scale).entropy(), rel=1e-12, abs=1e-12
    )


@pytest.mark.parametrize(("low", "high"), [(0.0, 1.0), (-1.0, 2.0), (3.0, 3.001), (-1e3, 1e3)])
def test_uniform_entropy_matches_scipy(low, high):
    assert D.Uniform(low, high).truth() == pytest.approx(
        float(stats.uniform(low, high - low).entropy()), rel=1e-12, abs=1e-12
    )


def test_uniform_box_entropy_is_sum_of_sides():
    expected = math.log(0.5) + math.log(4.0)
    assert D.Uniform([0.0, -1.0], [0.5, 3.0]).truth() == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("var", [0.01, 1.0, 4.0])
def test_normal_entropy_closed_form(var):
    assert D.Normal(3.0, var).truth() == pytest.approx(
        0.5 * math.log(2 * math.pi * math.e * var), rel=1e-12
    )


def test_normal_pair_truth_closed_form():
    m_p, s_p, m_q, s_q = 0.5, 1.5, -1.0, 0.8
    expected = math.log(s_q / s_p) + (s_p**2 + (m_p - m_q) ** 2) / (2 * s_q**2) - 0.5
    assert D.NormalPair(m_p, s_p**2, m_q, s_q**2).truth() == pytest.approx(expected, rel=1e-12)


def test_categorical_truth_closed_form():
    p = np.array([0.1, 0.2, 0.3, 0.4])
    assert D.Categorical(p).truth() == pytest.approx(-np.sum(p * np.log(p)), rel=1e-12)


def test_joint_categorical_other_quantities():
    table = np.array([[0.3, 0.1, 0.05], [0.05, 0.2, 0.3]])
    dist = D.JointCategorical(table)
    p_x, p_y = table.sum(1), table.sum(0)
    h_xy = -np.sum(table * np.log(table))
    h_x, h_y = -np.sum(p_x * np.log(p_x)), -np.sum(p_y * np.log(p_y))
    assert dist.entropy() == pytest.approx(h_xy, rel=1e-12)
    assert dist.conditional_entropy() == pytest.approx(h_xy - h_x, rel=1e-12)
    assert dist.truth() == pytest.approx(h_x + h_y - h_xy, rel=1e-12)


# --------------------------------------------------------------------------- quantized data
# Independent computations of the cell probabilities: 1-D cells as differences of scipy's
# normal CDF on a grid laid out here (+- 12 sd, mass beyond < 4e-33); 2-D cells by tensor
# Gauss-Legendre quadrature of the bivariate density itself (the truth integrates the
# conditional normal CDF instead).

RHO06 = [[1.0, 0.6], [0.6, 1.0]]


def cdf_cells(k, mean, sd, step):
    """Probabilities of the cells ``k * step +- step / 2`` (integers ``k``) of N(mean, sd^2),
    by scipy's CDF (its survival function right of the mean, so that tail cells do not
    cancel near 1)."""
    edges = (np.append(k, k[-1] + 1) - 0.5) * step
    below = np.diff(stats.norm.cdf(edges, mean, sd))
    above = -np.diff(stats.norm.sf(edges, mean, sd))
    return np.where(k * step > mean, above, below)


def cells_by_2d_quadrature(cov, step, mean=(0.0, 0.0), nodes=8, width=9.0):
    """(table, x centres, y centres): P(i, j) of a normal pair rounded to multiples of
    ``step``, the density integrated over each cell with ``nodes``^2 Gauss-Legendre points
    (cells within ``width`` sd of the mean)."""
    cov = np.asarray(cov, dtype=float)
    t, w = np.polynomial.legendre.leggauss(nodes)
    axes = []
    for m, s, r in zip(mean, np.sqrt(np.diag(cov)), step, strict=True):
        k = np.arange(math.floor((m - width * s) / r), math.ceil((m + width * s) / r) + 1)
        axes.append((k * r, ((k[:, None] + t / 2) * r).ravel() - m, np.tile(w * r / 2, k.size)))
    (cx, px, wx), (cy, py, wy) = axes
    inv = np.linalg.inv(cov)
    quadratic = inv[0, 0] * px[:, None] ** 2 + 2 * inv[0, 1] * np.outer(px, py) + inv[1, 1] * py**2
    density = np.exp(-quadratic / 2) / (2 * math.pi * math.sqrt(np.linalg.det(cov)))
    table = (wx[:, None] * density * wy).reshape(cx.size, nodes, cy.size, nodes).sum(axis=(1, 3))
    return table, cx, cy


def table_mi(table):
    independent = table.sum(1, keepdims=True) * table.sum(0, keepdims=True)
    kept = table > 0
    return float(np.sum(table[kept] * np.log(table[kept] / independent[kept])))


def test_quantized_reference_values():
    # the numbers (4 decimals; "about 0.1249" for the KL), and the independent sums
    # above, which agree with the truths to rounding (1e-12: sums of a few hundred terms;
    # the 2-D quadrature's own error is below 1e-14, checked by raising its nodes)
    for step, reference in [(0.1, 1.4194), (0.5, 1.4292)]:
        p = cdf_cells(np.arange(-12 / step, 12 / step + 1), 0.0, 1.0, step)
        independent = -np.sum(special.xlogy(p, p)) + math.log(step)
        truth = D.Quantized(D.Normal(0.0, 1.0), step).truth()
        assert truth == pytest.approx(independent, abs=1e-12)
        assert truth == pytest.approx(reference, abs=5e-5)
    for step, reference in [(0.1, 0.2227), (0.5, 0.2119)]:
        independent = table_mi(cells_by_2d_quadrature(RHO06, (step, step))[0])
        truth = D.Quantized(D.JointNormal(RHO06, 1), step).truth()
        assert truth == pytest.approx(independent, abs=1e-12)
        assert truth == pytest.approx(reference, abs=5e-5)
    k = np.arange(-130, 131)  # +- 13 sd of p = N(0, 1) at 0.1
    p, q = cdf_cells(k, 0.0, 1.0, 0.1), cdf_cells(k, 0.5, 1.0, 0.1)
    truth = D.Quantized(D.NormalPair(0.0, 1.0, 0.5, 1.0), 0.1).truth()
    assert truth == pytest.approx(float(np.sum(special.rel_entr(p, q))), abs=1e-12)
    assert truth == pytest.approx(0.1249, abs=5e-5)


def test_quantized_cells_match_scipys_bivariate_cdf():
    # scipy's bivariate normal CDF (Genz's algorithm, ~1e-15 absolute) on rectangles of the
    # bulk, a mean, unequal scales and a negative correlation
    cov, mean, step = np.array([[2.0, -0.9], [-0.9, 0.5]]), np.array([0.3, -1.0]), (0.3, 0.2)
    sd = np.sqrt(np.diag(cov))
    table = D._quantized_normal_pair_cells(mean, sd, cov[0, 1] / sd.prod(), step)
    first = [math.floor((m - 9 * s) / r + 0.5) for m, s, r in zip(mean, sd, step, strict=True)]
    for kx, ky in [(0, -5), (1, -5), (-2, -3), (3, -8), (-6, -2)]:
        lower = np.array([kx - 0.5, ky - 0.5]) * step
        expected = stats.multivariate_normal.cdf(lower + step, mean, cov, lower_limit=lower)
        assert table[kx - first[0], ky - first[1]] == pytest.approx(expected, abs=1e-13)
    # and the MI of the whole table against the independent 2-D quadrature
    independent = table_mi(cells_by_2d_quadrature(cov, step, mean)[0])
    truth = D.Quantized(D.JointNormal(cov, 1, mean), step).truth()
    assert truth == pytest.approx(independent, abs=1e-12)


@pytest.mark.parametrize("rho", [0.6, -0.3, 0.95, 0.999])
@pytest.mark.parametrize("step", [0.1, 0.5, 3.0])
def test_quantized_mi_quadrature_has_converged(rho, step):
    # doubling the pieces and the nodes (16 per piece) changes the MI by < 1e-10; the table
    # sums to 1 within 1e-12 (checked inside; the mass left out is < 1e-18)
    args = ((0.0, 0.0), (1.0, 1.0), rho, (step, step))
    table = D._quantized_normal_pair_cells(*args)
    assert table.min() >= 0 and table.sum() == pytest.approx(1.0, abs=1e-12)
    coarse = D._quantized_normal_pair_mi(*args)
    assert D._quantized_normal_pair_mi(*args, refine=2) == pytest.approx(coarse, abs=1e-10)


def test_quantized_truths_tend_to_the_continuous_ones():
    # Rounding loses information (data processing: below the continuous MI and KL) and the
    # gap shrinks like r^2 (the next term is O(r^4)): halving r divides it by 4 (+-5 %).
    # The entropy of the dequantized variable exceeds the normal's by r^2 / 24 (Sheppard's
    # correction), to 1 % at r <= 0.1 sd.
    tasks = [
        D.JointNormal(RHO06, 1),
        D.NormalPair(0.0, 1.0, 0.5, 1.0),
        D.NormalPair(0.0, 1.0, 1.0, 2.0),
    ]
    for task in tasks:
        gaps = [task.truth() - D.Quantized(task, r).truth() for r in (0.2, 0.1, 0.05)]
        assert all(gap > 0 for gap in gaps)
        assert gaps[0] / gaps[1] == pytest.approx(4, rel=0.05)
        assert gaps[1] / gaps[2] == pytest.approx(4, rel=0.05)
    normal = D.Normal(0.0, 1.0)
    for r in (0.1, 0.05):
        gap = D.Quantized(normal, r).truth() - normal.truth()
        assert gap == pytest.approx(r * r / 24, rel=0.01)


def test_quantized_truths_add_over_independent_coordinates_and_pairs():
    # independent blocks: entropies, MIs and KLs add (chain rule), whatever the order
    assert D.Quantized(D.Normal([0.0, 1.0], np.diag([1.0, 4.0])), [0.1, 0.5]).truth() == (
        pytest.approx(
            D.Quantized(D.Normal(0.0, 1.0), 0.1).truth()
            + D.Quantized(D.Normal(1.0, 4.0), 0.5).truth(),
            rel=1e-12,
        )
    )
    pair = D.JointNormal.correlated(1, 1, 0.8)
    assert D.Quantized(D.JointNormal.correlated(2, 2, 0.8), 0.5).truth() == pytest.approx(
        2 * D.Quantized(D.JointNormal.correlated(1, 1, 0.4), 0.5).truth(), rel=1e-12
    )
    # x0 with y1 (rho 0.6), x1 with y0 (rho -0.4, other resolutions), x2 alone
    cov = np.eye(5)
    cov[0, 4] = cov[4, 0] = 0.6
    cov[1, 3] = cov[3, 1] = -0.4
    steps = [0.1, 0.2, 0.5, 0.3, 0.1]
    expected = (
        D.Quantized(D.JointNormal(RHO06, 1), 0.1).truth()
        + D.Quantized(D.JointNormal([[1.0, -0.4], [-0.4, 1.0]], 1), [0.2, 0.3]).truth()
    )
    assert D.Quantized(D.JointNormal(cov, 3), steps).truth() == pytest.approx(expected, rel=1e-12)
    assert pair.truth() == pytest.approx(0.8)
    kl = D.Quantized(D.NormalPair([0.0, 0.0], np.eye(2), [0.5, 1.0], np.diag([1.0, 2.0])), 0.2)
    assert kl.truth() == pytest.approx(
        D.Quantized(D.NormalPair(0.0, 1.0, 0.5, 1.0), 0.2).truth()
        + D.Quantized(D.NormalPair(0.0, 1.0, 1.0, 2.0), 0.2).truth(),
        rel=1e-12,
    )


def test_quantized_kl_of_a_far_q_is_finite_and_right():
    # q = N(40, 1): its cells under p's mass weigh ~exp(-800), below float64. mpmath at 60
    # digits sums the same cells independently; the truth keeps 1e-12 relative accuracy.
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 60
    truth = D.Quantized(D.NormalPair(0.0, 1.0, 40.0, 1.0), 0.1).truth()
    total = mpmath.mpf(0)
    for k in range(-100, 101):  # +- 10 sd of p: the rest adds < 1e-20
        a, b = mpmath.mpf(k - 0.5) / 10, mpmath.mpf(k + 0.5) / 10
        p = mpmath.ncdf(b) - mpmath.ncdf(a)
        q = mpmath.ncdf(b - 40) - mpmath.ncdf(a - 40)
        total += p * mpmath.log(p / q)
    assert truth == pytest.approx(float(total), rel=1e-12)
    assert truth < D.NormalPair(0.0, 1.0, 40.0, 1.0).truth()


def test_quantized_samples_are_the_tasks_rounded_to_the_grid():
    task = D.JointNormal(RHO06, 1, mean=[0.3, -2.0])
    x, y = D.Quantized(task, [0.1, 0.5]).sample(1000, random_state=3)
    x0, y0 = task.sample(1000, random_state=3)
    assert x.dtype == y.dtype == np.float64
    np.testing.assert_allclose(x / 0.1, np.round(x0 / 0.1), atol=1e-9)
    np.testing.assert_allclose(y / 0.5, np.round(y0 / 0.5), atol=1e-9)
    assert np.abs(x - x0).max() <= 0.05 + 1e-12 and np.abs(y - y0).max() <= 0.25 + 1e-12
    x_p, x_q = D.Quantized(D.NormalPair(0.0, 1.0, 1.0, 2.0), 0.2).sample(10, 0, n_q=4)
    assert x_p.shape == (10,) and x_q.shape == (4,)


def test_quantized_cell_frequencies():
    # each cell's frequency is binomial: within 5 of its sds of scipy's cell probability;
    # cells centred anywhere but on the multiples of r (floor instead of round) would fail
    dist = D.Quantized(D.Normal(1.0, 4.0), 0.5)
    cells = np.round(dist.sample(N_MC, random_state=9) / 0.5).astype(int)
    k = np.arange(-30, 35)  # 1 +- 15 sd
    assert cells.min() >= k[0] and cells.max() <= k[-1]
    assert_frequencies(cells - k[0], cdf_cells(k, 1.0, 2.0, 0.5))


def test_zero_inflated_mi_monte_carlo():
    # the mixed law: an atom (1 - p) at x = 0, where p(y | x) = p(y) (log ratio 0), and the
    # density p phi(x) phi_sigma(y - x) elsewhere: log ratio log phi_sigma(y - x) - log p(y),
    # Y ~ N(0, 1 + sigma^2). 5 standard errors, as above.
    for p, sigma in [(0.5, 1.0), (0.3, 0.5)]:
        dist = D.ZeroInflated(p, sigma)
        x, y = dist.sample(N_MC, random_state=14)
        atom = x == 0
        assert not np.signbit(x[atom]).any()  # +0.0, one value
        zeros = atom.mean()
        assert abs(zeros - (1 - p)) <= 5 * math.sqrt(p * (1 - p) / N_MC)
        ratio = stats.norm.logpdf(y, x, sigma) - stats.norm.logpdf(y, 0, math.sqrt(1 + sigma**2))
        assert_within_5_se(np.where(atom, 0.0, ratio), dist.truth())


@pytest.mark.parametrize(("p", "sigma"), [(0.5, 1.0), (0.3, 0.5), (0.9, 3.0)])
def test_zero_inflated_mi_by_integrating_the_mixed_density(p, sigma):
    # I = (1 - p) * 0 (the atom) + p * int int phi(x) phi_sigma(y - x) log(phi_sigma(y - x)
    # / p(y)) dy dx, the densities written out, by scipy's dblquad over +- 10 sd (tails
    # < 1e-20) to 1e-10
    sy = math.sqrt(1 + sigma**2)

    def integrand(y, x):
        log_ratio = -((y - x) ** 2) / (2 * sigma**2) - math.log(sigma) + y * y / (2 * sy**2)
        density = math.exp(-x * x / 2 - (y - x) ** 2 / (2 * sigma**2)) / (2 * math.pi * sigma)
        return density * (log_ratio + math.log(sy))

    integral, error = integrate.dblquad(
        integrand,
        -10,
        10,
        lambda x: x - 10 * sigma,
        lambda x: x + 10 * sigma,
        epsabs=1e-11,
        epsrel=1e-11,
    )
    assert error < 1e-9
    assert D.ZeroInflated(p, sigma).truth() == pytest.approx(p * integral, abs=1e-9)


def test_zero_inflated_limits():
    # never zeroed: the Gaussian channel (cov [[1, 1], [1, 1 + sigma^2]]); always zeroed: 0
    assert D.ZeroInflated(1.0, 0.5).truth() == pytest.approx(
        D.JointNormal([[1.0, 1.0], [1.0, 1.25]], 1).truth(), rel=1e-12
    )
    assert D.ZeroInflated(0.0, 0.5).truth() == 0.0
    assert D.ZeroInflated(0.5, 1.0).truth() == pytest.approx(math.log(2) / 4, rel=1e-12)


# --------------------------------------------------------------------------- invalid parameters


def _one_x_two_y():
    """X correlated with both Y coordinates (Y's independent): not independent pairs."""
    cov = np.eye(3)
    cov[0, 1:] = cov[1:, 0] = 0.5
    return cov


@pytest.mark.parametrize(
    ("factory", "match"),
    [
        (lambda: D.Categorical([0.5, 0.4]), "sum to 1"),
        (lambda: D.Categorical([1.5, -0.5]), "negative"),
        (lambda: D.Categorical([[0.5, 0.5]]), "1-D"),
        (lambda: D.Categorical([0.5, np.nan]), "finite"),
        (lambda: D.JointCategorical([[0.5, 0.5], [0.5, 0.5]]), "sum to 1"),
        (lambda: D.JointCategorical([0.5, 0.5]), "2-D"),
        (lambda: D.Normal(0.0, -1.0), "positive definite"),
        (lambda: D.Normal([0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]]), "positive definite"),
        (lambda: D.Normal([0.0, 0.0], [[1.0, 0.5], [0.1, 1.0]]), "symmetric"),
        (lambda: D.Normal([0.0, 0.0, 0.0], np.eye(2)), "mean"),
        (lambda: D.Normal([0.0, 0.0], 1.0), "mean"),
        (lambda: D.Normal(0.0, np.ones((2, 3))), "square"),
        (lambda: D.Normal(np.zeros(2), np.stack([np.eye(2)] * 2)), "one"),
        (lambda: D.JointNormal(np.eye(2), dim_x=2), "dim_x"),
        (lambda: D.JointNormal(np.eye(3), dim_x=1, mean=[0.0, 0.0]), "mean"),
        (lambda: D.JointNormal([[1.0, 1.1], [1.1, 1.0]], dim_x=1), "positive definite"),
        (lambda: D.NormalPair(0.0, 1.0, [0.0, 0.0], np.eye(2)), "dimensional"),
        (lambda: D.NormalPair(0.0, 1.0, 0.0, -1.0), "positive definite"),
        (lambda: D.Uniform(1.0, 1.0), "high"),
        (lambda: D.Uniform(2.0, 1.0), "high"),
        (lambda: D.Uniform([0.0, 0.0], [1.0]), "low and high"),
        (lambda: D.Uniform(0.0, np.inf), "finite"),
        (lambda: D.Exponential(0.0), "scale"),
        (lambda: D.Exponential(-1.0), "scale"),
        (lambda: D.Laplace(0.0, -2.0), "scale"),
        (lambda: D.Laplace(np.nan, 1.0), "loc"),
        (lambda: D.StudentT(0.0), "df"),
        (lambda: D.StudentT(-3.0), "df"),
        (lambda: D.StudentT(3.0, 0.0, -1.0), "scale"),
        (lambda: D.ClassConditionalNormal([[0.0, 1.0]]), "means"),
        (lambda: D.ClassConditionalNormal([]), "means"),
        (lambda: D.ClassConditionalNormal([0.0, np.inf]), "means"),
        (lambda: D.ClassConditionalNormal([0.0, 1.0], 0.0), "sigma"),
        (lambda: D.ClassConditionalNormal([0.0, 1.0], 1.0, [1.0]), "one probability per mean"),
        (lambda: D.ClassConditionalNormal([0.0, 1.0], 1.0, [0.7, 0.7]), "sum to 1"),
        (lambda: D.Quantized(D.Normal(0.0, 1.0), 0.0), "resolution must be > 0"),
        (lambda: D.Quantized(D.Normal(0.0, 1.0), -0.1), "resolution must be > 0"),
        (lambda: D.Quantized(D.Normal(0.0, 1.0), np.nan), "resolution"),
        (lambda: D.Quantized(D.Normal(0.0, 1.0), [0.1, 0.1]), "one entry per coordinate"),
        (lambda: D.Quantized(D.Normal(0.0, 1.0), [[0.1]]), "one entry per coordinate"),
        (lambda: D.Quantized(D.Normal(0.0, 1.0), 1e-7), "too fine"),
        (lambda: D.Quantized(D.JointNormal(RHO06, 1), 0.005), "too fine"),
        (lambda: D.Quantized(D.Normal(np.zeros(3), COV3), 0.1), "independent coordinates"),
        (lambda: D.Quantized(D.NormalPair([0.0] * 3, COV3, [0.0] * 3, np.eye(3)), 0.1), "diagonal"),
        (lambda: D.Quantized(D.JointNormal(COV3, dim_x=1), 0.1), "independent pairs"),
        (lambda: D.Quantized(D.JointNormal(_one_x_two_y(), dim_x=1), 0.1), "at most one"),
        (lambda: D.Quantized(D.Uniform(0.0, 1.0), 0.1), "task must be a Normal"),
        (lambda: D.Quantized(D.task("gaussian-1+1-mi1-cube"), 0.1), "task must be"),
        (lambda: D.ZeroInflated(-0.1, 1.0), "p must be a probability"),
        (lambda: D.ZeroInflated(1.5, 1.0), "p must be a probability"),
        (lambda: D.ZeroInflated(np.nan, 1.0), "p"),
        (lambda: D.ZeroInflated(0.5, 0.0), "sigma"),
    ],
)
def test_invalid_parameters_raise(factory, match):
    with pytest.raises(ValueError, match=match):
        factory()
