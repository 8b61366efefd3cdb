"""The one input layer every estimator family uses: samples in, checked 2-D arrays out.

Public functions call :func:`as_samples` once per argument, then :func:`check_same_length`;
continuous methods get float64 numbers from :func:`estimators._reading.numeric_samples`.
Discrete methods turn rows into integer symbol codes with :func:`symbol_codes` (and combine
variables with :func:`joint_codes`), so counting is ``np.bincount`` on codes, never a
Python loop over samples.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np

from exact._backend import is_tensor

_DISCRETE_KINDS = "biuOSU"  # bool, ints, objects and strings: symbols, not measurements


def as_samples(x, name: str) -> np.ndarray:
    """``x`` (array-like, pandas, torch) as a 2-D numpy array of shape ``(n, d)``.

    A 1-D input is one variable: shape ``(n,)`` becomes ``(n, 1)``. Raises ``ValueError`` for
    an empty input, more than two dimensions, rows of different lengths (a ragged list, which
    numpy would refuse without naming the argument), NaN/inf and missing values (None, NaN
    or ``pd.NA`` in object columns, e.g. a pandas categorical with a missing value);
    ``TypeError`` for complex numbers.
    """
    if is_tensor(x):
        x = x.detach().cpu().numpy()
    try:
        array = np.asarray(x.to_numpy() if hasattr(x, "to_numpy") else x)
    except ValueError:  # numpy's "inhomogeneous shape": rows of different lengths
        raise ValueError(
            f"{name} must be a rectangular array of shape (n_samples,) or (n_samples, "
            "n_features); its rows have different lengths (a ragged list?)"
        ) from None
    if array.ndim == 0 or array.ndim > 2:
        raise ValueError(
            f"{name} must have shape (n_samples,) or (n_samples, n_features); "
            f"got shape {array.shape}"
        )
    if array.dtype.kind == "c":
        raise TypeError(f"{name} must be real; got dtype {array.dtype}")
    array = array.reshape(-1, 1) if array.ndim == 1 else array
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {array.shape})")
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise ValueError(
            f"{name} contains NaN or infinite values ({int((~np.isfinite(array)).sum())} of "
            f"{array.size}); remove or impute them first"
        )
    if array.dtype.kind == "O":
        missing = sum(1 for v in array.flat if _is_missing(v))
        if missing:
            raise ValueError(
                f"{name} contains missing values (None or NaN: {missing} of {array.size}); "
                "remove or impute them first"
            )
    return array


def _is_missing(value) -> bool:
    """None, a non-finite number, or pandas' missing-value markers (``pd.NA``, ``pd.NaT``:
    recognised by type name, so pandas is not imported)."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(value, Real) and not math.isfinite(float(value))


def is_discrete(samples: np.ndarray) -> bool:
    """True for symbols (bool, integer, string or object dtype); floats are measurements."""
    return samples.dtype.kind in _DISCRETE_KINDS


def check_comparable_symbols(**samples: np.ndarray) -> None:
    """Samples compared symbol by symbol must be all numbers or all strings/objects: numpy
    would otherwise turn ``1`` into ``"1"`` and merge symbols silently."""
    textual = {name: array.dtype.kind in "OSU" for name, array in samples.items()}
    if len(set(textual.values())) > 1:
        kinds = ", ".join(
            f"{name} holds {'strings/objects' if t else 'numbers'}" for name, t in textual.items()
        )
        raise TypeError(f"samples must hold the same kind of symbols; {kinds}")


