"""The ``infoest`` command line: ``infoest bench`` runs the estimator benchmark.

``infoest bench`` with no arguments runs a quick suite (``auto`` and every non-neural
estimator on a few entropy, MI and KL tasks, rounded and zero-inflated ones among them, n =
1,000 and 5,000, 3 seeds; about 30 s on 2 cores), prints the summary table (bias, sd, RMSE,
median seconds against the exact values), and writes ``rows.csv``, ``summary.csv`` and, with
matplotlib, ``estimates.png`` and ``errors.png`` into ``--out`` (default ``infoest-bench``).
A progress bar over cells goes to stderr when stderr is a terminal (``--quiet``: never).
``--jobs`` runs cells in parallel, ``--backend dask --scheduler ADDRESS`` on a Dask cluster,
``--timeout S`` fails a cell that runs longer than S seconds (see
:func:`estimators.benchmark.run`); a run with failed cells says how many on stderr and draws
what succeeded. ``--suite hard`` / ``--suite null`` run the hard MI suite or the null suite
(:data:`estimators.benchmark.SUITES`) instead of the quick one, and a second table counts the
MI tasks each estimator solves (:func:`estimators.benchmark.solved`); ``--list-tasks`` prints
the tasks with their dimensions and exact values.

``infoest network FILE.csv`` prints the significant MI edges between a CSV's columns
(:func:`estimators.selection.mutual_info_network`: ``--alpha``, ``--prune dpi``, ``--output
edges.csv``); it and ``infoest mi --matrix`` take ``--backend dask --scheduler ADDRESS``
and show a progress bar on stderr when it is a terminal.

``infoest --version`` prints the version; ``infoest`` alone prints the usage and the
subcommands on stderr and exits with 2, as argparse does for a missing argument. Errors are
one line on stderr and exit code 2, never a traceback; a Python warning raised while a
command runs is printed as one line ``infoest: warning: MESSAGE`` on stderr (once per
message), not with Python's file and line.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import warnings
from collections import Counter
from importlib import metadata
from pathlib import Path

from exact import distributions

from . import _cli_data, benchmark
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


def _version() -> str:
    try:
        return metadata.version("infoest")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown (not installed)"


def parser() -> argparse.ArgumentParser:
    main = _Parser(
        prog="infoest",
        description="Information-theoretic estimation from samples.",
        epilog="infoest COMMAND --help: the options of COMMAND.",
    )
    main.add_argument("--version", action="version", version=f"infoest {_version()}")
    commands = main.add_subparsers(
        title="commands", dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )
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
    bench.add_argument(
        "--n",
        type=_positive_ints,
        default=[1000, 5000],
        metavar="N[,N...]",
        help="sample sizes, comma-separated integers (default: 1000,5000)",
    )
    bench.add_argument("--seeds", type=int, default=3, help="seeds per cell (default 3)")
    bench.add_argument(
        "--out",
        type=Path,
        default=Path("infoest-bench"),
        help="output folder for rows.csv, summary.csv, estimates.png, errors.png "
        "(default: infoest-bench, created if missing)",
    )
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
    bench.add_argument(
        "--suite",
        choices=("quick", *benchmark.SUITES),
        help="a named task list instead of --tasks: 'quick' (the default: entropy, MI and KL "
        f"tasks), 'hard' ({len(benchmark.SUITES['hard'])} MI tasks with exact values: dense "
        "and sparse high-dimensional normals, warped margins, multivariate Student t, spirals, "
        "a swiss roll, uniform noise; about 35 s on 2 cores at --n 1000 --seeds 1) or 'null' "
        "(X independent of Y, truth 0). After the "
        "table, each estimator's count of MI tasks solved at each n, averaged over seeds: "
        f"|log(estimate / truth)| < log({benchmark.SOLVED_RATIO:g}), or |estimate| <= "
        f"{benchmark.NULL_TOLERANCE:g} nats where the truth is 0",
    )
    bench.add_argument(
        "--list-tasks",
        action="store_true",
        help="print the tasks (quantity, dimensions, exact value) of --suite, of --tasks, or "
        "of every suite, and exit",
    )
    add_data_commands(commands)  # infoest mi, infoest select (estimators._cli_data)
    _add_network_commands(commands)  # infoest network; --backend/--scheduler of mi --matrix
    return main


def _tasks(args) -> list[str]:
    if args.tasks and args.suite:
        raise ValueError("give --tasks or --suite, not both")
    if args.tasks == ["all"]:
        names = list(distributions.TASKS)
    elif args.suite and args.suite != "quick":
        names = benchmark.suite(args.suite)
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
    def number(value: float, spec: str) -> str:  # no estimate (failed, or one seed's sd)
        return "—" if math.isnan(value) else format(value, spec)

    print("| task | estimator | n | truth | mean | bias | sd | RMSE | median s | failed |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for s in summary:
        print(
            f"| {s['task']} | {s['estimator']} | {s['n']} | {s['truth']:.4f} "
            f"| {number(s['mean'], '.4f')} | {number(s['bias'], '+.4f')} "
            f"| {number(s['sd'], '.4f')} | {number(s['rmse'], '.4f')} "
            f"| {number(s['median_seconds'], '.3f')} | {s['failed']} |"
        )


def _report_failures(rows: list[dict], rows_csv: Path) -> None:
    """One line on stderr if cells failed: how many, and the commonest reasons."""
    failures = Counter(row["failure"] for row in rows if row["failure"])
    if not failures:
        return
    reasons = "; ".join(
        f"{count} x {reason if len(reason) <= 80 else reason[:77] + '...'}"
        for reason, count in failures.most_common(2)
    )
    more = f"; {len(failures) - 2} other reasons" if len(failures) > 2 else ""
    print(
        f"infoest: warning: {failures.total()} of {len(rows)} cells failed ({reasons}{more}); "
        f"the 'failure' column of {rows_csv} has each message",
        file=sys.stderr,
    )


def _list_tasks(args) -> None:
    """``--list-tasks``: a table per suite (or of ``--tasks``) of the tasks' quantity,
    dimensions and exact value."""
    if args.tasks or args.suite:
        groups = {args.suite or "tasks": _tasks(args)}
    else:
        groups = {
            name: _tasks(argparse.Namespace(**{**vars(args), "suite": name}))
            for name in ("quick", *benchmark.SUITES)
        }
    for title, names in groups.items():
        print(f"\n{title} ({len(names)} tasks)\n")
        print("| task | quantity | dims | truth (nats) |")
        print("|---|---|---|---|")
        for name in names:
            task = benchmark.describe(name)
            print(f"| {name} | {task['quantity']} | {task['dims']} | {task['truth']:.6f} |")


def _print_solved(rows: list[dict]) -> None:
    """The MI tasks each estimator solves at each n (:func:`estimators.benchmark.solved`)."""
    counts = benchmark.solved([r for r in rows if r["quantity"] == "mutual_information"])
    if not counts:
        return
    print(
        f"\nMI tasks solved, averaged over seeds: |log(estimate / truth)| < "
        f"log({benchmark.SOLVED_RATIO:g}), or |estimate| <= {benchmark.NULL_TOLERANCE:g} nats "
        "where the truth is 0\n"
    )
    print("| estimator | n | solved | of tasks | failed cells |")
    print("|---|---|---|---|---|")
    for c in sorted(counts, key=lambda c: (c["n"], -c["solved"], c["estimator"])):
        print(f"| {c['estimator']} | {c['n']} | {c['solved']:.2f} | {c['tasks']} | {c['failed']} |")


def bench(args) -> None:
    if args.list_tasks:
        _list_tasks(args)
        return
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
    _print_solved(rows)
    figures = benchmark.plot(rows, args.out)
    print(
        f"\nwrote {args.out / 'rows.csv'}, {args.out / 'summary.csv'}"
        + "".join(f", {path}" for path in figures)
    )
    _report_failures(rows, args.out / "rows.csv")
    if rows and all(row["failure"] for row in rows):
        print("infoest: warning: no figures: no cell succeeded", file=sys.stderr)


# --- infoest network, and mi --matrix on a Dask cluster --------------------------------------


def _add_network_commands(commands) -> None:
    """``infoest network FILE``: the significant MI edges of a CSV's columns
    (:func:`estimators.selection.mutual_info_network`), printed and written as CSV; and
    ``--backend dask --scheduler ADDRESS`` on ``infoest mi --matrix``."""
    network = commands.add_parser(
        "network",
        help="the significant mutual-information edges between a CSV's columns",
        description="Every pair of columns: MI (KSG on normal scores of ranks), a p-value from "
        "the null of that statistic, Benjamini-Hochberg q-values; the edges with q <= --alpha, "
        "highest MI first.",
    )
    network.add_argument("file", type=Path, help="UTF-8 text file with a header row")
    network.add_argument(
        "--alpha", type=float, default=0.05, help="false discovery rate (default 0.05; 1: all)"
    )
    network.add_argument(
        "--prune", choices=("dpi",), help="ARACNe's data-processing-inequality pruning"
    )
    network.add_argument(
        "--dpi-tolerance",
        type=float,
        default=None,
        metavar="TOL",
        help="relative tolerance of --prune dpi (default 0.1)",
    )
    network.add_argument(
        "--method",
        choices=("auto", "ksg", "gaussian-copula", "copula"),
        default="auto",
        help="the statistic: KSG on normal scores (auto, ksg) or the Gaussian copula",
    )
    network.add_argument("--neighbors", type=int, default=3, help="k of KSG (default 3)")
    network.add_argument(
        "--null",
        type=int,
        default=None,
        metavar="N",
        help="permutations of the null distribution (smallest p-value 1/(N+1); default 20000)",
    )
    network.add_argument("--bits", action="store_true", help="bits instead of nats")
    network.add_argument("--dropna", action="store_true", help="drop rows with missing values")
    network.add_argument("--jobs", type=int, default=None, help="threads, or local Dask workers")
    network.add_argument(
        "--sep", type=_cli_data._separator, metavar="SEP", help="the column separator"
    )
    network.add_argument(
        "--kind",
        action="append",
        default=[],
        type=_cli_data._kind,
        metavar="NAME=KIND",
        help="read column NAME as KIND (symbols, quantized, atoms, continuous or a resolution)",
    )
    network.add_argument(
        "--top",
        type=int,
        default=50,
        metavar="N",
        help="edges printed (default 50; --output has them all)",
    )
    network.add_argument(
        "-o", "--output", type=Path, metavar="FILE.csv", help="write every edge as CSV here"
    )
    network.add_argument(
        "--quiet", action="store_true", help="no progress bar (shown only on a terminal anyway)"
    )
    _add_backend_options(network)
    network.set_defaults(func=run_network)
    mi = commands.choices["mi"]
    _add_backend_options(mi, "with --matrix: ")
    mi.add_argument(
        "--quiet", action="store_true", help="no progress bar (shown only on a terminal anyway)"
    )
    mi.set_defaults(func=_run_mi)


def _add_backend_options(command, prefix: str = "") -> None:
    command.add_argument(
        "--backend",
        choices=("threads", "dask"),
        default=None,
        help=f"{prefix}where pairs are estimated: threads here (default) or a Dask cluster",
    )
    command.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address (tcp://host:8786), with --backend dask; without it a "
        "local cluster of --jobs workers is started",
    )


def _check_backend_args(args) -> None:
    if args.scheduler is not None and args.backend != "dask":
        raise ValueError("--scheduler needs --backend dask")


def _progress(args) -> bool:
    return not args.quiet and sys.stderr.isatty()


def _run_mi(args) -> None:
    """``infoest mi``: :func:`estimators._cli_data.run_mi`, its ``--matrix`` with
    ``--backend``/``--scheduler`` and a progress bar on a terminal."""
    _check_backend_args(args)
    if args.backend is not None and not args.matrix:
        raise ValueError("--backend and --scheduler go with --matrix")
    if not args.matrix:
        _cli_data.run_mi(args)
        return
    extra = {"backend": args.backend, "scheduler": args.scheduler, "progress": _progress(args)}
    _cli_data.run_mi(args, extra)


def run_network(args) -> None:
    """``infoest network``: the edges, highest MI first (``--top`` of them printed)."""
    from .network import DPI_TOLERANCE, NULL_DRAWS
    from .selection import mutual_info_network

    _check_backend_args(args)
    if args.top < 0:
        raise ValueError(f"--top must be >= 0; got {args.top}")
    if args.dpi_tolerance is not None and args.prune is None:
        raise ValueError("--dpi-tolerance goes with --prune dpi")
    columns = _cli_data.read_csv(args.file, args.dropna, args.sep)
    kinds = _cli_data._kinds(args, columns)
    names = list(columns)
    if len(names) < 2:
        raise ValueError(f"{args.file} has {len(names)} column; a network needs at least 2")
    unit = "bits" if args.bits else "nats"
    edges = mutual_info_network(
        _cli_data._frame(columns, names),
        alpha=args.alpha,
        prune=args.prune,
        dpi_tolerance=DPI_TOLERANCE if args.dpi_tolerance is None else args.dpi_tolerance,
        method=args.method,
        n_neighbors=args.neighbors,
        n_null=NULL_DRAWS if args.null is None else args.null,
        column_kinds=kinds,
        base=2.0 if args.bits else math.e,
        n_jobs=args.jobs,
        backend=args.backend,
        scheduler=args.scheduler,
        progress=_progress(args),
        random_state=0,
    )
    pairs = len(names) * (len(names) - 1) // 2
    pruned = ", DPI-pruned" if args.prune else ""
    print(f"{len(edges)} of {pairs} pairs with q <= {args.alpha:g}{pruned}")
    header = ["source", "target", f"MI ({unit})", "p-value", "q-value"]
    print("| " + " | ".join(header) + " |")
    print("|---|---|---|---|---|")
    for row in edges.head(args.top).itertuples(index=False):
        print(
            f"| {row.source} | {row.target} | {row.mi:.4f} | {row.pvalue:.3g} | {row.qvalue:.3g} |"
        )
    if len(edges) > args.top:
        print(f"... {len(edges) - args.top} more (--top N, or --output FILE.csv for all)")
    table = [list(row) for row in edges.itertuples(index=False)]
    written = _cli_data._write_output(args.output, list(edges.columns), table)  # mi in `unit`
    _cli_data._print_written(written)


def main(argv=None) -> int:
    """Run ``infoest`` with ``argv`` (default: ``sys.argv[1:]``); the exit code.

    Bad command lines exit by ``SystemExit(2)`` from argparse (``--help`` and
    ``--version``: ``SystemExit(0)``); every error of a command is one line on stderr and
    the return value 2; warnings are printed as one plain line each.
    """
    main_parser = parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv:
        sys.stderr.write(main_parser.format_help())  # usage and the subcommands
        return 2
    args = main_parser.parse_args(argv)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning):
            warnings.simplefilter("ignore", category)  # for developers, not users
        try:
            getattr(args, "func", bench)(args)  # mi, select set func; bench is the default
            code = 0
        except KeyboardInterrupt:
            print("infoest: interrupted", file=sys.stderr)
            code = 130
        except (ValueError, TypeError, OSError, ImportError) as error:
            print(f"infoest: error: {_one_line(error)}", file=sys.stderr)
            code = 2
        except Exception as error:  # no traceback for anything else either
            print(f"infoest: error: {type(error).__name__}: {_one_line(error)}", file=sys.stderr)
            code = 2
    for message in dict.fromkeys(_one_line(w.message) for w in caught):
        print(f"infoest: warning: {message}", file=sys.stderr)
    return code


def _one_line(error: BaseException | Warning) -> str:
    text = " ".join(str(error).split())
    return text or type(error).__name__


if __name__ == "__main__":
    sys.exit(main())
