"""Estimator benchmarks against ground truth: estimators x tasks x sample sizes x seeds.

:func:`run` evaluates every applicable registered method on every task of
:data:`exact.distributions.TASKS` asked for, at every sample size and seed, and returns tidy
rows (task, quantity, estimator, n, seed, truth, estimate, seconds, error, failure). A cell
that raises or runs past ``timeout`` is recorded as failed with its message and the run goes
on. Cells run through joblib (``n_jobs``, ``backend``), so the same run goes to any joblib
backend; ``backend="dask", scheduler=ADDRESS`` sends it to a Dask cluster.
:func:`summarize` gives bias, standard deviation, RMSE and median seconds per task,
estimator and n; :func:`write_csv` writes the rows; :func:`plot` draws them.

Applicability: a method must estimate the task's quantity, and its kind of data must match
the task's samples (read from their dtype): discrete methods on discrete tasks, continuous
ones on continuous tasks (rounded and zero-inflated samples are floats: continuous), and on
a task pairing a discrete with a continuous variable the methods registered for ``"any"``
data (``"ross"``) and those of :data:`MIXED_DATA` (``"mixed"``). :data:`AUTO`, the
library's default (``method="auto"``, which picks by data), applies to every task, so the
tables show the default next to each family.

Suites: :data:`SUITES` names task lists (``"hard"``: :data:`exact.distributions.HARD_SUITE`,
``"null"``: :data:`exact.distributions.NULL_SUITE`; the CLI adds its ``"quick"`` default);
:func:`describe` gives a task's quantity, dimensions and truth; :func:`solved` counts, per
estimator and n, the tasks an estimator solves (:func:`is_solved`).
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import math
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from numbers import Real

import numpy as np
from tqdm import tqdm

from exact import distributions

from . import _api, _dask
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


#: Methods registered for numeric ("continuous") data that are built for mixtures of atoms
#: and densities (Gao et al. 2017), so they run on the discrete-continuous tasks too.
MIXED_DATA = ("mixed",)

#: The default method: estimated on every task, whatever its data.
AUTO = "auto"


class CellTimeout(BaseException):
    """Raised inside a cell that ran past its time limit.

    A ``BaseException`` (like ``KeyboardInterrupt``), so an estimator's own
    ``except Exception`` cannot swallow it.
    """


def applicable(task_name: str) -> list[str]:
    """The methods that can estimate task ``task_name``, sorted: :data:`AUTO` and the
    registered methods whose kind of data matches the task's samples."""
    task = distributions.task(task_name)
    draws = task.sample(8, random_state=0)
    draws = (draws,) if task.quantity == "entropy" else draws
    discrete = {is_discrete(as_samples(d, "x")) for d in draws}
    methods = methods_for(task.quantity)
    if len(discrete) == 2:  # a discrete and a continuous variable
        kept = [m for m in methods if lookup(m, task.quantity).data == "any" or m in MIXED_DATA]
    else:
        kind = "discrete" if discrete == {True} else "continuous"
        kept = [m for m in methods if lookup(m, task.quantity).data == kind]
    return sorted([AUTO, *kept])


def run_cell(
    task_name: str,
    method: str,
    n: int,
    seed: int,
    options: dict | None = None,
    timeout: float | None = None,
):
    """One cell: draw ``n`` samples of the task with ``seed``, estimate (``seed`` is also the
    method's ``random_state``: its dithers, surrogates, training), time; a row.

    With ``timeout`` (seconds), drawing and estimating are stopped after that long (see
    :func:`run` for how and where) and the row is failed with ``"timeout after S s"``.
    """
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

    def draw_and_estimate() -> tuple[float, float]:
        samples = task.sample(n, random_state=seed)
        samples = (samples,) if task.quantity == "entropy" else tuple(samples)
        estimate = getattr(_api, task.quantity)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = estimate(*samples, method=method, **{"random_state": seed, **(options or {})})
        return value, time.perf_counter() - start

    try:
        value, seconds = _call_with_time_limit(draw_and_estimate, timeout)
        row.update(seconds=seconds, estimate=value, error=value - row["truth"])
    except CellTimeout:
        row["failure"] = f"timeout after {timeout:g} s"
    except Exception as error:  # a failing cell is recorded, the run goes on
        row["failure"] = f"{type(error).__name__}: {error}"
    return row


