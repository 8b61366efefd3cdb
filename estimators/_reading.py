"""What each column is: read once, in the input layer, and reported.

Every public entry point reads its samples column by column (:func:`read_sample`) before an
estimator runs, so every family, the selection functions, the tests and the CLI see the same
reading (:func:`estimators.explain` prints it; ``column_kinds`` overrides it). Per column:

==========  ==========================================================  =====================
kind        recognised by                                               estimated as
==========  ==========================================================  =====================
symbols     bool and string columns, objects other than numbers         the discrete family;
            (pandas categoricals of strings), integer columns with at   labels in the k-NN
            most :data:`MAX_SYMBOL_LEVELS` distinct values (one value:  estimators
            a constant symbol, entropy 0)
constant    numbers (not integer codes) with one distinct value         MI 0; entropy: error
continuous  numbers with no repeated value, or only incidental ties     as they are
            (no grid, no value :data:`ATOM_MIN` times)
quantized   numbers with repeated values on a regular grid              the dequantized
            ``a + m delta`` (below); float16/float32 columns with ties  variable ``Q + U``
            off any grid and no atom, on their format's cells; more
            than :data:`MAX_ATOMS` values repeated off any grid, on the
            cells between those values (an irregular quantizer)
atoms       numbers off any grid with 1 to :data:`MAX_ATOMS` values     the atom indicator
            seen at least :data:`ATOM_MIN` times (float16/32: and on    and the continuous
            :data:`ATOM_SHARE` of the rows): zero-inflated, censored,   part, kept apart
            special codes; the rest is the continuous part
==========  ==========================================================  =====================

Numbers held in an object array (a pandas column of mixed dtypes) are numbers; integers are
read exactly, also beyond float64's 2^53 (a continuous method gets them as exact offsets
from the smallest value, :func:`exact_offsets`). Integers beyond int64 (Python integers, or
uint64 values from 2^63) cannot be held as numbers exactly: they are symbols. Bools are
symbols with the numeric values 0 and 1, dithered like integer codes by a continuous method.

**Quantized** values ``Q`` are estimated as ``Q + U``, ``U`` uniform on ``Q``'s cell
(:func:`dequantize`; the uniform dequantization of Uria, Murray & Larochelle 2013 and Theis,
van den Oord & Bethge 2016): ``Q`` is recoverable from ``Q + U``, so
``I(Q1 + U1; Q2 + U2) = I(Q1; Q2)`` exactly, the KL of two samples dithered on the same
cells is the KL of the cells, and ``h(Q + U) = H(Q) + log delta`` per column (Cover &
Thomas 2006, 8.3). The dither is drawn from ``random_state``; the estimates of
``n_dithers`` draws are averaged (:class:`estimators._api.Problem`).

**Atoms** (point masses beside a continuous part) are encoded by :func:`encode` for the
mixed-kind k-NN estimators of :mod:`estimators.knn`: each atom's rows are placed farther
from every other row than any distance within the continuous parts (symbols likewise), so
in the max-norm a row's neighbours are of its own atom or of the continuous part, never
both, and each row carries its stratum (which symbols, which atom).

The grid step ``delta`` (:func:`_grid_step`): the largest candidate — each of the smallest
distinct gaps between sorted values over ``m = 1 .. 12`` — whose grid, anchored at the most
common value, holds at least :data:`ROWS_ON_GRID` of the rows and :data:`VALUES_ON_GRID` of
the distinct values, each within :data:`GRID_TOLERANCE` of a step (or the storage's rounding
error, if larger) of a grid point; then the median step the values on it imply. A stray
value written with more digits (``9.899999`` among two-decimal values) does not make the
grid finer; random continuous values with an atom pass with probability about
``(2 GRID_TOLERANCE)^(0.9 K)`` for ``K`` distinct values (never in 50 seeded tests). Cost:
an untied float column is recognised by a hash of its values in ``O(n)``
(:func:`estimators._kernels.has_repeats`); otherwise one sort, ``O(n log n)``, plus
``O(K)`` per candidate step. Memory ``O(n)``.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from ._inputs import joint_codes, standardized, symbol_codes
from ._kernels import has_repeats

KINDS = ("symbols", "quantized", "atoms", "continuous")
MAX_SYMBOL_LEVELS = 32  # integer columns with more distinct values are numbers, not codes
MAX_ATOMS = 10  # more values repeated off any grid than this: an irregular quantizer
BETWEEN_VALUES = "between values"  # cells of an irregular quantizer: half-way to neighbours
ATOM_MIN = 3  # a number seen this often off any grid is an atom (float64 ties never happen)
ATOM_SHARE = 0.01  # ... and, in a float16/float32 column, on at least this share of the rows
GRID_TOLERANCE = 1e-3  # a value within this many steps of a grid point is on the grid
ROWS_ON_GRID = 0.99  # a grid holds at least this share of the rows ...
VALUES_ON_GRID = 0.9  # ... and of the distinct values
_MAX_DIVISOR = 12  # a candidate step is one of the smallest gaps over at most this
_SMALL_GAPS = 8  # how many of the smallest distinct gaps give candidate steps
_GAP_MERGE = 1e-6  # gaps closer than this (relative) are one gap
_FINEST_STEP = 0.01  # a step below 100 x the values' rounding error is not a grid
_THREADED_FROM = 50_000  # rows from which the columns are read in parallel threads
_NARROW_FLOATS = (np.float16, np.float32)


@dataclass(frozen=True, eq=False)
class ColumnReading:
    """How one column is read: its ``kind`` (one of :data:`KINDS` or ``"constant"``),
    its number of distinct values, and the parameters of that kind."""

    kind: str
    levels: int
    resolution: float | None = None  # grid step: quantized, or numeric symbols on a grid
    cells: str | None = None  # cells other than a regular grid: a float format's name, or
    #                           "between values" (half-way to the neighbouring values)
    values: np.ndarray | None = None  # the distinct values, for cells "between values"
    origin: int | float = 0.0  # integers: the smallest value, exact, subtracted before a
    #                            continuous method sees them (beyond float64's precision)
    atoms: np.ndarray | None = None  # atoms: the atom values, ascending
    atom_share: float = 0.0  # atoms: fraction of rows on an atom
    given: bool = False  # set by the caller rather than read

    def __str__(self) -> str:
        if self.kind == "quantized":
            cell = f"{self.cells} cells" if self.cells else f"step {self.resolution:.6g}"
            return f"quantized ({cell}, {self.levels} levels)"
        if self.kind == "atoms":
            shown = ", ".join(f"{a + 0.0:.6g}" for a in self.atoms[:3])
            more = ", ..." if len(self.atoms) > 3 else ""
            return f"atoms ({shown}{more}: {100 * self.atom_share:.3g} % of rows) + continuous"
        if self.kind == "symbols":
            return f"symbols ({self.levels} level{'s' if self.levels != 1 else ''})"
        return self.kind

    @property
    def numeric(self) -> bool:
        """Whether the values are numbers a continuous method can use."""
        return self.kind != "symbols" or self.resolution is not None

    @property
    def constant(self) -> bool:
        """One value only (a constant number, or a single symbol): no information."""
        return self.kind == "constant" or (self.kind == "symbols" and self.levels == 1)


def read_sample(samples: np.ndarray, name: str, given="auto") -> tuple[ColumnReading, ...]:
    """The reading of each column of a 2-D sample.

    ``given``: ``"auto"`` (read every column), one spec for every column, or a sequence of
    one spec per column; a spec is ``"auto"``, a kind of :data:`KINDS`, or a positive number
    (quantized with that step).
    """
    specs = column_specs(given, samples.shape[1], name)
    labels = [f"{name}[{j}]" if samples.shape[1] > 1 else name for j in range(len(specs))]
    jobs = [(samples[:, j], labels[j], spec) for j, spec in enumerate(specs)]
    if len(samples) < _THREADED_FROM or len(jobs) == 1:
        return tuple(_read(*job) for job in jobs)
    with ThreadPoolExecutor(min(len(jobs), os.cpu_count() or 1)) as pool:
        return tuple(pool.map(lambda job: _read(*job), jobs))


def checked_specs(given, d: int, name: str) -> list:
    """:func:`column_specs`, each spec checked (a kind of :data:`KINDS`, ``"auto"`` or a
    positive resolution): for callers that do not read the columns (a discrete method takes
    every value as a symbol) but must not accept a misspelt ``column_kinds`` silently."""
    specs = column_specs(given, d, name)
    for j, spec in enumerate(specs):
        _check_spec(spec, f"{name}[{j}]" if d > 1 else name)
    return specs


def column_specs(given, d: int, name: str) -> list:
    """``given`` (one spec, or a sequence of one per column) as a list of ``d`` specs."""
    if isinstance(given, (str, Real)) and not isinstance(given, bool):
        return [given] * d
    try:
        specs = list(given)
    except TypeError:
        raise TypeError(
            f"column_kinds for {name} must be 'auto', a kind ({', '.join(KINDS)}), a "
            f"resolution, or one of those per column; got {given!r}"
        ) from None
    if len(specs) != d:
        raise ValueError(
            f"column_kinds for {name} has {len(specs)} entries; {name} has {d} columns"
        )
    return specs


def _read(column: np.ndarray, label: str, spec) -> ColumnReading:
    _check_spec(spec, label)
    storage = _storage(column)
    if spec == "symbols" or (storage == "symbols" and spec == "auto"):
        return _symbols(column, storage)
    values = _as_numbers(column, storage, label, spec)
    if spec in ("auto", "continuous") and storage == "float" and not has_repeats(values):
        return ColumnReading("continuous", len(values), given=spec != "auto")
    distinct, counts = np.unique(values, return_counts=True)
    if spec == "auto":
        return _read_numbers(distinct, counts, storage, column.dtype)
    return _given(spec, distinct, counts, column.dtype, label)


def _check_spec(spec, label: str) -> None:
    if isinstance(spec, bool) or not (isinstance(spec, (str, Real))):
        raise TypeError(f"column kind of {label} must be a string or a number; got {spec!r}")
    if isinstance(spec, str) and spec not in ("auto", *KINDS):
        raise ValueError(
            f"column kind of {label} must be 'auto' or one of {', '.join(map(repr, KINDS))}, "
            f"or a positive resolution; got {spec!r}"
        )
    if isinstance(spec, Real) and not isinstance(spec, str):
        if not (math.isfinite(spec) and spec > 0):
            raise ValueError(f"resolution of {label} must be a finite number > 0; got {spec!r}")


def _storage(column: np.ndarray) -> str:
    """``"symbols"``, ``"integer"`` or ``"float"``: what the values are stored as (object
    columns holding only real numbers are numbers; integers beyond int64 are symbols)."""
    kind = column.dtype.kind
    if kind == "u" and column.size and int(column.max()) > _INT64_MAX:
        return "symbols"
    if kind in "iu":
        return "integer"
    if kind == "f":
        return "float"
    if kind == "O" and all(
        isinstance(v, Real) and not isinstance(v, (bool, np.bool_)) for v in column
    ):
        if any(isinstance(v, Integral) and not -_INT64_MAX - 1 <= v <= _INT64_MAX for v in column):
            return "symbols"
        whole = all(isinstance(v, Integral) or float(v).is_integer() for v in column)
        return "integer" if whole else "float"
    return "symbols"


_INT64_MAX = int(np.iinfo(np.int64).max)


def _symbols(column: np.ndarray, storage: str) -> ColumnReading:
    if column.dtype.kind == "b":  # symbols with the values 0 and 1, on a grid like codes
        distinct, counts = np.unique(column.astype(np.int64), return_counts=True)
        return _symbols_of_numbers(distinct, counts, np.dtype(np.int64))
    if storage == "symbols":
        return ColumnReading("symbols", symbol_codes(column[:, None])[1])
    distinct, counts = np.unique(_exact_numbers(column, storage), return_counts=True)
    return _symbols_of_numbers(distinct, counts, column.dtype)


def _as_numbers(column, storage: str, label: str, spec) -> np.ndarray:
    """The column's numbers: integers as int64 (exact beyond 2^53), others as float64."""
    if storage == "symbols":
        raise TypeError(f"{label} holds symbols ({column.dtype}); it cannot be read as {spec!r}")
    values = _exact_numbers(column, storage)
    if values.dtype.kind == "f" and not np.isfinite(values).all():
        raise ValueError(f"{label} contains NaN or infinite values; remove or impute them first")
    return values


