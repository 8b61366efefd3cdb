"""Sparse count features read as symbols: ours in O(nnz) against scikit-learn, same run.

Run ``python -m experiments.bench_sparse`` (``--quick``: 2,000 rows). The data: a bag of
words of ``n = 20,000`` rows, seeded: ``density * n * d`` word draws (rows uniform, columns
Zipf-like and tilted by a 4-class target so that some columns are informative, counts
``1 + Geometric``), repeated draws of a cell summed, so ``nnz`` is a little below the
draws. Density 0.002 over 5,000 columns (200,000 draws, 10 per row) for the comparison;
40 draws per row over 100,000 columns (800,000) for ours alone.

Prints a markdown table: the public :func:`estimators.selection.mutual_info_scores` with
``method="plugin"`` (reading the target, preparing ``X``'s columns and scoring them) against
``mutual_info_classif(X, y, discrete_features=True)`` (which densifies column by column),
the time ratio and the largest difference (the values must agree to 1e-9). Then ours alone
at a vocabulary of 100,000 columns with the same 40 non-zeros per row, and the peak memory
of ours (``tracemalloc``, which sees numpy's buffers) against ``nnz``.
"""

from __future__ import annotations

import argparse
import tracemalloc

import numpy as np
from scipy import sparse
from sklearn.feature_selection import mutual_info_classif

from estimators.selection import mutual_info_scores

from ._timing import best_of

DENSITY = 0.002  # of the 5,000-column comparison
PER_ROW = 40  # word draws per row at a vocabulary of 100,000
N_CLASSES = 4
TOLERANCE = 1e-9


def bag_of_words(
    n: int, d: int, per_row: float, seed: int = 0
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """``(X, y)``: ``n x d`` counts from ``per_row * n`` word draws, 4 classes."""
    rng = np.random.default_rng(seed)
    y = rng.integers(N_CLASSES, size=n)
    popularity = 1.0 / np.arange(1, d + 1) ** 0.8
    tilt = np.exp(0.5 * rng.standard_normal((N_CLASSES, d)) * (rng.random(d) < 0.1))
    total = round(per_row * n)
    rows = np.sort(rng.integers(n, size=total))
    cols = np.empty(total, dtype=np.int64)
    for c in range(N_CLASSES):  # four draws: the words of each class's rows
        mine = y[rows] == c
        p = popularity * tilt[c]
        cols[mine] = rng.choice(d, size=int(mine.sum()), p=p / p.sum())
    counts = 1 + rng.geometric(0.6, size=total)
    X = sparse.coo_matrix((counts.astype(float), (rows, cols)), shape=(n, d)).tocsr()
    return X, y


def ours(X, y) -> np.ndarray:
    return mutual_info_scores(X, y, "plugin")


def peak_memory(X, y) -> int:
    """Peak bytes allocated while ours runs (``tracemalloc``)."""
    tracemalloc.start()
    try:
        ours(X, y)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 rows instead of 20,000")
    args = parser.parse_args(argv)
    n = 2_000 if args.quick else 20_000
    X, y = bag_of_words(n, 5_000, DENSITY * 5_000)
    t_ours, mine = best_of(lambda: ours(X, y), 3)
    t_theirs, theirs = best_of(lambda: mutual_info_classif(X, y, discrete_features=True))
    diff = float(np.max(np.abs(mine - theirs)))
    print("| case | ours (s) | sklearn (s) | ours / sklearn | max abs diff (nats) |")
    print("|---|---|---|---|---|")
    print(
        f"| {n:,} x 5,000 counts, nnz {X.nnz:,}, 4 classes | {t_ours:.3f} | {t_theirs:.3f} "
        f"| {t_ours / t_theirs:.4f} | {diff:.1e} |"
    )
    if diff > TOLERANCE:
        raise SystemExit(f"values differ from scikit-learn's by {diff:.1e} > {TOLERANCE}")

    big, y_big = bag_of_words(n, 100_000, PER_ROW, seed=1)
    t_big, _ = best_of(lambda: ours(big, y_big), 3)
    print(f"\nours alone, {n:,} x 100,000 counts, nnz {big.nnz:,}: {t_big:.3f} s")
    print("\n| case | nnz | peak memory of ours (MB) | bytes per non-zero |")
    print("|---|---|---|---|")
    for name, matrix, labels in ((f"{n:,} x 5,000", X, y), (f"{n:,} x 100,000", big, y_big)):
        peak = peak_memory(matrix, labels)
        print(f"| {name} | {matrix.nnz:,} | {peak / 1e6:.1f} | {peak / matrix.nnz:.0f} |")


if __name__ == "__main__":
    main()
