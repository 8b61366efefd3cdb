"""exact's discrete formulas: reference values, identities, properties, validation, batching."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

import exact

# Agreement with scipy is rounding only: sums of <= 64 terms of magnitude <= 1.
REFERENCE_TOL = 1e-10
# A mathematically non-negative sum may round to about -1e-16 per term.
ROUNDING_TOL = 1e-12


def _dirichlet_with_zeros(rng, size, zero_fraction):
    p = rng.dirichlet(np.full(size, 0.5))
    p[rng.random(size) < zero_fraction] = 0.0
    if p.sum() == 0:
        p[rng.integers(size)] = 1.0
    return p / p.sum()


def _random_cases(count=320, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        n_x, n_y = rng.integers(1, 9, size=2)
        zero_fraction = rng.choice([0.0, 0.2, 0.5])
        p_xy = _dirichlet_with_zeros(rng, n_x * n_y, zero_fraction).reshape(n_x, n_y)
        q = _dirichlet_with_zeros(rng, n_x * n_y, 0.0)  # full support: KL finite
        yield p_xy, q


CASES = list(_random_cases())


def test_cases_cover_zeros_and_shapes():
    assert len(CASES) >= 300
    assert sum((p == 0).any() for p, _ in CASES) > 100
    assert len({p.shape for p, _ in CASES}) > 30


def test_entropy_matches_scipy():
    for p_xy, _ in CASES:
        p = p_xy.ravel()
        assert abs(exact.entropy(p) - stats.entropy(p)) < REFERENCE_TOL
        assert abs(exact.entropy(p, base=2) - stats.entropy(p, base=2)) < REFERENCE_TOL


def test_kl_and_cross_entropy_match_scipy():
    for p_xy, q in CASES:
        p = p_xy.ravel()
        assert abs(exact.kl_divergence(p, q) - stats.entropy(p, q)) < REFERENCE_TOL
        reference = stats.entropy(p) + stats.entropy(p, q)
        assert abs(exact.cross_entropy(p, q) - reference) < REFERENCE_TOL


def test_mutual_information_and_conditional_entropy_match_scipy():
    for p_xy, _ in CASES:
        h_x, h_y = stats.entropy(p_xy.sum(axis=1)), stats.entropy(p_xy.sum(axis=0))
        h_xy = stats.entropy(p_xy.ravel())
        assert abs(exact.mutual_information(p_xy) - (h_x + h_y - h_xy)) < REFERENCE_TOL
        assert abs(exact.conditional_entropy(p_xy) - (h_xy - h_x)) < REFERENCE_TOL


def test_js_divergence_matches_scipy_jensenshannon():
    from scipy.spatial.distance import jensenshannon

    for p_xy, q in CASES:
        p = p_xy.ravel()
        assert abs(exact.js_divergence(p, q) - jensenshannon(p, q) ** 2) < REFERENCE_TOL


def test_chain_rule_and_mi_identity():
    for p_xy, _ in CASES:
        h_xy = exact.joint_entropy(p_xy)
        h_x, h_y = exact.entropy(p_xy.sum(axis=1)), exact.entropy(p_xy.sum(axis=0))
        assert abs(h_xy - (h_x + exact.conditional_entropy(p_xy))) < REFERENCE_TOL
        assert abs(exact.mutual_information(p_xy) - (h_x + h_y - h_xy)) < REFERENCE_TOL


def test_conventions_zero_log_zero_and_infinite_kl():
    assert exact.entropy([1.0, 0.0]) == 0.0
    assert math.copysign(1.0, exact.entropy([1.0, 0.0])) == 1.0  # +0.0, not -0.0
    assert exact.kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert exact.cross_entropy([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert exact.kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(math.log(2))
    assert exact.self_information(0.0) == math.inf
    assert exact.js_divergence([1.0, 0.0], [0.0, 1.0], base=2) == pytest.approx(1.0)


def test_units():
    p = [0.2, 0.3, 0.5]
    nats = exact.entropy(p)
    assert exact.entropy(p, base=2) == pytest.approx(nats / math.log(2), rel=1e-15)
    assert exact.entropy(p, base=10) == pytest.approx(nats / math.log(10), rel=1e-15)


# --- properties ----------------------------------------------------------------------------

_weights = arrays(np.float64, st.integers(1, 12), elements=st.floats(0, 1e3))


def _normalised(w):
    total = w.sum()
    return w / total if total > 0 else None


def _nonempty_pmf():
    return _weights.map(_normalised).filter(lambda p: p is not None)


@settings(max_examples=200, deadline=None)
@given(_nonempty_pmf())
def test_entropy_between_zero_and_log_size(p):
    h = exact.entropy(p)
    assert -ROUNDING_TOL <= h <= math.log(p.size) + ROUNDING_TOL


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_kl_non_negative_and_zero_iff_equal(data):
    p = data.draw(_nonempty_pmf())
    w = data.draw(arrays(np.float64, p.size, elements=st.floats(1e-3, 1e3)))
    q = w / w.sum()
    assert exact.kl_divergence(p, q) >= -ROUNDING_TOL
    assert exact.kl_divergence(p, p) == 0.0
    if np.abs(p - q).max() > 1e-6:
        assert exact.kl_divergence(p, q) > 0


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.data())
def test_mutual_information_symmetric_and_non_negative(n_x, n_y, data):
    w = data.draw(arrays(np.float64, (n_x, n_y), elements=st.floats(0, 1e3)))
    if w.sum() == 0:
        w[0, 0] = 1.0
    p_xy = w / w.sum()
    mi = exact.mutual_information(p_xy)
    assert mi >= -ROUNDING_TOL
    assert abs(mi - exact.mutual_information(p_xy.T)) < ROUNDING_TOL


@settings(max_examples=100, deadline=None)
@given(_nonempty_pmf(), _nonempty_pmf())
def test_independent_joint_has_zero_mutual_information(p_x, p_y):
    assert abs(exact.mutual_information(np.outer(p_x, p_y))) < ROUNDING_TOL


# --- batching -------------------------------------------------------------------------------


def test_batched_entropy_equals_rowwise():
    rng = np.random.default_rng(1)
    p = rng.dirichlet(np.ones(100), size=1000)
    batched = exact.entropy(p)
    assert batched.shape == (1000,)
    np.testing.assert_allclose(batched, [exact.entropy(row) for row in p], rtol=0, atol=1e-13)
    np.testing.assert_allclose(exact.entropy(p.T, axis=0), batched, rtol=0, atol=1e-13)


def test_batched_divergences_broadcast_one_q():
    rng = np.random.default_rng(2)
    p, q = rng.dirichlet(np.ones(7), size=50), rng.dirichlet(np.ones(7))
    for formula in (exact.kl_divergence, exact.cross_entropy, exact.js_divergence):
        values = formula(p, q)
        assert values.shape == (50,)
        np.testing.assert_allclose(values, [formula(row, q) for row in p], atol=1e-13)


def test_batched_joint_tables():
    rng = np.random.default_rng(3)
    tables = rng.dirichlet(np.ones(12), size=30).reshape(30, 3, 4)
    for formula in (exact.mutual_information, exact.conditional_entropy):
        values = formula(tables)
        assert values.shape == (30,)
        np.testing.assert_allclose(values, [formula(t) for t in tables], atol=1e-13)
    joint = exact.joint_entropy(tables, axis=(-2, -1))
    np.testing.assert_allclose(joint, [exact.joint_entropy(t) for t in tables], atol=1e-13)


def test_joint_entropy_of_three_variables_uses_all_axes():
    rng = np.random.default_rng(4)
    p_xyz = rng.dirichlet(np.ones(24)).reshape(2, 3, 4)
    assert exact.joint_entropy(p_xyz) == pytest.approx(stats.entropy(p_xyz.ravel()), abs=1e-13)


# --- input families -------------------------------------------------------------------------


def test_lists_pandas_and_float32_are_accepted():
    pd = pytest.importorskip("pandas")
    p = [0.25, 0.25, 0.5]
    reference = exact.entropy(np.array(p))
    assert exact.entropy(pd.Series(p)) == pytest.approx(reference, abs=1e-15)
    assert exact.entropy(np.array(p, dtype=np.float32)).dtype == np.float32
    assert exact.entropy([1, 0]) == 0.0  # integer input is a point mass, as floats


def test_scalar_result_is_a_numpy_scalar():
    h = exact.entropy([0.5, 0.5])
    assert isinstance(h, float) and not isinstance(h, np.ndarray)


def test_importing_exact_does_not_import_torch():
    import subprocess
    import sys

    code = (
        "import sys, exact; exact.entropy([0.5, 0.5]); exact.gaussian.entropy(1.0); "
        "sys.exit('torch' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: exact.entropy([0.5, 0.6]), "sum = 1.1"),
        (lambda: exact.entropy([0.5, -0.1, 0.6]), "negative"),
        (lambda: exact.entropy([0.5, np.nan, 0.5]), "finite"),
        (lambda: exact.entropy([0.5, np.inf]), "finite"),
        (lambda: exact.entropy([]), "no outcomes"),
        (lambda: exact.entropy(0.5), "at least one dimension"),
        (lambda: exact.entropy([[0.5, 0.5], [0.2, 0.2]]), "1 of 2 distributions"),
        (lambda: exact.entropy([0.5, 0.5], axis=2), "out of range"),
        (lambda: exact.kl_divergence([0.5, 0.5], [0.2, 0.2, 0.6]), "same number of outcomes"),
        (lambda: exact.kl_divergence([0.5, 0.5], [0.5, 0.6]), "q does not sum to 1"),
        (lambda: exact.mutual_information([0.5, 0.5]), "joint table"),
        (lambda: exact.self_information(1.5), "above 1"),
        (lambda: exact.entropy([0.5, 0.5], base=1), "base"),
        (lambda: exact.entropy([0.5, 0.5], base=-2), "base"),
        (lambda: exact.entropy([0.5, 0.5], base=math.inf), "base"),
        (lambda: exact.mutual_information([[0.5, 0.0], [0.0, 0.5]], p_x=[0.5, 0.3, 0.2]), "p_x"),
        (lambda: exact.cross_entropy_loss([0.3, 0.7], [0]), "n_samples, n_classes"),
        (lambda: exact.cross_entropy_loss([[0.3, 0.7]], [2]), "[0, 2)"),
        (lambda: exact.cross_entropy_loss([[0.3, 0.7]], [0, 1]), "one class per row"),
        (lambda: exact.cross_entropy_loss([[0.3, 0.6]], [0]), "probs does not sum to 1"),
    ],
)
def test_bad_input_raises_value_error_naming_the_problem(call, fragment):
    with pytest.raises(ValueError, match=None) as info:
        call()
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda: exact.entropy(["a", "b"]),
        lambda: exact.entropy([0.5, 0.5], base="2"),
        lambda: exact.cross_entropy_loss([[0.3, 0.7]], [0.0]),
        lambda: exact.entropy([0.5, 0.5], axis=1.0),
    ],
)
def test_wrong_types_raise_type_error(call):
    with pytest.raises(TypeError):
        call()


def test_validate_false_skips_the_checks():
    # A sub-normalised vector: refused by default, evaluated as written on request.
    p = np.array([0.2, 0.3])
    with pytest.raises(ValueError):
        exact.entropy(p)
    assert exact.entropy(p, validate=False) == pytest.approx(
        -(0.2 * np.log(0.2) + 0.3 * np.log(0.3))
    )


def test_marginals_equal_to_the_joints_are_accepted():
    p_xy = np.array([[0.1, 0.5], [0.1, 0.3]])
    value = exact.mutual_information(p_xy, p_x=[0.6, 0.4], p_y=[[0.2, 0.8]])
    assert value == exact.mutual_information(p_xy)
    assert exact.conditional_entropy(p_xy, p_x=[0.6, 0.4]) == exact.conditional_entropy(p_xy)
