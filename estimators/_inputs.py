"""The one input layer every estimator family uses: samples in, checked 2-D arrays out.

Public functions call :func:`as_samples` once per argument, then :func:`check_same_length`;
continuous methods also call :func:`as_continuous`. Discrete methods turn rows into integer
symbol codes with :func:`symbol_codes` (and combine variables with :func:`joint_codes`), so
counting is ``np.bincount`` on codes, never a Python loop over samples.
"""

from __future__ import annotations

import numpy as np

from exact._backend import is_tensor

_DISCRETE_KINDS = "biuOSU"  # bool, ints, objects and strings: symbols, not measurements


def as_samples(x, name: str) -> np.ndarray:
    """``x`` (array-like, pandas, torch) as a 2-D numpy array of shape ``(n, d)``.

    A 1-D input is one variable: shape ``(n,)`` becomes ``(n, 1)``. Raises ``ValueError`` for
    an empty input or more than two dimensions, ``TypeError`` for complex numbers.
    """
    if is_tensor(x):
        x = x.detach().cpu().numpy()
    array = np.asarray(x.to_numpy() if hasattr(x, "to_numpy") else x)
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
    return array


def is_discrete(samples: np.ndarray) -> bool:
    """True for symbols (bool, integer, string or object dtype); floats are measurements."""
    return samples.dtype.kind in _DISCRETE_KINDS


def as_continuous(samples: np.ndarray, name: str, method: str) -> np.ndarray:
    """Samples for a continuous estimator: float64 (bool and integer columns are cast)."""
    if samples.dtype.kind in "OSU":
        raise TypeError(
            f"method {method!r} needs numeric samples; {name} has dtype {samples.dtype}. "
            "Use a discrete method (e.g. 'plugin') for symbols"
        )
    return samples.astype(np.float64, copy=False)


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


def symbol_codes(samples: np.ndarray) -> tuple[np.ndarray, int]:
    """Integer codes ``0 .. K-1`` of the distinct rows of ``samples``, and ``K``.

    Each column is coded by ``np.unique(..., return_inverse=True)``; several columns are then
    combined by :func:`joint_codes`. Cost ``O(n log n)`` per column, memory ``O(n)``.
    """
    columns = [np.unique(column, return_inverse=True)[1].reshape(-1) for column in samples.T]
    if len(columns) == 1:
        codes = columns[0]
        return codes, int(codes.max()) + 1
    return joint_codes(*((c, int(c.max()) + 1) for c in columns))


def joint_codes(*coded: tuple[np.ndarray, int]) -> tuple[np.ndarray, int]:
    """Codes of the joint symbol of several coded variables ``(codes, K)``, and its ``K``.

    Only occupied combinations get a code (sparse: never a dense table of all combinations).
    The codes are combined in mixed radix while the product of cardinalities fits in int64,
    then compacted with ``np.unique``.
    """
    combined, size = coded[0][0].astype(np.int64), coded[0][1]
    for codes, cardinality in coded[1:]:
        if size * cardinality >= 2**62:  # compact before the radix would overflow
            combined, size = _compact(combined)
        combined, size = combined * cardinality + codes, size * cardinality
    return _compact(combined)


def _compact(codes: np.ndarray) -> tuple[np.ndarray, int]:
    unique, inverse = np.unique(codes, return_inverse=True)
    return inverse.reshape(-1), unique.size
