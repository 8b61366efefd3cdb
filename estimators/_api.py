"""The public estimation functions: one entry point per quantity, any registered method.

Inputs are checked once here (shape, length, NaN/inf, dtype, base, method, options); the
families' implementations trust them and return nats, converted here to units of ``base``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from numbers import Integral

import numpy as np

from exact._checks import check_base, in_base
from exact._random import as_generator

from ._inputs import (
    as_samples,
    check_comparable_symbols,
    check_same_dimension,
    check_same_length,
)
from ._reading import checked_specs, dequantize, needs_dither, numeric_samples, read_sample
from ._registry import QUANTITIES, Method, lookup
from .uncertainty import check_request, estimate_with_uncertainty


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
        The method's own options (e.g. ``bins`` for ``"histogram"``), and, for every method:

        ``column_kinds`` : how each column is read (:mod:`estimators._reading`): ``"auto"``
        (default: by dtype and values), one of ``"symbols"``, ``"quantized"``, ``"atoms"``,
        ``"continuous"``, or a positive number (quantized with that step), for every
        column; or a dict from argument name (``"x"``, ``"y"``, ``"z"``; ``"x_p"`` for both
        samples of a KL divergence) to such a value or a list of one per column.
        :func:`explain` shows the reading and the method that would run.

        ``n_dithers`` : quantized columns are estimated as the dequantized variable, ``Q``
        plus a uniform draw within its cell; the estimates of this many draws are averaged
        (default :data:`DEFAULT_DITHERS`; 1 for the neural bounds).

        ``random_state`` : int, ``numpy.random.Generator`` or None; seeds the dithers, the
        resampling of ``uncertainty``, and the method's own randomness (neural training).
        Same seed, same number.

    Returns
    -------
    float, or Estimate when ``uncertainty`` is given

    Notes
    -----
    Constant columns carry no information: MI and conditional MI are computed without them
    (exactly 0 when every column of ``x`` or ``y`` is constant; ``I(X; Y | Z) = I(X; Y)``
    when ``z`` is). The differential entropy of a constant number is ``-inf``: a
    ``ValueError``.
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


def auto_method(quantity: str, samples: list, column_kinds="auto") -> str:
    """The method ``method="auto"`` picks, by what the columns are (see
    :mod:`estimators._reading` for how each column is read):

    - every column symbols: ``"miller-madow"`` (``"plugin"`` for KL, with no pseudocount);
    - no column symbols or atoms (continuous or quantized numbers): ``"knn"`` for entropy
      and KL (Kozachenko–Leonenko, Wang et al.); ``"copula-ksg"`` for MI and conditional MI
      (:mod:`estimators.hybrid`: the Gaussian-copula MI of the columns' normal scores plus
      KSG's estimate of what it misses, KSG's bias cancelled against a Gaussian surrogate —
      chosen on the hard suite of ``infoest bench --suite hard``, where it is the most
      accurate of every method); quantized columns are dithered within their cells;
    - MI of all-symbol columns with continuous or quantized ones: ``"ross"``;
    - anything else (atoms, or symbols beside numbers): ``"mixed"``, the k-NN estimators
      on the mixed-kind encoding (labels and atoms kept apart; entropy and KL stratified
      on them);
    - ``"constant"`` where every column of a variable is constant (MI 0).

    ``samples``: the arrays in argument order (``[x]``, ``[x, y]``, ``[x, y, z]``,
    ``[x_p, x_q]``).
    """
    return explain(quantity, *samples, column_kinds=column_kinds).method


@dataclass(frozen=True)
class Explanation:
    """What an estimate reads and runs: the method (``"auto"`` resolved), each argument's
    column reading, the constant columns left out, how many dithers are averaged (0 when no
    column is dithered), and for a method that combines estimators, its route."""

    quantity: str
    method: str
    readings: dict
    dropped: dict
    n_dithers: int
    route: str = ""

    def __str__(self) -> str:
        lines = [f"{self.quantity} by method {self.method!r}"]
        if self.route:
            lines.append(f"  route: {self.route}")
        for name in {**self.readings, **self.dropped}:
            shown = "; ".join(str(r) for r in self.readings.get(name, ())) or "(no column left)"
            lines.append(f"  {name}: {shown}")
            if self.dropped.get(name):
                lines.append(f"    constant columns left out: {self.dropped[name]}")
        if self.n_dithers:
            lines.append(f"  quantized columns dithered within their cells, {self.n_dithers} draws")
        return "\n".join(lines)


def explain(quantity: str, *samples, method: str = "auto", **options) -> Explanation:
    """How :func:`entropy` (and the other three) would read ``samples`` and which method
    would run, without estimating: e.g. ``explain("mutual_information", x, y)``. Options as
    those functions' (``column_kinds``, ``n_dithers``, the method's own)."""
    names = _ARGUMENTS.get(quantity)
    if names is None:
        raise ValueError(f"quantity must be one of {', '.join(map(repr, _ARGUMENTS))}")
    if len(samples) != len(names):
        raise ValueError(f"{quantity} takes {len(names)} samples ({', '.join(names)})")
    problem = prepare(quantity, method, dict(options), **dict(zip(names, samples, strict=True)))
    dithers = problem.n_dithers if problem.dithered else 0
    return Explanation(
        problem.quantity,
        problem.method.name,
        problem.readings,
        problem.dropped,
        dithers,
        problem.method.route,
    )


_ARGUMENTS = {
    "entropy": ("x",),
    "mutual_information": ("x", "y"),
    "conditional_mutual_information": ("x", "y", "z"),
    "kl_divergence": ("x_p", "x_q"),
}
#: dithers of the quantized columns averaged per estimate: 4 halve the dither's share of the
#: standard deviation (MI of rounded normals at n = 5,000: 0.014 -> 0.010 nats in all), at
#: 4 times the cost where a column is quantized
DEFAULT_DITHERS = 4


def _request(uncertainty, confidence_level, n_resamples):
    return check_request(uncertainty, confidence_level, n_resamples)


def _estimate(quantity: str, method: str, base: float, options: dict, request, **raw) -> float:
    check_base(base)
    problem = prepare(quantity, method, options, **raw)
    if request is None:
        return float(in_base(problem.run(*problem.arrays), base))
    return estimate_with_uncertainty(problem, base, request)


@dataclass(frozen=True)
class Problem:
    """A checked estimation problem: arrays ready for the method, its options, and how the
    columns are read.

    ``run(*arrays)`` returns nats for any arrays of the same kind (e.g. resampled rows)
    without checking or reading them again: quantized columns are dithered within their
    cells (:func:`estimators._reading.dequantize`) and the estimates of ``n_dithers`` draws
    averaged. ``seed`` seeds those draws (and replaces the method's own ``random_state``
    when it takes one); without it, the seed drawn once from the caller's
    ``random_state``. ``random_state`` is the caller's, also the seed of resampling.
    """

    quantity: str
    method: Method
    implementation: Callable[..., float]
    arrays: tuple[np.ndarray, ...]
    options: dict
    random_state: object = None
    takes_seed: bool = False  # the implementation has a ``random_state`` option
    readings: dict = field(default_factory=dict)  # argument name -> its columns' readings
    dropped: dict = field(default_factory=dict)  # argument name -> constant columns left out
    n_dithers: int = DEFAULT_DITHERS
    seed: int = 0  # of the dithers, drawn from random_state

    @property
    def sizes(self) -> tuple[int, ...]:
        """Rows of each independently resampled sample: ``(n_p, n_q)`` for KL, else ``(n,)``."""
        return tuple(len(self.arrays[group[0]]) for group in self.row_groups())

    @property
    def n(self):
        return self.sizes if len(self.sizes) > 1 else self.sizes[0]

    @property
    def dithered(self) -> bool:
        """Whether some column is dithered before the method runs."""
        return any(
            needs_dither(r, symbols=self.method.data == "continuous")
            for r in self.readings.values()
        )

    def row_groups(self) -> list[list[int]]:
        """Positions of the arrays whose rows go together (paired draws)."""
        if self.quantity == "kl_divergence":
            return [[0], [1]]
        return [list(range(len(self.arrays)))]

    def run(self, *arrays: np.ndarray, seed: int | None = None) -> float:
        options = self.options
        if seed is not None and self.takes_seed:
            options = {**options, "random_state": seed}
        if not self.dithered:
            return self.implementation(*arrays, **options)
        rng = np.random.default_rng(self.seed if seed is None else seed)
        draws = [
            self.implementation(*self.dequantized(arrays, rng), **options)
            for _ in range(self.n_dithers)
        ]
        return float(np.mean(draws))

    def dequantized(self, arrays, rng: np.random.Generator) -> list[np.ndarray]:
        """``arrays`` (in argument order) with their quantized columns dithered once."""
        symbols = self.method.data == "continuous"
        return [
            dequantize(array, readings, rng, symbols=symbols)
            for array, readings in zip(arrays, self.readings.values(), strict=True)
        ]


def prepare(quantity: str, method: str, options: dict, **raw) -> Problem:
    """Check the samples and options, read the columns, resolve ``method``: a
    :class:`Problem`.

    ``options`` may hold, besides the method's own: ``column_kinds`` (how to read the
    columns, see :func:`entropy`), ``n_dithers``, and ``random_state``, which seeds the
    dithers and any resampling and is passed on to a method that takes it (every method
    accepts it). The method's own options are checked against those it declared at
    registration (:meth:`estimators._registry.Method.options`), for the method that runs
    (``"auto"`` resolved).
    """
    samples = _checked_samples(quantity, raw)
    column_kinds = options.pop("column_kinds", "auto")
    n_dithers = options.pop("n_dithers", None)
    random_state = options.get("random_state")
    seed = int(as_generator(random_state).integers(2**63))
    requested = None if method == "auto" else lookup(method, quantity)
    if requested is not None and requested.data == "discrete":
        _check_kinds(column_kinds, samples)  # unused, but a misspelt one is still refused
        column_kinds = "symbols"  # a discrete method takes every value as a symbol
    readings = read_arguments(quantity, samples, column_kinds)
    samples, readings, dropped = _without_constants(quantity, samples, readings)
    if quantity == "conditional_mutual_information" and samples["z"].shape[1] == 0:
        quantity = "mutual_information"  # I(X; Y | constant) = I(X; Y)
        del samples["z"], readings["z"]
    chosen = requested or _by_name(_route(quantity, samples, readings), quantity)
    accepted = chosen.options(quantity)  # of the method that runs, "auto" resolved
    if "random_state" not in accepted:
        options.pop("random_state", None)  # a deterministic method: it seeds dithers only
    if chosen is not _CONSTANT:
        _check_options(chosen, accepted, options)
    if _has_empty_variable(quantity, samples):
        chosen, options = _CONSTANT, {}
    implementation = chosen.implementations[quantity]
    n_dithers = check_dithers(_default_dithers(chosen) if n_dithers is None else n_dithers)
    arrays = tuple(
        _for_method(array, label, chosen, readings[label]) for label, array in samples.items()
    )
    if chosen.data == "continuous":  # the arrays hold offsets from each integer's origin now
        readings = {name: tuple(replace(r, origin=0) for r in rs) for name, rs in readings.items()}
    if chosen.takes_readings(quantity):
        implementation = partial(implementation, readings=tuple(readings.values()))
    takes_seed = "random_state" in chosen.options(quantity)
    return Problem(
        quantity,
        chosen,
        implementation,
        arrays,
        options,
        random_state,
        takes_seed,
        readings,
        dropped,
        n_dithers,
        seed,
    )


def _default_dithers(method: Method) -> int:
    """:data:`DEFAULT_DITHERS`, or 1 for a neural bound: its training noise dwarfs the
    dither's, and each draw would train a critic anew."""
    return 1 if method.family == "neural" else DEFAULT_DITHERS


