"""Uncertainty of estimates: the intervals of ``uncertainty=`` (and, re-exported from
:mod:`estimators.independence`, the permutation tests of (conditional) independence).

**Intervals.** The public functions (:func:`estimators.entropy`, ``mutual_information``,
``conditional_mutual_information``, ``kl_divergence``) take ``uncertainty=None | "bootstrap" |
"jackknife" | "auto"``; when asked they return an :class:`Estimate`, a ``float`` that also
carries ``stderr``, ``ci`` (at ``confidence_level``), the method, its parameters, ``n``, the
units and diagnostics. Every interval is centred on the estimate ``theta`` and describes its
*sampling* spread: it targets the estimator's expected value ``E[theta_n]``. The truth is
covered less often where the estimator is biased (k-NN, histogram); the bias is not in the
interval, and the bootstrap's estimate of it is reported in ``diagnostics``.

- ``"bootstrap"`` resamples rows (for MI and CMI the rows of all variables together, i.e.
  pairs; for KL each sample on its own), ``n_resamples`` times (default 200). Replicates
  ``theta*_b`` give ``stderr = sqrt(c) sd(theta*)`` and the interval
  ``theta - sqrt(c) q(theta* - mean theta*)`` at the quantiles ``1 - alpha/2`` and ``alpha/2``
  (the basic bootstrap interval, Davison & Hinkley 1997, 5.2, with deviations from the
  replicates' mean so that the bootstrap's extra bias does not shift it).

  Resampling *with* replacement (``c = 1``; Efron 1979) duplicates rows. That is harmless
  for the plug-in families (``histogram``, ``discrete``, ``gaussian``), but it puts k-th
  neighbours at distance 0 and biases every k-NN estimator (KSG counts duplicates as
  neighbours; Kozachenko–Leonenko would take ``log 0``), breaks the leave-one-out of
  ``kde``, and leaks rows between the training and test parts of the ``neural`` bounds. For
  those families ``"bootstrap"`` draws **half-samples without replacement** (size ``m =
  floor(n / 2)``) and rescales their spread by ``c = m / (n - m)`` (= 1 for even n): the
  delete-d jackknife with ``d = n - m`` on random subsets (Shao & Wu 1989), whose variance
  matches the bootstrap's for smooth statistics (Efron 1982, ch. 8: half-sampling). No row
  is ever duplicated. ``Estimate.uncertainty`` says which scheme ran. ``python -m
  experiments.coverage`` measured 95-98 % coverage of ``E[theta_n]`` for KSG and
  Kozachenko–Leonenko at n = 500 (the half-sample standard error ~10 % above the simulated
  one: slightly conservative) and 95-99 % for the histogram.
- ``"jackknife"``: the delete-d jackknife over ``g = n_resamples`` random groups (default 20,
  at most n; ``g = n`` is the delete-1 jackknife): ``theta_(j)`` leaves out group ``j``,
  ``stderr^2 = (g - 1) / g sum_j (theta_(j) - mean)^2`` (Shao & Wu 1989; Efron & Stein 1981)
  and the interval is ``theta ± z stderr``.
- ``"auto"``: the analytic width where the method's family declared one at registration
  (:meth:`estimators._registry.Method.standard_error`), else ``"bootstrap"``:
  the NSB posterior standard deviation (``method="nsb"``, entropy; Nemenman et al. 2002;
  :mod:`estimators.discrete`); the asymptotic variance of the Gaussian estimator
  (``method="gaussian"``: entropy, MI, CMI; :mod:`estimators.gaussian`); the spread over
  held-out batches of a neural MI bound (its test part, evaluated with the trained critic in
  ``eval_block``-row batches, at least 5: ``stderr = sd / sqrt(batches)`` — it measures the
  test-sample noise given the critic, not the training's; :mod:`estimators.neural`). Neural
  KL and entropy have no such shortcut: their replicates retrain the critic, ``n_resamples``
  times.

Each replicate is one vectorised estimate on the resampled rows, without the input checks;
they run one after another (the k-NN searches already use every core). One
``random_state`` seeds the resampling and, for methods with their own ``random_state``
(the dithers of quantized columns, neural training), the replicates' seeds: same seed, same
interval. Cost: the
estimator's cost times ``n_resamples``; memory: one resample at a time, ``O(n d)``.

**Tests.** :func:`estimators.independence.independence_test` (also
``estimators.independence_test`` and, as before, ``estimators.uncertainty.independence_test``)
is a permutation test of ``I(X; Y) = 0``, or of ``I(X; Y | Z) = 0`` by Runge's (2018) local
permutation; see :mod:`estimators.independence`.

This module sits below :mod:`estimators._api` (which calls :func:`check_request` and
:func:`estimate_with_uncertainty`) and imports neither it nor any family: it sees a
:class:`~estimators._api.Problem` through its public attributes only.
"""

