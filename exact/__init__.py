"""Exact information-theoretic quantities from known probabilities: no sampling, no estimation.

The discrete formulas (``entropy``, ``mutual_information``, ``kl_divergence``, ...) take
probability tables; :mod:`exact.gaussian` holds the closed forms of normal distributions;
:mod:`exact.distributions` holds ground-truth distributions that sample and know their value.
All results are in nats unless ``base`` says otherwise (``base=2``: bits).
"""

from . import distributions, gaussian
from .discrete import (
    conditional_entropy,
    cross_entropy,
    cross_entropy_loss,
    entropy,
    joint_entropy,
    js_divergence,
    kl_divergence,
    mutual_information,
    self_information,
)

__all__ = [
    "conditional_entropy",
    "cross_entropy",
    "cross_entropy_loss",
    "distributions",
    "entropy",
    "gaussian",
    "joint_entropy",
    "js_divergence",
    "kl_divergence",
    "mutual_information",
    "self_information",
]
