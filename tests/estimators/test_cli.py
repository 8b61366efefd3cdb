"""The infoest command line: bench on a tiny grid, one-line errors with exit code 2."""

import subprocess
import sys

import pytest

from estimators import cli


def test_bench_on_a_tiny_grid_prints_the_table_and_writes_the_files(tmp_path, capsys):
    code = cli.main(
        [
            "bench",
            "--tasks",
            "normal-1d,gaussian-1+1-mi0.5",
            "--n",
            "200",
            "--seeds",
            "2",
            "--estimators",
            "gaussian,knn,ksg",
            "--out",
            str(tmp_path),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "| normal-1d | gaussian | 200 |" in out and "| gaussian-1+1-mi0.5 | ksg | 200 |" in out
    assert (tmp_path / "rows.csv").read_text().count("\n") == 1 + 2 * 2 * 2
    assert (tmp_path / "summary.csv").exists()
    if pytest.importorskip("matplotlib"):
        assert (tmp_path / "estimates.png").stat().st_size > 5000
        assert (tmp_path / "errors.png").stat().st_size > 5000


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (["bench", "--n", "ten"], "expected integers"),
        (["bench", "--n", "0"], "expected positive integers"),
        (["bench", "--tasks", "nope"], "unknown task 'nope'"),
        (["bench", "--estimators", "nope"], "unknown estimator 'nope'"),
        (["bench", "--quantity", "volume"], "invalid choice"),
        (["frobnicate"], "invalid choice"),
        (["bench", "--seeds", "0"], "--seeds must be >= 1"),
    ],
)
def test_bad_options_give_one_line_and_exit_2(arguments, fragment):
    result = subprocess.run(
        [sys.executable, "-m", "estimators.cli", *arguments], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_help_for_every_subcommand():
    for arguments in ([], ["bench"]):
        result = subprocess.run(
            [sys.executable, "-m", "estimators.cli", *arguments, "--help"],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0 and "usage: infoest" in result.stdout
