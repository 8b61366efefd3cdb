"""MI networks (estimators.network): calibrated p-values from the cached null, BH q-values,
the chain found and DPI-pruned, every kind of column, the Dask route, the block kernel's
numbers against the pair-by-pair path, and the ``infoest network`` command."""

import re
import time

import numpy as np
import pytest
from scipy import sparse

from estimators import _pairs, network
from estimators.cli import main
from estimators.knn import gao_mutual_information
from estimators.network import dpi_indirect, null_distribution
from estimators.selection import (
    _auto_pair,
    _Preparation,
    _prepared_columns,
    mutual_info_matrix,
    mutual_info_network,
    mutual_info_scores,
)

pd = pytest.importorskip("pandas")

N = 400


def _independent(seed=0, n=N):
    """60 independent columns: 30 normal, 30 Student t with 2 degrees of freedom."""
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.normal(size=(n, 30)), rng.standard_t(2, size=(n, 30))])


def _chain(seed=0, p=20, n=N):
    """x_{i+1} = sin(2 x_i) + 0.4 eps: 19 direct edges, the other 171 pairs indirect."""
    rng = np.random.default_rng(seed)
    X = np.empty((n, p))
    X[:, 0] = rng.normal(size=n)
    for i in range(1, p):
        X[:, i] = np.sin(2 * X[:, i - 1]) + 0.4 * rng.normal(size=n)
    return X


def _mixed_kinds(seed=0, n=300, groups=8):
    """Independent columns of every reading: symbols (binary, 4 codes, strings), atoms
    (zero-inflated), quantized (rounded)."""
    rng = np.random.default_rng(seed)
    columns = {}
    for j in range(groups):
        columns[f"bin{j}"] = rng.integers(0, 2, n)
        columns[f"code{j}"] = rng.integers(0, 4, n)
        columns[f"str{j}"] = rng.choice(["a", "b", "c"], n)
        inflated = rng.exponential(size=n)
        inflated[rng.random(n) < 0.4] = 0.0
        columns[f"zero{j}"] = inflated
        columns[f"round{j}"] = np.round(rng.normal(size=n), 1)
    return pd.DataFrame(columns)


# --- what the issue asks ---------------------------------------------------------------------


def test_independent_columns_are_calibrated():
    X = _independent()
    assert len(mutual_info_network(X, random_state=0)) <= 2
    every = mutual_info_network(X, alpha=1.0, random_state=0)
    assert len(every) == 60 * 59 // 2 == 1770
    assert 0.035 <= (every.pvalue < 0.05).mean() <= 0.065
    assert list(every.columns) == ["source", "target", "mi", "pvalue", "qvalue"]
    assert (every.source < every.target).all()
    assert (np.diff(every.mi.to_numpy()) <= 0).all()  # sorted by mi, descending


def test_the_chain_is_found_and_pruned_to_a_chain():
    X = _chain()
    chain = {(i, i + 1) for i in range(19)}
    found = mutual_info_network(X, random_state=0)
    assert chain <= set(zip(found.source, found.target, strict=True))
    pruned = mutual_info_network(X, prune="dpi", random_state=0)
    kept = set(zip(pruned.source, pruned.target, strict=True))
    assert len(chain & kept) >= 18
    assert len(kept - chain) <= 4


# --- p-values, their null, q-values ----------------------------------------------------------


def test_pvalues_are_read_from_the_cached_null():
    X = _chain(p=6, n=200)
    every = mutual_info_network(X, alpha=1.0, n_null=999, random_state=0)
    null = null_distribution(200, n_null=999)
    assert null is null_distribution(200, n_null=999)  # cached
    assert len(null) == 999 and (np.diff(null) >= 0).all() and not null.flags.writeable
    expected = [(1 + np.sum(null >= mi)) / 1000 for mi in every.mi]
    assert np.allclose(every.pvalue, expected, rtol=0, atol=1e-15)
    assert every.pvalue.min() == pytest.approx(1 / 1000)  # the resolution: 1 / (1 + n_null)


def test_the_null_does_not_depend_on_threads():
    network._NULLS.clear()
    one = null_distribution(60, n_null=2500, n_jobs=1)
    network._NULLS.clear()
    two = null_distribution(60, n_null=2500, n_jobs=2)
    assert np.array_equal(one, two)
    assert abs(one.mean()) < 0.02  # KSG is about unbiased at I = 0


