"""`sim sweep` as a user runs it: files, sweep files, a killed run resuming, errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import yaml
from typer.testing import CliRunner

import sim
from sim.cli.app import app
from sim.experiment.dask_executor import ADDRESS_ENV
from tests.processes import sim_cmd

FAST = ["--days", "100", "--reps", "2"]
TABLES = ("points.csv", "runs.csv", "summary.csv", "sensitivity.csv")


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), env={ADDRESS_ENV: None, "COLUMNS": "200"})


def test_oat_sweep_writes_folder_and_tornado_table(tmp_path, small_path):
    out = tmp_path / "oat"
    p = sim_cmd(
        "sweep",
        str(small_path),
        *FAST,
        "--vary",
        "officers.trained.count=4:8",
        "--vary",
        "allocation.untrained_after_days=5,null",
        "--out",
        str(out),
    )
    assert p.returncode == 0, p.stderr
    assert "allocation_days_mean: one at a time" in p.stdout
    assert "officers.trained.count" in p.stdout and "95% CI" in p.stdout
    assert "5 points × 2 replications" in p.stderr
    for name in (*TABLES, "manifest.json", "scenario.yaml", "sweep.yaml"):
        assert (out / name).is_file(), name
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["method"] == "oat" and manifest["tasks"] == 10
    assert manifest["command"][:2] == ["sim", "sweep"]
    assert [p["path"] for p in manifest["parameters"]] == [
        "officers.trained.count",
        "allocation.untrained_after_days",
    ]


def test_sweep_file_runs_and_its_copy_reproduces_the_tables(tmp_path, small_path):
    spec = {
        "scenario": os.path.relpath(small_path, tmp_path),
        "vary": {"officers.trained.count": {"low": 4, "high": 8}, "triage.staff": "1:3"},
        "method": "sobol",
        "samples": 4,
        "reps": 2,
        "days": 100,
        "out": "first",
    }
    (tmp_path / "sweep.yaml").write_text(yaml.safe_dump(spec))
    p = sim_cmd("sweep", "sweep.yaml", "--kpi", "referrals", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "referrals: Sobol indices" in p.stdout
    first = tmp_path / "first"
    assert len((first / "points.csv").read_text().splitlines()) == 1 + 4 * 4
    p = sim_cmd("sweep", str(first / "sweep.yaml"), "--out", "second", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    for name in TABLES:
        assert (tmp_path / "second" / name).read_bytes() == (first / name).read_bytes(), name


def test_killed_sweep_resumes_to_the_same_tables(tmp_path, small_path):
    vary = {"triage.staff": "1:4", "officers.trained.count": "4:8"}
    short = sim.load_scenario(small_path, overrides={"run.horizon_days": 100})
    whole = sim.sweep(short, vary, "sobol", samples=8, replications=2, out=tmp_path / "whole")
    args = [
        sys.executable,
        "-m",
        "sim.cli.app",
        "sweep",
        str(small_path),
        *FAST,
        "-m",
        "sobol",
        "-n",
        "8",
        "-w",
        "1",
        "--vary",
        "triage.staff=1:4",
        "--vary",
        "officers.trained.count=4:8",
        "--out",
        "killed",
    ]
    proc = subprocess.Popen(
        args, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    tasks = tmp_path / "killed.partial" / "tasks"
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if tasks.is_dir() and len(list(tasks.glob("*.json"))) >= 6:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the sweep finished before it could be killed"
    assert not (tmp_path / "killed").exists()
    kept = len(list(tasks.glob("*.json")))
    p = sim_cmd("sweep", *args[4:], cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    manifest = json.loads((tmp_path / "killed" / "manifest.json").read_text())
    assert manifest["tasks_resumed"] == kept >= 6
    assert not (tmp_path / "killed.partial").exists()
    for name in TABLES:
        assert (tmp_path / "killed" / name).read_bytes() == (whole.out / name).read_bytes(), name


def test_bad_path_is_one_line_exit_2_in_a_real_process(tmp_path, small_path):
    p = sim_cmd("sweep", str(small_path), "--vary", "triage.stafff=1:3", cwd=tmp_path)
    assert p.returncode == 2
    assert p.stderr.strip().count("\n") == 0 and "Traceback" not in p.stderr
    assert "--vary: triage.stafff: no key 'stafff'" in p.stderr
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--vary", "triage.staff"], "expected path=lo:hi[:step]"),
        (["--vary", "triage.staff=1:x"], "expected a finite number"),
        (["--vary", "triage.staff=-1:3"], "point 1: triage.staff"),
        (["--vary", "triage.staff=1:3", "-m", "tornado"], "--method: expected one of"),
        (["--vary", "triage.staff=1:3", "-m", "grid"], "a grid needs a step"),
        (["--vary", "triage.staff=1:3", "-m", "sobol"], "sobol needs --samples"),
        (["--vary", "triage.staff=1:3", "--kpi", "waits"], "no such KPI 'waits'"),
        (["--vary", "triage.staff=1:3", "--set", "triage.nope=1"], "triage.nope"),
        ([], "nothing to vary"),
        (["--vary", "triage.staff=1:3", "--address", "nonsense"], "--address"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, small_path, args, message):
    result = invoke("sweep", str(small_path), *FAST, *args, "--out", str(tmp_path / "o"))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_bad_sweep_files_exit_2(tmp_path, small_path):
    cases = {
        "unknown key": (
            {
                "scenario": str(small_path),
                "vary": {"triage.staff": "1:3"},
                "reps": 2,
                "replicates": 3,
            },
            "replicates: unknown key",
        ),
        "missing vary": ({"scenario": str(small_path), "vary": {}}, "vary: expected a mapping"),
        "no scenario": ({"scenario": "none.yaml", "vary": {"a.b": "1:2"}}, "file not found"),
    }
    for name, (doc, message) in cases.items():
        path = tmp_path / f"{name.replace(' ', '_')}.yaml"
        path.write_text(doc if isinstance(doc, str) else yaml.safe_dump(doc))
        result = invoke("sweep", str(path))
        assert result.exit_code == 2, (name, result.output)
        assert message in result.stderr, (name, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1


def test_unquoted_range_in_a_sweep_file_is_a_range(tmp_path, small_path):
    """YAML 1.1 would read 1:3 as the base-60 number 63; the tool reads it as a range."""
    from sim.sweep.store import read_sweep_file

    path = tmp_path / "sweep.yaml"
    path.write_text(f"scenario: {small_path}\nvary:\n  triage.staff: 1:3\n")
    assert read_sweep_file(path)["vary"] == {"triage.staff": "1:3"}


def test_existing_results_folder_needs_force(tmp_path, small_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    args = ["sweep", str(small_path), "--days", "30", "--reps", "1", "--vary", "triage.staff=1:3"]
    result = invoke(*args, "--out", str(out))
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert (out / "keep.txt").exists()
    result = invoke(*args, "--out", str(out), "--force")
    assert result.exit_code == 2 and "not written by this tool" in result.stderr
    assert (out / "keep.txt").exists()
    mine = tmp_path / "mine"
    assert invoke(*args, "--out", str(mine)).exit_code == 0
    result = invoke(*args, "--out", str(mine), "--force", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"manifest", "points", "runs", "summary", "sensitivity"}
    assert len(data["runs"]) == 3


def test_unreachable_scheduler_exits_1_in_one_line(tmp_path, small_path):
    for command in (
        ["sweep", str(small_path), "--vary", "triage.staff=1:3"],
        ["run", str(small_path)],
    ):
        result = invoke(
            *command, *FAST, "--address", "tcp://127.0.0.1:1", "-o", str(tmp_path / "o")
        )
        assert result.exit_code == 1, result.output
        assert "cannot reach the Dask scheduler" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert not (tmp_path / "o").exists()


def test_help_has_examples():
    result = invoke("sweep", "--help")
    assert result.exit_code == 0 and "Examples" in result.stdout and "--vary" in result.stdout
    assert ADDRESS_ENV in invoke("run", "--help").stdout
