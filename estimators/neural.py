"""Neural variational bounds: MINE, InfoNCE, NWJ, DV, SMILE and JS-trained critics (PyTorch).

A *critic* scores pairs: ``S[i, j] = f(x_i, y_j)``; the diagonal holds draws of the joint
distribution, the off-diagonal pairs draws of the product of the marginals. Each bound is a
pure function of such scores, in nats, computed in log space (``logsumexp``, never exp then
log):

- Donsker–Varadhan (``"dv"``): ``E_P[f] - log E_Q[e^f]`` (Donsker & Varadhan 1983);
- MINE (``"mine"``): DV trained with the moving-average gradient correction of Belghazi et
  al. (2018); ``mine_rate`` is the weight of the newest batch in the moving average of
  ``E_Q[e^f]``: ``ema <- (1 - rate) ema + rate * batch`` (default 0.01);
- NWJ (``"nwj"``): ``E_P[f] - E_Q[e^(f - 1)]`` (Nguyen, Wainwright & Jordan 2010);
- InfoNCE (``"infonce"``): ``mean_i [S_ii - log sum_j e^(S_ij)] + log K`` (van den Oord et al.
  2018), at most ``log K`` for K candidates: the cap is reported with the value;
- JS (``"js"``): a critic ``T`` trained on the Jensen–Shannon objective
  ``E_P[-softplus(-T)] - E_Q[softplus(T)]``, evaluated with NWJ at ``f = 1 + T`` (Poole et
  al. 2019), i.e. ``1 + E_P[T] - E_Q[e^T]``;
- SMILE (``"smile"``): JS-trained, evaluated with DV whose partition term uses scores clipped
  to ``[-tau, tau]`` (Song & Ermon 2020; ``tau=5``).

KL divergence uses the same bounds with a one-input critic ``T(x)`` scored on samples of p
(positives) and q (negatives); entropy is ``H(X) = H(N(m, S)) - D(p || N(m, S))`` with the KL
estimated by ``"dv"`` or ``"nwj"`` against draws of the moment-matched Gaussian.

The training protocol gives one trustworthy number: inputs standardised on the training part;
the data split into training (``1 - held_out``), validation and test parts (the held-out half
split in two); the bound on the validation part is evaluated every ``eval_every`` steps with
linear memory (score blocks of ``eval_block`` rows); training stops early when it has not
improved for ``patience`` evaluations; the reported value is the bound on the *test* part with
the best weights — never a training value, and not the maximum over noisy validation values.
A NaN loss stops training (the diagnostics say so) and the best weights so far are used.

The protocol never reports a value below its starting point, the constant critic: every
bound is exactly 0 at a constant critic (DV, MINE, InfoNCE, SMILE: any constant; NWJ:
``f = 1``; JS: ``T = 0``), the value a critic that has learned nothing gives on any data.
The constant critic is a candidate of the validation selection: when no trained weights
(nor the random initial ones) beat 0 on the validation part — training found no
dependence, or diverged (``nwj`` with a linear critic once reported -2,475 nats from
blown-up weights) — the constant critic is kept, the reported value is 0, ``critic_`` is
that constant, ``Diagnostics.constant_critic`` is set, and a warning says why. A value
that beats 0 on validation is reported on the test part as it comes, negative or not.

Inputs are standardised without overflow (each column divided by its largest magnitude,
an exact power of two, before its mean and standard deviation are taken), so the bounds are
the same for data from 1e-300 to 1e300.

Cost per step: a separable critic ``g(x)^T h(y)`` makes 2K network passes for K x K scores, a
joint critic (an MLP on ``[x, y]``) K^2 — about 30x more at K = 256. Memory: one batch, and
one ``eval_block``-square block at evaluation. Needs the ``neural`` extra (torch).
"""

from __future__ import annotations

import copy
import inspect
import math
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from numbers import Integral, Real

import numpy as np

from exact import gaussian as exact_gaussian
from exact._random import as_generator

from . import _api
from ._inputs import as_samples, check_flag, check_same_length, column_scales
from ._registry import register

