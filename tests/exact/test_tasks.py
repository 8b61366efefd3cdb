"""The named ground-truth tasks: each samples what its truth describes (Monte Carlo)."""

import math

import numpy as np
import pytest
from scipy import stats

import exact
from exact import distributions as D

from .test_distributions import cdf_cells, cells_by_2d_quadrature

N = 200_000
QUANTITIES = {"entropy", "mutual_information", "kl_divergence"}
#: Tasks of rounded or zero-inflated measurements: float samples, on a grid or with an atom.
MEASURED = [n for n in sorted(D.TASKS) if isinstance(D.task(n), (D.Quantized, D.ZeroInflated))]


def _within_five_standard_errors(terms, truth):
    # the Monte-Carlo mean of i.i.d. terms has standard error sd / sqrt(n); 5 of them
    # bound a false failure below 1e-6 per check
    terms = np.asarray(terms)
    stderr = terms.std() / math.sqrt(terms.size)
    assert abs(terms.mean() - truth) <= 5 * stderr + 1e-12, (terms.mean(), truth, stderr)


@pytest.mark.parametrize("name", sorted(D.TASKS))
def test_every_task_follows_the_protocol(name):
    task = D.task(name)
    assert task.quantity in QUANTITIES
    assert math.isfinite(task.truth()) and task.truth(base=2) == pytest.approx(
        task.truth() / math.log(2)
    )
    draws = task.sample(50, random_state=1)
    if task.quantity == "entropy":
        assert len(draws) == 50
    else:
        assert len(draws) == 2 and all(len(d) == 50 for d in draws)
    again = task.sample(50, random_state=1)
    parts = (draws, again) if task.quantity == "entropy" else (*draws, *again)
    for first, second in zip(parts[: len(parts) // 2], parts[len(parts) // 2 :], strict=True):
        np.testing.assert_array_equal(first, second)  # same seed, same draws


def test_the_measured_tasks_are_registered():
    assert {
        "normal-1d-q0.1",
        "normal-1d-q0.5",
        "gaussian-1+1-rho0.6-q0.1",
        "gaussian-1+1-rho0.6-q0.5",
        "gaussian-1+1-rho0.6-sd3-q1",
        "zero-inflated-1+1",
        "normal-shift-1d-q0.1",
    } == set(MEASURED)


@pytest.mark.parametrize("name", MEASURED)
def test_measured_tasks_give_floats_on_their_grid_or_atom(name):
    task = D.task(name)
    draws = task.sample(1000, random_state=8)
    draws = (draws,) if task.quantity == "entropy" else draws
    assert all(d.shape == (1000,) and d.dtype == np.float64 for d in draws)
    assert math.isfinite(task.truth()) and task.truth() > 0
    if isinstance(task, D.ZeroInflated):
        x, y = draws
        assert 0.3 < (x == 0).mean() < 0.7 and np.unique(y).size == y.size
        return
    steps = np.resize(task.resolution, len(draws))  # KL: one resolution for both samples
    for d, step in zip(draws, steps, strict=True):
        np.testing.assert_allclose(d / step, np.round(d / step), atol=1e-9)  # on the grid
        assert np.unique(d).size < d.size  # ties, as rounded data have


def test_task_names_by_quantity_and_unknown_names():
    assert set(D.task_names()) == set(D.TASKS)
    assert "gaussian-5+5-mi1" in D.task_names("mutual_information")
    assert "normal-shift-1d" in D.task_names("kl_divergence")
    with pytest.raises(ValueError, match="unknown task 'nope'; tasks: "):
        D.task("nope")


def _log_density(task):
    if isinstance(task, D.Normal):
        return stats.multivariate_normal(task.mean, task.cov).logpdf
    if isinstance(task, D.Exponential):
        return stats.expon(scale=task.scale).logpdf
    if isinstance(task, D.Laplace):
        return stats.laplace(task.loc, task.scale).logpdf
    if isinstance(task, D.StudentT):
        return stats.t(task.df, task.loc, task.scale).logpdf
    return None


@pytest.mark.parametrize("name", D.task_names("entropy"))
def test_entropy_tasks_by_monte_carlo(name):
    task = D.task(name)
    draws = task.sample(N, random_state=2)
    if isinstance(task, D.Quantized):  # h = E[-log P(cell)] + log r, cells by scipy's CDF
        (step,) = task.resolution
        k = np.round(draws / step).astype(int)
        sd = math.sqrt(task.task.cov[0, 0])
        cells = cdf_cells(np.arange(k.min(), k.max() + 1), task.task.mean[0], sd, step)
        _within_five_standard_errors(-np.log(cells[k - k.min()]) + math.log(step), task.truth())
        return
    log_density = _log_density(task)
    if log_density is None:  # uniform: constant density, check the box instead
        draws = draws.reshape(N, -1)
        assert (draws >= task.low).all() and (draws < task.high).all()
        assert task.truth() == pytest.approx(np.log(task.high - task.low).sum())
        return
    _within_five_standard_errors(-log_density(draws), task.truth())


@pytest.mark.parametrize(
    "name",
    [
        n
        for n in D.task_names("mutual_information")
        if n.startswith("gaussian") and not isinstance(D.task(n), D.Quantized)
    ],
)
def test_gaussian_mi_tasks_by_monte_carlo(name):
    task = D.task(name)
    normal = task.base if isinstance(task, D.MonotoneTransformed) else task
    x, y = normal.sample(20_000, random_state=3)
    x, y = x.reshape(len(x), -1), y.reshape(len(y), -1)
    joint = stats.multivariate_normal(normal.mean, normal.cov)
    dx = normal.dim_x
    marginal_x = stats.multivariate_normal(normal.mean[:dx], normal.cov[:dx, :dx])
    marginal_y = stats.multivariate_normal(normal.mean[dx:], normal.cov[dx:, dx:])
    terms = joint.logpdf(np.hstack((x, y))) - marginal_x.logpdf(x) - marginal_y.logpdf(y)
    _within_five_standard_errors(np.atleast_1d(terms), task.truth())


@pytest.mark.parametrize(
    "name", [n for n in D.task_names("mutual_information") if isinstance(D.task(n), D.Quantized)]
)
def test_quantized_mi_tasks_by_monte_carlo(name):
    # I(Q_x; Q_y) = E[log P(i, j) / (P(i) P(j))] over the drawn cells, the table from the
    # independent 2-D quadrature of the density (tests/exact/test_distributions.py)
    task = D.task(name)
    normal = task.task
    table, centres_x, centres_y = cells_by_2d_quadrature(normal.cov, task.resolution, normal.mean)
    x, y = task.sample(20_000, random_state=3)
    i = np.round((x - centres_x[0]) / task.resolution[0]).astype(int)
    j = np.round((y - centres_y[0]) / task.resolution[1]).astype(int)
    log_marginals = np.log(table.sum(1))[i] + np.log(table.sum(0))[j]
    _within_five_standard_errors(np.log(table[i, j]) - log_marginals, task.truth())


def test_zero_inflated_task_by_monte_carlo():
    # log p(y | x) / p(y): 0 on the atom x = 0, log phi_sigma(y - x) / phi_sy(y) elsewhere
    task = D.task("zero-inflated-1+1")
    x, y = task.sample(N, random_state=3)
    ratio = stats.norm.logpdf(y, x, task.sigma) - stats.norm.logpdf(
        y, 0, math.sqrt(1 + task.sigma**2)
    )
    _within_five_standard_errors(np.where(x == 0, 0.0, ratio), task.truth())


@pytest.mark.parametrize("transform", ["cube", "asinh", "normal-cdf"])
def test_transformed_tasks_keep_the_ranks_hence_the_mi(transform):
    # a strictly increasing map of each coordinate keeps every rank, so the copula and the MI
    task = D.task(f"gaussian-1+1-mi1-{transform}")
    x, y = task.sample(5000, random_state=4)
    x0, y0 = task.base.sample(5000, random_state=4)
    assert (np.argsort(x) == np.argsort(x0)).all() and (np.argsort(y) == np.argsort(y0)).all()
    assert not np.allclose(x, x0)
    assert task.truth() == task.base.truth() == pytest.approx(1.0)


def test_discrete_task_by_its_counts():
    task = D.task("discrete-4x4")
    x, y = task.sample(N, random_state=5)
    table = np.zeros((4, 4))
    np.add.at(table, (x, y), 1)
    plug_in = exact.mutual_information(table / N)
    # plug-in bias (Kx - 1)(Ky - 1) / (2N) = 2.3e-5, its sd ~ sqrt(Var log ratio / N) ~ 2e-3
    assert plug_in == pytest.approx(task.truth(), abs=0.01)


@pytest.mark.parametrize("name", D.task_names("kl_divergence"))
def test_kl_tasks_by_monte_carlo(name):
    task = D.task(name)
    if isinstance(task, D.Quantized):  # E_p[log P(cell) / Q(cell)], cells by scipy's CDF
        (step,) = task.resolution
        x_p, _ = task.sample(N, random_state=6, n_q=1)
        k = np.round(x_p / step).astype(int)
        cells = np.arange(k.min(), k.max() + 1)
        p, q = (
            cdf_cells(cells, t.mean[0], math.sqrt(t.cov[0, 0]), step)
            for t in (task.task.p, task.task.q)
        )
        _within_five_standard_errors(np.log(p / q)[k - k.min()], task.truth())
        return
    x_p, _ = task.sample(N, random_state=6, n_q=1)
    p = stats.multivariate_normal(task.p.mean, task.p.cov)
    q = stats.multivariate_normal(task.q.mean, task.q.cov)
    _within_five_standard_errors(p.logpdf(x_p) - q.logpdf(x_p), task.truth())
