"""The infoest command line: bench on a tiny grid (local and on Dask), the progress bar,
one-line errors with exit code 2."""

import re
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
        (["bench", "--timeout", "0"], "expected a positive number of seconds"),
        (["bench", "--scheduler", "tcp://127.0.0.1:8786"], "go together"),
        (["bench", "--backend", "dask"], "go together"),
        (["bench", "--backend", "dask", "--scheduler", "nowhere"], "bad Dask scheduler address"),
    ],
)
def test_bad_options_give_one_line_and_exit_2(arguments, fragment, capsys):
    # in this process (a subprocess each costs seconds): argparse's errors exit by
    # SystemExit, ours return the code; any other exception would fail the test
    try:
        code = cli.main(arguments)
    except SystemExit as exit:
        code = exit.code
    stderr = capsys.readouterr().err
    assert code == 2
    assert stderr.count("\n") == 1 and fragment in stderr


def test_the_console_script_prints_one_line_and_nothing_at_exit():
    # a subprocess sees what the interpreter prints when it exits (dask's leftovers would)
    result = subprocess.run(
        [sys.executable, "-m", "estimators.cli", "bench", "--backend", "dask", "--scheduler", "x"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        "infoest: error: bad Dask scheduler address 'x': missing port number in address 'x'\n"
    )


def test_help_for_every_subcommand(capsys):
    for arguments in ([], ["bench"]):
        with pytest.raises(SystemExit) as exit:
            cli.main([*arguments, "--help"])
        assert exit.value.code == 0 and "usage: infoest" in capsys.readouterr().out


TINY = ["bench", "--tasks", "normal-1d,mixed-2-labels", "--n", "200", "--seeds", "2"]
TINY += ["--estimators", "gaussian,ross"]  # 2 tasks x 1 method x 2 seeds: 4 cells


def test_the_progress_bar_leaves_stdout_as_it_was(tmp_path, capsys, monkeypatch):
    # on a terminal the bar goes to stderr; stdout (table, file list) is the --quiet one's,
    # digits aside (the times differ from run to run)
    assert cli.main([*TINY, "--out", str(tmp_path), "--quiet"]) == 0
    quiet = capsys.readouterr()
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert cli.main([*TINY, "--out", str(tmp_path)]) == 0
    shown = capsys.readouterr()
    assert "cell" not in quiet.err and "4/4" in shown.err
    assert re.sub(r"\d", "#", shown.out) == re.sub(r"\d", "#", quiet.out)
    assert shown.out.startswith("| task | estimator |") and "\r" not in shown.out


def test_bench_runs_on_a_dask_cluster(dask_cluster, tmp_path, capsys):
    local, on_dask = tmp_path / "local", tmp_path / "dask"
    assert cli.main([*TINY, "--out", str(local)]) == 0
    assert (
        cli.main([*TINY, "--out", str(on_dask), "--backend", "dask", "--scheduler", dask_cluster])
        == 0
    )
    capsys.readouterr()

    def estimates(folder):
        return [line.split(",")[6] for line in (folder / "rows.csv").read_text().splitlines()]

    assert len(estimates(local)) == 1 + 4 and estimates(on_dask) == estimates(local)
