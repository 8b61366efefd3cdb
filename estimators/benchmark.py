"""Estimator benchmarks against ground truth: estimators x tasks x sample sizes x seeds.

:func:`run` evaluates every applicable registered method on every task of
:data:`exact.distributions.TASKS` asked for, at every sample size and seed, and returns tidy
rows (task, quantity, estimator, n, seed, truth, estimate, seconds, error, failure). A cell
that raises is recorded as failed with its message and the run goes on. Cells run through
joblib (``n_jobs``, ``backend``), so the same run can go to any joblib backend.
:func:`summarize` gives bias, standard deviation, RMSE and median seconds per task,
estimator and n; :func:`write_csv` writes the rows.

Applicability: a method must estimate the task's quantity, and its kind of data must match
the task's samples (discrete methods on discrete tasks, continuous ones on continuous tasks;
methods for mixed data, such as "ross", wait for a mixed task).
"""

from __future__ import annotations

import csv
import math
import time
import warnings
from collections.abc import Iterable

import numpy as np

from exact import distributions

from . import _api
from ._inputs import as_samples, is_discrete
from ._registry import lookup, methods_for

FIELDS = (
    "task",
    "quantity",
    "estimator",
    "n",
    "seed",
    "truth",
    "estimate",
    "seconds",
    "error",
    "failure",
)


def applicable(task_name: str) -> list[str]:
    """The registered methods that can estimate task ``task_name``, sorted."""
    task = distributions.task(task_name)
    sample = task.sample(8, random_state=0)
    discrete = is_discrete(as_samples(sample if task.quantity == "entropy" else sample[0], "x"))
    kinds = ("discrete",) if discrete else ("continuous",)
    return [
        name for name in methods_for(task.quantity) if lookup(name, task.quantity).data in kinds
    ]


def run_cell(task_name: str, method: str, n: int, seed: int, options: dict | None = None):
    """One cell: draw ``n`` samples of the task with ``seed``, estimate, time; a row."""
    task = distributions.task(task_name)
    row = {
        "task": task_name,
        "quantity": task.quantity,
        "estimator": method,
        "n": n,
        "seed": seed,
        "truth": task.truth(),
        "estimate": math.nan,
        "seconds": math.nan,
        "error": math.nan,
        "failure": "",
    }
    try:
        samples = task.sample(n, random_state=seed)
        samples = (samples,) if task.quantity == "entropy" else tuple(samples)
        estimate = getattr(_api, task.quantity)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = estimate(*samples, method=method, **(options or {}))
        row.update(seconds=time.perf_counter() - start, estimate=value, error=value - row["truth"])
    except Exception as error:  # a failing cell is recorded, the run goes on
        row["failure"] = f"{type(error).__name__}: {error}"
    return row


def run(
    tasks: Iterable[str],
    sizes: Iterable[int],
    seeds: Iterable[int],
    methods: Iterable[str] | None = None,
    *,
    n_jobs: int = 1,
    backend: str | None = None,
    options: dict[str, dict] | None = None,
) -> list[dict]:
    """Every applicable method (or those in ``methods``) on every task, size and seed.

    ``options`` maps a method name to its options. Cells run through
    ``joblib.Parallel(n_jobs=n_jobs, backend=backend)``; rows come back in grid order.
    Cost: the sum of the cells' costs, divided among ``n_jobs`` workers.
    """
    from joblib import Parallel, delayed

    grid = [
        (task, method, n, seed)
        for task in tasks
        for method in applicable(task)
        if methods is None or method in methods
        for n in sizes
        for seed in seeds
    ]
    options = options or {}
    parallel = Parallel(n_jobs=n_jobs, backend=backend)
    return parallel(
        delayed(run_cell)(task, method, n, seed, options.get(method))
        for task, method, n, seed in grid
    )


def summarize(rows: list[dict]) -> list[dict]:
    """Per (task, estimator, n): truth, mean estimate, bias, sd, RMSE, median seconds, fails."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault((row["task"], row["estimator"], row["n"]), []).append(row)
    summary = []
    for (task, estimator, n), group in groups.items():
        done = [r for r in group if not r["failure"]]
        errors = np.array([r["error"] for r in done])
        summary.append(
            {
                "task": task,
                "estimator": estimator,
                "n": n,
                "truth": group[0]["truth"],
                "mean": float(np.mean([r["estimate"] for r in done])) if done else math.nan,
                "bias": float(errors.mean()) if done else math.nan,
                "sd": float(errors.std(ddof=1)) if len(done) > 1 else math.nan,
                "rmse": float(np.sqrt((errors**2).mean())) if done else math.nan,
                "median_seconds": float(np.median([r["seconds"] for r in done]))
                if done
                else math.nan,
                "failed": len(group) - len(done),
            }
        )
    return summary


def write_csv(rows: list[dict], path) -> None:
    """The tidy rows as CSV, one line per cell, columns :data:`FIELDS`."""
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)


def plot(rows: list[dict], folder) -> list:
    """Figures from the rows, if matplotlib is installed: ``estimates.png`` (estimate
    against n per task, mean and a band of ± one sd over seeds, the truth dashed) and
    ``errors.png`` (estimator x task heat map of the RMSE at the largest n). Returns the
    paths written (none without matplotlib)."""
    try:
        import matplotlib
    except ImportError:
        return []
    from pathlib import Path

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(folder)
    summary = summarize(rows)
    tasks = list(dict.fromkeys(s["task"] for s in summary))
    columns = min(4, len(tasks))
    figure, axes = plt.subplots(
        -(-len(tasks) // columns),
        columns,
        figsize=(4 * columns, 3 * -(-len(tasks) // columns)),
        squeeze=False,
    )
    for axis, task in zip(axes.flat, tasks, strict=False):
        for estimator in dict.fromkeys(s["estimator"] for s in summary if s["task"] == task):
            cells = [s for s in summary if s["task"] == task and s["estimator"] == estimator]
            n = [c["n"] for c in cells]
            mean = np.array([c["mean"] for c in cells])
            sd = np.nan_to_num(np.array([c["sd"] for c in cells]))
            axis.plot(n, mean, marker="o", label=estimator)
            axis.fill_between(n, mean - sd, mean + sd, alpha=0.2)
        axis.axhline(cells[0]["truth"], color="black", linestyle="--")
        axis.set_xscale("log")
        axis.set_title(task, fontsize=9)
        axis.legend(fontsize=6)
    for axis in list(axes.flat)[len(tasks) :]:
        axis.set_visible(False)
    figure.tight_layout()
    figure.savefig(folder / "estimates.png", dpi=100)
    plt.close(figure)

    largest = max(s["n"] for s in summary)
    estimators = sorted({s["estimator"] for s in summary})
    grid = np.full((len(estimators), len(tasks)), np.nan)
    for s in summary:
        if s["n"] == largest:
            grid[estimators.index(s["estimator"]), tasks.index(s["task"])] = s["rmse"]
    figure, axis = plt.subplots(figsize=(1 + 0.8 * len(tasks), 1 + 0.4 * len(estimators)))
    image = axis.imshow(np.log10(grid), cmap="viridis")
    axis.set_xticks(range(len(tasks)), tasks, rotation=60, ha="right", fontsize=7)
    axis.set_yticks(range(len(estimators)), estimators, fontsize=7)
    figure.colorbar(image, label=f"log10 RMSE at n = {largest} (nats)")
    figure.tight_layout()
    figure.savefig(folder / "errors.png", dpi=100)
    plt.close(figure)
    return [folder / "estimates.png", folder / "errors.png"]