def _exact_numbers(column: np.ndarray, storage: str) -> np.ndarray:
    if storage == "integer":
        try:
            return np.ascontiguousarray(column, dtype=np.int64)
        except OverflowError:  # Python integers beyond int64: as floats
            pass
    return np.ascontiguousarray(column, dtype=np.float64)


def _origin(distinct: np.ndarray) -> int | float:
    """The smallest integer value, as an exact Python int, subtracted before a continuous
    method sees the values (and before dithering): the offsets keep their digits whatever
    the magnitude, beyond float64's 2^53 (0.0 for floats)."""
    return int(distinct[0]) if distinct.dtype.kind in "iu" else 0.0


def numeric_samples(samples: np.ndarray, readings, name: str, method: str) -> np.ndarray:
    """``samples`` (2-D) as float64 numbers for a method that needs them: integer and object
    columns as exact offsets from their reading's origin (:func:`exact_offsets`), floats and
    bools cast; a column of symbols with no numeric values (strings, objects, integers
    beyond int64) refused with a ``TypeError`` naming it."""
    symbols = [j for j, r in enumerate(readings) if not r.numeric]
    if symbols:
        column = f"{name}[{symbols[0]}]" if samples.shape[1] > 1 else name
        raise TypeError(
            f"method {method!r} needs numeric samples; {column} holds symbols with no "
            f"numeric values (dtype {samples.dtype}: strings, objects, or integers beyond "
            "int64). Use a discrete method (e.g. 'plugin') or 'mixed' for symbols"
        )
    if samples.dtype.kind in "iuO":
        return np.column_stack([exact_offsets(samples[:, j], r) for j, r in enumerate(readings)])
    return samples.astype(np.float64, copy=False)


