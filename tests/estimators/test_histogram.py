"""Tests for ``estimators.histogram``: binned plug-in entropy, MI, conditional MI and KL.

Three kinds of check:

- *oracles*: on the same edges the estimate equals the plug-in formula evaluated independently
  (``numpy.histogram``/``histogramdd`` counts, ``exact`` formulas on the tables), to rounding;
- *identities*: shift and scale laws of differential entropy, MI symmetry and invariance,
  the chain rule of conditional MI, KL of a sample with itself;
- *accuracy* against ``exact.distributions`` at n = 20,000, with tolerances from the
  estimator's known biases and standard errors (derivations next to each test).
"""

from __future__ import annotations

import math
import time
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import estimators
import exact
from estimators import histogram
from exact import distributions as D
from exact import gaussian

N = 20_000
SIGMAS = 4.0  # every tolerance: the predicted bias, plus 4 standard errors

COV2 = np.array([[1.0, 0.6], [0.6, 2.0]])
COV3 = np.array([[1.0, 0.5, 0.2], [0.5, 1.5, -0.3], [0.2, -0.3, 0.8]])


def normal_sample(n: int, d: int = 1, seed: int = 0) -> np.ndarray:
    draws = np.random.default_rng(seed).standard_normal((n, d))
    return draws[:, 0] if d == 1 else draws


def rule_edges(samples: np.ndarray, bins) -> list[np.ndarray]:
    """numpy's edges for each column (the oracle's binning); ``bins`` one spec or one per column."""
    columns = samples.reshape(samples.shape[0], -1).T
    specs = bins if isinstance(bins, list) else [bins] * len(columns)
    return [np.histogram_bin_edges(c, s) for c, s in zip(columns, specs, strict=True)]


def bin_counts(samples: np.ndarray, bins) -> list[int]:
    return [e.size - 1 for e in rule_edges(samples, bins)]


# --- oracles: the plug-in formula on numpy's own histograms -----------------------------------


def oracle_entropy(samples: np.ndarray, edges: list[np.ndarray]) -> tuple[float, int]:
    """``-sum_c p_c log(p_c / vol_c)`` from ``numpy.histogramdd`` (dense: small grids only)."""
    counts, _ = np.histogramdd(samples.reshape(samples.shape[0], -1), bins=edges)
    volumes = np.ones(counts.shape)
    for axis, e in enumerate(edges):
        shape = [1] * counts.ndim
        shape[axis] = -1
        volumes = volumes * np.diff(e).reshape(shape)
    p = counts / counts.sum()
    occupied = p > 0
    return float(-np.sum(p[occupied] * np.log(p[occupied] / volumes[occupied]))), int(
        occupied.sum()
    )


@pytest.mark.parametrize("rule", histogram.RULES)
def test_1d_entropy_equals_numpy_density_for_every_rule(rule):
    x = np.random.default_rng(1).gamma(2.0, size=3000)
    counts = np.histogram(x, bins=rule)[0]
    density = np.histogram(x, bins=rule, density=True)[0]
    p = counts / x.size
    expected = -np.sum(p[p > 0] * np.log(density[p > 0]))
    got = estimators.entropy(x, method="histogram", bins=rule)
    assert got == pytest.approx(expected, abs=1e-12)


def test_1d_explicit_non_uniform_edges_equal_numpy_density():
    x = np.random.default_rng(2).standard_normal(5000)
    edges = np.array([-10.0, -2.0, -1.0, -0.3, 0.0, 0.1, 0.5, 1.5, 10.0])
    counts, _ = np.histogram(x, bins=edges)
    density = np.histogram(x, bins=edges, density=True)[0]
    p = counts / x.size
    expected = -np.sum(p * np.log(density))
    assert histogram.entropy(x, bins=edges) == pytest.approx(expected, abs=1e-12)
    assert histogram.entropy(x, bins=list(edges)) == pytest.approx(expected, abs=1e-12)


def test_last_edge_belongs_to_the_last_bin():
    # edges [0, 0.5, 1]: 0 -> bin 0; 0.5 and 1.0 -> bin 1 (numpy's closed last bin)
    x = np.array([0.0, 0.5, 1.0])
    expected = -(1 / 3 * math.log((1 / 3) / 0.5) + 2 / 3 * math.log((2 / 3) / 0.5))
    assert histogram.entropy(x, bins=[0.0, 0.5, 1.0]) == pytest.approx(expected, abs=1e-15)
    assert histogram.entropy(x, bins=2) == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize(
    "d, bins",
    [
        (2, ["fd", 7]),
        (3, [4, 5, 6]),
        (3, "sturges"),
        (5, 3),
    ],
)
@pytest.mark.parametrize("miller_madow", [False, True])
def test_joint_entropy_equals_histogramdd_oracle(d, bins, miller_madow):
    x = normal_sample(4000, d, seed=d) @ np.triu(np.ones((d, d)))  # correlated columns
    edges = rule_edges(x, bins)
    expected, occupied = oracle_entropy(x, edges)
    if miller_madow:
        expected += (occupied - 1) / (2 * x.shape[0])
    for spec in (bins, edges):  # the rule, and the same edges given explicitly
        got = histogram.entropy(x, bins=spec, miller_madow=miller_madow)
        assert got == pytest.approx(expected, abs=1e-11)