def test_qvalues_are_benjamini_hochberg_over_all_pairs():
    X = _chain(p=8, n=150)
    X[:, 5:] = np.random.default_rng(1).normal(size=(150, 3))
    every = mutual_info_network(X, alpha=1.0, n_null=499, random_state=0)
    p = np.sort(every.pvalue.to_numpy())
    m = len(p)
    direct = np.minimum.accumulate((p * m / np.arange(1, m + 1))[::-1])[::-1]
    assert np.allclose(np.sort(every.qvalue.to_numpy()), np.minimum(direct, 1.0), atol=1e-12)
    # alpha filters the same table: the edges with q <= alpha, same numbers
    some = mutual_info_network(X, alpha=0.01, n_null=499, random_state=0)
    expected = every[every.qvalue <= 0.01].reset_index(drop=True)
    pd.testing.assert_frame_equal(some, expected)


def test_bh_from_a_histogram_matches_the_step_up_rule():
    histogram = np.array([3, 0, 2, 5, 0, 10])  # 20 pairs, p = (1 + c) / 6
    q = network.benjamini_hochberg(histogram)
    p = np.repeat((1 + np.arange(6)) / 6, histogram)
    direct = np.minimum.accumulate((p * 20 / np.arange(1, 21))[::-1])[::-1]
    levels = np.repeat(np.arange(6), histogram)
    assert np.allclose(q[levels], np.minimum(direct, 1))


# --- kinds of columns, ties, labels ----------------------------------------------------------


def test_every_kind_of_column_keeps_the_null():
    fractions = [
        (
            mutual_info_network(
                _mixed_kinds(seed), alpha=1.0, n_null=2000, random_state=seed
            ).pvalue
            < 0.05
        ).mean()
        for seed in range(2)
    ]
    assert 0.03 <= np.mean(fractions) <= 0.07


def test_symbols_labels_constants_and_dependence():
    rng = np.random.default_rng(0)
    n = 300
    a = rng.choice(["x", "y"], n)
    frame = pd.DataFrame(
        {
            "a": a,
            "b": np.where(rng.random(n) < 0.9, a == "x", a == "y").astype(int),
            "same": 7.0,
            10: rng.normal(size=n),
        }
    )
    edges = mutual_info_network(frame, alpha=1.0, n_null=999, random_state=0)
    top = edges.iloc[0]
    assert (top.source, top.target) == ("a", "b") and top.pvalue == pytest.approx(1 / 1000)
    constant = edges[(edges.source == "same") | (edges.target == "same")]
    assert len(constant) == 3 and (constant.mi == 0).all() and (constant.pvalue == 1).all()
    assert 10 in set(edges.target)  # labels as given, not as strings
    again = mutual_info_network(frame, alpha=1.0, n_null=999, random_state=0)
    pd.testing.assert_frame_equal(edges, again)


def test_units_and_the_gaussian_copula_statistic():
    X = _chain(p=6, n=200)
    nats = mutual_info_network(X, alpha=1.0, n_null=499, random_state=0)
    bits = mutual_info_network(X, alpha=1.0, n_null=499, random_state=0, base=2)
    assert np.allclose(bits.mi, nats.mi / np.log(2))
    copula = mutual_info_network(X, alpha=1.0, method="copula", n_null=499)
    matrix = mutual_info_matrix(X, "gaussian-copula")
    assert np.allclose(copula.mi, matrix[copula.source, copula.target], atol=1e-12)


def test_dpi_decides_every_removal_on_the_unpruned_edges():
    first, second = np.array([0, 1, 0, 2]), np.array([1, 2, 2, 3])
    mi = np.array([1.0, 0.9, 0.5, 0.2])
    assert dpi_indirect(first, second, mi, 0.1).tolist() == [False, False, True, False]
    assert dpi_indirect(first, second, mi, 0.5).tolist() == [False, False, False, False]
    order = np.array([3, 2, 0, 1])
    shuffled = dpi_indirect(first[order], second[order], mi[order], 0.1)
    assert shuffled.tolist() == [False, True, False, False]
    # a triangle of equal edges: nothing removed, whatever the order
    equal = dpi_indirect(np.array([0, 1, 0]), np.array([1, 2, 2]), np.ones(3), 0.0)
    assert not equal.any()


