"""Level and power of the permutation tests of independence and conditional independence.

Run ``python -m experiments.independence_calibration`` (``--reps``, ``--power-reps``,
``--knn-reps``, ``--permutations``, ``--n``, ``--jobs``); the defaults take about 10 minutes on
2 busy cores. Each row is the fraction of repetitions with
``p < 0.05`` from :func:`estimators.independence_test` on fresh Gaussian samples:

- MI, independent X and Y (level: 3-7 % expected), and correlation ``rho = 0.2`` (power);
- CMI on the chain ``X -> Z -> Y`` (``Z = a X + noise``, ``Y = b Z + noise``; X and Y
  dependent but independent given Z: level) and its dependent counterpart, where Y also
  depends on X's part not explained by Z, with partial correlation ``rho = 0.2`` given Z, so
  that ``I(X; Y | Z) = -log(1 - rho^2) / 2`` = 0.0204 nats, as in the MI case (power).

The unconditional test permutes ``y``; the conditional one permutes ``x`` among the 5 nearest
neighbours in ``z`` (Runge 2018). Statistics: the Gaussian-copula estimate (fast and, for these
Gaussian data, efficient) with ``--reps`` repetitions for the level (400) and
``--power-reps`` for the power (100), and KSG with ``k = n / 10`` as Runge
(2018) recommends for tests (``--knn-k`` for others: the default ``k = 3`` has little power
against weak dependence) with ``--knn-reps`` repetitions (the k-NN runs cost ~100x more).
With ``B = 100`` permutations the exact level of ``p < 0.05`` is ``5 / 101 = 4.95 %``; the
column "95 % range" is the binomial interval of the rate.
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass

import numpy as np
from joblib import Parallel, delayed

import estimators

A = B = 0.8  # the chain's coefficients: corr(X, Z) = a, corr(Z, Y) = b
RHO = 0.2


def independent_pair(n: int, rho: float, rng: np.random.Generator):
    x = rng.standard_normal(n)
    return x, rho * x + math.sqrt(1 - rho**2) * rng.standard_normal(n)


def gaussian_chain(n: int, rho: float, rng: np.random.Generator):
    """``X -> Z -> Y`` plus, for ``rho != 0``, an edge ``X -> Y`` through X's residual on Z
    (partial correlation ``rho``): ``(x, y, z)``."""
    x = rng.standard_normal(n)
    z = A * x + math.sqrt(1 - A**2) * rng.standard_normal(n)
    residual = (x - A * z) / math.sqrt(1 - A**2)  # X's part not explained by Z, unit variance
    noise = rho * residual + math.sqrt(1 - rho**2) * rng.standard_normal(n)
    return x, B * z + math.sqrt(1 - B**2) * noise, z


@dataclass(frozen=True)
class Case:
    label: str
    sample: object  # (n, rho, rng) -> arrays
    rho: float
    method: str
    options: tuple = ()

    def pvalue(self, n: int, permutations: int, seed: int) -> float:
        arrays = self.sample(n, self.rho, np.random.default_rng([seed, 7]))
        result = estimators.independence_test(
            *arrays,
            method=self.method,
            n_permutations=permutations,
            random_state=seed,
            **dict(self.options),
        )
        return result.pvalue


def cases(knn_ks: list[int]) -> list[tuple[Case, bool]]:
    """``(case, uses k-NN)``: every statistic on every task."""
    statistics = [("gaussian-copula", (), False)]
    statistics += [("ksg", (("k", k),), True) for k in knn_ks]
    tasks = [
        ("MI, independent", independent_pair, 0.0),
        (f"MI, rho = {RHO}", independent_pair, RHO),
        ("CMI, chain X -> Z -> Y", gaussian_chain, 0.0),
        (f"CMI, partial rho = {RHO}", gaussian_chain, RHO),
    ]
    return [
        (Case(f"{label}, {method}{_describe(options)}", sample, rho, method, options), knn)
        for label, sample, rho in tasks
        for method, options, knn in statistics
    ]


def _describe(options: tuple) -> str:
    return "".join(f" {name} = {value}" for name, value in options)


def rejection_rate(case: Case, n: int, reps: int, permutations: int, jobs: int):
    start = time.perf_counter()
    pvalues = Parallel(n_jobs=jobs)(
        delayed(case.pvalue)(n, permutations, seed) for seed in range(reps)
    )
    rate = float(np.mean(np.asarray(pvalues) < 0.05))
    return rate, time.perf_counter() - start


def _binomial_range(rate: float, reps: int) -> str:
    half = 1.96 * math.sqrt(max(rate * (1 - rate), 1e-12) / reps)
    return f"{max(rate - half, 0):.1%} - {min(rate + half, 1):.1%}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--reps", type=int, default=400)
    parser.add_argument("--power-reps", type=int, default=100)
    parser.add_argument("--knn-reps", type=int, default=50)
    parser.add_argument("--permutations", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--knn-k", type=int, nargs="*", default=None, help="default: n / 10")
    args = parser.parse_args(argv)
    knn_ks = [args.n // 10] if args.knn_k is None else args.knn_k
    print(
        f"p < 0.05 rates, n = {args.n}, {args.permutations} permutations "
        f"(level rows: 3-7 % expected; power rows: > 90 % wanted)\n"
    )
    print("| task, statistic | repetitions | p < 0.05 | 95 % range | seconds |")
    print("|---|---|---|---|---|")
    for case, knn in cases(knn_ks):
        reps = args.knn_reps if knn else (args.power_reps if case.rho else args.reps)
        rate, seconds = rejection_rate(case, args.n, reps, args.permutations, args.jobs)
        print(
            f"| {case.label} | {reps} | {rate:.1%} | {_binomial_range(rate, reps)} "
            f"| {seconds:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