def check_same_length(**samples: np.ndarray) -> int:
    """All samples have the same number of rows; returns it."""
    lengths = {name: array.shape[0] for name, array in samples.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(f"samples must have the same number of rows (paired draws); {listed}")
    return next(iter(lengths.values()))


def check_same_dimension(**samples: np.ndarray) -> None:
    """All samples have the same number of columns (draws of one random vector)."""
    widths = {name: array.shape[1] for name, array in samples.items()}
    if len(set(widths.values())) > 1:
        listed = ", ".join(f"{name} has {d}" for name, d in widths.items())
        raise ValueError(f"samples must have the same number of columns; {listed}")


def check_min_samples(samples: np.ndarray, name: str, minimum: int, method: str) -> None:
    """At least ``minimum`` rows, as ``method`` needs."""
    if samples.shape[0] < minimum:
        raise ValueError(
            f"method {method!r} needs at least {minimum} samples; {name} has {samples.shape[0]}"
        )


def check_no_constant_column(samples: np.ndarray, name: str, why: str) -> None:
    """Refuse a column whose samples are all equal, saying ``why`` the method cannot use it."""
    constant = np.flatnonzero(np.ptp(samples, axis=0) == 0)
    if constant.size:
        raise ValueError(f"{name} has a constant column ({int(constant[0])}): {why}")


def column_scales(x: np.ndarray) -> np.ndarray:
    """Per column of ``x`` ``(n, d)``, its largest magnitude rounded down to a power of two
    (1 for a column of zeros): dividing by it is exact in floating point and brings a column
    of magnitude 1e-300 .. 1e300 to magnitudes in ``[1, 2)``, where sums of squares neither
    overflow nor lose their digits to underflow. The moment-based estimators (Gaussian, KDE,
    the neural critics' inputs) work on ``x / column_scales(x)`` and add back
    ``sum(log scales)`` where the quantity depends on scale (entropy). Cost ``O(n d)``."""
    magnitude = np.abs(x).max(axis=0) if len(x) else np.zeros(x.shape[1])
    _, exponent = np.frexp(magnitude)  # magnitude = m 2^exponent, 0.5 <= m < 1
    return np.where(magnitude > 0, np.ldexp(1.0, exponent - 1), 1.0)


def standardized(x: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """Each column of ``x`` ``(n, d)`` divided by its standard deviation (over ``rows``, a
    boolean mask, when given); a constant column is left as it is. A column whose magnitude
    lies beyond ``1e150`` or below ``1e-150``, where its squares would overflow or lose their
    digits, is first divided by its largest magnitude: so the result is the same from
    ``1e-300`` to ``1e300``. Cost ``O(n d)``."""
    part = x if rows is None else x[rows]
    magnitude = np.abs(part).max(axis=0) if len(part) else np.zeros(x.shape[1])
    extreme = (magnitude > _LARGEST_PLAIN) | ((magnitude < 1 / _LARGEST_PLAIN) & (magnitude > 0))
    if extreme.any():
        divisor = np.where(extreme, magnitude, 1.0)
        x, part = x / divisor, part / divisor
    # a reduction along contiguous rows of x^T: ~25x faster than x.std(axis=0) on tall arrays
    scale = np.ascontiguousarray(part.T).std(axis=1) if len(part) else np.zeros(x.shape[1])
    return x / np.where(scale > 0, scale, 1.0)


_LARGEST_PLAIN = 1e150  # |x| up to this squares without overflow (and its inverse, underflow)


def check_flag(value, name: str) -> None:
    """A boolean option."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"option {name} must be True or False; got {value!r}")


def check_pseudocount(value) -> float:
    """A pseudocount: a finite real number >= 0, returned as a float."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        raise TypeError(f"pseudocount must be a number >= 0; got {value!r}")
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"pseudocount must be a finite number >= 0; got {value!r}")
    return float(value)


def symbol_codes(samples: np.ndarray) -> tuple[np.ndarray, int]:
    """Integer codes ``0 .. K-1`` of the distinct rows of ``samples``, and ``K``.

    Each column is coded on its own (integers in a range of at most a few times ``n`` by
    ``np.bincount`` in ``O(n)``, anything else by ``np.unique`` in ``O(n log n)``); several
    columns are then combined by :func:`joint_codes`. Memory ``O(n)``.
    """
    coded = [_column_codes(column) for column in samples.T]
    return coded[0] if len(coded) == 1 else joint_codes(*coded)


def joint_codes(*coded: tuple[np.ndarray, int]) -> tuple[np.ndarray, int]:
    """Codes of the joint symbol of several coded variables ``(codes, K)``, and its ``K``.

    Only occupied combinations get a code (sparse: never a dense table of all combinations).
    The codes are combined in mixed radix while the product of cardinalities fits in int64,
    then compacted.
    """
    combined, size = coded[0][0].astype(np.int64), coded[0][1]
    for codes, cardinality in coded[1:]:
        if size * cardinality >= 2**62:  # compact before the radix would overflow
            combined, size = _compact(combined, size)
        combined, size = combined * cardinality + codes, size * cardinality
    return _compact(combined, size)


def _column_codes(column: np.ndarray) -> tuple[np.ndarray, int]:
    if column.dtype.kind in "biu" and column.size:
        low = int(column.min())
        span = int(column.max()) - low + 1
        if span <= _dense_limit(column.size):
            # offsets in the column's own dtype: uint64 values from 2^63 do not fit int64
            offsets = column - column.min() if column.dtype.kind == "u" else column
            shifted = offsets.astype(np.int64) - (0 if column.dtype.kind == "u" else low)
            return _compact(shifted, span)
    try:
        unique, inverse = np.unique(column, return_inverse=True)
    except TypeError:  # symbols of several types (strings beside numbers): no common order
        return _factorized(column)
    return inverse.reshape(-1), unique.size


def _factorized(column: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes of objects that cannot be sorted together, ordered by type name then value's
    ``repr`` (deterministic); ``1`` and ``"1"`` stay two symbols. ``O(n)`` hashing."""
    values = column.tolist()
    distinct = sorted(set(values), key=lambda v: (type(v).__name__, repr(v)))
    code = {value: i for i, value in enumerate(distinct)}
    return np.array([code[v] for v in values], dtype=np.int64), len(distinct)


def _compact(codes: np.ndarray, size: int) -> tuple[np.ndarray, int]:
    """Renumber codes in ``[0, size)`` to ``0 .. K-1`` over the occupied ones, keeping order."""
    if size <= _dense_limit(codes.size):
        occupied = np.bincount(codes, minlength=size) > 0
        renumber = np.cumsum(occupied) - 1
        return renumber[codes], int(renumber[-1]) + 1
    unique, inverse = np.unique(codes, return_inverse=True)
    return inverse.reshape(-1), unique.size


def _dense_limit(n: int) -> int:
    """Largest code range coded through a dense ``bincount`` table (``O(n)`` memory)."""
    return max(4 * n, 1 << 16)
