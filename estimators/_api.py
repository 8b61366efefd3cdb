"""The public estimation functions: one entry point per quantity, any registered method.

Inputs are checked once here (shape, length, NaN/inf, dtype, base, method, options); the
families' implementations trust them and return nats, converted here to units of ``base``.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass

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


def entropy(
    x,
    method: str = "auto",
    base: float = math.e,
    *,
    uncertainty: str | None = None,
    confidence_level: float = 0.95,
    n_resamples: int | None = None,
    **options,
) -> float:
    """Entropy ``H(X)`` from samples of X (differential entropy for continuous X).

    Parameters
    ----------
    x : array_like, shape (n_samples,) or (n_samples, n_features)
        Samples; several columns are one random vector. Numpy, pandas or torch.
    method : str
        A registered method name, or ``"auto"`` (see :func:`auto_method`).
    base : float
        Logarithm base of the result's unit (``math.e``: nats, 2: bits).
    uncertainty : None, "bootstrap", "jackknife" or "auto"
        ``None`` (default) returns a plain float. Otherwise an
        :class:`~estimators.uncertainty.Estimate` (a float carrying ``stderr`` and ``ci``) is
        returned: ``"bootstrap"`` resamples rows (half-samples without replacement for the
        k-NN, KDE and neural families, where duplicated rows bias the estimate),
        ``"jackknife"`` is the delete-d jackknife over random groups, ``"auto"`` the analytic
        width where known (NSB, Gaussian, neural held-out batches), else the bootstrap. See
        :mod:`estimators.uncertainty`. ``random_state`` (in ``options``) seeds the resampling.
    confidence_level : float
        Level of the interval ``ci`` (default 0.95).
    n_resamples : int or None
        Resamples (bootstrap, default 200) or groups (jackknife, default 20).
    **options
        The method's own options (e.g. ``bins`` for ``"histogram"``).

    Returns
    -------
    float, or Estimate when ``uncertainty`` is given
    """
    return _estimate(
        "entropy", method, base, options, _request(uncertainty, confidence_level, n_resamples), x=x
    )


def mutual_information(
    x,
    y,
    method: str = "auto",
    base: float = math.e,
    *,
    uncertainty: str | None = None,
    confidence_level: float = 0.95,
    n_resamples: int | None = None,
    **options,
) -> float:
    """Mutual information ``I(X; Y)`` from paired samples of X and Y.

    ``x`` and ``y`` have the same number of rows (paired draws); each may have several
    columns. Estimates are returned as computed: a small negative value is bias, not an error.
    Other parameters as :func:`entropy`.
    """
    return _estimate(
        "mutual_information",
        method,
        base,
        options,
        _request(uncertainty, confidence_level, n_resamples),
        x=x,
        y=y,
    )


def conditional_mutual_information(
    x,
    y,
    z,
    method: str = "auto",
    base: float = math.e,
    *,
    uncertainty: str | None = None,
    confidence_level: float = 0.95,
    n_resamples: int | None = None,
    **options,
) -> float:
    """Conditional mutual information ``I(X; Y | Z)`` from paired samples of X, Y and Z.

    ``I(X; Y | Z) = H(X, Z) + H(Y, Z) - H(X, Y, Z) - H(Z)``. Other parameters as
    :func:`entropy`.
    """
    return _estimate(
        "conditional_mutual_information",
        method,
        base,
        options,
        _request(uncertainty, confidence_level, n_resamples),
        x=x,
        y=y,
        z=z,
    )


def kl_divergence(
    x_p,
    x_q,
    method: str = "auto",
    base: float = math.e,
    *,
    uncertainty: str | None = None,
    confidence_level: float = 0.95,
    n_resamples: int | None = None,
    **options,
) -> float:
    """KL divergence ``D(p || q)`` from samples ``x_p ~ p`` and ``x_q ~ q``.

    The two samples have the same number of columns; their numbers of rows may differ.
    Other parameters as :func:`entropy`.
    """
    return _estimate(
        "kl_divergence",
        method,
        base,
        options,
        _request(uncertainty, confidence_level, n_resamples),
        x_p=x_p,
        x_q=x_q,
    )


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


def _request(uncertainty, confidence_level, n_resamples):
    from .uncertainty import check_request

    return check_request(uncertainty, confidence_level, n_resamples)


def _estimate(quantity: str, method: str, base: float, options: dict, request, **raw) -> float:
    check_base(base)
    problem = prepare(quantity, method, options, resampling=request is not None, **raw)
    if request is None:
        return float(in_base(problem.run(*problem.arrays), base))
    from .uncertainty import estimate_with_uncertainty

    return estimate_with_uncertainty(problem, base, request)


@dataclass(frozen=True)
class Problem:
    """A checked estimation problem: arrays ready for the method, its options, and the seed.

    ``run(*arrays)`` returns nats for any arrays of the same kind (e.g. resampled rows)
    without checking them again; ``seed`` replaces the method's own ``random_state`` when it
    takes one. ``random_state`` is the caller's seed for resampling.
    """

    quantity: str
    method: Method
    implementation: Callable[..., float]
    arrays: tuple[np.ndarray, ...]
    options: dict
    random_state: object = None
    takes_seed: bool = False  # the implementation has a ``random_state`` option

    @property
    def sizes(self) -> tuple[int, ...]:
        """Rows of each independently resampled sample: ``(n_p, n_q)`` for KL, else ``(n,)``."""
        return tuple(len(self.arrays[group[0]]) for group in self.row_groups())

    @property
    def n(self):
        return self.sizes if len(self.sizes) > 1 else self.sizes[0]

    def row_groups(self) -> list[list[int]]:
        """Positions of the arrays whose rows go together (paired draws)."""
        if self.quantity == "kl_divergence":
            return [[0], [1]]
        return [list(range(len(self.arrays)))]

    def run(self, *arrays: np.ndarray, seed: int | None = None) -> float:
        options = self.options
        if seed is not None and self.takes_seed:
            options = {**options, "random_state": seed}
        return self.implementation(*arrays, **options)


def prepare(quantity: str, method: str, options: dict, *, resampling: bool = False, **raw):
    """Check the samples and options, resolve ``method``: a :class:`Problem`.

    With ``resampling``, a ``random_state`` that the method does not take is kept aside as
    the seed of the resampling instead of being refused.
    """
    samples = {name: as_samples(value, name) for name, value in raw.items()}
    if quantity == "kl_divergence":
        check_same_dimension(**samples)
        check_comparable_symbols(**samples)
    else:
        check_same_length(**samples)
    name = auto_method(quantity, list(samples.values())) if method == "auto" else method
    chosen = lookup(name, quantity)
    implementation = chosen.implementations[quantity]
    random_state = options.get("random_state")
    accepted = _keyword_options(implementation)
    if resampling and "random_state" not in accepted:
        options.pop("random_state", None)
    _check_options(chosen, accepted, options)
    arrays = tuple(_for_method(array, label, chosen) for label, array in samples.items())
    takes_seed = "random_state" in accepted
    return Problem(quantity, chosen, implementation, arrays, options, random_state, takes_seed)


def _for_method(samples: np.ndarray, name: str, method: Method) -> np.ndarray:
    return as_continuous(samples, name, method.name) if method.data == "continuous" else samples


def _keyword_options(implementation) -> list[str]:
    return [
        p.name
        for p in inspect.signature(implementation).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]


def _check_options(method: Method, accepted: list[str], options: dict) -> None:
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        listed = ", ".join(accepted) if accepted else "none"
        raise TypeError(
            f"method {method.name!r} has no option {unknown[0]!r}; its options: {listed}"
        )
