"""Which selector finds the informative features of ``make_classification``?

Run ``python -m experiments.selection_recovery`` (``--seeds``, ``--n``). Each seed draws
``make_classification(n_samples=n, n_features=20, n_informative=5, n_redundant=3,
n_repeated=4, n_classes=3, shuffle=False)``: columns 0-4 are informative, 5-7 random linear
combinations of them (redundant), 8-11 exact copies of columns 0-7 (repeated), 12-19
noise. Every useful column lies in the 5-dimensional span of the informative ones, so what
a selection of k = 5 columns recovers is the number of informative directions its useful
columns span: the rank of those columns (0 to 5; a copy or a combination of columns
already chosen adds nothing). The table gives, per selector, that rank (mean over seeds, and
per seed), how many seeds it beats ``SelectKBest(mutual_info_classif)`` / ties / loses, the
noise columns chosen, and the mean selection time. Written to stdout and to
``experiments/results/selection_recovery.md``.

mRMR's difference form scores a noise column about 0 (no relevance, no redundancy); here
the informative columns are correlated within classes, so once a few are chosen the rest
score below 0 and plain mRMR picks noise. With ``alpha`` (relevance permutation test) the
noise columns are not eligible: that row is mRMR itself, on the columns that carry
information about y.

``--sweep`` asks whether that is particular to this configuration: 16 of them (3 or 5
redundant columns, 0 or 4 repeated, 2 or 3 classes, 1 or 2 clusters per class; always 5
informative and 8 noise columns), the same count per selector, one row each (written to
``experiments/results/selection_recovery_sweep.md``).
"""

from __future__ import annotations

import argparse
import itertools
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.datasets import make_classification
from sklearn.feature_selection import SelectKBest, mutual_info_classif

from estimators.selection import MutualInfoSelector

INFORMATIVE, NOISE = 5, 8
K = 5
RESULTS = Path(__file__).resolve().parent / "results" / "selection_recovery.md"
SWEEP_RESULTS = RESULTS.with_name("selection_recovery_sweep.md")


@dataclass(frozen=True)
class Config:
    """The column mix of one ``make_classification`` problem (informative columns first)."""

    redundant: int = 3
    repeated: int = 4
    classes: int = 3
    clusters: int = 2  # per class

    @property
    def useful(self) -> int:
        """Informative, redundant and repeated columns come first (``shuffle=False``)."""
        return INFORMATIVE + self.redundant + self.repeated

    def describe(self) -> str:
        return (
            f"{INFORMATIVE} informative, {self.redundant} redundant, {self.repeated} repeated, "
            f"{NOISE} noise; {self.classes} classes, {self.clusters} clusters per class"
        )


SWEEP = [Config(*c) for c in itertools.product((3, 5), (0, 4), (2, 3), (1, 2))]


def problem(seed: int, n: int, config: Config = Config()):
    return make_classification(
        n_samples=n,
        n_features=config.useful + NOISE,
        n_informative=INFORMATIVE,
        n_redundant=config.redundant,
        n_repeated=config.repeated,
        n_classes=config.classes,
        n_clusters_per_class=config.clusters,
        shuffle=False,
        random_state=seed,
    )


def selectors(seed: int) -> dict:
    return {
        "SelectKBest(mutual_info_classif)": SelectKBest(
            lambda X, y: mutual_info_classif(X, y, random_state=seed), k=K
        ),
        "MutualInfoSelector jmi": MutualInfoSelector(K, "jmi", random_state=seed),
        "MutualInfoSelector mrmr": MutualInfoSelector(K, "mrmr", random_state=seed),
        "MutualInfoSelector mrmr, alpha=0.01": MutualInfoSelector(
            K, "mrmr", alpha=0.01, random_state=seed
        ),
        "MutualInfoSelector cmim": MutualInfoSelector(K, "cmim", random_state=seed),
        "MutualInfoSelector mim": MutualInfoSelector(K, "mim", random_state=seed),
    }


