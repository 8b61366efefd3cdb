"""The registry: each method's declared options and analytic standard errors, and the layering
of the modules around it (uncertainty below the API, no family reached into)."""

from __future__ import annotations

import ast
import inspect
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import estimators
from estimators import _api, _registry

PACKAGE = Path(estimators.__file__).parent
#: the family modules: the families of the registered methods, each in its own module
FAMILIES = sorted({m.family for m in _registry._METHODS.values()} | {"neural", "hybrid"})
FAMILY_MODULES = sorted(name for name in FAMILIES if (PACKAGE / f"{name}.py").exists())


def _registered():
    return sorted(_registry._METHODS.items())


# --- options ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "method"), _registered(), ids=[n for n, _ in _registered()])
def test_declared_options_equal_the_implementations_keyword_options(name, method):
    for quantity, implementation in method.implementations.items():
        keyword = tuple(
            p.name
            for p in inspect.signature(implementation).parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name != "readings"
        )
        assert method.options(quantity) == keyword, (name, quantity)


def test_options_are_read_once_at_registration(monkeypatch):
    monkeypatch.setattr(_registry, "_METHODS", dict(_registry._METHODS))

    def toy(x, *, width=1.0, readings=()):
        return 0.0

    _registry.register("toy-options", "toy", "continuous", entropy=toy)
    method = _registry.lookup("toy-options", "entropy")
    toy.__signature__ = inspect.Signature()  # later changes are not seen
    assert method.options("entropy") == ("width",)
    assert method.takes_readings("entropy")
    assert method.standard_error("entropy") is None


def test_unknown_option_is_checked_against_the_method_that_runs():
    x = np.random.default_rng(0).standard_normal((50, 2))
    # "auto" resolves to a k-NN method for continuous columns: its options are the ones checked
    chosen = estimators.explain("entropy", x).method
    with pytest.raises(TypeError, match=rf"method {chosen!r} has no option 'bins'; its options:"):
        estimators.entropy(x, bins=4)
    with pytest.raises(TypeError, match=r"method 'plugin' has no option 'k'; its options: none"):
        estimators.entropy(np.array(["a", "b"] * 20), method="plugin", k=3)


def test_registration_refuses_a_standard_error_without_an_implementation():
    with pytest.raises(ValueError, match="bad registration"):
        _registry.register(
            "toy-bad",
            "toy",
            "continuous",
            entropy=lambda x: 0.0,
            standard_errors={"kl_divergence": None},
        )
    assert "toy-bad" not in _registry._METHODS


# --- analytic standard errors -------------------------------------------------------------------


def test_families_declare_their_analytic_standard_errors():
    declared = {
        (name, quantity)
        for name, method in _registry._METHODS.items()
        for quantity in method.standard_errors
    }
    neural = {(bound, "mutual_information") for bound in estimators.neural.BOUNDS}
    gaussian = {
        ("gaussian", q) for q in ("entropy", "mutual_information", "conditional_mutual_information")
    }
    assert declared == {("nsb", "entropy")} | gaussian | neural


def _toy_entropy(x, *, offset=0.0):
    return 1.5 + offset


def _toy_standard_error(problem):
    value = problem.run(*problem.arrays)
    return (
        value,
        0.25,
        "toy scheme",
        {"options": dict(problem.options), "n": len(problem.arrays[0])},
    )


@pytest.fixture
def toy_method(monkeypatch):
    """A method registered for one test only (the registry is restored after it)."""
    monkeypatch.setattr(_registry, "_METHODS", dict(_registry._METHODS))
    _registry.register(
        "toy-se",
        "toy",
        "continuous",
        entropy=_toy_entropy,
        standard_errors={"entropy": _toy_standard_error},
    )
    return "toy-se"


def test_auto_uses_the_standard_error_the_family_registered(toy_method):
    x = np.random.default_rng(0).standard_normal(40)
    estimate = estimators.entropy(
        x, method=toy_method, base=2, uncertainty="auto", confidence_level=0.9, offset=0.5
    )
    z = stats.norm.ppf(0.95)
    assert estimate.uncertainty == "toy scheme" and estimate.method == toy_method
    assert estimate.value == pytest.approx(2.0 / math.log(2))
    assert estimate.stderr == pytest.approx(0.25 / math.log(2))
    assert estimate.ci == pytest.approx(
        ((2.0 - z * 0.25) / math.log(2), (2.0 + z * 0.25) / math.log(2))
    )
    assert estimate.diagnostics["options"] == {"offset": 0.5} and estimate.diagnostics["n"] == 40
    assert "readings" in estimate.diagnostics
    # asked for a resampling scheme, the registered standard error is not used
    resampled = estimators.entropy(x, method=toy_method, uncertainty="jackknife", random_state=0)
    assert resampled.uncertainty == "jackknife" and resampled.stderr == 0.0


