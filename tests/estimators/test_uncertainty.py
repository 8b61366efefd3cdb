"""Intervals (``uncertainty=``) on the public functions, the Estimate result, permutation tests."""

from __future__ import annotations

import json
import math
import pickle
import warnings

import numpy as np
import pytest
from scipy import special

import estimators
from estimators import Estimate, _api, independence_test
from estimators.independence import _local_permutations
from exact import gaussian as closed_form


def _pair(n: int, rho: float = 0.6, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    return x, rho * x + math.sqrt(1 - rho**2) * rng.standard_normal(n)


# --- the Estimate object ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def estimate() -> Estimate:
    return estimators.mutual_information(
        *_pair(500), method="histogram", bins=8, uncertainty="bootstrap", random_state=0
    )


def test_estimate_is_a_float_with_an_interval(estimate):
    assert isinstance(estimate, float) and isinstance(estimate, Estimate)
    value = estimate.value
    assert type(value) is float and float(estimate) == value
    low, high = estimate.ci
    assert low < value < high and estimate.stderr > 0
    assert estimate.confidence_level == 0.95 and estimate.n == 500
    assert estimate.method == "histogram" and estimate.parameters == {"bins": 8}
    assert estimate.uncertainty == "bootstrap" and estimate.units == "nats"


def test_estimate_arithmetic_comparisons_and_conversions(estimate):
    value = estimate.value
    assert estimate + 1 == value + 1 and 1 + estimate == 1 + value
    assert estimate - 0.5 == value - 0.5 and 2 * estimate == 2 * value
    assert estimate / 2 == value / 2 and estimate**2 == value**2 and -estimate == -value
    assert type(estimate + 1) is float  # arithmetic gives plain floats
    assert estimate > value - 1e-9 and estimate < value + 1e-9 and estimate == value
    assert math.isclose(estimate, value) and math.isfinite(estimate)
    assert np.asarray(estimate).dtype == np.float64 and np.float64(estimate) == value
    assert np.mean([estimate, estimate]) == value
    assert f"{estimate:.3f}" == f"{value:.3f}" and str(estimate) == repr(value)
    assert json.loads(json.dumps({"mi": estimate}))["mi"] == value
    assert "CI [" in repr(estimate) and "histogram" in repr(estimate)


def test_estimate_pickles_and_is_immutable(estimate):
    copy = pickle.loads(pickle.dumps(estimate))
    assert copy == estimate and copy.ci == estimate.ci and copy.stderr == estimate.stderr
    with pytest.raises(AttributeError):
        estimate.stderr = 0.0


def test_plain_float_without_the_switch():
    assert type(estimators.mutual_information(*_pair(200), method="histogram")) is float


def test_units_convert_value_stderr_and_interval():
    options = dict(method="ksg", uncertainty="bootstrap", n_resamples=30, random_state=1)
    nats = estimators.mutual_information(*_pair(300), **options)
    bits = estimators.mutual_information(*_pair(300), base=2, **options)
    assert bits.units == "bits"
    np.testing.assert_allclose(
        [bits.value, bits.stderr, *bits.ci],
        np.array([nats.value, nats.stderr, *nats.ci]) / math.log(2),
        rtol=1e-12,
    )


def test_same_seed_same_interval_other_seed_other_interval():
    def interval(seed):
        return estimators.entropy(
            _pair(300)[0], uncertainty="bootstrap", n_resamples=40, random_state=seed
        ).ci

    assert interval(3) == interval(3)
    assert interval(3) != interval(4)


# --- the schemes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "uncertainty"),
    [("ksg", "bootstrap"), ("histogram", "bootstrap"), ("ksg", "jackknife"), ("gaussian", "auto")],
)
def test_intervals_widen_as_n_shrinks(method, uncertainty):
    # stderr ~ n^(-1/2): 10x fewer rows widen the interval ~3.2x; a factor 2 leaves room for
    # the noise of 50 resamples (~10 % on a standard deviation) and of the data
    def width(n):
        low, high = estimators.mutual_information(
            *_pair(n, seed=n),
            method=method,
            uncertainty=uncertainty,
            n_resamples=50,
            random_state=0,
        ).ci
        return high - low

    assert width(200) > 2 * width(2000)


