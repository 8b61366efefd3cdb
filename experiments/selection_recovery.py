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
``experiments/results/selection_recovery_sweep.md``). ``--levels L`` quantizes every column
to ``L`` equal steps over its range (rounded values, as in digits' pixels) and
``--neighbors K`` sets the ``n_neighbors`` of our selectors (both also without
``--sweep``); either adds a suffix to the file written.
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


def selectors(seed: int, n_neighbors: int | None = None) -> dict:
    ours = {"random_state": seed} | ({} if n_neighbors is None else {"n_neighbors": n_neighbors})
    return {
        "SelectKBest(mutual_info_classif)": SelectKBest(
            lambda X, y: mutual_info_classif(X, y, random_state=seed), k=K
        ),
        "MutualInfoSelector jmi": MutualInfoSelector(K, "jmi", **ours),
        "MutualInfoSelector mrmr": MutualInfoSelector(K, "mrmr", **ours),
        "MutualInfoSelector mrmr, alpha=0.01": MutualInfoSelector(K, "mrmr", alpha=0.01, **ours),
        "MutualInfoSelector cmim": MutualInfoSelector(K, "cmim", **ours),
        "MutualInfoSelector mim": MutualInfoSelector(K, "mim", **ours),
    }


def quantized(X: np.ndarray, levels: int | None) -> np.ndarray:
    """Each column rounded to ``levels`` equal steps over its range (None: ``X``)."""
    if levels is None:
        return X
    low, span = X.min(axis=0), np.ptp(X, axis=0)
    return np.round((X - low) / np.where(span > 0, span, 1.0) * (levels - 1))


def recovered(selector, X, y, useful_columns: int, levels=None) -> tuple[int, int, float]:
    """(informative directions spanned, noise columns chosen, seconds); with ``levels`` the
    selector sees the columns :func:`quantized`, the directions are those of the originals
    (a rounded combination of columns would count as a new direction)."""
    start = time.perf_counter()
    with warnings.catch_warnings():
        # with alpha, fewer than k columns may be significant: the count shows it
        warnings.filterwarnings("ignore", "only .* have a relevance significant")
        chosen = np.flatnonzero(selector.fit(quantized(X, levels), y).get_support())
    elapsed = time.perf_counter() - start
    useful = chosen[chosen < useful_columns]
    rank = int(np.linalg.matrix_rank(X[:, useful])) if useful.size else 0
    return rank, int((chosen >= useful_columns).sum()), elapsed


def study(
    seeds: range, n: int, config: Config = Config(), levels=None, n_neighbors=None
) -> tuple[dict, dict, dict]:
    """Per selector, per seed: (directions recovered, noise columns chosen, seconds)."""
    found: dict[str, list[int]] = {}
    noise: dict[str, list[int]] = {}
    seconds: dict[str, list[float]] = {}
    for seed in seeds:
        X, y = problem(seed, n, config)
        for name, selector in selectors(seed, n_neighbors).items():
            rank, noisy, elapsed = recovered(selector, X, y, config.useful, levels)
            found.setdefault(name, []).append(rank)
            noise.setdefault(name, []).append(noisy)
            seconds.setdefault(name, []).append(elapsed)
    return found, noise, seconds


def _record(counts: list[int], baseline: np.ndarray) -> str:
    """``win / tie / loss`` of ``counts`` against the baseline, seed by seed."""
    c = np.asarray(counts)
    return f"{(c > baseline).sum()} / {(c == baseline).sum()} / {(c < baseline).sum()}"


def table(seeds: range, n: int, levels=None, n_neighbors=None) -> tuple[str, dict]:
    found, noise, seconds = study(seeds, n, Config(), levels, n_neighbors)
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


def sweep_rows(seeds: range, n: int, levels=None, n_neighbors=None):
    """One markdown row per configuration of :data:`SWEEP`: each selector's mean directions
    and its win / tie / loss record against SelectKBest."""
    for config in SWEEP:
        found, noise, _ = study(seeds, n, config, levels, n_neighbors)
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
    parser.add_argument("--levels", type=int, help="quantize every column to L levels")
    parser.add_argument("--neighbors", type=int, help="n_neighbors of ours")
    args = parser.parse_args(argv)
    if args.sweep:
        _sweep(range(args.seeds), args.n, args.levels, args.neighbors)
        return
    text, _ = table(range(args.seeds), args.n, args.levels, args.neighbors)
    print(text)
    options = _options(args.levels, args.neighbors)
    _write(
        _suffixed(RESULTS, options),
        f"`python -m experiments.selection_recovery --seeds {args.seeds} --n {args.n}"
        f"{options}`\n\n{text}\n",
    )


def _options(levels, n_neighbors) -> str:
    given = {"levels": levels, "neighbors": n_neighbors}
    return "".join(f" --{o} {v}" for o, v in given.items() if v is not None)


def _suffixed(path: Path, options: str) -> Path:
    """The results file of a run with ``options`` (none: ``path`` itself)."""
    return path.with_stem(path.stem + options.replace(" --", "-").replace(" ", "-"))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _sweep(seeds: range, n: int, levels=None, n_neighbors=None) -> None:
    names = list(selectors(0))
    options = _options(levels, n_neighbors)
    lines = [
        f"`python -m experiments.selection_recovery --sweep --seeds {len(seeds)} --n {n}{options}`",
        "",
        f"k = {K}; {INFORMATIVE} informative and {NOISE} noise columns in each; cells: "
        "informative directions in the top 5 (mean over seeds), win / tie / loss against "
        "SelectKBest seed by seed, noise columns chosen (mean)",
        "",
        "| redundant | repeated | classes | clusters per class | " + " | ".join(names) + " |",
        "|---|---|---|---|" + "---|" * len(names),
    ]
    print("\n".join(lines), flush=True)
    for row in sweep_rows(seeds, n, levels, n_neighbors):
        lines.append(row)
        print(row, flush=True)
    _write(_suffixed(SWEEP_RESULTS, options), "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
