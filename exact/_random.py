"""Explicit randomness: one way to turn ``random_state`` into a numpy ``Generator``."""

from __future__ import annotations

from numbers import Integral

import numpy as np


def as_generator(random_state) -> np.random.Generator:
    """``random_state`` as a ``numpy.random.Generator``.

    None gives fresh OS entropy; an int ``>= 0`` seeds a new PCG64 generator (same seed, same
    draws); a ``Generator`` is used as is (its state advances). Anything else is refused here,
    naming ``random_state``, whether or not the method draws anything: a negative int
    (``ValueError``; numpy's own message, "expected non-negative integer", names nothing),
    a float, a string or a bool (``TypeError``).
    """
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(
                f"random_state must be None, an int >= 0 or a numpy.random.Generator; got "
                f"{random_state!r}"
            )
        return np.random.default_rng(int(random_state))
    if isinstance(random_state, np.random.Generator):
        return random_state
    raise TypeError(
        "random_state must be None, an int or a numpy.random.Generator; "
        f"got {type(random_state).__name__}"
    )


def check_sample_size(n, name: str = "n") -> int:
    """A positive number of samples, as a Python int."""
    if isinstance(n, bool) or not isinstance(n, Integral) or n < 1:
        raise ValueError(f"{name} must be a positive integer number of samples; got {n!r}")
    return int(n)
