"""Estimators of entropy, mutual information and KL divergence from samples.

One entry point per quantity — :func:`entropy`, :func:`mutual_information`,
:func:`conditional_mutual_information`, :func:`kl_divergence` — each taking ``method`` (a
registered name or ``"auto"``), ``base`` (default e: nats) and the method's options. The
families live in their own modules (:mod:`estimators.discrete`, :mod:`estimators.histogram`,
:mod:`estimators.kde`, :mod:`estimators.gaussian`, :mod:`estimators.knn`) and register
their methods on import. With ``uncertainty="bootstrap" | "jackknife" | "auto"`` the four
functions return an :class:`Estimate` (a float with ``stderr`` and ``ci``);
:func:`independence_test` tests ``I(X; Y) = 0`` or ``I(X; Y | Z) = 0`` by permutation
(:mod:`estimators.uncertainty`, :mod:`estimators.independence`).
"""

from . import (  # neural imports torch lazily
    benchmark,
    discrete,
    gaussian,
    histogram,
    hybrid,
    kde,
    knn,
    neural,
    selection,
)
from ._api import (
    Explanation,
    auto_method,
    conditional_mutual_information,
    entropy,
    explain,
    kl_divergence,
    mutual_information,
)
from ._registry import methods_for
from .independence import IndependenceTestResult, independence_test
from .uncertainty import Estimate

__all__ = [
    "Estimate",
    "Explanation",
    "IndependenceTestResult",
    "auto_method",
    "benchmark",
    "conditional_mutual_information",
    "discrete",
    "entropy",
    "explain",
    "gaussian",
    "histogram",
    "hybrid",
    "independence_test",
    "kde",
    "kl_divergence",
    "knn",
    "methods_for",
    "mutual_information",
    "neural",
    "selection",
]
