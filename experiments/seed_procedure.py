"""The seed document's own Gaussian "KL" procedure, reproduced on purpose.

The seed draws 10,000 samples each of N(0, 1), N(-1, 1) and N(1, 1) with ``torch.manual_seed(1)``,
sorts each, and applies the *discrete* KL formula ``|nansum(p * log2(p / q))|`` to the raw sample
values as if they were probabilities. Ratios of samples of opposite sign are negative, their
logarithm is NaN and ``nansum`` silently drops them; the absolute value hides the sign. The
numbers it prints (8582.03, 8828.31, 14130.13) are therefore not KL divergences: the true value
is 0.5 nats (0.7213 bits) in every direction. This module exists so that the experiments can
show those numbers next to correct estimates; nothing in :mod:`exact` or :mod:`estimators`
uses it. Needs torch (float32 CPU arithmetic is what reproduces the seed to the last digit).
"""

from __future__ import annotations

SEED = 1
N_SAMPLES = 10_000


def sorted_gaussian_samples(n: int = N_SAMPLES, seed: int = SEED):
    """The seed's samples: ``p ~ N(0,1)``, ``q1 ~ N(-1,1)``, ``q2 ~ N(1,1)``, each sorted."""
    import torch

    torch.manual_seed(seed)
    p = torch.normal(0, 1, (n,))
    q1 = torch.normal(-1, 1, (n,))
    q2 = torch.normal(1, 1, (n,))
    return tuple(torch.sort(t)[0] for t in (p, q1, q2))


def seed_kl(p, q) -> float:
    """The seed's formula on raw values: ``|sum of the non-NaN terms of p * log2(p / q)|``."""
    import torch

    terms = p * torch.log2(p / q)
    return terms[~torch.isnan(terms)].sum().abs().item()


def percent_difference(a: float, b: float) -> float:
    """The seed's relative difference: ``|a - b| / mean(a, b) * 100``."""
    return abs(a - b) / ((a + b) / 2) * 100


def seed_kl_numbers() -> dict[str, float]:
    """The five numbers the seed prints, computed by its procedure.

    The sums run on one torch thread: a float32 sum split across threads depends on how the
    work is scheduled (on a busy 2-core machine one run in six ended 1 ulp-of-the-sum away,
    8582.03515625); on one thread the order is fixed and the seed's digits come out.
    """
    import torch

    p, q1, q2 = sorted_gaussian_samples()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        kl_pq1, kl_pq2, kl_q2p = seed_kl(p, q1), seed_kl(p, q2), seed_kl(q2, p)
    finally:
        torch.set_num_threads(threads)
    return {
        "kl_pq1": kl_pq1,
        "kl_pq2": kl_pq2,
        "similar_percentage": percent_difference(kl_pq1, kl_pq2),
        "kl_q2p": kl_q2p,
        "differ_percentage": percent_difference(kl_q2p, kl_pq2),
    }
