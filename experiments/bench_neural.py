"""Neural bounds: training speed per bound and critic, and held-out estimates against the truth.

Run ``python -m experiments.bench_neural`` (``--quick``: fewer steps and no 20+20-D). Two
markdown tables:

1. training steps per second at batch 256 for every bound with a separable and a joint critic
   (64-64 MLPs), on the CPU (one thread, as the library runs) and on CUDA when present;
2. the held-out (test-part) estimate of every bound against the exact MI of correlated
   Gaussians, 1+1-D (rho = 0.8), 5+5-D (1 nat) and 20+20-D (2 nats), n = 10,000 (half held
   out), default settings, with the steps run and the seconds taken.
"""

from __future__ import annotations

import argparse
import math
import time
import warnings

import torch

from estimators import neural
from exact.distributions import JointNormal

BATCH = 256


def steps_per_second(bound: str, critic: str, device: str, steps: int) -> float:
    """Training steps per second for ``bound`` with a ``critic`` on 5+5-D data."""
    device = torch.device(device)
    settings = neural._Settings(bound=bound, critic=critic)
    x, y = (torch.randn(4096, 5, device=device) for _ in range(2))
    model = (neural.SeparableCritic if critic == "separable" else neural.JointCritic)(5, 5)
    model = model.to(device)
    trainer = neural._Trainer(torch, model, settings, device, torch.Generator().manual_seed(0))
    with neural._thread_cap(torch, device, "auto"):
        for step in range(steps + 5):  # five warm-up steps
            if step == 5:
                _synchronize(device)
                start = time.perf_counter()
            index = torch.randint(4096, (BATCH,), device=device)
            loss = trainer.loss(model(x[index], y[index]))
            trainer.optimizer.zero_grad()
            loss.backward()
            trainer.optimizer.step()
        _synchronize(device)
    return steps / (time.perf_counter() - start)


def _synchronize(device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def held_out_rows(dimensions, n: int, device: str):
    """(dims, truth, bound, estimate, steps, best step, seconds) for every bound."""
    for dim, mi in dimensions:
        task = JointNormal.correlated(dim, dim, mi)
        x, y = task.sample(n, random_state=0)
        for bound in neural.BOUNDS:
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = neural.NeuralMI(bound, device=device, random_state=0).fit(x, y)
            seconds = time.perf_counter() - start
            d = model.diagnostics_
            yield f"{dim}+{dim}", task.truth(), bound, model.value_, d.steps, d.best_step, seconds


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps, no 20+20-D")
    args = parser.parse_args(argv)
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    steps = {"separable": 50 if args.quick else 200, "joint": 10 if args.quick else 40}

    print(f"torch {torch.__version__}; devices: {', '.join(devices)}; batch {BATCH}\n")
    print("| bound | critic | " + " | ".join(f"steps/s ({d})" for d in devices) + " |")
    print("|---|---|" + "---|" * len(devices))
    for bound in neural.BOUNDS:
        for critic in ("separable", "joint"):
            rates = [steps_per_second(bound, critic, d, steps[critic]) for d in devices]
            print(f"| {bound} | {critic} | " + " | ".join(f"{r:.0f}" for r in rates) + " |")

    rho_mi = -0.5 * math.log(1 - 0.8**2)
    dimensions = [(1, rho_mi), (5, 1.0)] + ([] if args.quick else [(20, 2.0)])
    device = devices[-1]
    print(f"\nheld-out estimates, n = 10,000 (5,000 train), separable critic, on {device}\n")
    print("| dims | truth | bound | estimate | error | steps | best step | seconds |")
    print("|---|---|---|---|---|---|---|---|")
    for dims, truth, bound, value, ran, best, seconds in held_out_rows(dimensions, 10_000, device):
        print(
            f"| {dims} | {truth:.3f} | {bound} | {value:.3f} | {value - truth:+.3f} "
            f"| {ran} | {best} | {seconds:.1f} |"
        )


if __name__ == "__main__":
    main()