def test_mutual_information_equals_exact_mi_of_the_binned_table():
    x, y = D.JointNormal.correlated(1, 1, 0.3).sample(5000, random_state=3)
    table, _, _ = np.histogram2d(x, y, bins=[np.histogram_bin_edges(x, "fd"), 12])
    expected = float(exact.mutual_information(table / table.sum()))
    got = estimators.mutual_information(x, y, method="histogram", bins=["fd", 12])
    assert got == pytest.approx(expected, abs=1e-12)


def test_miller_madow_mi_correction_counts_occupied_cells():
    x, y = D.JointNormal.correlated(1, 1, 0.3).sample(5000, random_state=4)
    table, _, _ = np.histogram2d(x, y, bins=10)
    occupied = int((table.sum(1) > 0).sum()), int((table.sum(0) > 0).sum()), int((table > 0).sum())
    correction = (occupied[0] + occupied[1] - occupied[2] - 1) / (2 * x.size)
    plain = histogram.mutual_information(x, y, bins=10)
    assert histogram.mutual_information(x, y, bins=10, miller_madow=True) == pytest.approx(
        plain + correction, abs=1e-13
    )


def test_conditional_mi_equals_average_within_z_bins_of_exact_mi():
    # I(X; Y | Z) = sum_k p(z_k) I(X; Y | Z = z_k) on the 3-D table: a separate path through exact
    v = D.Normal(np.zeros(3), COV3).sample(8000, random_state=5)
    counts, _ = np.histogramdd(v, bins=[6, 7, 5])
    p_z = counts.sum(axis=(0, 1)) / counts.sum()
    within = [
        float(exact.mutual_information(counts[:, :, k] / counts[:, :, k].sum())) for k in range(5)
    ]
    expected = float(np.dot(p_z, within))
    got = histogram.conditional_mutual_information(v[:, 0], v[:, 1], v[:, 2], bins=[6, 7, 5])
    assert got == pytest.approx(expected, abs=1e-12)


def test_kl_divergence_equals_exact_kl_of_pooled_histograms():
    rng = np.random.default_rng(6)
    x_p, x_q = rng.standard_normal(3000), rng.normal(0.5, 1.2, 2000)
    edges = np.histogram_bin_edges(np.concatenate((x_p, x_q)), "fd")
    c_p, c_q = np.histogram(x_p, edges)[0], np.histogram(x_q, edges)[0].astype(float)
    union = (c_p > 0) | (c_q > 0)
    c_p, c_q = c_p[union], c_q[union] + 0.5
    expected = float(exact.kl_divergence(c_p / c_p.sum(), c_q / c_q.sum()))
    # bins="fd" given explicitly: it was the default when this oracle was written
    assert histogram.kl_divergence(x_p, x_q, bins="fd") == pytest.approx(expected, abs=1e-12)


def test_kl_pseudocount_zero_gives_inf_where_q_has_no_samples():
    x_p, x_q = np.array([0.1, 0.2, 0.9]), np.array([0.1, 0.15, 0.3])
    edges = [0.0, 0.5, 1.0]  # p has a sample in [0.5, 1], q none
    assert histogram.kl_divergence(x_p, x_q, bins=edges, pseudocount=0.0) == math.inf
    # pseudocount 1: q = (3 + 1, 0 + 1) / 5, p = (2, 1) / 3
    expected = 2 / 3 * math.log((2 / 3) / (4 / 5)) + 1 / 3 * math.log((1 / 3) / (1 / 5))
    got = histogram.kl_divergence(x_p, x_q, bins=edges, pseudocount=1)
    assert got == pytest.approx(expected, abs=1e-15)


def test_kl_of_a_sample_with_itself_is_zero_without_pseudocount():
    x = normal_sample(1000, 2, seed=7)
    assert histogram.kl_divergence(x, x, pseudocount=0) == 0.0


# --- identities ------------------------------------------------------------------------------


X500 = normal_sample(500, seed=8)
XY500 = D.JointNormal.correlated(1, 1, 0.4).sample(500, random_state=9)


@settings(max_examples=40, deadline=None)
@given(shift=st.floats(-1e3, 1e3), bins=st.integers(1, 60))
def test_entropy_is_shift_invariant(shift, bins):
    # int bins: the edges shift with the data, every sample keeps its bin
    assert histogram.entropy(X500 + shift, bins=bins) == pytest.approx(
        histogram.entropy(X500, bins=bins), abs=1e-9
    )