__all__ = [
    "BOUNDS",
    "Diagnostics",
    "JointCritic",
    "NeuralMI",
    "SeparableCritic",
    "dv_bound",
    "entropy",
    "infonce_bound",
    "js_nwj_bound",
    "kl_divergence",
    "mutual_information",
    "nwj_bound",
    "smile_bound",
]

#: the MI bounds; "dv" and "nwj" also estimate KL divergence and entropy
BOUNDS = ("infonce", "nwj", "mine", "dv", "smile", "js")
KL_BOUNDS = ("dv", "nwj")


def _torch():
    try:
        import torch
    except ImportError as error:  # pragma: no cover - exercised only without torch
        raise ImportError(
            "the neural estimators need PyTorch: pip install 'infoest[neural]'"
        ) from error
    return torch


# --- bounds: pure functions of scores --------------------------------------------------------


def _log_mean_exp(scores):
    torch = _torch()
    return torch.logsumexp(scores.reshape(-1), 0) - math.log(scores.numel())


def _split_scores(scores):
    """Diagonal (joint draws) and off-diagonal (product of marginals) of a K x K matrix."""
    torch = _torch()
    k = scores.shape[0]
    off = ~torch.eye(k, dtype=torch.bool, device=scores.device)
    return scores.diagonal(), scores[off]


def _dv(positive, negative):
    return positive.mean() - _log_mean_exp(negative)


def _nwj(positive, negative):
    return positive.mean() - _log_mean_exp(negative - 1).exp()


def dv_bound(scores):
    """Donsker–Varadhan bound ``mean(diag S) - log mean_{i != j} e^(S_ij)`` (nats)."""
    return _dv(*_split_scores(scores))


def nwj_bound(scores):
    """NWJ bound ``mean(diag S) - mean_{i != j} e^(S_ij - 1)`` (nats); never above DV."""
    return _nwj(*_split_scores(scores))


def js_nwj_bound(scores):
    """NWJ at ``f = 1 + T`` for a JS-trained critic ``T``: ``1 + mean(diag T) - mean e^T``."""
    return nwj_bound(scores + 1)


def smile_bound(scores, tau: float = 5.0):
    """SMILE: ``mean(diag S) - log mean_{i != j} e^(clip(S_ij, -tau, tau))`` (nats)."""
    positive, negative = _split_scores(scores)
    return positive.mean() - _log_mean_exp(negative.clamp(-tau, tau))


def infonce_bound(scores):
    """InfoNCE ``mean_i [S_ii - logsumexp_j S_ij] + log K`` (nats); at most ``log K``."""
    torch = _torch()
    k = scores.shape[0]
    return (scores.diagonal() - torch.logsumexp(scores, dim=1)).mean() + math.log(k)


def js_objective(scores):
    """The Jensen–Shannon training objective ``E_P[-softplus(-T)] - E_Q[softplus(T)]``."""
    functional = _torch().nn.functional
    positive, negative = _split_scores(scores)
    return -functional.softplus(-positive).mean() - functional.softplus(negative).mean()


# --- critics ----------------------------------------------------------------------------------


def _mlp(torch, inputs: int, hidden: tuple[int, ...], outputs: int):
    layers, width = [], inputs
    for size in hidden:
        layers += [torch.nn.Linear(width, size), torch.nn.ReLU()]
        width = size
    layers.append(torch.nn.Linear(width, outputs))
    return torch.nn.Sequential(*layers)


