"""The registry of estimation methods: names, the quantities each estimates, the data it takes,
the options of each implementation and the analytic standard errors a family knows.

Each family module registers its methods when it is imported; the public functions look a
method up by name and quantity. An implementation receives checked 2-D numpy arrays (float64
for continuous methods, the raw symbols for discrete ones) and its options, and returns nats.
Its options are its keyword-only parameters, read once at registration.

A family may declare, per quantity, an analytic standard error: ``fn(problem) -> (value,
stderr, scheme, diagnostics)``, value and stderr in nats, ``scheme`` the name reported as
``Estimate.uncertainty``, from the public attributes of :class:`estimators._api.Problem`
(``arrays``, ``options``, ``run``, ``dequantized``, ``random_state``, ``dithered``,
``method``, ``quantity``). ``uncertainty="auto"`` uses it in place of resampling
(:mod:`estimators.uncertainty`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

QUANTITIES = ("entropy", "mutual_information", "conditional_mutual_information", "kl_divergence")

#: ``fn(problem) -> (value_nats, stderr_nats, scheme_name, diagnostics_dict)``
StandardError = Callable[..., tuple[float, float, str, dict]]


@dataclass(frozen=True)
class Method:
    """One registered method: its implementations by quantity, its kind of data, and the
    analytic standard errors its family declares (by quantity)."""

    name: str
    family: str
    data: str  # "discrete" (symbols), "continuous" (float measurements) or "any"
    implementations: dict[str, Callable[..., float]] = field(default_factory=dict)
    standard_errors: dict[str, StandardError] = field(default_factory=dict)
    route: str = ""  # how a combined method makes its estimate, in one line ("": one estimator)
    _options: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _readings: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        declared = {q: keyword_options(f) for q, f in self.implementations.items()}
        object.__setattr__(self, "_options", declared)
        readings = {q for q, f in self.implementations.items() if "readings" in _parameters(f)}
        object.__setattr__(self, "_readings", frozenset(readings))

    def options(self, quantity: str) -> tuple[str, ...]:
        """The options the implementation of ``quantity`` takes (its keyword-only parameters,
        in order), read once when the method was made. Every method also accepts
        ``random_state``, ``column_kinds`` and ``n_dithers`` (:func:`estimators._api.prepare`)."""
        return self._options[quantity]

    def takes_readings(self, quantity: str) -> bool:
        """Whether the implementation of ``quantity`` takes the column readings
        (``readings=``, passed by :func:`estimators._api.prepare`, not a user option)."""
        return quantity in self._readings

    def standard_error(self, quantity: str) -> StandardError | None:
        """The analytic standard error the family declared for ``quantity``, or ``None``."""
        return self.standard_errors.get(quantity)


_METHODS: dict[str, Method] = {}


def register(
    name: str,
    family: str,
    data: str,
    *,
    standard_errors: dict[str, StandardError] | None = None,
    route: str = "",
    **implementations: Callable[..., float],
) -> None:
    """Register method ``name`` with one implementation per quantity it estimates, and
    optionally ``standard_errors={quantity: fn}`` for quantities it implements and ``route``,
    one line saying how a method that combines estimators makes its estimate."""
    standard_errors = dict(standard_errors or {})
    unknown = set(implementations) - set(QUANTITIES)
    unknown |= set(standard_errors) - set(implementations)
    if unknown or data not in ("discrete", "continuous", "any"):
        raise ValueError(f"bad registration of {name!r}: {sorted(unknown)}, data={data!r}")
    _METHODS[name] = Method(name, family, data, dict(implementations), standard_errors, route)


def keyword_options(implementation: Callable[..., float]) -> tuple[str, ...]:
    """The keyword-only parameters of ``implementation``, in order, except ``readings`` (the
    column readings the API hands to the implementations that take them)."""
    return tuple(
        p.name
        for p in _parameters(implementation).values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name != "readings"
    )


def _parameters(implementation: Callable[..., float]):
    return inspect.signature(implementation).parameters


def methods_for(quantity: str) -> list[str]:
    """The names of the registered methods that estimate ``quantity``, sorted."""
    return sorted(name for name, m in _METHODS.items() if quantity in m.implementations)


def lookup(name: str, quantity: str) -> Method:
    """The method called ``name``; ``ValueError`` listing the valid names otherwise."""
    if not isinstance(name, str):
        raise TypeError(f"method must be a string; got {type(name).__name__}")
    method = _METHODS.get(name)
    if method is None or quantity not in method.implementations:
        what = "unknown method" if method is None else f"method {name!r} cannot estimate"
        subject = f" {name!r}" if method is None else f" {quantity}"
        raise ValueError(
            f"{what}{subject}; methods for {quantity}: "
            + ", ".join(repr(m) for m in ["auto", *methods_for(quantity)])
        )
    return method
