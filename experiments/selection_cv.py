"""Selected features, then a scaled logistic regression: 5-fold cross-validated accuracy.

Run ``python -m experiments.selection_cv`` (``--datasets``, ``--k``). For scikit-learn's
bundled breast_cancer, wine and digits sets, each selector keeps k = 5 and k = 10 columns
inside each fold (a ``Pipeline``: selector, ``StandardScaler``, ``LogisticRegression``;
``StratifiedKFold(5, shuffle=True, random_state=0)``), and the table gives the mean
accuracy over the folds and the mean time of one selection (fit of the selector alone).
Selectors: ``SelectKBest(mutual_info_classif)`` and :class:`MutualInfoSelector` with each
criterion that takes continuous features (``"disr"`` needs discrete ones). Written to
stdout and to ``experiments/results/selection_cv.md``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.feature_selection import SelectKBest, mutual_info_classif
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from estimators.selection import MutualInfoSelector

DATASETS = {"breast_cancer": load_breast_cancer, "wine": load_wine, "digits": load_digits}
CRITERIA = ("mim", "mifs", "mrmr", "jmi", "cmim")
RESULTS = Path(__file__).resolve().parent / "results" / "selection_cv.md"


def selectors(k: int) -> dict:
    found = {
        "SelectKBest(mutual_info_classif)": SelectKBest(
            lambda X, y: mutual_info_classif(X, y, random_state=0), k=k
        )
    }
    for criterion in CRITERIA:
        found[criterion] = MutualInfoSelector(k, criterion, random_state=0)
    return found


def cross_validated(selector, X, y) -> tuple[float, float]:
    """(mean accuracy, mean seconds of one selection) over 5 stratified folds."""
    accuracies, seconds = [], []
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(X, y):
        model = make_pipeline(clone(selector), StandardScaler(), LogisticRegression(max_iter=5000))
        start = time.perf_counter()
        model[0].fit(X[train], y[train])
        seconds.append(time.perf_counter() - start)
        model.fit(X[train], y[train])
        accuracies.append(model.score(X[test], y[test]))
    return float(np.mean(accuracies)), float(np.mean(seconds))


def rows(datasets: list[str], ks: list[int]):
    for name in datasets:
        X, y = DATASETS[name](return_X_y=True)
        for k in ks:
            yield name, k, {s: cross_validated(sel, X, y) for s, sel in selectors(k).items()}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--k", default="5,10")
    args = parser.parse_args(argv)
    names = ["SelectKBest(mutual_info_classif)", *CRITERIA]
    lines = [
        "5-fold CV accuracy (mean) of StandardScaler + LogisticRegression on the k selected "
        "columns, selection inside each fold; in brackets: seconds per selection",
        "",
        "| data set | k | " + " | ".join(names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    print("\n".join(lines), flush=True)
    for data, k, found in rows(args.datasets.split(","), [int(v) for v in args.k.split(",")]):
        best = max(acc for acc, _ in found.values())
        cells = [
            (f"**{acc:.3f}**" if acc == best else f"{acc:.3f}") + f" ({sec:.2f}s)"
            for acc, sec in (found[n] for n in names)
        ]
        lines.append(f"| {data} | {k} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        f"`python -m experiments.selection_cv --datasets {args.datasets} --k {args.k}`\n\n"
        + "\n".join(lines)
        + "\n"
    )


if __name__ == "__main__":
    main()