def _checked_samples(quantity: str, raw: dict) -> dict:
    samples = {name: as_samples(value, name) for name, value in raw.items()}
    if quantity == "kl_divergence":
        check_same_dimension(**samples)
        check_comparable_symbols(**samples)
    else:
        check_same_length(**samples)
    return samples


def _by_name(name: str, quantity: str) -> Method:
    return _CONSTANT if name == "constant" else lookup(name, quantity)


def read_arguments(quantity: str, samples: dict, column_kinds) -> dict:
    """Each argument's column readings; for KL one reading of the pooled samples (the same
    cells and atoms for both)."""
    given = _kinds_by_argument(column_kinds, samples)
    if quantity == "kl_divergence":
        pooled = np.concatenate(list(samples.values()))
        shared = read_sample(pooled, "x_p and x_q", given["x_p"])
        return {name: shared for name in samples}
    return {name: read_sample(array, name, given[name]) for name, array in samples.items()}


def _check_kinds(column_kinds, samples: dict) -> None:
    """``column_kinds`` is well formed for these samples (names, lengths, each spec)."""
    for name, given in _kinds_by_argument(column_kinds, samples).items():
        checked_specs(given, samples[name].shape[1], name)


def _kinds_by_argument(column_kinds, samples: dict) -> dict:
    if not isinstance(column_kinds, dict):
        return dict.fromkeys(samples, column_kinds)
    unknown = sorted(set(column_kinds) - set(samples))
    if unknown:
        raise ValueError(
            f"column_kinds names {unknown[0]!r}, not an argument; arguments: {', '.join(samples)}"
        )
    if "x_q" in column_kinds and column_kinds.get("x_q") != column_kinds.get("x_p", "auto"):
        raise ValueError("column_kinds of a KL divergence applies to x_p and x_q together")
    return {name: column_kinds.get(name, "auto") for name in samples}


