"""Estimators for samples of discrete symbols: plug-in and bias-corrected entropy, MI and CMI.

Samples are symbols of any dtype — integers, strings, bools, objects — and a sample with
several columns is one joint symbol per row. Each variable is turned into integer codes by
:func:`estimators._inputs.symbol_codes`, joint variables by combining those codes (never by
stacking raw arrays of mixed dtypes), and the symbol counts come from ``np.bincount``. Every
method is an entropy estimator ``H(counts)``; mutual information and conditional mutual
information are its combinations ``H(X) + H(Y) - H(X, Y)`` and
``H(X, Z) + H(Y, Z) - H(X, Y, Z) - H(Z)`` (:mod:`estimators._combine`).

Methods (registered names, all in nats internally; ``n`` samples, ``K`` observed symbols,
``n_i`` the count of symbol ``i``):

- ``"plugin"``: maximum likelihood, the exact entropy of the empirical pmf ``n_i / n``.
  Biased low by about ``(K - 1) / (2n)``. Also estimates the KL divergence of two samples.
- ``"miller-madow"``: plug-in ``+ (K - 1) / (2n)`` (Miller 1955).
- ``"grassberger"``: ``log n - (1/n) sum_i n_i G(n_i)`` (Grassberger 2003).
- ``"chao-shen"``: coverage-adjusted Horvitz–Thompson estimator (Chao & Shen 2003).
- ``"james-stein"``: plug-in of the frequencies shrunk toward uniform (Hausser & Strimmer 2009).
- ``"nsb"``: posterior mean under the Nemenman–Shafee–Bialek prior (Nemenman et al. 2002);
  :func:`nsb_entropy` also gives the posterior standard deviation.

Cost of every method: coding ``O(n log n)`` time (one sort per column), ``O(n)`` memory; the
estimators then work on the ``K <= n`` counts (NSB on the distinct count values, at most
``sqrt(2n)`` of them, over a 1-D quadrature). No Python loop over samples.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from numbers import Integral

import numpy as np
from scipy import integrate, optimize, special

import exact
from exact._checks import check_base, in_base

from . import _api
from ._combine import cmi_from_entropies, mi_from_entropies
from ._inputs import as_samples, check_pseudocount, joint_codes, symbol_codes
from ._registry import register

__all__ = [
    "METHODS",
    "coded_entropy",
    "conditional_mutual_information",
    "entropy",
    "kl_divergence",
    "mutual_information",
    "nsb_entropy",
]

#: the method names this module registers
METHODS = ("plugin", "miller-madow", "grassberger", "chao-shen", "james-stein", "nsb")

_FromCounts = Callable[[np.ndarray], float]


# --------------------------------------------------------------------------------------------
# public wrappers
# --------------------------------------------------------------------------------------------


def entropy(x, method: str = "plugin", base: float = math.e, **options) -> float:
    """Entropy ``H(X)`` of discrete samples.

    Parameters
    ----------
    x : array_like, shape (n_samples,) or (n_samples, n_features)
        Symbols (ints, strings, bools, ...); several columns are one joint symbol per row.
    method : str
        One of :data:`METHODS` (see the module docstring for the formulas).
    base : float
        Logarithm base of the result's unit (``math.e``: nats, 2: bits).
    **options
        The method's options: ``alphabet_size`` for ``"nsb"``; the others have none.

    Returns
    -------
    float

    Examples
    --------
    >>> round(entropy(["a", "b", "a", "b"], base=2), 6)
    1.0
    """
    return _api.entropy(x, method=_family_method(method), base=base, **options)


def mutual_information(x, y, method: str = "plugin", base: float = math.e, **options) -> float:
    """Mutual information ``I(X; Y) = H(X) + H(Y) - H(X, Y)`` of paired discrete samples.

    All three entropies come from the same estimator ``method`` (one of :data:`METHODS`; none
    has options here: ``"nsb"`` uses the observed alphabet of each variable). Bias-corrected
    estimates may be slightly negative for independent variables; they are returned as
    computed. Other parameters as :func:`entropy`.
    """
    return _api.mutual_information(x, y, method=_family_method(method), base=base, **options)


def conditional_mutual_information(
    x, y, z, method: str = "plugin", base: float = math.e, **options
) -> float:
    """Conditional mutual information ``I(X; Y | Z)`` of paired discrete samples.

    ``H(X, Z) + H(Y, Z) - H(X, Y, Z) - H(Z)``, every entropy from the estimator ``method``.
    Other parameters as :func:`mutual_information`.
    """
    return _api.conditional_mutual_information(
        x, y, z, method=_family_method(method), base=base, **options
    )


def kl_divergence(x_p, x_q, base: float = math.e, *, pseudocount: float = 0.0) -> float:
    """Plug-in KL divergence ``D(p || q)`` between two samples of symbols.

    ``D = sum_s p_hat(s) log(p_hat(s) / q_hat(s))`` over the union of the symbols of both
    samples (Kullback & Leibler 1951), computed by :func:`exact.kl_divergence` on the
    empirical pmfs. ``pseudocount`` ``a`` is added to the count of every symbol of the union
    in BOTH samples: ``p_hat(s) = (c_p(s) + a) / (n_p + K a)``, same for ``q`` (additive,
    Lidstone smoothing of each empirical distribution, treating the two samples alike).
    With ``a = 0`` (the default) a symbol seen in ``x_p`` but not in ``x_q`` gives ``+inf``,
    as the exact KL does; any ``a > 0`` gives a finite value.

    Parameters
    ----------
    x_p, x_q : array_like, shape (n_p,) / (n_q,) or (n_p, d) / (n_q, d)
        Samples of ``p`` and of ``q``: same number of columns, any numbers of rows.
    base : float
        Logarithm base of the result's unit.
    pseudocount : float
        Added to every count of both samples; ``>= 0``.

    Returns
    -------
    float
        ``>= 0``, possibly ``inf``. Cost ``O((n_p + n_q) log(n_p + n_q))`` time, ``O(n_p + n_q)``
        memory.
    """
    return _api.kl_divergence(x_p, x_q, method="plugin", base=base, pseudocount=pseudocount)


def nsb_entropy(
    x, base: float = math.e, *, alphabet_size: int | None = None
) -> tuple[float, float]:
    """NSB posterior mean and standard deviation of the entropy of discrete samples.

    The prior on the pmf is a mixture of symmetric Dirichlet priors ``Dir(beta, ..., beta)``
    over ``K`` symbols, weighted by ``d xi / d beta`` with ``xi(beta) = psi(K beta + 1) -
    psi(beta + 1)`` the prior mean entropy, so that the prior on ``H`` is nearly flat on
    ``[0, log K]`` (Nemenman, Shafee & Bialek 2002). The posterior of ``beta`` is

        ``rho(beta | n) ∝ (d xi / d beta) Γ(K beta) / Γ(n + K beta) prod_i Γ(n_i + beta) / Γ(beta)``

    and the posterior moments of ``H`` given ``beta`` are those of a Dirichlet (Wolpert &
    Wolf 1995). They are integrated over ``t = log beta`` by adaptive quadrature
    (``scipy.integrate.quad_vec``) around the posterior mode.

    Parameters
    ----------
    x : array_like, shape (n_samples,) or (n_samples, n_features)
        Symbols; several columns are one joint symbol per row.
    base : float
        Logarithm base of the result's unit.
    alphabet_size : int or None
        ``K``, the number of possible symbols, at least the number observed. ``None`` uses
        the number of observed symbols: a LOWER BOUND on the true alphabet, which biases the
        estimate low when symbols are missing from the sample — pass the true ``K`` when known.

    Returns
    -------
    (mean, std) : tuple of float
        Posterior mean and standard deviation of ``H``, in units of ``base``, to a relative
        quadrature tolerance of 1e-6 of the posterior standard deviation. Cost: ``O(n log n)``
        to count, then ``O(J)`` per node in ``log beta`` (a 1,201-point search grid and a few
        hundred quadrature nodes) for the ``J <= sqrt(2n)`` distinct count values; memory
        ``O(n + 1201 J)``.
    """
    check_base(base)
    counts = _counts(as_samples(x, "x"))
    mean, std = _nsb_moments(counts, _alphabet_size(alphabet_size, counts.size))
    return float(in_base(mean, base)), float(in_base(std, base))


def _family_method(method: str) -> str:
    if method not in METHODS:
        raise ValueError(
            f"unknown discrete method {method!r}; methods of estimators.discrete: "
            + ", ".join(repr(m) for m in METHODS)
        )
    return method


# --------------------------------------------------------------------------------------------
# counting
# --------------------------------------------------------------------------------------------


def coded_entropy(codes: np.ndarray, method: str = "miller-madow") -> float:
    """Entropy (nats) of integer symbol codes ``0 .. K-1`` (trusted: 1-D, non-negative) by
    one of :data:`METHODS` other than ``"nsb"``: the discrete part of a mixed-kind entropy
    (:mod:`estimators.knn`). Cost ``O(n + K)``."""
    return _FROM_COUNTS[method](_occupied(np.bincount(codes)))


def _occupied(counts: np.ndarray) -> np.ndarray:
    return counts[counts > 0]


def _codes(samples: np.ndarray) -> np.ndarray:
    """Symbol codes of the rows of ``samples`` as a column ``(n, 1)`` of int64."""
    return symbol_codes(samples)[0].astype(np.int64, copy=False).reshape(-1, 1)


def _joint_counts(codes: np.ndarray) -> np.ndarray:
    """Counts of the joint symbols of columns of codes (each column compact ``0 .. K-1``)."""
    if codes.shape[1] == 1:
        return np.bincount(codes[:, 0])
    joint, _ = joint_codes(*((column, int(column.max()) + 1) for column in codes.T))
    return np.bincount(joint)


def _counts(samples: np.ndarray) -> np.ndarray:
    """Counts of the distinct rows of ``samples`` (all positive)."""
    return np.bincount(symbol_codes(samples)[0])


# --------------------------------------------------------------------------------------------
# entropy estimators from the counts of the observed symbols (all counts > 0), in nats
# --------------------------------------------------------------------------------------------


def _plugin(counts: np.ndarray) -> float:
    """``H(n_i / n)``: the exact entropy of the empirical pmf (maximum likelihood)."""
    return float(exact.entropy(counts / counts.sum(), validate=False))


def _miller_madow(counts: np.ndarray) -> float:
    """Plug-in ``+ (K - 1) / (2n)`` (Miller 1955)."""
    return _plugin(counts) + (counts.size - 1) / (2 * counts.sum())


def _grassberger(counts: np.ndarray) -> float:
    """``log n - (1/n) sum_i n_i G(n_i)`` (Grassberger 2003), with

    ``G(m) = psi(m) + (-1)^m (psi((m + 1)/2) - psi(m/2)) / 2``;
    evaluated once per distinct count value.
    """
    values, multiplicity = np.unique(counts, return_counts=True)
    sign = np.where(values % 2 == 0, 1.0, -1.0)
    g = special.digamma(values) + 0.5 * sign * (
        special.digamma((values + 1) / 2) - special.digamma(values / 2)
    )
    n = counts.sum()
    return float(math.log(n) - np.dot(multiplicity * values, g) / n)


def _chao_shen(counts: np.ndarray) -> float:
    """Coverage-adjusted Horvitz–Thompson estimator (Chao & Shen 2003).

    Good–Turing coverage ``C = 1 - f1/n`` (``f1`` singletons; ``f1 = n - 1`` when every
    sample is a singleton), ``p_i = C n_i / n`` and
    ``H = -sum_i p_i log p_i / (1 - (1 - p_i)^n)``.
    """
    n = counts.sum()
    singletons = min(int(np.count_nonzero(counts == 1)), n - 1)
    p = (1 - singletons / n) * counts / n
    inclusion = 1 - (1 - p) ** n  # probability that symbol i is in a sample of n
    return float(-np.sum(special.xlogy(p, p) / inclusion))


def _james_stein(counts: np.ndarray) -> float:
    """Plug-in of the James–Stein shrinkage pmf (Hausser & Strimmer 2009, eqs. 5-8).

    ``p = lambda / K + (1 - lambda) u`` with ``u = n_i / n``, the target uniform over the
    ``K`` observed symbols, and ``lambda = (1 - sum u^2) / ((n - 1) sum (1/K - u)^2)``
    clipped to ``[0, 1]`` (1 when the denominator is 0, where ``u`` already is uniform).
    """
    n = counts.sum()
    u = counts / n
    target = 1.0 / counts.size
    denominator = (n - 1) * np.sum((target - u) ** 2)
    shrinkage = 1.0 if denominator == 0 else float(np.clip((1 - np.sum(u**2)) / denominator, 0, 1))
    return float(exact.entropy(shrinkage * target + (1 - shrinkage) * u, validate=False))


# --------------------------------------------------------------------------------------------
# NSB
# --------------------------------------------------------------------------------------------

#: range of t = log(beta) searched for the posterior mode, and its grid step
_LOG_BETA_RANGE = (-30.0, 30.0)
_LOG_BETA_STEP = 0.05
#: _log_rising uses Stirling's series from this argument on
_STIRLING_FROM = 100.0
#: the quadrature keeps the part of the range where log posterior > its max minus this
_LOG_WEIGHT_DROP = 50.0


def _alphabet_size(alphabet_size, observed: int) -> int:
    if alphabet_size is None:
        return observed
    if isinstance(alphabet_size, bool) or not isinstance(alphabet_size, Integral):
        raise TypeError(f"alphabet_size must be an int or None; got {alphabet_size!r}")
    if alphabet_size < observed:
        raise ValueError(
            f"alphabet_size must be at least the number of observed symbols ({observed}); "
            f"got {alphabet_size}"
        )
    return int(alphabet_size)


def _trigamma(x):
    """``psi'(x)``, as the Hurwitz zeta ``zeta(2, x)`` (cheaper than ``polygamma(1, x)``)."""
    return special.zeta(2, x)


