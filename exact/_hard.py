"""Building blocks of the hard mutual-information tasks (:data:`exact.distributions.HARD_SUITE`).

The tasks follow the design of the "Beyond Normal" benchmark (Czyż et al. 2023): distributions
whose MI is known exactly although their samples are far from a joint normal. Two facts make
the truths exact:

- MI is invariant under invertible maps of X and of Y separately (Kraskov et al. 2004;
  Cover & Thomas 2006, 8.6): a task made by warping, spiralling or embedding the samples of
  a task with a known MI has that MI;
- the few families here with their own closed form (the multivariate Student t, uniform
  noise) are derived in the docstrings below.

Everything is in nats; the task objects convert with ``truth(base)``. This module knows
nothing of :mod:`exact.distributions` (which imports it): the wrappers take any MI task with
``sample(n, random_state)`` and ``mutual_information(base)``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from numbers import Integral

import numpy as np
from scipy import optimize, special

from . import gaussian
from ._backend import NumpyOps
from ._checks import check_finite, in_base
from ._random import as_generator, check_sample_size

__all__ = [
    "WARPS",
    "IndependentCoordinates",
    "MultivariateStudentT",
    "Spiral",
    "SwissRoll",
    "UniformNoise",
    "dense_correlation",
    "sparse_correlation",
    "student_t_mi_correction",
]

_OPS = NumpyOps()


def float_array(value, name: str) -> np.ndarray:
    array = _OPS.as_float(value, name).astype(np.float64)
    check_finite(_OPS, array, name)
    return array


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


def _squeeze(draws: np.ndarray) -> np.ndarray:
    return draws[:, 0] if draws.shape[1] == 1 else draws


# ------------------------------------------------------------------------ Gaussian covariances


def _factor_loadings(dim: int, factors: int, phase: float) -> np.ndarray:
    """A fixed dense ``(dim, factors)`` matrix, ``cos(phase + 1.3 i + 2.1 j)``: no zero entry,
    full column rank for ``factors <= dim`` (a generic choice, no randomness)."""
    i, j = np.meshgrid(np.arange(dim), np.arange(factors), indexing="ij")
    return np.cos(phase + 1.3 * i + 2.1 * j)


def _dense_covariance(dim_x: int, dim_y: int, strength: float) -> np.ndarray:
    """The correlation matrix of ``(X, Y) = strength * L z + e``, ``z`` and ``e`` standard."""
    factors = min(dim_x, dim_y)
    loadings = np.vstack(
        (_factor_loadings(dim_x, factors, 0.4), _factor_loadings(dim_y, factors, 1.7))
    )
    cov = strength**2 * loadings @ loadings.T + np.eye(dim_x + dim_y)
    scale = 1 / np.sqrt(np.diag(cov))
    return cov * scale[:, None] * scale[None, :]


@functools.cache
def _dense_correlation(dim_x: int, dim_y: int, mi: float) -> np.ndarray:
    def excess(strength: float) -> float:
        return float(gaussian.mutual_information(_dense_covariance(dim_x, dim_y, strength), dim_x))

    strength = optimize.brentq(lambda s: excess(s) - mi, 0.0, 50.0, xtol=1e-14, rtol=1e-15)
    cov = _dense_covariance(dim_x, dim_y, strength)
    cov.setflags(write=False)
    return cov


def dense_correlation(dim_x: int, dim_y: int, mi: float) -> np.ndarray:
    """A dense correlation matrix of ``(X, Y)`` (``dim_x + dim_y`` coordinates) with Gaussian
    MI ``mi`` nats.

    A latent-factor model: ``(X, Y) = c L z + e`` with ``k = min(dim_x, dim_y)`` standard
    normal factors ``z``, standard normal noise ``e``, fixed loadings ``L_ij = cos(a + 1.3 i
    + 2.1 j)`` (no zero entry), rescaled to unit variances. Every pair of coordinates, within
    X, within Y and across, is correlated. The MI ``(log det S_xx + log det S_yy - log det S)
    / 2`` (Cover & Thomas 2006, 8.5) grows with ``c`` from 0; ``c`` is found by Brent's method,
    so the matrix's MI equals ``mi`` to about ``1e-13`` (the task's truth is computed from the
    matrix itself, not from ``mi``).
    """
    dim_x, dim_y = _positive_int(dim_x, "dim_x"), _positive_int(dim_y, "dim_y")
    if not 0 < mi < 20:
        raise ValueError(f"mi must be in (0, 20) nats; got {mi!r}")
    return _dense_correlation(dim_x, dim_y, float(mi)).copy()


def sparse_correlation(dim: int, pairs: int, mi: float) -> np.ndarray:
    """``dim + dim`` standard normals where only ``pairs`` coordinate pairs ``(x_i, y_i)``
    are correlated, each with ``rho = sqrt(1 - exp(-2 mi / pairs))`` so that the total MI,
    ``-pairs log(1 - rho^2) / 2``, is ``mi`` nats. The pairs are spread evenly over the
    coordinates (``i = 0`` and ``i = dim - 1`` for two)."""
    dim, pairs = _positive_int(dim, "dim"), _positive_int(pairs, "pairs")
    if pairs > dim:
        raise ValueError(f"pairs must be <= dim ({dim}); got {pairs}")
    rho = math.sqrt(-math.expm1(-2 * mi / pairs))
    cov = np.eye(2 * dim)
    index = np.unique(np.round(np.linspace(0, dim - 1, pairs)).astype(int))
    cov[index, dim + index] = cov[dim + index, index] = rho
    return cov


# ---------------------------------------------------------------------------------- warps

#: The wiggly map ``v + a sin(b v)``: strictly increasing because ``a b < 1`` (its slope is
#: at least ``1 - a b = 0.2``).
WIGGLE_AMPLITUDE, WIGGLE_FREQUENCY = 0.4, 2.0
#: The two-component normal mixture of the "bimodal" warp: ``(N(-m, s^2) + N(m, s^2)) / 2``.
BIMODAL_MEAN, BIMODAL_SD = 1.0, 0.3
#: The bimodal map is tabulated at this many points of ``[-B, B]`` (``B`` below) and linear
#: in between and beyond.
_BIMODAL_NODES, _BIMODAL_BOUND = 20001, 10.0


def _half_cube(v):
    return v * np.sqrt(np.abs(v))


def _half_cube_inverse(w):
    return np.sign(w) * np.abs(w) ** (2 / 3)


def _wiggly(v):
    return v + WIGGLE_AMPLITUDE * np.sin(WIGGLE_FREQUENCY * v)


def _wiggly_inverse(w):
    # the root lies within the amplitude of w; bisection halves the bracket 60 times
    w = np.asarray(w, dtype=np.float64)
    low, high = w - WIGGLE_AMPLITUDE, w + WIGGLE_AMPLITUDE
    for _ in range(60):
        middle = (low + high) / 2
        below = _wiggly(middle) < w
        low, high = np.where(below, middle, low), np.where(below, high, middle)
    return (low + high) / 2


def _mixture_log_survival(w: np.ndarray) -> np.ndarray:
    """``log P(W > w)`` for the bimodal mixture, accurate in the upper tail."""
    upper = special.log_ndtr(-(w - BIMODAL_MEAN) / BIMODAL_SD)
    lower = special.log_ndtr(-(w + BIMODAL_MEAN) / BIMODAL_SD)
    return np.logaddexp(upper, lower) - math.log(2)


@functools.cache
def _bimodal_table() -> tuple[np.ndarray, np.ndarray]:
    """Nodes ``v`` and ``w = F^{-1}(Phi(v))``, ``F`` the mixture's CDF, on ``[-B, B]``.

    For ``v >= 0``, ``P(W > w) = Phi(-v)`` is solved in logs by bisection (both sides from
    ``log_ndtr``, so the far tail keeps its relative accuracy: no ``1 - Phi`` cancellation);
    the mixture is symmetric, so ``w(-v) = -w(v)``.
    """
    half = np.linspace(0.0, _BIMODAL_BOUND, (_BIMODAL_NODES + 1) // 2)
    target = special.log_ndtr(-half)
    low = np.zeros_like(half)
    high = np.full_like(half, BIMODAL_MEAN + 20 * BIMODAL_SD)
    for _ in range(64):  # the bracket (7 wide) shrinks below the float spacing of w
        middle = (low + high) / 2
        above = _mixture_log_survival(middle) > target  # survival still too large: go right
        low, high = np.where(above, middle, low), np.where(above, high, middle)
    w_half = (low + high) / 2
    w_half[0] = 0.0
    v = np.concatenate((-half[:0:-1], half))
    w = np.concatenate((-w_half[:0:-1], w_half))
    if not (np.all(np.diff(v) > 0) and np.all(np.diff(w) > 0)):
        raise RuntimeError("the bimodal warp's table is not strictly increasing")
    v.setflags(write=False)
    w.setflags(write=False)
    return v, w


def _piecewise_linear(values, nodes: np.ndarray, images: np.ndarray) -> np.ndarray:
    """The strictly increasing piecewise-linear map through ``(nodes, images)``, continued
    beyond the end nodes with the end pieces' slopes."""
    values = np.asarray(values, dtype=np.float64)
    out = np.interp(values, nodes, images)
    below, above = values < nodes[0], values > nodes[-1]
    slope_low = (images[1] - images[0]) / (nodes[1] - nodes[0])
    slope_high = (images[-1] - images[-2]) / (nodes[-1] - nodes[-2])
    out = np.where(below, images[0] + (values - nodes[0]) * slope_low, out)
    return np.where(above, images[-1] + (values - nodes[-1]) * slope_high, out)


