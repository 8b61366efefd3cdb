"""Every example of the seed document: what it prints, what infoest gives, what is correct.

Run ``python -m experiments.seed_examples``. It prints a markdown table with one row per
example in the seed document: the value the seed prints, the library's value, the correct
value, and a one-line note where they differ. Where the seed's own inputs are inconsistent the
library refuses them by default (the row shows the error) and reproduces the seed's number
only on request (``validate=False``). The Gaussian rows also rerun the seed's own procedure
(:mod:`experiments.seed_procedure`, needs torch) to show that its numbers are reproduced and
what they are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

import exact

SEED_JOINT = [[0.1, 0.5], [0.1, 0.3]]
SEED_BAD_JOINT = [[0.1, 0.5], [0.2, 0.3]]
SEED_P_X = [0.2, 0.8]
SEED_P_Y = [[0.75, 0.25]]
SEED_PREDS = [[0.3, 0.6, 0.1], [0.2, 0.3, 0.5]]
SEED_LABELS = [0, 2]


@dataclass
class Example:
    """One row: the seed's printed value, infoest's (a number or what it raised), the truth."""

    example: str
    unit: str
    seed_prints: float
    infoest: float | str
    correct: float | None
    note: str = ""


def _refusal(call) -> str:
    try:
        call()
    except ValueError as error:
        return f"ValueError: {str(error).split(';')[0]}"
    raise AssertionError("expected the library to refuse the seed's inconsistent input")


def discrete_examples() -> list[Example]:
    """The seed's probability-table examples (no torch needed)."""
    mi_as_written = exact.mutual_information(SEED_JOINT, SEED_P_X, SEED_P_Y, base=2, validate=False)
    h_as_written = exact.conditional_entropy(SEED_BAD_JOINT, SEED_P_X, base=2, validate=False)
    return [
        Example(
            "self_information(1/64)", "bits", 6.0, float(exact.self_information(1 / 64, 2)), 6.0
        ),
        Example(
            "entropy([0.1, 0.5, 0.1, 0.3])",
            "bits",
            1.6855,
            float(exact.entropy([0.1, 0.5, 0.1, 0.3], 2)),
            1.6855,
        ),
        Example(
            "joint_entropy([[0.1, 0.5], [0.1, 0.3]])",
            "bits",
            1.6855,
            float(exact.joint_entropy(SEED_JOINT, 2)),
            1.6855,
        ),
        Example(
            "conditional_entropy([[0.1, 0.5], [0.2, 0.3]], p_x=[0.2, 0.8])",
            "bits",
            0.8635,
            _refusal(lambda: exact.conditional_entropy(SEED_BAD_JOINT, SEED_P_X, base=2)),
            None,
            f"the joint sums to 1.1, not a distribution; validate=False gives {h_as_written:.4f} "
            "(the seed's expression, p_x dividing columns)",
        ),
        Example(
            "mutual_information(joint, p_x=[0.2, 0.8], p_y=[[0.75, 0.25]])",
            "bits",
            0.7195,
            _refusal(lambda: exact.mutual_information(SEED_JOINT, SEED_P_X, SEED_P_Y, base=2)),
            float(exact.mutual_information(SEED_JOINT, base=2)),
            "the given marginals are not the joint's ([0.6, 0.4], [0.2, 0.8]); "
            f"validate=False gives {mi_as_written:.4f}; correct = MI of the joint itself",
        ),
        Example(
            "cross_entropy(preds, labels=[0, 2])",
            "nats",
            0.9486,
            float(exact.cross_entropy_loss(SEED_PREDS, SEED_LABELS)),
            0.9486,
        ),
    ]


def torch_examples() -> list[Example]:
    """The examples that need torch: NLLLoss, and the seed's Gaussian 'KL' procedure."""
    import torch

    from .seed_procedure import percent_difference, seed_kl_numbers

    nll = torch.nn.NLLLoss()(torch.log(torch.tensor(SEED_PREDS)), torch.tensor(SEED_LABELS))
    seed = seed_kl_numbers()
    kl_pq1, kl_pq2, kl_q2p = (
        float(exact.gaussian.kl_divergence(mean_p, 1.0, mean_q, 1.0, base=2))
        for mean_p, mean_q in ((0.0, -1.0), (0.0, 1.0), (1.0, 0.0))
    )
    truth = 0.5 / math.log(2)  # 0.5 nats: (mean_p - mean_q)^2 / 2 for unit variances
    why = (
        "the seed applies the discrete formula to raw sample values "
        "(negative ratios -> NaN, dropped; abs taken)"
    )
    return [
        Example(
            "NLLLoss(log(preds), labels)",
            "nats",
            0.9486,
            float(exact.cross_entropy_loss(torch.tensor(SEED_PREDS), torch.tensor(SEED_LABELS))),
            float(nll),
            "torch's NLLLoss on log(preds), computed here",
        ),
        Example(
            "KL(N(0,1) ‖ N(-1,1)), seed's samples",
            "bits",
            8582.0341796875,
            kl_pq1,
            truth,
            f"{why}; its procedure rerun here gives {seed['kl_pq1']!r}",
        ),
        Example(
            "KL(N(0,1) ‖ N(1,1)), seed's samples",
            "bits",
            8828.3095703125,
            kl_pq2,
            truth,
            f"same procedure; rerun here: {seed['kl_pq2']!r}",
        ),
        Example(
            "difference of the two, % of their mean",
            "%",
            2.8290698237936858,
            percent_difference(kl_pq1, kl_pq2),
            0.0,
            f"rerun here: {seed['similar_percentage']!r}; the true KLs are equal",
        ),
        Example(
            "KL(N(1,1) ‖ N(0,1)), seed's samples",
            "bits",
            14130.125,
            kl_q2p,
            truth,
            f"rerun here: {seed['kl_q2p']!r}; equal-variance normals: KL is symmetric",
        ),
        Example(
            "KL(q2 ‖ p) vs KL(p ‖ q2), % of their mean",
            "%",
            46.18621024399691,
            percent_difference(kl_q2p, kl_pq2),
            0.0,
            f"rerun here: {seed['differ_percentage']!r}; the 'asymmetry' is an artefact",
        ),
    ]


def all_examples() -> list[Example]:
    """Every seed example; the torch ones only when torch is installed."""
    try:
        import torch  # noqa: F401
    except ImportError:
        return discrete_examples()
    return discrete_examples() + torch_examples()


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return f"{value:.6g}" if math.isfinite(value) else str(value)


def markdown_table(examples: list[Example]) -> str:
    lines = [
        "| example | unit | seed prints | infoest | correct | note |",
        "|---|---|---|---|---|---|",
    ]
    for row in examples:
        lines.append(
            f"| {row.example} | {row.unit} | {row.seed_prints!r} | {_cell(row.infoest)} | "
            f"{_cell(row.correct)} | {row.note} |"
        )
    return "\n".join(lines)


def main() -> None:
    examples = all_examples()
    print(markdown_table(examples))
    if len(examples) < 12:
        print("\n(torch is not installed: the NLLLoss and Gaussian rows are skipped)")
    agree = sum(
        isinstance(row.infoest, float)
        and row.correct is not None
        and bool(np.isclose(row.infoest, row.correct, atol=5e-5))
        for row in examples
    )
    print(f"\n{agree} of {len(examples)} rows: infoest equals the correct value to 4 decimals")


if __name__ == "__main__":
    main()
