"""Coverage of the 95 % bootstrap intervals of KSG, Kozachenko–Leonenko and histogram estimates.

Run ``python -m experiments.coverage`` (``--reps``, ``--resamples``, ``--n``, ``--jobs`` to
change the defaults: 200 repetitions, 200 resamples, n = 500). For each task, ``--reps`` fresh
samples of a Gaussian with known entropy or MI each get an estimate with
``uncertainty="bootstrap"``; a separate simulation of ``--expected`` plain estimates gives the
estimator's expected value ``E[theta_n]`` and its spread. The table reports how often the
interval covers ``E[theta_n]`` (what a sampling interval targets: 90-99 % expected) and how
often it covers the truth (lower where the estimator is biased: the interval carries the
sampling noise, not the bias), beside the mean reported standard error and the simulated
standard deviation of the estimator.

The k-NN families are resampled by half-samples without replacement (see
:mod:`estimators.uncertainty`): resampling with replacement would duplicate rows, put
neighbours at distance 0, and bias every replicate.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

import numpy as np
from joblib import Parallel, delayed

import estimators
from exact import gaussian as closed_form

RHO = 0.6
COV_2D = np.array([[1.0, RHO], [RHO, 1.0]])


@dataclass(frozen=True)
class Task:
    label: str
    method: str
    quantity: str  # "mi" or "entropy"
    truth: float
    options: tuple = ()  # the method's options, as (name, value) pairs

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        joint = rng.multivariate_normal(np.zeros(2), COV_2D, size=n)
        return (joint[:, :1], joint[:, 1:]) if self.quantity == "mi" else (joint,)

    def estimate(self, samples, **uncertainty) -> float:
        options = {**dict(self.options), **uncertainty}
        if self.quantity == "mi":
            return estimators.mutual_information(*samples, method=self.method, **options)
        return estimators.entropy(*samples, method=self.method, **options)


MI = float(closed_form.mutual_information(COV_2D, 1))
H = float(closed_form.entropy(COV_2D))
TASKS = (
    Task("KSG MI, rho = 0.6", "ksg", "mi", MI),
    Task("Kozachenko–Leonenko H, 2-D", "knn", "entropy", H),
    Task("histogram MI, rho = 0.6, 'fd' bins", "histogram", "mi", MI, (("bins", "fd"),)),
    Task("histogram MI, rho = 0.6, 'sturges' bins", "histogram", "mi", MI, (("bins", "sturges"),)),
    Task("histogram H, 2-D, 'fd' bins", "histogram", "entropy", H, (("bins", "fd"),)),
)


@dataclass(frozen=True)
class Coverage:
    task: Task
    n: int
    expected: float
    simulated_sd: float
    mean_stderr: float
    covers_expected: float
    covers_truth: float
    scheme: str
    seconds: float


def _interval(task: Task, n: int, resamples: int, seed: int):
    rng = np.random.default_rng([seed, 1])
    estimate = task.estimate(
        task.sample(n, rng), uncertainty="bootstrap", n_resamples=resamples, random_state=seed
    )
    return estimate.ci, estimate.stderr, estimate.uncertainty


def _plain(task: Task, n: int, seed: int) -> float:
    return task.estimate(task.sample(n, np.random.default_rng([seed, 2])))


def coverage(task: Task, n: int, reps: int, resamples: int, expected_runs: int, jobs: int = 1):
    """Coverage of ``E[theta_n]`` and of the truth by ``reps`` intervals (seeds 0 .. reps-1)."""
    start = time.perf_counter()
    runs = Parallel(n_jobs=jobs)(delayed(_interval)(task, n, resamples, s) for s in range(reps))
    seconds = time.perf_counter() - start
    plain = np.array(
        Parallel(n_jobs=jobs)(delayed(_plain)(task, n, s) for s in range(expected_runs))
    )
    expected = float(plain.mean())
    lows = np.array([ci[0] for ci, _, _ in runs])
    highs = np.array([ci[1] for ci, _, _ in runs])
    return Coverage(
        task=task,
        n=n,
        expected=expected,
        simulated_sd=float(plain.std(ddof=1)),
        mean_stderr=float(np.mean([stderr for _, stderr, _ in runs])),
        covers_expected=float(np.mean((lows <= expected) & (expected <= highs))),
        covers_truth=float(np.mean((lows <= task.truth) & (task.truth <= highs))),
        scheme=runs[0][2],
        seconds=seconds,
    )


def table(results: list[Coverage], reps: int, resamples: int) -> str:
    lines = [
        f"95 % intervals, {reps} repetitions, {resamples} resamples each (nats)",
        "",
        "| estimate | scheme | n | truth | E[estimate] | bias | sd (simulated) | mean stderr "
        "| covers E[estimate] | covers truth | seconds |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.task.label} | {r.scheme} | {r.n} | {r.task.truth:.4f} | {r.expected:.4f} "
            f"| {r.expected - r.task.truth:+.4f} | {r.simulated_sd:.4f} | {r.mean_stderr:.4f} "
            f"| {r.covers_expected:.1%} | {r.covers_truth:.1%} | {r.seconds:.0f} |"
        )
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--resamples", type=int, default=200)
    parser.add_argument("--expected", type=int, default=1000, help="plain runs for E[theta_n]")
    parser.add_argument("--jobs", type=int, default=1, help="joblib processes over repetitions")
    parser.add_argument("--methods", nargs="*", default=None, help="subset of ksg knn histogram")
    args = parser.parse_args(argv)
    tasks = [t for t in TASKS if args.methods is None or t.method in args.methods]
    results = [
        coverage(task, args.n, args.reps, args.resamples, args.expected, args.jobs)
        for task in tasks
    ]
    print(table(results, args.reps, args.resamples))
    print(
        "\nThe intervals describe the sampling spread around the estimate, so they cover the "
        "estimator's expected value; the truth is covered less often by as much as the bias "
        "(column 'bias') is large against the standard error."
    )


if __name__ == "__main__":
    main()
