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


def test_version_and_the_bare_command(capsys):
    from importlib import metadata

    with pytest.raises(SystemExit) as exit:
        cli.main(["--version"])
    assert exit.value.code == 0
    assert capsys.readouterr().out == f"infoest {metadata.version('infoest')}\n"
    assert cli.main([]) == 2  # a missing command: argparse's code, with the usage
    shown = capsys.readouterr()
    assert shown.out == "" and shown.err.startswith("usage: infoest ")
    for command in ("bench", "mi", "select", "--version", "infoest COMMAND --help"):
        assert command in shown.err


def test_bench_help_states_the_formats_and_defaults(capsys):
    with pytest.raises(SystemExit):
        cli.main(["bench", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--n N[,N...] sample sizes, comma-separated integers (default: 1000,5000)" in text
    assert "(default: infoest-bench, created if missing)" in text


def _has_no_raw_python_output(stderr: str) -> bool:
    return "Traceback" not in stderr and not re.search(r"\.py:\d+: \w*Warning", stderr)


def test_warnings_are_one_plain_line_each(tmp_path):
    # a subprocess: what a user sees, with Python's own warning display in place
    path = tmp_path / "two.csv"
    path.write_text("a,b,y\n" + "".join(f"{i % 7},{i % 5},{i % 2}\n" for i in range(60)))
    command = [sys.executable, "-m", "estimators.cli", "select", str(path), "--target", "y"]
    result = subprocess.run([*command, "-k", "5"], capture_output=True, text=True)
    assert result.returncode == 0 and _has_no_raw_python_output(result.stderr)
    assert (
        result.stderr == "infoest: warning: n_features = 5 exceeds the 2 features: all are kept\n"
    )


def test_an_unexpected_exception_is_one_line_too(monkeypatch, capsys):
    def broken(args):
        raise RuntimeError("something\nbroke")

    monkeypatch.setattr(cli, "bench", broken)
    assert cli.main(["bench"]) == 2
    assert capsys.readouterr().err == "infoest: error: RuntimeError: something broke\n"


ONE_TASK = ["bench", "--tasks", "normal-1d,normal-5d", "--n", "200,400", "--seeds", "2"]
ONE_TASK += ["--estimators", "gaussian,knn,histogram"]  # 2 tasks x 3 methods x 2 n x 2 seeds


def test_a_run_where_every_cell_fails_writes_the_tables_and_says_so(tmp_path, capsys):
    # --timeout 0.001 (the command) fails every cell that takes longer; which ones
    # do is up to the machine, so the limit is made to fire at once
    from estimators import benchmark

    def expire(function, seconds):
        raise benchmark.CellTimeout

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(benchmark, "_call_with_time_limit", expire)
        code = cli.main([*ONE_TASK, "--timeout", "0.001", "--out", str(tmp_path)])
    shown = capsys.readouterr()
    assert code == 0 and _has_no_raw_python_output(shown.err)
    assert shown.err == (
        "infoest: warning: 24 of 24 cells failed (24 x timeout after 0.001 s); the 'failure' "
        f"column of {tmp_path / 'rows.csv'} has each message\n"
        "infoest: warning: no figures: no cell succeeded\n"
    )
    assert "| normal-1d | gaussian | 200 | 1.4189 | — | — | — | — | — | 2 |" in shown.out
    assert (tmp_path / "rows.csv").exists() and (tmp_path / "summary.csv").exists()
    assert not list(tmp_path.glob("*.png"))


def test_a_run_where_some_cells_fail_draws_the_rest(tmp_path, capsys, monkeypatch):
    from estimators import _api

    entropy = _api.entropy

    def failing_knn(*samples, method, **options):
        if method == "knn":
            raise ValueError("knn is broken today")
        return entropy(*samples, method=method, **options)

    monkeypatch.setattr(_api, "entropy", failing_knn)
    assert cli.main([*ONE_TASK, "--out", str(tmp_path)]) == 0
    shown = capsys.readouterr()
    assert shown.err == (
        "infoest: warning: 8 of 24 cells failed (8 x ValueError: knn is broken today); the "
        f"'failure' column of {tmp_path / 'rows.csv'} has each message\n"
    )
    pytest.importorskip("matplotlib")
    assert (tmp_path / "estimates.png").stat().st_size > 5000
    assert (tmp_path / "errors.png").stat().st_size > 5000


def test_the_estimates_figure_is_labelled_and_clips_an_estimator_far_off(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from estimators import benchmark

    figures = []
    monkeypatch.setattr(plt, "close", figures.append)  # keep the figures to look at
    rows = []
    for estimator, offset in (("good", 0.01), ("same", 0.01), ("fair", -0.05), ("far", 2.0)):
        for n in (1000, 5000):
            for seed, noise in enumerate((-0.01, 0.01)):
                estimate = 6.0 + offset + noise
                rows.append(
                    dict(task="normal-5d", quantity="entropy", estimator=estimator, n=n,
                         seed=seed, truth=6.0, estimate=estimate, seconds=0.1,
                         error=estimate - 6.0, failure="")
                )  # fmt: skip
    assert benchmark.plot(rows, tmp_path) == [tmp_path / "estimates.png", tmp_path / "errors.png"]
    estimates = figures[0]
    axis = estimates.axes[0]
    assert axis.get_title() == "normal-5d  (exact 6)"
    assert axis.get_xlabel() == "n (samples)" and axis.get_ylabel() == "entropy (nats)"
    low, high = axis.get_ylim()
    assert low < 5.94 and 6.02 < high < 7  # "far" (8.0) is beyond the axis, the rest within
    assert [t.get_text() for t in axis.texts] == ["8", "8"]  # its value, printed at the edge
    labels = [t.get_text() for t in estimates.legends[0].get_texts()]
    assert labels[:4] == ["fair", "far", "good", "same"]
    assert "exact value" in labels and "± 1 sd over 2 seeds" in labels
    assert any(label.startswith("mean beyond the axis") for label in labels)
    lines = [line for line in axis.get_lines() if line.get_marker() not in ("None", "^", "v")]
    x = {tuple(line.get_xdata()) for line in lines if len(line.get_xdata()) == 2}
    # the markers of good, same and fair ("far" is only at the edge): equal estimates
    # ("good", "same") at distinct positions along n
    assert len(x) == 3
    assert estimates._suptitle.get_text().startswith("infoest bench: mean estimate over 2 seeds")
