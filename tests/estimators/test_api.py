"""The public estimation API: one input layer, the registry, the auto rule, bad inputs."""

import math

import numpy as np
import pytest

import estimators
from estimators import _api

RNG = np.random.default_rng(0)
X = RNG.normal(size=500)
Y = X + RNG.normal(size=500)
Z = RNG.normal(size=500)
LABELS = RNG.integers(0, 4, size=500)


# --- the registry ---------------------------------------------------------------------------


def test_every_family_registers_its_methods():
    assert {"plugin", "miller-madow", "grassberger", "chao-shen", "james-stein", "nsb"} <= set(
        estimators.methods_for("entropy")
    )
    for quantity in ("entropy", "mutual_information", "conditional_mutual_information"):
        assert {"histogram", "kde", "gaussian"} <= set(estimators.methods_for(quantity))
    assert {"gaussian-copula", "copula"} <= set(estimators.methods_for("mutual_information"))
    assert {"plugin", "histogram", "kde", "gaussian"} <= set(
        estimators.methods_for("kl_divergence")
    )


def test_unknown_method_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"unknown method 'ksgg'") as info:
        estimators.mutual_information(X, Y, method="ksgg")
    for name in ("'auto'", "'histogram'", "'kde'", "'plugin'"):
        assert name in str(info.value)


def test_method_that_cannot_estimate_the_quantity_says_so():
    with pytest.raises(ValueError, match=r"cannot estimate entropy"):
        estimators.entropy(X, method="gaussian-copula")


def test_method_must_be_a_string():
    with pytest.raises(TypeError, match="method must be a string"):
        estimators.entropy(X, method=3)


def test_unknown_option_lists_the_methods_options():
    with pytest.raises(TypeError, match=r"has no option .bins.*bandwidth"):
        estimators.entropy(X, method="kde", bins=10)


# --- the auto rule --------------------------------------------------------------------------


TIED = np.round(X, 1)
ZERO_INFLATED = np.where(np.arange(len(X)) % 2 == 0, 0.0, X)
MANY_INTEGERS = np.round(X * 50).astype(int)  # integers with more than 32 levels: numbers


@pytest.mark.parametrize(
    ("samples", "quantity", "expected"),
    [
        ([LABELS], "entropy", "miller-madow"),
        ([LABELS.astype(str)], "entropy", "miller-madow"),
        ([LABELS > 1, LABELS], "mutual_information", "miller-madow"),
        ([LABELS, LABELS], "kl_divergence", "plugin"),
        ([X], "entropy", "knn"),
        ([X, Y], "kl_divergence", "knn"),
        ([X, LABELS], "mutual_information", "ross"),
        ([LABELS, X], "mutual_information", "ross"),
        ([X, Y], "mutual_information", "copula-ksg"),
        ([TIED, Y], "mutual_information", "copula-ksg"),  # quantized: dithered
        ([TIED], "entropy", "knn"),
        ([TIED, TIED + 0.5], "kl_divergence", "knn"),
        ([MANY_INTEGERS, Y], "mutual_information", "copula-ksg"),
        ([MANY_INTEGERS, LABELS], "mutual_information", "ross"),
        ([ZERO_INFLATED, Y], "mutual_information", "mixed"),
        ([ZERO_INFLATED, LABELS], "mutual_information", "mixed"),
        ([ZERO_INFLATED], "entropy", "mixed"),
        ([ZERO_INFLATED, Y], "kl_divergence", "mixed"),
        ([np.column_stack((X, LABELS)).astype(object)], "entropy", "mixed"),
        ([X, np.full(len(X), 2.0)], "mutual_information", "constant"),
        ([X, Y, Z], "conditional_mutual_information", "copula-ksg"),
        ([X, Y, LABELS], "conditional_mutual_information", "mixed"),
    ],
)
def test_auto_rule(samples, quantity, expected):
    prepared = [_api.as_samples(s, "x") for s in samples]
    assert estimators.auto_method(quantity, prepared) == expected


