"""How columns are read (symbols, quantized, atoms, continuous), and what the estimators then
give on rounded, quantized and zero-inflated data against exact values."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_wine
from sklearn.feature_selection import mutual_info_classif

import estimators
from estimators._reading import dequantize, encode, read_sample
from estimators.selection import mutual_info_scores
from exact.distributions import JointNormal, Normal, NormalPair, Quantized, ZeroInflated


def _reading(values, given="auto"):
    return read_sample(np.asarray(values).reshape(len(values), -1), "x", given)[0]


RNG = np.random.default_rng(0)
NORMAL = RNG.standard_normal(2000)


# --- the rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        (np.array(["a", "b"] * 50), "symbols"),
        (np.arange(100) % 2 == 0, "symbols"),
        (np.arange(100) % 7, "symbols"),  # integer codes with few levels
        (pd.Series(["x", "y"] * 50, dtype="category"), "symbols"),
        (NORMAL, "continuous"),
        (np.round(NORMAL, 1), "quantized"),
        (np.round(NORMAL * 40).astype(int), "quantized"),  # integers with many levels
        (np.where(NORMAL > 0, NORMAL, 0.0), "atoms"),  # zero-inflated
        (np.minimum(NORMAL, 1.0), "atoms"),  # censored at 1
        (np.full(100, 2.5), "constant"),
    ],
)
def test_each_column_is_read_by_its_dtype_and_values(values, kind):
    assert _reading(np.asarray(values)).kind == kind


@pytest.mark.parametrize("step", [0.1, 0.5, 0.01, 0.25, 1 / 3, 7.0])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_step_of_a_grid_is_found(step, dtype):
    values = (step * np.round(NORMAL / step) + 3 * step).astype(dtype)
    reading = _reading(values)
    precision = 1e-12 if dtype == np.float64 else 1e-5  # the storage's rounding, relative
    assert reading.kind == "quantized"
    assert reading.resolution == pytest.approx(step, rel=precision)


def test_integer_steps_are_exact():
    values = 5 * np.round(NORMAL * 20).astype(int)  # multiples of 5, ~150 levels
    assert _reading(values).resolution == 5.0


def test_a_few_values_with_more_digits_do_not_make_the_grid_finer():
    values = np.round(np.abs(NORMAL) + 1, 2)
    values[7] = 9.899999  # as wine's color_intensity holds it
    values[11] = 0.906  # one value with three decimals among two-decimal values
    assert _reading(values).resolution == pytest.approx(0.01, rel=1e-9)


def test_random_values_with_an_atom_are_never_a_grid():
    for seed in range(50):
        rng = np.random.default_rng(seed)
        n = int(rng.integers(20, 400))
        scale = 10.0 ** (seed % 7 - 3)
        values = np.where(rng.random(n) < 0.3, 0.0, rng.standard_normal(n) * scale)
        reading = _reading(values)
        assert reading.kind == "atoms" and list(reading.atoms) == [0.0]


def test_incidental_ties_are_not_atoms():
    values = NORMAL.copy()
    values[:10] = values[10:20]  # ten values seen twice: incidental, no grid, no atom
    assert _reading(values).kind == "continuous"


def test_narrow_float_formats_are_read_on_their_cells():
    values = NORMAL.astype(np.float16)  # ~1,000 distinct values: ties, no regular grid
    reading = _reading(values)
    assert reading.kind == "quantized" and reading.cells == "float16"
    dithered = dequantize(values[:, None], (reading,), np.random.default_rng(0))[:, 0]
    # each value moves within its own rounding cell: rounding it again gives it back
    assert np.array_equal(dithered.astype(np.float16), values)
    assert np.unique(dithered).size == values.size


def test_dithers_stay_within_their_cells():
    values = np.round(NORMAL, 1)
    reading = _reading(values)
    dithered = dequantize(values[:, None], (reading,), np.random.default_rng(1))[:, 0]
    assert np.all(np.abs(dithered - values) <= reading.resolution / 2)
    assert np.array_equal(np.round(dithered, 1), values)


@settings(max_examples=40, deadline=None)
@given(
    scale=st.floats(1e-150, 1e150),
    shift=st.floats(-1e3, 1e3),
    seed=st.integers(0, 10**6),
)
def test_the_reading_follows_scale_and_shift(scale, shift, seed):
    rng = np.random.default_rng(seed)
    levels = np.round(rng.standard_normal(300), 1)
    reading = _reading(levels)
    moved = _reading(levels * scale + shift * scale)
    assert moved.kind == reading.kind == "quantized"
    assert moved.resolution == pytest.approx(reading.resolution * scale, rel=1e-6)
    permuted = _reading(levels[rng.permutation(300)])
    assert permuted.resolution == reading.resolution


def test_encoding_keeps_symbols_and_atoms_apart():
    rng = np.random.default_rng(2)
    labels = rng.integers(0, 3, 500)
    zero_inflated = np.where(rng.random(500) < 0.4, 0.0, rng.standard_normal(500))
    x = np.column_stack((labels, zero_inflated)).astype(object)
    readings = read_sample(x, "x")
    (encoded,), strata = encode([x], [readings])
    continuous = zero_inflated != 0
    inside = np.ptp(encoded[continuous, 1])
    # rows of different strata differ by more than any distance within the continuous part
    for a in np.unique(strata):
        for b in np.unique(strata):
            if a < b:
                apart = np.abs(encoded[strata == a][:, None] - encoded[strata == b][None])
                assert apart.max(axis=2).min() > inside


# --- overrides and errors ------------------------------------------------------------------


def test_column_kinds_override_the_reading():
    x, y = np.round(NORMAL, 1), NORMAL + RNG.standard_normal(2000)
    assert estimators.explain("mutual_information", x, y).method == "copula-ksg"
    as_symbols = estimators.explain("mutual_information", x, y, column_kinds={"x": "symbols"})
    assert as_symbols.method == "ross"
    assert str(as_symbols.readings["x"][0]).startswith("symbols (")
    finer = estimators.explain("entropy", x, column_kinds=0.05)  # values on 0.1: on 0.05 too
    assert finer.readings["x"][0].resolution == 0.05


@pytest.mark.parametrize(
    ("x", "kinds", "error", "message"),
    [
        (NORMAL, "quantized", ValueError, r"no regular grid found in the values of x"),
        (np.round(NORMAL, 2), 0.1, ValueError, r"not on a grid of step 0.1"),
        (np.array(["a", "b"] * 50), "quantized", TypeError, r"x holds symbols"),
        (NORMAL, "grid", ValueError, r"must be 'auto' or one of"),
        (NORMAL, -1.0, ValueError, r"resolution of x must be a finite number > 0"),
        (NORMAL, {"w": "symbols"}, ValueError, r"column_kinds names 'w', not an argument"),
        (NORMAL, ["symbols", "auto"], ValueError, r"has 2 entries; x has 1 columns"),
        (np.full(50, 3.0), "quantized", ValueError, r"x is constant"),
    ],
)
def test_bad_column_kinds_are_refused(x, kinds, error, message):
    with pytest.raises(error, match=message):
        estimators.entropy(x, column_kinds=kinds)


def test_constants_carry_no_information_for_every_method():
    x = NORMAL[:500]
    for method in ["auto", "ksg", "mixed", "kde", "histogram", "gaussian", "gaussian-copula"]:
        assert estimators.mutual_information(x, np.full(500, 1.7), method=method) == 0.0
        assert estimators.mutual_information(np.full(500, 0.3), x, method=method) == 0.0
    assert estimators.mutual_information(np.full(500, 0.3), np.full(500, 1.7)) == 0.0
    with pytest.raises(ValueError, match=r"x has a constant column \(0\): .* -inf"):
        estimators.entropy(np.full(500, 0.3))
    # a constant z is no condition
    z, y = np.full(500, 4.0), x + RNG.standard_normal(500)
    given_constant = estimators.conditional_mutual_information(x, y, z, random_state=0)
    assert given_constant == estimators.mutual_information(x, y, random_state=0)


def test_integer_codes_with_few_levels_keep_the_discrete_estimate():
    x = RNG.integers(0, 6, 1000)
    y = (x + RNG.integers(0, 3, 1000)) % 6
    assert estimators.mutual_information(x, y) == estimators.mutual_information(
        x, y, method="miller-madow"
    )
    assert estimators.entropy(x) == estimators.entropy(x, method="miller-madow")


def test_same_seed_same_number_and_explain_says_how():
    x = np.round(NORMAL, 1)
    y = x + RNG.standard_normal(2000)
    first = estimators.mutual_information(x, y, random_state=5)
    assert first == estimators.mutual_information(x, y, random_state=5)
    assert first != estimators.mutual_information(x, y, random_state=6)
    report = str(estimators.explain("mutual_information", x, y))
    assert "method 'copula-ksg'" in report and "quantized (step 0.1" in report
    assert "4 draws" in report
    single = estimators.mutual_information(x, y, random_state=5, n_dithers=1)
    assert single != first
    with pytest.raises(ValueError, match="n_dithers must be a positive integer"):
        estimators.mutual_information(x, y, n_dithers=0)


def test_nothing_is_jittered_or_warned_about():
    x = np.round(NORMAL, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        estimators.entropy(x, random_state=0)
        estimators.mutual_information(x, x + NORMAL, random_state=0)
        estimators.kl_divergence(x, x + 0.5, random_state=0)


# --- exact values --------------------------------------------------------------------------
# n = 5,000 throughout. The spreads quoted are over 20 seeds (python -m
# experiments.column_reading --seeds 20); each bound is the issue's, and the mean over the
# seeds used here sits well inside it: the bounds are 3-6 standard errors of that mean.


@pytest.mark.parametrize("step", [0.1, 0.5])
def test_entropy_of_a_rounded_normal(step):
    # sd of one estimate 0.009 nats: the mean of 3 is within 0.05 of H(Q) + log(step)
    task = Quantized(Normal(0.0, 1.0), step)
    found = [estimators.entropy(task.sample(5000, s), random_state=s) for s in range(3)]
    assert np.mean(found) == pytest.approx(task.truth(), abs=0.05)


@pytest.mark.parametrize("step", [0.1, 0.5])
def test_mi_of_rounded_correlated_normals(step):
    # sd of one estimate 0.008-0.011: the mean of 3 is within 0.03 of I(Q1; Q2)
    task = Quantized(JointNormal.correlated(1, 1, -0.5 * math.log(1 - 0.36)), step)
    found = [estimators.mutual_information(*task.sample(5000, s), random_state=s) for s in range(3)]
    assert np.mean(found) == pytest.approx(task.truth(), abs=0.03)


def test_kl_of_rounded_normals():
    # sd of one estimate 0.014: the mean of 3 is within 0.05 of the cells' KL (0.1249)
    task = Quantized(NormalPair(0.0, 1.0, 0.5, 1.0), 0.1)
    found = [estimators.kl_divergence(*task.sample(5000, s), random_state=s) for s in range(3)]
    assert np.mean(found) == pytest.approx(task.truth(), abs=0.05)


def test_mi_of_zero_inflated_data():
    # sd of one estimate 0.014, mean bias +0.006 over 20 seeds: the mean of 5 is within 0.03
    # of log(2)/4 (the atom read as such; Gao et al. on the raw values were +0.03 high)
    task = ZeroInflated(0.5, 1.0)
    found = [estimators.mutual_information(*task.sample(5000, s)) for s in range(5)]
    assert task.truth() == pytest.approx(math.log(2) / 4)
    assert np.mean(found) == pytest.approx(task.truth(), abs=0.03)


def test_entropy_and_kl_with_an_atom():
    rng = np.random.default_rng(8)
    p = np.where(rng.random(5000) < 0.5, 0.0, rng.standard_normal(5000))
    q = np.where(rng.random(5000) < 0.7, 0.0, rng.standard_normal(5000))
    # entropy relative to counting measure on the atom and Lebesgue measure on the rest:
    # H(B) + P(continuous) h(N(0, 1)); Kozachenko-Leonenko's sd at n = 2,500 is ~0.02
    expected = math.log(2) + 0.5 * 0.5 * math.log(2 * math.pi * math.e)
    assert estimators.entropy(p) == pytest.approx(expected, abs=0.03)
    # KL = KL(Bernoulli(0.5) || Bernoulli(0.7)) + 0.5 KL(N || N); WKV's sd here ~0.02
    bernoulli = 0.5 * math.log(0.5 / 0.7) + 0.5 * math.log(0.5 / 0.3)
    assert estimators.kl_divergence(p, q) == pytest.approx(bernoulli, abs=0.04)


def test_symbols_beside_numbers():
    rng = np.random.default_rng(9)
    labels = rng.choice(["a", "b", "c"], 3000)
    numbers = rng.standard_normal(3000) + (labels == "a")
    frame = pd.DataFrame({"label": labels, "value": numbers})
    # H(L, X) = H(L) + h(X | L) = log 3 + h(N(0, 1)); sd of the estimate ~0.02
    expected = math.log(3) + 0.5 * math.log(2 * math.pi * math.e)
    assert estimators.explain("entropy", frame).method == "mixed"
    assert estimators.entropy(frame) == pytest.approx(expected, abs=0.04)
    # dependent only given label b, as a correlated normal pair with rho^2 = 1/2 there:
    # I(X; Y | L) = P(b) log(2) / 2 (the stratified KSG's sd at n = 1,000 a stratum ~0.02)
    noise = rng.standard_normal(3000)
    y = np.where(labels == "b", numbers + noise, noise + (labels == "a"))
    truth = np.mean(labels == "b") * math.log(2) / 2
    cmi = estimators.conditional_mutual_information(numbers, y, labels)
    assert estimators.explain("conditional_mutual_information", numbers, y, labels).method == (
        "mixed"
    )
    assert cmi == pytest.approx(truth, abs=0.03)


# --- nulls: independent data ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "decimals", "classes", "bound"),
    [(178, 1, 3, 0.03), (2000, 2, 4, 0.01)],
)
def test_rounded_feature_against_independent_labels(n, decimals, classes, bound):
    # Ross' null spread per estimate: 0.042 at n = 178, 0.012 at n = 2,000; the mean of 20
    # (standard error 0.009, 0.003) must stay below the bound (the plug-in over the rounded
    # values was 0.22-0.26 here)
    found = []
    for seed in range(20):
        rng = np.random.default_rng(seed)
        x, labels = np.round(rng.standard_normal(n), decimals), rng.integers(0, classes, n)
        found.append(estimators.mutual_information(x, labels, random_state=seed))
    assert np.mean(found) <= bound


def test_wine_against_permuted_targets():
    # no column's mean over 20 permutations above scikit-learn's largest + 0.01
    X, y = load_wine(return_X_y=True)
    permutations = [np.random.default_rng(s).permutation(y) for s in range(20)]
    ours = np.mean(
        [mutual_info_scores(X, p, random_state=s) for s, p in enumerate(permutations)], axis=0
    )
    theirs = np.mean(
        [mutual_info_classif(X, p, random_state=s) for s, p in enumerate(permutations)], axis=0
    )
    assert ours.max() <= theirs.max() + 0.01


# --- edge cases found in review --------------------------------------------------------------


def test_integers_beyond_float64_precision_are_read_exactly():
    y = np.arange(500) % 5
    x = (2**60 + y).astype(np.int64)  # five levels: symbols, however large
    assert estimators.mutual_information(x, y) == estimators.mutual_information(
        x, y, method="miller-madow"
    )
    steps = (2**60 + 3 * np.arange(500) + 3 * (np.arange(500) % 7 == 0)).astype(np.int64)
    reading = estimators.explain("entropy", steps).readings["x"][0]
    assert reading.kind == "quantized" and reading.resolution == 3.0
    # the dither keeps its digits: an origin is subtracted first
    assert np.isfinite(estimators.entropy(steps, random_state=0))


def test_ross_takes_its_labels_from_the_reading_not_the_dtype():
    rng = np.random.default_rng(12)
    labels = rng.integers(0, 3, 1000)
    measured = (rng.normal(size=1000) * 1e6 + labels * 1e6).astype(np.int64)  # no ties
    assert estimators.mutual_information(measured, labels) == estimators.mutual_information(
        labels, measured
    )
    x = labels + 0.0
    y = labels + rng.normal(size=1000)
    forward = estimators.mutual_information(x, y, column_kinds={"x": "symbols"})
    assert forward == estimators.mutual_information(y, x, column_kinds={"y": "symbols"})


def test_a_small_atom_is_an_atom():
    x = NORMAL.copy()
    x[:10] = 0.123  # a point mass of 0.5 %
    reading = estimators.explain("entropy", x).readings["x"][0]
    assert reading.kind == "atoms" and list(reading.atoms) == [0.123]
    # H(A) + P(continuous) h(continuous part): close to the continuous entropy
    assert np.isfinite(estimators.entropy(x))
    # a point mass that q has not: the KL divergence is infinite, and says so
    assert estimators.kl_divergence(x, RNG.standard_normal(2000)) == math.inf


def test_many_values_repeated_off_a_grid_are_an_irregular_quantizer():
    # rounded on a log scale: cells that widen with the magnitude, no regular grid
    values = np.exp(np.round(RNG.standard_normal(3000) * 10) / 10)
    reading = _reading(values)
    assert reading.kind == "quantized" and reading.cells == "between values"
    dithered = dequantize(values[:, None], (reading,), np.random.default_rng(3))[:, 0]
    # each value stays nearer its own level than any other: the quantizer is recoverable
    levels = reading.values
    nearest = levels[np.abs(dithered[:, None] - levels[None, :]).argmin(axis=1)]
    assert np.array_equal(nearest, values)


def test_narrow_floats_far_from_zero_are_cells_not_atoms():
    values = (1e7 + 20 * np.random.default_rng(5).standard_normal(200)).astype(np.float32)
    reading = _reading(values)
    assert reading.kind == "quantized" and reading.cells == "float32"
    assert _reading(values - np.float32(1e7)).kind == "quantized"


def test_narrow_floats_can_be_given_as_quantized_and_go_through_selection():
    x16 = RNG.standard_normal(2000).astype(np.float16)
    y = x16 + RNG.standard_normal(2000)
    given = estimators.explain("mutual_information", x16, y, column_kinds={"x": "quantized"})
    assert given.readings["x"][0].cells == "float16"
    scores = mutual_info_scores(x16[:, None], y, "ksg", random_state=0)
    assert scores[0] == mutual_info_scores(x16[:, None], y, "ksg", random_state=0)[0]
    assert scores[0] == pytest.approx(estimators.mutual_information(x16, y), abs=0.05)


@settings(max_examples=25, deadline=None)
@given(
    exponent=st.integers(-200, 200),
    seed=st.integers(0, 10**6),
)
def test_entropy_and_kl_follow_the_scale(exponent, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal((300, 2)), rng.standard_normal((300, 2)) + 0.5
    scale = 10.0**exponent
    # h(aX) = h(X) + d log a; KL and MI do not change
    shifted = estimators.entropy(x * scale) - 2 * math.log(scale)
    assert shifted == pytest.approx(estimators.entropy(x), abs=1e-9)
    assert estimators.kl_divergence(x * scale, y * scale) == pytest.approx(
        estimators.kl_divergence(x, y), abs=1e-9
    )
    assert estimators.mutual_information(x[:, 0] * scale, x[:, 1], random_state=0) == (
        pytest.approx(estimators.mutual_information(x[:, 0], x[:, 1], random_state=0), abs=1e-9)
    )


def test_object_columns_of_numbers_and_of_mixed_symbols():
    x = pd.Series(NORMAL[:300]).astype(object)
    y = NORMAL[:300] + RNG.standard_normal(300)
    as_objects = estimators.mutual_information(x, y, random_state=0)
    assert as_objects == estimators.mutual_information(NORMAL[:300], y, random_state=0)
    with pytest.raises(ValueError, match=r"x contains missing values \(None or NaN: 1 of 300\)"):
        estimators.mutual_information(x.where(np.arange(300) != 5, None), y)
    mixed = np.array(["a", 1, 2.5, "b"] * 75, dtype=object)  # strings beside numbers
    reading = estimators.explain("entropy", mixed).readings["x"][0]
    assert reading.kind == "symbols" and reading.levels == 4
    assert estimators.entropy(mixed) == pytest.approx(math.log(4) + 3 / 600, abs=1e-12)


def test_explain_reads_discrete_methods_and_dropped_conditions():
    labels = RNG.integers(0, 3, 300)
    report = estimators.explain("mutual_information", labels, labels, method="plugin")
    assert str(report.readings["x"][0]) == "symbols (3 levels)"
    text = str(estimators.explain("conditional_mutual_information", NORMAL, NORMAL, np.ones(2000)))
    assert text.startswith("mutual_information by method") and "z: (no column left)" in text
