"""What each column is: read once, in the input layer, and reported.

Every public entry point reads its samples column by column (:func:`read_sample`) before an
estimator runs, so every family, the selection functions, the tests and the CLI see the same
reading (:func:`estimators.explain` prints it; ``column_kinds`` overrides it). Per column:

==========  ==========================================================  =====================
kind        recognised by                                               estimated as
==========  ==========================================================  =====================
symbols     bool, string, object and categorical columns; integer       the discrete family;
            columns with at most :data:`MAX_SYMBOL_LEVELS` distinct     labels in the k-NN
            values                                                      estimators
constant    numbers with one distinct value                             MI 0; entropy: error
continuous  numbers with no value repeated, or ties that are neither    as they are
            on a grid nor atoms (incidental)
quantized   numbers with repeated values on a regular grid              the dequantized
            ``a + m delta`` (below); float16/float32 columns with       variable ``Q + U``
            ties, no grid and no atom: on the cells of their format
atoms       numbers with repeated values off any grid: the values seen  the atom indicator
            at least :data:`ATOM_MIN` times and on at least             and the continuous
            :data:`ATOM_SHARE` of the rows (zero-inflated, censored),   part, kept apart
            the rest the continuous part
==========  ==========================================================  =====================

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
from numbers import Real

import numpy as np

from ._inputs import joint_codes, standardized, symbol_codes
from ._kernels import has_repeats

KINDS = ("symbols", "quantized", "atoms", "continuous")
MAX_SYMBOL_LEVELS = 32  # integer columns with more distinct values are numbers, not codes
ATOM_MIN = 3  # a number seen this often off any grid is an atom (float64 ties never happen)
ATOM_SHARE = 0.01  # ... and holds at least this share of the rows
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
    cells: str | None = None  # quantized on a floating-point format's cells: its name
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
            return f"atoms ({shown}{more}: {self.atom_share:.0%} of rows) + continuous"
        if self.kind == "symbols":
            return f"symbols ({self.levels} levels)"
        return self.kind

    @property
    def numeric(self) -> bool:
        """Whether the values are numbers a continuous method can use."""
        return self.kind != "symbols" or self.resolution is not None


def read_sample(samples: np.ndarray, name: str, given="auto") -> tuple[ColumnReading, ...]:
    """The reading of each column of a 2-D sample.

    ``given``: ``"auto"`` (read every column), one spec for every column, or a sequence of
    one spec per column; a spec is ``"auto"``, a kind of :data:`KINDS`, or a positive number
    (quantized with that step).
    """
    specs = _column_specs(given, samples.shape[1], name)
    labels = [f"{name}[{j}]" if samples.shape[1] > 1 else name for j in range(len(specs))]
    jobs = [(samples[:, j], labels[j], spec) for j, spec in enumerate(specs)]
    if len(samples) < _THREADED_FROM or len(jobs) == 1:
        return tuple(_read(*job) for job in jobs)
    with ThreadPoolExecutor(min(len(jobs), os.cpu_count() or 1)) as pool:
        return tuple(pool.map(lambda job: _read(*job), jobs))


def _column_specs(given, d: int, name: str) -> list:
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
    precision = _precision(column)
    if spec == "auto":
        return _read_numbers(distinct, counts, storage, column.dtype, precision)
    return _given(spec, distinct, counts, precision, label)


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
    columns holding only real numbers are numbers)."""
    kind = column.dtype.kind
    if kind in "iu":
        return "integer"
    if kind == "f":
        return "float"
    if kind == "O" and all(
        isinstance(v, Real) and not isinstance(v, (bool, np.bool_)) for v in column
    ):
        return "integer" if all(float(v).is_integer() for v in column) else "float"
    return "symbols"


def _symbols(column: np.ndarray, storage: str) -> ColumnReading:
    if storage == "symbols":
        return ColumnReading("symbols", symbol_codes(column[:, None])[1])
    distinct, counts = np.unique(column.astype(np.float64), return_counts=True)
    step = _grid_step(distinct, counts, _precision(column)) if distinct.size > 1 else 1.0
    return ColumnReading("symbols", distinct.size, resolution=step)