def _bimodal(v):
    nodes, images = _bimodal_table()
    return _piecewise_linear(v, nodes, images)


def _bimodal_inverse(w):
    nodes, images = _bimodal_table()
    return _piecewise_linear(w, images, nodes)


#: Strictly increasing maps of the real line, applied to every coordinate: name ->
#: (map, inverse). MI is unchanged by them (Kraskov et al. 2004).
#:
#: - ``"half-cube"``: ``v |v|^(1/2)`` (heavier tails, flat at 0);
#: - ``"wiggly"``: ``v + 0.4 sin(2 v)`` (slope between 0.2 and 1.8);
#: - ``"bimodal"``: ``F^{-1}(Phi(v))``, ``F`` the CDF of ``(N(-1, 0.3^2) + N(1, 0.3^2)) /
#:   2``: a standard normal coordinate gets that two-humped law. ``F^{-1}`` is solved at
#:   20001 nodes of ``[-10, 10]`` (bisection on log survival functions) and interpolated
#:   linearly, continued linearly beyond. The interpolated map is strictly increasing,
#:   which is all the truth needs; its marginal is the mixture to within ``2e-5`` in CDF
#:   (the largest gap, between the modes, where the map is steepest).
WARPS = {
    "half-cube": (_half_cube, _half_cube_inverse),
    "wiggly": (_wiggly, _wiggly_inverse),
    "bimodal": (_bimodal, _bimodal_inverse),
}


