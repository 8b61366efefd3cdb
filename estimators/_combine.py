"""MI and conditional MI from an entropy estimator: the identities every family shares.

``I(X; Y) = H(X) + H(Y) - H(X, Y)`` and
``I(X; Y | Z) = H(X, Z) + H(Y, Z) - H(X, Y, Z) - H(Z)`` (Cover & Thomas 2006, 2.4-2.5),
with the joint variables formed by stacking columns. ``entropy_of`` takes a 2-D array of
samples (and the caller's options, bound beforehand) and returns nats.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

EntropyOf = Callable[[np.ndarray], float]


def mi_from_entropies(entropy_of: EntropyOf, x: np.ndarray, y: np.ndarray) -> float:
    """``H(X) + H(Y) - H(X, Y)``."""
    return entropy_of(x) + entropy_of(y) - entropy_of(np.hstack((x, y)))


def cmi_from_entropies(entropy_of: EntropyOf, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> float:
    """``H(X, Z) + H(Y, Z) - H(X, Y, Z) - H(Z)``."""
    return (
        entropy_of(np.hstack((x, z)))
        + entropy_of(np.hstack((y, z)))
        - entropy_of(np.hstack((x, y, z)))
        - entropy_of(z)
    )