def _as_numbers(column, storage: str, label: str, spec) -> np.ndarray:
    if storage == "symbols":
        raise TypeError(f"{label} holds symbols ({column.dtype}); it cannot be read as {spec!r}")
    return np.ascontiguousarray(column, dtype=np.float64)


def _read_numbers(distinct, counts, storage: str, dtype, precision: float) -> ColumnReading:
    levels = distinct.size
    if storage == "integer" and levels <= MAX_SYMBOL_LEVELS:
        step = _grid_step(distinct, counts, 0.0) or 1.0
        return ColumnReading("symbols", levels, resolution=step)
    if levels == 1:
        return ColumnReading("constant", 1)
    if counts.max() == 1:
        return ColumnReading("continuous", levels)
    step = _grid_step(distinct, counts, precision)
    if step is not None:
        return ColumnReading("quantized", levels, resolution=step)
    atoms = _atoms(counts)
    if atoms.any():
        return _atoms_reading(distinct, counts, atoms)
    if dtype.type in _NARROW_FLOATS:
        return ColumnReading("quantized", levels, cells=dtype.name)
    return ColumnReading("continuous", levels)  # ties below ATOM_MIN copies: incidental


def _atoms(counts: np.ndarray) -> np.ndarray:
    """Which distinct values are atoms: seen at least :data:`ATOM_MIN` times and on at
    least :data:`ATOM_SHARE` of the rows (values tied less often, as coarse float formats
    tie, are incidental ties of a continuous variable)."""
    return counts >= max(ATOM_MIN, math.ceil(ATOM_SHARE * counts.sum()))


def _atoms_reading(distinct, counts, atoms) -> ColumnReading:
    share = float(counts[atoms].sum() / counts.sum())
    return ColumnReading("atoms", distinct.size, atoms=distinct[atoms], atom_share=share)


def _given(spec, distinct, counts, precision: float, label: str) -> ColumnReading:
    """The reading the caller asked for, checked against the values."""
    levels = distinct.size
    if spec == "continuous":
        return ColumnReading("continuous" if levels > 1 else "constant", levels, given=True)
    if spec == "atoms":
        repeated = counts >= 2
        if levels == 1 or not repeated.any():
            return ColumnReading("constant" if levels == 1 else "continuous", levels, given=True)
        share = float(counts[repeated].sum() / counts.sum())
        return ColumnReading(
            "atoms", levels, atoms=distinct[repeated], atom_share=share, given=True
        )
    if levels == 1:
        raise ValueError(f"{label} is constant: it has no resolution to read it as quantized")
    step = _grid_step(distinct, counts, precision) if spec == "quantized" else float(spec)
    if step is None:
        raise ValueError(
            f"no regular grid found in the values of {label} (its {levels} distinct values are "
            "not integer multiples of one step); give the resolution as a number instead"
        )
    on = _on_grid(distinct, float(distinct[np.argmax(counts)]), step, precision)
    if on is None or not _holds(on, counts):
        raise ValueError(
            f"the values of {label} are not on a grid of step {step!r} (smallest gap "
            f"{float(np.diff(distinct).min()):.6g})"
        )
    return ColumnReading("quantized", levels, resolution=step, given=True)


def _precision(column: np.ndarray) -> float:
    """Relative rounding error of the column's storage: 0 for integers, float64's for
    numbers held in an object array."""
    if column.dtype.kind in "iu":
        return 0.0
    return float(np.finfo(column.dtype if column.dtype.kind == "f" else np.float64).eps)