def run(
    tasks: Iterable[str],
    sizes: Iterable[int],
    seeds: Iterable[int],
    methods: Iterable[str] | None = None,
    *,
    n_jobs: int | None = None,
    backend: str | None = None,
    scheduler: str | None = None,
    timeout: float | None = None,
    progress: bool = False,
    options: dict[str, dict] | None = None,
) -> list[dict]:
    """Every applicable method (or those in ``methods``) on every task, size and seed.

    Parameters
    ----------
    tasks, sizes, seeds
        Names from :data:`exact.distributions.TASKS`, sample sizes and random seeds.
    methods
        Method names to keep (default: every applicable one, :data:`AUTO` included).
    n_jobs, backend
        ``joblib.Parallel(n_jobs, backend)``; ``n_jobs=None`` is the backend's default
        (1, sequential, for the local backends; every worker thread for Dask).
    scheduler
        Address of a running Dask scheduler (``"tcp://host:8786"``), with
        ``backend="dask"``: a ``dask.distributed.Client`` connects to it (``ConnectionError``
        after :data:`estimators._dask.CONNECT_TIMEOUT` seconds if it cannot be reached) and
        the cells run on its workers, which must be able to import infoest.
        ``backend="dask"`` without it uses the process's current Dask client.
    timeout
        Seconds one cell (drawing and estimating) may run; a longer one is failed with
        ``"timeout after S s"``. A watchdog thread raises :class:`CellTimeout` in the thread
        running the cell (``PyThreadState_SetAsyncExc``), which works in every backend —
        the main thread, joblib's worker processes and threads, Dask workers — and leaves
        the worker usable. The exception lands when that thread next runs Python bytecode:
        Python loops (the neural training steps, the chunked KDE) stop within one step, but
        one long call into compiled code (a KD-tree query, a BLAS product, a sleep) runs to
        its end first, and the cell is failed then. Nothing is killed, so a cell stuck inside
        compiled code keeps its worker until it returns. The exception can land in any Python
        code the cell runs, a first import (torch, for a neural cell) or a JIT compilation
        included: keep the limit well above such one-off costs.
    progress
        Show a progress bar over cells on stderr (tqdm).
    options
        Method name -> that method's options.

    Returns
    -------
    list of dict
        One row per cell (columns :data:`FIELDS`), in grid order.

    Cost: the sum of the cells' costs, divided among the workers.
    """
    from joblib import Parallel, delayed

    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, Real) or not 0 < timeout < math.inf
    ):
        raise ValueError(f"timeout must be a positive number of seconds or None; got {timeout!r}")
    if scheduler is not None and backend != "dask":
        raise ValueError(f"scheduler needs backend='dask'; got backend={backend!r}")
    grid = [
        (task, method, n, seed)
        for task in tasks
        for method in applicable(task)
        if methods is None or method in methods
        for n in sizes
        for seed in seeds
    ]
    options = options or {}
    cells = (
        delayed(run_cell)(task, method, n, seed, options.get(method), timeout)
        for task, method, n, seed in grid
    )
    with _joblib_backend(backend, scheduler) as chosen:
        rows = Parallel(n_jobs=n_jobs, backend=chosen, return_as="generator")(cells)
        return list(tqdm(rows, total=len(grid), unit="cell", file=sys.stderr, disable=not progress))


