"""``infoest mi`` and ``infoest select``: mutual information and feature selection on a CSV.

``infoest mi FILE.csv --target COL`` prints every other column's MI with the target, highest
first; ``--ci`` adds a 95 % bootstrap interval and ``--test`` a permutation p-value of
``I = 0`` to each row (from :func:`estimators.mutual_information` with ``uncertainty=
"bootstrap"`` and :func:`estimators.independence_test`, seed 0); ``--matrix`` prints the
pairwise MI of the columns instead (``--plot FILE.png``: a heat map, with matplotlib).
``infoest select FILE.csv --target COL -k N --criterion jmi`` prints the N selected columns
in selection order with their criterion values and relevance. The CSV has a header row. A
column whose every value parses as an integer is stored as integers, one that parses as
numbers as floats, any other as strings; each column is then read as the library reads
every column (:mod:`estimators._reading`: symbols, quantized, atoms or continuous), shown
in the ``read as`` column of ``mi``; ``--kind NAME=KIND`` sets the reading of a column
(``symbols``, ``quantized``, ``atoms``, ``continuous`` or a resolution such as
``0.01``). Quantized columns are dithered with seed 0. Empty cells and NA / NaN / null are
missing values: a one-line error naming the column and the number of rows, unless
``--dropna`` drops those rows. Every error is one line on stderr and exit code 2 (see
:mod:`estimators.cli`).
"""

from __future__ import annotations

import argparse
import csv
import math
from pathlib import Path

import numpy as np

from ._api import auto_method, mutual_information
from ._inputs import as_samples
from ._reading import KINDS, read_sample
from .selection import CRITERIA, MutualInfoSelector, mutual_info_matrix, mutual_info_scores
from .uncertainty import independence_test

MISSING = {"", "na", "nan", "null", "none", "n/a"}
_K_NN = ("ksg", "ross", "mixed")  # the MI methods that take k


def add_data_commands(commands) -> None:
    """Register ``mi`` and ``select`` on the ``infoest`` subparsers, each with its ``func``."""
    mi = commands.add_parser(
        "mi",
        help="mutual information of a CSV's columns with a target (or pairwise)",
        description="MI of each column with --target, highest first; --matrix: pairwise MI.",
    )
    _add_data_options(mi, target_required=False)
    mi.add_argument("--matrix", action="store_true", help="the pairwise MI of the columns")
    mi.add_argument("--plot", type=Path, help="with --matrix: write a heat map PNG here")
    mi.add_argument("--ci", action="store_true", help="a 95%% bootstrap interval per column")
    mi.add_argument("--test", action="store_true", help="a permutation p-value of I = 0")
    mi.add_argument(
        "--permutations", type=int, default=199, help="permutations of --test (default 199)"
    )
    mi.set_defaults(func=run_mi)
    select = commands.add_parser(
        "select",
        help="select features of a CSV by mutual information",
        description="Greedy selection of -k columns for --target (Brown et al. 2012).",
    )
    _add_data_options(select, target_required=True)
    select.add_argument("-k", type=int, default=5, help="columns to select (default 5)")
    select.add_argument("--criterion", choices=CRITERIA, default="jmi", help="default: jmi")
    select.add_argument(
        "--alpha",
        type=float,
        help="select only columns whose MI with the target is significant at this level "
        "(permutation test, 199 permutations)",
    )
    select.set_defaults(func=run_select)


def _add_data_options(command, *, target_required: bool) -> None:
    command.add_argument("file", type=Path, help="CSV file with a header row")
    command.add_argument("--target", required=target_required, help="the target column")
    command.add_argument("--method", default="auto", help="MI estimator (default: auto)")
    command.add_argument("--neighbors", type=int, default=3, help="k of k-NN (default 3)")
    command.add_argument("--bits", action="store_true", help="bits instead of nats")
    command.add_argument("--dropna", action="store_true", help="drop rows with missing values")
    command.add_argument("--jobs", type=int, default=None, help="threads (joblib n_jobs)")
    command.add_argument(
        "--kind",
        action="append",
        default=[],
        type=_kind,
        metavar="NAME=KIND",
        help=f"read column NAME as KIND ({', '.join(KINDS)}, or a resolution such as 0.01); "
        "repeatable; default: from its values",
    )


def _kind(text: str) -> tuple[str, object]:
    name, _, kind = text.partition("=")
    if not name or not kind:
        raise argparse.ArgumentTypeError(f"expected NAME=KIND; got {text!r}")
    if kind in KINDS:
        return name, kind
    try:
        resolution = float(kind)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"KIND must be one of {', '.join(KINDS)} or a resolution; got {kind!r}"
        ) from None
    return name, resolution


