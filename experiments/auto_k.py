"""How many neighbours ``method="auto"`` uses for continuous MI: ``k`` swept on the hard suite.

``python -m experiments.auto_k`` runs ``auto`` (``copula-ksg``) with k = 2, 3, 5, 8 on every
task of :data:`exact.distributions.HARD_SUITE` (n = 5,000, seeds 0-2, cells on 2 processes)
and prints, per k: the tasks solved (``|log(estimate / truth)| < log 1.5``, averaged over
seeds), the mean and median of ``|log(estimate / truth)|`` over the 135 cells, and the
summed seconds. About 15 minutes on 2 cores.
"""

from __future__ import annotations

import numpy as np

from estimators import benchmark
from exact.distributions import HARD_SUITE

KS = (2, 3, 5, 8)


def main() -> None:
    print("| k | solved (of 45) | mean abs log ratio | median abs log ratio | seconds |")
    print("|---|---|---|---|---|")
    for k in KS:
        rows = benchmark.run(
            HARD_SUITE, [5000], [0, 1, 2], ["auto"], n_jobs=2, options={"auto": {"k": k}}
        )
        ratio = np.abs(np.log([r["estimate"] / r["truth"] for r in rows]))
        solved = float(np.sum(ratio < np.log(1.5))) / 3
        seconds = sum(r["seconds"] for r in rows)
        print(
            f"| {k} | {solved:.2f} | {ratio.mean():.4f} | {np.median(ratio):.4f} | {seconds:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