def _without_constants(quantity: str, samples: dict, readings: dict):
    """Leave out the constant columns: a constant carries no information, so MI and CMI are
    unchanged without it (``I(X; Y) = 0`` if all of X's columns are constant), and so is a
    KL divergence without a column that is one constant in both samples; refuse the
    differential entropy of a constant number (constant symbols have entropy 0). A sample
    of one row is left to the method (which says how many rows it needs), unless every
    column is symbols: one symbol, entropy and MI exactly 0 (Grassberger's formula at
    ``n = 1`` gave 1.27)."""
    one_row = min(len(array) for array in samples.values()) < 2
    if one_row and not all(r.kind == "symbols" for rs in readings.values() for r in rs):
        return samples, readings, {}
    if quantity == "entropy":
        for j, r in enumerate(readings["x"]):
            if r.kind == "constant":
                raise ValueError(
                    f"x has a constant column ({j}): its differential entropy is -inf; drop "
                    "it, or read it as symbols (column_kinds='symbols') for entropy 0"
                )
    kept, dropped = {}, {}
    for name, array in samples.items():
        keep = [j for j, r in enumerate(readings[name]) if not r.constant]
        if len(keep) < array.shape[1]:
            dropped[name] = [j for j in range(array.shape[1]) if j not in keep]
        kept[name] = keep
    if not dropped:
        return samples, readings, {}
    samples = {name: samples[name][:, kept[name]] for name in samples}
    readings = {name: tuple(readings[name][j] for j in kept[name]) for name in samples}
    return samples, readings, dropped