def _kinds(args, columns: dict) -> dict:
    """``--kind`` as a dict of column name -> spec, every name checked."""
    kinds = dict(args.kind)
    unknown = [name for name in kinds if name not in columns]
    if unknown:
        raise ValueError(
            f"--kind names {unknown[0]!r}, not a column; columns: {', '.join(columns)}"
        )
    return kinds


def run_mi(args) -> None:
    columns = read_csv(args.file, args.dropna)
    kinds = _kinds(args, columns)
    base = 2.0 if args.bits else math.e
    unit = "bits" if args.bits else "nats"
    options = {"n_neighbors": args.neighbors, "base": base, "n_jobs": args.jobs, "random_state": 0}
    if args.matrix:
        names = [name for name in columns if name != args.target] if args.target else list(columns)
        _check_features(names)
        options["column_kinds"] = {name: kinds[name] for name in names if name in kinds}
        matrix = mutual_info_matrix(_frame(columns, names), args.method, **options)
        _print_matrix(matrix, unit)
        if args.plot:
            _plot(matrix, args.plot, unit)
            print(f"\nwrote {args.plot}")
        return
    if args.plot:
        raise ValueError("--plot needs --matrix")
    if args.target is None:
        raise ValueError("give --target COL (or --matrix for the pairwise MI)")
    if args.permutations < 1:
        raise ValueError(f"--permutations must be positive; got {args.permutations}")
    names = _features(columns, args.target, args.file)
    scores = mutual_info_scores(
        _frame(columns, names),
        columns[args.target],
        args.method,
        target_kind=kinds.get(args.target, "auto"),
        column_kinds={name: kinds[name] for name in names if name in kinds},
        **options,
    )
    print(f"target {args.target}: read as {_reading(columns, args.target, kinds)}")
    extra = (["95% CI"] if args.ci else []) + (["p-value (I = 0)"] if args.test else [])
    head = f"| column | read as | MI with {args.target} ({unit}) |"
    print(head + "".join(f" {e} |" for e in extra))
    print("|---|---|---|" + "---|" * len(extra))
    for index in np.argsort(-scores, kind="stable"):
        name = names[index]
        cells = _uncertainty_cells(args, (name, args.target), columns, kinds, base)
        print(
            f"| {name} | {_reading(columns, name, kinds)} | {scores[index]:.4f} |"
            + "".join(f" {c} |" for c in cells)
        )


def _reading(columns: dict, name: str, kinds: dict) -> str:
    """How column ``name`` is read, in words."""
    return str(read_sample(as_samples(columns[name], name), name, kinds.get(name, "auto"))[0])


def _uncertainty_cells(args, pair: tuple, columns: dict, kinds: dict, base: float) -> list[str]:
    """The ``--ci`` and ``--test`` cells of one column, by the public API's estimator for
    the pair (``--method``, or the one ``auto`` picks), with ``k`` for the k-NN ones."""
    if not (args.ci or args.test):
        return []
    column, target = (columns[name] for name in pair)
    if len(np.unique(column)) == 1:  # a constant: MI exactly 0, nothing to resample
        return ["—"] * (args.ci + args.test)
    given = {arg: kinds[name] for arg, name in zip(("x", "y"), pair, strict=True) if name in kinds}
    method = args.method
    if method == "auto":
        method = auto_method(
            "mutual_information",
            [as_samples(column, "x"), as_samples(target, "y")],
            column_kinds=given,
        )
    if method == "constant":  # a constant target: MI exactly 0, nothing to resample
        return ["—"] * (args.ci + args.test)
    options = {"k": args.neighbors} if method in _K_NN else {}
    options["column_kinds"] = given
    cells = []
    if args.ci:
        estimate = mutual_information(
            column, target, method, base, uncertainty="bootstrap", random_state=0, **options
        )
        cells.append(f"{estimate.ci[0]:.4f} – {estimate.ci[1]:.4f}")
    if args.test:
        result = independence_test(
            column,
            target,
            method=method,
            n_permutations=args.permutations,
            random_state=0,
            base=base,
            **options,
        )
        cells.append(f"{result.pvalue:.4f}")
    return cells