def test_knn_families_resample_without_duplicates():
    # Kozachenko–Leonenko on a resample with duplicated rows would jitter them (a warning)
    # and take log(1e-10) for each: replicates tens of nats low. Half-samples have neither.
    x = _pair(400)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        estimate = estimators.entropy(x, method="knn", uncertainty="bootstrap", random_state=0)
    replicates = estimate.diagnostics["replicates"]
    assert estimate.uncertainty == "half-sampling" and len(replicates) == 200
    # half-samples of n = 400 N(0, 1) draws: Kozachenko–Leonenko's sd is ~0.07 nats at n = 200
    assert np.all(np.abs(replicates - estimate.value) < 0.5)


def test_plugin_families_bootstrap_with_replacement_and_report_the_bias():
    estimate = estimators.mutual_information(
        *_pair(500), method="histogram", bins=8, uncertainty="bootstrap", random_state=0
    )
    # resampling with replacement adds plug-in bias, about +(K_xy - K_x - K_y + 1) / (2n)
    assert estimate.uncertainty == "bootstrap" and estimate.diagnostics["bootstrap_bias"] > 0


def test_stderr_of_the_gaussian_entropy_agrees_across_schemes():
    # exact sd for normal data: sqrt(psi'((n - 1) / 2)) / 2 (Wishart). Tolerance 25 %: the
    # bootstrap's sd has ~5 % noise at B = 200, the 100-group jackknife's ~7 %, plus the
    # data's own sample-to-sample variation of the spread (~3 %).
    n = 2000
    x = np.random.default_rng(5).standard_normal(n)
    exact_sd = math.sqrt(float(special.polygamma(1, (n - 1) / 2))) / 2
    for uncertainty, resamples in (("bootstrap", 200), ("jackknife", 100), ("auto", None)):
        estimate = estimators.entropy(
            x, method="gaussian", uncertainty=uncertainty, n_resamples=resamples, random_state=0
        )
        assert estimate.stderr == pytest.approx(exact_sd, rel=0.25), uncertainty
    assert estimate.uncertainty == "gaussian asymptotic"
    assert estimate.stderr == pytest.approx(exact_sd, rel=1e-12)


def test_gaussian_mi_asymptotic_stderr_is_rho_over_root_n():
    # Var I ~ r^2 / n by the delta method; the sample r of n = 1000 draws is within ~4 %
    estimate = estimators.mutual_information(*_pair(1000), method="gaussian", uncertainty="auto")
    assert estimate.uncertainty == "gaussian asymptotic"
    assert estimate.stderr == pytest.approx(0.6 / math.sqrt(1000), rel=0.1)
    true_mi = float(closed_form.mutual_information(np.array([[1, 0.6], [0.6, 1]]), 1))
    assert estimate.ci[0] < true_mi < estimate.ci[1]


def test_nsb_uses_the_posterior():
    symbols = np.random.default_rng(2).integers(0, 6, 300)
    estimate = estimators.entropy(symbols, method="nsb", uncertainty="auto")
    mean, std = estimators.discrete.nsb_entropy(symbols)
    assert estimate.uncertainty == "nsb posterior"
    assert estimate.value == pytest.approx(mean) and estimate.stderr == pytest.approx(std)


def test_kl_resamples_each_sample_on_its_own():
    rng = np.random.default_rng(0)
    estimate = estimators.kl_divergence(
        rng.standard_normal(300),
        rng.standard_normal(200) + 1,
        method="histogram",
        bins=10,
        uncertainty="bootstrap",
        n_resamples=50,
        random_state=0,
    )
    assert estimate.n == (300, 200) and estimate.ci[0] < 0.5 < estimate.ci[1]