from __future__ import annotations

import importlib
import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from numbers import Integral, Real
from typing import TYPE_CHECKING

import numpy as np
from scipy import stats

from exact._checks import in_base
from exact._random import as_generator

if TYPE_CHECKING:
    from ._api import Problem

__all__ = ["Estimate"]

UNCERTAINTIES = ("bootstrap", "jackknife", "auto")
#: families whose estimators are unharmed by duplicated rows: bootstrap with replacement
_DUPLICATE_SAFE = ("histogram", "discrete", "gaussian")
_DEFAULT_RESAMPLES = {"bootstrap": 200, "jackknife": 20}
_MAX_FAILED = 0.1  # fraction of replicates allowed to fail (e.g. a constant resampled column)


# --- the result -------------------------------------------------------------------------------


class Estimate(float):
    """An estimate with its uncertainty; a ``float`` everywhere a float is expected.

    ``float(e)``, arithmetic, comparisons, ``numpy`` conversion, ``format`` and ``str`` use the
    value (arithmetic returns plain floats: the interval does not propagate); ``repr`` shows the
    interval.

    Attributes
    ----------
    value : float
        The estimate, in units of ``base``.
    stderr : float
        Its standard error, same units.
    ci : tuple of float
        ``(low, high)`` interval at ``confidence_level``.
    confidence_level : float
    method : str
        The estimation method that ran (``"auto"`` resolved).
    parameters : dict
        The method's options as given.
    n : int or tuple of int
        Rows used (``(n_p, n_q)`` for KL).
    base : float
        Logarithm base of the unit; ``units`` names it.
    uncertainty : str
        How the interval was made (``"bootstrap"``, ``"half-sampling"``, ``"jackknife"``,
        ``"nsb posterior"``, ``"gaussian asymptotic"``, ``"held-out batches"``).
    diagnostics : dict
        Scheme details (replicates, failures, bootstrap bias, the neural training curve, ...).
    """

    __slots__ = (
        "base",
        "ci",
        "confidence_level",
        "diagnostics",
        "method",
        "n",
        "parameters",
        "stderr",
        "uncertainty",
    )

    def __new__(
        cls,
        value: float,
        *,
        stderr: float,
        ci: tuple[float, float],
        confidence_level: float = 0.95,
        method: str = "",
        parameters: dict | None = None,
        n: int | tuple[int, ...] = 0,
        base: float = math.e,
        uncertainty: str = "",
        diagnostics: dict | None = None,
    ) -> Estimate:
        self = super().__new__(cls, value)
        fields_ = {
            "stderr": float(stderr),
            "ci": (float(ci[0]), float(ci[1])),
            "confidence_level": float(confidence_level),
            "method": method,
            "parameters": dict(parameters or {}),
            "n": n,
            "base": base,
            "uncertainty": uncertainty,
            "diagnostics": dict(diagnostics or {}),
        }
        for name, item in fields_.items():
            object.__setattr__(self, name, item)
        return self

    def __setattr__(self, name, value):
        raise AttributeError("Estimate is immutable")

    @property
    def value(self) -> float:
        return float(self)

    @property
    def units(self) -> str:
        if self.base == math.e:
            return "nats"
        return "bits" if self.base == 2 else f"log base {self.base:g}"

    def __str__(self) -> str:
        return float.__repr__(self)

    def __repr__(self) -> str:
        low, high = self.ci
        return (
            f"Estimate({float(self):.6g} ± {self.stderr:.2g} {self.units}, "
            f"{self.confidence_level:.0%} CI [{low:.6g}, {high:.6g}], method={self.method!r}, "
            f"uncertainty={self.uncertainty!r}, n={self.n})"
        )

    def __reduce__(self):
        attributes = {name: getattr(self, name) for name in self.__slots__}
        return (_rebuild_estimate, (float(self), attributes))


