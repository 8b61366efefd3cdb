"""experiments.seed_examples and the seed's Gaussian procedure reproduce the seed's numbers."""

import math

import pytest

from experiments import seed_examples


def test_discrete_rows_reproduce_or_refuse():
    rows = {row.example.split("(")[0]: row for row in seed_examples.discrete_examples()}
    assert len(rows) == 6
    for name in ("self_information", "entropy", "joint_entropy", "cross_entropy"):
        assert round(rows[name].infoest, 4) == rows[name].seed_prints
    assert rows["conditional_entropy"].infoest.startswith("ValueError")
    assert "0.8635" in rows["conditional_entropy"].note
    assert rows["mutual_information"].infoest.startswith("ValueError")
    assert "0.7195" in rows["mutual_information"].note
    assert round(rows["mutual_information"].correct, 7) == 0.0074034


def test_seed_gaussian_procedure_reproduces_its_printed_numbers_exactly():
    pytest.importorskip("torch")
    from experiments.seed_procedure import seed_kl_numbers

    numbers = seed_kl_numbers()
    assert numbers["kl_pq1"] == 8582.0341796875
    assert numbers["kl_pq2"] == 8828.3095703125
    assert numbers["kl_q2p"] == 14130.125
    assert numbers["similar_percentage"] == pytest.approx(2.8290698237936858, rel=1e-12)
    assert numbers["differ_percentage"] == pytest.approx(46.18621024399691, rel=1e-12)


def test_gaussian_rows_give_the_true_kl_half_a_nat_each_way():
    pytest.importorskip("torch")
    rows = seed_examples.torch_examples()
    kl_rows = [row for row in rows if row.unit == "bits"]
    assert len(kl_rows) == 3
    for row in kl_rows:
        assert row.infoest == pytest.approx(0.5 / math.log(2), abs=1e-12)
        assert "rerun here" in row.note


def test_main_prints_a_table_with_every_example(capsys):
    seed_examples.main()
    out = capsys.readouterr().out
    assert out.count("\n| ") >= 12 or "torch is not installed" in out
    assert "8582.0341796875" in out