def _log_rising(x: np.ndarray, m) -> np.ndarray:
    """``log Γ(x + m) - log Γ(x)`` for ``x > 0``, ``m >= 0``, accurate for huge ``x`` and ``m``.

    ``gammaln`` differences for ``x < 100``; beyond, Stirling's series with the cancelling
    terms combined analytically, ``(x - 1/2) log1p(m/x) + m log(x + m) - m + S(x + m) - S(x)``,
    ``S(y) = 1/(12y) - 1/(360y^3) + 1/(1260y^5)`` (error below ``1/(1680 x^7)``, 6e-18). Its
    rounding error is ``eps m log(x + m)``, not the ``eps x log x`` of a difference of
    ``gammaln`` values, so the NSB posterior stays smooth in ``beta`` for large samples.
    """
    x = np.asarray(x, dtype=np.float64)
    safe = np.maximum(x, _STIRLING_FROM)
    stirling = (
        (safe - 0.5) * np.log1p(m / safe)
        + m * np.log(safe + m)
        - m
        + _stirling_tail(safe + m)
        - _stirling_tail(safe)
    )
    return np.where(x < _STIRLING_FROM, special.gammaln(x + m) - special.gammaln(x), stirling)


def _stirling_tail(y):
    inverse_square = 1 / (y * y)
    return (1 / 12 - inverse_square * (1 / 360 - inverse_square / 1260)) / y


