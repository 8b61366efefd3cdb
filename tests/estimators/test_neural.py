"""Tests for ``estimators.neural``: the variational bounds, accuracy, protocol, robustness.

1. The bounds are pure functions of a K x K score matrix ``S[i, j] = f(x_i, y_j)`` (diagonal:
   joint pairs). They are checked against values written out here with ``math`` (not by
   calling the module), against their known inequalities (InfoNCE <= log K, NWJ <= DV), and
   for log-space evaluation (scores of magnitude 1000 give finite values).
2. Accuracy against closed forms (``exact.distributions``), n = 5,000, default settings and a
   fixed ``random_state``. Each fit costs ~2-7 s on one CPU thread, so the default run holds
   one or two fits per claim and the rest is marked ``slow`` (``pytest -m slow``).
3. The training protocol: the reported value is the test-part bound of the best-validation
   weights, reproducible, with diagnostics that make sense.
4. Robustness: tiny samples, constant columns, NaN data, a critic that turns NaN, bad settings.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

import estimators
from exact.distributions import JointNormal

torch = pytest.importorskip("torch")

from estimators import neural  # noqa: E402  (needs torch only when a critic is trained)

N = 5_000
MI_BOUNDS = ("infonce", "nwj", "mine", "smile")


# --- 1. the bounds, by hand -------------------------------------------------------------------
# Independent implementations: plain Python loops over lists, exp then log (fine for the small
# scores used here), straight from the formulas in the module docstring.


def _diag_off(s):
    k = len(s)
    return [s[i][i] for i in range(k)], [s[i][j] for i in range(k) for j in range(k) if i != j]


def _mean(values):
    return sum(values) / len(values)


def hand_dv(s):
    pos, neg = _diag_off(s)
    return _mean(pos) - math.log(_mean([math.exp(v) for v in neg]))


def hand_nwj(s):
    pos, neg = _diag_off(s)
    return _mean(pos) - _mean([math.exp(v - 1) for v in neg])


def hand_smile(s, tau):
    pos, neg = _diag_off(s)
    return _mean(pos) - math.log(_mean([math.exp(min(max(v, -tau), tau)) for v in neg]))


def hand_infonce(s):
    k = len(s)
    rows = [s[i][i] - math.log(sum(math.exp(v) for v in s[i])) for i in range(k)]
    return _mean(rows) + math.log(k)


def hand_js_objective(s):
    pos, neg = _diag_off(s)
    softplus = lambda t: math.log1p(math.exp(t))  # noqa: E731
    return -_mean([softplus(-v) for v in pos]) - _mean([softplus(v) for v in neg])


def hand_js_nwj(s):
    # NWJ at f = 1 + T: 1 + mean(diag T) - mean_{i != j} e^(T_ij)
    pos, neg = _diag_off(s)
    return 1 + _mean(pos) - _mean([math.exp(v) for v in neg])


S3 = [[2.0, 0.5, -1.0], [0.0, 1.5, 0.3], [-0.7, 1.2, 3.0]]
S4 = [
    [1.0, -0.5, 0.2, 0.0],
    [0.3, 2.5, -1.2, 0.8],
    [-2.0, 0.4, 0.7, 1.1],
    [0.6, -0.3, 0.9, -0.4],
]


def _t(s, dtype=torch.float64):
    return torch.tensor(s, dtype=dtype)


@pytest.mark.parametrize("s", [S3, S4], ids=["3x3", "4x4"])
@pytest.mark.parametrize(
    ("bound", "hand"),
    [
        (neural.dv_bound, hand_dv),
        (neural.nwj_bound, hand_nwj),
        (neural.infonce_bound, hand_infonce),
        (neural.js_nwj_bound, hand_js_nwj),
        (neural.js_objective, hand_js_objective),
        (neural.smile_bound, lambda s: hand_smile(s, 5.0)),
        (lambda s: neural.smile_bound(s, tau=0.5), lambda s: hand_smile(s, 0.5)),
    ],
    ids=["dv", "nwj", "infonce", "js_nwj", "js_objective", "smile", "smile-tau0.5"],
)
def test_bound_equals_hand_computation(s, bound, hand):
    assert float(bound(_t(s))) == pytest.approx(hand(s), abs=1e-12)
    assert float(bound(_t(s, torch.float32))) == pytest.approx(hand(s), abs=1e-5)


def test_bounds_closed_form_for_constant_off_diagonal():
    # diagonal a_i, every off-diagonal score c: the formulas reduce to closed forms
    a, c = [1.0, 2.0, 3.0, -1.0], 0.5
    k = len(a)
    s = [[a[i] if i == j else c for j in range(k)] for i in range(k)]
    mean_a = sum(a) / k  # 1.25
    assert float(neural.dv_bound(_t(s))) == pytest.approx(mean_a - c)  # 0.75
    assert float(neural.nwj_bound(_t(s))) == pytest.approx(mean_a - math.exp(c - 1))
    infonce = sum(ai - math.log(math.exp(ai) + (k - 1) * math.exp(c)) for ai in a) / k
    assert float(neural.infonce_bound(_t(s))) == pytest.approx(infonce + math.log(k))
    # with a huge margin every row's softmax puts ~all mass on the diagonal: InfoNCE -> log K
    big = [[100.0 if i == j else 0.0 for j in range(k)] for i in range(k)]
    assert float(neural.infonce_bound(_t(big))) == pytest.approx(math.log(k), abs=1e-12)


score_matrices = st.integers(2, 8).flatmap(
    lambda k: st.lists(
        st.lists(st.floats(-30, 30, allow_nan=False), min_size=k, max_size=k),
        min_size=k,
        max_size=k,
    )
)


@settings(max_examples=200, deadline=None)
@given(score_matrices)
def test_infonce_at_most_log_k(s):
    assert float(neural.infonce_bound(_t(s))) <= math.log(len(s)) + 1e-12


@settings(max_examples=200, deadline=None)
@given(score_matrices)
def test_nwj_at_most_dv(s):
    # NWJ = m - e^(L - 1), DV = m - L with L = log mean e^(off-diagonal), and e^(t - 1) >= t
    scores = _t(s)
    assert float(neural.nwj_bound(scores)) <= float(neural.dv_bound(scores)) + 1e-9


@pytest.mark.parametrize("seed", range(5))
def test_inequalities_on_random_float32_matrices(seed):
    generator = torch.Generator().manual_seed(seed)
    for k in (2, 16, 128):
        scores = 3 * torch.randn(k, k, generator=generator)
        assert float(neural.infonce_bound(scores)) <= math.log(k) + 1e-5
        assert float(neural.nwj_bound(scores)) <= float(neural.dv_bound(scores)) + 1e-5


@pytest.mark.parametrize("s", [S3, S4], ids=["3x3", "4x4"])
def test_js_nwj_is_nwj_shifted_by_one(s):
    scores = _t(s)
    assert float(neural.js_nwj_bound(scores)) == pytest.approx(float(neural.nwj_bound(scores + 1)))


def test_smile_equals_dv_unless_clipped():
    generator = torch.Generator().manual_seed(0)
    inside = 4.9 * (2 * torch.rand(6, 6, generator=generator, dtype=torch.float64) - 1)
    assert float(inside.abs().max()) < 5
    assert float(neural.smile_bound(inside)) == pytest.approx(float(neural.dv_bound(inside)))
    # off-diagonal scores beyond tau are clipped in the partition term only
    outside = [[9.0, 8.0, -7.0], [0.0, 1.0, 6.0], [-0.5, 0.2, 2.0]]
    smile = float(neural.smile_bound(_t(outside)))
    assert smile == pytest.approx(hand_smile(outside, 5.0))
    assert smile != pytest.approx(float(neural.dv_bound(_t(outside))), abs=1e-3)
    assert smile > float(neural.dv_bound(_t(outside)))  # clipping 8 and 6 to 5 lowers the log term
    # the diagonal (joint pairs) is not clipped: 9 counts as 9
    assert smile == pytest.approx(
        (9 + 1 + 2) / 3
        - math.log(
            (math.exp(5) + math.exp(-5) + 1 + math.exp(5) + math.exp(-0.5) + math.exp(0.2)) / 6
        )
    )


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_bounds_are_log_space_for_huge_scores(dtype):
    # diagonal 1000; off-diagonal three +1000 and three -1000. exp(1000) overflows even float64,
    # so any exp-then-log evaluation would give inf or NaN here.
    s = [[1000.0, 1000.0, -1000.0], [-1000.0, 1000.0, 1000.0], [1000.0, -1000.0, 1000.0]]
    scores = _t(s, dtype)
    assert math.isinf(math.exp(700) * math.exp(700))  # the naive route really overflows
    # DV: 1000 - log((3 e^1000 + 3 e^-1000) / 6) = log 2 (to e^-2000)
    assert float(neural.dv_bound(scores)) == pytest.approx(math.log(2), abs=1e-3)
    # InfoNCE: every row holds two +1000: 1000 - (1000 + log 2), plus log 3
    assert float(neural.infonce_bound(scores)) == pytest.approx(math.log(1.5), abs=1e-3)
    # SMILE (tau = 5): 1000 - log((3 e^5 + 3 e^-5) / 6)
    smile = 1000 - 5 - math.log((1 + math.exp(-10)) / 2)
    assert float(neural.smile_bound(scores)) == pytest.approx(smile, abs=1e-3)
    # JS objective: softplus(-1000) ~ 0 on the diagonal; off-diagonal mean of softplus = 500
    assert float(neural.js_objective(scores)) == pytest.approx(-500.0, abs=1e-3)
    # NWJ with large diagonal and very negative off-diagonal: 1000 - e^-1001
    low = _t([[1000.0 if i == j else -1000.0 for j in range(4)] for i in range(4)], dtype)
    assert float(neural.nwj_bound(low)) == pytest.approx(1000.0)
    assert float(neural.js_nwj_bound(low)) == pytest.approx(1001.0)
    # negated: diagonal -1000, off-diagonal mean of e^S = e^1000 / 2: -1000 - (1000 - log 2)
    assert float(neural.dv_bound(-scores)) == pytest.approx(-2000 + math.log(2), abs=1e-3)
    assert math.isfinite(float(neural.infonce_bound(-scores)))
    # NWJ's value itself is -e^(~999) when off-diagonal scores are +1000: not representable,
    # so -inf is the correct limit -- but never NaN
    assert float(neural.nwj_bound(scores)) == -math.inf


def test_bounds_are_differentiable():
    scores = _t(S4).requires_grad_(True)
    for bound in (neural.dv_bound, neural.nwj_bound, neural.infonce_bound, neural.js_objective):
        (grad,) = torch.autograd.grad(bound(scores), scores)
        assert torch.isfinite(grad).all()
        assert grad.abs().sum() > 0


# --- 2. accuracy against closed forms ----------------------------------------------------------
# Default settings throughout; warnings such as "still rising" are allowed (not errors).

RHO_08_MI = -0.5 * math.log(1 - 0.64)  # 0.5108 nats


@pytest.mark.parametrize("bound", MI_BOUNDS)
def test_mi_1d_gaussian_rho_08(bound):
    # measured (random_state 0, data seed 0): infonce 0.4975, nwj 0.5003, mine 0.4993,
    # smile 0.4980; over seeds 0-2 the errors were -0.04 .. +0.016
    task = JointNormal.correlated(1, 1, RHO_08_MI)
    assert task.truth() == pytest.approx(0.5108, abs=1e-4)
    x, y = task.sample(N, 0)
    value = estimators.mutual_information(x, y, method=bound, random_state=0)
    assert value == pytest.approx(task.truth(), abs=0.08)


def _mean_5d_estimate(bound, **settings):
    task = JointNormal.correlated(5, 5, 1.0)
    values = []
    for seed in (0, 1):
        x, y = task.sample(N, seed)
        values.append(
            estimators.mutual_information(x, y, method=bound, random_state=seed, **settings)
        )
    return float(np.mean(values)), values


@pytest.mark.parametrize("bound", ["infonce", "nwj", "mine"])
def test_mi_5d_gaussian_one_nat(bound):
    # 5+5-D, I = 1 nat. The mean over two data seeds must lie within 0.15 nats, the issue's
    # bar. The margin it leaves:
    # - the data's own Gaussian plug-in MI differs from 1 by up to ~0.04 at n = 5,000 (seed 0:
    #   0.963), so even a perfect critic sees a sample that carries less than 1 nat;
    # - separable critics trained on 2,500 rows (held_out = 0.5) underestimate by 0.05-0.12
    #   (measured: infonce 0.879/0.940, nwj 0.859/0.926, mine 0.869/0.914 for seeds 0/1).
    mean, values = _mean_5d_estimate(bound)
    assert mean == pytest.approx(1.0, abs=0.15), values


@pytest.mark.slow
def test_smile_5d_gaussian_one_nat_with_a_joint_critic():
    # SMILE's JS-trained separable critic falls short here (measured mean 0.837 over seeds
    # 0/1, -0.16); with a joint critic (K^2 passes per step, ~50 s a fit on 2 CPU cores) it
    # meets the 0.15 bar: measured 0.863/0.946.
    mean, values = _mean_5d_estimate("smile", critic="joint")
    assert mean == pytest.approx(1.0, abs=0.15), values


@pytest.mark.parametrize(
    "bound",
    [
        "infonce",
        "nwj",
        pytest.param("mine", marks=pytest.mark.slow),
        pytest.param("smile", marks=pytest.mark.slow),
    ],
)
def test_mi_independent_is_near_zero(bound):
    # measured: infonce -0.013, nwj -0.009, mine -0.013, smile -0.014
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal(N), rng.standard_normal(N)
    value = estimators.mutual_information(x, y, method=bound, random_state=0)
    assert value == pytest.approx(0.0, abs=0.05)


@pytest.mark.parametrize("bound", neural.KL_BOUNDS)
def test_kl_unit_shift(bound):
    # D(N(0,1) || N(1,1)) = 1/2; measured: dv 0.518, nwj 0.511
    rng = np.random.default_rng(4)
    p, q = rng.standard_normal(N), rng.standard_normal(N) + 1
    value = estimators.kl_divergence(p, q, method=bound, random_state=0)
    assert value == pytest.approx(0.5, abs=0.08)


def _mixture_entropy_truth() -> float:
    """H of 0.5 N((-2, 0), I) + 0.5 N((2, 0), I): the coordinates are independent, so it is the
    1-D mixture's entropy (quadrature) plus that of N(0, 1)."""

    def density(t):
        return 0.5 * stats.norm.pdf(t, -2) + 0.5 * stats.norm.pdf(t, 2)

    h1, error = integrate.quad(lambda t: -density(t) * math.log(density(t)), -20, 20, limit=200)
    assert error < 1e-6
    return h1 + 0.5 * math.log(2 * math.pi * math.e)


