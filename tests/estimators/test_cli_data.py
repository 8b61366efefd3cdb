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
    assert main(["select", str(table), "--target", "label", "-k", "4", "--alpha", "0.05"]) == 0
    output = capsys.readouterr()
    selected = [row[1] for row in _rows(output.out)]
    assert set(selected) == {"x1", "colour"}  # x2 (noise) and const are not significant
    # the selector's warning, as one plain line of the CLI's (no file, line or category)
    assert output.err == (
        "infoest: warning: only 2 features have a relevance significant at alpha = 0.05; "
        "selecting those\n"
    )


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


def test_select_uses_the_selectors_k_and_mi_the_scores_k(table, capsys):
    # select's default --neighbors is MutualInfoSelector's (8), mi's is scikit-learn's 3:
    # the 'MI with' column of each equals the library function at that k
    import pandas as pd

    from estimators.selection import SELECTOR_NEIGHBORS, mutual_info_scores

    frame = pd.read_csv(table)
    x1_at = {
        k: mutual_info_scores(frame[["x1"]], frame["label"], n_neighbors=k, random_state=0)[0]
        for k in (3, SELECTOR_NEIGHBORS)
    }
    # the two k differ by more than the 4-decimal rounding of the printed numbers can hide
    assert abs(x1_at[3] - x1_at[SELECTOR_NEIGHBORS]) > 2e-4
    assert main(["select", str(table), "--target", "label", "-k", "1"]) == 0
    assert float(_rows(capsys.readouterr().out)[0][3]) == pytest.approx(
        x1_at[SELECTOR_NEIGHBORS], abs=5e-5
    )
    assert main(["mi", str(table), "--target", "label"]) == 0
    rows = {row[0]: float(row[2]) for row in _rows(capsys.readouterr().out)}
    assert rows["x1"] == pytest.approx(x1_at[3], abs=5e-5)


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


def _lines(output: str) -> list[str]:
    return output.splitlines()


@pytest.fixture
def columns():
    """x drives the binary y; z is noise (200 rows)."""
    rng = np.random.default_rng(2)
    x, z = rng.standard_normal(200), rng.standard_normal(200)
    y = (x + rng.standard_normal(200) > 0).astype(int)
    return {"x": x, "z": z, "y": y}


def _write(path, columns, sep, encoding="utf-8"):
    names = list(columns)
    rows = zip(*columns.values(), strict=True)
    text = sep.join(names) + "\n" + "".join(sep.join(map(str, row)) + "\n" for row in rows)
    path.write_text(text, encoding=encoding)
    return path


@pytest.mark.parametrize(
    ("sep", "name", "extra"),
    [
        (",", "comma", []),
        ("\t", "tab", []),
        (";", "semicolon", []),
        ("   ", "whitespace", []),
        ("|", "'|'", ["--sep", "|"]),
        ("\t", "tab", ["--sep", "tab"]),
    ],
)
def test_the_separator_is_read_from_the_header_and_reported(
    tmp_path, capsys, columns, sep, name, extra
):
    path = _write(tmp_path / "data.txt", columns, sep)
    assert main(["mi", str(path), "--target", "y", *extra]) == 0
    output = capsys.readouterr()
    how = "--sep" if extra else "read from the header line"
    assert _lines(output.out)[0] == (f"read {path} ({name}-separated, {how}): 3 columns, 200 rows")
    assert [row[0] for row in _rows(output.out)] == ["x", "z"] and output.err == ""


def test_a_tsv_gives_the_same_numbers_as_the_csv(tmp_path, capsys, columns):
    main(["mi", str(_write(tmp_path / "a.csv", columns, ",")), "--target", "y"])
    comma = _rows(capsys.readouterr().out)
    main(["mi", str(_write(tmp_path / "a.tsv", columns, "\t")), "--target", "y"])
    assert _rows(capsys.readouterr().out) == comma


def test_a_wrong_sep_names_the_single_column_and_says_what_to_do(tmp_path, capsys, columns):
    path = _write(tmp_path / "data.tsv", columns, "\t")
    assert main(["mi", str(path), "--target", "y", "--sep", ","]) == 2
    error = capsys.readouterr().err
    assert error == (
        f"infoest: error: no column 'y' in {path}; columns: 'x\\tz\\ty'; the file was read as "
        "one column: give --sep\n"
    )
    assert _exit_code(["mi", str(path), "--target", "y", "--sep", "ab"]) == 2
    assert "expected comma, tab, semicolon" in capsys.readouterr().err


