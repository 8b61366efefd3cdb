"""The speed of ``method="auto"`` for continuous MI, timed in the same run.

Run ``python -m experiments.bench_auto``. Prints one table: per case, the seconds of
``estimators.mutual_information(x, y)`` (``auto``: ``"copula-ksg"`` on continuous columns,
random_state fixed), of its routes alone (KSG, the Gaussian copula), and for the 1 + 1
case at n = 10^5 of scikit-learn's ``mutual_info_regression(n_neighbors=3)`` on the same
data, with the ratio. Best of two runs each; data and imports ready before the clock.
Data: correlated normals (rho = 0.6 on each coordinate pair; 50 + 50: two pairs).
"""

from __future__ import annotations

import numpy as np

from experiments._timing import best_of

CASES = [  # (n, dim_x, dim_y, pairs correlated)
    (100_000, 1, 1, 1),
    (5_000, 1, 1, 1),
    (5_000, 2, 2, 2),
    (5_000, 5, 5, 5),
    (5_000, 50, 50, 2),
]
RHO = 0.6


def _data(n: int, dim: int, pairs: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal((n, dim)), rng.standard_normal((n, dim))
    y[:, :pairs] = RHO * x[:, :pairs] + np.sqrt(1 - RHO**2) * y[:, :pairs]
    return x, y


def _row(n: int, dim: int, pairs: int) -> str:
    import estimators

    x, y = _data(n, dim, pairs)
    truth = -0.5 * pairs * np.log(1 - RHO**2)
    cells = [f"{n:,}", f"{dim}+{dim}", f"{truth:.3f}"]
    for method in ("auto", "ksg", "gaussian-copula"):
        seconds, value = best_of(
            lambda m=method: estimators.mutual_information(x, y, method=m, random_state=0), 2
        )
        cells.append(f"{value:.3f} ({seconds:.2f} s)")
    auto_seconds = best_of(lambda: estimators.mutual_information(x, y, random_state=0), 2)[0]
    if dim == 1 and n >= 100_000:
        from sklearn.feature_selection import mutual_info_regression

        seconds, value = best_of(
            lambda: mutual_info_regression(x, y.ravel(), n_neighbors=3, random_state=0)[0], 2
        )
        cells += [f"{value:.3f} ({seconds:.2f} s)", f"{auto_seconds / seconds:.2f}"]
    else:
        cells += ["—", "—"]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    print("| n | dims | truth | auto | ksg | gaussian-copula | scikit-learn | auto / sklearn |")
    print("|---|---|---|---|---|---|---|---|")
    for case in CASES:
        print(_row(case[0], case[1], case[3]), flush=True)


if __name__ == "__main__":
    main()