def test_mixture_entropy_truth_by_monte_carlo():
    # the quadrature (3.4706) agrees with a Monte Carlo mean of -log p over 10^6 draws
    rng = np.random.default_rng(0)
    m = 1_000_000
    points = rng.standard_normal((m, 2))
    points[:, 0] += rng.choice([-2.0, 2.0], m)
    log_p = (
        np.logaddexp(stats.norm.logpdf(points[:, 0], -2), stats.norm.logpdf(points[:, 0], 2))
        + math.log(0.5)
        + stats.norm.logpdf(points[:, 1])
    )
    standard_error = log_p.std() / math.sqrt(m)  # ~0.0013
    assert _mixture_entropy_truth() == pytest.approx(3.4706, abs=1e-4)
    assert -log_p.mean() == pytest.approx(_mixture_entropy_truth(), abs=4 * standard_error)


@pytest.mark.parametrize("bound", neural.KL_BOUNDS)
def test_entropy_uniform_square(bound):
    # H(U[0,1]^2) = 0. Measured here: dv 0.058 (with a "still rising" warning), nwj 0.050;
    # the issue measured 0.08 / 0.07: the estimate sits high (the KL to the moment-matched
    # Gaussian is underestimated), within ~0.05 of the 0.1 tolerance
    rng = np.random.default_rng(5)
    value = estimators.entropy(rng.uniform(size=(N, 2)), method=bound, random_state=0)
    assert value == pytest.approx(0.0, abs=0.1)


