"""A replication that raises is named with its index and seed, and can be rerun alone."""

from __future__ import annotations

import csv
import pickle
import shlex
import sys

import pytest
from typer.testing import CliRunner

import sim
from sim.cli.app import app
from sim.experiment.failures import ReplicationError
from sim.model import engine

pytestmark = pytest.mark.source_model  # patches or subclasses the model's internals

FAILING = 3


@pytest.fixture
def third_replication_fails(monkeypatch):
    """Replication 3 (whatever the run seed) divides by zero as it starts."""
    real = engine.Streams

    def streams(seed_sequence):
        if seed_sequence.spawn_key[-1:] == (FAILING,):
            return 1 / 0
        return real(seed_sequence)

    monkeypatch.setattr(engine, "Streams", streams)


def test_failure_names_index_seed_and_scenario(small, third_replication_fails):
    with pytest.raises(ReplicationError) as info:
        sim.run(small, replications=5, workers=1, horizon_days=20, seed=7)
    exc = info.value
    assert (exc.index, exc.seed, exc.scenario) == (FAILING, 7, "small")
    assert exc.detail == "ZeroDivisionError: division by zero"
    assert str(exc).startswith("replication 3 (run seed 7) of scenario 'small' failed")


def test_error_survives_the_trip_from_a_worker():
    exc = ReplicationError(4, 99, "s", "ValueError: bad")
    back = pickle.loads(pickle.dumps(exc))
    assert (back.index, back.seed, back.scenario, back.detail) == (4, 99, "s", "ValueError: bad")


def _rows(path):
    with open(path, newline="") as f:
        return {int(r["replication"]): r for r in csv.DictReader(f)}


def test_cli_line_gives_a_command_that_reruns_the_replication(
    tmp_path, small_path, monkeypatch, third_replication_fails
):
    args = ["run", str(small_path), "--reps", "4", "--days", "20", "--seed", "7"]
    args += ["--workers", "1", "--out", str(tmp_path / "full")]
    monkeypatch.setattr(sys, "argv", ["sim", *args])
    failed = CliRunner().invoke(app, args)
    assert failed.exit_code == 1
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in failed.stderr
    assert lines[0].startswith("error: replication 3 (run seed 7) of scenario 'small' failed: ")
    assert "ZeroDivisionError: division by zero; reproduce with: sim run " in lines[0]
    assert not (tmp_path / "full").exists()
    command = shlex.split(lines[0].split("reproduce with: ", 1)[1])

    monkeypatch.undo()  # the replication no longer fails: compare it with a whole run
    assert CliRunner().invoke(app, args).exit_code == 0
    alone = CliRunner().invoke(app, command[1:])
    assert alone.exit_code == 0, alone.stderr
    out = tmp_path / f"full-replication-{FAILING}"
    assert list(_rows(out / "replications.csv")) == [FAILING]
    assert (
        _rows(out / "replications.csv")[FAILING]
        == _rows(tmp_path / "full" / "replications.csv")[FAILING]
    )


def test_first_replication_refused_with_precision(small_path, tmp_path):
    args = ["run", str(small_path), "--precision", "0.1", "--first-replication", "2"]
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "--first-replication: cannot be combined with --precision" in result.stderr
