"""Default bins of the histogram family: the old ``"fd"`` against the new ``"joint"``.

Run ``python -m experiments.histogram_bins`` (about a minute on two cores). For every task of
:data:`exact.distributions.TASKS` that the histogram family can estimate
(:func:`estimators.benchmark.applicable`), at n = 1,000, 5,000 and 20,000 and over 5 seeds, it
estimates the task's quantity with ``method="histogram"`` twice on the same samples — with
``bins="fd"`` (numpy's Freedman–Diaconis width per column, the default until this study) and
with the default ``bins="joint"`` (equal-frequency bins, ``B = round((2n / d)^(1/(d+1)))`` per
column for the ``d`` columns binned together, at most ``n`` cells; see
:mod:`estimators.histogram`) — and prints a markdown table: the mean error (estimate - truth,
nats) and its standard deviation over the seeds, for each task, n and rule, then the mean
absolute error of each rule per quantity.

A cell that raises is shown as ``failed`` with the message below the table (the run goes on).
``--sizes``, ``--seeds`` and ``--tasks`` narrow the run.
"""

from __future__ import annotations

import argparse
import statistics

from estimators import benchmark, histogram
from exact import distributions

SIZES = (1_000, 5_000, 20_000)
SEEDS = 5
RULES = {"fd (old)": {"bins": "fd"}, "joint (new)": {}}  # {} : the default


def histogram_tasks() -> list[str]:
    """The tasks of :data:`exact.distributions.TASKS` the histogram family applies to."""
    return [name for name in distributions.TASKS if "histogram" in benchmark.applicable(name)]


def _dimension(name: str) -> int:
    """Columns binned together for the task's quantity (all of its variables)."""
    task = distributions.task(name)
    draws = task.sample(2, random_state=0)
    draws = (draws,) if task.quantity == "entropy" else draws
    if task.quantity == "kl_divergence":
        draws = draws[:1]  # the shared space
    return sum(1 if d.ndim == 1 else d.shape[1] for d in draws)


def _summary(errors: list[float]) -> tuple[float, float]:
    mean = statistics.fmean(errors)
    sd = statistics.stdev(errors) if len(errors) > 1 else 0.0
    return mean, sd


def rows(tasks, sizes, seeds: int):
    """One dict per (task, n): truth, d, the joint rule's bins per column, and per rule the
    (mean, sd) of the error, or the failure message."""
    for name in tasks:
        d = _dimension(name)
        for n in sizes:
            row = {"task": name, "n": n, "d": d, "bins": histogram._joint_bin_count(n, d)}
            for label, options in RULES.items():
                cells = [
                    benchmark.run_cell(name, "histogram", n, seed, options=options)
                    for seed in range(seeds)
                ]
                row["truth"] = cells[0]["truth"]
                failures = [c["failure"] for c in cells if c["failure"]]
                row[label] = failures[0] if failures else _summary([c["error"] for c in cells])
            yield row


def markdown(table: list[dict]) -> str:
    header = ["task", "d", "n", "truth", "joint B", *(f"{r}: error ± sd" for r in RULES)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    failures = []
    for row in table:
        cells = [row["task"], str(row["d"]), f"{row['n']:,}", f"{row['truth']:.4f}"]
        cells.append(str(row["bins"]))
        for label in RULES:
            value = row[label]
            if isinstance(value, str):
                failures.append(f"- {row['task']}, n = {row['n']}, {label}: {value}")
                cells.append("failed")
            else:
                cells.append(f"{value[0]:+.3f} ± {value[1]:.3f}")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", _totals(table)]
    if failures:
        lines += ["", "Failed cells:", *failures]
    return "\n".join(lines)


def _totals(table: list[dict]) -> str:
    """Mean |mean error| per quantity and rule, and how often the new rule is the closer."""
    quantity = {name: distributions.task(name).quantity for name in {r["task"] for r in table}}
    lines = ["| quantity | cells | " + " | ".join(f"{r}: mean abs error" for r in RULES) + " |"]
    lines.append("|" + "---|" * (len(RULES) + 2))
    for q in sorted(set(quantity.values())):
        picked = [r for r in table if quantity[r["task"]] == q]
        means = []
        for label in RULES:
            errors = [abs(r[label][0]) for r in picked if not isinstance(r[label], str)]
            means.append(f"{statistics.fmean(errors):.3f}" if errors else "—")
        lines.append(f"| {q} | {len(picked)} | " + " | ".join(means) + " |")
    old, new = RULES
    both = [r for r in table if not isinstance(r[old], str) and not isinstance(r[new], str)]
    closer = sum(abs(r[new][0]) < abs(r[old][0]) for r in both)
    lines.append("")
    lines.append(f"The new default is the closer to the truth in {closer} of {len(both)} cells.")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", type=int, default=list(SIZES))
    parser.add_argument("--seeds", type=int, default=SEEDS)
    parser.add_argument("--tasks", nargs="*", default=None, help="default: every histogram task")
    args = parser.parse_args(argv)
    tasks = args.tasks if args.tasks else histogram_tasks()
    unknown = [t for t in tasks if t not in distributions.TASKS]
    if unknown:
        parser.error(f"unknown tasks {unknown}; known: {', '.join(sorted(distributions.TASKS))}")
    if args.seeds < 1 or not args.sizes or min(args.sizes) < 2:
        parser.error("need --seeds >= 1 and sizes >= 2")
    table = list(rows(tasks, args.sizes, args.seeds))
    print(markdown(table))


if __name__ == "__main__":
    main()