@pytest.mark.parametrize("bound", neural.KL_BOUNDS)
def test_entropy_gaussian_mixture(bound):
    # truth 3.4706 (quadrature); measured: dv 3.520, nwj 3.524 (estimates sit ~0.05 high)
    rng = np.random.default_rng(5)
    x = rng.standard_normal((N, 2))
    x[:, 0] += rng.choice([-2.0, 2.0], N)
    value = estimators.entropy(x, method=bound, random_state=0)
    assert value == pytest.approx(_mixture_entropy_truth(), abs=0.1)


@pytest.mark.slow
def test_joint_critic_1d():
    # a joint critic MLP([x, y]) on the rho = 0.8 task; K^2 network passes per step.
    # Measured: 0.497 (early stopping at step 1,700; ~135 s on one CPU thread)
    task = JointNormal.correlated(1, 1, RHO_08_MI)
    x, y = task.sample(N, 0)
    model = neural.NeuralMI("infonce", critic="joint", random_state=0).fit(x, y)
    assert model.value_ == pytest.approx(task.truth(), abs=0.08)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("bound", MI_BOUNDS)
def test_mi_1d_gaussian_more_seeds(bound, seed):
    # measured errors: seed 1 -0.040/-0.041/-0.039/-0.042, seed 2 +0.015/+0.013/+0.014/+0.011
    # (infonce/nwj/mine/smile)
    task = JointNormal.correlated(1, 1, RHO_08_MI)
    x, y = task.sample(N, seed)
    value = estimators.mutual_information(x, y, method=bound, random_state=seed)
    assert value == pytest.approx(task.truth(), abs=0.08)