def SeparableCritic(dim_x: int, dim_y: int, hidden=(64, 64), embedding: int = 32):
    """``f(x, y) = g(x)^T h(y)`` with two MLPs: K x K scores from 2K network passes."""
    torch = _torch()

    class _Separable(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.g = _mlp(torch, dim_x, tuple(hidden), embedding)
            self.h = _mlp(torch, dim_y, tuple(hidden), embedding)

        def forward(self, x, y):
            return self.g(x) @ self.h(y).T

    return _Separable()


def JointCritic(dim_x: int, dim_y: int, hidden=(64, 64)):
    """``f(x, y) = MLP([x, y])`` on every pair: K x K scores from K^2 network passes."""
    torch = _torch()

    class _Joint(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.f = _mlp(torch, dim_x + dim_y, tuple(hidden), 1)

        def forward(self, x, y):
            k = x.shape[0]
            pairs = torch.cat(
                (x.unsqueeze(1).expand(k, k, -1), y.unsqueeze(0).expand(k, k, -1)), dim=2
            )
            return self.f(pairs).squeeze(-1)

    return _Joint()


# --- the training protocol --------------------------------------------------------------------


@dataclass
class Diagnostics:
    """What training did: steps run, the validation curve, why it stopped."""

    steps: int = 0
    best_step: int = 0
    curve: list[tuple[int, float]] = field(default_factory=list)
    stopped: str = ""  # "early stopping", "max_steps" or "nan"
    nan_seen: bool = False
    still_rising: bool = False
    cap: float | None = None  # log K of InfoNCE's evaluation blocks
    device: str = "cpu"
    constant_critic: bool = False  # no weights beat the constant critic (bound 0) on validation


@dataclass
class _Settings:
    bound: str = "infonce"
    critic: object = "separable"
    hidden: tuple = (64, 64)
    batch_size: int = 256
    learning_rate: float = 5e-4
    max_steps: int = 2000
    eval_every: int = 25
    patience: int = 20
    held_out: float = 0.5
    eval_block: int = 512
    mine_rate: float = 0.01
    tau: float = 5.0
    device: object = "auto"
    num_threads: object = "auto"
    progress: bool = False
    random_state: object = None

    def check(self) -> None:
        if self.bound not in BOUNDS:
            raise ValueError(f"bound must be one of {BOUNDS}; got {self.bound!r}")
        for name in ("batch_size", "max_steps", "eval_every", "patience", "eval_block"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}")
        for name, low, high in (("held_out", 0, 1), ("mine_rate", 0, 1)):
            value = getattr(self, name)
            if not isinstance(value, Real) or not low < value < high:
                raise ValueError(f"{name} must be a number in ({low}, {high}); got {value!r}")
        if not isinstance(self.learning_rate, Real) or not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be > 0; got {self.learning_rate!r}")
        if not isinstance(self.tau, Real) or not self.tau > 0:
            raise ValueError(f"tau must be > 0; got {self.tau!r}")
        check_flag(self.progress, "progress")
        threads = self.num_threads
        if not (threads is None or threads == "auto") and (
            isinstance(threads, bool) or not isinstance(threads, Integral) or threads < 1
        ):
            raise ValueError(
                f"num_threads must be 'auto', None or a positive integer; got {threads!r}"
            )
        _device(_torch(), self.device)


def _device(torch, device):
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        return torch.device(device)
    except (RuntimeError, TypeError) as error:
        raise ValueError(
            f"device must be 'auto', 'cpu', 'cuda' or a torch.device; got {device!r}"
        ) from error


@contextmanager
def _thread_cap(torch, device, num_threads):
    """On the CPU, small networks run fastest on one thread (two threads made a 64-64 MLP
    18x slower per step here): ``"auto"`` sets 1 for the run, and restores torch's setting."""
    if device.type != "cpu" or num_threads is None:
        yield
        return
    wanted = 1 if num_threads == "auto" else int(num_threads)
    before = torch.get_num_threads()
    torch.set_num_threads(wanted)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _split(
    n: int, held_out: float, rng, name: str = "x"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random train / validation / test row indices; the held-out part halved. At least 2
    training rows and 4 held-out ones (2 validation, 2 test), else a ``ValueError`` naming
    the sample ``name``."""
    check_rows(n, held_out, name)
    order = rng.permutation(n)
    n_held = max(4, round(n * held_out))
    n_train = n - n_held
    return order[:n_train], order[n_train : n_train + n_held // 2], order[n_train + n_held // 2 :]


def check_rows(n: int, held_out: float, name: str) -> None:
    """Enough rows for the protocol's three parts (see :func:`_split`)."""
    if n - max(4, round(n * held_out)) < 2:
        raise ValueError(
            f"neural estimators need at least 2 training rows and 4 held-out ones; {name} has "
            f"{n} rows (held_out = {held_out})"
        )


class _Streaming:
    """Accumulates a bound over score blocks: linear memory for any held-out size."""

    def __init__(self, torch, tau):
        self.torch, self.tau = torch, tau
        self.sum_positive, self.n_positive = 0.0, 0
        self.lse_negative = self.lse_clipped = -math.inf
        self.n_negative = 0
        self.infonce_sum, self.infonce_rows, self.log_k = 0.0, 0, None

    def add_matrix(self, scores) -> None:
        positive, negative = _split_scores(scores)
        self.add(positive, negative)
        rows = scores.shape[0]
        self.infonce_sum += float(infonce_bound(scores)) * rows
        self.infonce_rows += rows
        self.log_k = min(math.log(rows), self.log_k or math.inf)  # the smallest block's cap

    def add(self, positive, negative) -> None:
        torch = self.torch
        self.sum_positive += float(positive.sum())
        self.n_positive += positive.numel()
        self.lse_negative = float(
            torch.logaddexp(torch.tensor(self.lse_negative), torch.logsumexp(negative.cpu(), 0))
        )
        clipped = torch.logsumexp(negative.clamp(-self.tau, self.tau).cpu(), 0)
        self.lse_clipped = float(torch.logaddexp(torch.tensor(self.lse_clipped), clipped))
        self.n_negative += negative.numel()

    def value(self, bound: str) -> float:
        mean_positive = self.sum_positive / self.n_positive
        log_mean_negative = self.lse_negative - math.log(self.n_negative)
        if bound == "infonce":
            return self.infonce_sum / self.infonce_rows
        if bound in ("dv", "mine"):
            return mean_positive - log_mean_negative
        if bound == "nwj":
            return mean_positive - math.exp(log_mean_negative - 1)
        if bound == "js":
            return 1 + mean_positive - math.exp(log_mean_negative)
        return mean_positive - (self.lse_clipped - math.log(self.n_negative))  # smile


class _Trainer:
    """One training run: batches from the training part, early stopping on validation."""

    def __init__(self, torch, critic, settings: _Settings, device, generator):
        self.torch, self.critic, self.settings = torch, critic, settings
        self.device, self.generator = device, generator
        self.optimizer = torch.optim.Adam(critic.parameters(), lr=settings.learning_rate)
        self.log_ema = None

    def loss(self, scores):
        bound = self.settings.bound
        if bound in ("js", "smile"):
            return -js_objective(scores)
        if bound == "mine":
            return -self._mine_surrogate(scores)
        return -{"infonce": infonce_bound, "nwj": nwj_bound, "dv": dv_bound}[bound](scores)

    def _mine_surrogate(self, scores):
        """DV whose partition gradient is divided by a moving average (Belghazi et al. 2018)."""
        torch = self.torch
        positive, negative = _split_scores(scores)
        log_batch = torch.logsumexp(negative, 0) - math.log(negative.numel())
        rate = self.settings.mine_rate
        if self.log_ema is None:
            self.log_ema = log_batch.detach()
        else:
            self.log_ema = torch.logaddexp(
                self.log_ema + math.log(1 - rate), log_batch.detach() + math.log(rate)
            )
        return positive.mean() - torch.exp(log_batch - self.log_ema)

    def run(self, batch_loss, evaluate, n_train: int) -> Diagnostics:
        """Train on ``batch_loss(row indices)``; ``evaluate()`` gives the validation bound."""
        settings, torch = self.settings, self.torch
        diagnostics = Diagnostics(device=str(self.device))
        best_value, best_state, waited = evaluate(), copy.deepcopy(self.critic.state_dict()), 0
        if not math.isfinite(best_value):
            raise ValueError(
                f"the critic's bound is {best_value} before any training (step 0): the critic "
                "returns non-finite scores for these inputs; no estimate can be made"
            )
        diagnostics.curve.append((0, best_value))
        batch = min(settings.batch_size, n_train)
        steps = range(1, settings.max_steps + 1)
        for step in _progress(steps, settings.progress):
            index = torch.randint(n_train, (batch,), generator=self.generator).to(self.device)
            loss = batch_loss(index)
            if not torch.isfinite(loss):
                diagnostics.nan_seen, diagnostics.stopped = True, "nan"
                break
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            diagnostics.steps = step
            if step % settings.eval_every:
                continue
            value = evaluate()
            diagnostics.curve.append((step, value))
            if math.isfinite(value) and value > best_value:
                best_value, waited = value, 0
                best_state, diagnostics.best_step = copy.deepcopy(self.critic.state_dict()), step
            else:
                waited += 1
                if waited >= settings.patience:
                    diagnostics.stopped = "early stopping"
                    break
        else:
            diagnostics.stopped = "max_steps"
            evaluations = len(diagnostics.curve)
            diagnostics.still_rising = (
                diagnostics.best_step
                >= diagnostics.curve[max(0, evaluations - 1 - max(1, evaluations // 5))][0]
                and diagnostics.best_step > 0
            )
        self.critic.load_state_dict(best_state)
        # the constant critic (bound exactly 0) is a candidate too: see the module docstring
        diagnostics.constant_critic = best_value < 0
        return diagnostics


def _progress(steps, enabled: bool):
    if not enabled:
        return steps
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return steps
    return tqdm(steps, desc="training critic", leave=False)


def _standardizer(train: np.ndarray):
    """``a -> (a / magnitude - mean) / sd``, the moments of the training rows divided by
    each column's power-of-two magnitude first: no overflow of the squares at 1e300, no
    underflow at 1e-300 (a constant column is centred only)."""
    magnitude = column_scales(train)
    train = train / magnitude
    mean = train.mean(axis=0)
    scale = train.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    return lambda a: (a / magnitude - mean) / scale


def _constant_critic(value: float, pairs: bool = True):
    """A critic scoring every pair (``pairs``) or every point ``value`` (a module, built on
    demand: torch is optional)."""
    torch = _torch()

    class _Constant(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("value", torch.tensor(float(value)))

        def forward(self, x, y=None):
            shape = (len(x), len(y)) if pairs else (len(x), 1)
            return self.value.expand(shape).to(x.dtype)

    return _Constant()


def _constant_score(bound: str) -> float:
    """The constant at which ``bound`` is exactly 0 (NWJ's maximum over constants is at 1;
    JS is evaluated as NWJ at ``1 + T``; the others are 0 at any constant)."""
    return 1.0 if bound == "nwj" else 0.0


def _module_device(module):
    for tensor in (*module.parameters(), *module.buffers()):
        return tensor.device
    return _torch().device("cpu")


def _tensor(torch, array: np.ndarray, device):
    return torch.as_tensor(np.ascontiguousarray(array), dtype=torch.float32, device=device)


class NeuralMI:
    """A neural MI estimator: ``fit(x, y)``, ``estimate(x, y)``, ``loss(x, y)``, ``critic_``.

    Parameters
    ----------
    bound : {"infonce", "nwj", "mine", "dv", "smile", "js"}
        The variational bound trained and reported (see the module docstring).
    critic : "separable", "joint" or a ``torch.nn.Module``
        ``module(x, y)`` must return the K x K score matrix ``S[i, j] = f(x_i, y_j)``.
    hidden : tuple of int
        Hidden layer widths of the built-in critics.
    batch_size, learning_rate, max_steps, eval_every, patience : training (Adam).
    held_out : float
        Fraction of rows held out (half for validation, half for the reported test value).
    eval_block : int
        Rows per score block at evaluation (InfoNCE's cap is ``log eval_block``).
    mine_rate : float
        MINE's moving-average weight of the newest batch.
    tau : float
        SMILE's clipping threshold.
    device : "auto", "cpu", "cuda" or torch.device
    num_threads : "auto" (1 on the CPU), an int, or None (torch's setting)
    progress : bool
        A tqdm progress bar over steps.
    random_state : int, numpy Generator or None
        Same seed, same number on the CPU.

    Attributes
    ----------
    critic_ : torch.nn.Module
        The trained critic, best validation weights.
    value_ : float
        The test-part bound (nats) after ``fit``.
    diagnostics_ : Diagnostics
    """

    def __init__(self, bound: str = "infonce", critic="separable", **settings):
        self.settings = _Settings(bound=bound, critic=critic, **settings)
        self.settings.check()

    def fit(self, x, y) -> NeuralMI:
        torch = _torch()
        x, y = _paired(x, y)
        settings = self.settings
        rng = as_generator(settings.random_state)
        train, validation, test = _split(len(x), settings.held_out, rng)
        standardize_x, standardize_y = _standardizer(x[train]), _standardizer(y[train])
        self._standardize = (standardize_x, standardize_y)
        device = _device(torch, settings.device)
        seed = int(rng.integers(2**62))
        with _thread_cap(torch, device, settings.num_threads):
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed)
                self.critic_ = self._build_critic(torch, x.shape[1], y.shape[1]).to(device)
            xs, ys = (
                _tensor(torch, standardize_x(x), device),
                _tensor(torch, standardize_y(y), device),
            )
            generator = torch.Generator().manual_seed(seed)
            parts = {
                name: torch.as_tensor(rows, device=device)
                for name, rows in (("train", train), ("validation", validation), ("test", test))
            }
            x_train, y_train = xs[parts["train"]], ys[parts["train"]]
            trainer = _Trainer(torch, self.critic_, settings, device, generator)

            def evaluate(rows=parts["validation"]):
                return self._held_out_value(torch, xs[rows], ys[rows])

            self.diagnostics_ = trainer.run(
                lambda index: trainer.loss(self.critic_(x_train[index], y_train[index])),
                evaluate,
                len(train),
            )
            self.value_ = evaluate(parts["test"])
            if self.diagnostics_.constant_critic:
                self.critic_ = _constant_critic(_constant_score(settings.bound)).to(device)
                self.value_ = 0.0
        self.diagnostics_.cap = self._cap
        _warn_about(self.diagnostics_)
        return self

    def estimate(self, x, y) -> float:
        """The bound (nats) on new paired samples, with the fitted critic and scaling."""
        torch = _torch()
        x, y = _paired(x, y)
        device = _module_device(self.critic_)
        standardize_x, standardize_y = self._standardize
        return self._held_out_value(
            torch,
            _tensor(torch, standardize_x(x), device),
            _tensor(torch, standardize_y(y), device),
        )

    def loss(self, x, y):
        """The training loss (minus the bound) on a batch of tensors: differentiable, so the
        critic can serve as an MI term in a larger model's objective."""
        return _Trainer(_torch(), self.critic_, self.settings, None, None).loss(self.critic_(x, y))

    def _build_critic(self, torch, dim_x: int, dim_y: int):
        critic = self.settings.critic
        if critic == "separable":
            return SeparableCritic(dim_x, dim_y, self.settings.hidden)
        if critic == "joint":
            return JointCritic(dim_x, dim_y, self.settings.hidden)
        if isinstance(critic, torch.nn.Module):
            return critic
        raise ValueError(
            f"critic must be 'separable', 'joint' or a torch.nn.Module; got {critic!r}"
        )

    def _held_out_value(self, torch, x, y) -> float:
        """The bound over every row, in nearly equal blocks of at most ``eval_block`` rows."""
        stream = _Streaming(torch, self.settings.tau)
        blocks = np.array_split(np.arange(len(x)), -(-len(x) // self.settings.eval_block))
        with torch.no_grad():
            for rows in blocks:
                rows = torch.as_tensor(rows, device=x.device)
                stream.add_matrix(self.critic_(x[rows], y[rows]))
        self._cap = stream.log_k
        return stream.value(self.settings.bound)


def _warn_about(diagnostics: Diagnostics) -> None:
    if diagnostics.constant_critic:
        best = max(value for _, value in diagnostics.curve)
        warnings.warn(
            f"no critic beat a constant one on the validation part (best bound {best:.4g} "
            "nats, below the constant critic's 0): training found no dependence, or diverged; "
            "the constant critic's value 0 is reported (more steps, a lower learning_rate or "
            "another bound may do better)",
            stacklevel=3,
        )
    if diagnostics.nan_seen:
        warnings.warn(
            f"the critic's loss became NaN at step {diagnostics.steps + 1}; the estimate uses "
            f"the best weights before it (step {diagnostics.best_step})",
            stacklevel=3,
        )
    elif diagnostics.still_rising:
        warnings.warn(
            "the validation bound was still rising when max_steps ran out; the estimate may be "
            "low: raise max_steps",
            stacklevel=3,
        )


def _paired(x, y) -> tuple[np.ndarray, np.ndarray]:
    x, y = as_samples(x, "x"), as_samples(y, "y")
    check_same_length(x=x, y=y)
    return x.astype(np.float64), y.astype(np.float64)


# --- KL divergence and entropy ----------------------------------------------------------------


def _kl_nats(x_p: np.ndarray, x_q: np.ndarray, settings: _Settings) -> float:
    """``D(p || q)`` by the DV or NWJ bound with an MLP critic ``T(x)``, same protocol as MI."""
    torch = _torch()
    rng = as_generator(settings.random_state)
    train_p, validation_p, test_p = _split(len(x_p), settings.held_out, rng, "x_p")
    train_q, validation_q, test_q = _split(len(x_q), settings.held_out, rng, "x_q")
    standardize = _standardizer(np.vstack((x_p[train_p], x_q[train_q])))
    device = _device(torch, settings.device)
    seed = int(rng.integers(2**62))
    with _thread_cap(torch, device, settings.num_threads):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            critic = _mlp(torch, x_p.shape[1], tuple(settings.hidden), 1).to(device)
        p = _tensor(torch, standardize(x_p), device)
        q = _tensor(torch, standardize(x_q), device)
        generator = torch.Generator().manual_seed(seed)
        trainer = _Trainer(torch, critic, settings, device, generator)
        bound = {"dv": _dv, "nwj": _nwj}[settings.bound]
        p_train, q_train = p[train_p], q[train_q]
        batch = min(settings.batch_size, len(train_q))

        def batch_loss(index):
            other = torch.randint(len(train_q), (batch,), generator=generator).to(device)
            return -bound(critic(p_train[index]).squeeze(-1), critic(q_train[other]).squeeze(-1))

        def evaluate(rows_p=validation_p, rows_q=validation_q):
            stream = _Streaming(torch, settings.tau)
            with torch.no_grad():
                stream.add(
                    _scores(critic, p[rows_p], settings), _scores(critic, q[rows_q], settings)
                )
            return stream.value(settings.bound)

        diagnostics = trainer.run(batch_loss, evaluate, len(train_p))
        value = 0.0 if diagnostics.constant_critic else evaluate(test_p, test_q)
    _warn_about(diagnostics)
    return value


def _scores(critic, points, settings: _Settings):
    """``T(x)`` for every row, in blocks of ``eval_block`` rows."""
    torch = _torch()
    block = settings.eval_block
    return torch.cat(
        [critic(points[i : i + block]).squeeze(-1) for i in range(0, len(points), block)]
    )


def _entropy_nats(x: np.ndarray, settings: _Settings) -> float:
    """``H(X) = H(N(m, S)) - D(p || N(m, S))``: the Gaussian with the sample's mean and
    covariance, minus the KL estimated against draws of it. Whitening ``x`` by ``S`` first
    maps that Gaussian to ``N(0, I)`` and leaves the KL unchanged. The rows are counted first
    (one row has no covariance); each column is divided by its power-of-two magnitude before
    the covariance is taken (no overflow at 1e300, no underflow at 1e-300), and its log
    returns in the Gaussian entropy: ``H(aX) = H(X) + d log a`` exactly."""
    check_rows(len(x), settings.held_out, "x")
    scales = column_scales(x)
    x = x / scales
    cov = np.atleast_2d(np.cov(x, rowvar=False))
    try:
        lower = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        raise ValueError(
            "x has a singular sample covariance (a constant or collinear column): its "
            "differential entropy is -inf"
        ) from None
    whitened = np.linalg.solve(lower, (x - x.mean(axis=0)).T).T
    gaussian_draws = as_generator(settings.random_state).standard_normal(whitened.shape)
    gaussian = float(exact_gaussian.entropy(cov)) + float(np.log(scales).sum())
    return gaussian - _kl_nats(whitened, gaussian_draws, settings)


# --- registration and the functional interface -------------------------------------------------

_SETTING_NAMES = tuple(f.name for f in fields(_Settings) if f.name != "bound")


def _with_options(function, positional: tuple[str, ...], excluded: tuple[str, ...] = ()):
    """Give ``function(*samples, **settings)`` a signature listing its options, so that the
    registry declares them (it reads keyword-only parameters) and the API checks them."""
    defaults = _Settings()
    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_ONLY) for name in positional]
    parameters += [
        inspect.Parameter(name, keyword, default=getattr(defaults, name))
        for name in _SETTING_NAMES
        if name not in excluded
    ]
    function.__signature__ = inspect.Signature(parameters)
    return function


def _settings(bound: str, options: dict) -> _Settings:
    settings = _Settings(bound=bound, **options)
    settings.check()
    return settings


def _mi_implementation(bound: str):
    def estimate(x, y, **options) -> float:
        return NeuralMI(bound, **options).fit(x, y).value_

    return _with_options(estimate, ("x", "y"))


def _kl_implementation(bound: str):
    def estimate(x_p, x_q, **options) -> float:
        return _kl_nats(x_p, x_q, _settings(bound, options))

    return _with_options(estimate, ("x_p", "x_q"), excluded=("critic",))


def _entropy_implementation(bound: str):
    def estimate(x, **options) -> float:
        return _entropy_nats(x, _settings(bound, options))

    return _with_options(estimate, ("x",), excluded=("critic",))


def _held_out_standard_error(problem) -> tuple[float, float, str, dict]:
    """The analytic interval of ``uncertainty="auto"`` for a neural MI bound: fit once, then
    the bound on ``B = max(5, ceil(n_test / eval_block))`` batches of the test part gives
    ``stderr = sd(batch values) / sqrt(B)`` in nats — the test-sample noise given the
    trained critic, not the training's. The seed fixes the split, so the test rows are known
    again; an int ``random_state`` is used as is (the value then equals the plain
    estimate's). ``problem``: an :class:`estimators._api.Problem` (one dither of quantized
    columns is the critic's data). Cost: one training run plus ``B`` evaluations."""
    seed = problem.random_state
    if not isinstance(seed, Integral) or isinstance(seed, bool):
        seed = int(as_generator(seed).integers(2**63))
    options = {**problem.options, "random_state": seed}
    arrays = problem.arrays
    if problem.dithered:  # one dither of the quantized columns: the critic's data
        arrays = problem.dequantized(arrays, np.random.default_rng(seed))
    model = NeuralMI(problem.method.name, **options).fit(*arrays)
    settings = model.settings
    _, _, test = _split(len(problem.arrays[0]), settings.held_out, as_generator(seed))
    batches = max(5, -(-len(test) // settings.eval_block))
    values = np.array(
        [model.estimate(*(a[rows] for a in arrays)) for rows in np.array_split(test, batches)]
    )
    stderr = float(values.std(ddof=1) / math.sqrt(len(values)))
    diagnostics = {"batch_values": values, "training": model.diagnostics_}
    return model.value_, stderr, "held-out batches", diagnostics


for _bound in BOUNDS:
    quantities = {"mutual_information": _mi_implementation(_bound)}
    if _bound in KL_BOUNDS:
        quantities["kl_divergence"] = _kl_implementation(_bound)
        quantities["entropy"] = _entropy_implementation(_bound)
    register(
        _bound,
        "neural",
        "continuous",
        **quantities,
        standard_errors={"mutual_information": _held_out_standard_error},
    )


def mutual_information(x, y, bound: str = "infonce", base: float = math.e, **settings) -> float:
    """Neural MI estimate: the held-out test value of ``bound`` after training a critic.

    See :class:`NeuralMI` for the settings and the module docstring for the protocol.
    """
    return _api.mutual_information(x, y, method=bound, base=base, **settings)


def kl_divergence(x_p, x_q, bound: str = "dv", base: float = math.e, **settings) -> float:
    """Neural ``D(p || q)`` by the DV or NWJ bound with an MLP critic ``T(x)``."""
    return _api.kl_divergence(x_p, x_q, method=bound, base=base, **settings)


def entropy(x, bound: str = "dv", base: float = math.e, **settings) -> float:
    """Neural entropy ``H(N(m, S)) - D(p || N(m, S))``, the KL by ``"dv"`` or ``"nwj"``."""
    return _api.entropy(x, method=bound, base=base, **settings)
