"""The hard MI suite and the null suite: every truth against an independent computation
(Monte Carlo averages of log p(x, y) - log p(x) - log p(y) with scipy's densities, scipy's
entropies, quadrature), the warps and embeddings invertible, sampling reproducible."""

import math
import re

import numpy as np
import pytest
from scipy import integrate, special, stats

from exact import _hard
from exact import distributions as D

HARD, NULL = D.HARD_SUITE, D.NULL_SUITE
WARPED = [n for n in HARD if isinstance(D.task(n), D.MonotoneTransformed)]
STUDENT = [n for n in HARD if isinstance(D.task(n), D.MultivariateStudentT)]
SPIRALS = [n for n in HARD if isinstance(D.task(n), D.Spiral)]
ROLLS = [n for n in HARD if isinstance(D.task(n), D.SwissRoll)]
NOISY = [n for n in HARD if isinstance(D.task(n), D.UniformNoise)]
GAUSSIAN = [n for n in HARD if isinstance(D.task(n), D.JointNormal)]


def _within_five_standard_errors(terms, truth):
    # the Monte-Carlo mean of i.i.d. terms has standard error sd / sqrt(n); 5 of them bound a
    # false failure below 1e-6 per check (the draws are seeded: a check passes or fails always)
    terms = np.asarray(terms)
    stderr = terms.std() / math.sqrt(terms.size)
    assert abs(terms.mean() - truth) <= 5 * stderr + 1e-12, (terms.mean(), truth, stderr)
    return stderr


def _columns(values):
    return values.reshape(len(values), -1)


# --- the suites ------------------------------------------------------------------------------


def test_the_suites_are_registered_with_positive_or_zero_truths():
    assert len(HARD) >= 40 and len(set(HARD)) == len(HARD)
    assert len(NULL) >= 7 and len(set(NULL)) == len(NULL)
    assert set(HARD) <= set(D.TASKS) and set(NULL) <= set(D.TASKS) and not set(HARD) & set(NULL)
    for name in HARD:
        task = D.task(name)
        assert task.quantity == "mutual_information"
        assert 0 < task.truth() < math.inf
        assert task.truth(base=2) == pytest.approx(task.truth() / math.log(2))
    for name in NULL:
        assert D.task(name).quantity == "mutual_information" and D.task(name).truth() == 0.0
    # every family of the design, at its size
    assert len(GAUSSIAN) == 7 and len(WARPED) >= 14 and len(STUDENT) >= 8
    assert len(SPIRALS) >= 3 and len(ROLLS) >= 2 and len(NOISY) >= 3
    warps = {D.task(n).transform for n in WARPED}
    assert {"half-cube", "asinh", "normal-cdf", "wiggly", "bimodal"} <= warps
    assert any(np.array_equal(D.task(n).dispersion, np.eye(4)) for n in STUDENT)  # tails only


@pytest.mark.parametrize("name", HARD + NULL)
def test_sampling_is_reproducible_with_the_named_shapes(name):
    dim_x, dim_y = map(int, re.search(r"(\d+)\+(\d+)", name).groups())
    task = D.task(name)
    x, y = task.sample(64, random_state=5)
    for values, dim in ((x, dim_x), (y, dim_y)):
        assert values.shape == ((64,) if dim == 1 else (64, dim))
        assert values.dtype == np.float64 and np.isfinite(values).all()
    again, other = task.sample(64, random_state=5), task.sample(64, random_state=6)
    np.testing.assert_array_equal(x, again[0])
    np.testing.assert_array_equal(y, again[1])
    assert not np.array_equal(x, other[0])


# --- Gaussian: dense and sparse --------------------------------------------------------------


@pytest.mark.parametrize("name", GAUSSIAN)
def test_gaussian_truths_by_monte_carlo(name):
    task = D.task(name)
    level = float(re.search(r"-mi([\d.]+)$", name).group(1))
    assert task.truth() == pytest.approx(level, abs=1e-10)  # the name's level
    cov, dim_x = task.cov, task.dim_x
    np.testing.assert_allclose(np.diag(cov), 1.0)
    cross = cov[:dim_x, dim_x:]
    if "sparse" in name:
        pairs = int(re.search(r"(\d+)pairs", name).group(1))
        assert np.count_nonzero(cross) == pairs and np.count_nonzero(cov) == 2 * dim_x + 2 * pairs
    else:
        assert np.all(cov != 0)  # dense: every pair of coordinates correlated
    x, y = task.sample(20_000, random_state=3)
    x, y = _columns(x), _columns(y)
    joint = stats.multivariate_normal(np.zeros(len(cov)), cov)
    terms = (
        joint.logpdf(np.hstack((x, y)))
        - stats.multivariate_normal(np.zeros(dim_x), cov[:dim_x, :dim_x]).logpdf(x)
        - stats.multivariate_normal(np.zeros(len(cov) - dim_x), cov[dim_x:, dim_x:]).logpdf(y)
    )
    _within_five_standard_errors(np.atleast_1d(terms), task.truth())


