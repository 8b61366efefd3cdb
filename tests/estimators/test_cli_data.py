"""``infoest mi`` and ``infoest select`` on CSV files: results, and one-line errors (exit 2)."""

import numpy as np
import pytest

import estimators
from estimators.cli import main


@pytest.fixture
def table(tmp_path):
    """300 rows: x1 drives the label, 'colour' (strings) adds to it, x2 is noise, const is
    constant."""
    rng = np.random.default_rng(0)
    n = 300
    x1, x2 = rng.standard_normal(n), rng.standard_normal(n)
    colour = rng.choice(["red", "green", "blue"], n)
    label = (x1 + (colour == "red") + 0.3 * rng.standard_normal(n) > 0.5).astype(int)
    lines = ["x1,x2,colour,const,label"]
    lines += [f"{a},{b},{c},1.5,{d}" for a, b, c, d in zip(x1, x2, colour, label, strict=True)]
    path = tmp_path / "data.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _rows(output: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in output.splitlines()
        if line.startswith("| ") and not line.startswith("|---")
    ][1:]


def test_mi_ranks_the_columns(table, capsys):
    assert main(["mi", str(table), "--target", "label"]) == 0
    output = capsys.readouterr().out
    assert "target label: read as symbols (2 levels)" in output
    rows = _rows(output)
    assert rows[0][0] == "x1"
    read_as = {name: reading for name, reading, _ in rows}
    assert read_as == {
        "x1": "continuous",
        "x2": "continuous",
        "colour": "symbols (3 levels)",
        "const": "constant",
    }
    values = {name: float(v) for name, _, v in rows}
    assert values["const"] == 0.0  # a constant column: exactly 0
    assert values["x1"] > 0.2 > abs(values["x2"])  # H(label) = 0.69: x1 says much, x2 nothing
    assert list(values.values()) == sorted(values.values(), reverse=True)


def test_mi_with_intervals_and_p_values(table, capsys):
    args = ["mi", str(table), "--target", "label", "--ci", "--test", "--permutations", "49"]
    assert main(args) == 0
    rows = {row[0]: row[2:] for row in _rows(capsys.readouterr().out)}
    low, high = (float(v) for v in rows["x1"][1].split(" – "))
    assert low < float(rows["x1"][0]) < high  # the interval brackets the estimate
    assert float(rows["x1"][2]) == pytest.approx(1 / 50)  # no permutation reaches x1's MI
    assert float(rows["x2"][2]) > 0.05  # noise: not significant
    assert float(rows["colour"][2]) == pytest.approx(1 / 50)  # strings: discrete, informative
    assert main(["mi", str(table), "--target", "label", "--test", "--permutations", "0"]) == 2
    capsys.readouterr()
    with pytest.warns(UserWarning, match="significant"):
        assert main(["select", str(table), "--target", "label", "-k", "4", "--alpha", "0.05"]) == 0
    selected = [row[1] for row in _rows(capsys.readouterr().out)]
    assert set(selected) == {"x1", "colour"}  # x2 (noise) and const are not significant


def test_mi_in_bits_and_the_matrix_with_a_heat_map(table, tmp_path, capsys):
    main(["mi", str(table), "--target", "label"])
    nats = {r[0]: float(r[2]) for r in _rows(capsys.readouterr().out)}
    assert main(["mi", str(table), "--target", "label", "--bits"]) == 0
    bits = {r[0]: float(r[2]) for r in _rows(capsys.readouterr().out)}
    assert bits["x1"] == pytest.approx(nats["x1"] / np.log(2), abs=1e-4)
    pytest.importorskip("matplotlib")
    png = tmp_path / "mi.png"
    assert main(["mi", str(table), "--matrix", "--target", "label", "--plot", str(png)]) == 0
    rows = _rows(capsys.readouterr().out)
    assert [r[0] for r in rows] == ["x1", "x2", "colour", "const"]  # the target left out
    assert rows[0][1] == "" and png.stat().st_size > 1000