def _nsb_log_weight(t, values, multiplicity, alphabet_size: int, n: int) -> np.ndarray:
    """Unnormalised log posterior density of ``t = log beta`` (``t`` an array).

    ``log(d xi / d beta) + t + log Γ(K beta) - log Γ(n + K beta)
    + sum_i [log Γ(n_i + beta) - log Γ(beta)]``; the ``+ t`` is the Jacobian of
    ``beta = e^t``. Symbols with ``n_i = 0`` contribute 0.
    """
    t = np.asarray(t, dtype=np.float64)
    beta = np.exp(t)
    k = alphabet_size
    dxi = k * _trigamma(k * beta + 1) - _trigamma(beta + 1)
    per_symbol = multiplicity * _log_rising(beta[..., None], values)
    log_likelihood = per_symbol.sum(axis=-1) - _log_rising(k * beta, n)
    return np.log(dxi) + t + log_likelihood


def _dirichlet_entropy_moments(beta: float, values, multiplicity, n: int, alphabet_size: int):
    """Mean and variance of ``H(p)`` for ``p ~ Dir(n_i + beta)`` (Wolpert & Wolf 1995).

    With ``a_i = n_i + beta``, ``A = sum a_i``, ``pi_i = a_i / A``:
    ``E[H] = psi(A + 1) - sum pi_i psi(a_i + 1)`` and, rearranging Wolpert & Wolf's second
    moment so that no large terms cancel,
    ``Var[H] = [Var_pi(psi(a + 1)) + sum pi_i (a_i + 1) psi'(a_i + 1)] / (A + 1) - psi'(A + 1)``,
    ``Var_pi`` the variance under the weights ``pi``. Sums run over the distinct count values
    ``values`` (zero included) weighted by ``multiplicity``.
    """
    a = values + beta
    total = n + alphabet_size * beta
    weights = multiplicity * a / total
    digammas = special.digamma(a + 1)
    mean_digamma = np.dot(weights, digammas)
    spread = np.dot(weights, (digammas - mean_digamma) ** 2)
    curvature = np.dot(weights, (a + 1) * _trigamma(a + 1))
    variance = (spread + curvature) / (total + 1) - _trigamma(total + 1)
    return special.digamma(total + 1) - mean_digamma, max(float(variance), 0.0)


