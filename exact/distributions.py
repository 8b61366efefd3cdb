"""Ground-truth distributions: each one samples, and knows its exact value.

Every object has the same small protocol, so a benchmark can treat them alike:

- ``quantity``: what it knows exactly — ``"entropy"``, ``"mutual_information"`` or
  ``"kl_divergence"``;
- ``sample(n, random_state=None)``: ``n`` draws as numpy arrays — one array for an entropy
  task, ``(x, y)`` for an MI task, ``(x_p, x_q)`` for a KL task. Univariate samples have shape
  ``(n,)``, multivariate ``(n, d)``;
- ``truth(base=math.e)``: the exact value of ``quantity``, in units of ``base``.

Parameters are checked when an object is made; ``sample`` and ``truth`` trust them.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
from scipy import integrate, special, stats

from . import _hard, discrete, gaussian
from ._backend import NumpyOps
from ._checks import check_pmf, in_base
from ._hard import (
    IndependentCoordinates,
    MultivariateStudentT,
    Spiral,
    SwissRoll,
    UniformNoise,
    float_array,
)
from ._random import as_generator, check_sample_size

__all__ = [
    "HARD_SUITE",
    "NULL_SUITE",
    "TASKS",
    "Categorical",
    "ClassConditionalNormal",
    "Exponential",
    "IndependentCoordinates",
    "JointCategorical",
    "JointNormal",
    "Laplace",
    "MonotoneTransformed",
    "MultivariateStudentT",
    "Normal",
    "NormalPair",
    "Quantized",
    "Spiral",
    "StudentT",
    "SwissRoll",
    "Uniform",
    "UniformNoise",
    "ZeroInflated",
    "task",
    "task_names",
]

_OPS = NumpyOps()


def _positive(value, name: str) -> float:
    number = float(float_array(value, name))
    if number <= 0:
        raise ValueError(f"{name} must be > 0; got {number}")
    return number


def _normal_draws(mean: np.ndarray, cov: np.ndarray, n: int, rng) -> np.ndarray:
    """``n`` draws of ``N(mean, cov)`` as ``mean + z L^T``, ``L`` the Cholesky factor."""
    lower = np.linalg.cholesky(cov)
    return mean + rng.standard_normal((n, cov.shape[0])) @ lower.T


def _squeeze_univariate(draws: np.ndarray) -> np.ndarray:
    return draws[:, 0] if draws.shape[1] == 1 else draws


@dataclass(eq=False)
class Categorical:
    """A categorical distribution over outcomes ``0 .. m-1`` with probabilities ``p``."""

    p: np.ndarray
    quantity = "entropy"

    def __post_init__(self):
        self.p = float_array(self.p, "p")
        if self.p.ndim != 1:
            raise ValueError(
                f"p must be 1-D (one probability per outcome); got shape {self.p.shape}"
            )
        check_pmf(_OPS, self.p, "p")

    def sample(self, n: int, random_state=None) -> np.ndarray:
        """``n`` outcome indices (ints), shape ``(n,)``."""
        rng = as_generator(random_state)
        return rng.choice(self.p.size, size=check_sample_size(n), p=self.p)

    def entropy(self, base: float = math.e) -> float:
        return float(discrete.entropy(self.p, base))

    truth = entropy


@dataclass(eq=False)
class JointCategorical:
    """Two categorical variables with joint table ``p_xy`` (rows index X, columns Y)."""

    p_xy: np.ndarray
    quantity = "mutual_information"

    def __post_init__(self):
        self.p_xy = float_array(self.p_xy, "p_xy")
        if self.p_xy.ndim != 2:
            raise ValueError(f"p_xy must be a 2-D table; got shape {self.p_xy.shape}")
        check_pmf(_OPS, self.p_xy, "p_xy", axis=None)

    def sample(self, n: int, random_state=None) -> tuple[np.ndarray, np.ndarray]:
        """``(x, y)``: ``n`` pairs of outcome indices, each of shape ``(n,)``."""
        rng = as_generator(random_state)
        cells = rng.choice(self.p_xy.size, size=check_sample_size(n), p=self.p_xy.ravel())
        return np.unravel_index(cells, self.p_xy.shape)

    def entropy(self, base: float = math.e) -> float:
        """Joint entropy ``H(X, Y)``."""
        return float(discrete.joint_entropy(self.p_xy, base))

    def conditional_entropy(self, base: float = math.e) -> float:
        """``H(Y | X)``."""
        return float(discrete.conditional_entropy(self.p_xy, base=base))

    def mutual_information(self, base: float = math.e) -> float:
        return float(discrete.mutual_information(self.p_xy, base=base))

    truth = mutual_information


@dataclass(eq=False)
class Normal:
    """A (multivariate) normal ``N(mean, cov)``; a scalar ``cov`` is a variance (1-D)."""

    mean: np.ndarray = 0.0
    cov: np.ndarray = 1.0
    quantity = "entropy"

    def __post_init__(self):
        self.cov = _covariance(self.cov)
        self.mean = _mean(self.mean, self.cov.shape[0])

    @property
    def dim(self) -> int:
        return self.cov.shape[0]

    def sample(self, n: int, random_state=None) -> np.ndarray:
        """Shape ``(n,)`` in one dimension, ``(n, d)`` otherwise."""
        draws = _normal_draws(self.mean, self.cov, check_sample_size(n), as_generator(random_state))
        return _squeeze_univariate(draws)

    def entropy(self, base: float = math.e) -> float:
        return float(gaussian.entropy(self.cov, base))

    truth = entropy


@dataclass(eq=False)
class JointNormal:
    """A joint normal vector ``(X, Y)``: X the first ``dim_x`` coordinates, Y the rest.

    ``JointNormal.correlated(dim_x, dim_y, mi)`` builds one with a chosen MI.
    """

    cov: np.ndarray
    dim_x: int
    mean: np.ndarray = field(default=None)
    quantity = "mutual_information"

    def __post_init__(self):
        self.cov = _covariance(self.cov)
        self.mean = _mean(0.0 if self.mean is None else self.mean, self.cov.shape[0])
        gaussian.mutual_information(self.cov, self.dim_x)  # checks dim_x against the shape

    @classmethod
    def correlated(cls, dim_x: int, dim_y: int, mi: float) -> JointNormal:
        """Standard normal X (``dim_x``) and Y (``dim_y``) with ``I(X; Y) = mi`` nats.

        The first ``k = min(dim_x, dim_y)`` coordinate pairs ``(x_i, y_i)`` share one
        correlation ``rho``; the other coordinates are independent. Then
        ``I = -k log(1 - rho^2) / 2``, so ``rho = sqrt(1 - exp(-2 mi / k))``.
        """
        for value, name in ((dim_x, "dim_x"), (dim_y, "dim_y")):
            if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}")
        mi = float(mi)
        if not math.isfinite(mi) or mi < 0:
            raise ValueError(f"mi must be a finite number >= 0 (nats); got {mi}")
        dim_x, dim_y = int(dim_x), int(dim_y)
        pairs = min(dim_x, dim_y)
        rho = math.sqrt(-math.expm1(-2 * mi / pairs))
        cov = np.eye(dim_x + dim_y)
        index = np.arange(pairs)
        cov[index, dim_x + index] = cov[dim_x + index, index] = rho
        return cls(cov, dim_x)

    def sample(self, n: int, random_state=None) -> tuple[np.ndarray, np.ndarray]:
        """``(x, y)``; each of shape ``(n,)`` if one-dimensional, else ``(n, d)``."""
        draws = _normal_draws(self.mean, self.cov, check_sample_size(n), as_generator(random_state))
        return _squeeze_univariate(draws[:, : self.dim_x]), _squeeze_univariate(
            draws[:, self.dim_x :]
        )

    def mutual_information(self, base: float = math.e) -> float:
        return float(gaussian.mutual_information(self.cov, self.dim_x, base))

    truth = mutual_information


@dataclass(eq=False)
class NormalPair:
    """Two normals ``p = N(mean_p, cov_p)`` and ``q = N(mean_q, cov_q)``; knows ``D(p || q)``."""

    mean_p: np.ndarray
    cov_p: np.ndarray
    mean_q: np.ndarray
    cov_q: np.ndarray
    quantity = "kl_divergence"

    def __post_init__(self):
        self.p = Normal(self.mean_p, self.cov_p)
        self.q = Normal(self.mean_q, self.cov_q)
        if self.p.dim != self.q.dim:
            raise ValueError(f"p is {self.p.dim}-dimensional but q is {self.q.dim}-dimensional")

    def sample(self, n: int, random_state=None, n_q: int | None = None):
        """``(x_p, x_q)``: ``n`` draws of p and ``n_q`` (default ``n``) of q."""
        rng = as_generator(random_state)
        return self.p.sample(n, rng), self.q.sample(n if n_q is None else n_q, rng)

    def kl_divergence(self, base: float = math.e) -> float:
        return float(gaussian.kl_divergence(self.p.mean, self.p.cov, self.q.mean, self.q.cov, base))

    truth = kl_divergence


@dataclass(eq=False)
class Uniform:
    """Uniform on the box ``[low, high)`` (scalars: an interval); ``H = sum log(high - low)``."""

    low: np.ndarray = 0.0
    high: np.ndarray = 1.0
    quantity = "entropy"

    def __post_init__(self):
        self.low = np.atleast_1d(float_array(self.low, "low"))
        self.high = np.atleast_1d(float_array(self.high, "high"))
        if self.low.shape != self.high.shape or self.low.ndim != 1:
            raise ValueError(
                f"low and high must be scalars or 1-D of one length; got {self.low.shape} "
                f"and {self.high.shape}"
            )
        if np.any(self.high <= self.low):
            raise ValueError("every high must exceed its low")

    def sample(self, n: int, random_state=None) -> np.ndarray:
        rng = as_generator(random_state)
        return _squeeze_univariate(
            rng.uniform(self.low, self.high, (check_sample_size(n), self.low.size))
        )

    def entropy(self, base: float = math.e) -> float:
        return float(in_base(np.log(self.high - self.low).sum(), base))

    truth = entropy


@dataclass(eq=False)
class Exponential:
    """Exponential with mean ``scale``; ``H = 1 + log(scale)``."""

    scale: float = 1.0
    quantity = "entropy"

    def __post_init__(self):
        self.scale = _positive(self.scale, "scale")

    def sample(self, n: int, random_state=None) -> np.ndarray:
        return as_generator(random_state).exponential(self.scale, check_sample_size(n))

    def entropy(self, base: float = math.e) -> float:
        return float(in_base(1.0 + math.log(self.scale), base))

    truth = entropy


@dataclass(eq=False)
class Laplace:
    """Laplace with location ``loc`` and scale ``b``; ``H = 1 + log(2 b)``."""

    loc: float = 0.0
    scale: float = 1.0
    quantity = "entropy"

    def __post_init__(self):
        self.loc = float(float_array(self.loc, "loc"))
        self.scale = _positive(self.scale, "scale")

    def sample(self, n: int, random_state=None) -> np.ndarray:
        return as_generator(random_state).laplace(self.loc, self.scale, check_sample_size(n))

    def entropy(self, base: float = math.e) -> float:
        return float(in_base(1.0 + math.log(2 * self.scale), base))

    truth = entropy


@dataclass(eq=False)
class StudentT:
    """Student's t with ``df`` degrees of freedom, location and scale.

    ``H = (df + 1)/2 [psi((df + 1)/2) - psi(df/2)] + log(sqrt(df) B(df/2, 1/2)) + log scale``
    (Lazo & Rathie 1978), evaluated by ``scipy.stats.t.entropy``.
    """

    df: float
    loc: float = 0.0
    scale: float = 1.0
    quantity = "entropy"

    def __post_init__(self):
        self.df = _positive(self.df, "df")
        self.loc = float(float_array(self.loc, "loc"))
        self.scale = _positive(self.scale, "scale")

    def sample(self, n: int, random_state=None) -> np.ndarray:
        rng = as_generator(random_state)
        return self.loc + self.scale * rng.standard_t(self.df, check_sample_size(n))

    def entropy(self, base: float = math.e) -> float:
        # scipy evaluates the closed form, switching to an asymptotic series for large df
        # where the digamma difference above cancels (1e-10 lost at df = 1e6 otherwise).
        nats = float(stats.t.entropy(self.df)) + math.log(self.scale)
        return float(in_base(nats, base))

    truth = entropy


@dataclass(eq=False)
class ClassConditionalNormal:
    """A discrete label X and a continuous Y: ``X ~ Categorical(p)`` over ``0 .. m-1``
    (uniform by default) and ``Y | X = i ~ N(means[i], sigma^2)``.

    ``I(X; Y) = h(Y) - h(Y | X)`` with ``h(Y | X) = log(2 pi e sigma^2) / 2`` and ``h(Y)``
    the differential entropy of the mixture ``f = sum_i p_i N(means[i], sigma^2)``, which has
    no closed form: ``-int f log f`` by adaptive quadrature (``scipy.integrate.quad``, break
    points at the means, over the means' range widened by ``40 sigma``, where the tails left
    out weigh below ``1e-300``); quad's own error estimate is about ``1e-13`` nats for the
    registered tasks. The MI lies between 0 (equal means) and ``H(X)`` (means far apart).
    Cost of ``truth``: a few hundred evaluations of an ``O(m)`` integrand (~10 ms).
    """

    means: np.ndarray
    sigma: float = 1.0
    p: np.ndarray = field(default=None)
    quantity = "mutual_information"

    def __post_init__(self):
        self.means = float_array(self.means, "means")
        if self.means.ndim != 1 or self.means.size == 0:
            raise ValueError(
                f"means must be 1-D with one mean per label, at least one; got {self.means.shape}"
            )
        self.sigma = _positive(self.sigma, "sigma")
        uniform = np.full(self.means.size, 1 / self.means.size)
        self.p = uniform if self.p is None else float_array(self.p, "p")
        if self.p.shape != self.means.shape:
            raise ValueError(
                f"p must have one probability per mean, shape {self.means.shape}; "
                f"got {self.p.shape}"
            )
        check_pmf(_OPS, self.p, "p")

    def sample(self, n: int, random_state=None) -> tuple[np.ndarray, np.ndarray]:
        """``(x, y)``: ``n`` labels (ints) and ``n`` floats, each of shape ``(n,)``."""
        rng = as_generator(random_state)
        x = rng.choice(self.means.size, size=check_sample_size(n), p=self.p)
        return x, self.means[x] + self.sigma * rng.standard_normal(x.size)

    def mixture_entropy(self) -> float:
        """``h(Y)`` in nats, by quadrature (accuracy above)."""
        # log(p_i) - log(sigma sqrt(2 pi)), -inf for a label of probability 0
        with np.errstate(divide="ignore"):
            log_weights = np.log(self.p) - math.log(self.sigma * math.sqrt(2 * math.pi))

        def f_log_f(y: float) -> float:
            terms = log_weights - 0.5 * ((y - self.means) / self.sigma) ** 2
            top = terms.max()  # log-sum-exp, written out: scipy's costs 10x more per call
            log_f = top + math.log(np.exp(terms - top).sum())
            return math.exp(log_f) * log_f

        low, high = self.means.min() - 40 * self.sigma, self.means.max() + 40 * self.sigma
        integral, _ = integrate.quad(
            f_log_f,
            low,
            high,
            points=np.unique(self.means),
            limit=500,
            epsabs=1e-13,
            epsrel=1e-13,
        )
        return -integral

    def mutual_information(self, base: float = math.e) -> float:
        conditional = 0.5 * math.log(2 * math.pi * math.e * self.sigma**2)
        return float(in_base(self.mixture_entropy() - conditional, base))

    truth = mutual_information


def _covariance(cov) -> np.ndarray:
    cov = float_array(cov, "cov")
    cov = cov.reshape(1, 1) if cov.ndim == 0 else cov
    gaussian.entropy(cov)  # shape, symmetry and positive definiteness, with clear errors
    if cov.ndim != 2:
        raise ValueError(f"cov must be one (d, d) matrix; got shape {cov.shape}")
    return cov


def _mean(mean, dim: int) -> np.ndarray:
    mean = float_array(mean, "mean")
    mean = np.full(dim, float(mean)) if mean.ndim == 0 else mean
    if mean.shape != (dim,):
        raise ValueError(f"mean must be a scalar or have shape ({dim},); got {mean.shape}")
    return mean


_TRANSFORMS = {
    "cube": lambda v: v**3,
    "asinh": np.arcsinh,
    "normal-cdf": special.ndtr,
    **{name: forward for name, (forward, _) in _hard.WARPS.items()},
}


@dataclass(eq=False)
class MonotoneTransformed:
    """A joint normal task with a strictly increasing map applied to every coordinate.

    MI is invariant under invertible transforms of each variable (Kraskov et al. 2004), so the
    truth is the joint normal's; the samples are no longer Gaussian, which is what separates
    estimators that assume Gaussianity from those that do not. ``transform`` is ``"cube"``
    (``v^3``), ``"asinh"``, ``"normal-cdf"`` (``Phi(v)``, values in (0, 1)), or one of
    :data:`exact._hard.WARPS`: ``"half-cube"`` (``v |v|^(1/2)``), ``"wiggly"`` (``v + 0.4
    sin(2 v)``) or ``"bimodal"`` (``F^{-1}(Phi(v))``, ``F`` the CDF of an equal mixture of
    ``N(-1, 0.3^2)`` and ``N(1, 0.3^2)``).
    """

    base: JointNormal
    transform: str
    quantity = "mutual_information"

    def __post_init__(self):
        if self.transform not in _TRANSFORMS:
            raise ValueError(
                f"transform must be one of {sorted(_TRANSFORMS)}; got {self.transform!r}"
            )

    def sample(self, n: int, random_state=None) -> tuple[np.ndarray, np.ndarray]:
        transform = _TRANSFORMS[self.transform]
        x, y = self.base.sample(n, random_state)
        return transform(x), transform(y)

    def mutual_information(self, base: float = math.e) -> float:
        return self.base.mutual_information(base)

    truth = mutual_information


# --------------------------------------------------------------------------- quantized data

#: Standard deviations kept on each side of a normal's mean when its cells are summed: the
#: mass left out is ``2 Phi(-9) = 2.3e-19`` per coordinate.
_TAIL_SD = 9.0
#: The summed cell probabilities must add up to 1 within this (a check, not a fudge).
_TOTAL_TOLERANCE = 1e-12
#: Cost guards: cells of one coordinate, and cells of one 2-D table (MI).
_MAX_CELLS_1D = 2_000_000
_MAX_CELLS_2D = 4_000_000
#: Gauss–Legendre nodes per quadrature piece (2-D cell probabilities).
_GAUSS_NODES = 8


def _cell_edges(mean: float, sd: float, step: float) -> np.ndarray:
    """Edges of the cells ``[(k - 1/2) step, (k + 1/2) step)`` that meet ``mean +- 9 sd``,
    standardised: ``(edge - mean) / sd``."""
    first = math.floor((mean - _TAIL_SD * sd) / step + 0.5)
    last = math.floor((mean + _TAIL_SD * sd) / step + 0.5)
    return (step * (np.arange(first, last + 2) - 0.5) - mean) / sd


def _cell_count(sd: float, step: float) -> int:
    """An upper bound on the cells :func:`_cell_edges` makes."""
    return int(2 * _TAIL_SD * sd / step) + 2


def _normal_masses(edges: np.ndarray) -> np.ndarray:
    """``Phi(e[j+1]) - Phi(e[j])`` along the last axis, for sorted standardised edges.

    A cell right of 0 is taken from the upper tail, ``Phi(-e[j]) - Phi(-e[j+1])``, so that the
    small masses of either tail keep their relative accuracy instead of cancelling near 1.
    """
    lower, upper = edges[..., :-1], edges[..., 1:]
    right = lower + upper > 0
    lower, upper = np.where(right, -upper, lower), np.where(right, -lower, upper)
    return special.ndtr(upper) - special.ndtr(lower)


def _log_normal_masses(edges: np.ndarray) -> np.ndarray:
    """``log(Phi(e[j+1]) - Phi(e[j]))`` for sorted standardised edges, mirrored as in
    :func:`_normal_masses` and in logs (``log_ndtr``): accurate where the mass underflows."""
    lower, upper = edges[:-1], edges[1:]
    right = lower + upper > 0
    lower, upper = np.where(right, -upper, lower), np.where(right, -lower, upper)
    log_upper = special.log_ndtr(upper)
    with np.errstate(divide="ignore"):  # an empty cell: log 0 = -inf
        return log_upper + np.log(-np.expm1(special.log_ndtr(lower) - log_upper))


def _check_total(total: float, what: str) -> None:
    if not abs(total - 1.0) <= _TOTAL_TOLERANCE:
        raise RuntimeError(
            f"the cell probabilities of {what} sum to {total!r}, not to 1 within "
            f"{_TOTAL_TOLERANCE:g}: the cells do not cover the distribution"
        )


def _quantized_normal_log_masses(mean: float, sd: float, step: float) -> np.ndarray:
    """Log probabilities of the cells of ``N(mean, sd^2)`` on the grid of ``step``."""
    log_masses = _log_normal_masses(_cell_edges(mean, sd, step))
    _check_total(float(np.exp(log_masses).sum()), f"N({mean:g}, {sd:g}^2)")
    return log_masses


def _quantized_normal_entropy(mean: float, sd: float, step: float) -> float:
    """``H(Q) + log(step)`` nats, ``Q`` the cell of ``N(mean, sd^2)``."""
    log_p = _quantized_normal_log_masses(mean, sd, step)
    log_p = log_p[np.isfinite(log_p)]  # 0 log 0 = 0
    return float(-np.sum(np.exp(log_p) * log_p) + math.log(step))


def _quantized_normal_kl(mean_p, sd_p, mean_q, sd_q, step) -> float:
    """``D(Q_p || Q_q)`` nats, both normals' cells on the grid of ``step``, over p's cells."""
    edges = _cell_edges(mean_p, sd_p, step)
    log_p = _quantized_normal_log_masses(mean_p, sd_p, step)
    log_q = _log_normal_masses((edges * sd_p + mean_p - mean_q) / sd_q)
    kept = np.isfinite(log_p)  # p = 0: no term
    return float(np.sum(np.exp(log_p[kept]) * (log_p[kept] - log_q[kept])))


def _quadrature_pieces(width: float, rho: float) -> int:
    """Pieces per x-cell of standardised ``width``, each no wider than the scale on which
    ``Phi((c - rho u) / s)`` varies in ``u``: ``min(1, s / |rho|)``."""
    scale = min(1.0, math.sqrt(1 - rho * rho) / abs(rho)) if rho else 1.0
    return max(1, math.ceil(width / scale))


def _quantized_normal_pair_cells(mean, sd, rho: float, step, *, refine: int = 1) -> np.ndarray:
    """The table ``P(i, j)`` of the cells of a normal pair with correlation ``rho``.

    ``mean``, ``sd``, ``step``: (x's, y's). In standardised coordinates, ``s = sqrt(1 -
    rho^2)``, ``P(i, j) = int_{x-cell i} phi(u) [Phi((b_j - rho u)/s) - Phi((a_j - rho u)/s)]
    du``: exact in y, Gauss–Legendre in u over pieces of each x-cell (x-cells clipped to
    ``+- 9``); ``refine`` multiplies the nodes and the pieces (convergence checks). Rows
    index X. Memory is bounded by working on a few x-cells at a time.
    """
    x_edges = np.clip(_cell_edges(mean[0], sd[0], step[0]), -_TAIL_SD, _TAIL_SD)
    y_edges = _cell_edges(mean[1], sd[1], step[1])
    pieces = refine * _quadrature_pieces(step[0] / sd[0], rho)
    nodes, weights = np.polynomial.legendre.leggauss(refine * _GAUSS_NODES)
    bounds = x_edges[:-1, None] + np.diff(x_edges)[:, None] * np.linspace(0, 1, pieces + 1)
    half = (np.diff(bounds, axis=1) / 2)[..., None]  # (cells, pieces, 1)
    u = (bounds[:, :-1, None] + half + half * nodes).reshape(len(bounds), -1)
    w = (half * weights).reshape(len(bounds), -1) * stats.norm.pdf(u)
    s = math.sqrt(1 - rho * rho)
    table = np.empty((len(bounds), y_edges.size - 1))
    chunk = max(1, 2**20 // (u.shape[1] * y_edges.size))
    for start in range(0, len(bounds), chunk):
        rows = slice(start, start + chunk)
        masses = _normal_masses((y_edges - rho * u[rows, :, None]) / s)
        table[rows] = np.einsum("ckj,ck->cj", masses, w[rows])
    _check_total(float(table.sum()), f"the normal pair with correlation {rho:g}")
    return table


def _quantized_normal_pair_mi(mean, sd, rho: float, step, *, refine: int = 1) -> float:
    """``I(Q_x; Q_y)`` nats, from the table of :func:`_quantized_normal_pair_cells`."""
    table = _quantized_normal_pair_cells(mean, sd, rho, step, refine=refine)
    return float(discrete.mutual_information(table, validate=False))


def _is_diagonal(matrix: np.ndarray) -> bool:
    return not np.any(matrix - np.diag(np.diag(matrix)))


def _correlated_pairs(normal: JointNormal) -> list[tuple[int, int]]:
    """``(i, j)`` for each X coordinate ``i`` correlated with the Y coordinate ``j`` (index
    into the whole vector); ``ValueError`` unless X's coordinates are independent, Y's too,
    and each coordinate is correlated with at most one of the other variable."""
    dim_x, cov = normal.dim_x, normal.cov
    cross = cov[:dim_x, dim_x:] != 0
    if (
        not _is_diagonal(cov[:dim_x, :dim_x])
        or not _is_diagonal(cov[dim_x:, dim_x:])
        or (cross.sum(axis=0) > 1).any()
        or (cross.sum(axis=1) > 1).any()
    ):
        raise ValueError(
            "Quantized mutual_information supports a JointNormal of independent pairs: X's "
            "coordinates independent, Y's independent, each coordinate correlated with at "
            "most one of the other variable (as JointNormal.correlated builds); got a "
            "covariance outside that"
        )
    return [(int(i), dim_x + int(j)) for i, j in zip(*np.nonzero(cross), strict=True)]


def _round_to_grid(values: np.ndarray, resolution: np.ndarray) -> np.ndarray:
    """``resolution * round(values / resolution)``, per column (one column: the first)."""
    step = resolution[0] if values.ndim == 1 else resolution
    return step * np.round(values / step)


@dataclass(eq=False)
class Quantized:
    """A normal task whose samples are rounded to a grid: ``r * round(v / r)``.

    The cells ``[(k - 1/2) r, (k + 1/2) r)`` are centred on the multiples of the resolution
    ``r``. Rounded measurements (a few decimals, whole units) are draws of the cell ``Q`` of a
    continuous variable; what an estimator can recover from them is the law of the cells, so
    the truths are exact sums over the cells, no sampling. Cells beyond 9 standard deviations
    (mass ``< 1e-18``) are left out, and the cell probabilities are checked to sum to 1 within
    ``1e-12``. Supported, for ``P_k = Phi((b_k - m) / s) - Phi((a_k - m) / s)`` the
    probability of cell ``[a_k, b_k)`` under ``N(m, s^2)``:

    - entropy of a ``Normal`` with a diagonal covariance (independent coordinates): the
      differential entropy of the dequantized variable ``Q + U``, ``U`` uniform on the cell,
      ``h = sum_j [H(Q_j) + log r_j]`` with ``H(Q_j) = -sum_k P_k log P_k`` (Shannon 1948).
      For a fine grid it exceeds the normal's entropy by about ``r^2 / (24 s^2)``;
    - MI of a ``JointNormal`` made of independent pairs (as :meth:`JointNormal.correlated`
      builds): the sum over the correlated pairs of ``I(Q_x; Q_y) = sum_ij P(i, j) log(P(i,
      j) / (P(i) P(j)))``. In standardised coordinates, ``s = sqrt(1 - rho^2)``, ``P(i, j) =
      int_{cell i} phi(u) [Phi((b_j - rho u) / s) - Phi((a_j - rho u) / s)] du``, by
      Gauss–Legendre quadrature in ``u`` (8 nodes on pieces no wider than
      ``min(1, s / |rho|)``; doubling both changes the MI by ``< 1e-12``). By data processing
      it is below the normal's MI, and tends to it as ``r -> 0`` (Cover & Thomas 2006, 8.3);
    - KL of a ``NormalPair`` with diagonal covariances: ``D(Q_p || Q_q) = sum_j sum_k
      P_k log(P_k / Q_k)``, both normals' cells on the same grid (logs of the cell masses
      taken from ``log_ndtr``, so a far ``q`` gives a large finite value, not ``inf``);
      below the normals' KL, tending to it as ``r -> 0``.

    Parameters
    ----------
    task : Normal, JointNormal or NormalPair
        The continuous task whose samples are rounded; its ``quantity`` is this one's.
        Another task, or a covariance outside the list above, raises ``ValueError``.
    resolution : float or array_like
        Cell widths ``r > 0``: one for every coordinate, or one per coordinate (``d`` for
        entropy and KL, ``dim_x + dim_y`` for MI, X's first).

    Notes
    -----
    Units: nats; ``truth(base)`` converts. Samples are floats on the grid (``sample`` passes
    its other options, e.g. ``n_q``, to the task's). Cost of ``truth``, computed once and
    kept: ``O(s / r)`` normal CDFs per coordinate for entropy and KL, ``O((s / r)^2)`` per
    pair for MI (about 20 ms at ``r = s / 10``). Grids of more than 2e6 cells per coordinate,
    or 4e6 cells per MI table (``r < 0.009 s``), are refused at construction.
    """

    task: Normal | JointNormal | NormalPair
    resolution: np.ndarray

    def __post_init__(self):
        task = self.task
        if isinstance(task, Normal):
            dim, sds, diagonal = task.dim, np.sqrt(np.diag(task.cov)), _is_diagonal(task.cov)
        elif isinstance(task, NormalPair):
            dim = task.p.dim
            sds = np.maximum(np.sqrt(np.diag(task.p.cov)), np.sqrt(np.diag(task.q.cov)))
            diagonal = _is_diagonal(task.p.cov) and _is_diagonal(task.q.cov)
        elif isinstance(task, JointNormal):
            dim, sds, diagonal = task.cov.shape[0], np.sqrt(np.diag(task.cov)), True
            self._pairs = _correlated_pairs(task)
        else:
            raise ValueError(
                "task must be a Normal (entropy), a JointNormal (MI) or a NormalPair (KL); "
                f"got {type(task).__name__}"
            )
        if not diagonal:
            raise ValueError(
                f"Quantized {task.quantity} supports independent coordinates only (a diagonal "
                "covariance, whose cells are products of 1-D cells); got a correlated one"
            )
        resolution = float_array(self.resolution, "resolution")
        if resolution.ndim > 1 or resolution.size not in {1, dim}:
            raise ValueError(
                f"resolution must be a scalar or have one entry per coordinate ({dim}); got "
                f"shape {resolution.shape}"
            )
        if np.any(resolution <= 0):
            raise ValueError(f"resolution must be > 0; got {resolution}")
        self.resolution = np.broadcast_to(resolution.reshape(-1), (dim,)).copy()
        cells = [_cell_count(sd, r) for sd, r in zip(sds, self.resolution, strict=True)]
        tables = [cells[i] * cells[j] for i, j in getattr(self, "_pairs", [])]
        if max(cells) > _MAX_CELLS_1D or max(tables, default=0) > _MAX_CELLS_2D:
            raise ValueError(
                f"resolution {self.resolution} is too fine for exact cell sums: over "
                f"{_MAX_CELLS_1D:.0e} cells per coordinate or {_MAX_CELLS_2D:.0e} per MI table"
            )

    @property
    def quantity(self) -> str:
        return self.task.quantity

    def sample(self, n: int, random_state=None, **options):
        """The task's samples, rounded; same shapes as the task's, float."""
        draws = self.task.sample(n, random_state, **options)
        if self.quantity == "entropy":
            return _round_to_grid(draws, self.resolution)
        if self.quantity == "mutual_information":
            dim_x = self.task.dim_x
            x, y = draws
            return (
                _round_to_grid(x, self.resolution[:dim_x]),
                _round_to_grid(y, self.resolution[dim_x:]),
            )
        return tuple(_round_to_grid(d, self.resolution) for d in draws)

    @functools.cached_property
    def _nats(self) -> float:
        task, r = self.task, self.resolution
        if self.quantity == "entropy":
            sds = np.sqrt(np.diag(task.cov))
            return sum(map(_quantized_normal_entropy, task.mean, sds, r))
        if self.quantity == "kl_divergence":
            sd_p, sd_q = np.sqrt(np.diag(task.p.cov)), np.sqrt(np.diag(task.q.cov))
            return sum(map(_quantized_normal_kl, task.p.mean, sd_p, task.q.mean, sd_q, r))
        total = 0.0
        for i, j in self._pairs:
            sd = math.sqrt(task.cov[i, i]), math.sqrt(task.cov[j, j])
            rho = task.cov[i, j] / (sd[0] * sd[1])
            total += _quantized_normal_pair_mi(task.mean[[i, j]], sd, rho, r[[i, j]])
        return total

    def truth(self, base: float = math.e) -> float:
        """The quantity of the cells (see above), in units of ``base``."""
        return float(in_base(float(self._nats), base))


@dataclass(eq=False)
class ZeroInflated:
    """A zero-inflated X and a continuous Y: ``X = Z B``, ``Y = Z + sigma N``.

    ``Z``, ``N`` independent standard normals, ``B ~ Bernoulli(p)`` independent of both: X
    has an atom of mass ``1 - p`` at exactly 0 and a density ``p phi(x)`` elsewhere, as a
    zero-inflated measurement does.

    ``I(X; Y) = p log(1 + 1 / sigma^2) / 2`` nats. Derivation: X determines B up to the null
    set ``{Z = 0}`` (``B = 1[X != 0]``), so ``I(X; Y) = I(X, B; Y) = I(B; Y) + I(X; Y | B)``
    (chain rule, Cover & Thomas 2006, 2.5). Y's law, ``N(0, 1 + sigma^2)``, does not depend
    on B, so ``I(B; Y) = 0``. Given ``B = 0``, X is the constant 0: no information. Given
    ``B = 1``, ``X = Z`` and ``Y = Z + sigma N`` is the Gaussian channel, ``I = log(1 + 1 /
    sigma^2) / 2`` (Shannon 1948). Weighted by ``P(B = 1) = p``. With ``p = 1/2``,
    ``sigma = 1``: ``log(2) / 4 = 0.1733`` nats.

    Parameters
    ----------
    p : float
        Probability in ``[0, 1]`` that X is not zeroed.
    sigma : float
        Noise standard deviation, ``> 0``.

    Notes
    -----
    Samples: ``(x, y)``, floats of shape ``(n,)``; the zeros of x are exactly ``0.0``.
    Cost of ``truth``: O(1).
    """

    p: float = 0.5
    sigma: float = 1.0
    quantity = "mutual_information"

    def __post_init__(self):
        self.p = float(float_array(self.p, "p"))
        if not 0 <= self.p <= 1:
            raise ValueError(f"p must be a probability in [0, 1]; got {self.p}")
        self.sigma = _positive(self.sigma, "sigma")

    def sample(self, n: int, random_state=None) -> tuple[np.ndarray, np.ndarray]:
        """``(x, y)``, each of shape ``(n,)``."""
        rng = as_generator(random_state)
        n = check_sample_size(n)
        z, noise = rng.standard_normal((2, n))
        kept = rng.random(n) < self.p
        return np.where(kept, z, 0.0), z + self.sigma * noise

    def mutual_information(self, base: float = math.e) -> float:
        return float(in_base(self.p * 0.5 * math.log1p(self.sigma**-2), base))

    truth = mutual_information


def _sparse_normal(dim: int, mi: float) -> JointNormal:
    """``dim`` + ``dim`` standard normals where only the first pair is correlated: ``mi``
    nats sit in one coordinate pair among many independent ones."""
    rho = math.sqrt(-math.expm1(-2 * mi))
    cov = np.eye(2 * dim)
    cov[0, dim] = cov[dim, 0] = rho
    return JointNormal(cov, dim)


def _correlated_pair(rho: float, sd: float = 1.0) -> JointNormal:
    """A 1+1-D centred normal pair with correlation ``rho``, both of standard deviation
    ``sd``."""
    return JointNormal(sd * sd * np.array([[1.0, rho], [rho, 1.0]]), 1)


def _correlated_cov(dim: int, rho: float) -> np.ndarray:
    """An equicorrelated covariance: ones on the diagonal, ``rho`` elsewhere."""
    return np.full((dim, dim), rho) + (1 - rho) * np.eye(dim)


#: Named ground-truth tasks: name -> a function making the task. Names say the quantity's
#: family, the dimensions and the level, e.g. ``"gaussian-5+5-mi1"``.
TASKS = {
    # entropy
    "normal-1d": lambda: Normal(0.0, 1.0),
    "normal-5d": lambda: Normal(np.zeros(5), _correlated_cov(5, 0.5)),
    "uniform-1d": lambda: Uniform(0.0, 1.0),
    "uniform-3d": lambda: Uniform([0.0, 0.0, 0.0], [1.0, 2.0, 3.0]),
    "exponential": lambda: Exponential(1.0),
    "laplace": lambda: Laplace(0.0, 1.0),
    "student-t-3": lambda: StudentT(3.0),
    # rounded measurements: the dequantized variable, H(Q) + log r (1.4194 and 1.4292 nats)
    **{f"normal-1d-q{r:g}": (lambda r=r: Quantized(Normal(0.0, 1.0), r)) for r in (0.1, 0.5)},
    # mutual information
    **{
        f"gaussian-1+1-mi{level:g}": (lambda level=level: JointNormal.correlated(1, 1, level))
        for level in (0.0, 0.5, 1.0, 2.0)
    },
    "gaussian-2+2-mi1": lambda: JointNormal.correlated(2, 2, 1.0),
    "gaussian-5+5-mi1": lambda: JointNormal.correlated(5, 5, 1.0),
    "gaussian-20+20-mi2": lambda: JointNormal.correlated(20, 20, 2.0),
    "gaussian-sparse-10+10-mi1": lambda: _sparse_normal(10, 1.0),
    **{
        f"gaussian-1+1-mi1-{name}": (
            lambda name=name: MonotoneTransformed(JointNormal.correlated(1, 1, 1.0), name)
        )
        for name in ("cube", "asinh", "normal-cdf")
    },
    "discrete-4x4": lambda: JointCategorical(
        np.array([[4, 1, 1, 0], [1, 4, 1, 1], [0, 1, 4, 1], [1, 0, 1, 4]]) / 25
    ),
    # rounded measurements: I(Q_x; Q_y) of the cells (0.2227 and 0.2119 nats; the
    # continuous pair has 0.2231), and whole numbers (standard deviation 3, rounded at 1: 0.2180)
    **{
        f"gaussian-1+1-rho0.6-q{r:g}": (lambda r=r: Quantized(_correlated_pair(0.6), r))
        for r in (0.1, 0.5)
    },
    "gaussian-1+1-rho0.6-sd3-q1": lambda: Quantized(_correlated_pair(0.6, 3.0), 1.0),
    # an atom at 0 in X (half the draws) and a continuous Y: log(2) / 4 = 0.1733 nats
    "zero-inflated-1+1": lambda: ZeroInflated(0.5, 1.0),
    # a discrete label and a continuous value (MI 0.337 and 0.644 nats)
    "mixed-2-labels": lambda: ClassConditionalNormal([-1.0, 1.0]),
    "mixed-4-labels": lambda: ClassConditionalNormal([0.0, 1.5, 3.0, 4.5]),
    # KL divergence
    "normal-shift-1d": lambda: NormalPair(0.0, 1.0, 1.0, 1.0),
    # the same pair rounded at 0.1: 0.4996 nats (0.5 unrounded)
    "normal-shift-1d-q0.1": lambda: Quantized(NormalPair(0.0, 1.0, 1.0, 1.0), 0.1),
    "normal-scale-1d": lambda: NormalPair(0.0, 1.0, 0.0, 4.0),
    "normal-shift-5d": lambda: NormalPair(np.zeros(5), np.eye(5), np.full(5, 0.5), np.eye(5)),
    "normal-10d": lambda: NormalPair(
        np.zeros(10), _correlated_cov(10, 0.3), np.full(10, 0.2), 1.5 * np.eye(10)
    ),
}


# ------------------------------------------------------------------------- the hard MI suite


def _dense_normal(dim_x: int, dim_y: int, mi: float) -> JointNormal:
    """A joint normal with a dense correlation matrix and Gaussian MI ``mi`` nats
    (:func:`exact._hard.dense_correlation`)."""
    return JointNormal(_hard.dense_correlation(dim_x, dim_y, mi), dim_x)


def _sparse_pairs(dim: int, pairs: int, mi: float) -> JointNormal:
    """``dim + dim`` standard normals with ``pairs`` correlated pairs sharing ``mi`` nats."""
    return JointNormal(_hard.sparse_correlation(dim, pairs, mi), dim)


#: The Gaussian tasks of the hard suite: dense correlations at several levels, and sparse
#: interactions (a few correlated pairs among many independent coordinates).
_HARD_GAUSSIAN = {
    "hard-gauss-1+1-mi0.4": lambda: _dense_normal(1, 1, 0.4),
    "hard-gauss-2+2-mi0.7": lambda: _dense_normal(2, 2, 0.7),
    "hard-gauss-3+3-mi1": lambda: _dense_normal(3, 3, 1.0),
    "hard-gauss-5+5-mi1.5": lambda: _dense_normal(5, 5, 1.5),
    "hard-sparse-25+25-2pairs-mi1": lambda: _sparse_pairs(25, 2, 1.0),
    "hard-sparse-50+50-2pairs-mi1": lambda: _sparse_pairs(50, 2, 1.0),
    "hard-sparse-25+25-5pairs-mi1": lambda: _sparse_pairs(25, 5, 1.0),
}
#: Per-coordinate strictly increasing warps of some of them (truth unchanged).
_HARD_WARPS = {
    "hard-gauss-1+1-mi0.4": ("half-cube", "asinh", "normal-cdf", "wiggly", "bimodal"),
    "hard-gauss-3+3-mi1": ("half-cube", "asinh", "normal-cdf", "wiggly", "bimodal"),
    "hard-gauss-5+5-mi1.5": ("half-cube", "normal-cdf", "wiggly", "bimodal"),
    "hard-sparse-25+25-2pairs-mi1": ("half-cube", "normal-cdf", "bimodal"),
    "hard-sparse-50+50-2pairs-mi1": ("asinh", "wiggly"),
}
#: Multivariate Student t: (dim_x, dim_y, df, dispersion builder, name suffix).
_HARD_STUDENT = [
    (1, 1, 1, lambda: _hard.dense_correlation(1, 1, 0.4), ""),
    (1, 1, 2, lambda: _hard.dense_correlation(1, 1, 0.4), ""),
    (2, 2, 2, lambda: JointNormal.correlated(2, 2, 0.7).cov, ""),
    (2, 2, 2, lambda: np.eye(4), "-identity"),  # dependent through the shared scale only
    (3, 3, 1, lambda: np.eye(6), "-identity"),
    (3, 3, 2, lambda: _hard.dense_correlation(3, 3, 1.0), ""),
    (3, 3, 3, lambda: _hard.dense_correlation(3, 3, 1.0), ""),
    (5, 5, 2, lambda: _hard.dense_correlation(5, 5, 1.5), ""),
    (5, 5, 3, lambda: _hard.dense_correlation(5, 5, 1.5), ""),
]

_HARD_TASKS = {
    **_HARD_GAUSSIAN,
    **{
        f"{name}-{warp}": (
            lambda name=name, warp=warp: MonotoneTransformed(_HARD_GAUSSIAN[name](), warp)
        )
        for name, warps in _HARD_WARPS.items()
        for warp in warps
    },
    **{
        f"hard-t-{dx}+{dy}-dof{df}{suffix}": (
            lambda dx=dx, df=df, dispersion=dispersion: MultivariateStudentT(dispersion(), dx, df)
        )
        for dx, dy, df, dispersion, suffix in _HARD_STUDENT
    },
    **{
        f"{name}-spiral{speed:g}": (
            lambda name=name, speed=speed: Spiral(_HARD_GAUSSIAN[name](), speed)
        )
        for name in ("hard-gauss-3+3-mi1", "hard-gauss-5+5-mi1.5")
        for speed in (0.5, 1.5)
    },
    **{
        f"hard-swissroll-2+1-mi{mi:g}": (lambda mi=mi: SwissRoll(JointNormal.correlated(1, 1, mi)))
        for mi in (0.5, 1.0)
    },
    **{
        f"hard-uniform-noise-1+1-eps{eps:g}": (lambda eps=eps: UniformNoise(eps))
        for eps in (0.1, 0.3, 0.75)
    },
    "hard-uniform-noise-5+5": lambda: UniformNoise([0.1, 0.25, 0.5, 0.75, 1.0]),
}

_NULL_TASKS = {
    "null-gauss-25+25": lambda: JointNormal(np.eye(50), 25),
    "null-gauss-50+50": lambda: JointNormal(np.eye(100), 50),
    "null-t-3+3-dof2": lambda: IndependentCoordinates("student-t", 3, "student-t", 3, df=2.0),
    "null-exponential-5+5": lambda: IndependentCoordinates("exponential", 5, "exponential", 5),
    "null-uniform-1+1": lambda: IndependentCoordinates("uniform", 1, "uniform", 1),
    "null-gauss-3+3-bimodal": lambda: MonotoneTransformed(JointNormal(np.eye(6), 3), "bimodal"),
    # columns on wildly different scales (1e-6 to 1e6): nothing to find, whatever the units
    "null-scales-4+4": lambda: IndependentCoordinates(
        "normal", 4, "exponential", 4, scale_x=[1e-3, 1.0, 1e3, 1e6], scale_y=[1e-6, 1e-2, 1e2, 1e5]
    ),
}

TASKS.update(_HARD_TASKS)
TASKS.update(_NULL_TASKS)

#: The hard MI suite, in the spirit of "Beyond Normal" (Czyż et al. 2023): names in
#: :data:`TASKS`, each with an exact positive MI (nats) although the samples are far from a
#: joint normal —
#:
#: - ``hard-gauss-D+D-miI``: dense correlated normals (:func:`exact._hard.dense_correlation`);
#: - ``hard-sparse-D+D-Kpairs-miI``: ``K`` correlated coordinate pairs among ``D + D``
#:   standard normals, ``I / K`` nats each;
#: - ``<one of those>-<warp>``: every coordinate through a strictly increasing map
#:   (``half-cube``, ``asinh``, ``normal-cdf``, ``wiggly``, ``bimodal``; see
#:   :class:`MonotoneTransformed`), MI unchanged (Kraskov et al. 2004);
#: - ``hard-t-D+D-dofN``: a joint multivariate Student t, ``I = I_Gauss + c(nu, m, n)``
#:   (:class:`MultivariateStudentT`); ``-identity``: identity dispersion, MI from the shared
#:   tails only;
#: - ``<gauss>-spiralS``: X rotated in its first plane by ``S |x|^2`` (:class:`Spiral`);
#: - ``hard-swissroll-2+1-miI``: a 1-D X rolled into the plane (:class:`SwissRoll`);
#: - ``hard-uniform-noise-...``: ``Y = X + eps U``, ``I = eps / 2 - log eps`` per pair
#:   (:class:`UniformNoise`).
HARD_SUITE = list(_HARD_TASKS)

#: Null MI tasks, X independent of Y (truth exactly 0): what an estimator reports when there
#: is nothing to find — in high dimension, with heavy tails, skewed, bounded, bimodal and
#: badly scaled columns.
NULL_SUITE = list(_NULL_TASKS)


def task(name: str):
    """The ground-truth task called ``name`` (see :data:`TASKS`)."""
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; tasks: {', '.join(sorted(TASKS))}")
    return TASKS[name]()


def task_names(quantity: str | None = None) -> list[str]:
    """The task names, all or those of one quantity, sorted."""
    return sorted(n for n in TASKS if quantity is None or TASKS[n]().quantity == quantity)