def exact_offsets(column: np.ndarray, reading: ColumnReading) -> np.ndarray:
    """A numeric column as float64 offsets from the reading's origin, subtracted exactly in
    integers (a column of integers beyond 2^53 keeps its differences): every continuous
    estimator is invariant under the shift."""
    values = _exact_numbers(column, _storage(column))
    return (values - reading.origin).astype(np.float64)


def _read_numbers(distinct, counts, storage: str, dtype) -> ColumnReading:
    levels = distinct.size
    if storage == "integer" and levels <= MAX_SYMBOL_LEVELS:
        return _symbols_of_numbers(distinct, counts, dtype)
    if levels == 1:
        return ColumnReading("constant", 1)
    if counts.max() == 1:
        return ColumnReading("continuous", levels, origin=_origin(distinct))
    step = _grid_step(distinct, counts, dtype)
    if step is not None:
        return ColumnReading("quantized", levels, resolution=step, origin=_origin(distinct))
    narrow = dtype.name if dtype.type in _NARROW_FLOATS else None
    atoms = _atom_candidates(counts, narrow is not None)
    if 1 <= atoms.sum() <= MAX_ATOMS:
        share = float(counts[atoms].sum() / counts.sum())
        return ColumnReading("atoms", levels, cells=narrow, atoms=distinct[atoms], atom_share=share)
    if narrow:
        return ColumnReading("quantized", levels, cells=narrow)
    if atoms.any():  # many repeated values off any regular grid: an irregular quantizer
        return ColumnReading("quantized", levels, cells=BETWEEN_VALUES, values=distinct)
    return ColumnReading("continuous", levels)  # ties below ATOM_MIN copies: incidental


