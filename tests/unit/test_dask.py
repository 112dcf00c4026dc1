"""Sweeps and runs on a Dask cluster give the same numbers as local ones.

One two-process ``LocalCluster`` (about 3-5 s to start) serves the whole module.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import sim
from sim.cli.app import app
from sim.errors import InputError, RunError
from sim.experiment.dask_executor import ADDRESS_ENV, DaskExecutor

distributed = pytest.importorskip("distributed")

VARY = {"triage.staff": "1:4", "officers.trained.count": "4:8"}
FILES = ("points.csv", "runs.csv", "summary.csv", "sensitivity.csv")


@pytest.fixture(scope="module")
def address():
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


@pytest.fixture(scope="module")
def short(small) -> sim.Scenario:
    return sim.with_changes(small, {"run.horizon_days": 100, "run.replications": 2})


def test_sweep_on_dask_is_identical_to_local(short, address, tmp_path):
    local = sim.sweep(short, VARY, "sobol", samples=4, workers=1, out=tmp_path / "local")
    dask = sim.sweep(short, VARY, "sobol", samples=4, address=address, out=tmp_path / "dask")
    assert len(dask.runs) == 16 * 2 and repr(dask.runs) == repr(local.runs)
    assert dask.manifest["timings"]["executor"].startswith("dask")
    for name in FILES:
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()


def test_run_on_dask_is_identical_to_local(short, address):
    local = sim.run(short, workers=1)
    dask = sim.run(short, address=address)
    assert repr(dask.replication_rows()) == repr(local.replication_rows())


def test_cli_reads_the_address_from_the_environment(small_path, address, tmp_path):
    out = tmp_path / "env"
    args = ["sweep", str(small_path), "--vary", "triage.staff=1:3", "--days", "60", "--reps", "2"]
    result = CliRunner().invoke(app, [*args, "--out", str(out)], env={ADDRESS_ENV: address})
    assert result.exit_code == 0, result.output
    manifest = (out / "manifest.json").read_text()
    assert f"dask ({address})" in manifest
    local = tmp_path / "local"
    result = CliRunner().invoke(
        app, [*args, "--out", str(local), "--workers", "1"], env={ADDRESS_ENV: None}
    )
    assert result.exit_code == 0, result.output
    assert (out / "runs.csv").read_bytes() == (local / "runs.csv").read_bytes()


def test_sim_run_takes_address(small_path, address, tmp_path):
    args = ["run", str(small_path), "--reps", "2", "--days", "60"]
    on_dask = CliRunner().invoke(app, [*args, "--address", address, "-o", str(tmp_path / "d")])
    assert on_dask.exit_code == 0, on_dask.output
    local = CliRunner().invoke(
        app, [*args, "--workers", "1", "-o", str(tmp_path / "l")], env={ADDRESS_ENV: None}
    )
    assert local.exit_code == 0, local.output
    for name in ("summary.csv", "replications.csv"):
        assert (tmp_path / "d" / name).read_bytes() == (tmp_path / "l" / name).read_bytes()


def test_unreachable_or_malformed_addresses_fail_in_one_line():
    with pytest.raises(RunError, match="cannot reach the Dask scheduler"):
        list(DaskExecutor("tcp://127.0.0.1:1", timeout=2).map_indexed(abs, [1]))
    with pytest.raises(InputError, match="--address"):
        list(DaskExecutor("nonsense").map_indexed(abs, [1]))
    with pytest.raises(InputError, match="--address"):
        DaskExecutor("  ")


@pytest.mark.slow
def test_larger_sobol_sweep_on_dask_is_identical_to_two_local_workers(short, address):
    vary = {**VARY, "hazards.harm_per_day": "0.0005:0.002"}
    local = sim.sweep(short, vary, "sobol", samples=32, workers=2)
    dask = sim.sweep(short, vary, "sobol", samples=32, address=address)
    for table in ("points", "runs", "summary", "sensitivity"):
        assert repr(getattr(dask, table)) == repr(getattr(local, table)), table