# ------------------------------------------------------------------------ multivariate t


def student_t_mi_correction(df: float, dim_x: int, dim_y: int) -> float:
    """The MI of a joint Student t beyond that of the normal with the same dispersion, nats.

    For ``(X, Y)`` jointly ``t_nu(0, S)`` (``m + n`` coordinates), the marginals are
    ``t_nu(0, S_xx)`` and ``t_nu(0, S_yy)``, with the same ``nu``, and a ``k``-dimensional
    ``t_nu(0, S)`` has differential entropy (Arellano-Valle, Contreras-Reyes & Genton 2013)
    ``h = log det S / 2 + g(k)``, ``g(k) = log Gamma(nu/2) + (k/2) log(nu pi) -
    log Gamma((nu + k)/2) + ((nu + k)/2) [psi((nu + k)/2) - psi(nu/2)]``. So ``I = h(X) +
    h(Y) - h(X, Y) = I_Gauss(S) + c`` with ``I_Gauss(S) = (log det S_xx + log det S_yy -
    log det S) / 2`` and, the ``log(nu pi)`` terms cancelling,

    ``c = log Gamma(nu/2) + log Gamma((nu + m + n)/2) - log Gamma((nu + m)/2) -
    log Gamma((nu + n)/2) + ((nu + m)/2) psi((nu + m)/2) + ((nu + n)/2) psi((nu + n)/2) -
    ((nu + m + n)/2) psi((nu + m + n)/2) - (nu/2) psi(nu/2)``.

    ``c > 0`` (the shared scale makes even uncorrelated coordinates dependent) and ``c -> 0``
    as ``nu -> infinity`` (the normal limit, ``c ~ m n / (2 nu^2)``); above ``nu ~ 1e5`` the
    terms cancel to within ``1e-9`` of it (the suite's tasks have ``nu <= 3``).
    """
    half = df / 2
    a, b, ab = half + dim_x / 2, half + dim_y / 2, half + (dim_x + dim_y) / 2
    gammas = special.gammaln(half) + special.gammaln(ab) - special.gammaln(a) - special.gammaln(b)
    digammas = (
        a * special.digamma(a)
        + b * special.digamma(b)
        - ab * special.digamma(ab)
        - half * special.digamma(half)
    )
    return float(gammas + digammas)


