"""Estimators of entropy, mutual information and KL divergence from samples.

One entry point per quantity — :func:`entropy`, :func:`mutual_information`,
:func:`conditional_mutual_information`, :func:`kl_divergence` — each taking ``method`` (a
registered name or ``"auto"``), ``base`` (default e: nats) and the method's options. The
families live in their own modules (:mod:`estimators.discrete`, :mod:`estimators.histogram`,
:mod:`estimators.kde`, :mod:`estimators.gaussian`, :mod:`estimators.knn`) and register
their methods on import.
"""

from . import (  # neural imports torch lazily
    benchmark,
    discrete,
    gaussian,
    histogram,
    kde,
    knn,
    neural,
)
from ._api import (
    auto_method,
    conditional_mutual_information,
    entropy,
    kl_divergence,
    mutual_information,
)
from ._registry import methods_for

__all__ = [
    "auto_method",
    "benchmark",
    "conditional_mutual_information",
    "discrete",
    "entropy",
    "gaussian",
    "histogram",
    "kde",
    "kl_divergence",
    "knn",
    "methods_for",
    "mutual_information",
    "neural",
]