def _symbols_of_numbers(distinct, counts, dtype) -> ColumnReading:
    """Numbers read as symbols, with the grid a continuous method dithers them on."""
    step = _grid_step(distinct, counts, dtype) if distinct.size > 1 else 1.0
    return ColumnReading("symbols", distinct.size, resolution=step, origin=_origin(distinct))


def _atom_candidates(counts: np.ndarray, narrow: bool) -> np.ndarray:
    """Values seen at least :data:`ATOM_MIN` times (in a float16/float32 column, where a
    coarse format ties values by chance, also on :data:`ATOM_SHARE` of the rows)."""
    least = ATOM_MIN
    if narrow:
        least = max(least, math.ceil(ATOM_SHARE * counts.sum()))
    return counts >= least


def _given(spec, distinct, counts, dtype, label: str) -> ColumnReading:
    """The reading the caller asked for, checked against the values."""
    levels = distinct.size
    narrow = dtype.name if dtype.type in _NARROW_FLOATS else None
    if spec == "continuous":
        kind = "continuous" if levels > 1 else "constant"
        return ColumnReading(kind, levels, origin=_origin(distinct), given=True)
    if spec == "atoms":  # the atoms auto would see, else every repeated value
        repeated = _atom_candidates(counts, narrow is not None)
        repeated = repeated if repeated.any() else counts >= 2
        if levels == 1 or not repeated.any():
            return ColumnReading("constant" if levels == 1 else "continuous", levels, given=True)
        share = float(counts[repeated].sum() / counts.sum())
        return ColumnReading(
            "atoms", levels, cells=narrow, atoms=distinct[repeated], atom_share=share, given=True
        )
    if levels == 1:
        raise ValueError(f"{label} is constant: it has no resolution to read it as quantized")
    if spec == "quantized":
        return _given_quantized(distinct, counts, dtype, label)
    step = float(spec)
    values, precision = _grid_inputs(distinct, dtype)
    on = _on_grid(values, float(values[np.argmax(counts)]), step, precision)
    if on is None or not _holds(on, counts):
        raise ValueError(
            f"the values of {label} are not on a grid of step {step!r} (smallest gap "
            f"{float(np.diff(values).min()):.6g})"
        )
    return ColumnReading("quantized", levels, resolution=step, origin=_origin(distinct), given=True)