def _has_empty_variable(quantity: str, samples: dict) -> bool:
    """Whether a variable lost every column to :func:`_without_constants` (for CMI, ``z``
    has been dealt with already)."""
    return any(array.shape[1] == 0 for array in samples.values())


def _route(quantity: str, samples: dict, readings: dict) -> str:
    """The rule of :func:`auto_method` on the read columns."""
    if _has_empty_variable(quantity, samples):
        return "constant"
    kinds = [[r.kind for r in rs] for rs in readings.values()]
    if all(k == "symbols" for ks in kinds for k in ks):
        return "plugin" if quantity == "kl_divergence" else "miller-madow"
    labelled = [any(k in ("symbols", "atoms") for k in ks) for ks in kinds]
    if not any(labelled):
        return "knn" if quantity in ("entropy", "kl_divergence") else "copula-ksg"
    symbols_only = [all(k == "symbols" for k in ks) for ks in kinds]
    if quantity == "mutual_information" and sorted(zip(symbols_only, labelled, strict=True)) == [
        (False, False),
        (True, True),
    ]:
        return "ross"
    return "mixed"


def check_dithers(value) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"n_dithers must be a positive integer; got {value!r}")
    return int(value)


def _for_method(samples: np.ndarray, name: str, method: Method, readings) -> np.ndarray:
    """The samples as the method takes them, else as they are: for a continuous method,
    float64 numbers — integer columns (and object columns of integers) as exact offsets
    from their reading's origin (:func:`estimators._reading.exact_offsets`: integers
    beyond 2^53 keep their differences, and every continuous estimator is invariant under
    the shift); symbols without numeric values (strings, objects, integers beyond int64)
    refused with a ``TypeError``."""
    if method.data != "continuous":
        return samples
    return numeric_samples(samples, readings, name, method.name)


def _check_options(method: Method, accepted: tuple[str, ...], options: dict) -> None:
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        listed = ", ".join(accepted) if accepted else "none"
        raise TypeError(
            f"method {method.name!r} has no option {unknown[0]!r}; its options: {listed} "
            "(and for every method: random_state, column_kinds, n_dithers)"
        )


def _zero(*arrays, **options) -> float:
    """MI or CMI where x or y has only constant columns, the entropy of constant symbols,
    the KL divergence of two samples of the same constant: exactly 0."""
    return 0.0


_CONSTANT = Method("constant", "none", "any", dict.fromkeys(QUANTITIES, _zero))