def recovered(selector, X, y, useful_columns: int) -> tuple[int, int, float]:
    """(informative directions spanned, noise columns chosen, seconds)."""
    start = time.perf_counter()
    with warnings.catch_warnings():
        # with alpha, fewer than k columns may be significant: the count shows it
        warnings.filterwarnings("ignore", "only .* have a relevance significant")
        chosen = np.flatnonzero(selector.fit(X, y).get_support())
    elapsed = time.perf_counter() - start
    useful = chosen[chosen < useful_columns]
    rank = int(np.linalg.matrix_rank(X[:, useful])) if useful.size else 0
    return rank, int((chosen >= useful_columns).sum()), elapsed


def study(seeds: range, n: int, config: Config = Config()) -> tuple[dict, dict, dict]:
    """Per selector, per seed: (directions recovered, noise columns chosen, seconds)."""
    found: dict[str, list[int]] = {}
    noise: dict[str, list[int]] = {}
    seconds: dict[str, list[float]] = {}
    for seed in seeds:
        X, y = problem(seed, n, config)
        for name, selector in selectors(seed).items():
            rank, noisy, elapsed = recovered(selector, X, y, config.useful)
            found.setdefault(name, []).append(rank)
            noise.setdefault(name, []).append(noisy)
            seconds.setdefault(name, []).append(elapsed)
    return found, noise, seconds


def _record(counts: list[int], baseline: np.ndarray) -> str:
    """``win / tie / loss`` of ``counts`` against the baseline, seed by seed."""
    c = np.asarray(counts)
    return f"{(c > baseline).sum()} / {(c == baseline).sum()} / {(c < baseline).sum()}"


def table(seeds: range, n: int) -> tuple[str, dict]:
    found, noise, seconds = study(seeds, n)
    baseline = np.array(found["SelectKBest(mutual_info_classif)"])
    lines = [
        f"k = {K} of {Config().useful + NOISE} columns ({Config().describe()}), n = {n}, "
        f"{len(seeds)} seeds",
        "",
        "| selector | informative directions in top 5 (mean) | per seed "
        "| vs SelectKBest: win / tie / loss | noise chosen (mean) | seconds (mean) |",
        "|---|---|---|---|---|---|",
    ]
    for name, counts in found.items():
        lines.append(
            f"| {name} | {np.mean(counts):.1f} | {' '.join(map(str, counts))} "
            f"| {_record(counts, baseline)} | {np.mean(noise[name]):.1f} "
            f"| {np.mean(seconds[name]):.2f} |"
        )
    return "\n".join(lines), found


def sweep_rows(seeds: range, n: int):
    """One markdown row per configuration of :data:`SWEEP`: each selector's mean directions
    and its win / tie / loss record against SelectKBest."""
    for config in SWEEP:
        found, noise, _ = study(seeds, n, config)
        baseline = np.array(found["SelectKBest(mutual_info_classif)"])
        cells = [
            f"{np.mean(c):.1f} ({_record(c, baseline)}; noise {np.mean(noise[name]):.1f})"
            for name, c in found.items()
        ]
        yield (
            f"| {config.redundant} | {config.repeated} | {config.classes} | {config.clusters} | "
            + " | ".join(cells)
            + " |"
        )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--sweep", action="store_true", help="16 configurations, one row each")
    args = parser.parse_args(argv)
    if args.sweep:
        _sweep(range(args.seeds), args.n)
        return
    text, _ = table(range(args.seeds), args.n)
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        f"`python -m experiments.selection_recovery --seeds {args.seeds} --n {args.n}`\n\n"
        + text
        + "\n"
    )


def _sweep(seeds: range, n: int) -> None:
    names = list(selectors(0))
    lines = [
        f"`python -m experiments.selection_recovery --sweep --seeds {len(seeds)} --n {n}`",
        "",
        f"k = {K}; {INFORMATIVE} informative and {NOISE} noise columns in each; cells: "
        "informative directions in the top 5 (mean over seeds), win / tie / loss against "
        "SelectKBest seed by seed, noise columns chosen (mean)",
        "",
        "| redundant | repeated | classes | clusters per class | " + " | ".join(names) + " |",
        "|---|---|---|---|" + "---|" * len(names),
    ]
    print("\n".join(lines), flush=True)
    for row in sweep_rows(seeds, n):
        lines.append(row)
        print(row, flush=True)
    SWEEP_RESULTS.parent.mkdir(parents=True, exist_ok=True)
    SWEEP_RESULTS.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
