"""The ``infoest`` command line: ``infoest bench`` runs the estimator benchmark.

``infoest bench`` with no arguments runs a quick suite (``auto`` and every non-neural
estimator on a few entropy, MI and KL tasks, rounded and zero-inflated ones among them, n =
1,000 and 5,000, 3 seeds; about 30 s on 2 cores), prints the summary table (bias, sd, RMSE,
median seconds against the exact values), and writes ``rows.csv``, ``summary.csv`` and, with
matplotlib, ``estimates.png`` and ``errors.png`` into ``--out`` (default ``infoest-bench``).
A progress bar over cells goes to stderr when stderr is a terminal (``--quiet``: never).
``--jobs`` runs cells in parallel, ``--backend dask --scheduler ADDRESS`` on a Dask cluster,
``--timeout S`` fails a cell that runs longer than S seconds (see
:func:`estimators.benchmark.run`). Errors are one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from pathlib import Path

from exact import distributions

from . import benchmark
from ._cli_data import add_data_commands
from ._registry import methods_for

QUICK_TASKS = (
    "normal-1d",
    "uniform-1d",
    "exponential",
    "normal-5d",
    "gaussian-1+1-mi0.5",
    "gaussian-1+1-mi1-cube",
    "gaussian-5+5-mi1",
    "discrete-4x4",
    "mixed-4-labels",
    "normal-shift-1d",
    "normal-shift-5d",
    # rounded and zero-inflated columns (exact values over the quantizer's cells)
    "normal-1d-q0.5",
    "gaussian-1+1-rho0.6-q0.1",
    "zero-inflated-1+1",
    "normal-shift-1d-q0.1",
)
NEURAL = ("infonce", "nwj", "mine", "dv", "smile", "js")
ALIASES = ("copula",)  # another name of "gaussian-copula": run once


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, no usage dump
        self.exit(2, f"infoest: error: {message}\n")


def _positive_ints(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected integers separated by commas; got {text!r}"
        ) from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers; got {text!r}")
    return values


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds; got {text!r}")
    return value


def _names(text: str) -> list[str]:
    return [name for name in text.split(",") if name]


def parser() -> argparse.ArgumentParser:
    main = _Parser(prog="infoest", description="Information-theoretic estimation from samples.")
    commands = main.add_subparsers(dest="command", required=True, parser_class=_Parser)
    bench = commands.add_parser(
        "bench",
        help="run estimators against ground-truth tasks",
        description="Run estimators x tasks x sample sizes x seeds against exact values.",
    )
    bench.add_argument(
        "--quantity",
        choices=("entropy", "mutual_information", "kl_divergence"),
        help="only tasks of this quantity",
    )
    bench.add_argument(
        "--tasks",
        type=_names,
        help="comma-separated task names (default: a quick suite; 'all' for every task)",
    )
    bench.add_argument(
        "--estimators",
        type=_names,
        help="comma-separated method names (default: every applicable non-neural method)",
    )
    bench.add_argument("--n", type=_positive_ints, default=[1000, 5000], help="sample sizes")
    bench.add_argument("--seeds", type=int, default=3, help="seeds per cell (default 3)")
    bench.add_argument("--out", type=Path, default=Path("infoest-bench"), help="output folder")
    bench.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="parallel cells (joblib n_jobs; default 1, or every worker thread with dask)",
    )
    bench.add_argument(
        "--backend", default=None, help="joblib backend (loky, threading, dask, ...)"
    )
    bench.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address (tcp://host:8786), with --backend dask",
    )
    bench.add_argument(
        "--timeout",
        type=_positive_float,
        metavar="SECONDS",
        help="fail a cell that runs longer (recorded as 'timeout after S s'; the run goes on)",
    )
    bench.add_argument(
        "--quiet", action="store_true", help="no progress bar (shown only on a terminal anyway)"
    )
    add_data_commands(commands)  # infoest mi, infoest select (estimators._cli_data)
    return main


def _tasks(args) -> list[str]:
    if args.tasks == ["all"]:
        names = list(distributions.TASKS)
    else:
        names = list(args.tasks or QUICK_TASKS)
    unknown = [n for n in names if n not in distributions.TASKS]
    if unknown:
        raise ValueError(f"unknown task {unknown[0]!r}; see exact.distributions.TASKS")
    if args.quantity:
        names = [n for n in names if distributions.task(n).quantity == args.quantity]
    return names


def _methods(args) -> list[str] | None:
    known = {m for q in ("entropy", "mutual_information", "kl_divergence") for m in methods_for(q)}
    known.add(benchmark.AUTO)
    if args.estimators is None:
        return sorted(known - set(NEURAL) - set(ALIASES))
    unknown = [m for m in args.estimators if m not in known]
    if unknown:
        raise ValueError(f"unknown estimator {unknown[0]!r}; known: {', '.join(sorted(known))}")
    return args.estimators


def _print_summary(summary: list[dict]) -> None:
    print("| task | estimator | n | truth | mean | bias | sd | RMSE | median s | failed |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for s in summary:
        print(
            f"| {s['task']} | {s['estimator']} | {s['n']} | {s['truth']:.4f} | {s['mean']:.4f} "
            f"| {s['bias']:+.4f} | {s['sd']:.4f} | {s['rmse']:.4f} | {s['median_seconds']:.3f} "
            f"| {s['failed']} |"
        )


def bench(args) -> None:
    if args.seeds < 1 or args.jobs == 0:
        raise ValueError("--seeds must be >= 1 and --jobs must not be 0")
    if (args.scheduler is None) != (args.backend != "dask"):
        raise ValueError("--backend dask and --scheduler ADDRESS go together")
    rows = benchmark.run(
        _tasks(args),
        args.n,
        range(args.seeds),
        _methods(args),
        n_jobs=args.jobs,
        backend=args.backend,
        scheduler=args.scheduler,
        timeout=args.timeout,
        progress=not args.quiet and sys.stderr.isatty(),
    )
    summary = benchmark.summarize(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    benchmark.write_csv(rows, args.out / "rows.csv")
    with open(args.out / "summary.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(summary[0]) if summary else ["task"])
        writer.writeheader()
        writer.writerows(summary)
    _print_summary(summary)
    figures = benchmark.plot(rows, args.out)
    print(
        f"\nwrote {args.out / 'rows.csv'}, {args.out / 'summary.csv'}"
        + "".join(f", {path}" for path in figures)
    )


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        getattr(args, "func", bench)(args)  # mi, select set func; bench is the default
    except (ValueError, TypeError, OSError, ImportError) as error:
        print(f"infoest: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
