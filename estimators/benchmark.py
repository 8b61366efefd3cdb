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


#: Methods registered for numeric ("continuous") data that are built for mixtures of atoms
#: and densities (Gao et al. 2017), so they run on the discrete-continuous tasks too.
MIXED_DATA = ("mixed",)

#: The default method: estimated on every task, whatever its data.
AUTO = "auto"

#: Seconds allowed to reach a Dask scheduler before giving up.
CONNECT_TIMEOUT = 5.0


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
    """One cell: draw ``n`` samples of the task with ``seed``, estimate, time; a row.

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
            value = estimate(*samples, method=method, **(options or {}))
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
        after :data:`CONNECT_TIMEOUT` seconds if it cannot be reached) and the cells run on
        its workers, which must be able to import infoest. ``backend="dask"`` without it uses
        the process's current Dask client.
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
    _check_scheduler(address)
    with Client(address, timeout=CONNECT_TIMEOUT):
        yield


def _check_scheduler(address: str) -> None:
    """Fail within :data:`CONNECT_TIMEOUT` unless ``address`` answers Dask's handshake.

    ``Client(timeout=...)`` alone waits forever on a peer that accepts the connection and
    stays silent (another service's port). The probe runs its own event loop in a thread,
    so it also works under a running loop (Jupyter). In-process addresses are left to the
    Client.
    """
    if address.startswith("inproc://"):
        return
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from distributed.comm import connect

    async def handshake() -> None:
        # distributed's own timeout (with its message) first; ours for a silent peer
        comm = await asyncio.wait_for(
            connect(address, timeout=CONNECT_TIMEOUT), CONNECT_TIMEOUT + 1
        )
        await comm.close()

    try:
        with ThreadPoolExecutor(1) as thread:
            thread.submit(asyncio.run, handshake()).result()
    except ValueError as error:
        raise ValueError(f"bad Dask scheduler address {address!r}: {error}") from None
    except OSError as error:  # TimeoutError included
        reason = str(error) or f"no answer within {CONNECT_TIMEOUT + 1:g} s"
        raise ConnectionError(
            f"cannot connect to the Dask scheduler at {address!r}: {reason}"
        ) from None


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
    estimators = sorted({s["estimator"] for s in summary})
    palette = plt.get_cmap("tab20").colors  # 10 strong colours, then their light partners
    colors = dict(zip(estimators, (palette[::2] + palette[1::2]) * 2, strict=False))
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
            axis.plot(n, mean, marker="o", label=estimator, color=colors[estimator])
            axis.fill_between(n, mean - sd, mean + sd, alpha=0.2, color=colors[estimator])
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
