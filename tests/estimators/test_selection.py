"""Dataset MI and feature selection: scikit-learn's numbers, the k-NN family's numbers,
ties and constants, the selector's protocol and its criteria."""

import warnings

import numpy as np
import pytest
from scipy import sparse
from scipy.special import digamma
from sklearn.feature_selection import SelectKBest, mutual_info_classif, mutual_info_regression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import check_estimator

import estimators
from estimators import knn
from estimators.selection import (
    SELECTOR_NEIGHBORS,
    MutualInfoSelector,
    mutual_info_matrix,
    mutual_info_scores,
)

pd = pytest.importorskip("pandas")


def _table(n=1500, d=6, seed=0):
    """Correlated continuous columns, a continuous target and 3 classes cut from it."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    X[:, 1] += 0.8 * X[:, 0]
    y = X[:, 0] + np.sin(2 * X[:, 2]) + 0.5 * rng.standard_normal(n)
    return X, y, np.digitize(y, [-0.5, 0.7])


# --- the same numbers as scikit-learn and as estimators.knn ---------------------------------
# On untied continuous data scikit-learn's 1e-10 noise flips no neighbour comparison (see
# test_knn.py), so the estimates agree to rounding; scikit-learn clips at 0, we do not.


@pytest.mark.parametrize("k", [3, 7])
def test_scores_equal_mutual_info_regression(k):
    X, y, _ = _table()
    ours = mutual_info_scores(X, y, n_neighbors=k)
    theirs = mutual_info_regression(X, y, n_neighbors=k, random_state=0)
    assert np.abs(np.maximum(ours, 0) - theirs).max() < 1e-4
    assert np.allclose(ours, [knn.mutual_information(x, y, k=k) for x in X.T], atol=1e-12)


@pytest.mark.parametrize("k", [3, 7])
def test_scores_equal_mutual_info_classif(k):
    X, _, classes = _table(seed=1)
    ours = mutual_info_scores(X, classes, n_neighbors=k)
    theirs = mutual_info_classif(X, classes, n_neighbors=k, random_state=0)
    assert np.abs(np.maximum(ours, 0) - theirs).max() < 1e-4
    reference = [knn.ross_mutual_information(x, classes, k=k) for x in X.T]
    assert np.allclose(ours, reference, atol=1e-12)


def test_negative_estimates_are_returned_as_computed():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((500, 20))  # independent of y: about half the estimates < 0
    scores = mutual_info_scores(X, rng.standard_normal(500))
    assert (scores < 0).any()
    assert np.abs(scores).max() < 0.1  # KSG at n = 500: sd about 0.02 nats


def test_matrix_equals_pairwise_ksg_and_is_symmetric():
    X, _, _ = _table(n=800)
    matrix = mutual_info_matrix(X)
    assert np.isnan(np.diag(matrix)).all()
    assert np.array_equal(matrix, matrix.T, equal_nan=True)
    for i, j in [(0, 1), (2, 5), (3, 4)]:
        assert matrix[i, j] == pytest.approx(knn.mutual_information(X[:, i], X[:, j]), abs=1e-12)
    # x1 = 0.8 x0 + noise: rho^2 = 0.64 / 1.64, I = -log(1 - rho^2) / 2 = 0.247; KSG's sd
    # at n = 800 is about 0.02 nats
    assert matrix[0, 1] == pytest.approx(-0.5 * np.log(1 - 0.64 / 1.64), abs=0.06)


def test_matrix_of_a_frame_is_labelled_and_copula_is_one_shot():
    X, _, _ = _table(n=600)
    frame = pd.DataFrame(X, columns=[f"c{i}" for i in range(6)])
    matrix = mutual_info_matrix(frame, method="gaussian-copula", base=2)
    assert list(matrix.columns) == list(frame.columns) == list(matrix.index)
    expected = estimators.mutual_information(X[:, 0], X[:, 1], "gaussian-copula", base=2)
    assert matrix.loc["c0", "c1"] == pytest.approx(expected, rel=1e-9)


def test_per_column_kinds_pick_their_estimators():
    rng = np.random.default_rng(5)
    n = 1200
    labels = rng.integers(0, 3, n)
    frame = pd.DataFrame(
        {
            "continuous": rng.standard_normal(n) + labels,
            "tied": np.round(rng.standard_normal(n) + labels, 1),
            "symbols": np.where(labels == 0, "a", rng.choice(["b", "c"], n)),
            "constant": np.full(n, 2.5),
        }
    )
    y = rng.standard_normal(n) + labels
    scores = mutual_info_scores(frame, y, n_dithers=1, random_state=7)
    assert scores[0] == pytest.approx(knn.mutual_information(frame["continuous"], y), abs=1e-12)
    # rounded: read as quantized, and dithered within its cells (column j draws from the
    # stream [seed, j], seed drawn from random_state); then exactly KSG
    step = estimators.explain("entropy", frame["tied"]).readings["x"][0].resolution
    assert step == pytest.approx(0.1, rel=1e-12)
    seed = int(np.random.default_rng(7).integers(2**63))
    dithered = frame["tied"] + step * (np.random.default_rng([seed, 1]).random(n) - 0.5)
    assert scores[1] == pytest.approx(knn.mutual_information(dithered, y), abs=1e-12)
    assert scores[2] == pytest.approx(
        estimators.mutual_information(y, frame["symbols"], "ross"), abs=1e-12
    )
    assert scores[3] == 0.0  # a constant carries no information
    on_labels = mutual_info_scores(frame[["symbols"]], labels)
    assert on_labels[0] == pytest.approx(
        estimators.mutual_information(frame["symbols"], labels, "miller-madow"), abs=1e-12
    )


def _brute_force_ross(x, labels, k, standardize=True):
    """Ross (2014) with Gao et al.'s atom rule, from the definition, with n x n max-norm
    distances (``x``: one column, or several)."""
    x = x.reshape(len(x), -1)
    x = x / x.std(axis=0) if standardize else x
    sizes = np.bincount(labels)[labels]
    distance = np.abs(x[:, None, :] - x[None, :, :]).max(axis=2)
    terms = []
    for i in range(len(x)):
        same = np.flatnonzero((labels == labels[i]) & (np.arange(len(x)) != i))
        k_i = min(k, len(same))
        radius = np.sort(distance[i, same])[k_i - 1]
        m = (distance[i] < radius).sum()  # itself included (distance 0 < radius)
        if radius == 0:  # an atom: every same-label copy, every copy of any label, itself too
            k_i, m = (distance[i, same] == 0).sum() + 1, (distance[i] == 0).sum()
        terms.append((k_i, sizes[i], m))
    k_i, size, m = np.array(terms).T
    return digamma(len(x)) + np.mean(digamma(k_i) - digamma(size) - digamma(m))


def _brute_force_ksg(x, y, k):
    """KSG variant 1 with Gao et al.'s atom rule, from the definition, n x n distances."""
    x, y = x / x.std(), y / y.std()
    dx, dy = np.abs(x[:, None] - x), np.abs(y[:, None] - y)
    joint = np.maximum(dx, dy)
    np.fill_diagonal(joint, np.inf)
    radius = np.sort(joint, axis=1)[:, k - 1]
    n_x = (dx < radius[:, None]).sum(1) - 1
    n_y = (dy < radius[:, None]).sum(1) - 1
    k_i = np.full(len(x), float(k))
    atom = radius == 0
    k_i[atom] = (joint[atom] == 0).sum(1) + 1  # the copies, itself included
    n_x[atom], n_y[atom] = (dx[atom] == 0).sum(1) - 1, (dy[atom] == 0).sum(1) - 1
    return digamma(len(x)) + np.mean(digamma(k_i) - digamma(n_x + 1) - digamma(n_y + 1))


