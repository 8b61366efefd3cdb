"""The public estimation functions: one entry point per quantity, any registered method.

Inputs are checked once here (shape, length, NaN/inf, dtype, base, method, options); the
families' implementations trust them and return nats, converted here to units of ``base``.
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from exact._checks import check_base, in_base

from ._inputs import (
    as_continuous,
    as_samples,
    check_comparable_symbols,
    check_same_dimension,
    check_same_length,
    has_ties,
    is_discrete,
)
from ._registry import Method, lookup


def entropy(x, method: str = "auto", base: float = math.e, **options) -> float:
    """Entropy ``H(X)`` from samples of X (differential entropy for continuous X).

    Parameters
    ----------
    x : array_like, shape (n_samples,) or (n_samples, n_features)
        Samples; several columns are one random vector. Numpy, pandas or torch.
    method : str
        A registered method name, or ``"auto"`` (see :func:`auto_method`).
    base : float
        Logarithm base of the result's unit (``math.e``: nats, 2: bits).
    **options
        The method's own options (e.g. ``bins`` for ``"histogram"``).

    Returns
    -------
    float
    """
    return _estimate("entropy", method, base, options, x=x)


def mutual_information(x, y, method: str = "auto", base: float = math.e, **options) -> float:
    """Mutual information ``I(X; Y)`` from paired samples of X and Y.

    ``x`` and ``y`` have the same number of rows (paired draws); each may have several
    columns. Estimates are returned as computed: a small negative value is bias, not an error.
    Other parameters as :func:`entropy`.
    """
    return _estimate("mutual_information", method, base, options, x=x, y=y)


def conditional_mutual_information(
    x, y, z, method: str = "auto", base: float = math.e, **options
) -> float:
    """Conditional mutual information ``I(X; Y | Z)`` from paired samples of X, Y and Z.

    ``I(X; Y | Z) = H(X, Z) + H(Y, Z) - H(X, Y, Z) - H(Z)``. Other parameters as
    :func:`entropy`.
    """
    return _estimate("conditional_mutual_information", method, base, options, x=x, y=y, z=z)


def kl_divergence(x_p, x_q, method: str = "auto", base: float = math.e, **options) -> float:
    """KL divergence ``D(p || q)`` from samples ``x_p ~ p`` and ``x_q ~ q``.

    The two samples have the same number of columns; their numbers of rows may differ.
    Other parameters as :func:`entropy`.
    """
    return _estimate("kl_divergence", method, base, options, x_p=x_p, x_q=x_q)


def auto_method(quantity: str, samples: list[np.ndarray]) -> str:
    """The method ``method="auto"`` picks, by data.

    - every input discrete (bool, integer, string or object dtype): ``"miller-madow"``
      (``"plugin"`` for KL, with no pseudocount);
    - entropy and KL of continuous samples: ``"knn"`` (Kozachenko–Leonenko, Wang et al.);
    - MI of a discrete and a continuous variable: ``"ross"``;
    - MI and conditional MI of continuous samples: ``"ksg"``, or ``"mixed"`` (Gao et al.) when
      some column holds duplicated values (ties, atoms) or, for conditional MI, some input is
      discrete.
    """
    discrete = [is_discrete(s) for s in samples]
    if all(discrete):
        return "plugin" if quantity == "kl_divergence" else "miller-madow"
    if quantity in ("entropy", "kl_divergence"):
        return "knn"
    if quantity == "mutual_information" and any(discrete):
        return "ross"
    return "mixed" if any(discrete) or any(has_ties(s) for s in samples) else "ksg"


def _estimate(quantity: str, method: str, base: float, options: dict, **raw) -> float:
    check_base(base)
    samples = {name: as_samples(value, name) for name, value in raw.items()}
    if quantity == "kl_divergence":
        check_same_dimension(**samples)
        check_comparable_symbols(**samples)
    else:
        check_same_length(**samples)
    name = auto_method(quantity, list(samples.values())) if method == "auto" else method
    chosen = lookup(name, quantity)
    implementation = chosen.implementations[quantity]
    _check_options(chosen, implementation, options)
    arrays = [_for_method(array, label, chosen) for label, array in samples.items()]
    return float(in_base(implementation(*arrays, **options), base))


def _for_method(samples: np.ndarray, name: str, method: Method) -> np.ndarray:
    return as_continuous(samples, name, method.name) if method.data == "continuous" else samples


def _check_options(method: Method, implementation, options: dict) -> None:
    accepted = [
        p.name
        for p in inspect.signature(implementation).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        listed = ", ".join(accepted) if accepted else "none"
        raise TypeError(
            f"method {method.name!r} has no option {unknown[0]!r}; its options: {listed}"
        )
