"""Batched closed forms against a Python loop over rows: the speed-up, measured in one run.

Run ``python -m experiments.bench_batched``. For a (10000, 100) array of distributions it times
one batched call of each formula (``axis=-1``) against a Python loop calling the same formula
row by row, checks that both give the same numbers, and prints the table with the ratio.
"""

from __future__ import annotations

import numpy as np

import exact

from ._timing import best_of

N_DISTRIBUTIONS, N_OUTCOMES = 10_000, 100
REPEATS = 3


def measure(n_distributions: int = N_DISTRIBUTIONS, n_outcomes: int = N_OUTCOMES):
    """Rows of (formula, batched seconds, loop seconds, ratio, max |difference|)."""
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(n_outcomes), size=n_distributions)
    q = rng.dirichlet(np.ones(n_outcomes), size=n_distributions)
    formulas = {
        "entropy": (lambda: exact.entropy(p), lambda: [exact.entropy(row) for row in p]),
        "kl_divergence": (
            lambda: exact.kl_divergence(p, q),
            lambda: [exact.kl_divergence(a, b) for a, b in zip(p, q, strict=True)],
        ),
        "cross_entropy": (
            lambda: exact.cross_entropy(p, q),
            lambda: [exact.cross_entropy(a, b) for a, b in zip(p, q, strict=True)],
        ),
    }
    rows = []
    for name, (batched, loop) in formulas.items():
        batched_seconds, batched_values = best_of(batched, REPEATS)
        loop_seconds, loop_values = best_of(loop, REPEATS)
        difference = float(np.max(np.abs(batched_values - np.asarray(loop_values))))
        rows.append(
            (name, batched_seconds, loop_seconds, loop_seconds / batched_seconds, difference)
        )
    return rows


def main() -> None:
    print(f"{N_DISTRIBUTIONS} distributions of {N_OUTCOMES} outcomes, best of {REPEATS}")
    print("| formula | batched (s) | loop over rows (s) | loop / batched | max abs difference |")
    print("|---|---|---|---|---|")
    for name, batched, loop, ratio, difference in measure():
        print(f"| {name} | {batched:.4f} | {loop:.3f} | {ratio:.0f}x | {difference:.1e} |")


if __name__ == "__main__":
    main()