def _given_quantized(distinct, counts, dtype, label: str) -> ColumnReading:
    """``column_kinds="quantized"``: the regular grid; else a float16/32 format's cells;
    else, where values repeat, the cells between values; else an error."""
    levels = distinct.size
    step = _grid_step(distinct, counts, dtype)
    if step is not None:
        return ColumnReading(
            "quantized", levels, resolution=step, origin=_origin(distinct), given=True
        )
    if dtype.type in _NARROW_FLOATS:
        return ColumnReading("quantized", levels, cells=dtype.name, given=True)
    if counts.max() > 1:
        return ColumnReading("quantized", levels, cells=BETWEEN_VALUES, values=distinct, given=True)
    raise ValueError(
        f"no regular grid found in the values of {label} (its {levels} distinct values are "
        "not integer multiples of one step, and none repeats); give the resolution as a "
        "number instead"
    )


def _grid_inputs(distinct: np.ndarray, dtype) -> tuple[np.ndarray, float]:
    """``(values, relative precision)`` for the grid search: integers as exact float offsets
    from the smallest (precision 0), floats as they are with their format's precision
    (float64's for numbers held in an object array)."""
    if distinct.dtype.kind in "iu":
        return (distinct - distinct[0]).astype(np.float64), 0.0
    return distinct, float(np.finfo(dtype if dtype.kind == "f" else np.float64).eps)


def _grid_step(distinct: np.ndarray, counts: np.ndarray, dtype) -> float | None:
    """The step of the regular grid that holds the column's values, or None: the largest
    candidate step (each of the smallest distinct gaps between values, over ``m <= 12``)
    whose grid, anchored at the most common value, holds at least :data:`ROWS_ON_GRID` of
    the rows and :data:`VALUES_ON_GRID` of the distinct values, each within
    :data:`GRID_TOLERANCE` of a step (or the storage's rounding error, if larger) of a grid
    point; refined as the median step the values on it imply. A few values written with more
    digits than the rest (``9.899999`` among two-decimal values) do not make a grid finer.
    """
    values, precision = _grid_inputs(distinct, dtype)
    if values.size < 2:
        return None
    anchor = float(values[np.argmax(counts)])
    for step in _candidate_steps(values, precision):
        on = _on_grid(values, anchor, step, precision)
        if on is not None and _holds(on, counts):
            offsets = values[on] - anchor
            multiples = np.rint(offsets / step)
            away = multiples != 0
            return float(np.median(offsets[away] / multiples[away]))
    return None