# --- 3. the protocol ----------------------------------------------------------------------------

SMALL = 2_000
QUICK = {"max_steps": 300, "random_state": 1, "device": "cpu"}  # CPU: bit-reproducible
# short runs end with the validation bound still rising: that warning is expected there
still_rising_expected = pytest.mark.filterwarnings("ignore:the validation bound was still rising")


@pytest.fixture(scope="module")
def data():
    return JointNormal.correlated(1, 1, RHO_08_MI).sample(SMALL, 7)


@pytest.fixture(scope="module")
def fitted(data):
    return neural.NeuralMI("infonce", **QUICK).fit(*data)


def _split_rows(n, held_out, random_state):
    """The train / validation / test rows the protocol draws (module docstring): a permutation
    from ``random_state``, the held-out fraction at the end, halved into validation and test."""
    order = np.random.default_rng(random_state).permutation(n)
    n_held = max(4, round(n * held_out))
    n_train = n - n_held
    return order[:n_train], order[n_train : n_train + n_held // 2], order[n_train + n_held // 2 :]


def test_same_random_state_same_value(data, fitted):
    again = neural.NeuralMI("infonce", **QUICK).fit(*data)
    assert again.value_ == fitted.value_
    assert again.diagnostics_.curve == fitted.diagnostics_.curve
    other = neural.NeuralMI("infonce", **{**QUICK, "random_state": 2}).fit(*data)
    assert other.value_ != fitted.value_


def test_functional_api_matches_class(data, fitted):
    value = estimators.mutual_information(*data, method="infonce", **QUICK)
    assert value == fitted.value_
    assert neural.mutual_information(*data, bound="infonce", **QUICK) == fitted.value_
    assert estimators.mutual_information(*data, method="infonce", base=2, **QUICK) == pytest.approx(
        fitted.value_ / math.log(2)
    )


def test_value_is_the_test_part_bound_of_the_best_weights(data, fitted):
    x, y = data
    _, validation, test = _split_rows(SMALL, 0.5, QUICK["random_state"])
    # the reported value: the fitted critic scored on the test rows ...
    # the same bound on the same rows, summed in float32 in other blocks and thread orders:
    # ~1e-6 relative on O(1) log-mean-exp terms (pairwise summation of ~10^6 float32
    # values), so agreement to 1e-5 nats (1e-6 failed one run in about five)
    assert fitted.value_ == pytest.approx(fitted.estimate(x[test], y[test]), abs=1e-5)
    # ... with the best-validation weights loaded: the validation bound now is the curve's best
    curve = dict(fitted.diagnostics_.curve)
    best = fitted.diagnostics_.best_step
    assert curve[best] == max(curve.values())
    assert fitted.estimate(x[validation], y[validation]) == pytest.approx(curve[best], abs=1e-5)
    # ... and not the maximum of the (noisy) validation curve, nor a training-batch value
    assert fitted.value_ not in curve.values()
    assert fitted.value_ != pytest.approx(max(curve.values()), abs=1e-4)


def test_estimate_on_fresh_samples(fitted):
    # measured: 0.478 on fresh draws (truth 0.511, the fit's test value 0.520)
    x_new, y_new = JointNormal.correlated(1, 1, RHO_08_MI).sample(SMALL, 8)
    value = fitted.estimate(x_new, y_new)
    assert math.isfinite(value)
    assert value == pytest.approx(RHO_08_MI, abs=0.1)
    # shuffled pairs: the product of the marginals, so about 0 (InfoNCE can go below 0)
    shuffled = fitted.estimate(x_new, np.random.default_rng(0).permutation(y_new))
    assert shuffled < 0.05


def test_diagnostics_make_sense(fitted):
    d = fitted.diagnostics_
    assert isinstance(d, neural.Diagnostics)
    steps = [step for step, _ in d.curve]
    assert steps[0] == 0
    assert steps == list(range(0, d.steps + 1, 25))  # eval_every = 25
    assert d.best_step in steps
    assert 0 < d.best_step <= d.steps <= 300
    assert d.stopped in {"early stopping", "max_steps", "nan"}
    assert d.stopped == "max_steps" and d.steps == 300  # patience 20 > 12 evaluations
    assert not d.nan_seen
    assert d.device == "cpu"
    assert all(math.isfinite(value) for _, value in d.curve)


def test_early_stopping(data):
    model = neural.NeuralMI("nwj", patience=1, device="cpu", random_state=0).fit(*data)
    d = model.diagnostics_
    assert d.stopped == "early stopping"
    assert d.steps < 2000
    assert d.steps == d.curve[-1][0]
    # patience 1: the last evaluation is the first one that did not beat the best
    assert d.curve[-1][1] <= dict(d.curve)[d.best_step]


@still_rising_expected
@pytest.mark.parametrize(("eval_block", "cap_rows"), [(128, 125), (512, 500)])
def test_infonce_cap_is_log_of_the_block(data, eval_block, cap_rows):
    # n = 2,000: the test part has 500 rows, split into ceil(500 / eval_block) nearly equal
    # blocks (every row is used): 4 blocks of 125, or one of 500
    model = neural.NeuralMI(
        "infonce", eval_block=eval_block, max_steps=50, device="cpu", random_state=0
    )
    model.fit(*data)
    assert model.diagnostics_.cap == pytest.approx(math.log(cap_rows))
    assert model.value_ <= model.diagnostics_.cap
    assert all(value <= model.diagnostics_.cap for _, value in model.diagnostics_.curve)


@still_rising_expected
@pytest.mark.parametrize("bound", neural.BOUNDS)
def test_loss_is_differentiable(data, bound):
    model = neural.NeuralMI(bound, max_steps=25, device="cpu", random_state=0).fit(*data)
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(64, 1, generator=generator, requires_grad=True)
    y = (0.8 * x + 0.6 * torch.randn(64, 1, generator=generator)).detach()
    loss = model.loss(x, y)
    assert loss.ndim == 0 and torch.isfinite(loss)
    loss.backward()
    grads = [p.grad for p in model.critic_.parameters()]
    assert all(g is not None and torch.isfinite(g).all() for g in grads)
    assert any(g.abs().sum() > 0 for g in grads)
    assert x.grad is not None and torch.isfinite(x.grad).all() and x.grad.abs().sum() > 0


class Bilinear(torch.nn.Module):
    """A user critic ``f(x, y) = x^T W y`` (W starts at 0); it records torch's thread count."""

    def __init__(self, dim_x, dim_y):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(dim_x, dim_y))
        self.threads = set()

    def forward(self, x, y):
        self.threads.add(torch.get_num_threads())
        return x @ self.w @ y.T