@settings(max_examples=40, deadline=None)
@given(
    scale=st.floats(1e-3, 1e3),
    negative=st.booleans(),
    bins=st.integers(1, 60),
)
def test_entropy_of_scaled_samples_gains_log_scale(scale, negative, bins):
    a = -scale if negative else scale
    expected = histogram.entropy(X500, bins=bins) + math.log(scale)
    assert histogram.entropy(a * X500, bins=bins) == pytest.approx(expected, abs=1e-9)


def test_joint_entropy_of_scaled_columns_gains_log_det():
    x = normal_sample(2000, 3, seed=10)
    scales = np.array([0.01, -3.0, 250.0])
    expected = histogram.entropy(x, bins=9) + np.log(np.abs(scales)).sum()
    assert histogram.entropy(x * scales, bins=9) == pytest.approx(expected, abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(
    bins=st.one_of(st.sampled_from(histogram.RULES), st.integers(1, 40)),
    scale=st.floats(1e-3, 1e3),
    shift=st.floats(-1e3, 1e3),
)
def test_mi_is_symmetric_and_invariant_to_affine_maps_of_a_margin(bins, scale, shift):
    x, y = XY500
    mi = histogram.mutual_information(x, y, bins=bins)
    assert histogram.mutual_information(y, x, bins=bins) == pytest.approx(mi, abs=1e-12)
    if not isinstance(bins, str):  # rule widths are rounded to whole numbers of bins
        moved = histogram.mutual_information(-scale * x + shift, y, bins=bins)
        assert moved == pytest.approx(mi, abs=1e-12)


def test_conditional_mi_chain_rule():
    # I(X; Y | Z) = I(X; (Y, Z)) - I(X; Z), each column binned by the same rule
    v = D.Normal(np.zeros(3), COV3).sample(5000, random_state=11)
    x, y, z = v[:, :1], v[:, 1:2], v[:, 2:]
    cmi = histogram.conditional_mutual_information(x, y, z, bins=8)
    chain = histogram.mutual_information(x, np.hstack((y, z)), bins=8)
    chain -= histogram.mutual_information(x, z, bins=8)
    assert cmi == pytest.approx(chain, abs=1e-12)


def test_mi_with_a_constant_is_zero():
    x = normal_sample(1000, seed=12)
    assert histogram.mutual_information(x, np.full(1000, 3.0)) == 0.0
    cmi = histogram.conditional_mutual_information(x, np.ones(1000), x)
    assert cmi == pytest.approx(0.0, abs=1e-12)


# --- accuracy against exact.distributions ----------------------------------------------------

# (distribution, bins, Fisher information matrix J of the location family, Var(-log f(X))).
# fd targets 1-D density estimation; in 2-D and 3-D its per-column widths (~0.1 sd) make more
# cells than samples, where the (K-1)/(2n) bias formula no longer holds, so those use sturges.
ENTROPY_CASES = {
    "normal_1d": (D.Normal(1.0, 4.0), "fd", np.array([[0.25]]), 0.5),
    "normal_2d": (D.Normal([0.0, 1.0], COV2), "sturges", np.linalg.inv(COV2), 1.0),
    "normal_3d": (D.Normal(np.zeros(3), COV3), "sturges", np.linalg.inv(COV3), 1.5),
    "uniform": (D.Uniform(-1.0, 2.0), "fd", np.zeros((1, 1)), 0.0),
    "exponential": (D.Exponential(2.0), "fd", np.array([[1 / 4]]), 1.0),
    "laplace": (D.Laplace(0.5, 1.5), "fd", np.array([[1 / 1.5**2]]), 1.0),
}


@pytest.mark.parametrize("case", ENTROPY_CASES)
def test_entropy_against_exact_distributions(case):
    """Bias of the histogram entropy, to first order, has two terms of opposite sign:

    - binning: ``+ sum_j h_j^2 J_jj / 24`` (Jensen on each bin: the binned density is flatter);
    - plug-in: ``-(K - 1) / (2n)``, ``K`` occupied cells (Miller 1955) — read off as the
      Miller–Madow correction, which adds exactly that.

    So ``-plug_in - 4 SE <= error <= binning + 4 SE`` with
    ``SE^2 = Var(-log f(X)) / n + (K - 1) / (2 n^2)``: the delta-method variance plus the
    plug-in's own chi-square variance (the only one left for the uniform, where -log f is
    constant). Calibrated over 100 seeds: the errors stay inside (largest normal_1d 0.016
    against a bound of 0.022; normal_3d -0.006 +- 0.011 within [-0.064, +0.078]).
    """
    dist, bins, fisher, var_log_f = ENTROPY_CASES[case]
    x = dist.sample(N, random_state=2024)
    estimate = estimators.entropy(x, method="histogram", bins=bins)
    plug_in = histogram.entropy(x, bins=bins, miller_madow=True) - estimate  # (K-1)/(2n)
    widths = np.array([np.diff(e)[0] for e in rule_edges(x, bins)])
    binning = float(np.sum(widths**2 * np.diag(fisher))) / 24
    se = math.sqrt(var_log_f / N + plug_in / N)
    error = estimate - dist.truth()
    assert -plug_in - SIGMAS * se <= error <= binning + SIGMAS * se


def test_entropy_in_bits_through_the_public_api():
    x = D.Normal(0.0, 1.0).sample(N, random_state=1)
    nats = estimators.entropy(x, method="histogram")
    assert estimators.entropy(x, method="histogram", base=2) == pytest.approx(nats / math.log(2))
    assert histogram.entropy(x, base=2) == pytest.approx(nats / math.log(2))


@pytest.mark.parametrize(
    "dims, mi, bins", [((1, 1), 0.5, "fd"), ((1, 1), 0.5, "sturges"), ((2, 1), 0.4, 12)]
)
def test_mutual_information_of_correlated_normals(dims, mi, bins):
    """Histogram MI is biased both ways:

    - up, by the plug-in bias ``(K_xy - K_x - K_y + 1) / (2n) <= (K_x - 1)(K_y - 1) / (2n)``
      (the bound is the independent case, where every joint cell is occupied);
    - down, by the information the binning loses, ``sum_j h_j^2 (J_jj - J_marg_jj) / 24`` with
      ``J`` the inverse covariance of (X, Y) and ``J_marg`` that of each margin alone.

    Standard error: ``sqrt(Var(i(X; Y)) / n)`` with the information density's variance
    ``sum_k rho_k^2`` for these normals. Measured (60 seeds, 1-D): fd +0.060 +- 0.006
    (bound [-0.024, +0.22]); sturges -0.032 +- 0.006 (bound [-0.059, +0.028]).
    """
    dist = D.JointNormal.correlated(*dims, mi)
    x, y = dist.sample(N, random_state=77)
    estimate = histogram.mutual_information(x, y, bins=bins)
    assert estimators.mutual_information(x, y, method="histogram", bins=bins) == estimate

    widths = np.array([np.diff(e)[0] for e in rule_edges(np.column_stack((x, y)), bins)])
    joint_info = np.diag(np.linalg.inv(dist.cov))
    dim_x = dims[0]
    blocks = (dist.cov[:dim_x, :dim_x], dist.cov[dim_x:, dim_x:])
    margin_info = np.concatenate([np.diag(np.linalg.inv(b)) for b in blocks])
    binning_loss = float(np.sum(widths**2 * (joint_info - margin_info))) / 24
    k_x = math.prod(bin_counts(x, bins))
    k_y = math.prod(bin_counts(y, bins))
    plug_in_bound = (k_x - 1) * (k_y - 1) / (2 * N)
    rho = math.sqrt(-math.expm1(-2 * mi / min(dims)))
    se = math.sqrt(min(dims) * rho**2 / N)
    error = estimate - dist.truth()
    assert -binning_loss - SIGMAS * se <= error <= plug_in_bound + SIGMAS * se


def test_mutual_information_of_independent_uniforms_is_chi_square_bias():
    """Independent X, Y and well-filled cells (10 x 10 bins, ~200 samples each): ``2n I_hat``
    is a G statistic, chi-square with ``(K_x - 1)(K_y - 1) = 81`` degrees of freedom (Wilks
    1938), so ``I_hat = 81 / (2n) +- sqrt(2 * 81) / (2n)`` = 0.0020 +- 0.0003. Measured over
    100 seeds: mean 0.0020, sd 0.00036, largest deviation 3.1 sd. Allowed: 5 sd."""
    rng = np.random.default_rng(31)
    x, y = rng.uniform(size=(2, N))
    dof = 9 * 9
    estimate = histogram.mutual_information(x, y, bins=10)
    assert abs(estimate - dof / (2 * N)) <= 5 * math.sqrt(2 * dof) / (2 * N)
    # Miller–Madow removes the chi-square mean: what is left is centred on 0
    corrected = histogram.mutual_information(x, y, bins=10, miller_madow=True)
    assert abs(corrected) <= 5 * math.sqrt(2 * dof) / (2 * N)


def test_conditional_mi_of_independent_uniforms_is_chi_square_bias():
    """As above within each of the 5 z-bins: chi-square with ``(5-1)(5-1) * 5 = 80`` degrees of
    freedom; 100 seeds gave mean 0.00203 (predicted 0.0020), sd 0.00029 (predicted 0.00032)."""
    rng = np.random.default_rng(32)
    x, y, z = rng.uniform(size=(3, N))
    dof = 4 * 4 * 5
    estimate = estimators.conditional_mutual_information(x, y, z, method="histogram", bins=5)
    assert abs(estimate - dof / (2 * N)) <= 5 * math.sqrt(2 * dof) / (2 * N)


def test_conditional_mi_of_gaussians_tracks_the_closed_form():
    """I(X; Y | Z) for a normal triple, with Miller–Madow and 10 bins per column. The plug-in
    bias is removed to first order; what remains is the residual X-Y dependence inside a z-bin
    (binning Z coarsely) against the loss from binning X and Y. Measured over 60 seeds at
    n = 20,000: error +0.0047 +- 0.0010 for a truth of 0.0099 (10 bins: +0.0095 without
    Miller–Madow). Allowed: the truth's own size (the estimate must stay within a factor 2)
    — a check that conditioning removes the 0.5-nat marginal dependence, not a precision test."""
    cov = np.array([[1.0, 0.5, 0.6], [0.5, 1.0, 0.7], [0.6, 0.7, 1.0]])
    truth = float(gaussian.mutual_information(cov, 1)) - float(
        gaussian.mutual_information(cov[np.ix_([0, 2], [0, 2])], 1)
    )
    v = D.Normal(np.zeros(3), cov).sample(N, random_state=41)
    estimate = histogram.conditional_mutual_information(
        v[:, 0], v[:, 1], v[:, 2], bins=10, miller_madow=True
    )
    assert abs(estimate - truth) <= truth


def test_kl_divergence_of_shifted_normals():
    """KL(N(0,1) || N(1,1)) = 0.5. Standard error (delta method, both samples):
    ``Var_p(log p/q) / n_p + chi2(p || q) / n_q = 1/n + (e - 1)/n`` -> SE = 0.0117. Bias:
    binning loses ``h^2 E_p[(d/dx log p/q)^2] / 24 = h^2 / 24 ~ 3e-4``; the plug-in terms are
    first order in ``K / n`` and partly cancel, bounded here by ``(K - 1) / (2 n)``.
    Measured over 60 seeds: -0.0004 +- 0.011. ``bins="fd"`` given explicitly (the default
    when this was written): the equal-width bias ``h^2 / 24`` is fd's."""
    pair = D.NormalPair(0.0, 1.0, 1.0, 1.0)
    x_p, x_q = pair.sample(N, random_state=5)
    estimate = estimators.kl_divergence(x_p, x_q, method="histogram", bins="fd")
    (k,) = bin_counts(np.concatenate((x_p, x_q)), "fd")
    h = np.diff(rule_edges(np.concatenate((x_p, x_q)), "fd")[0])[0]
    se = math.sqrt(1 / N + math.expm1(1) / N)
    assert abs(estimate - pair.truth()) <= h**2 / 24 + (k - 1) / (2 * N) + SIGMAS * se
    assert histogram.kl_divergence(x_p, x_q, bins="fd") == estimate


@pytest.mark.parametrize("bins", ["fd", "joint"])
def test_kl_divergence_of_one_distribution_is_near_zero(bins):
    """p = q: the plug-in estimate is then a two-sample chi-square statistic,
    ``D_hat ~ (1/n_p + 1/n_q) chi2_{K-1} / 2`` = ``(K - 1)/n +- sqrt(2 (K - 1))/n`` for
    ``n_p = n_q = n``. Measured over 60 seeds: fd 0.0048 +- 0.0007, predicted 0.0052 +- 0.0007
    (the sparse tail cells, pulled together by the pseudocount, count for less); "joint"
    (K = 200 cells of ~200 pooled samples each, where the chi-square law holds best) 0.0097 +-
    0.0011, predicted 0.0100 +- 0.0010. Allowed: 5 sd. (fd was the default when this was
    written; the default "joint" is checked beside it.)
    """
    rng = np.random.default_rng(9)
    x_p, x_q = rng.standard_normal((2, N))
    if bins == "fd":
        (k,) = bin_counts(np.concatenate((x_p, x_q)), "fd")
    else:
        k = histogram._joint_bin_count(N, 1)
        assert k == 200  # round(sqrt(2 N))
    estimate = histogram.kl_divergence(x_p, x_q, bins=bins)
    if bins == "joint":
        assert histogram.kl_divergence(x_p, x_q) == estimate  # the default
    assert abs(estimate - (k - 1) / N) <= 5 * math.sqrt(2 * (k - 1)) / N


# --- the default bins: "joint" (equal-frequency, count from n and the joint dimension) ------


@pytest.mark.parametrize(
    "n, d, expected",
    [
        (20_000, 1, 200),  # sqrt(2n)
        (20_000, 2, 27),  # n^(1/3) = 27.1
        (5_000, 5, 4),  # 2000^(1/6) = 3.55
        (20_000, 5, 4),  # 8000^(1/6) = 4.47
        (20_000, 10, 2),  # 4000^(1/11) = 2.12: 1024 cells
        (1_000, 10, 1),  # 200^(1/11) = 1.62 -> 2, but 2^10 > 1000 cells: lowered to 1
        (20_000, 40, 1),  # 1000^(1/41) = 1.18
        (2, 1, 2),
        (1, 1, 1),
    ],
)
def test_joint_bin_count_balances_count_bias_and_caps_cells_at_n(n, d, expected):
    count = histogram._joint_bin_count(n, d)
    assert count == expected
    assert count >= 1 and (count == 1 or count**d <= n)


def test_joint_bins_oracle_equal_frequency_cuts_midway_between_order_statistics():
    # continuous (no ties): cut k between the order statistics of ranks r - 1 and r,
    # r = round(k n / B) (1000 / 45 is never half-way between integers)
    x = np.random.default_rng(40).gamma(2.0, size=1000)
    b = histogram._joint_bin_count(1000, 1)
    assert b == 45
    s = np.sort(x)
    r = np.rint(np.arange(1, b) * 1000 / b).astype(int)
    edges = np.concatenate(([s[0]], (s[r - 1] + s[r]) / 2, [s[-1]]))
    counts = np.histogram(x, edges)[0]
    assert counts.sum() == 1000 and counts.max() - counts.min() <= 1
    assert histogram.entropy(x) == pytest.approx(histogram.entropy(x, bins=edges), abs=1e-12)
    # several columns: every column gets the count for the joint d, whatever it is binned with
    xy = np.random.default_rng(41).standard_normal((1000, 2))
    b2 = histogram._joint_bin_count(1000, 2)
    grids = histogram._edges(xy, "joint")
    assert [g.size - 1 for g in grids] == [b2, b2] == [10, 10]
    mixed = histogram._edges(xy, ["joint", 7])
    assert mixed[0].size - 1 == b2 and np.array_equal(mixed[1], np.histogram_bin_edges(xy[:, 1], 7))
    table, _, _ = np.histogram2d(xy[:, 0], xy[:, 1], bins=grids)
    expected = float(exact.mutual_information(table / table.sum()))
    assert histogram.mutual_information(xy[:, 0], xy[:, 1]) == pytest.approx(expected, abs=1e-12)


def test_joint_bins_never_split_tied_values():
    # quantized values (step 0.25) and an atom: every distinct value lies in one bin, and the
    # cuts sit midway between consecutive distinct values
    rng = np.random.default_rng(42)
    x = np.round(rng.standard_normal(5000) * 4) / 4
    x[:2000] = 0.0  # a 40 % atom
    edges = histogram._edges(x[:, None], "joint")[0]
    values = np.unique(x)
    assert np.all(np.isin(edges[1:-1], (values[:-1] + values[1:]) / 2))
    assert not np.any(np.isin(edges[1:-1], values))
    zero_bin = np.searchsorted(edges, 0.0, side="right") - 1
    inside = (x >= edges[zero_bin]) & (x < edges[zero_bin + 1])
    assert np.all(x[inside] == 0.0)  # the atom is a cell of its own


def test_joint_bins_make_mi_cmi_kl_invariant_to_increasing_maps():
    # the partition of the samples depends on their ranks only
    v = D.Normal(np.zeros(3), COV3).sample(3000, random_state=43)
    x, y, z = v.T
    maps = (lambda t: t**3, np.exp, np.arctan)
    mx, my, mz = (f(t) for f, t in zip(maps, (x, y, z), strict=True))
    mi = histogram.mutual_information(x, y)
    assert histogram.mutual_information(mx, my) == pytest.approx(mi, abs=1e-12)
    cmi = histogram.conditional_mutual_information(x, y, z)
    assert histogram.conditional_mutual_information(mx, my, mz) == pytest.approx(cmi, abs=1e-12)
    kl = histogram.kl_divergence(v[:1500, :2], v[1500:, :2] + 0.3)
    moved = histogram.kl_divergence(np.exp(v[:1500, :2]), np.exp(v[1500:, :2] + 0.3))
    assert moved == pytest.approx(kl, abs=1e-12)


def test_default_bins_mi_of_correlated_normals_in_two_dimensions():
    """MI of a normal pair with rho = 0.6 (0.2231 nats), n = 20,000, default bins: 27 x 27
    equal-frequency cells. Biases: down, the information the grid loses, 0.0059 (the exact MI
    of the normal on the population 27 x 27 quantile grid is 0.2173, by numerical integration);
    up, the plug-in bias ``<= (B - 1)^2 / (2n) = 0.0169``. SE ``= rho / sqrt(n) = 0.0042``.
    So ``-0.0059 - 4 SE <= error <= 0.0169 + 4 SE``, i.e. [-0.023, +0.034], inside the
    0.05 asked for. Measured over 60 seeds: +0.011 +- 0.004 (largest 0.019). The old default
    "fd" (85 x 85 cells) gives 0.306 here: +0.083."""
    rho, truth = 0.6, -0.5 * math.log(1 - 0.36)
    x, y = D.JointNormal.correlated(1, 1, truth).sample(N, random_state=2024)
    estimate = estimators.mutual_information(x, y, method="histogram")
    b = histogram._joint_bin_count(N, 2)
    assert b == 27
    se = rho / math.sqrt(N)
    error = estimate - truth
    assert -0.0059 - SIGMAS * se <= error <= (b - 1) ** 2 / (2 * N) + SIGMAS * se
    assert abs(error) <= 0.05
    assert histogram.mutual_information(x, y, bins="fd") - truth > 0.05  # why the default changed


def test_default_bins_kl_of_shifted_normals_in_five_dimensions():
    """``"normal-shift-5d"``: KL(N(0, I_5) || N(0.5 1, I_5)) = 0.625, n = 20,000 each. The old
    default "fd" gives exactly log 4 (every p-sample alone in its cell, q's count there the
    pseudocount: ``log(1 / (1 / 4))``). Default bins: 4 per column, 4^5 = 1024 cells.
    Biases: down, the binning loss, 0.0884 (the grid's population KL is ``5 x`` that of one
    axis cut at the pooled quartiles, 0.5366, computed below from the normal CDF); up, the
    plug-in terms ``~ (1/n_p + 1/n_q)(K - 1)/2 = 0.051`` (the p = q chi-square mean, see
    ``test_kl_divergence_of_one_distribution_is_near_zero``). SE (delta method, both
    samples): ``sqrt((Var_p(log p/q) + chi2(p || q)) / n) = sqrt((1.25 + e^1.25 - 1) / n) =
    0.0137``. Allowed: the predicted bias +- 4 SE. Measured over 30 seeds: -0.036 +- 0.010
    (predicted -0.037)."""
    from scipy import optimize, stats

    task = D.task("normal-shift-5d")
    x_p, x_q = task.sample(N, random_state=2024)
    estimate = estimators.kl_divergence(x_p, x_q, method="histogram")
    old = histogram.kl_divergence(x_p, x_q, bins="fd")
    assert old == pytest.approx(math.log(4), abs=1e-3)

    b = histogram._joint_bin_count(N, 5)
    assert b == 4

    def pooled_cdf(t: float) -> float:  # one column of the pooled sample: (p + q) / 2
        return (stats.norm.cdf(t) + stats.norm.cdf(t - 0.5)) / 2

    cuts = [optimize.brentq(lambda t, k=k: pooled_cdf(t) - k / b, -10, 10) for k in range(1, b)]
    edges = np.concatenate(([-np.inf], cuts, [np.inf]))
    p, q = np.diff(stats.norm.cdf(edges)), np.diff(stats.norm.cdf(edges - 0.5))
    binned = 5 * float(np.sum(p * np.log(p / q)))
    predicted = binned - task.truth() + (b**5 - 1) / N
    se = math.sqrt((1.25 + math.expm1(1.25)) / N)
    error = estimate - task.truth()
    assert math.isfinite(estimate)
    assert abs(estimate - math.log(4)) > SIGMAS * se
    assert abs(error) < abs(old - task.truth())
    assert abs(error - predicted) <= SIGMAS * se


def test_default_bins_entropy_of_a_standard_normal_keeps_fd_quality():
    """1-D entropy: "joint" gives 200 equal-frequency bins at n = 20,000 (the m-spacing
    estimate with m = 100), "fd" ~85 equal-width ones. Both biases are small next to the
    sampling error ``SE = sqrt(Var(-log f(X)) / n) = sqrt(0.5 / n) = 0.005``: fd
    ``h^2 / 24 - (K - 1) / (2n) ~ -0.002``; "joint" ``O(1 / B)`` from the two outer cells
    against ``-(B - 1) / (2n)``. Allowed: "joint" no further from the truth than fd plus one
    SE (a difference the estimator's own noise hides), and within 4 SE of it. Measured over
    100 seeds: fd -0.0024 +- 0.0047, joint -0.0003 +- 0.0048, ``|joint| - |fd|`` -0.0004 +-
    0.0023 (largest +0.0043)."""
    dist = D.Normal(0.0, 1.0)
    x = dist.sample(N, random_state=2024)
    se = math.sqrt(0.5 / N)
    new = histogram.entropy(x) - dist.truth()
    old = histogram.entropy(x, bins="fd") - dist.truth()
    assert abs(new) <= abs(old) + se
    assert abs(new) <= SIGMAS * se


def test_numpy_rule_auto_is_still_numpys():
    # "auto" is numpy's rule name, not the default: its edges are numpy's
    x = np.random.default_rng(44).standard_normal(2000)
    expected, _ = oracle_entropy(x, [np.histogram_bin_edges(x, "auto")])
    assert histogram.entropy(x, bins="auto") == pytest.approx(expected, abs=1e-12)
    assert histogram.entropy(x) != pytest.approx(expected, abs=1e-6)


# --- bins: every form, per column, and bad values --------------------------------------------


def test_per_column_specs_in_two_dimensions():
    x = normal_sample(3000, 2, seed=13)
    edges0 = np.linspace(-6, 6, 25)
    mixed = histogram.entropy(x, bins=[edges0, "scott"])
    expected, _ = oracle_entropy(x, [edges0, np.histogram_bin_edges(x[:, 1], "scott")])
    assert mixed == pytest.approx(expected, abs=1e-12)
    counts = histogram.entropy(x, bins=np.array([8, 15]))
    assert counts == pytest.approx(oracle_entropy(x, rule_edges(x, [8, 15]))[0], abs=1e-12)


@pytest.mark.parametrize(
    "bins, match",
    [
        ("nope", r"bins must be .*unknown rule 'nope'"),
        (0, "bins must be .* got 0 bins"),
        (-3, "bins must be .* got -3 bins"),
        ([0.0, 2.0, 1.0], "bins: explicit edges must be .* strictly increasing"),
        ([0.0, 0.0, 1.0], "bins: explicit edges must be .* strictly increasing"),
        ([0.0, np.nan, 1.0], "bins: explicit edges must be .* finite"),
        ([1.0], "bins: explicit edges must be at least 2"),
        (2.5, "bins must be"),
        (True, "bins must be"),
        (None, "bins must be"),
        ([-1.0, 0.0, 0.5], r"bins: explicit edges span \[-1, 0.5\] but the samples"),
    ],
)
def test_bad_bins_raise_value_error_naming_bins(bins, match):
    x = np.random.default_rng(14).uniform(size=100)
    with pytest.raises(ValueError, match=match):
        histogram.entropy(x, bins=bins)


@pytest.mark.parametrize(
    "bins, match",
    [
        (["fd"], "sequence of 2 such specs"),
        ([10, "nope"], r"bins\[1\] must be .*unknown rule"),
        ([10, 0], r"bins\[1\] must be .*0 bins"),
        ([[0.0, 1.0, 0.5], 4], r"bins\[0\]: explicit edges"),
        ([10, 2.5], r"bins\[1\] must be"),
    ],
)
def test_bad_per_column_bins_name_the_column(bins, match):
    x = np.random.default_rng(15).uniform(size=(100, 2))
    with pytest.raises(ValueError, match=match):
        histogram.entropy(x, bins=bins)
    with pytest.raises(ValueError, match=match):
        histogram.mutual_information(x[:, 0], x[:, 1], bins=bins)


def test_constant_column_is_an_error_for_entropy_only():
    x = np.column_stack((normal_sample(100, seed=16), np.full(100, 2.5)))
    with pytest.raises(ValueError, match=r"x has a constant column \(1\): .* -inf"):
        histogram.entropy(x)
    assert math.isfinite(histogram.kl_divergence(x, x + np.array([0.1, 0.0])))


def test_option_checks():
    x = normal_sample(100, seed=17)
    with pytest.raises(TypeError, match="option miller_madow must be True or False"):
        histogram.entropy(x, miller_madow="yes")
    with pytest.raises(ValueError, match="pseudocount must be a finite number >= 0"):
        histogram.kl_divergence(x, x, pseudocount=-1.0)
    with pytest.raises(TypeError, match="pseudocount must be a number"):
        histogram.kl_divergence(x, x, pseudocount="1")
    with pytest.raises(ValueError, match="needs at least 2 samples"):
        histogram.entropy(x[:1])
    with pytest.raises(TypeError, match="has no option 'bandwidth'"):
        estimators.entropy(x, method="histogram", bandwidth=1.0)


# --- scale: a sparse grid ---------------------------------------------------------------------


def test_five_dimensions_with_50_bins_each_stay_sparse():
    """50^5 = 3.1e8 possible cells: a dense count table alone would be 2.5 GB. The occupied cells
    are at most n, so time and memory stay O(n d): measured 0.09 s and 10 MB peak for n = 1e5
    (the data are 4 MB). Allowed: 5 s and 25 x the data."""
    x = normal_sample(100_000, 5, seed=18)
    tracemalloc.start()
    start = time.perf_counter()
    estimate = histogram.entropy(x, bins=50, miller_madow=True)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert math.isfinite(estimate)
    assert elapsed < 5.0
    assert peak < 25 * x.nbytes
