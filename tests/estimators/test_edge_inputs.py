"""Issue 16, the API part: no silent wrong numbers on extreme, degenerate and malformed input.

One test (or parametrised group) per case of the issue, each reproduced on the data the
issue names (x, y ~ N(0, 1), y = x + noise; p ~ N(0, 1), q ~ N(0.5, 1); n = 2,000, or 500
where the method is O(n^2)), plus the cases ``experiments/probe_edges.py`` found. Each
asserts the documented value or a ``ValueError``/``TypeError`` naming the argument.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import estimators
import exact
from estimators import neural, selection

RNG = np.random.default_rng(16)
N = 2000
X = RNG.standard_normal(N)
Y = X + RNG.standard_normal(N)
Z = RNG.standard_normal(N)
P = RNG.standard_normal(N)
Q = RNG.standard_normal(N) + 0.5
SMALL = 500  # for the O(n^2) KDE
TINY_NEURAL = {"max_steps": 20, "eval_every": 10, "random_state": 0}


def _size(method: str) -> int:
    return SMALL if method == "kde" else N


# --- scale: invariant where the quantity is, entropy shifted by log(scale) ------------------


@pytest.mark.parametrize("scale", [1e-300, 1e-200, 1e-160, 1e155, 1e200, 1e300])
@pytest.mark.parametrize("method", ["auto", "knn", "gaussian", "kde", "histogram", "mixed"])
def test_entropy_shifts_by_exactly_log_scale(method, scale):
    # was inf at 1e155 and 1e200, -inf at 1e-160, "cov contains inf" (gaussian) and
    # "column 0 is constant" (false) at 1e-300
    x = X[: _size(method)]
    reference = estimators.entropy(x, method=method, random_state=0)
    scaled = estimators.entropy(x * scale, method=method, random_state=0)
    assert scaled == pytest.approx(reference + math.log(scale), abs=1e-6)


@pytest.mark.parametrize("scale", [1e-300, 1e-200, 1e200, 1e300])
@pytest.mark.parametrize("method", ["auto", "knn", "gaussian", "kde", "histogram", "mixed"])
def test_kl_divergence_does_not_move_with_the_scale(method, scale):
    # was NaN at 1e200
    n = _size(method)
    reference = estimators.kl_divergence(P[:n], Q[:n], method=method, random_state=0)
    scaled = estimators.kl_divergence(P[:n] * scale, Q[:n] * scale, method=method, random_state=0)
    assert scaled == pytest.approx(reference, abs=1e-6)


@pytest.mark.parametrize("scale", [1e-300, 1e-200, 1e200, 1e300])
@pytest.mark.parametrize(
    "method", ["auto", "ksg", "copula-ksg", "mixed", "gaussian", "kde", "histogram", "copula"]
)
def test_mutual_information_does_not_move_with_the_scale(method, scale):
    # ksg at 1e200 gave 0.01 instead of 0.35, and 0 with only x scaled
    n = _size(method)
    x, y = X[:n], Y[:n]
    reference = estimators.mutual_information(x, y, method=method, random_state=0)
    both = estimators.mutual_information(x * scale, y * scale, method=method, random_state=0)
    only_x = estimators.mutual_information(x * scale, y, method=method, random_state=0)
    assert both == pytest.approx(reference, abs=1e-6)
    assert only_x == pytest.approx(reference, abs=1e-6)


@pytest.mark.parametrize("scale", [1e-300, 1e300])
@pytest.mark.parametrize("method", ["auto", "ksg", "gaussian", "kde", "histogram"])
def test_conditional_mutual_information_does_not_move_with_the_scale(method, scale):
    # gaussian at 1e300: LinAlgError ("Eigenvalues did not converge")
    n = _size(method)
    x, y, z = X[:n], Y[:n] + Z[:n], Z[:n]
    reference = estimators.conditional_mutual_information(x, y, z, method=method, random_state=0)
    scaled = estimators.conditional_mutual_information(
        x * scale, y * scale, z * scale, method=method, random_state=0
    )
    only_x = estimators.conditional_mutual_information(
        x * scale, y, z, method=method, random_state=0
    )
    assert scaled == pytest.approx(reference, abs=1e-6)
    assert only_x == pytest.approx(reference, abs=1e-6)


@pytest.mark.parametrize("scale", [1e-200, 1e200])
def test_mutual_info_scores_do_not_move_with_the_scale(scale):
    features = np.column_stack((X, Z))
    reference = selection.mutual_info_scores(features, Y, random_state=0)
    scaled = selection.mutual_info_scores(features * scale, Y * scale, random_state=0)
    np.testing.assert_allclose(scaled, reference, atol=1e-6)
    assert reference[0] > 0.2  # the dependent feature is seen at every scale


@pytest.mark.parametrize("scale", [1e-200, 1e200, 1e300])
@pytest.mark.parametrize("bound", ["infonce", "mine", "nwj"])
def test_neural_bounds_do_not_collapse_with_the_scale(bound, scale):
    # InfoNCE gave 1e-6 at 1e200 (the standard deviation overflowed) and at 1e-200
    pytest.importorskip("torch")
    x, y = X[:SMALL], Y[:SMALL]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 20 steps: "still rising"
        reference = estimators.mutual_information(x, y, method=bound, **TINY_NEURAL)
        scaled = estimators.mutual_information(x * scale, y * scale, method=bound, **TINY_NEURAL)
    assert scaled == pytest.approx(reference, abs=1e-5)


def test_knn_entropy_and_kl_do_not_depend_on_each_columns_units():
    # one Euclidean metric over columns at 1e300 and 1e-300 gave 1379 nats for h = 2.8: the
    # small column vanished below the large one's resolution
    xy = np.column_stack((X, Y))
    units = np.array([1e300, 1e-300])
    assert estimators.entropy(xy * units, method="knn") == pytest.approx(
        estimators.entropy(xy, method="knn") + float(np.log(units).sum()), abs=1e-6
    )
    p, q = np.column_stack((P, Z)), np.column_stack((Q, Z[::-1]))
    assert estimators.kl_divergence(p * units, q * units, method="knn") == pytest.approx(
        estimators.kl_divergence(p, q, method="knn"), abs=1e-6
    )


# --- degenerate data ------------------------------------------------------------------------

MI_METHODS = [m for m in estimators.methods_for("mutual_information") if m != "ross"]
NEURAL = set(neural.BOUNDS)


@pytest.mark.parametrize("method", ["auto", *MI_METHODS])
def test_mutual_information_with_a_constant_is_exactly_zero(method):
    # the rule for every family: a constant column carries no information and is left out;
    # ksg gave 8.29 for two constants (the value depended on the constants)
    options = dict(TINY_NEURAL) if method in NEURAL else {"random_state": 0}
    c1, c2 = np.full(500, 0.3), np.full(500, 1.7)
    assert estimators.mutual_information(c1, c2, method=method, **options) == 0.0
    assert estimators.mutual_information(X[:500], c2, method=method, **options) == 0.0


@pytest.mark.parametrize(
    "method", ["auto", *estimators.methods_for("conditional_mutual_information")]
)
def test_conditional_mutual_information_of_constants_is_exactly_zero(method):
    # was 0.001 for three constants
    c = np.full(500, 0.3)
    assert estimators.conditional_mutual_information(c, c + 1, c * 3, method=method) == 0.0


@pytest.mark.parametrize("n", [1, 2, 200])
def test_grassberger_entropy_of_a_constant_is_zero(n):
    # was -0.036 (n = 2), -4e-6 (n = 200), and 1.27 for one row
    assert estimators.entropy(np.full(n, 0.3), method="grassberger") == 0.0
    assert estimators.entropy(np.full(n, 0.3), method="nsb") == 0.0


@pytest.mark.parametrize("bound", ["dv", "nwj"])
def test_neural_entropy_of_a_constant_raises_like_the_other_continuous_methods(bound):
    # was -37
    pytest.importorskip("torch")
    for method in (bound, "knn", "kde", "gaussian"):
        with pytest.raises(ValueError, match="constant"):
            estimators.entropy(np.full(500, 0.3), method=method, **TINY_NEURAL)


@pytest.mark.filterwarnings("ignore:the validation bound was still rising")
def test_neural_bound_never_reports_below_the_constant_critic():
    # nwj with a linear critic reported -2,475 nats from diverged weights
    pytest.importorskip("torch")
    with pytest.warns(UserWarning, match="constant"):
        model = neural.NeuralMI("nwj", hidden=(), max_steps=100, random_state=0).fit(X, Y)
    assert model.diagnostics_.constant_critic
    assert max(value for _, value in model.diagnostics_.curve) < 0
    assert model.value_ == 0.0
    assert model.estimate(X, Y) == pytest.approx(0.0, abs=1e-6)  # the constant critic
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = estimators.mutual_information(
            X, Y, method="nwj", hidden=(), max_steps=100, random_state=0
        )
    assert value == 0.0


@pytest.mark.filterwarnings("ignore:the validation bound was still rising")
def test_neural_kl_never_reports_below_the_constant_critic():
    pytest.importorskip("torch")
    with pytest.warns(UserWarning, match="constant"):
        value = estimators.kl_divergence(
            P[:500], P[:500] + 1e-9, method="nwj", hidden=(), max_steps=40, random_state=0
        )
    assert value >= 0.0


def test_a_trained_critic_that_beats_the_constant_one_is_reported_as_it_comes():
    pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "still rising"
        model = neural.NeuralMI("infonce", max_steps=100, random_state=0).fit(X, Y)
    assert not model.diagnostics_.constant_critic
    assert 0.1 < model.value_ < 0.5  # truth log(2)/2 = 0.35


def test_kde_bandwidth_far_below_the_sample_spacing_is_refused():
    # gave 4.7e19 nats: the tail of a single kernel
    with pytest.raises(ValueError, match=r"bandwidth h = 1e-12 .* too narrow"):
        estimators.entropy(X[:SMALL], method="kde", bandwidth=1e-12)
    with pytest.raises(ValueError, match="bandwidth"):
        estimators.mutual_information(X[:SMALL], Y[:SMALL], method="kde", bandwidth=1e-12)
    # a narrow bandwidth that still reaches the neighbours is the user's choice
    assert math.isfinite(estimators.entropy(X[:SMALL], method="kde", bandwidth=0.01))


# --- exact: NaN marginals --------------------------------------------------------------------


def test_exact_nan_marginals_are_refused():
    # gave 0.0051: a comparison with NaN is never true, so the marginal passed as equal
    p_xy = [[0.1, 0.5], [0.1, 0.3]]
    with pytest.raises(ValueError, match="p_x contains nan"):
        exact.mutual_information(p_xy, p_x=[np.nan, np.nan])
    with pytest.raises(ValueError, match="p_y contains nan"):
        exact.mutual_information(p_xy, p_y=[np.nan, np.nan])
    with pytest.raises(ValueError, match="p_x contains inf"):
        exact.conditional_entropy(p_xy, p_x=[np.inf, 0.4])


# --- valid input refused, invalid input accepted ---------------------------------------------


@pytest.mark.parametrize(
    "samples",
    [
        (np.round(X, 1),),  # ties: mixed / quantized
        (X.astype(np.float16), Y.astype(np.float16)),
        (RNG.integers(0, 5, N),),  # integers: a discrete method
        (X, RNG.integers(0, 3, N)),  # floats vs labels: ross
        (RNG.integers(0, 5, N), RNG.integers(0, 5, N), RNG.integers(0, 5, N)),
    ],
)
def test_auto_takes_random_state_whatever_it_picks(samples):
    quantity = {1: "entropy", 2: "mutual_information", 3: "conditional_mutual_information"}
    estimate = getattr(estimators, quantity[len(samples)])
    assert math.isfinite(estimate(*samples, random_state=0))
    labels = RNG.integers(0, 5, N)
    assert math.isfinite(estimators.kl_divergence(labels, labels[::-1], random_state=0))


def test_auto_conditional_mutual_information_given_strings():
    labels = np.array(["a", "b"])[RNG.integers(0, 2, N)]
    assert math.isfinite(estimators.conditional_mutual_information(X, Y, labels, random_state=0))


@pytest.mark.parametrize("random_state", ["x", -1, 2.5, True])
@pytest.mark.parametrize("method", ["knn", "ksg", "kde", "gaussian", "plugin", "infonce"])
def test_bad_random_state_is_refused_even_where_nothing_is_drawn(method, random_state):
    # "x", -1 and 2.5 were accepted by knn/ksg; -1 gave numpy's "expected non-negative integer"
    quantity = "entropy" if method in ("knn", "kde", "gaussian", "plugin") else "mi"
    x = X[:SMALL]
    with pytest.raises((TypeError, ValueError), match="random_state"):
        if quantity == "entropy":
            estimators.entropy(x, method=method, random_state=random_state)
        else:
            estimators.mutual_information(x, Y[:SMALL], method=method, random_state=random_state)


@pytest.mark.parametrize("method", ["ksg", "ross"])
@pytest.mark.parametrize("standardize", ["yes", 1, None])
def test_standardize_must_be_a_bool(method, standardize):
    # "yes" was read as True
    labels = RNG.integers(0, 3, N)
    with pytest.raises(TypeError, match="standardize"):
        estimators.mutual_information(X, labels, method=method, standardize=standardize)


@pytest.mark.parametrize("discrete_features", [[1.5], [True, 1], "yes"])
def test_discrete_features_must_be_indices_or_a_mask(discrete_features):
    # [1.5] was read as column 1, [True, 1] as the indices 1, 1
    features = np.column_stack((X, RNG.integers(0, 3, N)))
    with pytest.raises(ValueError, match="discrete_features"):
        selection.mutual_info_scores(features, Y, discrete_features=discrete_features)


@pytest.mark.parametrize("num_threads", ["x", 0, -2, 1.5, True])
def test_num_threads_is_checked(num_threads):
    # "x": "invalid literal for int()"; 0: torch's RuntimeError
    pytest.importorskip("torch")
    with pytest.raises(ValueError, match="num_threads"):
        estimators.mutual_information(X, Y, method="infonce", num_threads=num_threads)


def test_a_misspelt_column_kinds_is_refused_by_discrete_methods_too():
    codes = RNG.integers(0, 4, N)
    for method in ("plugin", "grassberger", "miller-madow"):
        with pytest.raises(ValueError, match="column kind of x"):
            estimators.entropy(codes, method=method, column_kinds="bogus")


def test_ross_refuses_numbers_as_labels():
    # with incidental ties in a continuous y, ross kept only the tied rows: MI 0.44 from noise
    y = np.round(Y, 3)
    with pytest.raises(ValueError, match="'ross' needs labels"):
        estimators.mutual_information(X, y, method="ross")
    labels = RNG.integers(0, 3, N)
    assert math.isfinite(estimators.mutual_information(X, labels, method="ross"))


# --- errors that say what is wrong -----------------------------------------------------------


def test_ragged_lists_name_the_argument():
    ragged = [[1.0, 2.0], [3.0]] * 10
    with pytest.raises(ValueError, match=r"^x must be a rectangular array"):
        estimators.entropy(ragged)
    with pytest.raises(ValueError, match=r"^y must be a rectangular array"):
        estimators.mutual_information(X[:20], ragged)
    with pytest.raises(ValueError, match=r"^x_q must be a rectangular array"):
        estimators.kl_divergence(X[:20], ragged)


def test_numbers_mixed_with_strings_are_symbols():
    # was "'<' not supported between 'str' and 'int'"
    codes = RNG.integers(0, 3, N)
    mixed = np.array([1, "a", 2.5], dtype=object)[codes]
    assert estimators.entropy(mixed) == estimators.entropy(codes)
    with pytest.raises(TypeError, match="'knn' needs numeric samples; x holds symbols"):
        estimators.entropy(mixed, method="knn")


def test_categorical_with_a_missing_value_is_refused_by_name():
    pd = pytest.importorskip("pandas")
    column = pd.Series(pd.Categorical(["a", "b", None] * 100))
    with pytest.raises(ValueError, match="x contains missing values"):
        estimators.entropy(column)
    with pytest.raises(ValueError, match="y contains missing values"):
        estimators.mutual_information(X[:300], column)
    with pytest.raises(ValueError, match="x contains missing values"):
        estimators.entropy(pd.array([1, None, 3] * 10, dtype="Int64").astype(object))


def test_neural_random_state_minus_one_names_the_argument():
    pytest.importorskip("torch")
    with pytest.raises(ValueError, match="random_state must be"):
        estimators.mutual_information(X, Y, method="infonce", random_state=-1, max_steps=5)
    with pytest.raises(ValueError, match="random_state must be"):
        neural.NeuralMI("infonce", random_state=-1, max_steps=5).fit(X, Y)


@pytest.mark.parametrize("bound", ["dv", "nwj"])
@pytest.mark.parametrize("n", [1, 3])
def test_neural_entropy_of_too_few_rows_names_the_argument(bound, n):
    # n = 1 gave "cov contains nan"
    pytest.importorskip("torch")
    with pytest.raises(ValueError, match=rf"x has {n} rows"):
        estimators.entropy(X[:n], method=bound, **TINY_NEURAL)


def test_a_kde_kl_outlier_beyond_the_floats_is_refused_by_name():
    # an x_p row at 1e300 gave NaN (inf - inf in the squared distances to x_q)
    p = P[:SMALL].copy()
    p[0] = 1e300
    with pytest.raises(ValueError, match="x_p has 1 row"):
        estimators.kl_divergence(p, Q[:SMALL], method="kde")


def test_gaussian_does_not_call_a_shifted_column_constant():
    # z + 1e12 (standard deviation 1) was "constant" to a 1e-12 relative tolerance
    shifted = estimators.conditional_mutual_information(X, Y + Z, Z + 1e12, method="gaussian")
    assert shifted == pytest.approx(
        estimators.conditional_mutual_information(X, Y + Z, Z, method="gaussian"), abs=1e-4
    )


# --- integers and bools, as the probe found them ---------------------------------------------


@pytest.mark.parametrize("method", ["knn", "gaussian", "kde", "histogram", "ksg", "ross"])
def test_integers_beyond_2_to_the_53_keep_their_differences(method):
    # 2^60 + codes were turned into float64 before the dither: all one value
    codes, other = RNG.integers(0, 4, SMALL), RNG.integers(0, 4, SMALL)
    big = codes + 2**60
    if method in ("ksg", "ross"):
        other = (codes + RNG.integers(0, 2, SMALL)) % 4
        assert estimators.mutual_information(big, other, method=method, random_state=0) == (
            estimators.mutual_information(codes, other, method=method, random_state=0)
        )
        return
    assert estimators.entropy(big, method=method, random_state=0) == pytest.approx(
        estimators.entropy(codes, method=method, random_state=0), abs=1e-9
    )
    measured = np.round(X[:SMALL] * 1e3).astype(np.int64)
    assert estimators.entropy(measured + 2**60, method=method, random_state=0) == (
        pytest.approx(estimators.entropy(measured, method=method, random_state=0), abs=1e-9)
    )


def test_integers_beyond_int64_are_symbols():
    # Python ints beyond int64 were read as float64: one value, entropy 0
    codes = RNG.integers(0, 4, N)
    huge = np.array([2**70 + int(c) for c in codes], dtype=object)
    assert estimators.entropy(huge) == estimators.entropy(codes)
    assert estimators.entropy(huge, method="plugin") == estimators.entropy(codes, method="plugin")
    assert estimators.explain("entropy", huge).readings["x"][0].kind == "symbols"
    with pytest.raises(TypeError, match="needs numeric samples"):
        estimators.entropy(huge, method="knn")
    wide = np.array([2**63 + c for c in range(4)] * 50, dtype=np.uint64)
    assert estimators.entropy(wide, method="plugin") == pytest.approx(math.log(4))


@pytest.mark.parametrize("method", ["gaussian", "kde", "histogram", "knn"])
def test_bools_are_dithered_like_zero_one_codes(method):
    # bools reached continuous methods as raw 0/1 floats: KDE entropy -0.24 of two atoms
    codes = RNG.integers(0, 2, SMALL)
    assert estimators.entropy(codes == 1, method=method, random_state=0) == pytest.approx(
        estimators.entropy(codes, method=method, random_state=0), abs=1e-12
    )


# --- the probe --------------------------------------------------------------------------------


def test_the_probe_classifies_every_call_and_finds_nothing_else():
    from experiments import probe_edges

    cases = [c for c in probe_edges.CASES if c.name in _PROBE_SAMPLE]
    rows = probe_edges.probe(cases=cases, quantities=("entropy", "mutual_information"))
    assert {r["case"] for r in rows} == _PROBE_SAMPLE
    others = [r for r in rows if r["outcome"] == probe_edges.ELSE]
    assert not others, others[:5]


def test_the_probe_classifier_can_fail():
    from experiments import probe_edges as probe

    expect = probe.Expect("same", reference=(), log_scale=0.0)
    verdict = probe.classify("entropy", "knn", (X,), {}, expect, 1.5, 1.4)
    assert verdict[0] == probe.ELSE  # a wrong number
    assert probe.classify("entropy", "knn", (X,), {}, expect, math.nan, 1.4)[0] == probe.ELSE
    unclear = ValueError("cov contains inf; all entries must be finite numbers")
    assert probe.classify("entropy", "knn", (X,), {}, expect, unclear, unclear)[0] == probe.ELSE
    named = ValueError("x has 1 rows")
    assert probe.classify("entropy", "knn", (X,), {}, expect, named, named)[0] == probe.CLEAR
    assert probe.classify("entropy", "knn", (X,), {}, expect, named, 1.4)[0] == probe.ELSE
    leak = np.linalg.LinAlgError("x: eigenvalues did not converge")
    assert probe.classify("entropy", "knn", (X,), {}, expect, leak, leak)[0] == probe.ELSE
    invalid = probe.Expect("invalid")
    assert probe.classify("entropy", "knn", (X,), {}, invalid, 1.0, None)[0] == probe.ELSE


_PROBE_SAMPLE = {
    "scale 1e+300",
    "columns at 1e300 and 1e-300",
    "shift 1e12",
    "int64 codes + 2^60",
    "bools",
    "constant x",
    "n = 1",
    "ragged list",
    "random_state=-1",
}
