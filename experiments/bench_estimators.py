"""Time and peak memory of each estimator family, and the discrete family against scikit-learn.

Run ``python -m experiments.bench_estimators`` (``--quick`` for n up to 10^5 only). It prints
two markdown tables:

1. for n in 10^3 ... 10^6, each family's time and peak traced memory for 1-D entropy and
   1+1-D MI on correlated Gaussian samples (integer labels for the discrete family). The KDE
   costs O(n^2) kernel evaluations, so it runs up to ``--kde-max-n`` (default 10^4) only;
2. ``estimators.discrete`` (plug-in MI) against ``sklearn.metrics.mutual_info_score`` on the
   same labels: both values, their difference in nats, and the time ratio.

Times are the best of ``--repeats`` runs; peak memory is measured by ``tracemalloc`` in a
separate run (numpy reports its buffers to it), so tracing does not slow the timed runs.
"""

from __future__ import annotations

import argparse
import tracemalloc
from functools import partial

import numpy as np
from sklearn.metrics import mutual_info_score

import estimators

from ._timing import best_of

FAMILIES = {  # family: (method for entropy or None, method for MI, continuous data?)
    "discrete (plugin)": ("plugin", "plugin", False),
    "histogram": ("histogram", "histogram", True),
    "kde": ("kde", "kde", True),
    "gaussian": ("gaussian", "gaussian", True),
    "gaussian-copula": (None, "gaussian-copula", True),
    "k-NN (knn / ksg)": ("knn", "ksg", True),
}


def _peak_mib(call) -> float:
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _samples(n: int, continuous: bool):
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n)
    y = 0.6 * x + 0.8 * rng.standard_normal(n)
    if continuous:
        return x, y
    return np.floor(x * 3).astype(np.int64), np.floor(y * 3).astype(np.int64)


def family_rows(sizes, kde_max_n: int, repeats: int):
    """(family, quantity, n, seconds, peak MiB) for every family, quantity and size."""
    for family, (entropy_method, mi_method, continuous) in FAMILIES.items():
        for n in sizes:
            if family == "kde" and n > kde_max_n:
                yield family, "entropy / MI", n, None, None
                continue
            x, y = _samples(n, continuous)
            calls = {"MI": partial(estimators.mutual_information, x, y, method=mi_method)}
            if entropy_method is not None:
                calls["entropy"] = partial(estimators.entropy, x, method=entropy_method)
            for quantity, call in sorted(calls.items()):
                yield family, quantity, n, best_of(call, repeats)[0], _peak_mib(call)


def sklearn_rows(sizes, repeats: int):
    """(n, ours, sklearn's, |difference|, our seconds, sklearn's seconds) on equal labels."""
    for n in sizes:
        x, y = _samples(n, continuous=False)
        ours = partial(estimators.mutual_information, x, y, method="plugin")
        theirs = partial(mutual_info_score, x, y)
        yield (
            n,
            ours(),
            theirs(),
            abs(ours() - theirs()),
            best_of(ours, repeats)[0],
            best_of(theirs, repeats)[0],
        )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n up to 10^5 only")
    parser.add_argument("--kde-max-n", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = [10**3, 10**4, 10**5] + ([] if args.quick else [10**6])

    print("| family | quantity | n | seconds | peak MiB |")
    print("|---|---|---|---|---|")
    for family, quantity, n, seconds, peak in family_rows(sizes, args.kde_max_n, args.repeats):
        if seconds is None:
            print(f"| {family} | {quantity} | {n:.0e} | skipped: O(n^2) | — |")
        else:
            print(f"| {family} | {quantity} | {n:.0e} | {seconds:.4f} | {peak:.1f} |")

    print(
        "\n| n | plugin MI (nats) | sklearn mutual_info_score | abs difference "
        "| ours (s) | sklearn (s) | sklearn / ours |"
    )
    print("|---|---|---|---|---|---|---|")
    for n, ours, theirs, diff, our_s, their_s in sklearn_rows(sizes, args.repeats):
        print(
            f"| {n:.0e} | {ours:.12f} | {theirs:.12f} | {diff:.1e} | {our_s:.4f} "
            f"| {their_s:.4f} | {their_s / our_s:.1f}x |"
        )


if __name__ == "__main__":
    main()