@pytest.mark.parametrize("k", [1, 3])
def test_ties_and_atoms_follow_the_definition(k):
    rng = np.random.default_rng(6)
    labels = rng.integers(0, 4, 400)
    x = np.round(rng.standard_normal(400) + 0.5 * labels, 1)  # ties, some atoms
    x[:30] = 5.0  # one big atom across labels
    untied = x + rng.standard_normal(400)
    y = np.round(untied, 1)
    y[:20] = 0.0  # joint atoms: (5, 0) twenty times
    # read as continuous (as given), the ties stay: Gao et al.'s rule on them
    raw = {"n_neighbors": k, "column_kinds": "continuous"}
    assert mutual_info_scores(x[:, None], labels, **raw)[0] == pytest.approx(
        _brute_force_ross(x, labels, k), abs=1e-12
    )
    assert mutual_info_scores(x[:, None], untied, **raw)[0] == pytest.approx(
        _brute_force_ksg(x, untied, k), abs=1e-12
    )
    as_given = {"x": "continuous", "y": "continuous"}
    assert knn.mutual_information(x, y, k=k, column_kinds=as_given) == pytest.approx(
        _brute_force_ksg(x, y, k), abs=1e-12
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no jitter, so no warning about it
        ross = [knn.ross_mutual_information(x, labels, k=k, column_kinds={"x": "continuous"})]
        # two columns on a common grid, unscaled: a scaling's last-bit rounding would decide
        # which of two equal max-norm distances is smaller
        ross.append(
            knn.ross_mutual_information(
                np.c_[x, y], labels, k=k, standardize=False, column_kinds={"x": "continuous"}
            )
        )
    assert ross[0] == pytest.approx(_brute_force_ross(x, labels, k), abs=1e-12)
    assert ross[1] == pytest.approx(
        _brute_force_ross(np.c_[x, y], labels, k, standardize=False), abs=1e-12
    )


def _brute_force_labelled_cmi(x, z, labels, k):
    """Frenzel–Pompe I(x; y | z) for labels y, Gao et al.'s atom rule, from the definition
    (n x n max-norm distances; x and z one column each)."""
    dx, dz = np.abs(x[:, None] - x[None, :]), np.abs(z[:, None] - z[None, :])
    dxz, same = np.maximum(dx, dz), labels[:, None] == labels[None, :]
    sizes = np.bincount(labels)[labels]
    terms = []
    for i in range(len(x)):
        others = same[i] & (np.arange(len(x)) != i)
        k_i = min(k, sizes[i] - 1)
        radius = np.sort(dxz[i, others])[k_i - 1]
        if radius == 0:  # an atom: every count is of the points at distance 0, itself too
            k_i = (dxz[i, others] == 0).sum() + 1
            counts = [(d[i] == 0) for d in (dxz, dz)]
        else:
            counts = [(d[i] < radius) for d in (dxz, dz)]
        n_xz, n_z = counts[0].sum(), counts[1].sum()
        terms.append((k_i, n_xz, (counts[1] & same[i]).sum(), n_z))
    k_i, n_xz, n_yz, n_z = np.array(terms).T
    return np.mean(digamma(k_i) - digamma(n_xz) - digamma(n_yz) + digamma(n_z))


@pytest.mark.parametrize("k", [1, 3])
def test_labelled_conditional_mi_follows_the_definition(k):
    rng = np.random.default_rng(10)
    labels = rng.integers(0, 3, 300)
    x = np.round(rng.standard_normal(300) + labels, 1)  # ties, some joint atoms
    z = np.round(x + rng.standard_normal(300), 0)
    x[:15], z[:15] = 2.0, 1.0  # one joint atom across labels
    found = knn.labelled_conditional_mutual_information(x[:, None], z[:, None], labels, k)
    assert found == pytest.approx(_brute_force_labelled_cmi(x, z, labels, k), abs=1e-12)


def test_conditioning_on_the_feature_itself_leaves_nothing():
    # I(X; y | X) = 0, and Frenzel–Pompe gives exactly 0 without ties: the joint and z counts
    # coincide, and k_i - 1 same-label points lie strictly inside the k_i-th neighbour's radius
    rng = np.random.default_rng(11)
    labels = rng.integers(0, 4, 500)
    x = (rng.standard_normal(500) + labels)[:, None]
    assert knn.labelled_conditional_mutual_information(x, x, labels, 3) == pytest.approx(
        0.0, abs=1e-12
    )


def test_selection_on_tied_features_is_seeded():
    rng = np.random.default_rng(9)
    labels = rng.integers(0, 3, 300)
    X = np.round(rng.standard_normal((300, 6)) + labels[:, None] * rng.random(6), 0)
    for criterion in ("jmi", "cmim"):

        def fitted(seed, criterion=criterion, **options):
            selector = MutualInfoSelector(4, criterion, random_state=seed, **options)
            return selector.fit(X, labels)

        # read as given, ties follow the atom rule: nothing random is left
        kept = [fitted(seed, column_kinds="continuous") for seed in (0, 1)]
        np.testing.assert_array_equal(kept[0].scores_, kept[1].scores_)
        np.testing.assert_array_equal(kept[0].criterion_values_, kept[1].criterion_values_)
        # read as quantized (the default), dithered: the seed decides, the same seed repeats
        first, again, other = fitted(0), fitted(0), fitted(1)
        np.testing.assert_array_equal(first.criterion_values_, again.criterion_values_)
        assert not np.array_equal(first.scores_, other.scores_)


def test_constant_and_tied_features_stay_below_the_target_entropy():
    # the setting of scikit-learn issue #30772 at n = 10^5 (the slow test runs n = 10^6)
    _check_issue_30772(100_000, minority=10)


@pytest.mark.slow
def test_issue_30772_at_a_million_rows():
    _check_issue_30772(1_000_000, minority=100)


def _check_issue_30772(n, minority):
    y = (np.arange(n) < minority).astype(int)  # H(y) ~ 0.001 nats
    h_y = estimators.entropy(y, method="plugin")
    rng = np.random.default_rng(0)
    X = np.column_stack(
        [np.ones(n), rng.integers(0, 3, n).astype(float), np.round(rng.standard_normal(n), 1)]
    )
    scores = mutual_info_scores(X, y)
    assert scores[0] == 0.0
    # independent of y, so no spurious information: at most 10 % of H(y) (scikit-learn
    # reports 0.215 nats = 200 H(y) for the constant). The estimators' negative bias comes
    # from the few minority rows, each of weight 1/n with a term of a few nats: of the order
    # of (minority / n) x 10 nats ~ H(y) -- hence the lower bound of -2 H(y).
    assert np.all(scores <= 0.1 * h_y) and np.all(scores > -2 * h_y)


def test_score_func_in_select_k_best():
    X, _, classes = _table()
    selected = SelectKBest(mutual_info_scores, k=2).fit(X, classes).get_support(indices=True)
    assert set(selected) == {0, 2}  # the columns y is made of


def test_bad_inputs_are_named():
    X, y, _ = _table(n=100)
    with pytest.raises(ValueError, match=r"X\['b'\] contains NaN"):
        mutual_info_scores(pd.DataFrame({"a": X[:, 0], "b": np.r_[np.nan, X[1:, 1]]}), y)
    with pytest.raises(ValueError, match="same number of rows"):
        mutual_info_scores(X, y[:-1])
    with pytest.raises(ValueError, match="n_samples = 3"):
        mutual_info_scores(X[:3], y[:3])
    with pytest.raises(ValueError, match="unknown method 'nope'"):
        mutual_info_scores(X, y, "nope")
    with pytest.raises(ValueError, match="discrete_features"):
        mutual_info_scores(X, y, discrete_features=[9])
    with pytest.raises(ValueError, match="n_neighbors"):
        mutual_info_matrix(X, n_neighbors=0)


# --- the selector ---------------------------------------------------------------------------


def test_passes_scikit_learn_estimator_checks():
    results = check_estimator(MutualInfoSelector(n_features=2), on_fail=None)
    failed = [r["check_name"] for r in results if r["status"] == "failed"]
    assert not failed
    assert len(results) > 40


def test_in_a_pipeline_and_grid_search_with_pandas_names():
    X, _, classes = _table(n=400)
    frame = pd.DataFrame(X, columns=list("abcdef"))
    selector = MutualInfoSelector(2, "mrmr").fit(frame, classes)
    assert list(selector.get_feature_names_out()) == sorted(
        frame.columns[selector.selected_].tolist()
    )
    assert sorted(selector.ranking_) == list(range(1, 7))
    assert selector.ranking_[selector.selected_[0]] == 1
    # the selector's relevance is mutual_info_scores' at the selector's k (8, not 3)
    assert selector.n_neighbors == SELECTOR_NEIGHBORS
    assert np.allclose(
        selector.scores_, mutual_info_scores(frame, classes, n_neighbors=SELECTOR_NEIGHBORS)
    )
    assert not np.allclose(selector.scores_, mutual_info_scores(frame, classes))
    search = GridSearchCV(
        make_pipeline(MutualInfoSelector(), LogisticRegression()),
        {"mutualinfoselector__n_features": [1, 2], "mutualinfoselector__criterion": ["jmi"]},
        cv=3,
    ).fit(frame, classes)
    assert search.best_params_["mutualinfoselector__n_features"] == 2


def test_redundancy_aware_criteria_skip_a_copy():
    X, _, classes = _table(n=800, seed=2)
    X = np.column_stack([X, X[:, 0] + 1e-6 * np.arange(len(X)) / len(X)])  # a near-copy of x0
    univariate = MutualInfoSelector(2, "mim").fit(X, classes).selected_
    assert set(univariate) == {0, 6}  # the two most relevant columns: x0 and its copy
    for criterion in ("mrmr", "mifs", "jmi", "cmim"):
        chosen = MutualInfoSelector(2, criterion, random_state=0).fit(X, classes).selected_
        assert 6 not in chosen[1:] and set(chosen) != {0, 6}, criterion


def test_disr_on_discrete_data_and_refused_on_continuous():
    rng = np.random.default_rng(4)
    a, b, noise = (rng.integers(0, 2, 2000) for _ in range(3))
    y = a ^ b  # XOR: no single column informs, the pair does
    X = np.column_stack([noise, a, b])
    chosen = MutualInfoSelector(2, "disr").fit(X, y).selected_
    assert set(chosen) == {1, 2}
    with pytest.raises(ValueError, match="disr"):
        MutualInfoSelector(2, "disr").fit(rng.standard_normal((50, 3)), y[:50])


def test_bad_parameters():
    X, _, classes = _table(n=100)
    with pytest.raises(ValueError, match="criterion"):
        MutualInfoSelector(2, "best").fit(X, classes)
    with pytest.raises(ValueError, match="n_features"):
        MutualInfoSelector(0).fit(X, classes)
    with pytest.warns(UserWarning, match="all are kept"):
        assert MutualInfoSelector(9).fit(X, classes).get_support().all()


def test_alpha_keeps_only_significant_features():
    # 3 informative columns (I(X_j; classes) ~ 0.1 nats at n = 400: far above the
    # permutation null's spread, ~0.01 nats) and 5 independent ones; with 99 permutations an
    # informative column's p-value is 1/100, and a noise column passes alpha = 0.05 with
    # probability 0.05 -- at seed 7 none does (checked, and the assertion allows one).
    rng = np.random.default_rng(7)
    informative = rng.standard_normal((400, 3))
    classes = (informative.sum(axis=1) + 0.5 * rng.standard_normal(400) > 0).astype(int)
    X = np.column_stack((informative, rng.standard_normal((400, 5))))
    with pytest.warns(UserWarning, match="significant at alpha"):
        selector = MutualInfoSelector(8, "jmi", alpha=0.05, n_permutations=99, random_state=0).fit(
            X, classes
        )
    assert np.allclose(selector.pvalues_[:3], 1 / 100)
    assert {0, 1, 2} <= set(selector.selected_) and len(selector.selected_) <= 4
    assert (selector.pvalues_[selector.selected_] < 0.05).all()
    assert MutualInfoSelector(3).fit(X, classes).pvalues_ is None


def test_bad_significance_parameters():
    X, _, classes = _table(n=100)
    with pytest.raises(ValueError, match="alpha must lie in"):
        MutualInfoSelector(2, alpha=1.5).fit(X, classes)
    with pytest.raises(ValueError, match="cannot reach a p-value below"):
        MutualInfoSelector(2, alpha=0.05, n_permutations=10).fit(X, classes)


@pytest.mark.slow
def test_jmi_cmim_and_pruned_mrmr_recover_more_than_select_k_best():
    # the recovery study of experiments/selection_recovery.py, 10 seeds: the number of
    # informative directions among the 5 selected columns, never fewer, more in total.
    # Plain mRMR is not in the list: it picks noise columns here (see the study's notes)
    from experiments.selection_recovery import table

    _, found = table(range(10), 1000)
    baseline = np.array(found["SelectKBest(mutual_info_classif)"])
    for name in (
        "MutualInfoSelector jmi",
        "MutualInfoSelector cmim",
        "MutualInfoSelector mrmr, alpha=0.01",
    ):
        assert np.all(np.array(found[name]) >= baseline) and sum(found[name]) > baseline.sum()


@pytest.mark.slow
def test_cross_validated_accuracy_of_the_selection_study():
    # experiments/selection_cv.py on breast_cancer (digits: the next test), 5 splits:
    # CMIM and mRMR beat SelectKBest(mutual_info_classif) at k = 5 and 10, each by more than
    # twice the standard error of the paired difference over the splits (measured with the
    # selector's n_neighbors = 8: +0.015 to +0.019, the columns' standard errors 0.0007 to
    # 0.0022). On wine (142 training rows) the selectors are within noise of each other, so
    # no claim is made there.
    from experiments.selection_cv import rows

    for data, k, found in rows(["breast_cancer"], [5, 10], repeats=5):
        baseline = found["SelectKBest(mutual_info_classif)"][0]
        for criterion in ("mrmr", "cmim"):
            gain = found[criterion][0] - baseline
            error = gain.std(ddof=1) / np.sqrt(len(gain))
            assert gain.mean() > 2 * error, (data, k, criterion, gain)


@pytest.mark.slow
def test_digits_cmim_is_within_two_standard_errors_of_the_binned_reference():
    # issue 14's bar for the CV table, on its hardest row (digits, k = 10; about 4 minutes):
    # CMIM with the selector's defaults against CMIM on 10 equal-width bins, the same 5
    # splits, their paired difference within twice its standard error over the splits or
    # above (measured: -0.0037 +- 0.0051; with n_neighbors = 3 it was -0.0095 +- 0.0024)
    from sklearn.datasets import load_digits

    from experiments.selection_cv import BinnedSelector, cross_validated

    X, y = load_digits(return_X_y=True)
    ours, binned = MutualInfoSelector(10, "cmim", random_state=0), MutualInfoSelector(10, "cmim")
    gap = np.array(
        [
            cross_validated(ours, X, y, split)[0]
            - cross_validated(BinnedSelector(binned), X, y, split)[0]
            for split in range(5)
        ]
    )
    assert gap.mean() > -2 * gap.std(ddof=1) / np.sqrt(len(gap)), gap


# --- sparse X: columns of symbols, counted in O(nnz) ------------------------------------------


def _sparse_counts(seed=0, n=600, d=40):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)
    X = sparse.random(n, d, density=0.05, random_state=seed, format="lil")
    X[:, 0] = (labels == 1)[:, None] * 2.0  # informative columns
    X[:, 1] = ((labels == 2) & (rng.random(n) < 0.5))[:, None] * 1.0
    X = X.tocsr()
    X.data = np.ceil(X.data * 3)  # counts 1..3
    return X, labels