def _nsb_moments(counts: np.ndarray, alphabet_size: int) -> tuple[float, float]:
    """Posterior mean and standard deviation of ``H`` (nats) under the NSB prior.

    ``E[H] = ∫ ρ(t) E[H | β] dt`` and ``Var[H] = ∫ ρ(t) (Var[H | β] + E[H | β]^2) dt - E[H]^2``
    with ``ρ`` the posterior density of ``t = log β``, integrated in one ``quad_vec`` pass over
    the part of ``_LOG_BETA_RANGE`` where ``ρ`` exceeds ``e^-50`` of its peak. The moments are
    taken about ``c = E[H | β_mode]`` in units of ``s = sd[H | β_mode]``, so that the three
    integrands have the same scale, the variance suffers no cancellation, and the tolerance
    (relative 1e-6) is a fraction of the posterior spread. It stays above the rounding noise
    of ``log ρ`` (about ``eps n log n``) up to ``n ~ 1e8``; beyond, ``limit`` caps the work.
    """
    if alphabet_size == 1:
        return 0.0, 0.0
    values, multiplicity = _count_histogram(counts, alphabet_size)
    n = int(counts.sum())
    log_weight = partial(
        _nsb_log_weight, values=values, multiplicity=multiplicity, alphabet_size=alphabet_size, n=n
    )
    moments = partial(
        _dirichlet_entropy_moments,
        values=values,
        multiplicity=multiplicity,
        n=n,
        alphabet_size=alphabet_size,
    )
    mode, peak, lower, upper = _nsb_mode(log_weight)
    centre, spread = moments(math.exp(mode))
    scale = math.sqrt(spread) if spread > 0 else 1.0

    def integrand(t: float) -> np.ndarray:
        mean_given, var_given = moments(math.exp(t))
        deviation = (mean_given - centre) / scale
        weight = math.exp(log_weight(t) - peak)
        return weight * np.array([1.0, deviation, var_given / scale**2 + deviation**2])

    (norm, first, second), _ = integrate.quad_vec(
        integrand, lower, upper, points=(mode,), epsrel=1e-6, norm="max", limit=200
    )
    shift = first / norm
    return centre + scale * shift, scale * math.sqrt(max(second / norm - shift**2, 0.0))


