"""`sim verify`, `sim warmup` and the warm-up, precision and stability lines of `sim run`."""

from __future__ import annotations

import json

import yaml
from typer.testing import CliRunner

import sim.cli.verify_cmd as verify_cmd
from sim.cli.app import app
from sim.scenario.changes import scenario_to_dict
from sim.verify import exponential_hours, mmc_checks, textbook_scenario
from tests.cli.test_run_cli import sim_cmd


def test_verify_subset_passes_as_json():
    p = sim_cmd("verify", "--only", "mm1_rho50", "--workers", "2", "--json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["passed"] is True
    names = [c["name"] for c in data["checks"]]
    assert names == ["mm1_rho50_wait", "mm1_rho50_sojourn", "mm1_rho50_utilisation"]
    wait = data["checks"][0]
    assert wait["theory"] == 1.0 and wait["ci_low"] <= wait["mean"] <= wait["ci_high"]
    assert wait["tolerance"] > 0 and wait["passed"]


def test_verify_table_and_failing_check_exit_1(monkeypatch):
    def wrong():
        checks = mmc_checks(1, 0.5, warmup_days=20, horizon_days=300, replications=3)
        good, bad = checks[0], checks[1]
        return [good, type(bad)(**{**bad.__dict__, "theory": 3 * bad.theory})]

    monkeypatch.setattr(verify_cmd, "select_checks", lambda _only: wrong())
    r = CliRunner().invoke(app, ["verify", "--workers", "1"], env={"COLUMNS": "120"})
    assert r.exit_code == 1, r.output
    assert "FAIL" in r.output and "mm1_rho50_sojourn" in r.output
    assert "1 of 2 checks passed" in r.output


def test_verify_unknown_check_is_bad_input():
    p = sim_cmd("verify", "--only", "nonsense")
    assert p.returncode == 2
    assert "--only" in p.stderr and "mm1_rho50_wait" in p.stderr


def test_warmup_command(small_path):
    p = sim_cmd("warmup", str(small_path), "--reps", "2", "--days", "200", "--json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["method"] == "MSER-5" and data["replications"] == 2
    assert 0 <= data["suggested_days"] <= 260 and data["used_days"] == 60
    assert "unstable" in data["stability"]
    text = sim_cmd("warmup", str(small_path), "--reps", "2", "--days", "200")
    assert text.returncode == 0 and "suggested warm-up" in text.stdout
    assert "the scenario uses 60 days" in text.stdout
    bad = sim_cmd("warmup", str(small_path), "--set", "triage.staff=-1")
    assert bad.returncode == 2 and "triage.staff" in bad.stderr


def test_run_reports_warmup_and_precision(tmp_path, small_path):
    out = tmp_path / "res"
    p = sim_cmd(
        "run",
        str(small_path),
        "--days",
        "100",
        "--precision",
        "0.5",
        "--reps",
        "2",
        "--max-reps",
        "6",
        "--workers",
        "2",
        "--out",
        str(out),
    )
    assert p.returncode == 0, p.stderr
    assert "warm-up: used 60 days; MSER-5 on weekly open_cases suggests" in p.stderr
    assert "precision:" in p.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    seq = manifest["extra"]["sequential"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["replications"] == seq["replications"] <= 6
    assert manifest["extra"]["warmup"]["used_days"] == 60
    assert "stability" in manifest["extra"]


def test_run_warns_when_demand_exceeds_capacity(tmp_path):
    sc = textbook_scenario(
        "overloaded", [1.3], exponential_hours(1.0), 1, warmup_days=20, horizon_days=300
    )
    path = tmp_path / "overloaded.yaml"
    path.write_text(yaml.safe_dump(scenario_to_dict(sc)))
    p = sim_cmd("run", str(path), "--reps", "3", "--workers", "2", "--out", str(tmp_path / "o"))
    assert p.returncode == 0, p.stderr
    assert "warning:" in p.stderr and "unstable" in p.stderr and "grow by" in p.stderr
    stable = sim_cmd(
        "run",
        str(path),
        "--reps",
        "3",
        "--set",
        "officers.trained.count=2",
        "--out",
        str(tmp_path / "s"),
    )
    assert stable.returncode == 0, stable.stderr
    assert "unstable" not in stable.stderr