def test_kind_sets_how_a_column_is_read(tmp_path, capsys):
    rng = np.random.default_rng(4)
    x = np.round(rng.standard_normal(400), 1)
    y = (x + rng.standard_normal(400) > 0).astype(int)
    path = tmp_path / "rounded.csv"
    path.write_text("x,y\n" + "\n".join(f"{a},{b}" for a, b in zip(x, y, strict=True)) + "\n")
    assert main(["mi", str(path), "--target", "y"]) == 0
    assert _rows(capsys.readouterr().out)[0][1].startswith("quantized (step 0.1, ")
    assert main(["mi", str(path), "--target", "y", "--kind", "x=symbols"]) == 0
    read_as, value = _rows(capsys.readouterr().out)[0][1:3]
    # read as symbols, the pair is two discrete variables: the Miller-Madow plug-in
    expected = estimators.mutual_information(x, y, "miller-madow")
    assert read_as.startswith("symbols (") and float(value) == pytest.approx(expected, abs=1e-4)
    # the target's reading is the estimate's: y read as quantized numbers (a grid of step 1)
    assert main(["mi", str(path), "--target", "y", "--kind", "y=quantized"]) == 0
    output = capsys.readouterr().out
    assert "target y: read as quantized (step 1, 2 levels)" in output
    scores = estimators.selection.mutual_info_scores(
        x[:, None], y, target_kind="quantized", random_state=0
    )
    assert float(_rows(output)[0][2]) == pytest.approx(scores[0], abs=5e-5)  # 4 decimals
    for bad in ("x=banana", "x", "z=symbols"):
        assert _exit_code(["mi", str(path), "--target", "y", "--kind", bad]) == 2
        assert capsys.readouterr().err.count("\n") == 1


def test_a_constant_target_scores_zero_with_intervals(tmp_path, capsys):
    path = tmp_path / "constant.csv"
    rng = np.random.default_rng(5)
    path.write_text("x,c\n" + "\n".join(f"{v},7" for v in rng.standard_normal(50)) + "\n")
    assert main(["mi", str(path), "--target", "c", "--ci", "--test"]) == 0
    assert _rows(capsys.readouterr().out)[0][1:] == ["continuous", "0.0000", "—", "—"]


def test_select_prints_the_selection_in_order(table, capsys):
    assert main(["select", str(table), "--target", "label", "-k", "2"]) == 0
    rows = _rows(capsys.readouterr().out)
    assert [r[1] for r in rows] == ["x1", "colour"]  # given x1, the colour adds most
    assert [r[0] for r in rows] == ["1", "2"]


def test_dropna_drops_incomplete_rows(tmp_path, capsys):
    path = tmp_path / "missing.csv"
    rng = np.random.default_rng(1)
    body = [f"{a},{b},{i % 2}" for i, (a, b) in enumerate(rng.standard_normal((40, 2)))]
    path.write_text("a,b,y\n,1.0,0\n2.0,NA,1\n" + "\n".join(body) + "\n")
    assert main(["mi", str(path), "--target", "y"]) == 2
    assert capsys.readouterr().err == (
        "infoest: error: column 'a' has 1 missing value(s) in 42 rows; drop those rows with "
        "--dropna\n"
    )
    assert main(["mi", str(path), "--target", "y", "--dropna"]) == 0


@pytest.mark.parametrize(
    ("text", "arguments", "message"),
    [
        ("a,b\n1,2\n3,4\n", ["--target", "c"], "no column 'c' in"),
        ("a,b,y\n1.0,2.0,0\n", ["--target", "y"], "n_samples = 1"),
        ("a,y\n1,2\n3\n", ["--target", "y"], "line 3 has 1 fields; the header has 2"),
        ("", ["--target", "y"], "is empty"),
        ("a,a\n1,2\n", ["--target", "a"], "the column name 'a' twice"),
        ("y\n1\n2\n", ["--target", "y"], "no feature column"),
    ],
)
def test_bad_files_give_one_line_errors(tmp_path, capsys, text, arguments, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    assert main(["mi", str(path), *arguments]) == 2
    error = capsys.readouterr().err
    assert error.startswith("infoest: error: ") and message in error
    assert error.count("\n") == 1


def _exit_code(arguments) -> int:
    """``main``'s return value, or argparse's exit code for a bad command line."""
    try:
        return main(arguments)
    except SystemExit as exit:
        return exit.code


def test_bad_options_give_one_line_errors(table, tmp_path, capsys):
    for arguments in (
        ["select", str(table), "--target", "label", "-k", "0"],
        ["select", str(table), "--target", "label", "--criterion", "best"],
        ["select", str(table)],  # no --target
        ["mi", str(table)],  # neither --target nor --matrix
        ["mi", str(tmp_path / "absent.csv"), "--target", "y"],
        ["mi", str(table), "--target", "label", "--method", "nope"],
        ["select", str(table), "--target", "label", "--criterion", "disr"],  # continuous
    ):
        assert _exit_code(arguments) == 2, arguments
        error = capsys.readouterr().err
        assert error.startswith("infoest: error: ") and error.count("\n") == 1, arguments
