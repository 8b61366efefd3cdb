"""experiments.gaussian_kl: the seed's numbers, the estimators on its samples, the files."""

import csv

import pytest

pytest.importorskip("torch")
pytest.importorskip("matplotlib")

from experiments import gaussian_kl


def test_every_estimator_is_within_0_05_nats_on_the_seeds_samples():
    # n = 10,000 per sample: the spread of these estimators is ~0.01-0.025 nats (measured over
    # seeds in the k-NN and family tests), so 0.05 is 2-5 standard deviations from 0.5.
    for method, *values in gaussian_kl.same_sample_rows(gaussian_kl.ESTIMATORS):
        for value in values:
            assert abs(value - gaussian_kl.TRUTH) < 0.05, (method, values)


def test_quick_run_prints_the_seed_numbers_and_writes_the_files(tmp_path, capsys):
    gaussian_kl.main(["--quick", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    for printed in ("8582.0341796875", "8828.3095703125", "14130.125", "46.18621024399691"):
        assert out.count(printed) == 2  # what the seed prints, and this run of its procedure
    with open(tmp_path / "convergence.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(gaussian_kl.ESTIMATORS) * 3 * 2  # methods x sizes x seeds
    assert {row["method"] for row in rows} == set(gaussian_kl.ESTIMATORS)
    assert (tmp_path / "convergence.png").stat().st_size > 10_000