def test_user_critic_module(data):
    critic = Bilinear(1, 1)
    model = neural.NeuralMI(
        "infonce", critic=critic, learning_rate=0.01, max_steps=300, device="cpu", random_state=0
    ).fit(*data)
    assert model.critic_ is critic
    assert float(critic.w.detach()) > 0  # positively correlated data
    # a bilinear critic captures part of the dependence (the Gaussian's optimal critic also
    # holds a y^2 term): measured 0.339, truth 0.511
    assert 0.25 < model.value_ < RHO_08_MI + 0.08


@still_rising_expected
def test_num_threads_auto_is_one_during_fit_and_restored(data):
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(3)
        critic = Bilinear(1, 1)
        neural.NeuralMI("nwj", critic=critic, max_steps=25, device="cpu", random_state=0).fit(*data)
        assert critic.threads == {1}
        assert torch.get_num_threads() == 3
        critic = Bilinear(1, 1)
        neural.NeuralMI(
            "nwj", critic=critic, max_steps=25, num_threads=2, device="cpu", random_state=0
        ).fit(*data)
        assert critic.threads == {2}
        assert torch.get_num_threads() == 3
    finally:
        torch.set_num_threads(before)


@still_rising_expected
def test_device_cpu(data):
    model = neural.NeuralMI("infonce", device="cpu", max_steps=25, random_state=0).fit(*data)
    assert model.diagnostics_.device == "cpu"
    assert all(p.device.type == "cpu" for p in model.critic_.parameters())
    assert math.isfinite(model.value_)