def _candidate_steps(distinct: np.ndarray, precision: float) -> list[float]:
    """Candidate grid steps, largest first: the smallest distinct gaps (gaps that differ by
    their own rounding are one), each over ``m = 1 .. 12``."""
    gaps = np.sort(np.diff(distinct))
    gaps = gaps[gaps > _noise(distinct, precision)]
    if gaps.size == 0:
        return []
    distinct_gaps = gaps[np.r_[True, gaps[1:] > gaps[:-1] * (1 + _GAP_MERGE)]][:_SMALL_GAPS]
    steps = {float(g) / m for g in distinct_gaps for m in range(1, _MAX_DIVISOR + 1)}
    return sorted(steps, reverse=True)


def _noise(distinct: np.ndarray, precision: float) -> float:
    """The storage's rounding error at the values' magnitude."""
    return 8 * precision * float(np.abs(distinct).max())


def _on_grid(distinct, anchor: float, step: float, precision: float) -> np.ndarray | None:
    """Which distinct values lie on the grid ``anchor + m step`` (None: a step finer than
    the storage can resolve)."""
    rounding = _noise(distinct, precision) / step
    if rounding > _FINEST_STEP:
        return None
    position = (distinct - anchor) / step
    return np.abs(position - np.rint(position)) <= max(GRID_TOLERANCE, rounding)


def _holds(on: np.ndarray, counts: np.ndarray) -> bool:
    rows = counts[on].sum() >= ROWS_ON_GRID * counts.sum()
    return bool(rows and on.mean() >= VALUES_ON_GRID)


# --- dequantization ---------------------------------------------------------------------------


def needs_dither(readings, *, symbols: bool = False) -> bool:
    """Whether some column is dithered by :func:`dequantize` (``symbols``: numeric symbol
    columns too, as a continuous method needs)."""
    return any(_dithered(r, symbols) for r in readings)


def _dithered(reading: ColumnReading, symbols: bool) -> bool:
    if reading.kind == "atoms":
        return reading.cells is not None  # a float16/32 continuous part, on its format's cells
    if reading.kind == "symbols":
        return symbols and reading.resolution is not None
    return reading.kind == "quantized"


def dequantize(
    samples: np.ndarray, readings, rng: np.random.Generator, *, symbols: bool = False
) -> np.ndarray:
    """``samples`` with every quantized column (and, with ``symbols``, every numeric symbol
    column on a grid) replaced by ``Q + U``, ``U`` uniform on ``Q``'s cell: the regular
    grid's ``(-delta/2, delta/2)`` (after subtracting the reading's origin), half-way to the
    neighbouring values of a float16/32 format, or half-way to the neighbouring distinct
    values of an irregular quantizer. The continuous part of a float16/32 atom column is
    dithered on its format's cells, its atoms kept. Other columns are returned as they are.
    """
    dithered = [j for j, r in enumerate(readings) if _dithered(r, symbols)]
    if not dithered:
        return samples
    out = samples.astype(np.float64) if samples.dtype.kind != "O" else samples.copy()
    for j in dithered:
        out[:, j] = _dithered_column(samples[:, j], readings[j], rng)
    return out


def _dithered_column(column: np.ndarray, reading: ColumnReading, rng) -> np.ndarray:
    uniform = rng.random(len(column))
    if reading.resolution is not None:  # a regular grid
        return exact_offsets(column, reading) + reading.resolution * (uniform - 0.5)
    values = column.astype(np.float64)
    low, high = _cell_bounds(column, reading)
    dithered = low + (high - low) * uniform
    if reading.kind == "atoms":
        return np.where(np.isin(values, reading.atoms), values, dithered)
    return dithered


def _cell_bounds(column: np.ndarray, reading: ColumnReading) -> tuple[np.ndarray, np.ndarray]:
    """Each value's cell other than a regular grid's: half-way to the neighbouring numbers
    of its float format, or to the neighbouring distinct values (the outermost cells as wide
    on both sides)."""
    if reading.cells != BETWEEN_VALUES:
        stored = column.astype(reading.cells)
        neighbours = [
            np.nextafter(stored, np.asarray(side, stored.dtype)) for side in (-np.inf, np.inf)
        ]
        values = stored.astype(np.float64)
        below, above = (np.where(np.isfinite(n), n, stored).astype(np.float64) for n in neighbours)
        return (values + below) / 2, (values + above) / 2
    levels = reading.values.astype(np.float64)
    edges = (levels[1:] + levels[:-1]) / 2
    edges = np.concatenate(([2 * levels[0] - edges[0]], edges, [2 * levels[-1] - edges[-1]]))
    at = np.searchsorted(levels, column.astype(np.float64))
    return edges[at], edges[at + 1]


