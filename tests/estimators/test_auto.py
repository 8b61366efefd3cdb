"""``method="auto"``: every quantity and every kind of data takes ``random_state`` and gives
the same number for the same seed."""

import math

import numpy as np
import pytest

import estimators

RNG = np.random.default_rng(3)
N = 400
_NORMAL = RNG.standard_normal(N)
KINDS = {
    "float": _NORMAL,
    "tied": np.round(_NORMAL, 1),
    "float16": _NORMAL.astype(np.float16),
    "float32": _NORMAL.astype(np.float32),
    "integer": RNG.integers(0, 1000, N),
    "labels": RNG.integers(0, 3, N),
    "strings": np.array(["a", "b", "c", "d"])[RNG.integers(0, 4, N)],
}
OTHER = _NORMAL + RNG.standard_normal(N)


def _arguments(quantity: str, data):
    if quantity == "entropy":
        return (data,)
    if quantity == "mutual_information":
        return (data, OTHER)
    if quantity == "conditional_mutual_information":
        return (data, OTHER, RNG.permutation(data))
    return (data[: N // 2], data[N // 2 :])


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize(
    "quantity",
    ["entropy", "mutual_information", "conditional_mutual_information", "kl_divergence"],
)
def test_auto_takes_random_state_for_every_quantity_and_kind(quantity, kind):
    arguments = _arguments(quantity, KINDS[kind])
    estimate = getattr(estimators, quantity)
    first = estimate(*arguments, random_state=0)
    assert math.isfinite(first)
    assert first == estimate(*arguments, random_state=0)
