"""`sim describe`: the register as text and JSON, the status filter, bad input."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sim.cli.app import app


def describe(*args: str):
    return CliRunner().invoke(app, ["describe", *map(str, args)], env={"COLUMNS": "100"})


def test_json_shape_and_counts(baseline_path):
    result = describe(baseline_path, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["name"] == "baseline" and data["sources_file"].endswith("sources.md")
    params = data["parameters"]
    counts = data["counts"]
    assert len(params) == counts["sourced"] + counts["calibrated"] + counts["assumed"]
    assert counts["default"] == sum(p["default"] for p in params)
    row = next(p for p in params if p["key"] == "risk_levels.high.triage_target_hours")
    assert set(row) == {
        "key", "value", "unit", "status", "detail", "default", "sources", "file", "line",
        "calibrated_by",
    }  # fmt: skip
    assert (row["value"], row["unit"], row["status"]) == (4.0, "hours", "sourced")
    assert row["sources"][0]["id"] == "S25" and row["sources"][0]["confidence"]
    fitted = next(p for p in params if p["key"] == "hazards.evidence_loss_per_day")
    assert fitted["status"] == "calibrated"
    assert fitted["calibrated_by"]["file"].endswith("baseline_targets.yaml")
    assert "inspection_substandard_rate" in fitted["calibrated_by"]["target_kpis"]


def test_status_filter_and_summary_line(baseline_path):
    result = describe(baseline_path, "--status", "calibrated")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    keys = [line.split(" = ")[0] for line in lines if " = " in line]
    assert "warrants.court_days.cv" in keys and len(keys) == 6
    assert all(line.strip().startswith("calibrated:") for line in lines if line[:4] == "    ")
    assert "sourced," in lines[-1] and "calibrated," in lines[-1]
    everything = json.loads(describe(baseline_path, "--json").stdout)["counts"]
    assert f"{everything['sourced']} sourced" in " ".join(lines[-2:])


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    missing = describe(tmp_path / "nope.yaml")
    assert missing.exit_code == 2 and "nope.yaml" in missing.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ntriage: [1\n", encoding="utf-8")
    result = describe(bad)
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert describe(tmp_path / "nope.yaml", "--status", "guessed").exit_code == 2
