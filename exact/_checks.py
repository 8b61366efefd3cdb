"""Validation at the public boundary and the conversion of units.

Every public function of :mod:`exact` (and, later, of :mod:`estimators`) checks its inputs here,
once, and gets a clear ``ValueError``/``TypeError`` naming the argument, what was found and what
was expected. The formulas themselves trust their inputs.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any


def check_base(base: Any) -> float:
    """Return ``log(base)``, the divisor that turns nats into units of ``base``.

    ``base`` must be a finite real number, positive and not 1 (``math.e`` gives nats, 2 bits).
    """
    if isinstance(base, bool) or not isinstance(base, Real):
        raise TypeError(f"base must be a real number such as math.e or 2; got {base!r}")
    if not math.isfinite(base) or base <= 0 or base == 1:
        raise ValueError(f"base must be a finite positive number other than 1; got {base!r}")
    return math.log(base)


def in_base(nats, base: float):
    """Convert a value in nats into units of ``base`` (unchanged for base e)."""
    log_base = check_base(base)
    return nats if base == math.e else nats / log_base


def sum_tolerance(ops, a) -> float:
    """Tolerance on ``|sum(p) - 1|``: ``max(1e-6, sqrt(eps))`` of the dtype.

    That is 1e-6 for float64, about 3.5e-4 for float32 and 0.03 for float16: loose enough for
    a normalised vector rounded to its dtype, tight enough to refuse a table that is not one.
    """
    return max(1e-6, math.sqrt(ops.eps(a)))


def _first(values) -> float:
    first = values.reshape(-1)[0]
    return float(first.detach() if hasattr(first, "detach") else first)


def check_finite(ops, a, name: str) -> None:
    """Refuse NaN and infinite entries."""
    finite = ops.isfinite(a)
    if not bool(finite.all()):
        bad = _first(a[~finite])
        raise ValueError(f"{name} contains {bad}; all entries must be finite numbers")


def check_probabilities(ops, a, name: str) -> None:
    """Entries in [0, 1] (up to :func:`sum_tolerance` above 1), finite."""
    check_non_negative(ops, a, name)
    if bool((a > 1 + sum_tolerance(ops, a)).any()):
        raise ValueError(
            f"{name} has an entry above 1 ({_first(a[a > 1]):.6g}); probabilities must be <= 1"
        )


def check_non_negative(ops, a, name: str) -> None:
    """Finite entries, none negative."""
    check_finite(ops, a, name)
    if bool((a < 0).any()):
        raise ValueError(
            f"{name} has a negative entry ({_first(a[a < 0]):.6g}); probabilities must be >= 0"
        )


def check_pmf(ops, p, name: str, axis=-1) -> None:
    """``p`` holds probability mass functions along ``axis``: entries >= 0 that sum to 1.

    The sum must be within :func:`sum_tolerance` of 1; the message gives the offending sum,
    and how many of the batched distributions fail.
    """
    if p.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension (the outcomes); got a scalar")
    axes = normalize_axes(axis, p.ndim)
    if any(p.shape[ax] == 0 for ax in axes):
        raise ValueError(f"{name} has no outcomes along axis {axis} (shape {tuple(p.shape)})")
    totals = p.sum(axis=axes)
    if not bool(ops.isfinite(totals).all()):  # one pass finds NaN and inf anywhere in p
        check_finite(ops, p, name)
    if bool((p < 0).any()):
        check_non_negative(ops, p, name)
    tol = sum_tolerance(ops, p)
    bad = abs(totals - 1) > tol
    if bool(bad.any()):
        count, total = int(bad.sum()), _size(bad)
        where = "" if total == 1 else f" ({count} of {total} distributions along axis {axis} fail)"
        raise ValueError(
            f"{name} does not sum to 1: sum = {_first(totals[bad]):.10g}, expected 1 within "
            f"{tol:.2g}{where}"
        )


def check_marginal(ops, given, derived, name: str, what: str):
    """An explicit marginal must equal the one derived from the joint, within the sum tolerance.

    Returns the marginal to use (the derived one, with the joint's exact numbers). NaN or
    infinite entries are refused first: a comparison with NaN is never true, so they would
    otherwise pass as equal to any marginal.
    """
    given = ops.as_float(given, name)
    check_finite(ops, given, name)
    if _size(given) != _size(derived):
        raise ValueError(
            f"{name} has {_size(given)} entries but {what} has {_size(derived)} "
            f"(shape {tuple(derived.shape)})"
        )
    tol = sum_tolerance(ops, derived)
    if bool((abs(given.reshape(derived.shape) - derived) > tol).any()):
        raise ValueError(
            f"{name} is not {what}: given {_fmt(given)}, the joint gives {_fmt(derived)} "
            f"(tolerance {tol:.2g}); omit {name} to use the joint's own marginal"
        )
    return derived


def _size(a) -> int:
    return int(a.numel()) if hasattr(a, "numel") else int(a.size)


def _fmt(a) -> str:
    flat = [_first(v) for v in a.reshape(-1)[:6]]
    more = ", ..." if _size(a) > 6 else ""
    return "[" + ", ".join(f"{v:.6g}" for v in flat) + more + "]"


def normalize_axes(axis, ndim: int) -> tuple[int, ...]:
    """``axis`` (an int, a tuple of ints, or None for all) as a tuple of non-negative ints."""
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    for ax in axes:
        if isinstance(ax, bool) or not isinstance(ax, int):
            raise TypeError(f"axis must be an int, a tuple of ints or None; got {axis!r}")
        if not -ndim <= ax < ndim:
            raise ValueError(f"axis {ax} is out of range for an array of {ndim} dimensions")
    return tuple(sorted(ax % ndim for ax in axes))