def test_a_byte_order_mark_is_dropped(tmp_path, capsys, columns):
    reordered = {"y": columns["y"], "x": columns["x"], "z": columns["z"]}  # the BOM on 'y'
    path = _write(tmp_path / "excel.csv", reordered, ",", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfy,")
    assert main(["mi", str(path), "--target", "y"]) == 0
    assert [row[0] for row in _rows(capsys.readouterr().out)] == ["x", "z"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (bytes(range(256)) * 4, "is not a text file (binary data in its first bytes)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a text file"),
        ("x,y\ncaf\xe9,1\n".encode("latin-1"), "is not UTF-8 text: byte 0xe9 on line 2"),
        ("x,y\n1,2\n".encode("utf-16"), "is UTF-16 text; save it as UTF-8"),
    ],
)
def test_binary_and_non_utf8_files_are_named_in_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "data.bin"
    path.write_bytes(content)
    assert main(["mi", str(path), "--target", "y"]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"infoest: error: {path} ") and message in error
    assert error.count("\n") == 1


def test_dropna_says_how_many_rows_it_dropped(tmp_path, capsys):
    path = tmp_path / "missing.csv"
    rng = np.random.default_rng(1)
    body = [f"{a},{b},{i % 2}" for i, (a, b) in enumerate(rng.standard_normal((40, 2)))]
    path.write_text("a,b,y\n,1.0,0\n2.0,NA,1\n" + "\n".join(body) + "\n")
    assert main(["mi", str(path), "--target", "y", "--dropna"]) == 0
    assert _lines(capsys.readouterr().out)[0] == (
        f"read {path} (comma-separated, read from the header line): 3 columns, 40 rows; "
        "--dropna dropped 2 of 42 rows (missing values in a: 1, b: 1)"
    )


def test_the_matrix_and_the_ranking_as_csv(table, tmp_path, capsys):
    out = tmp_path / "mi.csv"
    assert main(["mi", str(table), "--matrix", "--target", "label", "-o", str(out)]) == 0
    printed = _rows(capsys.readouterr().out)
    import csv

    with open(out, newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert header == ["MI (nats)", "x1", "x2", "colour", "const"]
    assert [r[0] for r in rows] == header[1:]
    for i, (row, shown) in enumerate(zip(rows, printed, strict=True)):
        assert row[1 + i] == "" and shown[1 + i] == ""  # the diagonal: empty
        for j in set(range(4)) - {i}:
            assert f"{float(row[1 + j]):.4f}" == shown[1 + j]
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(out, index_col=0)
    assert list(frame.columns) == header[1:] and frame.index.name == "MI (nats)"
    assert np.allclose(frame.values, frame.values.T, equal_nan=True)
    ranking = tmp_path / "ranking.csv"
    args = ["mi", str(table), "--target", "label", "--bits", "--ci", "--output", str(ranking)]
    assert main(args) == 0
    assert capsys.readouterr().out.endswith(f"\nwrote {ranking}\n")
    frame = pd.read_csv(ranking)
    assert list(frame.columns) == [
        "column",
        "read as",
        "MI with label (bits)",
        "95% CI low",
        "95% CI high",
    ]
    assert frame["column"][0] == "x1" and frame["95% CI low"][0] < frame["95% CI high"][0]
    assert frame.set_index("column")["95% CI low"].isna().to_dict() == {
        "x1": False,
        "x2": False,
        "colour": False,
        "const": True,  # printed as "—": exactly 0, nothing to resample
    }


def test_method_help_lists_the_registered_names_and_bad_names_are_one_line(table, capsys):
    from estimators._registry import methods_for

    for command in ("mi", "select"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = " ".join(capsys.readouterr().out.split()).replace("- ", "-")  # unwrapped
        for name in ("auto", *methods_for("mutual_information")):
            assert name in text
    assert "whatever --method" in text  # select says what --method does not set
    assert _exit_code(["mi", str(table), "--target", "label", "--method", "nope"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "unknown method 'nope'; choose from auto, " in error


def test_select_method_sets_the_relevance_and_mim_but_not_jmi_terms(tmp_path, capsys, columns):
    columns = {**columns, "w": columns["x"] + columns["z"]}
    path = _write(tmp_path / "numbers.csv", columns, ",")

    def selection(*extra):
        assert main(["select", str(path), "--target", "y", "-k", "3", *extra]) == 0
        output = capsys.readouterr().out
        return output, _rows(output)

    _, auto = selection("--criterion", "mim")
    _, ksg = selection("--criterion", "mim", "--method", "ksg")
    for rows in (auto, ksg):  # mim: the criterion is the relevance
        assert all(row[2] == row[3] for row in rows)
    assert [row[3] for row in auto] != [row[3] for row in ksg]
    output, jmi = selection("--method", "ksg")
    assert "note: --method ksg sets the MI with y (the first pick" in output
    assert jmi[0][2] == jmi[0][3]  # the first pick: its relevance
    assert "note:" not in selection()[0]
