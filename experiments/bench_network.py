"""Pairwise MI of wide data: the block kernel against scikit-learn, and the time of a network.

Run ``python -m experiments.bench_network`` (``--quick``: smaller p for a smoke run). Prints a
markdown table, every row from the same run on the same machine:

1. :func:`estimators.selection.mutual_info_matrix` of a 1,000 x 60 table (1,770 pairs; ours
   on every core, ``n_jobs=-1``, and on one) against scikit-learn's
   ``mutual_info_regression`` looped over the columns (``mutual_info_regression(X[:, i + 1:],
   X[:, i])`` for each ``i``: every pair once, one job), with the time ratio and the largest
   difference of the values (ours clipped at 0 as scikit-learn clips);
2. the same matrix at p = 200, n = 500 pair by pair, as before the block kernel (one
   joblib task and one Python call chain per pair), against the block kernel, both on every
   core: the cut of issue 17's point 5, and the largest difference of the values;
3. the p = 1,000, n = 500 matrix, and :func:`estimators.selection.mutual_info_network` of
   the same table (the null drawn first, timed on its own), on every core;
4. the projected time of 2 * 10^4 columns (n = 500) on a 64-core cluster: seconds per pair
   on one core measured in row 3, ``t_pair = T * cores / pairs``, then ``T_64 = t_pair *
   p (p - 1) / 2 / 64`` (perfect scaling over 64 single-threaded Dask workers, each task
   a block of ~30,000 pairs; the scheduler's ~1 ms per task and the one-off shipping of the
   ranked columns, 160 MB, are left out).

The data: columns driven by 5 shared Gaussian factors through random monotone and
non-monotone maps, so pairs range from independent to strongly dependent. Ours is timed
after numba compiled its kernels (cached on disk). The machine's other load moves every
time; the ratios within a row are from back-to-back runs.
"""

from __future__ import annotations

import argparse
import os

import numpy as np
from joblib import Parallel, delayed
from sklearn.feature_selection import mutual_info_regression

from estimators.network import NULL_DRAWS, null_distribution
from estimators.selection import (
    _auto_pair,
    _Preparation,
    _prepared_columns,
    mutual_info_matrix,
    mutual_info_network,
)

from ._timing import best_of

CLUSTER_CORES = 64
WIDE = 20_000


def factor_table(n: int, d: int, seed: int = 0) -> np.ndarray:
    """``d`` columns, each a noisy function of one of 5 shared factors (or noise alone)."""
    rng = np.random.default_rng(seed)
    factors = rng.standard_normal((n, 5))
    maps = (np.tanh, np.sin, lambda v: v**3, np.exp, lambda v: v)
    X = np.empty((n, d))
    for j in range(d):
        f = rng.integers(6)
        signal = maps[j % 5](factors[:, f]) if f < 5 else 0.0
        X[:, j] = signal + rng.uniform(0.3, 1.5) * rng.standard_normal(n)
    return X


def sklearn_matrix(X: np.ndarray) -> np.ndarray:
    """scikit-learn's ``mutual_info_regression`` looped over the columns: each pair once."""
    d = X.shape[1]
    found = np.full((d, d), np.nan)
    for i in range(d - 1):
        values = mutual_info_regression(X[:, i + 1 :], X[:, i], n_neighbors=3, random_state=0)
        found[i, i + 1 :] = found[i + 1 :, i] = values
    return found


def pair_by_pair(X: np.ndarray, n_jobs: int = -1) -> np.ndarray:
    """The previous path: one joblib task per pair (threads), each a call of the KSG chain."""
    columns, _ = _prepared_columns(X, "X", "auto", "auto", 3, _Preparation.of(4, 0))
    d = len(columns)
    pairs = [(i, j) for i in range(d) for j in range(i + 1, d)]
    found = Parallel(n_jobs=n_jobs, prefer="threads")(
        delayed(_auto_pair)(columns[i], columns[j], 3) for i, j in pairs
    )
    values = np.full((d, d), np.nan)
    for (i, j), mi in zip(pairs, found, strict=True):
        values[i, j] = values[j, i] = mi
    return values


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="p = 300 instead of 1,000 in row 3")
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    wide = 300 if args.quick else 1000
    mutual_info_matrix(factor_table(200, 4))  # compile (or load) the kernels
    rows = []

    X = factor_table(1000, 60)
    t_sklearn, theirs = best_of(lambda: sklearn_matrix(X))
    t_ours, ours = best_of(lambda: mutual_info_matrix(X, n_jobs=-1), 2)
    t_one, _ = best_of(lambda: mutual_info_matrix(X), 2)
    diff = np.nanmax(np.abs(np.maximum(ours, 0) - theirs))
    rows.append(
        (
            "matrix 1,000 x 60 (1,770 pairs): ours n_jobs=-1 / sklearn loop",
            f"{t_ours:.3f} / {t_sklearn:.3f}",
            f"1/{t_sklearn / t_ours:.1f} (n_jobs=1: {t_one:.3f} s, 1/{t_sklearn / t_one:.1f}); "
            f"max diff {diff:.1e} nats",
        )
    )

    X = factor_table(500, 200)
    t_before, before = best_of(lambda: pair_by_pair(X))
    t_after, after = best_of(lambda: mutual_info_matrix(X, n_jobs=-1, random_state=0))
    rows.append(
        (
            "matrix 500 x 200 (19,900 pairs): pair by pair (before) / block kernel",
            f"{t_before:.2f} / {t_after:.2f}",
            f"{t_before / t_after:.2f}x faster; max diff {np.nanmax(np.abs(before - after)):.1e}",
        )
    )

    X = factor_table(500, wide)
    pairs = wide * (wide - 1) // 2
    t_matrix, _ = best_of(lambda: mutual_info_matrix(X, n_jobs=-1))
    t_pair = t_matrix * cores / pairs
    rows.append(
        (
            f"matrix 500 x {wide:,} ({pairs:,} pairs), {cores} cores",
            f"{t_matrix:.1f}",
            f"{1e6 * t_pair:.0f} us a pair on one core",
        )
    )
    t_null, _ = best_of(lambda: null_distribution(500, n_null=NULL_DRAWS, n_jobs=-1))
    t_network, edges = best_of(lambda: mutual_info_network(X, n_jobs=-1, random_state=0))
    rows.append(
        (
            f"network 500 x {wide:,}, {cores} cores: null ({NULL_DRAWS:,} draws) / edges",
            f"{t_null:.1f} / {t_network:.1f}",
            f"{len(edges):,} edges at q <= 0.05 (null drawn once per n, then cached)",
        )
    )
    wide_pairs = WIDE * (WIDE - 1) // 2
    projected = t_pair * wide_pairs / CLUSTER_CORES
    rows.append(
        (
            f"projected: 500 x {WIDE:,} ({wide_pairs:.2e} pairs) on {CLUSTER_CORES} cores",
            f"{projected:,.0f}",
            f"t_pair x p(p-1)/2 / {CLUSTER_CORES} = {projected / 60:.1f} min "
            f"(+ the null, {t_null * cores:.0f} s of one core, once)",
        )
    )

    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"load average at the end (1, 5, 15 min; {cores} cores): {load}\n")
    print("| case | seconds | note |")
    print("|---|---|---|")
    for case, seconds, note in rows:
        print(f"| {case} | {seconds} | {note} |")


if __name__ == "__main__":
    main()
