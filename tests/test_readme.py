"""The README's Python examples run, and the numbers in their comments are what they print."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)
# a line "expr   # 1.6855 ..." states the value of expr to the digits shown
# (an expression, not an assignment, followed by a comment that starts with a number)
CLAIM = re.compile(r"^(?![\w, ]+=[^=])(?P<expr>[^#]+?)\s+# (?P<value>-?\d+\.\d+)\b")


def test_readme_has_python_examples():
    assert BLOCKS


@pytest.mark.parametrize("block", BLOCKS)
def test_readme_block_runs_and_its_numbers_hold(block):
    namespace = {}
    exec(compile(block, str(README), "exec"), namespace)
    for match in filter(None, map(CLAIM.match, block.splitlines())):
        digits = len(match["value"].split(".")[1])
        value = float(eval(match["expr"], namespace))
        assert round(value, digits) == float(match["value"]), match[0]


def test_readme_claims_are_found():
    claims = [m for block in BLOCKS for m in map(CLAIM.match, block.splitlines()) if m]
    assert len(claims) >= 5
