"""Permutation tests of independence, ``I(X; Y) = 0``, and of conditional independence,
``I(X; Y | Z) = 0``, with any registered MI (CMI) estimator as the statistic.

:func:`independence_test` is a permutation test of ``I(X; Y) = 0``: the statistic is the MI
estimate, the null distribution its values after permuting the rows of ``y``, and
``p = (1 + #{null >= statistic}) / (1 + B)`` (Phipson & Smyth 2010: never 0, exact level).
Given ``z`` it tests ``I(X; Y | Z) = 0`` with the local permutation of Runge (2018): ``x`` is
permuted only among rows with similar ``z`` (each row's ``k_perm`` nearest neighbours in the
standardised ``z``, max-norm: :func:`estimators._neighbors.neighbourhoods`), drawing without
repetition where possible, which keeps the dependence of X on Z and destroys only the part
of X's dependence on Y beyond Z.

Also reachable as ``estimators.independence_test`` and, as before,
``estimators.uncertainty.independence_test``. This module sits above :mod:`estimators._api`
(it prepares the problem with :func:`estimators._api.prepare`).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from numbers import Integral

import numba
import numpy as np
from joblib import Parallel, delayed

from exact._checks import check_base, in_base
from exact._random import as_generator

from ._api import prepare
from ._neighbors import CHEBYSHEV, neighbourhoods
from ._reading import encode, read_sample

__all__ = ["IndependenceTestResult", "independence_test", "permutation_pvalue"]


@dataclass(frozen=True)
class IndependenceTestResult:
    """Result of :func:`independence_test` (as scipy's ``PermutationTestResult``).

    Attributes
    ----------
    statistic : float
        The MI (or CMI) estimate on the data, in units of ``base``.
    pvalue : float
        ``(1 + #{null >= statistic}) / (1 + n_permutations)``.
    null_distribution : numpy.ndarray
        The statistic on each permuted data set.
    method : str
        The estimation method used.
    conditional : bool
        Whether ``z`` was given (local permutation).
    """

    statistic: float
    pvalue: float
    null_distribution: np.ndarray = field(repr=False)
    method: str = ""
    conditional: bool = False


def independence_test(
    x,
    y,
    z=None,
    method: str = "auto",
    *,
    n_permutations: int = 1000,
    random_state=None,
    k_perm: int = 5,
    base: float = math.e,
    n_jobs: int = 1,
    **options,
) -> IndependenceTestResult:
    """Permutation test of ``I(X; Y) = 0``, or of ``I(X; Y | Z) = 0`` when ``z`` is given.

    The statistic is ``estimators.mutual_information(x, y, method, **options)`` (or the
    conditional MI); the null distribution is the statistic after permuting the rows of ``y``
    (unconditional), or after the local permutation of ``x`` within neighbourhoods of ``z``
    (Runge 2018: each row may only take the ``x`` of one of its ``k_perm`` nearest rows in
    ``z``, standardised, max-norm; rows are visited in random order and take an unused
    neighbour where one is left, so the permutation is close to a true permutation).
    ``pvalue = (1 + #{null >= statistic}) / (1 + n_permutations)``: the test of level alpha
    rejects with probability at most alpha under the unconditional null (Phipson & Smyth
    2010); the local permutation is approximate (its level holds as the neighbourhoods shrink).

    Parameters
    ----------
    x, y : array_like, shape (n_samples,) or (n_samples, n_features)
        Paired samples.
    z : array_like or None
        Conditioning samples (same rows), continuous.
    method : str
        Any MI (CMI) method, or ``"auto"``.
    n_permutations : int
        Number of permutations ``B``; the smallest p-value is ``1 / (B + 1)``.
    random_state : int, numpy Generator or None
        Seeds the permutations and, for methods that take one (k-NN jitter), the method's
        own ``random_state`` (the same seed for every permutation).
    k_perm : int
        Neighbourhood size of the local permutation (Runge 2018 uses 5-10).
    base : float
        Units of the statistic.
    n_jobs : int
        joblib threads over permutations.
    **options
        The method's options (e.g. ``k`` for ``"ksg"``).

    Returns
    -------
    IndependenceTestResult

    Notes
    -----
    Cost: ``n_permutations + 1`` estimates, plus ``O(n log n)`` for the neighbours of ``z``
    and ``O(n k_perm)`` per local permutation; memory ``O(n k_perm)``.
    """
    if isinstance(n_permutations, bool) or not isinstance(n_permutations, Integral):
        raise TypeError(f"n_permutations must be an integer; got {n_permutations!r}")
    if n_permutations < 1:
        raise ValueError(f"n_permutations must be >= 1; got {n_permutations}")
    check_base(base)
    samples = {"x": x, "y": y} if z is None else {"x": x, "y": y, "z": z}
    quantity = "mutual_information" if z is None else "conditional_mutual_information"
    if isinstance(k_perm, bool) or not isinstance(k_perm, Integral) or k_perm < 1:
        raise ValueError(f"k_perm must be a positive integer; got {k_perm!r}")
    problem = prepare(quantity, method, {**options, "random_state": random_state}, **samples)
    # a constant z is no condition: I(X; Y | Z) = I(X; Y), tested by plain permutations
    conditional = problem.quantity == "conditional_mutual_information"
    rng = as_generator(random_state)
    if conditional:
        z_values = _neighbourhood_space(problem.arrays[2], problem.readings.get("z"))
        permutations = _local_permutations(z_values, int(k_perm), n_permutations, rng)
    else:
        n = problem.n
        permutations = (rng.permutation(n) for _ in range(n_permutations))
    x_, y_, *z_ = problem.arrays
    seed = int(rng.integers(2**63))

    def statistic_of(permuted_x, permuted_y):
        return problem.run(permuted_x, permuted_y, *z_, seed=seed)

    statistic = statistic_of(x_, y_)
    jobs = (
        delayed(statistic_of)(x_[order], y_)
        if conditional
        else delayed(statistic_of)(x_, y_[order])
        for order in permutations
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        null = np.asarray(Parallel(n_jobs=n_jobs, prefer="threads")(jobs), dtype=float)
    if not (np.isfinite(statistic) and np.isfinite(null).all()):
        raise ValueError(
            f"method {problem.method.name!r} gave a non-finite statistic on these data or a "
            "permutation of them; no p-value can be computed"
        )
    pvalue = permutation_pvalue(statistic, null)
    return IndependenceTestResult(
        statistic=float(in_base(statistic, base)),
        pvalue=pvalue,
        null_distribution=in_base(null, base),
        method=problem.method.name,
        conditional=conditional,
    )


def permutation_pvalue(statistic: float, null: np.ndarray) -> float:
    """``(1 + #{null >= statistic}) / (1 + B)`` for ``B`` permuted statistics (Phipson &
    Smyth 2010): never 0, and a test at level alpha rejects at most alpha of the time."""
    return (1 + int(np.sum(np.asarray(null) >= statistic))) / (1 + len(null))


def _neighbourhood_space(z: np.ndarray, readings) -> np.ndarray:
    """``z`` as coordinates for the local permutation: its numbers, its symbols (and atoms)
    kept farther apart than any distance among the numbers, so that a neighbourhood stays
    within one symbol (:func:`estimators._reading.encode`)."""
    readings = readings or read_sample(z, "z", "symbols")  # a discrete method: all symbols
    return encode([z], [readings])[0][0]


def _local_permutations(z: np.ndarray, k_perm: int, count: int, rng: np.random.Generator):
    """Runge's (2018) local permutations: index arrays ``pi`` with ``z[pi[i]]`` among the
    ``k_perm`` nearest neighbours of ``z[i]`` (itself included), ``z`` in the standardised
    coordinates of :func:`_neighbourhood_space`."""
    n = len(z)
    k_perm = min(k_perm, n)
    candidates = neighbourhoods(z, k_perm, CHEBYSHEV)
    for _ in range(count):
        shuffled = np.take_along_axis(candidates, rng.random(candidates.shape).argsort(axis=1), 1)
        yield _draw_unused(np.ascontiguousarray(shuffled, dtype=np.int64), rng.permutation(n))


@numba.njit(cache=True, nogil=True)
def _draw_unused(shuffled: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Visit rows in ``order``; each takes its first neighbour not yet taken (or its last
    neighbour when all are taken). Sequential by nature, so compiled: O(n k_perm)."""
    n = shuffled.shape[0]
    used = np.zeros(n, dtype=np.bool_)
    permutation = np.empty(n, dtype=np.int64)
    for i in order:
        j = shuffled[i, 0]
        for j in shuffled[i]:
            if not used[j]:
                break
        permutation[i] = j
        used[j] = True
    return permutation
