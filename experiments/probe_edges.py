"""Edge inputs: every quantity x every registered method x ~50 extreme, degenerate and
malformed inputs, each call classified (issue 16).

``python -m experiments.probe_edges`` calls ``estimators.<quantity>(*samples, method=m,
random_state=0)`` for the four quantities, every registered method of each and ``"auto"``
(the neural bounds only with ``--neural``, trained for a few steps), on each input of
:data:`CASES`, and sorts every call into one of three outcomes:

``clear error``
    a ``ValueError`` or ``TypeError`` — exactly those types: subclasses such as numpy's
    ``LinAlgError`` come from inside an implementation — whose message names an argument of
    the call as a word: a sample (``x``, ``y``, ``z``, ``x_p``, ``x_q``), ``random_state``,
    or an option the case gives. The method's name alone does not count. A message that
    names none ("cov contains inf", numpy's "inhomogeneous shape", "the 2 columns of these
    300 samples are linearly dependent") does not tell the user which input to fix. And the
    input must be one that may be refused: invalid input, or valid input whose *reference*
    (below) is refused too, or a case that allows it (symbols given to a method that needs
    numbers).
``documented value``
    a finite number that satisfies the case's expectation: equal to the value the same
    method gives on the case's reference input, plus the known offset, within the case's
    tolerance; or the case's exact value (MI with a constant: 0). One infinite value is
    documented: ``+inf`` for a KL divergence where the method takes ``x_p``'s values as
    point masses (a discrete method, or symbol/atom columns) and ``x_p`` has a value that
    ``x_q`` lacks.
``anything else``
    a wrong number, NaN or inf without an error, another exception type, an unclear
    message, an invalid input accepted, or a valid input refused while its reference is
    not.

The expectations (each case states its own):

- *scale*: every sample multiplied by ``a`` (1e-300 .. 1e300, per column for "columns
  at 1e300 and 1e-300"): MI, CMI and KL unchanged; entropy shifted by ``sum log a`` over
  the columns for the methods that read numbers, unchanged for the discrete methods
  (symbols keep their identity). Tolerance 1e-6 nats. Where the reference itself holds
  extreme values (an outlier at 1e300, subnormal numbers, float16), the reference is the
  case's input times a power of two, which is exact in floating point.
- *shift*: ``+1e6`` against the plain sample, tolerance 1e-6; ``+1e12`` rounds every value
  to ``ulp(1e12) = 1.2e-4``, so its reference is ``(x + 1e12) - 1e12`` (the same rounded
  numbers, subtracted exactly), and the tolerance 0.01 nats covers the one difference
  left: the unshifted values lie on a grid of that step, which the reading recognises and
  dithers (by at most 6e-5, about 1 % of the nearest-neighbour distance at this ``n``),
  while at 1e12 the grid is below the storage's resolution and the values are read as
  continuous.
- *rows*: permuted rows give the same number (within 1e-6), except for the neural bounds,
  whose train/validation/test split follows the row order (there: a finite number);
  duplicated rows, ``n = 2`` and ``n = 3`` (no known value) are checked for scale
  equivariance against the input times 16.
- *types*: float32 against float64 holding the same numbers (1e-9); float16 against itself
  times 16 (exact in float16); lists, pandas, torch and object arrays of numbers against
  numpy float64 (1e-9); unsigned and Python integers, integers beyond 2^53, against small
  int64 codes with the same levels (1e-9); strings, bools, categoricals and mixed objects
  against int64 codes of the same partition, or a clear error from a method that needs
  numbers.
- *degenerate*: a constant ``x``, all samples constant, one row: MI and CMI exactly 0, a
  KL divergence between samples of the same constant 0, the entropy of a constant 0 for a
  discrete method and a clear error for every other (a constant number has differential
  entropy ``-inf``); CMI with a constant ``z`` equals the same method's MI.
- *invalid*: NaN, inf, missing values, complex numbers, empty samples or columns, ragged
  lists, 3-D arrays and scalars, mismatched lengths or dimensions, a bad
  ``random_state``, ``base``, ``k``, ``column_kinds`` or option name: a clear error.

Neural bounds (``--neural``: ``max_steps=20``) train in float32, so their invariances hold
to float32 rounding carried through training: tolerance 1e-3 nats there.

Prints the count of each outcome, the counts per method, and every "anything else" call.
Base samples: n = 300, ``x, y = x + noise, z`` standard normal; ``p ~ N(0, 1)``,
``q ~ N(0.5, 1)`` for KL; codes with 4 and 3 levels for the symbol cases. Runs in about a
minute on two cores (neural bounds: a few minutes more).
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

import estimators
from estimators._registry import _METHODS, methods_for

QUANTITIES = {
    "entropy": ("x",),
    "mutual_information": ("x", "y"),
    "conditional_mutual_information": ("x", "y", "z"),
    "kl_divergence": ("x_p", "x_q"),
}
CLEAR, DOCUMENTED, ELSE = "clear error", "documented value", "anything else"
OUTCOMES = (CLEAR, DOCUMENTED, ELSE)
N = 300
NEURAL_OPTIONS = {"max_steps": 20, "eval_every": 10, "batch_size": 64}
TOLERANCE = 1e-6
NEURAL_TOLERANCE = 1e-3


@dataclass
class Expect:
    """What a case's calls may give.

    ``kind``: ``"invalid"`` (a clear error), ``"same"`` (the value on ``reference`` plus, for
    entropy by a method that reads numbers, ``log_scale``; or an error where the reference
    errs too, or where ``error_ok``), ``"value"`` (exactly ``value``, or a clear error where
    ``error_ok``), ``"constant entropy"`` (0 for a discrete method, else a clear error),
    ``"finite"`` (a finite number or a clear error)."""

    kind: str
    reference: tuple | None = None
    reference_quantity: str | None = None
    log_scale: float = 0.0
    tolerance: float = TOLERANCE
    value: float = 0.0
    error_ok: bool = False
    rows_order: bool = False  # the invariance is a row permutation (neural: finite only)


@dataclass
class Case:
    name: str
    build: object  # (quantity, data) -> (samples, options, Expect) or None (not applicable)
    group: str = ""
    options: dict = field(default_factory=dict)


# --- base samples -------------------------------------------------------------------------------


def base_data(n: int = N) -> dict:
    rng = np.random.default_rng(0)
    x, z = rng.standard_normal(n), rng.standard_normal(n)
    codes = rng.integers(0, 4, n)
    return {
        "continuous": {
            "entropy": (x,),
            "mutual_information": (x, x + rng.standard_normal(n)),
            "conditional_mutual_information": (x, x + z + rng.standard_normal(n), z),
            "kl_divergence": (rng.standard_normal(n), rng.standard_normal(n) + 0.5),
        },
        "codes": {
            "entropy": (codes,),
            "mutual_information": (codes, (codes + rng.integers(0, 2, n)) % 4),
            "conditional_mutual_information": (
                codes,
                (codes + rng.integers(0, 2, n)) % 4,
                rng.integers(0, 3, n),
            ),
            "kl_divergence": (codes, rng.integers(0, 4, n)),
        },
        "second": {  # a second column per argument, for the per-column cases
            "entropy": (rng.standard_normal(n),),
            "mutual_information": (rng.standard_normal(n), rng.standard_normal(n)),
            "conditional_mutual_information": tuple(rng.standard_normal(n) for _ in range(3)),
            "kl_divergence": (rng.standard_normal(n), rng.standard_normal(n) + 0.5),
        },
    }


def _continuous(quantity, data):
    return data["continuous"][quantity]


def _codes(quantity, data):
    return data["codes"][quantity]


def _same(samples, reference, *, log_scale=0.0, tolerance=TOLERANCE, **more):
    return tuple(samples), {}, Expect("same", tuple(reference), None, log_scale, tolerance, **more)


def _invalid(samples, options=None):
    return tuple(samples), dict(options or {}), Expect("invalid")


# --- the cases ----------------------------------------------------------------------------------


def _scaled(factor):
    def build(quantity, data):
        base = _continuous(quantity, data)
        return _same([a * factor for a in base], base, log_scale=math.log(factor))

    return build


def _columns_apart(quantity, data):
    """Two columns per argument, at 1e300 and 1e-300 (KL: the same per column for x_p and
    x_q, so the divergence is unchanged)."""
    base = [
        np.column_stack((a, b))
        for a, b in zip(_continuous(quantity, data), data["second"][quantity], strict=True)
    ]
    factors = np.array([1e300, 1e-300])
    return _same([a * factors for a in base], base, log_scale=float(np.log(factors).sum()))


def _times_two_power(samples, power=4):
    """``samples`` times ``2**power`` (exact), and the entropy offset of the samples against
    that reference."""
    factor = 2.0**power
    reference = [np.asarray(a) * np.asarray(factor, dtype=np.asarray(a).dtype) for a in samples]
    d = np.asarray(samples[0]).reshape(len(samples[0]), -1).shape[1]
    return reference, -d * power * math.log(2)


def _equivariant(make):
    """A valid input with no known value: checked against itself times 16."""

    def build(quantity, data):
        samples = make(quantity, data)
        if samples is None:
            return None
        reference, log_scale = _times_two_power(samples)
        return _same(samples, reference, log_scale=log_scale)

    return build


def _outlier(quantity, data):
    samples = [a.copy() for a in _continuous(quantity, data)]
    samples[0][0] = 1e300
    return samples


def _subnormal(quantity, data):
    return [a * 1e-310 for a in _continuous(quantity, data)]


def _near_constant(quantity, data):
    return [1.0 + 1e-15 * a for a in _continuous(quantity, data)]


def _repeated(times):
    return lambda quantity, data: [np.repeat(a, times) for a in _continuous(quantity, data)]


def _first_rows(n):
    return lambda quantity, data: [a[:n] for a in _continuous(quantity, data)]


def _kl_unequal_lengths(quantity, data):
    if quantity != "kl_divergence":
        return None
    x_p, x_q = _continuous(quantity, data)
    return [x_p, x_q[: len(x_q) // 2]]


def _shift_1e6(quantity, data):
    base = _continuous(quantity, data)
    return _same([a + 1e6 for a in base], base)


def _shift_1e12(quantity, data):
    shifted = [a + 1e12 for a in _continuous(quantity, data)]
    return _same(shifted, [a - 1e12 for a in shifted], tolerance=0.01)


def _permuted(quantity, data):
    base = _continuous(quantity, data)
    order = np.random.default_rng(1).permutation(len(base[0]))
    return _same([a[order] for a in base], base, rows_order=True)


def _as_type(convert, reference=lambda a: a, source=_continuous, tolerance=1e-9, **more):
    def build(quantity, data):
        base = source(quantity, data)
        samples = [convert(a) for a in base]
        if any(s is None for s in samples):
            return None
        return _same(samples, [reference(a) for a in base], tolerance=tolerance, **more)

    return build


def _float16(quantity, data):
    samples = [a.astype(np.float16) for a in _continuous(quantity, data)]
    reference, log_scale = _times_two_power(samples)
    return _same(samples, reference, log_scale=log_scale)


def _pandas(a):
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return None
    return pd.Series(a)


def _frame(a):
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return None
    return pd.DataFrame({"a": a, "b": 2 * a + 1}) if a.ndim == 1 else None


def _frame_reference(a):
    return np.column_stack((a, 2 * a + 1))


def _categorical(a):
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return None
    return pd.Series(pd.Categorical(np.array(list("abcd"))[a]))


def _tensor(a):
    try:
        import torch
    except ImportError:  # pragma: no cover
        return None
    return torch.from_numpy(np.ascontiguousarray(a))


def _mixed_objects(a):
    """Numbers and strings in one object column: 0 -> 0, 1 -> "one", 2 -> 2.5, 3 -> "3"."""
    labels = np.array([0, "one", 2.5, "3"], dtype=object)
    return labels[a]


def _constant_x(quantity, data):
    samples = list(_continuous(quantity, data))
    samples[0] = np.full(len(samples[0]), 0.3)
    if quantity == "entropy":
        return tuple(samples), {}, Expect("constant entropy")
    if quantity == "kl_divergence":
        samples[1] = np.full(len(samples[1]), 0.3)
    return tuple(samples), {}, Expect("value", value=0.0)


def _all_constant(quantity, data):
    n = len(_continuous(quantity, data)[0])
    samples = [np.full(n, 0.3 + j) for j in range(len(QUANTITIES[quantity]))]
    if quantity == "entropy":
        return (np.column_stack((samples[0], samples[0] + 1)),), {}, Expect("constant entropy")
    if quantity == "kl_divergence":
        samples = [np.full((n, 2), 0.3)] * 2
    return tuple(samples), {}, Expect("value", value=0.0)


def _one_row(quantity, data):
    samples = [a[:1] for a in _continuous(quantity, data)]
    if quantity == "entropy":
        return tuple(samples), {}, Expect("constant entropy")
    if quantity == "kl_divergence":
        samples[1] = samples[0]
    return tuple(samples), {}, Expect("value", value=0.0, error_ok=True)


def _constant_z(quantity, data):
    if quantity != "conditional_mutual_information":
        return None
    x, y, z = _continuous(quantity, data)
    expect = Expect("same", (x, y), "mutual_information")
    return (x, y, np.full(len(z), 7.0)), {}, expect


def _with(value_at, kind="nan"):
    def build(quantity, data):
        samples = [a.copy() for a in _continuous(quantity, data)]
        samples[0][value_at] = {"nan": np.nan, "inf": np.inf}[kind]
        return _invalid(samples)

    return build


def _none_in_objects(quantity, data):
    samples = [a.astype(object) for a in _continuous(quantity, data)]
    samples[0][5] = None
    return _invalid(samples)


def _categorical_missing(quantity, data):
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return None
    samples = list(_codes(quantity, data))
    values = np.array(list("abcd"), dtype=object)[samples[0]]
    values[3] = None
    samples[0] = pd.Series(pd.Categorical(values))
    return _invalid(samples)


def _replace_first(make):
    def build(quantity, data):
        samples = list(_continuous(quantity, data))
        samples[0] = make(samples[0])
        return _invalid(samples)

    return build


def _mismatched(quantity, data):
    if quantity == "entropy":
        return None
    samples = list(_continuous(quantity, data))
    if quantity == "kl_divergence":
        samples[1] = np.column_stack((samples[1], samples[1]))  # other dimension
    else:
        samples[1] = samples[1][:-1]
    return _invalid(samples)


def _bad_option(**options):
    def build(quantity, data):
        return _invalid(_continuous(quantity, data), options)

    return build


CASES = [
    *[Case(f"scale {s:g}", _scaled(s), "scale") for s in (1e-300, 1e-200, 1e-100)],
    *[Case(f"scale {s:g}", _scaled(s), "scale") for s in (1e100, 1e200, 1e300)],
    Case("columns at 1e300 and 1e-300", _columns_apart, "scale"),
    Case("one outlier at 1e300", _equivariant(_outlier), "scale"),
    Case("subnormal numbers (x 1e-310)", _equivariant(_subnormal), "scale"),
    Case("near-constant (1 + 1e-15 x)", _equivariant(_near_constant), "scale"),
    Case("shift 1e6", _shift_1e6, "shift"),
    Case("shift 1e12", _shift_1e12, "shift"),
    Case("rows permuted", _permuted, "rows"),
    Case("each row twice", _equivariant(_repeated(2)), "rows"),
    Case("each row 5 times", _equivariant(_repeated(5)), "rows"),
    Case("n = 2", _equivariant(_first_rows(2)), "rows"),
    Case("n = 3", _equivariant(_first_rows(3)), "rows"),
    Case("KL: x_q half as long", _equivariant(_kl_unequal_lengths), "rows"),
    Case(
        "float32",
        _as_type(lambda a: a.astype(np.float32), lambda a: a.astype(np.float32).astype(np.float64)),
    ),
    Case("float16", _float16, "types"),
    Case("python lists", _as_type(lambda a: a.tolist()), "types"),
    Case("object array of floats", _as_type(lambda a: a.astype(object)), "types"),
    Case("pandas Series", _as_type(_pandas), "types"),
    Case("pandas DataFrame (2 columns)", _as_type(_frame, _frame_reference), "types"),
    Case("torch tensor", _as_type(_tensor), "types"),
    Case("uint8 codes", _as_type(lambda a: a.astype(np.uint8), source=_codes), "types"),
    Case("int64 codes + 2^60", _as_type(lambda a: a + 2**60, source=_codes), "types"),
    Case(
        "int64 measurements + 2^60",
        _as_type(
            lambda a: np.round(a * 1e3).astype(np.int64) + 2**60,
            lambda a: np.round(a * 1e3).astype(np.int64),
        ),
        "types",
    ),
    Case(
        "python ints beyond int64",
        _as_type(
            lambda a: np.array([2**70 + int(v) for v in a], dtype=object),
            source=_codes,
            error_ok=True,
        ),
        "types",
    ),
    Case("strings", _as_type(lambda a: np.array(list("abcd"))[a], source=_codes, error_ok=True)),
    Case("bools", _as_type(lambda a: a % 2 == 1, lambda a: a % 2, source=_codes, error_ok=True)),
    Case("pandas categorical", _as_type(_categorical, source=_codes, error_ok=True), "types"),
    Case("numbers and strings mixed", _as_type(_mixed_objects, source=_codes, error_ok=True)),
    Case("constant x", _constant_x, "degenerate"),
    Case("every sample constant", _all_constant, "degenerate"),
    Case("n = 1", _one_row, "degenerate"),
    Case("CMI with a constant z", _constant_z, "degenerate"),
    Case("NaN", _with(7, "nan"), "invalid"),
    Case("inf", _with(7, "inf"), "invalid"),
    Case("None in an object column", _none_in_objects, "invalid"),
    Case("categorical with a missing value", _categorical_missing, "invalid"),
    Case("complex numbers", _replace_first(lambda a: a + 1j), "invalid"),
    Case("empty (0 rows)", _replace_first(lambda a: a[:0]), "invalid"),
    Case("no columns (n, 0)", _replace_first(lambda a: a.reshape(-1, 1)[:, :0]), "invalid"),
    Case("ragged list", _replace_first(lambda a: [[1.0, 2.0], [3.0]] * (len(a) // 2)), "invalid"),
    Case("3-D array", _replace_first(lambda a: a.reshape(-1, 1, 1)), "invalid"),
    Case("scalar", _replace_first(lambda a: 1.5), "invalid"),
    Case("mismatched lengths / dimensions", _mismatched, "invalid"),
    Case("random_state='x'", _bad_option(random_state="x"), "invalid"),
    Case("random_state=-1", _bad_option(random_state=-1), "invalid"),
    Case("random_state=2.5", _bad_option(random_state=2.5), "invalid"),
    Case("base=1", _bad_option(base=1), "invalid"),
    Case("base='e'", _bad_option(base="e"), "invalid"),
    Case("k=10**9", _bad_option(k=10**9), "invalid"),
    Case("k=0", _bad_option(k=0), "invalid"),
    Case("column_kinds='bogus'", _bad_option(column_kinds="bogus"), "invalid"),
    Case("an unknown option", _bad_option(no_such_option=1), "invalid"),
]


# --- calling and classifying --------------------------------------------------------------------


def call(quantity: str, method: str, samples, options: dict):
    """The estimate, or the exception raised."""
    arguments = {"random_state": 0, **_method_options(method), **options}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return float(getattr(estimators, quantity)(*samples, method=method, **arguments))
    except Exception as error:  # every exception is classified
        return error


def _method_options(method: str) -> dict:
    known = _METHODS.get(method)
    return dict(NEURAL_OPTIONS) if known is not None and known.family == "neural" else {}


def _is_neural(method: str) -> bool:
    known = _METHODS.get(method)
    return known is not None and known.family == "neural"


def _reads_numbers(method: str) -> bool:
    """Whether the method's entropy of numbers follows their scale (all but the discrete
    family; ``"auto"`` reads the float samples of the scale cases as numbers)."""
    return method == "auto" or _METHODS[method].data != "discrete"


def _names_argument(message: str, quantity: str, options: dict) -> bool:
    names = {*QUANTITIES[quantity], "random_state", *options}
    return any(
        re.search(rf"(?<![\w']){re.escape(n)}(?![\w'])|'{re.escape(n)}'", message) for n in names
    )


def _point_masses_missing(quantity, method, samples) -> bool:
    """KL: ``x_p`` has a value ``x_q`` lacks, and the method takes values as point masses."""
    if quantity != "kl_divergence":
        return False
    try:
        reading = estimators.explain(quantity, *samples, method=method)
    except Exception:
        return False
    masses = _METHODS.get(reading.method) is not None and (
        _METHODS[reading.method].data == "discrete"
        or any(r.kind in ("symbols", "atoms") for rs in reading.readings.values() for r in rs)
    )
    p, q = (np.asarray(s, dtype=object).reshape(len(s), -1) for s in samples)
    return masses and bool({tuple(r) for r in p} - {tuple(r) for r in q})


def classify(quantity, method, samples, options, expect: Expect, outcome, reference):
    """``(outcome class, note)`` by the rules of the module docstring."""
    if isinstance(outcome, Exception):
        message = f"{type(outcome).__name__}: {outcome}"
        if type(outcome) not in (ValueError, TypeError):
            return ELSE, message
        if not _names_argument(str(outcome), quantity, options):
            return ELSE, "unclear message: " + message
        if expect.kind == "value" and not expect.error_ok:
            return ELSE, f"refused; expected {expect.value}: {message}"
        if expect.kind == "constant entropy" and not _reads_numbers(method):
            return ELSE, f"refused; a constant symbol has entropy 0: {message}"
        if expect.kind == "same" and not expect.error_ok and not isinstance(reference, Exception):
            return ELSE, f"refused while the reference gives {reference:.6g}: {message}"
        return CLEAR, message
    value = outcome
    if expect.kind == "invalid":
        return ELSE, f"accepted invalid input: {value!r}"
    if value == math.inf and _point_masses_missing(quantity, method, samples):
        return DOCUMENTED, "+inf: a point mass of x_p absent from x_q"
    if not math.isfinite(value):
        return ELSE, f"non-finite value without an error: {value!r}"
    if expect.kind == "constant entropy":
        if _reads_numbers(method):
            return ELSE, f"a constant number has entropy -inf; got {value!r}"
        return (DOCUMENTED, "") if value == 0 else (ELSE, f"expected 0, got {value!r}")
    if expect.kind == "value":
        ok = abs(value - expect.value) <= 1e-12
        return (DOCUMENTED, "") if ok else (ELSE, f"expected {expect.value}, got {value!r}")
    if expect.kind == "finite" or (expect.rows_order and _is_neural(method)):
        return DOCUMENTED, ""
    if isinstance(reference, Exception):
        return ELSE, f"{value!r} where the reference is refused: {reference}"
    offset = expect.log_scale if quantity == "entropy" and _reads_numbers(method) else 0.0
    tolerance = max(expect.tolerance, NEURAL_TOLERANCE if _is_neural(method) else 0.0)
    wanted = reference + offset
    if abs(value - wanted) <= tolerance:
        return DOCUMENTED, ""
    return ELSE, f"{value!r}, expected {wanted!r} (reference {reference!r}) within {tolerance:g}"


def methods_of(quantity: str, neural: bool) -> list[str]:
    names = ["auto", *methods_for(quantity)]
    return [m for m in names if neural or not _is_neural(m)]


def probe(neural: bool = False, cases=CASES, quantities=tuple(QUANTITIES)) -> list[dict]:
    """Every call, classified: dicts with quantity, method, case, outcome, note."""
    data = base_data()
    rows = []
    for quantity in quantities:
        for case in cases:
            built = case.build(quantity, data)
            if built is None:
                continue
            samples, options, expect = built
            for method in methods_of(quantity, neural):
                outcome = call(quantity, method, samples, options)
                reference = None
                if expect.reference is not None:
                    reference = call(
                        expect.reference_quantity or quantity, method, expect.reference, {}
                    )
                kind, note = classify(
                    quantity, method, samples, options, expect, outcome, reference
                )
                rows.append(
                    {
                        "quantity": quantity,
                        "method": method,
                        "case": case.name,
                        "outcome": kind,
                        "note": note,
                    }
                )
    return rows


def table(rows: list[dict]) -> str:
    """Counts per outcome, then per method, as a Markdown table."""
    totals = Counter(r["outcome"] for r in rows)
    per_method = defaultdict(Counter)
    for r in rows:
        per_method[r["method"]][r["outcome"]] += 1
    lines = ["| method | " + " | ".join(OUTCOMES) + " | calls |", "|---|---:|---:|---:|---:|"]
    for method in sorted(per_method, key=lambda m: (m != "auto", m)):
        counts = per_method[method]
        cells = " | ".join(str(counts[o]) for o in OUTCOMES)
        lines.append(f"| {method} | {cells} | {sum(counts.values())} |")
    cells = " | ".join(f"**{totals[o]}**" for o in OUTCOMES)
    lines.append(f"| **all** | {cells} | **{len(rows)}** |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--neural", action="store_true", help="include the neural bounds (max_steps=20)"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = probe(neural=args.neural)
    elapsed = time.perf_counter() - started
    inputs = len({r["case"] for r in rows})
    print(
        f"{len(rows)} calls: {len(QUANTITIES)} quantities x registered methods x {inputs} edge "
        f"inputs ({elapsed:.0f} s)\n"
    )
    print(table(rows))
    others = [r for r in rows if r["outcome"] == ELSE]
    print(f"\n{len(others)} calls classified as 'anything else'")
    for r in others:
        print(f"- {r['quantity']} / {r['method']} / {r['case']}: {r['note'][:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