def test_dense_correlation_refuses_bad_levels():
    with pytest.raises(ValueError, match="mi must be in"):
        _hard.dense_correlation(2, 2, 0.0)
    with pytest.raises(ValueError, match="dim_x must be a positive integer"):
        _hard.dense_correlation(0, 2, 1.0)
    with pytest.raises(ValueError, match="pairs must be <= dim"):
        _hard.sparse_correlation(3, 4, 1.0)


# --- warps -----------------------------------------------------------------------------------


@pytest.mark.parametrize("warp", sorted(_hard.WARPS))
def test_warps_are_strictly_increasing_and_invertible(warp):
    forward, inverse = _hard.WARPS[warp]
    v = np.concatenate((np.linspace(-40, 40, 400_001), [-1e6, 1e6]))
    v.sort()
    image = forward(v)
    assert np.all(np.diff(image) > 0)
    np.testing.assert_allclose(inverse(image), v, rtol=1e-12, atol=1e-12)


def test_the_wiggly_map_has_a_positive_slope_and_the_bimodal_map_gives_the_mixture():
    assert _hard.WIGGLE_AMPLITUDE * _hard.WIGGLE_FREQUENCY < 1
    # the bimodal coordinate's CDF is the mixture's (F(w(v)) = Phi(v)), to the documented 2e-5
    v = np.linspace(-9, 9, 200_001)
    w = _hard.WARPS["bimodal"][0](v)
    mean, sd = _hard.BIMODAL_MEAN, _hard.BIMODAL_SD
    mixture_cdf = (special.ndtr((w - mean) / sd) + special.ndtr((w + mean) / sd)) / 2
    assert np.abs(mixture_cdf - special.ndtr(v)).max() < 2e-5
    assert np.all(_hard.WARPS["bimodal"][0](np.array([-1.0, 1.0])) * [-1, 1] > 0.7)  # two humps


_INVERSES = {
    **{name: inverse for name, (_, inverse) in _hard.WARPS.items()},
    "asinh": np.sinh,
    "normal-cdf": special.ndtri,
}


@pytest.mark.parametrize("name", WARPED)
def test_warped_tasks_are_their_base_through_an_invertible_map(name):
    task = D.task(name)
    assert task.truth() == task.base.truth()  # MI is invariant under the warp
    x, y = task.sample(500, random_state=4)
    base_x, base_y = task.base.sample(500, random_state=4)
    inverse = _INVERSES[task.transform]
    np.testing.assert_allclose(inverse(x), base_x, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(inverse(y), base_y, rtol=1e-9, atol=1e-9)
    assert not np.allclose(x, base_x)


# --- multivariate Student t ------------------------------------------------------------------


def _t_parts(task):
    d, dx = len(task.dispersion), task.dim_x
    s = task.dispersion
    return (
        stats.multivariate_t(np.zeros(d), s, df=task.df),
        stats.multivariate_t(np.zeros(dx), s[:dx, :dx], df=task.df),
        stats.multivariate_t(np.zeros(d - dx), s[dx:, dx:], df=task.df),
    )


@pytest.mark.parametrize("name", STUDENT)
def test_student_t_truths_against_scipy_entropies_and_monte_carlo(name):
    task = D.task(name)
    joint, marginal_x, marginal_y = _t_parts(task)
    # I = h(X) + h(Y) - h(X, Y), each entropy from scipy (an independent implementation)
    by_entropies = marginal_x.entropy() + marginal_y.entropy() - joint.entropy()
    assert task.truth() == pytest.approx(by_entropies, abs=1e-9)
    # and the average log density ratio over the task's own draws
    x, y = task.sample(20_000, random_state=7)
    x, y = _columns(x), _columns(y)
    terms = joint.logpdf(np.hstack((x, y))) - marginal_x.logpdf(x) - marginal_y.logpdf(y)
    _within_five_standard_errors(terms, task.truth())


def test_the_student_t_correction_is_positive_and_vanishes_in_the_normal_limit():
    for dims in ((1, 1), (2, 3), (5, 5)):
        values = [_hard.student_t_mi_correction(df, *dims) for df in (1, 2, 3, 10, 100, 1000)]
        assert all(v > 0 for v in values) and np.all(np.diff(values) < 0)
        # c ~ m n / (2 nu^2) for large nu
        assert values[-1] == pytest.approx(dims[0] * dims[1] / 2e6, rel=0.01)


def test_student_t_refuses_bad_parameters():
    with pytest.raises(ValueError, match="df must be > 0"):
        D.MultivariateStudentT(np.eye(2), 1, 0.0)
    with pytest.raises(ValueError, match="dim_x"):
        D.MultivariateStudentT(np.eye(2), 2, 1.0)


# --- spirals and the swiss roll --------------------------------------------------------------


def _mapped_x(name: str):
    """``(task, x, base_x)`` for a task that maps the X of its base task: same truth, same
    draws of Y (checked), X mapped."""
    task = D.task(name)
    assert task.truth() == task.base.truth()
    x, y = task.sample(2000, random_state=2)
    base_x, base_y = task.base.sample(2000, random_state=2)
    np.testing.assert_array_equal(y, base_y)
    return task, x, base_x


@pytest.mark.parametrize("name", SPIRALS)
def test_spirals_keep_the_norm_and_invert(name):
    task, x, base_x = _mapped_x(name)
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), np.linalg.norm(base_x, axis=1))
    np.testing.assert_allclose(_hard.spiral(x, -task.speed), base_x, atol=1e-10)
    np.testing.assert_array_equal(x[:, 2:], base_x[:, 2:])  # only the first plane turns
    turned = np.abs(np.arctan2(x[:, 1], x[:, 0]) - np.arctan2(base_x[:, 1], base_x[:, 0]))
    assert np.median(turned) > 0.3