def test_sparse_scores_equal_scikit_learn_and_the_dense_symbols():
    X, labels = _sparse_counts()
    theirs = mutual_info_classif(X, labels, discrete_features=True)
    np.testing.assert_allclose(mutual_info_scores(X, labels, "plugin"), theirs, atol=1e-9)
    dense = X.toarray().astype(int)
    np.testing.assert_allclose(
        mutual_info_scores(X, labels), mutual_info_scores(dense, labels), atol=1e-12
    )
    np.testing.assert_allclose(
        mutual_info_matrix(X), mutual_info_matrix(dense, discrete_features=True), atol=1e-12
    )
    y = labels + np.random.default_rng(1).standard_normal(len(labels))  # a continuous target
    np.testing.assert_allclose(
        mutual_info_scores(X, y), mutual_info_scores(dense, y, discrete_features=True), atol=1e-12
    )


@pytest.mark.parametrize("criterion", ["mim", "mifs", "mrmr", "jmi", "cmim"])
def test_selector_on_sparse_x_selects_as_on_the_dense_symbols(criterion):
    X, labels = _sparse_counts(seed=2)
    found = MutualInfoSelector(5, criterion).fit(X, labels)
    dense = MutualInfoSelector(5, criterion, discrete_features=True).fit(X.toarray(), labels)
    assert list(found.selected_) == list(dense.selected_)
    assert found.selected_[0] in (0, 1)
    np.testing.assert_allclose(found.criterion_values_, dense.criterion_values_, atol=1e-12)
    assert found.transform(X).shape == (X.shape[0], 5)