@dataclass(eq=False)
class MultivariateStudentT:
    """``(X, Y)`` jointly multivariate Student t with ``df`` degrees of freedom and
    dispersion (scale) matrix ``dispersion``: X the first ``dim_x`` coordinates.

    Drawn as ``Z sqrt(df / W)``, ``Z ~ N(0, dispersion)`` and ``W ~ chi^2_df`` independent;
    X and Y share the scale ``sqrt(df / W)``, so they are dependent even for an identity
    dispersion (MI from the tails only). For ``df <= 2`` the covariance is infinite.

    ``I(X; Y) = I_Gauss(dispersion) + c(df, dim_x, dim_y)`` nats, ``c`` in closed form with
    log-gamma and digamma terms: see :func:`student_t_mi_correction` (Arellano-Valle,
    Contreras-Reyes & Genton 2013). Samples: ``(x, y)``, ``(n,)`` for one coordinate, else
    ``(n, d)``. Cost of ``truth``: one Cholesky factorisation.
    """

    dispersion: np.ndarray
    dim_x: int
    df: float
    quantity = "mutual_information"

    def __post_init__(self):
        self.dispersion = float_array(self.dispersion, "dispersion")
        gaussian.mutual_information(self.dispersion, self.dim_x)  # shape, SPD, dim_x
        if self.dispersion.ndim != 2:
            raise ValueError(
                f"dispersion must be one (d, d) matrix; got shape {self.dispersion.shape}"
            )
        self.df = float(float_array(self.df, "df"))
        if not self.df > 0:
            raise ValueError(f"df must be > 0; got {self.df}")
        self._lower = np.linalg.cholesky(self.dispersion)

    def sample(self, n: int, random_state=None) -> tuple[np.ndarray, np.ndarray]:
        rng = as_generator(random_state)
        n = check_sample_size(n)
        z = rng.standard_normal((n, self.dispersion.shape[0])) @ self._lower.T
        # W = 0 has probability 0 but can underflow for small df: keep the draws finite
        w = np.maximum(rng.chisquare(self.df, n), np.finfo(np.float64).tiny)
        draws = z * np.sqrt(self.df / w)[:, None]
        return _squeeze(draws[:, : self.dim_x]), _squeeze(draws[:, self.dim_x :])

    def mutual_information(self, base: float = math.e) -> float:
        dim_y = self.dispersion.shape[0] - self.dim_x
        nats = float(gaussian.mutual_information(self.dispersion, self.dim_x))
        return float(in_base(nats + student_t_mi_correction(self.df, self.dim_x, dim_y), base))

    truth = mutual_information


# ------------------------------------------------------------------ invertible embeddings


def spiral(x: np.ndarray, speed: float) -> np.ndarray:
    """Rotate each row of ``x`` (``(n, d)``, ``d >= 2``) in the plane of its first two
    coordinates by the angle ``speed * |x|^2``.

    The rotation keeps ``|x|``, so the angle can be read back from the image: the map is a
    bijection of ``R^d`` with inverse ``spiral(., -speed)``.
    """
    angle = speed * np.einsum("ij,ij->i", x, x)
    cos, sin = np.cos(angle), np.sin(angle)
    out = x.copy()
    out[:, 0] = cos * x[:, 0] - sin * x[:, 1]
    out[:, 1] = sin * x[:, 0] + cos * x[:, 1]
    return out