@still_rising_expected
@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("bound", neural.BOUNDS)
def test_device_cuda(data, bound):
    model = neural.NeuralMI(bound, device="cuda", max_steps=200, random_state=0).fit(*data)
    assert model.diagnostics_.device.startswith("cuda")
    assert all(p.device.type == "cuda" for p in model.critic_.parameters())
    assert math.isfinite(model.value_)
    assert math.isfinite(model.estimate(*data))
    x = torch.randn(32, 1, device="cuda", requires_grad=True)
    model.loss(x, x.detach()).backward()
    assert torch.isfinite(x.grad).all()
    if bound in neural.KL_BOUNDS:
        kl = neural.kl_divergence(data[0], data[0] + 1, bound=bound, device="cuda", random_state=0)
        assert math.isfinite(kl)


# --- 4. robustness ------------------------------------------------------------------------------


def test_fewer_rows_than_the_batch():
    x, y = JointNormal.correlated(1, 1, RHO_08_MI).sample(60, 0)
    value = estimators.mutual_information(x, y, method="infonce", random_state=0)
    assert math.isfinite(value)  # measured 0.647
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "still rising" is expected on 15-row validation
        kl = estimators.kl_divergence(x, y + 1, method="nwj", max_steps=200, random_state=0)
        h = estimators.entropy(np.column_stack((x, y)), method="dv", max_steps=200, random_state=0)
    assert math.isfinite(kl) and math.isfinite(h)


