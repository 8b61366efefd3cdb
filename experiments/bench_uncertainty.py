"""Cost of intervals and permutation tests beside the plain estimate, timed in the same run.

Run ``python -m experiments.bench_uncertainty`` (``--n``, ``--resamples``, ``--permutations``;
defaults n = 10^4, 200 resamples, 1,000 permutations). Data: a correlated Gaussian pair,
rho = 0.6. Each row gives the plain estimate's seconds (best of 3), the seconds of the same
estimate with its interval (or of the permutation test; one run), and their ratio, which is
about the number of estimates the scheme makes: a resample costs about one estimate (a
half-sample about half of one, for the k-NN families).
"""

from __future__ import annotations

import argparse

import numpy as np

import estimators

from ._timing import best_of

RHO = 0.6


def _pair(n: int):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(n)
    return x, RHO * x + np.sqrt(1 - RHO**2) * rng.standard_normal(n)


def rows(n: int, resamples: int, permutations: int):
    """``(label, plain seconds, with-uncertainty seconds)`` per case."""
    x, y = _pair(n)
    cases = [
        ("KSG MI, bootstrap (half-samples)", "ksg", dict(uncertainty="bootstrap")),
        ("KSG MI, jackknife (20 groups)", "ksg", dict(uncertainty="jackknife")),
        ("histogram MI, bootstrap", "histogram", dict(uncertainty="bootstrap")),
        ("Gaussian MI, asymptotic ('auto')", "gaussian", dict(uncertainty="auto")),
    ]
    for label, method, request in cases:
        count = None if request["uncertainty"] == "jackknife" else resamples
        plain, _ = best_of(lambda m=method: estimators.mutual_information(x, y, method=m), 3)
        with_interval, _ = best_of(
            lambda m=method, r=request, c=count: estimators.mutual_information(
                x, y, method=m, n_resamples=c, random_state=0, **r
            )
        )
        yield label, plain, with_interval
    plain, _ = best_of(lambda: estimators.mutual_information(x, y, method="ksg"), 3)
    test, _ = best_of(
        lambda: estimators.independence_test(
            x, y, method="ksg", n_permutations=permutations, random_state=0
        )
    )
    yield f"KSG permutation test, {permutations} permutations", plain, test


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--resamples", type=int, default=200)
    parser.add_argument("--permutations", type=int, default=1000)
    args = parser.parse_args(argv)
    print(f"n = {args.n}, {args.resamples} resamples (bootstrap), seconds\n")
    print("| case | plain estimate | with interval / test | ratio |")
    print("|---|---|---|---|")
    for label, plain, with_uncertainty in rows(args.n, args.resamples, args.permutations):
        print(
            f"| {label} | {plain:.4f} | {with_uncertainty:.2f} | {with_uncertainty / plain:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
