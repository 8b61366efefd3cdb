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

import math
from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
from scipy import integrate, special, stats

from . import discrete, gaussian
from ._backend import NumpyOps
from ._checks import check_finite, check_pmf, in_base
from ._random import as_generator, check_sample_size

__all__ = [
    "TASKS",
    "Categorical",
    "ClassConditionalNormal",
    "Exponential",
    "JointCategorical",
    "JointNormal",
    "Laplace",
    "MonotoneTransformed",
    "Normal",
    "NormalPair",
    "StudentT",
    "Uniform",
    "task",
    "task_names",
]

_OPS = NumpyOps()


def _float_array(value, name: str) -> np.ndarray:
    array = _OPS.as_float(value, name).astype(np.float64)
    check_finite(_OPS, array, name)
    return array


def _positive(value, name: str) -> float:
    number = float(_float_array(value, name))
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
        self.p = _float_array(self.p, "p")
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
        self.p_xy = _float_array(self.p_xy, "p_xy")
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
        self.low = np.atleast_1d(_float_array(self.low, "low"))
        self.high = np.atleast_1d(_float_array(self.high, "high"))
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
        self.loc = float(_float_array(self.loc, "loc"))
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
        self.loc = float(_float_array(self.loc, "loc"))
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
        self.means = _float_array(self.means, "means")
        if self.means.ndim != 1 or self.means.size == 0:
            raise ValueError(
                f"means must be 1-D with one mean per label, at least one; got {self.means.shape}"
            )
        self.sigma = _positive(self.sigma, "sigma")
        uniform = np.full(self.means.size, 1 / self.means.size)
        self.p = uniform if self.p is None else _float_array(self.p, "p")
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
    cov = _float_array(cov, "cov")
    cov = cov.reshape(1, 1) if cov.ndim == 0 else cov
    gaussian.entropy(cov)  # shape, symmetry and positive definiteness, with clear errors
    if cov.ndim != 2:
        raise ValueError(f"cov must be one (d, d) matrix; got shape {cov.shape}")
    return cov


def _mean(mean, dim: int) -> np.ndarray:
    mean = _float_array(mean, "mean")
    mean = np.full(dim, float(mean)) if mean.ndim == 0 else mean
    if mean.shape != (dim,):
        raise ValueError(f"mean must be a scalar or have shape ({dim},); got {mean.shape}")
    return mean


_TRANSFORMS = {
    "cube": lambda v: v**3,
    "asinh": np.arcsinh,
    "normal-cdf": special.ndtr,
}


@dataclass(eq=False)
class MonotoneTransformed:
    """A joint normal task with a strictly increasing map applied to every coordinate.

    MI is invariant under invertible transforms of each variable (Kraskov et al. 2004), so the
    truth is the joint normal's; the samples are no longer Gaussian, which is what separates
    estimators that assume Gaussianity from those that do not. ``transform`` is ``"cube"``
    (``v^3``), ``"asinh"`` or ``"normal-cdf"`` (``Phi(v)``, values in (0, 1)).
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


def _sparse_normal(dim: int, mi: float) -> JointNormal:
    """``dim`` + ``dim`` standard normals where only the first pair is correlated: ``mi``
    nats sit in one coordinate pair among many independent ones."""
    rho = math.sqrt(-math.expm1(-2 * mi))
    cov = np.eye(2 * dim)
    cov[0, dim] = cov[dim, 0] = rho
    return JointNormal(cov, dim)


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
    # a discrete label and a continuous value (MI 0.337 and 0.644 nats)
    "mixed-2-labels": lambda: ClassConditionalNormal([-1.0, 1.0]),
    "mixed-4-labels": lambda: ClassConditionalNormal([0.0, 1.5, 3.0, 4.5]),
    # KL divergence
    "normal-shift-1d": lambda: NormalPair(0.0, 1.0, 1.0, 1.0),
    "normal-scale-1d": lambda: NormalPair(0.0, 1.0, 0.0, 4.0),
    "normal-shift-5d": lambda: NormalPair(np.zeros(5), np.eye(5), np.full(5, 0.5), np.eye(5)),
    "normal-10d": lambda: NormalPair(
        np.zeros(10), _correlated_cov(10, 0.3), np.full(10, 0.2), 1.5 * np.eye(10)
    ),
}


def task(name: str):
    """The ground-truth task called ``name`` (see :data:`TASKS`)."""
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; tasks: {', '.join(sorted(TASKS))}")
    return TASKS[name]()


def task_names(quantity: str | None = None) -> list[str]:
    """The task names, all or those of one quantity, sorted."""
    return sorted(n for n in TASKS if quantity is None or TASKS[n]().quantity == quantity)
