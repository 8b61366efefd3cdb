"""Dataset MI against scikit-learn, timed in the same run on the same data.

Run ``python -m experiments.bench_selection`` (``--quick``: 2,000 rows). Prints a markdown
table: :func:`estimators.selection.mutual_info_scores` against ``mutual_info_regression`` /
``mutual_info_classif`` on a 10,000 x 50 table, and :func:`mutual_info_matrix` on 10,000 x
30 against scikit-learn's ``mutual_info_regression`` looped over the 435 column pairs; with
the time ratio and the largest difference from scikit-learn's values (ours clipped at 0 as
scikit-learn clips). Both sides run on one job (``n_jobs=None``; the matrix also with ours
on every core, ``n_jobs=-1``, against the same sequential pair loop — scikit-learn's
``n_jobs`` parallelises over the columns of one call, here a single one), k = 3; ours is timed after
numba has compiled its kernels (they are cached on disk after the first run). Best of
``REPEATS`` runs each, the sklearn pair loop once.

The data: continuous features with factor structure (each column a noisy mix of 5 latent
Gaussians, so the pairs range from independent to strongly dependent), a non-linear
continuous target and a 3-class target cut from it.
"""

from __future__ import annotations

import argparse

import numpy as np
from sklearn.feature_selection import mutual_info_classif, mutual_info_regression

from estimators.selection import mutual_info_matrix, mutual_info_scores

from ._timing import best_of

REPEATS = 2


def factor_table(n: int, d: int, seed: int = 0):
    """``(X, y_continuous, y_classes)``: ``d`` columns driven by 5 shared factors."""
    rng = np.random.default_rng(seed)
    factors = rng.standard_normal((n, 5))
    loadings = rng.standard_normal((5, d)) * (rng.random(d) < 0.7)
    X = factors @ loadings + rng.standard_normal((n, d))
    y = np.sin(factors[:, 0]) + factors[:, 1] ** 2 + 0.5 * rng.standard_normal(n)
    return X, y, np.digitize(y, np.quantile(y, [0.5, 0.8]))


def _sklearn_matrix(X):
    d = X.shape[1]
    found = np.full((d, d), np.nan)
    for i in range(d):
        for j in range(i + 1, d):
            mi = mutual_info_regression(X[:, [i]], X[:, j], n_neighbors=3, random_state=0)[0]
            found[i, j] = found[j, i] = mi
    return found


def cases(n: int):
    """``(name, {our variant: function}, sklearn's function, sklearn's repeats)``."""
    X, y, classes = factor_table(n, 50)
    yield (
        f"mutual_info_scores, {n} x 50, continuous y",
        {"": lambda: mutual_info_scores(X, y)},
        lambda: mutual_info_regression(X, y, n_neighbors=3, random_state=0),
        REPEATS,
    )
    yield (
        f"mutual_info_scores, {n} x 50, 3 classes",
        {"": lambda: mutual_info_scores(X, classes)},
        lambda: mutual_info_classif(X, classes, n_neighbors=3, random_state=0),
        REPEATS,
    )
    yield (
        f"mutual_info_matrix, {n} x 30 (435 pairs)",
        {
            "": lambda: mutual_info_matrix(X[:, :30]),
            ", ours n_jobs=-1": lambda: mutual_info_matrix(X[:, :30], n_jobs=-1),
        },
        lambda: _sklearn_matrix(X[:, :30]),
        1,
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 rows instead of 10,000")
    args = parser.parse_args(argv)
    n = 2_000 if args.quick else 10_000
    X, y, _ = factor_table(200, 3)
    mutual_info_scores(X, y), mutual_info_matrix(X)  # compile (or load) the kernels
    print("| case | ours (s) | sklearn (s) | ours / sklearn | max diff (nats) |")
    print("|---|---|---|---|---|")
    for name, variants, theirs, repeats in cases(n):
        t_theirs, their_value = best_of(theirs, repeats)
        for variant, ours in variants.items():
            t_ours, ours_value = best_of(ours, REPEATS)
            diff = np.nanmax(np.abs(np.maximum(ours_value, 0) - their_value))
            print(
                f"| {name}{variant} | {t_ours:.3f} | {t_theirs:.3f} | {t_ours / t_theirs:.3f} "
                f"| {diff:.1e} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