def test_auto_gives_the_chosen_methods_number():
    assert estimators.entropy(LABELS) == estimators.entropy(LABELS, method="miller-madow")
    assert estimators.entropy(X) == estimators.entropy(X, method="knn")
    auto = estimators.mutual_information(X, Y, random_state=0)
    assert auto == estimators.mutual_information(X, Y, method="copula-ksg", random_state=0)


# --- input families and units ---------------------------------------------------------------


def test_lists_pandas_and_torch_give_numpys_number():
    pd = pytest.importorskip("pandas")
    torch = pytest.importorskip("torch")
    reference = estimators.mutual_information(X, Y, method="gaussian")
    for x, y in [
        (list(X), list(Y)),
        (pd.Series(X), pd.Series(Y)),
        (pd.DataFrame({"x": X}), pd.DataFrame({"y": Y})),
        (torch.tensor(X), torch.tensor(Y)),
        (X.reshape(-1, 1), Y.reshape(-1, 1)),
    ]:
        assert estimators.mutual_information(x, y, method="gaussian") == pytest.approx(
            reference, abs=1e-12
        )


def test_result_is_a_python_float_in_the_requested_base():
    nats = estimators.entropy(LABELS, method="plugin")
    bits = estimators.entropy(LABELS, method="plugin", base=2)
    assert type(nats) is float
    assert bits == pytest.approx(nats / math.log(2), rel=1e-14)


def test_string_symbols_and_multi_column_rows_are_joint_symbols():
    words = np.array(["a", "b", "a", "c"] * 25)
    pairs = np.column_stack([LABELS[:100], LABELS[:100] % 2])
    assert estimators.entropy(words, method="plugin") == pytest.approx(
        -(0.5 * math.log(0.5) + 2 * 0.25 * math.log(0.25))
    )
    assert estimators.entropy(pairs, method="plugin") == pytest.approx(
        estimators.entropy(LABELS[:100], method="plugin")  # the second column is a function
    )


# --- bad input: one test per case, through the public API ------------------------------------


def test_nan_in_samples():
    with pytest.raises(ValueError, match=r"y contains NaN or infinite values \(1 of 500\)"):
        estimators.mutual_information(X, np.where(np.arange(500) == 3, np.nan, Y))


def test_inf_in_samples():
    with pytest.raises(ValueError, match="x contains NaN or infinite"):
        estimators.entropy(np.append(X, np.inf))


def test_mismatched_lengths():
    with pytest.raises(ValueError, match="x has 500, y has 499"):
        estimators.mutual_information(X, Y[:-1])


def test_mismatched_lengths_in_conditional_mi():
    with pytest.raises(ValueError, match="z has 10"):
        estimators.conditional_mutual_information(X, Y, Z[:10])


def test_kl_samples_of_different_dimensions():
    with pytest.raises(ValueError, match="x_p has 1, x_q has 2"):
        estimators.kl_divergence(X, np.column_stack([Y, Z]))


def test_three_dimensional_input():
    with pytest.raises(ValueError, match=r"x must have shape \(n_samples,\)"):
        estimators.entropy(np.zeros((4, 3, 2)))


def test_scalar_input():
    with pytest.raises(ValueError, match="x must have shape"):
        estimators.entropy(3.0)


def test_empty_input():
    with pytest.raises(ValueError, match="x is empty"):
        estimators.entropy([])


def test_complex_input():
    with pytest.raises(TypeError, match="must be real"):
        estimators.entropy(X + 1j)


def test_strings_given_to_a_continuous_method():
    with pytest.raises(TypeError, match="method 'kde' needs numeric samples"):
        estimators.entropy(np.array(["a", "b", "c"]), method="kde")


def test_bad_base():
    with pytest.raises(ValueError, match="base"):
        estimators.entropy(X, base=1)
    with pytest.raises(TypeError, match="base"):
        estimators.entropy(X, base="2")


def test_too_few_samples_for_the_method():
    with pytest.raises(ValueError, match="at least"):
        estimators.entropy([1.0], method="kde")