def run_select(args) -> None:
    if args.k < 1:
        raise ValueError(f"-k must be a positive number of columns; got {args.k}")
    columns = read_csv(args.file, args.dropna)
    kinds = _kinds(args, columns)
    names = _features(columns, args.target, args.file)
    selector = MutualInfoSelector(
        args.k,
        args.criterion,
        args.method,
        n_neighbors=args.neighbors,
        column_kinds={name: kinds[name] for name in names if name in kinds},
        target_kind=kinds.get(args.target, "auto"),
        n_jobs=args.jobs,
        random_state=0,
        alpha=args.alpha,
    ).fit(_frame(columns, names), columns[args.target])
    scale = math.log(2) if args.bits else 1.0
    unit = "bits" if args.bits else "nats"
    print(f"| rank | column | {args.criterion} ({unit}) | MI with {args.target} ({unit}) |")
    print("|---|---|---|---|")
    for rank, (index, value) in enumerate(
        zip(selector.selected_, selector.criterion_values_, strict=True), start=1
    ):
        relevance = selector.scores_[index] / scale
        print(f"| {rank} | {names[index]} | {value / scale:.4f} | {relevance:.4f} |")


def read_csv(path: Path, dropna: bool) -> dict[str, np.ndarray]:
    """The columns of a CSV with a header row, typed (int, float or str), by name."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if not rows or not any(rows[0]):
        raise ValueError(f"{path} is empty: expected a header row, then data rows")
    header, data = [name.strip() for name in rows[0]], rows[1:]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        raise ValueError(f"{path} has the column name {duplicated[0]!r} twice")
    for line, row in enumerate(data, start=2):
        if len(row) != len(header):
            raise ValueError(
                f"{path} line {line} has {len(row)} fields; the header has {len(header)}"
            )
    if not data:
        raise ValueError(f"{path} has a header but no data rows")
    cells = {name: [row[i].strip() for row in data] for i, name in enumerate(header)}
    missing = {name: np.array([v.lower() in MISSING for v in vs]) for name, vs in cells.items()}
    if not dropna:
        for name, where in missing.items():
            if where.any():
                raise ValueError(
                    f"column {name!r} has {int(where.sum())} missing value(s) in {len(where)} "
                    "rows; drop those rows with --dropna"
                )
    keep = ~np.logical_or.reduce(list(missing.values()))
    if not keep.any():
        raise ValueError(f"{path}: no row is complete; nothing is left after --dropna")
    return {name: _typed(np.array(values)[keep]) for name, values in cells.items()}


def _typed(values: np.ndarray) -> np.ndarray:
    for kind in (np.int64, np.float64):
        try:
            return values.astype(kind)
        except (ValueError, OverflowError):
            continue
    return values


def _features(columns: dict, target: str, path: Path) -> list[str]:
    if target not in columns:
        raise ValueError(f"no column {target!r} in {path}; columns: {', '.join(columns)}")
    names = [name for name in columns if name != target]
    _check_features(names)
    return names


def _check_features(names: list[str]) -> None:
    if not names:
        raise ValueError("the CSV has no feature column besides the target")


def _frame(columns: dict, names: list[str]):
    """A DataFrame (each column keeps its type) when pandas is installed; else a 2-D array,
    numeric columns only."""
    try:
        import pandas as pd
    except ImportError:
        kinds = {columns[name].dtype.kind for name in names}
        if "U" in kinds:
            raise ImportError("string columns need pandas: pip install pandas") from None
        return np.column_stack([columns[name] for name in names])
    return pd.DataFrame({name: columns[name] for name in names})


def _print_matrix(matrix, unit: str) -> None:
    names = list(matrix.columns) if hasattr(matrix, "columns") else []
    values = np.asarray(matrix)
    names = names or [str(i) for i in range(values.shape[0])]
    print(f"| MI ({unit}) | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for name, row in zip(names, values, strict=True):
        print(f"| {name} | " + " | ".join("" if np.isnan(v) else f"{v:.4f}" for v in row) + " |")


def _plot(matrix, path: Path, unit: str) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("--plot needs matplotlib: pip install matplotlib") from None
    names = [str(c) for c in getattr(matrix, "columns", range(np.shape(matrix)[0]))]
    figure, axes = plt.subplots(figsize=(1 + 0.45 * len(names), 0.8 + 0.4 * len(names)))
    image = axes.imshow(np.asarray(matrix, dtype=float), cmap="viridis")
    axes.set_xticks(range(len(names)), names, rotation=90)
    axes.set_yticks(range(len(names)), names)
    figure.colorbar(image, label=f"mutual information ({unit})")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