@pytest.mark.filterwarnings("ignore:the validation bound was still rising")
def test_neural_mi_spread_over_held_out_batches():
    pytest.importorskip("torch")
    x, y = _pair(400, rho=0.8)
    options = dict(method="infonce", max_steps=40, random_state=0)
    estimate = estimators.mutual_information(x, y, uncertainty="auto", **options)
    assert estimate.value == estimators.mutual_information(x, y, **options)  # same training
    batches = estimate.diagnostics["batch_values"]
    assert estimate.uncertainty == "held-out batches" and len(batches) >= 5
    assert estimate.stderr == pytest.approx(np.std(batches, ddof=1) / math.sqrt(len(batches)))
    assert estimate.ci[0] < estimate.value < estimate.ci[1]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"uncertainty": "bayes"}, "uncertainty must be None or one of"),
        ({"uncertainty": "bootstrap", "confidence_level": 1.5}, "confidence_level"),
        ({"uncertainty": "bootstrap", "n_resamples": 1}, "n_resamples"),
    ],
)
def test_bad_requests_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        estimators.entropy(_pair(50)[0], **options)


def test_random_state_is_accepted_by_methods_without_randomness_of_their_own():
    x = _pair(100)[0]
    # every method takes random_state (it seeds dithers and resampling): deterministic ones
    # give the same number whatever the seed, and do not see it among their options
    assert estimators.entropy(x, method="histogram", random_state=0) == estimators.entropy(
        x, method="histogram", random_state=1
    )
    estimate = estimators.entropy(x, method="histogram", uncertainty="jackknife", random_state=0)
    assert estimate.uncertainty == "jackknife" and estimate.parameters == {}
    again = estimators.entropy(x, method="histogram", uncertainty="jackknife", random_state=0)
    assert again.ci == estimate.ci


# --- a small coverage check (the full one: experiments/coverage.py and the slow test) ----------


def test_bootstrap_interval_covers_the_expected_value():
    # 50 intervals of the histogram MI ('sturges' bins, rho = 0.6, n = 200, 100 resamples).
    # Nominal coverage 95 % (the full experiment measured 96 %): with 50 repetitions the
    # binomial sd is 3 %, so >= 84 % is 3.5 sd below. The reported stderr over the simulated
    # sd of 50 plain estimates (a 10 % noisy sd; the full run found stderr ~8 % high): 0.8-1.4.
    def sample(seed):
        return _pair(200, seed=seed)

    intervals = [
        estimators.mutual_information(
            *sample(seed),
            method="histogram",
            bins="sturges",
            uncertainty="bootstrap",
            n_resamples=100,
            random_state=seed,
        )
        for seed in range(50)
    ]
    plain = [
        estimators.mutual_information(*sample(1000 + s), method="histogram", bins="sturges")
        for s in range(50)
    ]
    expected = np.mean(plain)
    covered = np.mean([e.ci[0] <= expected <= e.ci[1] for e in intervals])
    assert covered >= 0.84
    assert 0.8 < np.mean([e.stderr for e in intervals]) / np.std(plain, ddof=1) < 1.4


# --- permutation tests ---------------------------------------------------------------------------


def test_independence_test_result_and_pvalue_formula():
    x, y = _pair(200, rho=0.1)
    result = independence_test(x, y, method="ksg", n_permutations=99, random_state=0)
    assert result.null_distribution.shape == (99,) and result.method == "ksg"
    exceed = int(np.sum(result.null_distribution >= result.statistic))
    assert result.pvalue == (1 + exceed) / 100
    assert result.statistic == pytest.approx(estimators.mutual_information(x, y, method="ksg"))
    again = independence_test(x, y, method="ksg", n_permutations=99, random_state=0)
    assert again.pvalue == result.pvalue
    np.testing.assert_array_equal(again.null_distribution, result.null_distribution)


def test_strong_dependence_gets_the_smallest_pvalue():
    result = independence_test(*_pair(300, rho=0.9), n_permutations=49, random_state=0)
    assert result.pvalue == 1 / 50 and not result.conditional


def test_conditional_test_keeps_the_chain_and_finds_the_direct_edge():
    rng = np.random.default_rng(0)
    n = 400
    x = rng.standard_normal(n)
    z = 0.8 * x + 0.6 * rng.standard_normal(n)
    y_chain = 0.8 * z + 0.6 * rng.standard_normal(n)
    y_direct = 0.8 * z + 0.6 * x + 0.6 * rng.standard_normal(n)
    options = dict(method="gaussian-copula", n_permutations=99, random_state=0)
    # X and Y are strongly dependent, but not given Z: a plain permutation test would reject
    assert independence_test(x, y_chain, **options).pvalue == 0.01
    assert independence_test(x, y_chain, z, **options).pvalue > 0.05
    direct = independence_test(x, y_direct, z, **options)
    assert direct.conditional and direct.pvalue == 0.01


