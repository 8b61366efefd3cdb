"""Tests for ``estimators.discrete``: entropy, MI, CMI and KL estimators for discrete symbols.

Statistical tolerances are ``bias + 4 standard errors``, the bias and the standard error taken
from theory (delta method, chi-squared law of the plug-in MI) at the test's ``n``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special
from sklearn.metrics import mutual_info_score

import estimators
import exact
from estimators import discrete
from exact import distributions as D

METHODS = discrete.METHODS
BIAS_CORRECTED = [m for m in METHODS if m != "plugin"]

P8 = np.array([0.3, 0.2, 0.15, 0.1, 0.1, 0.08, 0.05, 0.02])
P_XY = np.array([[0.20, 0.05, 0.05, 0.02], [0.03, 0.25, 0.05, 0.05], [0.02, 0.03, 0.15, 0.10]])


def _zipf(k: int) -> np.ndarray:
    p = 1.0 / np.arange(1, k + 1)
    return p / p.sum()


def _log_sd(p: np.ndarray, log_ratio: np.ndarray, n: int) -> float:
    """Delta-method standard error of a plug-in ``sum p log_ratio``: ``sqrt(Var_p(ratio)/n)``."""
    mean = np.sum(p * log_ratio)
    return math.sqrt(np.sum(p * (log_ratio - mean) ** 2) / n)


# --------------------------------------------------------------------------------------------
# closed forms on tiny samples
# --------------------------------------------------------------------------------------------


def test_plugin_is_exact_entropy_of_empirical_pmf():
    x = ["a", "a", "b", "c"]
    assert discrete.entropy(x) == pytest.approx(float(exact.entropy([0.5, 0.25, 0.25])), abs=1e-15)
    assert discrete.entropy(x, base=2) == pytest.approx(1.5, abs=1e-15)


def test_miller_madow_adds_k_minus_1_over_2n():
    x = np.array([0, 0, 0, 1, 2, 2, 5])
    plugin = discrete.entropy(x)
    assert discrete.entropy(x, "miller-madow") == pytest.approx(plugin + 3 / 14, abs=1e-15)


def test_grassberger_single_counts_use_g1():
    # G(1) = psi(1) - (psi(1) - psi(1/2)) / 2 = -gamma - log 2 (Grassberger 2003), so n
    # singletons give log n + gamma + log 2.
    x = np.arange(5)
    expected = math.log(5) + np.euler_gamma + math.log(2)
    assert discrete.entropy(x, "grassberger") == pytest.approx(expected, abs=1e-12)


def test_chao_shen_without_singletons_is_horvitz_thompson_of_the_mle():
    # No singletons: coverage C = 1, p = n_i / n, H = -sum p log p / (1 - (1 - p)^n).
    counts = np.array([2, 3, 5])
    x = np.repeat(np.arange(3), counts)
    p = counts / 10
    expected = -np.sum(p * np.log(p) / (1 - (1 - p) ** 10))
    assert discrete.entropy(x, "chao-shen") == pytest.approx(expected, abs=1e-12)


def test_james_stein_lies_between_plugin_and_uniform():
    # The shrunk pmf is a mixture of u and the uniform, so by concavity its entropy lies in
    # [H(u), log K]; with a uniform u there is nothing to shrink.
    rng = np.random.default_rng(3)
    for _ in range(20):
        x = rng.choice(8, size=30, p=P8)
        k = np.unique(x).size
        js = discrete.entropy(x, "james-stein")
        assert discrete.entropy(x) - 1e-12 <= js <= math.log(k) + 1e-12
    assert discrete.entropy([1, 2, 3, 1, 2, 3], "james-stein") == pytest.approx(math.log(3))


def test_james_stein_shrinkage_intensity():
    # Counts (1, 2, 5): u = (1, 2, 5)/8, target 1/3, lambda = (1 - sum u^2) / (7 sum (1/3 - u)^2)
    # (Hausser & Strimmer 2009, eq. 8) = 0.56044...; counts (1, 2) give lambda = 4, clipped to 1.
    u = np.array([1, 2, 5]) / 8
    shrinkage = (1 - np.sum(u**2)) / (7 * np.sum((1 / 3 - u) ** 2))
    expected = float(exact.entropy(shrinkage / 3 + (1 - shrinkage) * u))
    assert discrete.entropy([0, 1, 1, 2, 2, 2, 2, 2], "james-stein") == pytest.approx(expected)
    assert discrete.entropy(["a", "b", "b"], "james-stein") == pytest.approx(math.log(2))


@pytest.mark.parametrize("method", METHODS)
def test_single_symbol(method):
    assert discrete.entropy(["s"] * 10, method) == pytest.approx(0.0, abs=1e-2)
    # (Grassberger's G(10) differs from log 10 by 1.6e-3, hence the tolerance)
    assert discrete.mutual_information([1] * 10, np.arange(10), method) == pytest.approx(
        0.0, abs=1e-2
    )


# --------------------------------------------------------------------------------------------
# bias on an undersampled Zipf distribution
# --------------------------------------------------------------------------------------------


def test_bias_corrected_estimators_beat_plugin_on_zipf():
    # 100-symbol Zipf, n = 200: strongly undersampled (about 60 symbols seen), the plug-in's
    # bias is about -0.26 nats. Each correction must have a smaller |mean bias| over 50 seeds.
    # Standard error of each mean over 50 seeds: ~0.12 / sqrt(50) = 0.017 nats; the smallest
    # gap (James–Stein, about -0.15 vs -0.26) is over 6 of them. NSB is told the true alphabet
    # size (alphabet_size=100); the other methods use the observed symbols only.
    p = _zipf(100)
    truth = float(exact.entropy(p))
    rng = np.random.default_rng(2024)
    samples = [rng.choice(100, size=200, p=p) for _ in range(50)]
    options = {"nsb": {"alphabet_size": 100}}
    bias = {
        m: np.mean([discrete.entropy(x, m, **options.get(m, {})) for x in samples]) - truth
        for m in METHODS
    }
    assert bias["plugin"] < -0.2
    for method in BIAS_CORRECTED:
        assert abs(bias[method]) < abs(bias["plugin"]), (method, bias)


# --------------------------------------------------------------------------------------------
# against ground-truth distributions at n = 20,000
# --------------------------------------------------------------------------------------------

N_TRUTH = 20_000


@pytest.mark.parametrize("method", METHODS)
def test_entropy_of_categorical(method):
    dist = D.Categorical(P8)
    x = dist.sample(N_TRUTH, random_state=11)
    # every method differs from the plug-in by O(K/n); the plug-in's bias is -(K-1)/(2n) and its
    # standard error sqrt(Var(log p)/n) = 0.0084 nats.
    tolerance = (P8.size - 1) / (2 * N_TRUTH) + 4 * _log_sd(P8, -np.log(P8), N_TRUTH)
    assert estimators.entropy(x, method=method) == pytest.approx(dist.truth(), abs=tolerance)
    assert discrete.entropy(x, method) == estimators.entropy(x, method=method)


@pytest.mark.parametrize("method", METHODS)
def test_mutual_information_of_joint_categorical(method):
    dist = D.JointCategorical(P_XY)
    x, y = dist.sample(N_TRUTH, random_state=12)
    p_x, p_y = P_XY.sum(axis=1, keepdims=True), P_XY.sum(axis=0, keepdims=True)
    # plug-in MI bias (Kx - 1)(Ky - 1)/(2n) = 3e-4; standard error sqrt(Var(log p/(p_x p_y))/n)
    sd = _log_sd(P_XY, np.log(P_XY / (p_x * p_y)), N_TRUTH)
    tolerance = (3 - 1) * (4 - 1) / (2 * N_TRUTH) + 4 * sd
    mi = estimators.mutual_information(x, y, method=method)
    assert mi == pytest.approx(dist.truth(), abs=tolerance)
    assert discrete.mutual_information(x, y, method) == mi


# --------------------------------------------------------------------------------------------
# mutual information
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_plugin_mi_equals_sklearn(seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 6, size=500)
    y = (x + rng.integers(0, 3, size=500)) % 5
    labels = np.array(["red", "green", "blue", "cyan", "black", "white"])[x]
    expected = mutual_info_score(x, y)
    assert discrete.mutual_information(x, y) == pytest.approx(expected, abs=1e-12)
    assert discrete.mutual_information(labels, y) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_mi_is_symmetric(method):
    rng = np.random.default_rng(5)
    x = rng.integers(0, 4, size=300)
    y = np.column_stack([x % 2, rng.integers(0, 3, size=300)])
    forward = discrete.mutual_information(x, y, method)
    assert discrete.mutual_information(y, x, method) == pytest.approx(forward, abs=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_mi_of_independent_samples_is_near_zero(method):
    # 2n I_plugin ~ chi^2 with (Kx-1)(Ky-1) = 12 degrees of freedom for independent X, Y:
    # mean 12/(2n) = 1.2e-3, sd sqrt(2*12)/(2n) = 4.9e-4 at n = 5000. The corrections remove
    # most of that bias; all must stay within bias + 4 sd of 0.
    rng = np.random.default_rng(7)
    n = 5000
    x, y = rng.integers(0, 4, size=n), rng.integers(0, 5, size=n)
    bias, sd = 12 / (2 * n), math.sqrt(24) / (2 * n)
    assert abs(discrete.mutual_information(x, y, method)) < bias + 4 * sd


def test_plugin_mi_bias_matches_theory():
    # Mean of 40 independent-pair plug-in MIs vs (Kx-1)(Ky-1)/(2n) = 1.2e-3; standard error of
    # the mean 4.9e-4 / sqrt(40) = 7.7e-5, tolerance 4 of them (the O(1/n^2) term is ~1e-7).
    rng = np.random.default_rng(8)
    n = 5000
    values = [
        discrete.mutual_information(rng.integers(0, 4, size=n), rng.integers(0, 5, size=n))
        for _ in range(40)
    ]
    assert min(values) >= 0  # the plug-in MI is a KL divergence of empirical pmfs
    assert np.mean(values) == pytest.approx(12 / (2 * n), abs=4 * math.sqrt(24) / (2 * n) / 40**0.5)


def test_symbol_types_strings_bools_and_rows():
    rng = np.random.default_rng(9)
    a, b = rng.integers(0, 3, size=400), rng.integers(0, 2, size=400)
    names = np.array(["x", "yy", "zzz"])[a]
    flags = b.astype(bool)
    joint_label = a * 2 + b
    frame = pd.DataFrame({"name": names, "flag": flags})
    for method in METHODS:
        assert discrete.entropy(names, method) == pytest.approx(discrete.entropy(a, method))
        assert discrete.entropy(flags, method) == pytest.approx(discrete.entropy(b, method))
        expected = discrete.entropy(joint_label, method)
        assert discrete.entropy(np.column_stack([a, b]), method) == pytest.approx(expected)
        assert discrete.entropy(frame, method) == pytest.approx(expected)
        assert discrete.mutual_information(frame, a, method) == pytest.approx(
            discrete.mutual_information(joint_label, a, method)
        )


# --------------------------------------------------------------------------------------------
# conditional mutual information
# --------------------------------------------------------------------------------------------


def _noisy_copy(rng, source: np.ndarray, k: int, flip: float) -> np.ndarray:
    keep = rng.random(source.size) >= flip
    return np.where(keep, source, rng.integers(0, k, size=source.size))


@pytest.mark.parametrize("method", METHODS)
def test_cmi_of_markov_chain_is_near_zero(method):
    # X -> Z -> Y: I(X; Y | Z) = 0, while I(X; Y) > 0. The plug-in CMI is a sum over the Kz = 3
    # values of Z of plug-in MIs: 2n I ~ chi^2 with Kz (Kx-1)(Ky-1) = 12 df, so bias 1.2e-3 and
    # sd 4.9e-4 at n = 5000; bound bias + 4 sd.
    rng = np.random.default_rng(10)
    n = 5000
    x = rng.integers(0, 3, size=n)
    z = _noisy_copy(rng, x, 3, 0.3)
    y = _noisy_copy(rng, z, 3, 0.3)
    assert abs(discrete.conditional_mutual_information(x, y, z, method)) < 12 / (2 * n) + 4 * (
        math.sqrt(24) / (2 * n)
    )
    assert discrete.mutual_information(x, y, method) > 0.1


@pytest.mark.parametrize("method", METHODS)
def test_cmi_matches_exact_conditional_mi(method):
    rng = np.random.default_rng(13)
    table = rng.dirichlet(np.ones(2 * 3 * 2)).reshape(2, 3, 2)  # p(x, y, z)
    p_z = table.sum(axis=(0, 1))
    conditional = np.moveaxis(table / p_z, -1, 0)  # p(x, y | z), batch axis z first
    truth = float(np.dot(p_z, exact.mutual_information(conditional)))
    cells = rng.choice(table.size, size=N_TRUTH, p=table.ravel())
    x, y, z = np.unravel_index(cells, table.shape)
    # delta-method sd of sum p log(p(x,y|z) / (p(x|z) p(y|z))), and the plug-in CMI bias
    # Kz (Kx-1)(Ky-1)/(2n) = 1e-4.
    p_xz, p_yz = table.sum(axis=1, keepdims=True), table.sum(axis=0, keepdims=True)
    sd = _log_sd(table, np.log(table * p_z / (p_xz * p_yz)), N_TRUTH)
    cmi = estimators.conditional_mutual_information(x, y, z, method=method)
    assert cmi == pytest.approx(truth, abs=2 * 1 * 2 / (2 * N_TRUTH) + 4 * sd)


# --------------------------------------------------------------------------------------------
# KL divergence
# --------------------------------------------------------------------------------------------


def test_kl_is_infinite_when_q_misses_a_symbol_of_p():
    x_p, x_q = ["a", "b", "c", "c"], ["a", "b", "b"]
    assert discrete.kl_divergence(x_p, x_q) == math.inf
    assert discrete.kl_divergence(x_q, x_p) < math.inf  # the union's extra symbol is in p only


def test_kl_pseudocount_is_added_to_both_samples():
    x_p, x_q = ["a", "b", "c", "c"], ["a", "b", "b"]  # union a, b, c
    p = np.array([1.5, 1.5, 2.5]) / 5.5
    q = np.array([1.5, 2.5, 0.5]) / 4.5
    kl = discrete.kl_divergence(x_p, x_q, pseudocount=0.5)
    assert kl == pytest.approx(float(exact.kl_divergence(p, q)), abs=1e-14)
    assert estimators.kl_divergence(x_p, x_q, method="plugin", base=2, pseudocount=0.5) == (
        pytest.approx(kl / math.log(2), abs=1e-14)
    )


def test_kl_close_to_exact_at_large_n():
    p, q = np.array([0.4, 0.3, 0.2, 0.1]), np.array([0.25, 0.25, 0.25, 0.25])
    rng = np.random.default_rng(14)
    n = 100_000
    x_p, x_q = rng.choice(4, size=n, p=p), rng.choice(4, size=n, p=q)
    # delta method: Var = Var_p(log p/q)/n + Var_q(p/q)/n; bias (K-1)/(2n) + sum p(1-q)/(2 n q)
    sd = math.sqrt(_log_sd(p, np.log(p / q), n) ** 2 + np.sum(q * (p / q - 1) ** 2) / n)
    bias = 3 / (2 * n) + np.sum(p * (1 - q) / q) / (2 * n)
    assert discrete.kl_divergence(x_p, x_q) == pytest.approx(
        float(exact.kl_divergence(p, q)), abs=bias + 4 * sd
    )


@pytest.mark.parametrize("bad", [-1.0, math.inf, math.nan])
def test_kl_rejects_bad_pseudocount(bad):
    with pytest.raises(ValueError, match="pseudocount"):
        discrete.kl_divergence([1, 2], [1, 2], pseudocount=bad)


def test_kl_rejects_non_numeric_pseudocount():
    with pytest.raises(TypeError, match="pseudocount"):
        discrete.kl_divergence([1, 2], [1, 2], pseudocount="1")


# --------------------------------------------------------------------------------------------
# invariance under relabelling
# --------------------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    x=st.lists(st.integers(0, 5), min_size=2, max_size=60),
    seed=st.integers(0, 2**32 - 1),
)
def test_relabelling_symbols_changes_nothing(x, seed):
    rng = np.random.default_rng(seed)
    x = np.array(x)
    y = (x + rng.integers(0, 2, size=x.size)) % 4
    z = rng.integers(0, 2, size=x.size)
    names = np.array([f"s{i}" for i in rng.permutation(6)])  # a bijection onto strings
    relabelled = names[x]
    for method in METHODS:
        assert discrete.entropy(relabelled, method) == pytest.approx(
            discrete.entropy(x, method), abs=1e-12
        )
        assert discrete.mutual_information(relabelled, y, method) == pytest.approx(
            discrete.mutual_information(x, y, method), abs=1e-12
        )
    assert discrete.conditional_mutual_information(relabelled, y, z) == pytest.approx(
        discrete.conditional_mutual_information(x, y, z), abs=1e-12
    )
    assert discrete.kl_divergence(relabelled, names[y]) == discrete.kl_divergence(x, y)


# --------------------------------------------------------------------------------------------
# NSB
# --------------------------------------------------------------------------------------------


def test_nsb_matches_brute_force_two_symbol_integral():
    # K = 2, counts (3, 7): the posterior over (beta, p) integrated on a 2-D grid with nothing
    # from the module: the prior on t = log beta is d xi / dt (xi(beta) = psi(2 beta + 1) -
    # psi(beta + 1), differentiated numerically), the likelihood the beta-binomial
    # B(3 + beta, 7 + beta) / B(beta, beta), and H(p) is averaged over the Beta(3 + beta,
    # 7 + beta) posterior of p on a grid in the log-odds z = log(p / (1 - p)), where that
    # posterior is a smooth bell (centre psi(a) - psi(b), width sqrt(psi'(a) + psi'(b))), so the
    # trapezoid is spectrally accurate. t spans [-25, 25]: the neglected tails weigh < 1e-12.
    n1, n2 = 3, 7
    t = np.linspace(-25, 25, 2001)
    beta = np.exp(t)[:, None]
    a, b = n1 + beta, n2 + beta
    width = np.sqrt(special.polygamma(1, a) + special.polygamma(1, b))
    z = special.digamma(a) - special.digamma(b) + width * np.linspace(-14, 14, 201)
    log_p, log_q = special.log_expit(z), special.log_expit(-z)
    density = np.exp(a * log_p + b * log_q - special.betaln(a, b))
    h = -(np.exp(log_p) * log_p + np.exp(log_q) * log_q)
    mass = np.trapezoid(density, z, axis=1)
    mean_given = np.trapezoid(density * h, z, axis=1) / mass
    second_given = np.trapezoid(density * h**2, z, axis=1) / mass

    def xi(t):
        return special.digamma(2 * np.exp(t) + 1) - special.digamma(np.exp(t) + 1)

    prior_t = (xi(t + 1e-5) - xi(t - 1e-5)) / 2e-5
    posterior = prior_t * np.exp(
        special.betaln(n1 + beta[:, 0], n2 + beta[:, 0]) - special.betaln(beta[:, 0], beta[:, 0])
    )
    norm = np.trapezoid(posterior, t)
    mean = np.trapezoid(posterior * mean_given, t) / norm
    std = math.sqrt(np.trapezoid(posterior * second_given, t) / norm - mean**2)
    x = np.repeat([0, 1], [n1, n2])
    nsb_mean, nsb_std = discrete.nsb_entropy(x)
    # quad_vec's relative tolerance 1e-8 (of the scaled moments), and the grids' ~1e-11
    assert nsb_mean == pytest.approx(mean, abs=1e-8)
    assert nsb_std == pytest.approx(std, abs=1e-8)
    assert discrete.entropy(x, "nsb") == nsb_mean


def _fine_grid_nsb(counts: np.ndarray, k: int) -> tuple[float, float]:
    """NSB mean and sd by a trapezoid with step 2e-3 in t = log beta over the whole region of
    [-30, 30] where the posterior exceeds e^-40 of its peak (the module's own integrand)."""
    n = int(counts.sum())
    values, multiplicity = discrete._count_histogram(counts[counts > 0], k)
    coarse = np.arange(-30, 30, 0.01)
    log_weight = discrete._nsb_log_weight(coarse, values, multiplicity, k, n)
    inside = coarse[log_weight > log_weight.max() - 40]
    t = np.arange(max(inside[0] - 0.01, -30), min(inside[-1] + 0.01, 30), 2e-3)
    weight = np.exp(discrete._nsb_log_weight(t, values, multiplicity, k, n) - log_weight.max())
    moments = np.array(
        [discrete._dirichlet_entropy_moments(b, values, multiplicity, n, k) for b in np.exp(t)]
    )
    norm = np.trapezoid(weight, t)
    mean = np.trapezoid(weight * moments[:, 0], t) / norm
    variance = np.trapezoid(weight * (moments[:, 1] + (moments[:, 0] - mean) ** 2), t) / norm
    return mean, math.sqrt(variance)


@pytest.mark.parametrize(
    ("counts", "k"),
    [
        # undersampled Zipf: 200 draws of 100 symbols
        (np.bincount(np.random.default_rng(15).choice(100, size=200, p=_zipf(100))), 100),
        # 1e8 draws spread evenly over 4 symbols: log rho is ~1e8 in size, its rounding noise
        # (eps n log n) must not stall the quadrature
        (np.full(4, 25_000_000), 4),
        # 30 singletons from a large alphabet: the posterior spreads over many decades of beta
        (np.ones(30, dtype=int), 100_000),
    ],
    ids=["zipf", "huge-n", "singletons"],
)
def test_nsb_quadrature_matches_fine_grid(counts, k):
    # quad_vec's tolerance is 1e-6 of the posterior sd; allow 1e-5 of it
    mean, std = _fine_grid_nsb(counts, k)
    nsb_mean, nsb_std = discrete._nsb_moments(counts[counts > 0], k)
    assert nsb_mean == pytest.approx(mean, abs=1e-5 * std)
    assert nsb_std == pytest.approx(std, rel=1e-5)


def test_dirichlet_entropy_moments_match_monte_carlo():
    # E[H] and Var[H] for p ~ Dir(n_i + beta) against 200,000 draws: the standard error of the
    # mean is sd/sqrt(2e5), that of the variance about var*sqrt(2/2e5) (near-normal H).
    counts = np.array([0, 0, 1, 1, 2, 5, 9])
    beta = 0.7
    values, multiplicity = np.unique(counts, return_counts=True)
    mean, variance = discrete._dirichlet_entropy_moments(
        beta, values.astype(float), multiplicity, counts.sum(), counts.size
    )
    draws = np.random.default_rng(16).dirichlet(counts + beta, size=200_000)
    h = -special.xlogy(draws, draws).sum(axis=1)
    assert mean == pytest.approx(h.mean(), abs=4 * h.std() / math.sqrt(h.size))
    assert variance == pytest.approx(h.var(), rel=4 * math.sqrt(2 / h.size) + 0.01)


def test_nsb_approaches_miller_madow_when_n_much_larger_than_k():
    # For n >> K every symbol is seen, the posterior mean is the plug-in + O(K/n), and it agrees
    # with Miller–Madow to well within the correction (K-1)/(2n) itself; the posterior sd is the
    # plug-in's delta-method standard error sqrt(Var(log p_hat)/n).
    p = _zipf(10)
    rng = np.random.default_rng(17)
    for n in (10_000, 100_000):
        x = rng.choice(10, size=n, p=p)
        mean, std = discrete.nsb_entropy(x, alphabet_size=10)
        assert abs(mean - discrete.entropy(x, "miller-madow")) < 0.5 * 9 / (2 * n)
        p_hat = np.bincount(x) / n
        assert std == pytest.approx(_log_sd(p_hat, -np.log(p_hat), n), rel=0.05)


def test_nsb_default_alphabet_is_the_observed_one():
    x = np.random.default_rng(18).choice(100, size=50, p=_zipf(100))
    observed = np.unique(x).size
    assert discrete.nsb_entropy(x) == discrete.nsb_entropy(x, alphabet_size=observed)
    # a larger alphabet leaves more room for unseen symbols: the estimate goes up
    assert discrete.nsb_entropy(x, alphabet_size=1000)[0] > discrete.nsb_entropy(x)[0]
    mean, std = discrete.nsb_entropy(x, base=2, alphabet_size=100)
    nats = discrete.nsb_entropy(x, alphabet_size=100)
    assert (mean, std) == pytest.approx((nats[0] / math.log(2), nats[1] / math.log(2)))


def test_nsb_huge_alphabet_is_finite():
    # beta spans many decades here; the Stirling branch keeps the likelihood accurate.
    x = np.arange(30)  # 30 singletons
    mean, std = discrete.nsb_entropy(x, alphabet_size=10**9)
    assert math.log(30) < mean < math.log(10**9) and 0 < std < mean


def test_log_rising_factorial_matches_gammaln():
    # Stirling branch (x >= 100) against gammaln differences where those are accurate
    x = np.array([100.0, 150.5, 999.0, 5000.0])[:, None]
    m = np.array([0.0, 0.5, 3.0, 47.0, 1e4])
    expected = special.gammaln(x + m) - special.gammaln(x)
    np.testing.assert_allclose(discrete._log_rising(x, m), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("alphabet_size", "error"), [(2, ValueError), (3.5, TypeError), (True, TypeError)]
)
def test_nsb_rejects_bad_alphabet_size(alphabet_size, error):
    with pytest.raises(error, match="alphabet_size"):
        discrete.entropy([1, 2, 3], "nsb", alphabet_size=alphabet_size)


# --------------------------------------------------------------------------------------------
# the wrappers and the public API
# --------------------------------------------------------------------------------------------


def test_wrapper_rejects_methods_of_other_families():
    with pytest.raises(ValueError, match="'plugin', 'miller-madow'"):
        discrete.entropy([1, 2], method="kde")


def test_nsb_alphabet_size_is_an_entropy_only_option():
    with pytest.raises(TypeError, match="alphabet_size"):
        discrete.mutual_information([1, 2], [1, 2], "nsb", alphabet_size=3)


@pytest.mark.parametrize("method", METHODS)
def test_public_api_and_wrappers_agree_in_any_base(method):
    rng = np.random.default_rng(19)
    x, y, z = (rng.integers(0, 3, size=200) for _ in range(3))
    assert estimators.entropy(x, method=method, base=2) == pytest.approx(
        discrete.entropy(x, method) / math.log(2)
    )
    assert discrete.mutual_information(x, y, method, base=2) == pytest.approx(
        estimators.mutual_information(x, y, method=method) / math.log(2)
    )
    assert discrete.conditional_mutual_information(x, y, z, method) == (
        estimators.conditional_mutual_information(x, y, z, method=method)
    )


def test_plugin_entropy_of_ten_million_samples():
    x = np.random.default_rng(20).integers(0, 1000, size=10_000_000)
    # uniform: bias -(K-1)/(2n) = -5e-5, delta-method sd 0
    assert discrete.entropy(x) == pytest.approx(math.log(1000), abs=1e-4)