def test_constant_column_carries_no_information():
    rng = np.random.default_rng(0)
    constant = np.full(SMALL, 3.0)
    value = estimators.mutual_information(
        constant, rng.standard_normal(SMALL), method="infonce", random_state=0
    )
    assert math.isfinite(value)
    assert value == pytest.approx(0.0, abs=0.05)  # measured 5e-7


def test_constant_column_entropy_raises():
    rng = np.random.default_rng(0)
    x = np.column_stack((rng.standard_normal(100), np.ones(100)))
    for method in neural.KL_BOUNDS:
        with pytest.raises(ValueError, match=r"x has a constant column \(1\): .* -inf"):
            estimators.entropy(x, method=method, random_state=0)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_in_data_raises(bad):
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal(100), rng.standard_normal(100)
    x[17] = bad
    with pytest.raises(ValueError, match="NaN"):
        estimators.mutual_information(x, y, method="infonce")
    with pytest.raises(ValueError, match="NaN"):
        estimators.mutual_information(y, x, method="nwj")
    with pytest.raises(ValueError, match="NaN"):
        estimators.kl_divergence(x, y, method="dv")
    with pytest.raises(ValueError, match="NaN"):
        estimators.entropy(x, method="dv")


class TurnsNaN(torch.nn.Module):
    """A separable linear critic whose output turns NaN after ``after`` training calls (calls
    with gradients on), like weights that blew up. The NaN lives in a buffer, so the saved best
    weights (taken before it) are clean; evaluation calls run without gradients."""

    def __init__(self, after):
        super().__init__()
        self.g, self.h = torch.nn.Linear(1, 8), torch.nn.Linear(1, 8)
        self.register_buffer("poison", torch.ones(()))
        self.after, self.training_calls = after, 0

    def forward(self, x, y):
        if torch.is_grad_enabled():
            self.training_calls += 1
            if self.training_calls > self.after:
                self.poison.fill_(math.nan)
        return (self.g(x) @ self.h(y).T) * self.poison


