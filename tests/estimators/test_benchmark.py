"""The benchmark runner: applicability, tidy rows, failures recorded, parallel = serial."""

import csv
import math

import numpy as np

from estimators import benchmark


def test_applicable_methods_match_the_task_data():
    discrete = benchmark.applicable("discrete-4x4")
    continuous = benchmark.applicable("normal-1d")
    assert {"plugin", "miller-madow", "nsb"} <= set(discrete)
    assert not {"ksg", "kde"} & set(discrete)
    assert {"knn", "kde", "histogram", "gaussian"} <= set(continuous)
    assert "plugin" not in continuous


def test_a_tiny_grid_gives_one_row_per_cell():
    rows = benchmark.run(
        ["normal-1d", "gaussian-1+1-mi0.5"],
        sizes=[300],
        seeds=[0, 1],
        methods=["knn", "ksg", "gaussian"],
    )
    cells = {(r["task"], r["estimator"], r["seed"]) for r in rows}
    assert len(rows) == len(cells) == 8  # (knn, gaussian) x 2 seeds + (ksg, gaussian) x 2 seeds
    for row in rows:
        assert set(row) == set(benchmark.FIELDS)
        assert not row["failure"] and math.isfinite(row["estimate"])
        assert row["error"] == row["estimate"] - row["truth"]
        assert row["seconds"] >= 0


def test_a_failing_cell_is_recorded_and_the_run_goes_on():
    rows = benchmark.run(["normal-1d"], sizes=[1, 50], seeds=[0], methods=["kde"])
    failed, done = rows
    assert "at least 2" in failed["failure"] and math.isnan(failed["estimate"])
    assert not done["failure"] and math.isfinite(done["estimate"])


def test_parallel_rows_equal_serial_rows():
    grid = (["gaussian-1+1-mi1", "normal-shift-1d"], [200], [0, 1])
    serial = benchmark.run(*grid, methods=["ksg", "knn"])
    parallel = benchmark.run(*grid, methods=["ksg", "knn"], n_jobs=2)
    assert [r["estimate"] for r in serial] == [r["estimate"] for r in parallel]


def test_summary_and_csv(tmp_path):
    rows = benchmark.run(["normal-1d"], sizes=[400], seeds=[0, 1, 2], methods=["gaussian"])
    (summary,) = benchmark.summarize(rows)
    errors = np.array([r["error"] for r in rows])
    assert summary["bias"] == errors.mean() and summary["failed"] == 0
    assert summary["sd"] == errors.std(ddof=1)
    assert summary["rmse"] == np.sqrt((errors**2).mean())
    path = tmp_path / "rows.csv"
    benchmark.write_csv(rows, path)
    with open(path) as handle:
        written = list(csv.DictReader(handle))
    assert [float(r["estimate"]) for r in written] == [r["estimate"] for r in rows]
