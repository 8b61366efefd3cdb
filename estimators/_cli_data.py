"""``infoest mi`` and ``infoest select``: mutual information and feature selection on a CSV.

``infoest mi FILE.csv --target COL`` prints every other column's MI with the target, highest
first; ``--ci`` adds a 95 % bootstrap interval and ``--test`` a permutation p-value of
``I = 0`` to each row (from :func:`estimators.mutual_information` with ``uncertainty=
"bootstrap"`` and :func:`estimators.independence_test`, seed 0); ``--matrix`` prints the
pairwise MI of the columns instead (``--plot FILE.png``: a heat map, with matplotlib).
``infoest select FILE.csv --target COL -k N --criterion jmi`` prints the N selected columns
in selection order with their criterion values and relevance. ``--output FILE.csv`` also
writes the printed table as CSV, full precision, in the layout of ``pandas.DataFrame.to_csv``
(the matrix: the column names as the first column; ``pandas.read_csv(FILE, index_col=0)``
reads it back; the diagonal is empty).

The file is UTF-8 text (a byte-order mark is dropped) with a header row; its separator is
read from the header line (the most frequent of tab, comma and semicolon; else runs of
whitespace) unless ``--sep`` gives it; the first line of the output says which was used,
with the number of columns and rows. A column whose every value parses as an integer is stored as
integers, one that parses as numbers as floats, any other as strings; each column is then
read as the library reads every column (:mod:`estimators._reading`: symbols, quantized,
atoms or continuous), shown in the ``read as`` column of ``mi``; ``--kind NAME=KIND`` sets
the reading of a column (``symbols``, ``quantized``, ``atoms``, ``continuous`` or a
resolution such as ``0.01``). Quantized columns are dithered with seed 0. Empty cells and
NA / NaN / null are missing values: a one-line error naming the column and the number of
rows, unless ``--dropna`` drops those rows (the first line of the output says how many).
Every error is one line on stderr and exit code 2 (see :mod:`estimators.cli`).
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import re
from pathlib import Path

import numpy as np

from ._api import auto_method, mutual_information
from ._inputs import as_samples
from ._reading import KINDS, read_sample
from ._registry import methods_for
from .selection import (
    CRITERIA,
    SELECTOR_NEIGHBORS,
    MutualInfoSelector,
    mutual_info_matrix,
    mutual_info_scores,
)
from .uncertainty import independence_test

MISSING = {"", "na", "nan", "null", "none", "n/a"}
_K_NN = ("ksg", "ross", "mixed")  # the MI methods that take k
WHITESPACE = " "  # the separator value that means runs of spaces and tabs
#: ``--sep`` spellings -> separator (any other single character is taken as it is)
SEPARATORS = {
    "comma": ",",
    "tab": "\t",
    "\\t": "\t",
    "semicolon": ";",
    "whitespace": WHITESPACE,
    "space": WHITESPACE,
    "\\s+": WHITESPACE,
}
_SEPARATOR_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", WHITESPACE: "whitespace"}
#: what ``select --method`` sets, said once in its help and in a note
_SELECT_METHOD = (
    "the estimator of each column's MI with the target (the 'MI with' column, the first "
    "pick, the whole mim criterion, the relevance term of mifs and mrmr) and of the "
    "column-column MI of mifs and mrmr; jmi, cmim and disr use their own conditional-MI "
    "estimators whatever --method (Frenzel-Pompe k-NN, or the Miller-Madow plug-in when "
    "the columns and target are discrete)"
)


def add_data_commands(commands) -> None:
    """Register ``mi`` and ``select`` on the ``infoest`` subparsers, each with its ``func``."""
    mi = commands.add_parser(
        "mi",
        help="mutual information of a CSV's columns with a target (or pairwise)",
        description="MI of each column with --target, highest first; --matrix: pairwise MI.",
    )
    _add_data_options(mi, target_required=False, method_help=_MI_METHOD, neighbors=3)
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
    _add_data_options(
        select, target_required=True, method_help=_SELECT_METHOD, neighbors=SELECTOR_NEIGHBORS
    )
    select.add_argument("-k", type=int, default=5, help="columns to select (default 5)")
    select.add_argument("--criterion", choices=CRITERIA, default="jmi", help="default: jmi")
    select.add_argument(
        "--alpha",
        type=float,
        help="select only columns whose MI with the target is significant at this level "
        "(permutation test, 199 permutations)",
    )
    select.set_defaults(func=run_select)


_MI_METHOD = "the estimator of every MI printed"


def _mi_methods() -> list[str]:
    return ["auto", *methods_for("mutual_information")]


def _method(text: str) -> str:
    if text not in _mi_methods():
        raise argparse.ArgumentTypeError(
            f"unknown method {text!r}; choose from {', '.join(_mi_methods())}"
        )
    return text


def _add_data_options(command, *, target_required: bool, method_help: str, neighbors: int) -> None:
    command.add_argument(
        "file",
        type=Path,
        help="UTF-8 text file with a header row; the separator (tab, comma, semicolon or "
        "whitespace) is read from the header line unless --sep gives it",
    )
    command.add_argument("--target", required=target_required, help="the target column")
    command.add_argument(
        "--method",
        default="auto",
        type=_method,
        metavar="NAME",
        help=f"{method_help}: auto (default: picked per pair from the columns' readings) or "
        f"one of {', '.join(methods_for('mutual_information'))}",
    )
    command.add_argument(
        "--neighbors", type=int, default=neighbors, help=f"k of k-NN (default {neighbors})"
    )
    command.add_argument("--bits", action="store_true", help="bits instead of nats")
    command.add_argument(
        "--dropna",
        action="store_true",
        help="drop rows with missing values (the first line of the output says how many)",
    )
    command.add_argument("--jobs", type=int, default=None, help="threads (joblib n_jobs)")
    command.add_argument(
        "--sep",
        type=_separator,
        metavar="SEP",
        help="the column separator: comma, tab, semicolon, whitespace (runs of spaces and "
        "tabs) or any one character (default: read from the header line)",
    )
    command.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE.csv",
        help="also write the table as CSV here, full precision (pandas.DataFrame.to_csv "
        "layout; the matrix: the column names first, read back with "
        "pandas.read_csv(FILE, index_col=0))",
    )
    command.add_argument(
        "--kind",
        action="append",
        default=[],
        type=_kind,
        metavar="NAME=KIND",
        help=f"read column NAME as KIND ({', '.join(KINDS)}, or a resolution such as 0.01); "
        "repeatable; default: from its values",
    )


def _separator(text: str) -> str:
    separator = SEPARATORS.get(text.lower(), text)
    if len(separator) != 1 or separator in '"\r\n':
        raise argparse.ArgumentTypeError(
            f"expected comma, tab, semicolon, whitespace or one character; got {text!r}"
        )
    return separator


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


def run_mi(args, matrix_options: dict | None = None) -> None:
    """``infoest mi``; ``matrix_options`` go to :func:`mutual_info_matrix` with ``--matrix``
    (``backend``, ``scheduler``, ``progress``)."""
    if args.plot and not args.matrix:
        raise ValueError("--plot needs --matrix")
    if not args.matrix and args.target is None:
        raise ValueError("give --target COL (or --matrix for the pairwise MI)")
    if args.permutations < 1:
        raise ValueError(f"--permutations must be positive; got {args.permutations}")
    columns = read_csv(args.file, args.dropna, args.sep)
    kinds = _kinds(args, columns)
    base = 2.0 if args.bits else math.e
    unit = "bits" if args.bits else "nats"
    options = {"n_neighbors": args.neighbors, "base": base, "n_jobs": args.jobs, "random_state": 0}
    if args.matrix:
        names = [name for name in columns if name != args.target] if args.target else list(columns)
        _check_features(names)
        options["column_kinds"] = {name: kinds[name] for name in names if name in kinds}
        options.update(matrix_options or {})
        matrix = mutual_info_matrix(_frame(columns, names), args.method, **options)
        _print_matrix(matrix, names, unit)
        values = np.asarray(matrix, dtype=float)
        table = [[name, *row] for name, row in zip(names, values, strict=True)]
        written = _write_output(args.output, [f"MI ({unit})", *names], table)
        if args.plot:
            _plot(matrix, args.plot, unit)
            written.append(args.plot)
        _print_written(written)
        return
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
    table = []
    for index in np.argsort(-scores, kind="stable"):
        name = names[index]
        reading = _reading(columns, name, kinds)
        numbers = _uncertainty(args, (name, args.target), columns, kinds, base)
        table.append([name, reading, scores[index], *numbers])
        cells = []
        if args.ci:
            low, high = numbers[:2]
            cells.append("—" if math.isnan(low) else f"{low:.4f} – {high:.4f}")
        if args.test:
            cells.append("—" if math.isnan(numbers[-1]) else f"{numbers[-1]:.4f}")
        print(f"| {name} | {reading} | {scores[index]:.4f} |" + "".join(f" {c} |" for c in cells))
    header = ["column", "read as", f"MI with {args.target} ({unit})"]
    header += ["95% CI low", "95% CI high"] if args.ci else []
    header += ["p-value (I = 0)"] if args.test else []
    _print_written(_write_output(args.output, header, table))


def _reading(columns: dict, name: str, kinds: dict) -> str:
    """How column ``name`` is read, in words."""
    return str(read_sample(as_samples(columns[name], name), name, kinds.get(name, "auto"))[0])


def _uncertainty(args, pair: tuple, columns: dict, kinds: dict, base: float) -> list[float]:
    """The ``--ci`` bounds and ``--test`` p-value of one column (NaN: not applicable, MI
    exactly 0), by the public API's estimator for the pair (``--method``, or the one
    ``auto`` picks), with ``k`` for the k-NN ones."""
    if not (args.ci or args.test):
        return []
    nothing = [math.nan] * (2 * args.ci + args.test)
    column, target = (columns[name] for name in pair)
    if len(np.unique(column)) == 1:  # a constant: MI exactly 0, nothing to resample
        return nothing
    given = {arg: kinds[name] for arg, name in zip(("x", "y"), pair, strict=True) if name in kinds}
    method = args.method
    if method == "auto":
        method = auto_method(
            "mutual_information",
            [as_samples(column, "x"), as_samples(target, "y")],
            column_kinds=given,
        )
    if method == "constant":  # a constant target: MI exactly 0, nothing to resample
        return nothing
    options = {"k": args.neighbors} if method in _K_NN else {}
    options["column_kinds"] = given
    numbers = []
    if args.ci:
        estimate = mutual_information(
            column, target, method, base, uncertainty="bootstrap", random_state=0, **options
        )
        numbers += [float(estimate.ci[0]), float(estimate.ci[1])]
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
        numbers.append(float(result.pvalue))
    return numbers


def run_select(args) -> None:
    if args.k < 1:
        raise ValueError(f"-k must be a positive number of columns; got {args.k}")
    columns = read_csv(args.file, args.dropna, args.sep)
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
    if args.method != "auto" and args.criterion in ("jmi", "cmim", "disr"):
        print(
            f"note: --method {args.method} sets the MI with {args.target} (the first pick, the "
            f"'MI with' column); {args.criterion}'s conditional terms use their own estimators "
            "(see infoest select --help)"
        )
    print(f"| rank | column | {args.criterion} ({unit}) | MI with {args.target} ({unit}) |")
    print("|---|---|---|---|")
    table = []
    for rank, (index, value) in enumerate(
        zip(selector.selected_, selector.criterion_values_, strict=True), start=1
    ):
        relevance = selector.scores_[index] / scale
        table.append([rank, names[index], value / scale, relevance])
        print(f"| {rank} | {names[index]} | {value / scale:.4f} | {relevance:.4f} |")
    header = ["rank", "column", f"{args.criterion} ({unit})", f"MI with {args.target} ({unit})"]
    _print_written(_write_output(args.output, header, table))


def _write_output(path: Path | None, header: list, table: list[list]) -> list[Path]:
    """``table`` as CSV at ``path`` (floats in full, NaN as an empty cell); ``[path]``, or
    ``[]`` without a path."""
    if path is None:
        return []

    def cell(value) -> str:
        if isinstance(value, float | np.floating):
            return "" if math.isnan(value) else repr(float(value))
        return str(value)

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([cell(v) for v in row] for row in table)
    return [path]


def _print_written(paths: list[Path]) -> None:
    if paths:
        print(f"\nwrote {', '.join(map(str, paths))}")


def read_csv(path: Path, dropna: bool, sep: str | None = None) -> dict[str, np.ndarray]:
    """The columns of a delimited text file with a header row, typed (int, float or str), by
    name; a line printed says how it was read (separator, columns, rows, rows dropped).

    ``sep`` None reads the separator from the header line (:func:`_sniff`).
    """
    text = _text(path)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise ValueError(f"{path} is empty: expected a header row, then data rows")
    how = "--sep" if sep is not None else "read from the header line"
    sep = _sniff(first) if sep is None else sep
    if sep == WHITESPACE:
        numbered = [(i, line.split()) for i, line in enumerate(lines, start=1)]
    else:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
        numbered = [(reader.line_num, row) for row in reader]
    numbered = [(line, row) for line, row in numbered if any(cell.strip() for cell in row)]
    header, data = [name.strip() for name in numbered[0][1]], numbered[1:]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        raise ValueError(f"{path} has the column name {duplicated[0]!r} twice")
    for line, row in data:
        if len(row) != len(header):
            raise ValueError(
                f"{path} line {line} has {len(row)} fields; the header has {len(header)} "
                f"({_separator_name(sep)}-separated)"
            )
    if not data:
        raise ValueError(f"{path} has a header but no data rows")
    cells = {name: [row[i].strip() for _, row in data] for i, name in enumerate(header)}
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
    report = (
        f"read {path} ({_separator_name(sep)}-separated, {how}): "
        f"{len(header)} columns, {int(keep.sum())} rows"
    )
    if dropna:
        counts = ", ".join(f"{n}: {int(w.sum())}" for n, w in missing.items() if w.any())
        report += f"; --dropna dropped {int((~keep).sum())} of {len(keep)} rows"
        report += f" (missing values in {counts})" if counts else ""
    print(report)
    return {name: _typed(np.array(values)[keep]) for name, values in cells.items()}


def _text(path: Path) -> str:
    """The file's text: UTF-8 with or without a byte-order mark; binary or other encodings
    are a one-line ``ValueError`` naming the file."""
    raw = Path(path).read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError(f"{path} is UTF-16 text; save it as UTF-8 (a CSV or TSV text file)")
    head = raw[:8192]
    controls = sum(byte < 9 or 13 < byte < 32 for byte in head)
    if b"\x00" in head or controls > max(2, len(head) // 100):
        raise ValueError(
            f"{path} is not a text file (binary data in its first bytes); expected a CSV or "
            "TSV text file with a header row"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ValueError(
            f"{path} is not UTF-8 text: byte 0x{raw[error.start]:02x} on line {line} does not "
            "decode; convert the file to UTF-8 (from Latin-1: iconv -f latin1 -t utf-8)"
        ) from None


def _sniff(header: str) -> str:
    """The separator of a header line: the most frequent of tab, comma and semicolon outside
    quotes (ties in that order), else runs of whitespace if there are any, else a comma (one
    column)."""
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {sep: unquoted.count(sep) for sep in ("\t", ",", ";")}
    best = max(counts, key=counts.get)
    if counts[best]:
        return best
    return WHITESPACE if len(unquoted.split()) > 1 else ","


def _separator_name(sep: str) -> str:
    return _SEPARATOR_NAMES.get(sep, repr(sep))


def _typed(values: np.ndarray) -> np.ndarray:
    for kind in (np.int64, np.float64):
        try:
            return values.astype(kind)
        except (ValueError, OverflowError):
            continue
    return values


def _features(columns: dict, target: str, path: Path) -> list[str]:
    if target not in columns:
        hint = "; the file was read as one column: give --sep" if len(columns) == 1 else ""
        raise ValueError(
            f"no column {target!r} in {path}; columns: {', '.join(map(repr, columns))}{hint}"
        )
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


def _print_matrix(matrix, names: list[str], unit: str) -> None:
    values = np.asarray(matrix, dtype=float)
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