@pytest.mark.parametrize("name", ROLLS)
def test_the_swiss_roll_is_one_to_one_onto_its_curve(name):
    _, x, base_x = _mapped_x(name)
    np.testing.assert_allclose(_hard.swiss_roll_inverse(x), base_x, atol=1e-8)
    grid = np.linspace(-5, 5, 10_001)
    radius = np.linalg.norm(_hard.swiss_roll(grid), axis=1)
    assert np.all(np.diff(radius) > 0)  # distinct x, distinct points


def test_embeddings_refuse_the_wrong_dimension():
    with pytest.raises(ValueError, match="at least 2 coordinates"):
        D.Spiral(D.JointNormal.correlated(1, 1, 0.5), 1.0)
    with pytest.raises(ValueError, match="1-D X"):
        D.SwissRoll(D.JointNormal.correlated(2, 2, 0.5))


# --- uniform noise ---------------------------------------------------------------------------


def _trapezoid_density(y, eps):
    return np.clip(np.minimum(y, 1 + eps - y) / eps, 0, 1)


@pytest.mark.parametrize("eps", [0.1, 0.3, 0.75, 1.0])
def test_uniform_noise_truth_by_quadrature_and_monte_carlo(eps):
    # I = h(Y) - h(Y | X) = -int f log f - log eps, f the density of X + eps U (quadrature)
    def f_log_f(value):
        f = _trapezoid_density(value, eps)
        return f * math.log(f) if f > 0 else 0.0

    h_y = -integrate.quad(f_log_f, 0, 1 + eps, points=[eps, 1.0], epsabs=1e-13)[0]
    task = D.UniformNoise(eps)
    assert task.truth() == pytest.approx(h_y - math.log(eps), abs=1e-10)
    # log p(x, y) - log p(x) - log p(y) = -log eps - log f(y) on the support
    x, y = task.sample(50_000, random_state=9)
    assert np.all((y >= x) & (y <= x + eps))
    _within_five_standard_errors(-math.log(eps) - np.log(_trapezoid_density(y, eps)), task.truth())


def test_uniform_noise_pairs_add_and_bad_widths_are_refused():
    task = D.task("hard-uniform-noise-5+5")
    assert task.truth() == pytest.approx(sum(D.UniformNoise(e).truth() for e in task.eps))
    for name in NOISY:
        eps = np.atleast_1d(D.task(name).eps)
        assert D.task(name).truth() == pytest.approx(np.sum(eps / 2 - np.log(eps)))
    for eps in (0.0, 1.5, [0.5, -0.1]):
        with pytest.raises(ValueError, match=r"eps must be in \(0, 1\]"):
            D.UniformNoise(eps)


# --- null tasks ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NULL)
def test_null_tasks_have_unrelated_columns(name):
    task = D.task(name)
    assert task.truth() == 0.0 and task.truth(base=2) == 0.0
    n = 4000
    x, y = task.sample(n, random_state=11)
    x, y = _columns(x), _columns(y)
    ranks = stats.rankdata(np.hstack((x, y)), axis=0)
    spearman = np.corrcoef(ranks, rowvar=False)[: x.shape[1], x.shape[1] :]
    assert np.abs(spearman).max() < 5.5 / math.sqrt(n)  # each is about N(0, 1/n) under H0


def test_independent_coordinates_follow_their_laws_and_refuse_bad_ones():
    x, y = D.task("null-t-3+3-dof2").sample(20_000, random_state=1)
    assert stats.kstest(x[:, 0], stats.t(2).cdf).pvalue > 1e-3
    x, y = D.task("null-scales-4+4").sample(1000, random_state=1)
    assert 1e5 < x[:, 3].std() < 1e7 and 1e-7 < y[:, 0].std() < 1e-5
    with pytest.raises(ValueError, match="law_x must be one of"):
        D.IndependentCoordinates("cauchy", 1, "normal", 1)
    with pytest.raises(ValueError, match="scale_y must be positive"):
        D.IndependentCoordinates("normal", 1, "normal", 2, scale_y=[1.0, 2.0, 3.0])
