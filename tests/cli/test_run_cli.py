"""`sim run`, `sim validate`, `sim schema` as a user runs them: exit codes, files, messages."""

from __future__ import annotations

import json

import yaml

from tests.processes import sim_cmd


def test_run_writes_results_folder_and_table(tmp_path, small_path):
    out = tmp_path / "res"
    p = sim_cmd("run", str(small_path), "--reps", "2", "--days", "120", "--out", str(out))
    assert p.returncode == 0, p.stderr
    assert "allocation_days_mean" in p.stdout and "95% CI" in p.stdout
    for name in (
        "manifest.json",
        "scenario.yaml",
        "summary.json",
        "summary.csv",
        "replications.csv",
        "timeseries.csv",
    ):
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"] == "small" and summary["replications"] == 2
    s = summary["kpis"]["allocation_days_mean"]
    assert set(s) >= {"mean", "std", "ci_low", "ci_high", "n", "better"}
    assert s["ci_low"] <= s["mean"] <= s["ci_high"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["horizon_days"] == 120 and manifest["seed"] == 11
    assert manifest["versions"]["simpy"]
    assert len((out / "replications.csv").read_text().splitlines()) == 3
    assert "Traceback" not in p.stderr


def test_rerunning_resolved_scenario_reproduces(tmp_path, small_path):
    first = tmp_path / "first"
    assert (
        sim_cmd("run", str(small_path), "--reps", "2", "--days", "80", "-o", str(first)).returncode
        == 0
    )
    second = tmp_path / "second"
    p = sim_cmd("run", str(first / "scenario.yaml"), "-o", str(second))
    assert p.returncode == 0, p.stderr
    assert (first / "summary.json").read_text() == (second / "summary.json").read_text()


def test_existing_folder_needs_force(tmp_path, small_path):
    out = tmp_path / "res"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    p = sim_cmd("run", str(small_path), "--reps", "1", "--days", "30", "--out", str(out))
    assert p.returncode == 2
    assert "already exists" in p.stderr and "--force" in p.stderr
    assert (out / "keep.txt").read_text() == "mine"
    # --force never deletes a folder the tool did not write
    p = sim_cmd("run", str(small_path), "--reps", "1", "--days", "30", "--out", str(out), "--force")
    assert p.returncode == 2 and "not written by this tool" in p.stderr
    assert (out / "keep.txt").read_text() == "mine"
    # a results folder the tool wrote is replaced with --force
    mine = tmp_path / "results"
    args = ("run", str(small_path), "--reps", "1", "--days", "30", "--out", str(mine))
    assert sim_cmd(*args).returncode == 0
    first = (mine / "manifest.json").read_text()
    p = sim_cmd(*args, "--force", "--seed", "5")
    assert p.returncode == 0, p.stderr
    assert (mine / "manifest.json").read_text() != first


def test_unknown_set_key_exits_2_without_results(tmp_path, small_path):
    p = sim_cmd("run", str(small_path), "--set", "nonexistent.key=3", cwd=tmp_path)
    assert p.returncode == 2
    assert "nonexistent.key" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
    assert "Traceback" not in p.stderr
    assert not (tmp_path / "results").exists()


def test_misspelt_key_exits_2_without_results(tmp_path, small_path):
    data = yaml.safe_load(small_path.read_text())
    data["triage"]["staf"] = data["triage"].pop("staff")
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data))
    p = sim_cmd("run", str(bad), cwd=tmp_path)
    assert p.returncode == 2
    line = p.stderr.strip()
    assert len(line.splitlines()) == 1
    assert "bad.yaml" in line and "triage.staf" in line and "unknown key" in line
    assert not (tmp_path / "results").exists()


def test_bad_option_values_exit_2(tmp_path, small_path):
    p = sim_cmd("run", str(small_path), "--reps", "0", cwd=tmp_path)
    assert p.returncode == 2
    p = sim_cmd("run", str(tmp_path / "missing.yaml"), cwd=tmp_path)
    assert p.returncode == 2 and "file not found" in p.stderr


def test_json_output_equals_summary_file(tmp_path, small_path):
    out = tmp_path / "j"
    p = sim_cmd("run", str(small_path), "--reps", "2", "--days", "60", "-o", str(out), "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == json.loads((out / "summary.json").read_text())


def test_case_log(tmp_path, small_path):
    out = tmp_path / "c"
    p = sim_cmd("run", str(small_path), "--reps", "1", "--days", "60", "-o", str(out), "--case-log")
    assert p.returncode == 0, p.stderr
    header = (out / "cases.csv").read_text().splitlines()[0].split(",")
    assert {"replication", "grade", "rules_broken", "category", "true_risk"} <= set(header)


def test_validate_reports_each_file(tmp_path, small_path, baseline_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\n")
    p = sim_cmd("validate", str(small_path), str(baseline_path))
    assert p.returncode == 0 and p.stdout.count("ok") == 2
    p = sim_cmd("validate", str(small_path), str(bad))
    assert p.returncode == 2
    assert "bad.yaml" in p.stderr and "required key is missing" in p.stderr


def test_validate_checks_levers_and_targets_files_as_what_they_are(tmp_path, baseline_path):
    scenarios = baseline_path.parent
    # `sim validate scenarios/*.yaml`, the help's own example, meets both kinds there
    p = sim_cmd("validate", *sorted(str(f) for f in scenarios.glob("*.yaml")))
    assert p.returncode == 0, p.stderr
    assert "levers.yaml: levers file for sim search (8 levers, a grid of 4,860 packages" in (
        p.stdout
    )
    assert "baseline_targets.yaml: calibration targets for sim calibrate (14 targets)" in p.stdout
    bad = tmp_path / "levers.yaml"
    bad.write_text(
        "currency: GBP\nlevers:\n  x:\n    measure: {day: 0, add: {triage.staff: level}}\n"
        "    levels: [1]\n    costs: []\n"
    )
    p = sim_cmd("validate", str(bad))
    assert p.returncode == 2 and p.stderr.count("\n") == 1
    assert "levers.yaml: levers.x.costs:" in p.stderr and "at least 1 item" in p.stderr


def test_schema_is_json_schema(tmp_path):
    p = sim_cmd("schema")
    assert p.returncode == 0
    schema = json.loads(p.stdout)
    complete = schema["$defs"]["Scenario"]
    assert "properties" in complete and "categories" in complete["properties"]
    assert complete["additionalProperties"] is False
    # a file with extends: is partial: checked against the definitions without required keys
    assert schema["then"] == {"$ref": "#/$defs/PartialScenario"}
    assert schema["$defs"]["PartialScenario"]["required"] == ["extends"]


def test_every_command_has_help_with_examples():
    for command in ("run", "validate", "schema"):
        p = sim_cmd(command, "--help")
        assert p.returncode == 0
        assert "Examples" in p.stdout, command