@pytest.mark.parametrize(
    ("options", "error", "fragment"),
    [
        ({"alpha": 0}, ValueError, "alpha must lie in (0, 1]"),
        ({"alpha": 1.5}, ValueError, "alpha must lie in (0, 1]"),
        ({"prune": "clr"}, ValueError, "prune must be None or 'dpi'"),
        ({"dpi_tolerance": 1.0}, ValueError, "dpi_tolerance must lie in [0, 1)"),
        ({"method": "kde"}, ValueError, "method for a network must be one of"),
        ({"n_null": 0}, ValueError, "n_null must be a positive integer"),
        ({"n_null": 9, "alpha": 0.05}, ValueError, "cannot reach a p-value"),
        ({"n_neighbors": 0}, ValueError, "n_neighbors must be a positive integer"),
        ({"backend": "ray"}, ValueError, "backend must be None"),
        ({"scheduler": "tcp://localhost:1"}, ValueError, "scheduler needs backend='dask'"),
    ],
)
def test_bad_arguments_say_what_is_wrong(options, error, fragment):
    with pytest.raises(error, match=re.escape(fragment)):
        mutual_info_network(_chain(p=3, n=50), **options)


def test_bad_data_say_what_is_wrong():
    with pytest.raises(ValueError, match="at least 2"):
        mutual_info_network(np.ones((50, 1)))
    with pytest.raises(ValueError, match="more than n_neighbors"):
        mutual_info_network(np.random.default_rng(0).normal(size=(3, 4)))
    with pytest.raises(TypeError, match="dense X"):
        mutual_info_network(sparse.random(50, 4, density=0.5, format="csr"))


# --- the block kernel: the same numbers as pair by pair --------------------------------------


def _pairwise_reference(X, random_state, k=3):
    """The matrix as the pair-by-pair path computed it (estimators.selection._auto_pair)."""
    columns, _ = _prepared_columns(X, "X", "auto", "auto", k, _Preparation.of(4, random_state))
    d = len(columns)
    found = np.full((d, d), np.nan)
    for i in range(d):
        for j in range(i + 1, d):
            found[i, j] = found[j, i] = _auto_pair(columns[i], columns[j], k)
    return found