def _rebuild_estimate(value: float, attributes: dict) -> Estimate:
    return Estimate(value, **attributes)


# --- intervals for the public functions ---------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """A checked request for an interval: which scheme, at what level, how many resamples."""

    kind: str
    confidence_level: float = 0.95
    n_resamples: int | None = None

    @property
    def z(self) -> float:
        return float(stats.norm.ppf(0.5 + self.confidence_level / 2))


def check_request(uncertainty, confidence_level, n_resamples) -> Request | None:
    """``None`` when no interval is asked; else a :class:`Request`, or a clear error."""
    if uncertainty is None:
        return None
    if uncertainty not in UNCERTAINTIES:
        raise ValueError(
            f"uncertainty must be None or one of {', '.join(map(repr, UNCERTAINTIES))}; "
            f"got {uncertainty!r}"
        )
    if (
        isinstance(confidence_level, bool)
        or not isinstance(confidence_level, Real)
        or not 0 < confidence_level < 1
    ):
        raise ValueError(f"confidence_level must be a number in (0, 1); got {confidence_level!r}")
    if n_resamples is not None and (
        isinstance(n_resamples, bool) or not isinstance(n_resamples, Integral) or n_resamples < 2
    ):
        raise ValueError(f"n_resamples must be an integer >= 2 or None; got {n_resamples!r}")
    return Request(uncertainty, float(confidence_level), n_resamples)


def estimate_with_uncertainty(problem: Problem, base: float, request: Request) -> Estimate:
    """The estimate of a prepared problem with the interval ``request`` asks for.

    ``problem`` comes from :func:`estimators._api.prepare` (checked arrays, the resolved
    method and its options); the result is in units of ``base``. With ``"auto"``, the
    standard error the method's family registered for the quantity, if any
    (``problem.method.standard_error(problem.quantity)``), gives ``value ± z stderr``.
    """
    kind = request.kind
    analytic = problem.method.standard_error(problem.quantity) if kind == "auto" else None
    if analytic is not None:
        value, stderr, scheme, diagnostics = analytic(problem)
        ci = (value - request.z * stderr, value + request.z * stderr)
    else:
        kind = "bootstrap" if kind == "auto" else kind
        value, stderr, ci, scheme, diagnostics = _resampled(problem, kind, request)
    convert = lambda nats: float(in_base(nats, base))  # noqa: E731
    diagnostics = {**diagnostics, "readings": _described(problem.readings)}
    if problem.method.route:
        diagnostics["route"] = problem.method.route
    return Estimate(
        convert(value),
        stderr=convert(stderr),
        ci=(convert(ci[0]), convert(ci[1])),
        confidence_level=request.confidence_level,
        method=problem.method.name,
        parameters=problem.options,
        n=problem.n,
        base=base,
        uncertainty=scheme,
        diagnostics=diagnostics,
    )


def _described(readings: dict) -> dict:
    """Each argument's column readings, in words."""
    return {name: [str(r) for r in columns] for name, columns in readings.items()}