def _grid_step(distinct: np.ndarray, counts: np.ndarray, precision: float) -> float | None:
    """The step of the regular grid that holds the column's values, or None: the largest
    candidate step (each of the smallest distinct gaps between values, over ``m <= 12``)
    whose grid, anchored at the most common value, holds at least :data:`ROWS_ON_GRID` of
    the rows and :data:`VALUES_ON_GRID` of the distinct values, each within
    :data:`GRID_TOLERANCE` of a step (or the storage's rounding error, if larger) of a grid
    point; refined as the median step the values on it imply. A few values written with more
    digits than the rest (``9.899999`` among two-decimal values) do not make a grid finer.
    """
    if distinct.size < 2:
        return None
    anchor = float(distinct[np.argmax(counts)])
    for step in _candidate_steps(distinct, precision):
        on = _on_grid(distinct, anchor, step, precision)
        if on is not None and _holds(on, counts):
            offsets = distinct[on] - anchor
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
    return any(r.kind == "quantized" or (symbols and _dithered_symbols(r)) for r in readings)


def _dithered_symbols(reading: ColumnReading) -> bool:
    return reading.kind == "symbols" and reading.resolution is not None


def dequantize(
    samples: np.ndarray, readings, rng: np.random.Generator, *, symbols: bool = False
) -> np.ndarray:
    """``samples`` with every quantized column (and, with ``symbols``, every numeric symbol
    column on a grid) replaced by ``Q + U``, ``U`` uniform on ``Q``'s cell: the regular
    grid's ``(-delta/2, delta/2)``, or half-way to the neighbouring values of the column's
    floating-point format. Other columns are returned as they are."""
    dithered = [
        j
        for j, r in enumerate(readings)
        if r.kind == "quantized" or (symbols and _dithered_symbols(r))
    ]
    if not dithered:
        return samples
    out = samples.astype(np.float64) if samples.dtype.kind != "O" else samples.copy()
    for j in dithered:
        out[:, j] = _dithered(samples[:, j], readings[j], rng)
    return out


def _dithered(column: np.ndarray, reading: ColumnReading, rng) -> np.ndarray:
    if reading.cells is not None:
        stored = column.astype(reading.cells)
        below = np.nextafter(stored, np.asarray(-np.inf, stored.dtype)).astype(np.float64)
        above = np.nextafter(stored, np.asarray(np.inf, stored.dtype)).astype(np.float64)
        low = (stored.astype(np.float64) + below) / 2
        high = (stored.astype(np.float64) + above) / 2
        return low + (high - low) * rng.random(len(column))
    values = column.astype(np.float64)
    return values + reading.resolution * (rng.random(len(column)) - 0.5)


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
    scaled = {(b, j): _scaled_part(values, r) for b, j, values, r in columns}
    spread = max((float(np.ptp(v[m])) for v, m in scaled.values() if m.any()), default=0.0)
    spacing = 2 * spread + 1
    encoded = [np.empty((len(block), block.shape[1])) for block in blocks]
    labels = []
    for b, j, values, reading in columns:
        coordinate, label = _encoded_column(values, reading, scaled[b, j], spacing)
        encoded[b][:, j] = coordinate
        if label is not None:
            labels.append((label, int(label.max()) + 1))
    strata = joint_codes(*labels)[0] if labels else None
    return encoded, strata


def _scaled_part(values: np.ndarray, reading: ColumnReading):
    """``(scaled values, mask of the continuous rows)`` of one column."""
    if reading.kind == "symbols":
        return np.zeros(len(values)), np.zeros(len(values), dtype=bool)
    numbers = values.astype(np.float64)
    continuous = (
        ~np.isin(numbers, reading.atoms)
        if reading.kind == "atoms"
        else np.ones(len(numbers), dtype=bool)
    )
    return standardized(numbers[:, None], continuous)[:, 0], continuous


def _encoded_column(values, reading: ColumnReading, scaled, spacing: float):
    """``(coordinate, label or None)`` of one column (see :func:`encode`)."""
    numbers, continuous = scaled
    if reading.kind == "symbols":
        codes, _ = symbol_codes(values[:, None])
        return codes * spacing, codes
    if reading.kind != "atoms":
        return numbers, None
    atom_of = np.searchsorted(reading.atoms, values.astype(np.float64))
    label = np.where(continuous, 0, atom_of + 1)
    top = float(numbers[continuous].max()) if continuous.any() else 0.0
    return np.where(continuous, numbers, top + label * spacing), label