# --- encoding for the mixed-kind k-NN estimators ------------------------------------------------


def is_labelled(readings) -> bool:
    """Whether some column is symbols or has atoms (the mixed-kind route's business)."""
    return any(r.kind in ("symbols", "atoms") for r in readings)


def encode(blocks: list[np.ndarray], readings: list[tuple[ColumnReading, ...]]):
    """Float coordinates for the mixed-kind k-NN estimators, and each row's stratum.

    Continuous columns (quantized ones already dithered) are divided by their standard
    deviation; a symbol column becomes its codes times a spacing larger than any distance
    within the continuous columns, and an atom column keeps its continuous part (scaled) and
    puts each atom at its own far position. So in the max-norm a row's neighbours, up to
    that spacing, share its symbols and its atoms. Returns ``(encoded blocks, strata)``:
    ``strata`` codes the joint label of every row (symbols and which atom, if any), or None
    where no column is labelled. Cost ``O(n d log n)``, memory ``O(n d)``.
    """
    columns = [
        (b, j, block[:, j], readings[b][j])
        for b, block in enumerate(blocks)
        for j in range(block.shape[1])
    ]
    labels = {(b, j): column_labels(values, r) for b, j, values, r in columns}
    scaled = {(b, j): _scaled_part(values, r, labels[b, j]) for b, j, values, r in columns}
    spacing = apart_spacing(v[m] for v, m in scaled.values() if m.any())
    encoded = [np.empty((len(block), block.shape[1])) for block in blocks]
    for b, j, _, reading in columns:
        encoded[b][:, j] = _encoded_column(reading, labels[b, j], scaled[b, j], spacing)
    return encoded, joint_labels(labels.values())


def apart_spacing(continuous) -> float:
    """A spacing larger than any max-norm distance within the ``continuous`` arrays
    (``2 max ptp + 1``): labels that many units apart are never each other's neighbours
    before the rows of their own label."""
    return 2 * max((float(np.ptp(part)) for part in continuous), default=0.0) + 1


def joint_labels(labels) -> np.ndarray | None:
    """Codes of the joint label of several columns' labels (None entries skipped), or
    None where no column is labelled."""
    coded = [(label, int(label.max()) + 1) for label in labels if label is not None]
    return joint_codes(*coded)[0] if coded else None


def column_labels(column: np.ndarray, reading: ColumnReading) -> np.ndarray | None:
    """A column's label per row: its symbol code, which atom it is on (``1 ..``; 0 on the
    continuous part), or None for a column without symbols or atoms."""
    if reading.kind == "symbols":
        return symbol_codes(column[:, None])[0]
    if reading.kind == "atoms":
        values = column.astype(np.float64)
        on_atom = np.isin(values, reading.atoms)
        return np.where(on_atom, np.searchsorted(reading.atoms, values) + 1, 0)
    return None


def _scaled_part(values: np.ndarray, reading: ColumnReading, label):
    """``(scaled values, mask of the continuous rows)`` of one column."""
    if reading.kind == "symbols":
        return np.zeros(len(values)), np.zeros(len(values), dtype=bool)
    continuous = np.ones(len(values), dtype=bool) if label is None else label == 0
    return standardized(values.astype(np.float64)[:, None], continuous)[:, 0], continuous


def _encoded_column(reading: ColumnReading, label, scaled, spacing: float) -> np.ndarray:
    """One column's coordinate (see :func:`encode`)."""
    numbers, continuous = scaled
    if reading.kind == "symbols":
        return label * spacing
    if label is None:
        return numbers
    top = float(numbers[continuous].max()) if continuous.any() else 0.0
    return np.where(continuous, numbers, top + label * spacing)