def _resampled(problem: Problem, kind: str, request: Request):
    """``(value, stderr, ci, scheme, diagnostics)`` in nats from resampled replicates."""
    rng = as_generator(problem.random_state)
    value = problem.run(*problem.arrays)
    if kind == "jackknife":
        scheme = "jackknife"
        count = min(request.n_resamples or _DEFAULT_RESAMPLES["jackknife"], *problem.sizes)
        subsets = _jackknife_subsets(problem.sizes, count, rng)
        factor = math.nan  # set from the replicates that succeed
    elif problem.method.family in _DUPLICATE_SAFE:
        scheme = "bootstrap"
        count = request.n_resamples or _DEFAULT_RESAMPLES["bootstrap"]
        subsets = _bootstrap_subsets(problem.sizes, count, rng)
        factor = 1.0
    else:
        scheme = "half-sampling"
        count = request.n_resamples or _DEFAULT_RESAMPLES["bootstrap"]
        subsets = _half_subsets(problem.sizes, count, rng)
        factor = float(np.mean([(n // 2) / (n - n // 2) for n in problem.sizes]))
    replicates, failed = _replicate(problem, subsets, rng.integers(2**63, size=count))
    if kind == "jackknife":
        factor = len(replicates) - 1.0  # the groups that gave a value
    deviations = math.sqrt(factor) * (replicates - replicates.mean())
    stderr = float(np.sqrt(np.mean(deviations**2)))
    if kind == "jackknife":
        ci = (value - request.z * stderr, value + request.z * stderr)
    else:
        alpha = 1 - request.confidence_level
        upper, lower = np.quantile(deviations, [1 - alpha / 2, alpha / 2])
        ci = (value - upper, value - lower)
    diagnostics = {"replicates": replicates, "failed_replicates": failed, "factor": factor}
    if scheme == "bootstrap":
        diagnostics["bootstrap_bias"] = float(replicates.mean() - value)
    return value, stderr, ci, scheme, diagnostics


# Row subsets are drawn lazily, one replicate at a time: memory O(n) whatever the count.
# Each item holds one index array per independently resampled sample.


def _bootstrap_subsets(sizes, count, rng) -> Iterator[list[np.ndarray]]:
    for _ in range(count):
        yield [rng.integers(n, size=n) for n in sizes]


def _half_subsets(sizes, count, rng) -> Iterator[list[np.ndarray]]:
    for _ in range(count):
        yield [rng.permutation(n)[: n // 2] for n in sizes]


def _jackknife_subsets(sizes, count, rng) -> Iterator[list[np.ndarray]]:
    """Each replicate leaves out one of ``count`` random groups of (nearly) equal size."""
    labels = [rng.permutation(n) % count for n in sizes]
    for group in range(count):
        yield [np.flatnonzero(label != group) for label in labels]


def _replicate(problem, subsets, seeds) -> tuple[np.ndarray, int]:
    """The estimator (nats) on each subset of rows; failures (a resample the method refuses,
    e.g. with a constant column) are dropped and counted."""
    groups = problem.row_groups()

    def one(rows, seed):
        arrays = [None] * len(problem.arrays)
        for group, index in zip(groups, rows, strict=True):
            for position in group:
                arrays[position] = problem.arrays[position][index]
        try:
            value = problem.run(*arrays, seed=int(seed))
        except (ValueError, np.linalg.LinAlgError):
            return math.nan
        return value if math.isfinite(value) else math.nan  # e.g. log 0 on a resample

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. a neural bound's training notices, given once
        values = np.array([one(rows, seed) for rows, seed in zip(subsets, seeds, strict=True)])
    failed = int(np.isnan(values).sum())
    if failed > _MAX_FAILED * len(values) or len(values) - failed < 2:
        raise ValueError(
            f"method {problem.method.name!r} failed on {failed} of {len(values)} resamples "
            "(e.g. a resampled column became constant); the interval cannot be made — use "
            "uncertainty='jackknife' or more data"
        )
    return values[~np.isnan(values)], failed


# --- the permutation tests, at their former address -------------------------------------------

#: names that moved to :mod:`estimators.independence` (it imports :mod:`estimators._api`,
#: which imports this module: it cannot be imported from here at load time)
_MOVED = ("IndependenceTestResult", "independence_test", "permutation_pvalue")


def __getattr__(name: str):
    """``estimators.uncertainty.independence_test`` (and the other names of :data:`_MOVED`),
    as before: the attribute of :mod:`estimators.independence`."""
    if name in _MOVED:
        return getattr(importlib.import_module(".independence", __package__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