def _nsb_mode(log_weight) -> tuple[float, float, float, float]:
    """Mode of the posterior of ``t = log beta``, its log weight, and the integration range.

    A grid over ``_LOG_BETA_RANGE`` locates the peak, ``minimize_scalar`` refines it within
    one grid step (the posterior of beta is unimodal in practice), and the range keeps the
    grid points within ``_LOG_WEIGHT_DROP`` of the peak, padded by one step.
    """
    low, high = _LOG_BETA_RANGE
    grid = np.arange(low, high + _LOG_BETA_STEP / 2, _LOG_BETA_STEP)
    weights = log_weight(grid)
    best = int(np.argmax(weights))
    refined = optimize.minimize_scalar(
        lambda t: -float(log_weight(t)),
        bounds=(grid[max(best - 1, 0)], grid[min(best + 1, grid.size - 1)]),
        method="bounded",
        options={"xatol": 1e-8},
    )
    mode, peak = float(refined.x), max(-float(refined.fun), float(weights[best]))
    kept = np.flatnonzero(weights > peak - _LOG_WEIGHT_DROP)
    lower = float(grid[max(kept[0] - 1, 0)])
    upper = float(grid[min(kept[-1] + 1, grid.size - 1)])
    return mode, peak, min(lower, mode), max(upper, mode)