@pytest.mark.parametrize("bound", neural.BOUNDS)
def test_critic_turning_nan_stops_training(data, bound):
    with pytest.warns(UserWarning, match="NaN"):
        model = neural.NeuralMI(bound, critic=TurnsNaN(after=60), random_state=0).fit(*data)
    d = model.diagnostics_
    assert d.nan_seen and d.stopped == "nan"
    assert d.steps == 60  # the NaN loss of step 61 is never stepped on
    assert d.best_step in (0, 25, 50)
    assert math.isfinite(model.value_)
    _, _, test = _split_rows(SMALL, 0.5, 0)
    # float32 sums in other orders: agreement to 1e-5 nats (see the test above)
    assert model.value_ == pytest.approx(model.estimate(data[0][test], data[1][test]), abs=1e-5)
    if d.constant_critic:
        # the critic's initial weights are torch's unseeded draws: in some runs no weights
        # before the NaN beat the constant critic on validation, which is then reported (0)
        assert max(value for _, value in d.curve) < 0
        assert model.value_ == 0.0
    else:
        assert torch.isfinite(model.critic_.poison)  # best weights from before the NaN


def test_critic_nan_from_the_start(data):
    # no finite weights to fall back on: a clear error, never a NaN estimate
    class AlwaysNaN(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.g = torch.nn.Linear(1, 4)

        def forward(self, x, y):
            return (self.g(x) @ self.g(y).T) * math.nan

    with pytest.raises(ValueError, match="before any training"):
        neural.NeuralMI("infonce", critic=AlwaysNaN(), random_state=0).fit(*data)


@pytest.mark.parametrize(
    "settings_",
    [
        {"bound": "foo"},
        {"batch_size": 0},
        {"batch_size": 2.5},
        {"held_out": 1.5},
        {"held_out": 0},
        {"max_steps": -1},
        {"learning_rate": 0},
        {"mine_rate": 1},
        {"tau": -1},
    ],
)
def test_bad_settings_raise(settings_):
    with pytest.raises(ValueError, match=next(iter(settings_))):
        neural.NeuralMI(**settings_)


def test_bad_settings_raise_through_the_api():
    x, y = JointNormal.correlated(1, 1, RHO_08_MI).sample(100, 0)
    with pytest.raises(ValueError, match="device"):
        estimators.mutual_information(x, y, method="infonce", device="tpu")
    with pytest.raises(ValueError, match="device"):
        estimators.kl_divergence(x, y, method="dv", device="tpu")
    with pytest.raises(ValueError, match="held_out"):
        estimators.mutual_information(x, y, method="nwj", held_out=1.5)
    with pytest.raises(ValueError, match="batch_size"):
        estimators.entropy(x, method="dv", batch_size=0)
    with pytest.raises(ValueError, match=r"bound|method|foo"):
        neural.mutual_information(x, y, bound="foo")
    with pytest.raises(ValueError, match="critic"):
        neural.NeuralMI("infonce", critic="quadratic").fit(x, y)
    with pytest.raises(TypeError, match="option"):
        estimators.mutual_information(x, y, method="infonce", batchsize=10)


def test_bad_device_is_refused_when_the_estimator_is_made():
    with pytest.raises(ValueError, match="device must be"):
        neural.NeuralMI("infonce", device="tpu")