def test_selector_on_sparse_x_says_what_it_cannot_do():
    X, labels = _sparse_counts()
    with pytest.raises(ValueError, match="needs a discrete target"):
        MutualInfoSelector(3).fit(X, labels + 0.5 * np.arange(len(labels)) / len(labels))
    with pytest.raises(ValueError, match="'disr' is not available for a sparse X"):
        MutualInfoSelector(3, "disr").fit(X, labels)
    with pytest.raises(ValueError, match="a sparse X is read as symbols"):
        mutual_info_scores(X, labels, "ksg")


def test_dithers_do_not_depend_on_the_other_columns_or_the_entry_point():
    rng = np.random.default_rng(13)
    labels = rng.integers(0, 3, 400)
    X = np.round(rng.standard_normal((400, 4)) + labels[:, None] * [0.5, 1, 0, 2], 1)
    scores = mutual_info_scores(X, labels, random_state=3)
    # column j draws from its own stream: dropping the columns after it changes nothing
    first_three = mutual_info_scores(X[:, :3], labels, random_state=3)
    np.testing.assert_array_equal(first_three, scores[:3])
    selected = MutualInfoSelector(2, "mim", n_neighbors=3, random_state=3).fit(X, labels)
    np.testing.assert_array_equal(selected.scores_, scores)