def test_local_permutations_stay_within_neighbourhoods():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((300, 1))
    permutation = next(_local_permutations(z, 5, 1, rng))
    rank = np.argsort(np.argsort(np.abs(z[:, 0][:, None] - z[:, 0][None, :]), axis=1), axis=1)
    # each row takes the x of one of its 5 nearest rows in z (itself included; no ties here)
    assert np.all(rank[np.arange(300), permutation] < 5)
    # and rows are drawn without repetition while one is left: nearly a permutation
    assert np.unique(permutation).size > 0.9 * 300
    assert np.array_equal(next(_local_permutations(z, 1, 1, rng)), np.arange(300))


def test_local_permutation_keeps_symbols_of_z():
    # z of strings (symbols): the local permutation moves x only within a symbol of z, so
    # under X -> Z -> Y with X a function of Z the permuted x equal the original ones
    rng = np.random.default_rng(3)
    z = rng.choice(["a", "b", "c"], 200)
    x = (z == "a").astype(int)
    y = (z == "b").astype(int) + rng.integers(0, 2, 200)
    result = independence_test(x, y, z, method="plugin", n_permutations=19, random_state=0)
    assert result.conditional and np.all(result.null_distribution == result.statistic)
    assert result.pvalue == 1.0


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"n_permutations": 0}, ValueError, "n_permutations"),
        ({"n_permutations": 2.5}, TypeError, "n_permutations"),
        ({"z": np.zeros(50), "k_perm": 0}, ValueError, "k_perm"),
    ],
)
def test_independence_test_refuses_bad_arguments(options, error, message):
    with pytest.raises(error, match=message):
        independence_test(*_pair(50), **options)


# --- slow statistical checks ----------------------------------------------------------------------


@pytest.mark.slow
def test_coverage_of_the_bootstrap_intervals():
    from experiments import coverage

    # 200 intervals per task (n = 500, 200 resamples): 95 % nominal; a binomial sd of 1.5 %
    # makes 90-99 % the range the issue asks for
    for task in coverage.TASKS:
        result = coverage.coverage(task, 500, 200, 200, 1000)
        assert 0.90 <= result.covers_expected <= 0.99, (task.label, result)


@pytest.mark.slow
@pytest.mark.parametrize("label_start", ["MI, independent", "CMI, chain"])
def test_permutation_tests_hold_their_level(label_start):
    from experiments import independence_calibration as calibration

    # 400 repetitions at the exact level 4.95 % (B = 100): binomial sd 1.1 %, range 3-7 %
    case = next(c for c, knn in calibration.cases([]) if c.label.startswith(label_start))
    rate, _ = calibration.rejection_rate(case, 500, 400, 100, 1)
    assert 0.03 <= rate <= 0.07


@pytest.mark.slow
@pytest.mark.parametrize("label_start", ["MI, rho", "CMI, partial"])
def test_permutation_tests_have_power_at_rho_0_2(label_start):
    from experiments import independence_calibration as calibration

    # rho = 0.2 at n = 500 (0.0204 nats), the copula statistic: > 0.9 wanted; the experiment
    # measured 98.5-99 % over 400 repetitions, so 100 (binomial sd ~1.2 %) suffice. KSG is
    # less efficient against weak linear dependence (77 % for MI with k = 50 in the
    # experiment's table) and is not held to this bound.
    case = next(c for c, _ in calibration.cases([]) if c.label.startswith(label_start))
    rate, _ = calibration.rejection_rate(case, 500, 100, 100, 1)
    assert rate > 0.9


def test_a_non_finite_statistic_is_an_error_not_the_smallest_p_value(monkeypatch):
    # NaN >= anything is False: left unchecked, a NaN statistic would get p = 1 / (B + 1)
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal(100), rng.standard_normal(100)
    monkeypatch.setattr(_api.Problem, "run", lambda self, *arrays, seed=None: math.nan)
    with pytest.raises(ValueError, match="non-finite statistic"):
        estimators.independence_test(x, y, method="ksg", n_permutations=9, random_state=0)
