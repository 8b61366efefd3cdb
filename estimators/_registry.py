"""The registry of estimation methods: names, the quantities each estimates, the data it takes.

Each family module registers its methods when it is imported; the public functions look a
method up by name and quantity. An implementation receives checked 2-D numpy arrays (float64
for continuous methods, the raw symbols for discrete ones) and its options, and returns nats.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

QUANTITIES = ("entropy", "mutual_information", "conditional_mutual_information", "kl_divergence")


@dataclass(frozen=True)
class Method:
    """One registered method: its implementations by quantity, and its kind of data."""

    name: str
    family: str
    data: str  # "discrete" (symbols), "continuous" (float measurements) or "any"
    implementations: dict[str, Callable[..., float]] = field(default_factory=dict)


_METHODS: dict[str, Method] = {}


def register(name: str, family: str, data: str, **implementations: Callable[..., float]) -> None:
    """Register method ``name`` with one implementation per quantity it estimates."""
    unknown = set(implementations) - set(QUANTITIES)
    if unknown or data not in ("discrete", "continuous", "any"):
        raise ValueError(f"bad registration of {name!r}: {sorted(unknown)}, data={data!r}")
    _METHODS[name] = Method(name, family, data, dict(implementations))


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
