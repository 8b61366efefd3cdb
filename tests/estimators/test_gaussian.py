"""Tests for ``estimators.gaussian``: the Gaussian plug-in and the Gaussian-copula MI.

Statistical tolerances come from theory, stated next to each check:

- bias. For ``n`` normal draws in ``d`` dimensions ``(n - 1) S`` is Wishart, so the plug-in
  entropy has expectation ``H + b(d, n)``, ``b(d, n) = (d log(2 / (n - 1)) + sum_{i=1..d}
  psi((n - i) / 2)) / 2`` (computed below with scipy, independently of the module). MI and CMI
  are sums of block entropies, each block Wishart too, so their biases are the same sums of
  ``b``. The plug-in KL's expectation follows from Wishart moments (``E[S^-1]``), see
  :func:`expected_plugin_kl`.
- standard error. ``Var(log det S) = sum_i psi'((n - i) / 2) ~ 2d / n``, so the entropy's
  standard error is ``sqrt(d / (2 n))``. For ``k`` correlated pairs with correlation ``rho``,
  the delta method gives ``Var(MI) ~ k rho^2 / n`` (``Var(r) ~ (1 - rho^2)^2 / n``,
  ``dI/drho = rho / (1 - rho^2)``); a development run over 200 seeds at n = 20,000 measured
  standard deviations within 4 % of it for 1+1, 2+2 and 5+5 dimensions. For KL the spread is
  measured over the seeds of the test itself.

Checks allow |bias| + 4 standard errors (a fixed-seed failure chance below 1e-4).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special, stats

import estimators
from estimators import gaussian
from exact import gaussian as closed_form
from exact.distributions import JointNormal, Normal, NormalPair

N = 20_000


def wishart_entropy_bias(d: int, n: int) -> float:
    """``E[H_plugin] - H`` for the ddof=1 Gaussian entropy of ``n`` draws in ``d`` dimensions."""
    return 0.5 * (d * math.log(2 / (n - 1)) + special.digamma((n - np.arange(1, d + 1)) / 2).sum())


def random_spd(rng: np.random.Generator, d: int) -> np.ndarray:
    a = rng.standard_normal((d, d))
    return a @ a.T + 0.5 * np.eye(d)


def expected_plugin_kl(pair: NormalPair, n_p: int, n_q: int) -> float:
    """``E[D_plugin]`` for independent samples of p (``n_p`` rows) and q (``n_q``), ddof=1.

    ``E[S_q^-1] = c Sigma_q^-1`` with ``c = (n_q - 1) / (n_q - d - 2)``; the sample means are
    independent of the covariances, with ``E[delta delta^T] = mu mu^T + Sigma_p / n_p +
    Sigma_q / n_q`` (``mu`` the true shift); ``E[log det S] = log det Sigma + 2 b(d, n)``. So
    ``E[D_plugin] - D = ((c - 1)(tr(P Sigma_p) + mu^T P mu) + c tr(P (Sigma_p / n_p +
    Sigma_q / n_q))) / 2 + b(d, n_q) - b(d, n_p)``, ``P = Sigma_q^-1``.
    """
    d = pair.p.dim
    c = (n_q - 1) / (n_q - d - 2)
    precision = np.linalg.inv(pair.q.cov)
    shift = pair.q.mean - pair.p.mean
    true_terms = np.trace(precision @ pair.p.cov) + shift @ precision @ shift
    mean_noise = np.trace(precision @ (pair.p.cov / n_p + pair.q.cov / n_q))
    bias = ((c - 1) * true_terms + c * mean_noise) / 2
    return pair.truth() + bias + wishart_entropy_bias(d, n_q) - wishart_entropy_bias(d, n_p)


def mi_standard_error(dim: int, mi: float, n: int) -> float:
    """Delta-method standard error of the plug-in MI of ``JointNormal.correlated(dim, dim, mi)``."""
    rho2 = -math.expm1(-2 * mi / dim)
    return math.sqrt(dim * rho2 / n)


# ------------------------------------------------------------------ accuracy vs exact values


@pytest.mark.parametrize(
    ("mean", "cov"),
    [(1.5, 2.5**2), (np.arange(4.0), random_spd(np.random.default_rng(3), 4))],
    ids=["1-D", "4-D"],
)
@pytest.mark.parametrize("bias_correction", [False, True])
def test_entropy_matches_normal(mean, cov, bias_correction):
    dist = Normal(mean, cov)
    d = dist.dim
    estimate = gaussian.entropy(dist.sample(N, random_state=11), bias_correction=bias_correction)
    bias = 0.0 if bias_correction else wishart_entropy_bias(d, N)  # -2.5e-5 d at this n
    assert abs(estimate - dist.truth()) <= abs(bias) + 4 * math.sqrt(d / (2 * N))


@pytest.mark.parametrize("dim", [1, 2, 5])
@pytest.mark.parametrize("mi", [0.1, 0.5, 1.0])
def test_mutual_information_matches_joint_normal(dim, mi):
    dist = JointNormal.correlated(dim, dim, mi)
    x, y = dist.sample(N, random_state=100 * dim + int(10 * mi))
    # E[plug-in] - I = b(dx) + b(dy) - b(dx + dy), about dim^2 / (2 n) <= 6.3e-4
    bias = 2 * wishart_entropy_bias(dim, N) - wishart_entropy_bias(2 * dim, N)
    tolerance = abs(bias) + 4 * mi_standard_error(dim, mi, N)
    assert abs(gaussian.mutual_information(x, y) - dist.truth()) <= tolerance
    corrected = gaussian.mutual_information(x, y, bias_correction=True)
    assert abs(corrected - dist.truth()) <= 4 * mi_standard_error(dim, mi, N)


def test_conditional_mutual_information_of_a_known_partial_correlation():
    # x = z1 + e1, y = z1 - z2 + c e1 + e2: given z, (x, y) has partial correlation
    # rho = c / sqrt(1 + c^2), so I(X; Y | Z) = -log(1 - rho^2) / 2 = log(1 + c^2) / 2
    rng = np.random.default_rng(5)
    z, e = rng.standard_normal((N, 2)), rng.standard_normal((N, 2))
    c = 0.8
    x, y = z[:, 0] + e[:, 0], z[:, 0] - z[:, 1] + c * e[:, 0] + e[:, 1]
    truth = math.log1p(c**2) / 2
    rho2 = c**2 / (1 + c**2)
    # bias b(2) + b(3) - b(4) - b(2) over the blocks (x,z), (y,z), (x,y,z), z
    b = [wishart_entropy_bias(d, N) for d in (3, 3, 4, 2)]
    bias = b[0] + b[1] - b[2] - b[3]
    estimate = gaussian.conditional_mutual_information(x, y, z)
    assert abs(estimate - truth) <= abs(bias) + 4 * math.sqrt(rho2 / N)
    # unconditionally, var x = 2, var y = 2 + 1 + c^2, cov = 1 + c: a different (larger) MI
    joint = np.array([[2.0, 1 + c], [1 + c, 3 + c**2]])
    mi = float(closed_form.mutual_information(joint, dim_x=1))
    assert mi - truth > 10 * math.sqrt(rho2 / N)
    mi_se = math.sqrt((1 + c) ** 2 / (2 * (3 + c**2)) / N)  # rho^2 / n for the pair
    assert abs(gaussian.mutual_information(x, y) - mi) <= 4 * mi_se
    via_api = estimators.conditional_mutual_information(x, y, z, method="gaussian")
    assert via_api == estimate


def test_conditional_mutual_information_zero_when_independent_given_z():
    rng = np.random.default_rng(6)
    z = rng.standard_normal((N, 1))
    x, y = z + rng.standard_normal((N, 2)), 2 * z + rng.standard_normal((N, 1))
    # 2 n CMI ~ chi^2 with d_x d_y = 2 degrees of freedom (Wilks) under conditional independence
    bound = stats.chi2.ppf(1 - 1e-4, df=2) / (2 * N)
    assert 0 <= gaussian.conditional_mutual_information(x, y, z) <= bound
    assert gaussian.mutual_information(x, y) > 0.1


@pytest.mark.parametrize(
    ("pair", "n_q"),
    [
        (NormalPair(0.0, 1.0, 1.0, 2.0), N),
        (NormalPair(0.0, 1.0, -0.5, 0.5), N // 2),
        (
            NormalPair(
                np.zeros(3),
                random_spd(np.random.default_rng(1), 3),
                np.array([0.5, -0.2, 0.1]),
                np.eye(3) + 0.3,
            ),
            N,
        ),
    ],
    ids=["1-D", "1-D n_q != n_p", "3-D"],
)
def test_kl_divergence_matches_normal_pair(pair, n_q):
    estimates = np.array(
        [gaussian.kl_divergence(*pair.sample(N, seed, n_q=n_q)) for seed in range(20)]
    )
    # the bias, from Wishart moments, is below 1e-3 here; the spread is measured over the seeds
    bias = expected_plugin_kl(pair, N, n_q) - pair.truth()
    standard_error = estimates.std(ddof=1) / math.sqrt(estimates.size)
    assert abs(estimates.mean() - pair.truth()) <= abs(bias) + 4 * standard_error
    assert estimates.std(ddof=1) < 0.05  # the spread itself is small: a wrong mean shows


def test_expected_plugin_kl_predicts_the_small_sample_bias():
    # at n = 40 the 3-D plug-in KL is biased up by ~0.3 nats; the mean over 400 seeds
    # must agree with the Wishart prediction within 4 standard errors, and not with the truth
    pair = NormalPair(np.zeros(3), random_spd(np.random.default_rng(1), 3), 0.3, np.eye(3))
    n = 40
    estimates = np.array([gaussian.kl_divergence(*pair.sample(n, seed)) for seed in range(400)])
    standard_error = estimates.std(ddof=1) / math.sqrt(estimates.size)
    expected = expected_plugin_kl(pair, n, n)
    assert abs(estimates.mean() - expected) <= 4 * standard_error
    assert abs(estimates.mean() - pair.truth()) > 4 * standard_error


# ---------------------------------------------------------------------- bias correction


def _small_n_task(quantity: str, n: int, seed: int):
    """Samples for ``quantity``, its truth, and the blocks whose entropies it adds (signed)."""
    if quantity == "entropy":
        dist = Normal(np.zeros(3), random_spd(np.random.default_rng(7), 3))
        return (dist.sample(n, seed),), dist.truth(), {3: 1}
    dist = JointNormal.correlated(2, 2, 0.4)
    x, y = dist.sample(n, seed)
    if quantity == "mutual_information":  # H(X) + H(Y) - H(X, Y)
        return (x, y), dist.truth(), {2: 2, 4: -1}
    z = np.random.default_rng(seed).standard_normal(n)  # independent: I(X; Y | Z) = I(X; Y)
    return (x, y, z), dist.truth(), {3: 2, 5: -1, 1: -1}  # H(XZ) + H(YZ) - H(XYZ) - H(Z)


@pytest.mark.parametrize(
    "quantity", ["entropy", "mutual_information", "conditional_mutual_information"]
)
def test_bias_correction_helps_at_small_n(quantity):
    n, seeds = 30, 200
    function = getattr(gaussian, quantity)
    plain, corrected = np.empty(seeds), np.empty(seeds)
    for seed in range(seeds):
        samples, truth, blocks = _small_n_task(quantity, n, seed)
        plain[seed] = function(*samples)
        corrected[seed] = function(*samples, bias_correction=True)
    # plug-in bias: -0.108 nats (entropy), +0.075 (MI), +0.078 (CMI); the standard errors of
    # the means over 200 seeds are measured: about 0.019, 0.011 and 0.012
    plug_in_bias = sum(sign * wishart_entropy_bias(d, n) for d, sign in blocks.items())
    se_plain = plain.std(ddof=1) / math.sqrt(seeds)
    se_corrected = corrected.std(ddof=1) / math.sqrt(seeds)
    # the corrected estimator is unbiased for normal data: its mean is within 4 SE of the truth
    assert abs(corrected.mean() - truth) <= 4 * se_corrected
    # the plug-in's mean is where the Wishart bias puts it, and measurably off the truth
    assert abs(plain.mean() - (truth + plug_in_bias)) <= 4 * se_plain
    assert abs(plain.mean() - truth) > 3 * se_plain
    # so the corrected mean is the closer one, by more than 2 SE (both see the same samples)
    assert abs(plain.mean() - truth) - abs(corrected.mean() - truth) > 2 * se_plain


def test_estimates_are_the_closed_forms_of_the_fitted_normal():
    # small n, where ddof=1 vs ddof=0 differs by d log(n / (n - 1)) / 2 = 0.11 nats (d = 2)
    rng = np.random.default_rng(15)
    x, x_q = rng.standard_normal((10, 2)), rng.standard_normal((12, 2)) + 1.0
    cov, cov_q = np.cov(x, rowvar=False, ddof=1), np.cov(x_q, rowvar=False, ddof=1)
    assert gaussian.entropy(x) == pytest.approx(closed_form.entropy(cov), abs=1e-12)
    assert gaussian.mutual_information(x[:, 0], x[:, 1]) == pytest.approx(
        closed_form.mutual_information(cov, dim_x=1), abs=1e-12
    )
    expected_kl = closed_form.kl_divergence(x.mean(axis=0), cov, x_q.mean(axis=0), cov_q)
    assert gaussian.kl_divergence(x, x_q) == pytest.approx(expected_kl, abs=1e-12)


def test_bias_correction_is_the_wishart_term():
    x = np.random.default_rng(8).standard_normal((25, 3))
    difference = gaussian.entropy(x) - gaussian.entropy(x, bias_correction=True)
    assert difference == pytest.approx(wishart_entropy_bias(3, 25), rel=1e-12)


# ----------------------------------------------------------------------------- invariances


def test_entropy_is_shift_invariant_and_scales_with_log_a():
    x = np.random.default_rng(9).standard_normal((500, 3)) @ random_spd(np.random.default_rng(9), 3)
    h = gaussian.entropy(x)
    assert gaussian.entropy(x + np.array([5.0, -3.0, 1e3])) == pytest.approx(h, abs=1e-10)
    for a in (-2.5, 0.01, 70.0):
        assert gaussian.entropy(a * x) == pytest.approx(h + 3 * math.log(abs(a)), abs=1e-10)


def test_mutual_information_is_symmetric():
    x, y = JointNormal.correlated(2, 3, 0.7).sample(2000, random_state=10)
    for option in (False, True):
        assert gaussian.mutual_information(x, y, bias_correction=option) == pytest.approx(
            gaussian.mutual_information(y, x, bias_correction=option), abs=1e-12
        )
    assert gaussian.copula_mutual_information(x, y) == pytest.approx(
        gaussian.copula_mutual_information(y, x), abs=1e-12
    )


@pytest.mark.parametrize(("dx", "dy"), [(1, 1), (2, 3)])
def test_mutual_information_of_independent_samples_is_near_zero(dx, dy):
    n = 5000
    rng = np.random.default_rng(12)
    x, y = rng.standard_normal((n, dx)), rng.standard_normal((n, dy))
    # Wilks: 2 n MI ~ chi^2 with dx dy degrees of freedom (mean dx dy / (2 n)); the plug-in is
    # >= 0 (Fischer's inequality det S <= det S_X det S_Y)
    bound = stats.chi2.ppf(1 - 1e-4, df=dx * dy) / (2 * n)
    assert 0 <= gaussian.mutual_information(x, y) <= bound
    assert abs(gaussian.copula_mutual_information(x, y)) <= bound


def test_public_api_and_wrappers_agree_and_convert_units():
    x, y = JointNormal.correlated(1, 2, 0.3).sample(1000, random_state=13)
    assert estimators.entropy(x, method="gaussian") == gaussian.entropy(x)
    assert estimators.mutual_information(x, y, method="gaussian", base=2) == pytest.approx(
        gaussian.mutual_information(x, y) / math.log(2), rel=1e-12
    )
    assert gaussian.entropy(x, base=2) == pytest.approx(gaussian.entropy(x) / math.log(2))
    for name in ("gaussian-copula", "copula"):
        assert estimators.mutual_information(x, y, method=name) == (
            gaussian.copula_mutual_information(x, y)
        )
    assert gaussian.kl_divergence(x, x) == pytest.approx(0.0, abs=1e-12)
    as_ints = np.random.default_rng(14).integers(0, 100, size=(200, 2))
    # both read as quantized on the integer grid: the same dithers for the same seed
    assert gaussian.entropy(as_ints, random_state=0) == gaussian.entropy(
        as_ints.astype(float), random_state=0
    )


# ---------------------------------------------------------------------------------- copula


@pytest.mark.parametrize("dim", [1, 2])
@pytest.mark.parametrize("mi", [0.2, 1.0])
def test_copula_equals_gaussian_mi_for_gaussian_data(dim, mi):
    dist = JointNormal.correlated(dim, dim, mi)
    x, y = dist.sample(N, random_state=20 + dim)
    copula = gaussian.copula_mutual_information(x, y)
    # over 50 seeds in a development run, copula - gaussian on the same data had mean
    # >= -5e-4 and standard deviation <= 3e-4 (MI <= 1, dims 1 and 2): allow 2e-3
    assert copula == pytest.approx(gaussian.mutual_information(x, y), abs=2e-3)
    # its spread matches the Gaussian plug-in's (measured within 20 %): the same 4 SE
    bias = 2 * wishart_entropy_bias(dim, N) - wishart_entropy_bias(2 * dim, N)
    assert abs(copula - dist.truth()) <= abs(bias) + 5e-4 + 4 * mi_standard_error(dim, mi, N)


@pytest.mark.parametrize(
    "transform",
    [lambda v: v**3, np.exp, stats.norm.cdf, lambda v: np.arctan(v / 3)],
    ids=["cube", "exp", "normal cdf", "arctan"],
)
def test_copula_is_invariant_under_increasing_transforms(transform):
    x, y = JointNormal.correlated(2, 1, 0.5).sample(5000, random_state=30)
    z = np.random.default_rng(31).standard_normal(5000) + y
    reference = gaussian.copula_mutual_information(x, y)
    assert gaussian.copula_mutual_information(transform(x), transform(y)) == pytest.approx(
        reference, abs=1e-12
    )
    conditional = gaussian.copula_conditional_mutual_information(x, y, z)
    assert gaussian.copula_conditional_mutual_information(
        transform(x), y, transform(z)
    ) == pytest.approx(conditional, abs=1e-12)


def test_copula_recovers_mi_after_a_monotone_transform_where_gaussian_does_not():
    dist = JointNormal.correlated(1, 1, 0.5)
    x, y = dist.sample(N, random_state=40)
    x, y = np.exp(2 * x), y**3
    tolerance = 4 * mi_standard_error(1, 0.5, N) + 5e-4  # as above: 4 SE + the copula offset
    assert abs(gaussian.copula_mutual_information(x, y) - dist.truth()) <= tolerance
    # the Pearson-based plug-in loses most of it here (measured 0.087 of the true 0.5 nats)
    assert gaussian.mutual_information(x, y) < dist.truth() - 10 * tolerance


def test_copula_conditional_mutual_information_zero_when_independent_given_z():
    rng = np.random.default_rng(41)
    z = rng.standard_normal((N, 1))
    x, y = np.exp(z + rng.standard_normal((N, 1))), (z + rng.standard_normal((N, 1))) ** 3
    bound = stats.chi2.ppf(1 - 1e-4, df=1) / (2 * N) + 5e-4  # Wilks + the copula offset
    assert abs(gaussian.copula_conditional_mutual_information(x, y, z)) <= bound
    assert gaussian.copula_mutual_information(x, y) > 0.1


def test_copula_handles_a_million_rows():
    n = 1_000_000  # about 1 s on two cores: the ranks are O(n log n), no n x n matrix
    x, y = JointNormal.correlated(1, 1, 0.3).sample(n, random_state=50)
    estimate = gaussian.copula_mutual_information(x, y)
    assert abs(estimate - 0.3) <= 4 * mi_standard_error(1, 0.3, n) + 5e-4


def test_copula_with_ties_uses_average_ranks():
    rng = np.random.default_rng(51)
    x = rng.integers(0, 5, size=2000).astype(float)
    y = x + rng.standard_normal(2000)
    scores = stats.norm.ppf(stats.rankdata(x) / 2001)
    expected = gaussian.mutual_information(scores, stats.norm.ppf(stats.rankdata(y) / 2001))
    # read as continuous, the ties stay and get average ranks
    copula = gaussian.copula_mutual_information(x, y, column_kinds="continuous")
    assert copula == pytest.approx(expected, abs=1e-12)
    # read by default, x is quantized (a grid of step 1) and dithered within its cells
    assert gaussian.copula_mutual_information(x, y, random_state=3) != pytest.approx(
        expected, abs=1e-3
    )


# --------------------------------------------------------------------------------- errors


def test_constant_column_names_the_argument():
    x = np.random.default_rng(60).standard_normal((100, 2))
    with pytest.raises(ValueError, match=r"x has a constant column \(1\): .* -inf"):
        gaussian.entropy(np.column_stack((x[:, 0], np.full(100, 0.1))))
    with pytest.raises(ValueError, match=r"^x_q has a singular"):
        gaussian.kl_divergence(x, np.ones((100, 2)))
    # constants carry no information: left out by the input layer, for every method
    assert gaussian.mutual_information(x, np.zeros(100)) == 0.0
    assert gaussian.copula_conditional_mutual_information(
        x[:, 0], x[:, 1], np.ones(100)
    ) == pytest.approx(gaussian.copula_mutual_information(x[:, 0], x[:, 1]), abs=1e-15)


def test_collinear_columns_name_the_argument():
    x = np.random.default_rng(61).standard_normal((100, 2))
    collinear = np.column_stack((x, x[:, 0] - 3 * x[:, 1]))
    with pytest.raises(ValueError, match=r"^x has a singular sample covariance.*linear comb"):
        gaussian.entropy(collinear)
    with pytest.raises(ValueError, match=r"^\(x, y\) jointly has a singular"):
        gaussian.mutual_information(x, 2 * x[:, 1] + 1)
    with pytest.raises(ValueError, match=r"^\(x, y, z\) jointly has a singular"):
        gaussian.conditional_mutual_information(x[:, 0], x[:, 0] + x[:, 1], x[:, 1])
    with pytest.raises(ValueError, match=r"^\(x, y\) jointly.*'gaussian-copula'"):
        gaussian.copula_mutual_information(x[:, 0], x[:, 0] ** 3)


def test_too_few_rows_says_why():
    x = np.random.default_rng(62).standard_normal((4, 4))
    with pytest.raises(ValueError, match=r"at least 5 samples; x has 4.*n >= 5"):
        gaussian.entropy(x)
    with pytest.raises(ValueError, match=r"at least 5 samples; \(x, y\) jointly has 4"):
        gaussian.mutual_information(x[:, :2], x[:, 2:])
    with pytest.raises(ValueError, match=r"x_p has 4"):
        gaussian.kl_divergence(x, np.ones((50, 4)))
    assert math.isfinite(gaussian.entropy(x[:, :3], bias_correction=True))  # n = d + 1 works


def test_bad_option_and_unsupported_quantity():
    x = np.random.default_rng(63).standard_normal((50, 2))
    with pytest.raises(TypeError, match="bias_correction must be True or False; got 'yes'"):
        gaussian.entropy(x, bias_correction="yes")
    with pytest.raises(TypeError, match="no option 'bias_correction'"):
        estimators.kl_divergence(x, x, method="gaussian", bias_correction=True)
    with pytest.raises(ValueError, match="'copula' cannot estimate entropy"):
        estimators.entropy(x, method="copula")