@dataclass(eq=False)
class Spiral:
    """An MI task whose X (at least 2-D) is spiralled: :func:`spiral` with ``speed``.

    The spiral is an invertible map of X, so ``I(spiral(X); Y) = I(X; Y)`` (Kraskov et al.
    2004): the truth is the base task's, in nats. Samples: ``(x, y)``, x of shape ``(n, d)``.
    """

    base: object
    speed: float
    quantity = "mutual_information"

    def __post_init__(self):
        self.speed = float(float_array(self.speed, "speed"))
        x, _ = self.base.sample(2, random_state=0)
        if x.ndim != 2 or x.shape[1] < 2:
            raise ValueError(f"Spiral needs an X of at least 2 coordinates; got shape {x.shape}")

    def sample(self, n: int, random_state=None) -> tuple[np.ndarray, np.ndarray]:
        x, y = self.base.sample(n, random_state)
        return spiral(x, self.speed), y

    def mutual_information(self, base: float = math.e) -> float:
        return self.base.mutual_information(base)

    truth = mutual_information


#: The swiss-roll curve is ``t (cos t, sin t)`` for ``t = a (1 + 2 u)``, ``u`` in (0, 1).
SWISS_ROLL_TURN = 1.5 * math.pi


def swiss_roll(x: np.ndarray) -> np.ndarray:
    """Embed a 1-D ``x`` (``(n,)``) in the plane: ``u = Phi(x)``, ``t = a (1 + 2 u)`` with
    ``a = 3 pi / 2``, point ``t (cos t, sin t)`` (``(n, 2)``). Its distance from the origin
    is ``t``, increasing in ``x``: the map is one-to-one onto the curve, with inverse
    :func:`swiss_roll_inverse`."""
    t = SWISS_ROLL_TURN * (1 + 2 * special.ndtr(x))
    return np.column_stack((t * np.cos(t), t * np.sin(t)))


def swiss_roll_inverse(points: np.ndarray) -> np.ndarray:
    """The ``x`` of points on the swiss roll: ``t = |point|``, ``x = Phi^{-1}(t / (2a) - 1/2)``."""
    t = np.hypot(points[:, 0], points[:, 1])
    return special.ndtri(t / (2 * SWISS_ROLL_TURN) - 0.5)


@dataclass(eq=False)
class SwissRoll:
    """A 1+1 MI task whose X is rolled into the plane by :func:`swiss_roll`.

    X becomes a 2-D sample on a curve (no density in the plane), Y stays 1-D. The embedding
    is invertible on its image, so the MI is the base task's (Kraskov et al. 2004), nats.
    Samples: ``(x, y)``, x of shape ``(n, 2)``, y ``(n,)``.
    """

    base: object
    quantity = "mutual_information"

    def __post_init__(self):
        x, _ = self.base.sample(2, random_state=0)
        if x.ndim != 1:
            raise ValueError(f"SwissRoll needs a 1-D X; got shape {x.shape}")

    def sample(self, n: int, random_state=None) -> tuple[np.ndarray, np.ndarray]:
        x, y = self.base.sample(n, random_state)
        return swiss_roll(x), y

    def mutual_information(self, base: float = math.e) -> float:
        return self.base.mutual_information(base)

    truth = mutual_information


# -------------------------------------------------------------------------- uniform noise