def test_toy_method_is_gone_after_its_test():
    assert "toy-se" not in _registry._METHODS


# --- random_state is accepted by every method ----------------------------------------------------

#: tiny training for the neural bounds: the point is the seed, not the value
_NEURAL = {"max_steps": 3, "eval_every": 1, "batch_size": 16, "hidden": (4,)}


def _samples(method, quantity: str):
    rng = np.random.default_rng(0)
    n = 60
    if method.data == "discrete":
        draw = lambda: rng.integers(0, 3, n)  # noqa: E731
    else:
        draw = lambda: rng.standard_normal(n)  # noqa: E731
    x = draw()
    if quantity == "entropy":
        return (x,)
    if quantity == "kl_divergence":
        return x, (draw() if method.data == "discrete" else draw() + 0.5)
    y = x + draw() if method.data != "discrete" else (x + draw()) % 3
    if method.name == "ross":  # MI of symbols with numbers
        return rng.integers(0, 3, n), y
    if quantity == "mutual_information":
        return x, y
    return x, y, draw()


@pytest.mark.parametrize(
    ("name", "quantity"),
    [(n, q) for n, m in _registered() for q in m.implementations],
)
@pytest.mark.filterwarnings("ignore:the validation bound was still rising")
def test_every_method_takes_random_state_and_repeats_its_number(name, quantity):
    method = _registry.lookup(name, quantity)
    options = {"random_state": 0}
    if method.family == "neural":
        pytest.importorskip("torch")
        options.update(_NEURAL)
    estimate = getattr(estimators, quantity)
    samples = _samples(method, quantity)
    first = estimate(*samples, method=name, **options)
    again = estimate(*samples, method=name, **options)
    assert math.isfinite(first) and first == again


# --- layering -------------------------------------------------------------------------------------


def _imports(path: Path) -> list[tuple[ast.AST, str, list[str]]]:
    """Every import statement of a module: ``(node, module, names)``; relative modules keep
    their dots."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            found.append((node, module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((node, a.name, []) for a in node.names)
    return found


def _type_checking_only(path: Path) -> set[int]:
    """Line numbers of the imports under ``if TYPE_CHECKING:``."""
    lines = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            lines |= {child.lineno for child in ast.walk(node) if hasattr(child, "lineno")}
    return lines


def test_uncertainty_imports_no_family_module_and_not_the_api():
    path = PACKAGE / "uncertainty.py"
    hints = _type_checking_only(path)
    for node, module, names in _imports(path):
        target = module.lstrip(".").removeprefix("estimators.").split(".")[0]
        imported = {target, *names}
        assert not imported & set(FAMILY_MODULES), (module, names)
        assert not {"nsb_entropy", "NeuralMI", "_split", "_neighbors"} & imported, (module, names)
        if target == "_api" or "_api" in names:
            assert node.lineno in hints, "uncertainty imports _api for type hints only"
    assert "neural._split" not in path.read_text()


def test_the_api_imports_uncertainty_at_module_level():
    tree = ast.parse((PACKAGE / "_api.py").read_text())
    top = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "uncertainty"]
    names = {a.name for n in top for a in n.names}
    assert {"check_request", "estimate_with_uncertainty"} <= names
    inner = [
        n
        for f in ast.walk(tree)
        if isinstance(f, ast.FunctionDef)
        for n in ast.walk(f)
        if isinstance(n, ast.ImportFrom) and n.module == "uncertainty"
    ]
    assert not inner


_LOADED = """
import importlib, sys, types
package = types.ModuleType("estimators")  # the package without its __init__: one module's
package.__path__ = [{path!r}]             # own imports, not everything __init__ loads
sys.modules["estimators"] = package
importlib.import_module("estimators.{module}")
print(" ".join(sorted(m[11:] for m in sys.modules if m.startswith("estimators."))))
"""


def _loaded_by(module: str) -> set[str]:
    script = _LOADED.format(path=str(PACKAGE), module=module)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(done.stdout.split())


def test_importing_uncertainty_first_works():
    done = subprocess.run(
        [sys.executable, "-c", "import estimators.uncertainty as u; print(u.independence_test)"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    # on its own, uncertainty loads no other module of the package; the API loads no family
    assert _loaded_by("uncertainty") == {"uncertainty"}
    assert not _loaded_by("_api") & {*FAMILY_MODULES, "independence"}


def test_the_permutation_tests_keep_their_addresses():
    from estimators import independence, uncertainty

    assert uncertainty.independence_test is independence.independence_test
    assert estimators.independence_test is independence.independence_test
    assert uncertainty.IndependenceTestResult is independence.IndependenceTestResult
    assert uncertainty.permutation_pvalue is independence.permutation_pvalue
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = uncertainty.nothing
    assert _api.prepare  # independence_test prepares through the API