def _count_histogram(counts: np.ndarray, alphabet_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct count values (float) and how many symbols have each, unseen symbols as 0."""
    values, multiplicity = np.unique(counts, return_counts=True)
    unseen = alphabet_size - counts.size
    if unseen:
        values, multiplicity = np.append(0, values), np.append(unseen, multiplicity)
    return values.astype(np.float64), multiplicity.astype(np.float64)


def _nsb(counts: np.ndarray) -> float:
    """NSB posterior mean over the observed alphabet (used for MI and CMI)."""
    return _nsb_moments(counts, counts.size)[0]


# --------------------------------------------------------------------------------------------
# implementations registered with the API (raw 2-D symbol arrays in, nats out)
# --------------------------------------------------------------------------------------------


def _entropy_with(from_counts: _FromCounts):
    def entropy_nats(x: np.ndarray) -> float:
        return from_counts(_counts(x))

    return entropy_nats


def _mi_with(from_counts: _FromCounts):
    def mutual_information_nats(x: np.ndarray, y: np.ndarray) -> float:
        return mi_from_entropies(_coded_entropy(from_counts), _codes(x), _codes(y))

    return mutual_information_nats


def _cmi_with(from_counts: _FromCounts):
    def conditional_mutual_information_nats(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> float:
        return cmi_from_entropies(_coded_entropy(from_counts), _codes(x), _codes(y), _codes(z))

    return conditional_mutual_information_nats


def _coded_entropy(from_counts: _FromCounts) -> Callable[[np.ndarray], float]:
    """The entropy of the joint symbol of columns of codes, for :mod:`estimators._combine`."""
    return lambda codes: from_counts(_joint_counts(codes))


def _nsb_entropy_nats(x: np.ndarray, *, alphabet_size: int | None = None) -> float:
    counts = _counts(x)
    return _nsb_moments(counts, _alphabet_size(alphabet_size, counts.size))[0]


def _plugin_kl_nats(x_p: np.ndarray, x_q: np.ndarray, *, pseudocount: float = 0.0) -> float:
    pseudocount = check_pseudocount(pseudocount)
    codes, size = symbol_codes(np.concatenate((x_p, x_q)))
    counts_p = np.bincount(codes[: x_p.shape[0]], minlength=size) + pseudocount
    counts_q = np.bincount(codes[x_p.shape[0] :], minlength=size) + pseudocount
    p, q = counts_p / counts_p.sum(), counts_q / counts_q.sum()
    return float(exact.kl_divergence(p, q, validate=False))


def _nsb_standard_error(problem) -> tuple[float, float, str, dict]:
    """The analytic interval of ``uncertainty="auto"`` for NSB entropy: the posterior mean
    and standard deviation of ``H`` under the NSB prior (Nemenman et al. 2002), both from
    :func:`nsb_entropy`, in nats. ``problem``: an :class:`estimators._api.Problem` (its
    ``arrays`` and ``options``). Cost: one NSB estimate."""
    mean, std = nsb_entropy(problem.arrays[0], **problem.options)
    return mean, std, "nsb posterior", {}


_FROM_COUNTS: dict[str, _FromCounts] = {
    "plugin": _plugin,
    "miller-madow": _miller_madow,
    "grassberger": _grassberger,
    "chao-shen": _chao_shen,
    "james-stein": _james_stein,
    "nsb": _nsb,
}

for _name, _estimator in _FROM_COUNTS.items():
    register(
        _name,
        "discrete",
        "discrete",
        entropy=_nsb_entropy_nats if _name == "nsb" else _entropy_with(_estimator),
        mutual_information=_mi_with(_estimator),
        conditional_mutual_information=_cmi_with(_estimator),
        **({"kl_divergence": _plugin_kl_nats} if _name == "plugin" else {}),
        standard_errors={"entropy": _nsb_standard_error} if _name == "nsb" else None,
    )