def test_sparse_x_of_measurements_is_read_as_numbers():
    rng = np.random.default_rng(14)
    X = sparse.random(600, 3, density=0.3, random_state=2, format="csr")
    y = X[:, [0]].toarray()[:, 0] + 0.1 * rng.normal(size=600)
    np.testing.assert_array_equal(
        mutual_info_scores(X, y, random_state=0), mutual_info_scores(X.toarray(), y, random_state=0)
    )
    labels = rng.integers(0, 3, 600)
    MutualInfoSelector(2).fit(X, labels)  # densified: every criterion, any target


def test_sparse_counts_against_a_continuous_target_are_seeded():
    X, labels = _sparse_counts()
    y = np.round(labels + np.random.default_rng(2).normal(size=len(labels)), 1)
    first = mutual_info_scores(X[:, :4], y, "ksg", random_state=0)
    np.testing.assert_array_equal(first, mutual_info_scores(X[:, :4], y, "ksg", random_state=0))


def test_disr_with_a_constant_column_and_labels_seen_once():
    rng = np.random.default_rng(15)
    Xd = np.column_stack([rng.integers(0, 3, 60), np.zeros(60, int), rng.integers(0, 2, 60)])
    yd = (Xd[:, 0] + rng.integers(0, 2, 60)) % 3
    selector = MutualInfoSelector(2, "disr", random_state=0).fit(Xd, yd)
    assert selector.selected_[0] == 0 and selector.scores_[1] == 0.0
    # a target whose labels are all seen once: nothing to estimate from, every score 0
    zero_inflated = np.where(rng.random(60) < 0.4, 0.0, rng.standard_normal(60))
    X = np.column_stack([rng.standard_normal(60), zero_inflated])
    unique = np.array([f"s{i}" for i in range(60)])
    np.testing.assert_array_equal(mutual_info_scores(X, unique), [0.0, 0.0])


def test_few_rows_of_integer_symbols_need_no_neighbours():
    found = mutual_info_scores(np.array([[0, 1], [1, 0], [0, 1]]), np.array([0, 1, 0]))
    expected = estimators.mutual_information([0, 1, 0], [0, 1, 0], "miller-madow")
    np.testing.assert_allclose(found, [expected, expected], atol=1e-12)