@dataclass(eq=False)
class UniformNoise:
    """``X ~ U(0, 1)^d`` and ``Y = X + eps U``, ``U ~ U(0, 1)^d`` independent of X: d
    independent coordinate pairs with noise widths ``eps`` (a scalar: one pair, 1-D samples).

    ``I(X; Y) = sum_i (eps_i / 2 - log eps_i)`` nats, for ``0 < eps_i <= 1``. Derivation, one
    pair: ``h(Y | X) = h(eps U) = log eps``. Y's density is the trapezoid ``y / eps`` on
    ``[0, eps]``, 1 on ``[eps, 1]``, ``(1 + eps - y) / eps`` on ``[1, 1 + eps]``; the flat
    part adds nothing to ``h(Y) = -int f log f`` and each ramp adds ``-eps int_0^1 s log s ds
    = eps / 4``, so ``h(Y) = eps / 2`` and ``I = h(Y) - h(Y | X) = eps / 2 - log eps``. The
    pairs are independent, so their MIs add. Cost of ``truth``: O(d).
    """

    eps: np.ndarray
    quantity = "mutual_information"

    def __post_init__(self):
        eps = float_array(self.eps, "eps")
        if eps.ndim > 1 or eps.size == 0:
            raise ValueError(f"eps must be a scalar or 1-D; got shape {eps.shape}")
        if np.any(eps <= 0) or np.any(eps > 1):
            raise ValueError(f"eps must be in (0, 1]; got {eps}")
        self.eps = eps

    def sample(self, n: int, random_state=None) -> tuple[np.ndarray, np.ndarray]:
        rng = as_generator(random_state)
        n = check_sample_size(n)
        width = np.atleast_1d(self.eps)
        x = rng.random((n, width.size))
        y = x + width * rng.random((n, width.size))
        return _squeeze(x), _squeeze(y)

    def mutual_information(self, base: float = math.e) -> float:
        eps = np.atleast_1d(self.eps)
        return float(in_base(float(np.sum(eps / 2 - np.log(eps))), base))

    truth = mutual_information


# ---------------------------------------------------------------------- independent pairs

_LAWS = {
    "normal": lambda rng, shape, df: rng.standard_normal(shape),
    "uniform": lambda rng, shape, df: rng.random(shape),
    "exponential": lambda rng, shape, df: rng.standard_exponential(shape),
    "student-t": lambda rng, shape, df: rng.standard_t(df, shape),
}


@dataclass(eq=False)
class IndependentCoordinates:
    """X and Y independent, each made of independent coordinates of one law: a null task,
    ``I(X; Y) = 0`` exactly.

    ``law_x``, ``law_y``: ``"normal"``, ``"uniform"`` (on (0, 1)), ``"exponential"`` (mean 1)
    or ``"student-t"`` (``df`` degrees of freedom), times ``scale_x`` / ``scale_y`` (a scalar
    or one per coordinate). Samples: ``(x, y)``, ``(n,)`` for one coordinate, else ``(n, d)``;
    X is drawn before Y from the one generator.
    """

    law_x: str
    dim_x: int
    law_y: str
    dim_y: int
    df: float = 2.0
    scale_x: np.ndarray = 1.0
    scale_y: np.ndarray = 1.0
    quantity = "mutual_information"

    def __post_init__(self):
        for law, name in ((self.law_x, "law_x"), (self.law_y, "law_y")):
            if law not in _LAWS:
                raise ValueError(f"{name} must be one of {sorted(_LAWS)}; got {law!r}")
        self.dim_x, self.dim_y = (
            _positive_int(self.dim_x, "dim_x"),
            _positive_int(self.dim_y, "dim_y"),
        )
        self.df = float(float_array(self.df, "df"))
        if not self.df > 0:
            raise ValueError(f"df must be > 0; got {self.df}")
        for attribute, dim in (("scale_x", self.dim_x), ("scale_y", self.dim_y)):
            scale = float_array(getattr(self, attribute), attribute)
            if scale.ndim > 1 or scale.size not in {1, dim} or np.any(scale <= 0):
                raise ValueError(
                    f"{attribute} must be positive, a scalar or one per coordinate ({dim}); "
                    f"got {scale}"
                )
            setattr(self, attribute, scale)

    def sample(self, n: int, random_state=None) -> tuple[np.ndarray, np.ndarray]:
        rng = as_generator(random_state)
        n = check_sample_size(n)
        x = _LAWS[self.law_x](rng, (n, self.dim_x), self.df) * self.scale_x
        y = _LAWS[self.law_y](rng, (n, self.dim_y), self.df) * self.scale_y
        return _squeeze(x), _squeeze(y)

    def mutual_information(self, base: float = math.e) -> float:
        in_base(0.0, base)  # checks base
        return 0.0

    truth = mutual_information
