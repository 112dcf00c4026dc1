"""`sim calibrate` as a user runs it: exit codes, one-line errors, the output folder."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import sim
from sim.cli.app import app
from tests.processes import sim_cmd

REPS, SEED, DAYS = 2, 3, 200


def invoke(*args: str):
    """In-process (quick); `sim_cmd` runs the installed command as a user would."""
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture()
def scenario_file(tmp_path: Path, small_path: Path) -> Path:
    """A child of small.yaml that writes the fitted parameter itself, with a comment."""
    path = tmp_path / "scenarios" / "five.yaml"
    path.parent.mkdir()
    path.write_text(
        f"# five trained detectives\nextends: {small_path.resolve()}\nname: five\n"
        "officers:\n  trained: {count: 5, establishment: 12}   # assumed: a small team\n"
    )
    return path


def write_targets(path: Path, targets: list[dict], free: dict | None = None) -> Path:
    doc: dict = {"targets": targets, "settings": {"replications": REPS, "seed": SEED}}
    if free:
        doc["free"] = free
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def assert_one_line_error(p, *words: str) -> None:
    code = p.exit_code if hasattr(p, "exit_code") else p.returncode
    assert code == 2, p.stdout + p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), p.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.mark.parametrize(
    ("targets", "free", "words"),
    [
        (
            [{"kpi": "allocation_days_mean", "value": 1, "tolerance": 1}, {"kpi": "nope"}],
            "officers.trained.count=4:12",
            ["targets.yaml: targets.1", "'value'"],
        ),
        (
            [{"kpi": "alocation_days_mean", "value": 1, "tolerance": 1}],
            "officers.trained.count=4:12",
            ["targets.yaml: targets.0.kpi: unknown KPI", "allocation_days_mean"],
        ),
        (
            [{"kpi": "allocation_days_mean", "value": 1, "tolerance": 1}],
            "officers.trained.cout=4:12",
            ["--free: officers.trained.cout: not a parameter", "count"],
        ),
        (
            [{"kpi": "allocation_days_mean", "value": 1, "tolerance": 1}],
            "officers.trained.count=12:4",
            ["--free: officers.trained.count: expected low < high"],
        ),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path, scenario_file, targets, free, words):
    path = write_targets(tmp_path / "targets.yaml", targets)
    out = tmp_path / "out"
    p = invoke("calibrate", str(scenario_file), "-t", str(path), "-f", free, "-o", str(out))
    assert_one_line_error(p, *words)
    assert not out.exists()
    assert [q.name for q in tmp_path.iterdir() if q.name.startswith(".")] == []


def test_calibration_folder_reproduces_and_is_not_overwritten(tmp_path, scenario_file):
    five = sim.load_scenario(scenario_file)
    eight = sim.with_changes(five, {"officers.trained.count": 8})
    value = sim.run(eight, replications=REPS, seed=SEED, horizon_days=DAYS).summary[
        "allocation_days_mean"
    ]["mean"]
    targets = [
        {
            "kpi": "allocation_days_mean",
            "value": value,
            "tolerance": max(0.5, 0.15 * value),
            "source": "a run with 8 detectives",
        },
        # reported and checked, but not fitted
        {"kpi": "referrals", "value": 1.0, "tolerance": 1.0, "weight": 0},
    ]
    path = write_targets(tmp_path / "targets.yaml", targets, {"officers.trained.count": "4:12"})
    out = tmp_path / "cal"
    args = ("calibrate", str(scenario_file), "-t", str(path), "--days", str(DAYS))
    p = sim_cmd(*args, "--max-evals", "12", "-w", "1", "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert "target against achieved" in p.stdout and "fitted parameters" in p.stdout
    assert "1 of 2 targets outside tolerance" in p.stdout and "referrals" in p.stdout
    assert sorted(q.name for q in out.iterdir()) == [
        ".caseflow-sim.json",
        "calibration.csv",
        "calibration.json",
        "fitted.yaml",
        "history.csv",
    ]

    doc = json.loads((out / "calibration.json").read_text())
    assert doc["all_targets_met"] is False and doc["verdict"].startswith("1 of 2")
    assert doc["seed"] == SEED and doc["replications"] == REPS and doc["horizon_days"] == DAYS
    alloc = {r["kpi"]: r for r in doc["targets"]}["allocation_days_mean"]
    assert alloc["within_tolerance"] is True
    with (out / "calibration.csv").open() as f:
        rows = {r["kpi"]: r for r in csv.DictReader(f)}
    assert float(rows["allocation_days_mean"]["mean"]) == alloc["mean"]
    assert rows["referrals"]["within_tolerance"] == "False"
    assert len(doc["history"]) == len((out / "history.csv").read_text().splitlines()) - 1

    # fitted.yaml: the original text (comments kept) with the value replaced, a header
    # saying where it came from, and loads back to the same numbers with the same settings
    text = (out / "fitted.yaml").read_text()
    fitted_count = doc["fitted_values"]["officers.trained.count"]
    assert text.startswith("# Fitted by `sim calibrate`") and "a run with 8 detectives" in text
    assert f"count: {fitted_count}, establishment: 12}}   # assumed: a small team" in text
    fitted = sim.load_scenario(out / "fitted.yaml")
    assert fitted.officers.trained.count == fitted_count and fitted.run == five.run
    rerun = sim.run(fitted, replications=REPS, seed=SEED, horizon_days=DAYS)
    assert rerun.summary["allocation_days_mean"]["mean"] == alloc["mean"]

    # calibrating the fitted file again replaces its header rather than adding another
    refit_args = ("calibrate", str(out / "fitted.yaml"), "-t", str(path), "--days", str(DAYS))
    refit = invoke(*refit_args, "--max-evals", "2", "-w", "1", "-o", str(tmp_path / "refit"))
    assert refit.exit_code == 0, refit.stderr
    refitted = (tmp_path / "refit" / "fitted.yaml").read_text()
    assert refitted.count("# Fitted by `sim calibrate`") == 1
    assert refitted.count("# Reproduce the achieved numbers") == 1
    assert refitted.startswith("# Fitted by `sim calibrate`") and "# five trained" in refitted
    assert sim.load_scenario(tmp_path / "refit" / "fitted.yaml").name == "five"

    again = invoke(*args, "--max-evals", "2", "-w", "1", "-o", str(out))
    assert_one_line_error(again, str(out), "--force")
    assert json.loads((out / "calibration.json").read_text()) == doc
    forced = invoke(*args, "--max-evals", "2", "-w", "1", "-o", str(out), "--force", "--json")
    assert forced.exit_code == 0, forced.stderr
    assert json.loads(forced.stdout)["evaluations"] == 2