def _every_kind(n=300, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return np.column_stack(
        [
            x,
            np.sin(2 * x) + 0.3 * rng.normal(size=n),
            np.round(x + rng.normal(size=n), 1),  # quantized: 4 dithered draws
            np.where(rng.random(n) < 0.3, 0.0, x),  # atoms
            rng.integers(0, 3, n),  # symbols
            np.full(n, 2.0),  # constant
            np.round(rng.normal(size=n), 2),  # quantized, fine
            x + 1e-9 * rng.normal(size=n),  # near-deterministic: a crowded grid
        ]
    )


@pytest.mark.parametrize("n_jobs", [None, 2])
def test_the_matrix_keeps_its_numbers(n_jobs):
    X = _every_kind()
    ours = mutual_info_matrix(X, random_state=5, n_jobs=n_jobs)
    reference = _pairwise_reference(X, 5)
    assert np.allclose(ours, reference, rtol=0, atol=1e-12, equal_nan=True)


def test_the_scores_keep_their_numbers():
    X = _every_kind(seed=1)
    y = X[:, 0] + np.random.default_rng(2).normal(size=len(X))
    ours = mutual_info_scores(X, y, random_state=3, n_jobs=2)
    preparation = _Preparation.of(4, 3)
    columns, _ = _prepared_columns(X, "X", "auto", "auto", 3, preparation)
    target = preparation.column(y, "y", "auto", 2**31)
    reference = [_auto_pair(column, target, 3) for column in columns]
    assert np.allclose(ours, reference, rtol=0, atol=1e-12)


def test_the_block_kernel_hands_back_crowded_grids_and_repeated_rows():
    rng = np.random.default_rng(0)
    n = 2000
    x = rng.normal(size=n)
    columns = [x, 2 * x + 1e-12 * rng.normal(size=n), np.round(x, 1), rng.normal(size=n)]
    spaces = [_pairs.sorted_space(c[:, None] / c.std(), np.argsort(c / c.std())) for c in columns]
    packed = _pairs.Packed.of_spaces(spaces)
    first, second = _pairs.block_pairs(4, (0, 3))
    ours = _pairs.ksg_pairs(packed, first, second, 3)
    reference = [
        gao_mutual_information(
            np.column_stack((spaces[a].points[:, 0], spaces[b].points[:, 0])),
            [spaces[a], spaces[b]],
            3,
        )
        for a, b in zip(first, second, strict=True)
    ]
    assert np.allclose(ours, reference, rtol=0, atol=1e-12)


def test_row_blocks_cover_the_upper_triangle_once():
    for p, size in [(2, 1), (7, 4), (30, 50), (30, 1000)]:
        pairs = [
            pair
            for rows in _pairs.row_blocks(p, size)
            for pair in zip(*_pairs.block_pairs(p, rows), strict=True)
        ]
        assert sorted(pairs) == [(i, j) for i in range(p) for j in range(i + 1, p)]


def test_progress_bar_goes_to_stderr(capsys, monkeypatch):
    monkeypatch.setattr(_pairs, "PROGRESS_DELAY", 0)
    mutual_info_network(_chain(p=5, n=100), n_null=99, alpha=0.5, progress=True)
    captured = capsys.readouterr()
    assert "block" in captured.err and captured.out == ""


# --- Dask ------------------------------------------------------------------------------------


def test_dask_gives_the_local_numbers(dask_cluster):
    X = _every_kind(seed=3)
    local = mutual_info_matrix(X, random_state=1)
    remote = mutual_info_matrix(X, random_state=1, backend="dask", scheduler=dask_cluster)
    assert np.allclose(local, remote, rtol=0, atol=1e-9, equal_nan=True)
    y = X[:, 1]
    assert np.allclose(
        mutual_info_scores(X, y, random_state=2),
        mutual_info_scores(X, y, random_state=2, backend="dask", scheduler=dask_cluster),
        rtol=0,
        atol=1e-9,
    )
    edges = mutual_info_network(X, alpha=1.0, n_null=499, random_state=0)
    on_dask = mutual_info_network(
        X, alpha=1.0, n_null=499, random_state=0, backend="dask", scheduler=dask_cluster
    )
    pd.testing.assert_frame_equal(edges, on_dask)


@pytest.mark.slow
def test_dask_on_two_worker_processes_and_a_cluster_of_its_own():
    distributed = pytest.importorskip("distributed")
    X = _every_kind(seed=4)
    local = mutual_info_matrix(X, random_state=1)
    started = time.perf_counter()
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        remote = mutual_info_matrix(
            X, random_state=1, backend="dask", scheduler=cluster.scheduler_address
        )
    assert np.allclose(local, remote, rtol=0, atol=1e-9, equal_nan=True)
    own = mutual_info_matrix(X, random_state=1, backend="dask", n_jobs=2)
    assert np.allclose(local, own, rtol=0, atol=1e-9, equal_nan=True)
    assert time.perf_counter() - started < 120


# --- the command line ------------------------------------------------------------------------


@pytest.fixture
def chain_csv(tmp_path):
    X = _chain(p=5, n=200)
    path = tmp_path / "chain.csv"
    lines = ["a,b,c,d,e"] + [",".join(map(repr, row)) for row in X]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_network_command_prints_and_writes_the_edges(chain_csv, tmp_path, capsys):
    out = tmp_path / "edges.csv"
    assert main(["network", str(chain_csv), "--prune", "dpi", "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "of 10 pairs with q <= 0.05, DPI-pruned" in printed
    edges = pd.read_csv(out)
    assert list(edges.columns) == ["source", "target", "mi", "pvalue", "qvalue"]
    assert set(zip(edges.source, edges.target, strict=True)) == {
        ("a", "b"),
        ("b", "c"),
        ("c", "d"),
        ("d", "e"),
    }


def test_the_matrix_command_runs_on_dask(chain_csv, dask_cluster, tmp_path, capsys):
    here, there = tmp_path / "here.csv", tmp_path / "there.csv"
    assert main(["mi", str(chain_csv), "--matrix", "-o", str(here)]) == 0
    arguments = ["--backend", "dask", "--scheduler", dask_cluster, "-o", str(there)]
    assert main(["mi", str(chain_csv), "--matrix", *arguments]) == 0
    capsys.readouterr()
    assert here.read_text() == there.read_text()


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (["mi", "{csv}", "--target", "a", "--backend", "dask"], "go with --matrix"),
        (["mi", "{csv}", "--matrix", "--scheduler", "tcp://h:1"], "needs --backend dask"),
        (["network", "{csv}", "--alpha", "2"], "alpha must lie in (0, 1]"),
        (["network", "{csv}", "--dpi-tolerance", "0.2"], "goes with --prune dpi"),
    ],
)
def test_network_options_fail_in_one_line(chain_csv, capsys, arguments, fragment):
    assert main([a.format(csv=chain_csv) for a in arguments]) == 2
    err = capsys.readouterr().err
    assert err.startswith("infoest: error:") and fragment in err and err.count("\n") == 1