def _call_with_time_limit(function: Callable[[], tuple], seconds: float | None):
    """``function()``, interrupted by :class:`CellTimeout` after ``seconds`` (None: never).

    A timer thread sets an asynchronous exception on the calling thread; a lock makes sure
    it is either raised inside this call or cleared, never left pending for later code.
    """
    if seconds is None:
        return function()
    caller = threading.get_ident()
    lock = threading.Lock()
    state = {"armed": True, "fired": False}

    def fire() -> None:
        with lock:
            if state["armed"]:
                state["fired"] = True
                _set_async_exception(caller, CellTimeout)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        return function()
    finally:
        with lock:
            state["armed"] = False
            if state["fired"]:  # not yet raised if function() returned just in time
                _set_async_exception(caller, None)
        timer.cancel()
        if state["fired"]:
            raise CellTimeout


def _set_async_exception(thread_id: int, exception: type[BaseException] | None) -> None:
    """Raise ``exception`` in thread ``thread_id`` at its next bytecode (None: clear it)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), None if exception is None else ctypes.py_object(exception)
    )


@contextlib.contextmanager
def _joblib_backend(backend: str | None, scheduler: str | None) -> Iterator[str | None]:
    """Within: the ``backend`` argument for ``joblib.Parallel``. Dask's is set (and
    registered) by ``joblib.parallel_config``, on a client of ``scheduler`` if given."""
    if backend != "dask":
        yield backend
        return
    from joblib import parallel_config

    with _dask_client(scheduler), parallel_config(backend="dask"):
        yield None


@contextlib.contextmanager
def _dask_client(address: str | None) -> Iterator[None]:
    """Within: a Dask client connected to ``address`` is the default one (None: nothing)."""
    if address is None:
        yield
        return
    try:
        from dask.distributed import Client
    except ImportError:
        raise ImportError(
            "the Dask backend needs dask.distributed: pip install 'infoest[dask]'"
        ) from None
    _dask.check_scheduler(address)
    with Client(address, timeout=_dask.CONNECT_TIMEOUT):
        yield


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


# --- suites and the "solved" count ----------------------------------------------------------

#: Named task lists for ``infoest bench --suite`` (the CLI adds ``"quick"``, its default).
SUITES = {
    "hard": tuple(distributions.HARD_SUITE),
    "null": tuple(distributions.NULL_SUITE),
}

#: An MI estimate solves a task of truth ``I > 0`` when ``|log(estimate / I)| < log(1.5)``:
#: within a factor 1.5 either way (after Czyż et al. 2023).
SOLVED_RATIO = 1.5
#: ...and a task of truth 0 (the null suite) when ``|estimate| <= 0.05`` nats.
NULL_TOLERANCE = 0.05


def suite(name: str) -> list[str]:
    """The task names of suite ``name`` (:data:`SUITES`); ``ValueError`` for another name."""
    if name not in SUITES:
        raise ValueError(f"unknown suite {name!r}; suites: {', '.join(sorted(SUITES))}")
    return list(SUITES[name])


def describe(task_name: str) -> dict:
    """``{"task", "quantity", "dims", "truth"}`` of a task: ``dims`` is ``"dx+dy"`` for MI,
    the dimension of the (shared) space for entropy and KL; ``truth`` in nats."""
    task = distributions.task(task_name)
    draws = task.sample(2, random_state=0)
    draws = (draws,) if task.quantity == "entropy" else draws
    sizes = [1 if np.ndim(d) == 1 else np.shape(d)[1] for d in draws]
    dims = "+".join(map(str, sizes)) if task.quantity == "mutual_information" else str(sizes[0])
    return {"task": task_name, "quantity": task.quantity, "dims": dims, "truth": task.truth()}


def is_solved(estimate: float, truth: float) -> bool:
    """Whether ``estimate`` solves a task of exact value ``truth`` (nats):
    ``|log(estimate / truth)| < log(SOLVED_RATIO)`` for ``truth > 0`` (an estimate of the
    wrong sign never does), ``|estimate| <= NULL_TOLERANCE`` for ``truth == 0``. NaN (a
    failed cell): not solved."""
    if not math.isfinite(estimate):
        return False
    if truth == 0:
        return abs(estimate) <= NULL_TOLERANCE
    ratio = estimate / truth
    return ratio > 0 and abs(math.log(ratio)) < math.log(SOLVED_RATIO)


def solved(rows: list[dict]) -> list[dict]:
    """Per (estimator, n): how many tasks it solves, averaged over seeds.

    A cell solves its task by :func:`is_solved` (within a factor 1.5 of a positive truth,
    within 0.05 nats of a zero one; a failed cell does not). Each task counts the fraction
    of its seeds solved, and the fractions are summed: ``solved`` is the expected number of
    tasks solved by one seed, out of ``tasks`` (the tasks the estimator ran on). Rows
    ``{"estimator", "n", "solved", "tasks", "failed"}`` (failed: cells), in first-seen order.
    """
    groups: dict[tuple, dict[str, list[bool]]] = {}
    failed: dict[tuple, int] = {}
    for row in rows:
        key = (row["estimator"], row["n"])
        hit = not row["failure"] and is_solved(row["estimate"], row["truth"])
        groups.setdefault(key, {}).setdefault(row["task"], []).append(hit)
        failed[key] = failed.get(key, 0) + bool(row["failure"])
    return [
        {
            "estimator": estimator,
            "n": n,
            "solved": float(sum(np.mean(hits) for hits in tasks.values())),
            "tasks": len(tasks),
            "failed": failed[estimator, n],
        }
        for (estimator, n), tasks in groups.items()
    ]


def write_csv(rows: list[dict], path) -> None:
    """The tidy rows as CSV, one line per cell, columns :data:`FIELDS`."""
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)


#: Quantity -> the y-axis label of its panels (every value in nats).
_AXIS_LABELS = {
    "entropy": "entropy (nats)",
    "mutual_information": "mutual information (nats)",
    "kl_divergence": "KL divergence (nats)",
}
_MARKERS = ("o", "s", "D", "P", "X", "*", "h", "p", "<", ">", "d")
_LINESTYLES = ("-", (0, (1, 1)), "-.", (0, (5, 1, 1, 1, 1, 1)))


def plot(rows: list[dict], folder) -> list:
    """Figures from the rows, if matplotlib is installed; the paths written.

    ``estimates.png``: a panel per task (titled with the task and its exact value, the
    quantity and unit on the y-axis, n on a log x-axis) with the mean estimate over seeds
    against n per estimator, a band of ± one standard deviation over seeds and the exact
    value dashed; one legend for the figure, beside the panels. An estimator keeps its
    colour, marker and line style in every panel, and the estimators' points are spread
    slightly along n so that equal values stay visible. The y-range of a panel is the exact
    value ± 8 times the median of ``|mean - exact| + sd`` over its points (never wider than
    the points need, the exact value always in): a mean beyond it is drawn on the edge as a
    triangle pointing out with its value printed, so one estimator far off (the histogram in
    5-D) does not flatten the others.

    ``errors.png``: estimator x task heat map of the RMSE at the largest n that has a result,
    log colour scale, values printed (blank: the estimator does not apply to the task;
    ``failed``: every seed of that cell failed).

    Tasks with no successful cell get no panel; with none at all, nothing is drawn. None is
    written without matplotlib.
    """
    try:
        import matplotlib
    except ImportError:
        return []
    from pathlib import Path

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(folder)
    summary = [s for s in summarize(rows) if not math.isnan(s["mean"])]
    if not summary:
        return []
    estimators = sorted({s["estimator"] for s in summary})
    styles = {name: _style(i) for i, name in enumerate(estimators)}
    seeds = len({row["seed"] for row in rows})
    quantities = {row["task"]: row["quantity"] for row in rows}
    _plot_estimates(plt, summary, quantities, styles, seeds, folder / "estimates.png")
    _plot_errors(plt, summarize(rows), summary, seeds, folder / "errors.png")
    return [folder / "estimates.png", folder / "errors.png"]


def _style(index: int) -> dict:
    """Colour, marker and line style of the ``index``-th estimator: no two alike among the
    first 110 (tab10's 10 colours, 11 markers; the line style changes with each ten)."""
    import matplotlib.pyplot as plt

    return {
        "color": plt.get_cmap("tab10").colors[index % 10],
        "marker": _MARKERS[index % len(_MARKERS)],
        "linestyle": _LINESTYLES[index // 10 % len(_LINESTYLES)],
    }


def _y_range(points: list[dict], truth: float) -> tuple[float, float]:
    """A panel's y-limits: see :func:`plot`."""
    mean = np.array([p["mean"] for p in points])
    sd = np.nan_to_num(np.array([p["sd"] for p in points]))
    deviation = np.abs(mean - truth) + sd
    half = max(8 * float(np.median(deviation)), 1e-3 * max(1.0, abs(truth)))
    low = max(float(np.min(mean - sd)), truth - half)
    high = min(float(np.max(mean + sd)), truth + half)
    low, high = min(low, truth), max(high, truth)
    pad = 0.08 * (high - low) or 1e-3 * max(1.0, abs(truth))
    return low - pad, high + pad


def _plot_estimates(
    plt, summary: list[dict], quantities: dict, styles: dict, seeds: int, path
) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import NullLocator

    tasks = list(dict.fromkeys(s["task"] for s in summary))
    columns = min(4, len(tasks))
    lines = -(-len(tasks) // columns)
    figure, axes = plt.subplots(
        lines, columns, figsize=(4.2 * columns, 3.4 * lines + 0.6), squeeze=False
    )
    clipped_any = False
    for axis, task in zip(axes.flat, tasks, strict=False):
        points = [s for s in summary if s["task"] == task]
        truth = points[0]["truth"]
        low, high = _y_range(points, truth)
        names = list(dict.fromkeys(p["estimator"] for p in points))
        step = min(0.035, 0.25 / len(names))  # decades between neighbours' points
        for i, name in enumerate(names):
            cells = sorted((p for p in points if p["estimator"] == name), key=lambda p: p["n"])
            n = np.array([c["n"] for c in cells]) * 10 ** ((i - (len(names) - 1) / 2) * step)
            mean = np.array([c["mean"] for c in cells])
            sd = np.nan_to_num(np.array([c["sd"] for c in cells]))
            style = styles[name]
            if len(n) > 1:
                alpha = min(0.15, 0.6 / len(names))
                axis.fill_between(n, mean - sd, mean + sd, color=style["color"], alpha=alpha, lw=0)
            else:  # one size: the band is a bar
                axis.vlines(n, mean - sd, mean + sd, color=style["color"], alpha=0.35, lw=4)
            shown = np.clip(mean, low, high)
            axis.plot(n, shown, color=style["color"], linestyle=style["linestyle"], lw=1.2)
            inside = shown == mean
            axis.plot(
                n[inside],
                mean[inside],
                linestyle="none",
                marker=style["marker"],
                ms=5.5,
                color=style["color"],
                markeredgecolor="white",
                markeredgewidth=0.4,
            )
            for x, value in zip(n[~inside], mean[~inside], strict=True):
                clipped_any = True
                above = value > high
                edge = high if above else low
                axis.plot(
                    x,
                    edge,
                    marker="^" if above else "v",
                    ms=7,
                    color=style["color"],
                    clip_on=False,
                    linestyle="none",
                )
                axis.annotate(
                    f"{value:.3g}",
                    (x, edge),
                    xytext=(4, -9 if above else 3),
                    textcoords="offset points",
                    fontsize=7,
                    color=style["color"],
                    annotation_clip=False,
                )
        axis.axhline(truth, color="black", linestyle="--", lw=1.2, zorder=0.5)
        axis.set_ylim(low, high)
        sizes = sorted({p["n"] for p in points})
        axis.set_xscale("log")
        axis.set_xlim(sizes[0] / 1.4, sizes[-1] * 1.4)
        axis.set_xticks(sizes, [f"{n:,}" for n in sizes], fontsize=7)
        axis.xaxis.set_minor_locator(NullLocator())
        axis.tick_params(axis="y", labelsize=7)
        axis.set_xlabel("n (samples)", fontsize=8)
        axis.set_ylabel(_AXIS_LABELS.get(quantities[task], "estimate (nats)"), fontsize=8)
        axis.set_title(f"{task}  (exact {truth:.4g})", fontsize=9)
        axis.grid(alpha=0.25, lw=0.5)
    for axis in list(axes.flat)[len(tasks) :]:
        axis.set_visible(False)
    handles = [
        Line2D([], [], color=s["color"], marker=s["marker"], linestyle=s["linestyle"], label=name)
        for name, s in styles.items()
    ]
    handles += [
        Line2D([], [], color="black", linestyle="--", label="exact value"),
        Patch(color="grey", alpha=0.25, label=f"± 1 sd over {seeds} seeds"),
    ]
    if clipped_any:
        handles.append(
            Line2D(
                [],
                [],
                color="grey",
                marker="^",
                linestyle="none",
                label="mean beyond the axis\n(value printed)",
            )
        )
    figure.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.0, 0.96),
        fontsize=8,
        title="estimator",
        title_fontsize=8,
        frameon=False,
    )
    figure.suptitle(
        f"infoest bench: mean estimate over {seeds} seed{'s' * (seeds != 1)} against sample "
        "size n\n(each estimator's points are spread slightly along n so that equal values "
        "stay visible)",
        fontsize=10,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(figure)


def _plot_errors(plt, summary: list[dict], done: list[dict], seeds: int, path) -> None:
    """``errors.png`` (see :func:`plot`); ``summary`` has every cell, ``done`` those with
    a result."""
    from matplotlib.colors import LogNorm

    tasks = list(dict.fromkeys(s["task"] for s in summary))
    names = sorted({s["estimator"] for s in summary})
    largest = max(s["n"] for s in done)
    grid = np.full((len(names), len(tasks)), np.nan)
    failed = []
    for s in summary:
        if s["n"] == largest:
            where = names.index(s["estimator"]), tasks.index(s["task"])
            if math.isnan(s["rmse"]):
                failed.append(where)
            else:
                grid[where] = s["rmse"]
    positive = grid[grid > 0]
    floor = positive.min() if positive.size else 1e-12
    shown = np.where(grid > 0, grid, np.where(grid == 0, floor, np.nan))
    figure, axis = plt.subplots(figsize=(2 + 0.75 * len(tasks), 1.6 + 0.4 * len(names)))
    norm = LogNorm(vmin=np.nanmin(shown), vmax=np.nanmax(shown)) if positive.size else None
    image = axis.imshow(shown, cmap="viridis", norm=norm, aspect="auto")
    for (i, j), value in np.ndenumerate(grid):
        if not math.isnan(value):
            bright = norm is not None and norm(shown[i, j]) > 0.6
            axis.text(
                j,
                i,
                f"{value:.2g}",
                ha="center",
                va="center",
                fontsize=5.5,
                color="black" if bright else "white",
            )
    for i, j in failed:
        axis.text(j, i, "failed", ha="center", va="center", fontsize=5.5, color="red")
    axis.set_xticks(range(len(tasks)), tasks, rotation=60, ha="right", fontsize=7)
    axis.set_yticks(range(len(names)), names, fontsize=7)
    axis.set_xlabel("task", fontsize=8)
    axis.set_ylabel("estimator", fontsize=8)
    axis.set_title(
        f"RMSE against the exact value at n = {largest:,} ({seeds} seed{'s' * (seeds != 1)});\n"
        "blank: estimator not applicable to the task",
        fontsize=9,
    )
    figure.colorbar(image, label="RMSE (nats, log scale)")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
