"""Dates on the command line: --until, dates beside days in what is printed, and warnings
(or, with --strict, errors) for measures and inspections after the end of the run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from sim.cli.app import app

SMALL = Path(__file__).parent.parent / "data" / "small.yaml"
RUN = ("--reps", "1", "--workers", "1")


class Result:
    """Exit code and output with line wrapping undone (tables wrap long titles)."""

    def __init__(self, result) -> None:
        self.exit_code = result.exit_code
        self.lines = result.output.count("\n")
        self.output = " ".join(result.output.split())


def invoke(*args: str) -> Result:
    return Result(CliRunner().invoke(app, list(args), env={"COLUMNS": "200"}))


@pytest.fixture()
def dated(tmp_path: Path) -> Path:
    """small.yaml (warm-up 60 days, inspection on day 200) with a measure on 2014-05-01."""
    path = tmp_path / "dated.yaml"
    path.write_text(
        f"extends: {SMALL}\nname: dated\n"
        "measures:\n  - {name: more_staff, day: 2014-05-01, add: {triage.staff: 2}}\n"
    )
    return path


def _summary(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text())


@pytest.mark.parametrize(
    ("until", "horizon", "last"),
    [("2014-07-20", 141, "2014-07-20"), ("inspection", 141, "2014-07-20")],
)
def test_until_sets_the_horizon(tmp_path, dated, until, horizon, last):
    out = tmp_path / "res"
    p = invoke("run", str(dated), *RUN, "--until", until, "--out", str(out))
    assert p.exit_code == 0, p.output
    assert _summary(out)["horizon_days"] == horizon  # day 200 covered: ends at 201, less 60
    assert f"{horizon} days (2014-03-02 to {last}) after 60 days warm-up" in p.output
    assert "inspections: inspection day 200 (2014-07-20)" in p.output
    assert "never happens" not in p.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["extra"]["schedule_warnings"] == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--until", "2014-07-20", "--days", "30"), "--until: give --days or --until, not both"),
        (("--until", "followup"), "--until: expected a date (YYYY-MM-DD) or an inspection name"),
        (("--until", "2014-02-30"), "--until: not a calendar date"),
        (("--until", "2013-12-31"), "before run.start_date 2014-01-01"),
    ],
)
def test_until_errors_are_one_line_exit_2(tmp_path, dated, args, words):
    out = tmp_path / "res"
    p = invoke("run", str(dated), *RUN, *args, "--out", str(out))
    assert p.exit_code == 2, p.output
    assert words in p.output and p.lines == 1
    assert not out.exists()


def test_run_warns_of_what_starts_after_the_end(tmp_path, dated):
    out = tmp_path / "res"
    p = invoke("run", str(dated), *RUN, "--days", "30", "--out", str(out))
    assert p.exit_code == 0, p.output
    assert (
        "warning: " + str(dated) + ": measure 'more_staff' starts on day 120 (2014-05-01), "
        "after the run ends at day 90 (end of 2014-03-31)"
    ) in p.output
    assert "inspection 'inspection' starts on day 200 (2014-07-20)" in p.output
    warnings = json.loads((out / "manifest.json").read_text())["extra"]["schedule_warnings"]
    assert len(warnings) == 2 and "more_staff" in warnings[0]


def test_strict_refuses_before_writing(tmp_path, dated):
    out = tmp_path / "res"
    p = invoke("run", str(dated), *RUN, "--days", "30", "--strict", "--out", str(out))
    assert p.exit_code == 2
    assert "--strict: measure 'more_staff'" in p.output and "(and 1 more)" in p.output
    assert not out.exists()


def test_validate_shows_dates_warns_and_refuses_under_strict(dated):
    p = invoke("validate", str(dated))
    assert p.exit_code == 0, p.output
    assert "300 days (2014-03-02 to 2014-12-26) after 60 days warm-up" in p.output
    assert "never happens" not in p.output
    p = invoke("validate", str(dated), "--days", "100")
    assert p.exit_code == 0 and "inspection 'inspection' starts on day 200" in p.output
    p = invoke("validate", str(dated), "--until", "2014-04-29", "--strict")
    assert p.exit_code == 2 and "invalid:" in p.output and "more_staff" in p.output


def test_compare_sweep_calibrate_warmup_warn_and_refuse(tmp_path, dated):
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        yaml.safe_dump(
            {
                "targets": [{"kpi": "allocation_days_mean", "value": 1, "tolerance": 0.5}],
                "free": {"triage.staff": "1:5"},
            }
        )
    )
    commands = {
        "compare": ("compare", str(SMALL), str(dated), "--kpi", "substandard_rate"),
        "sweep": ("sweep", str(dated), "--vary", "triage.staff=2:4", "--levels", "2"),
        "calibrate": ("calibrate", str(dated), "-t", str(targets), "--max-evals", "1"),
        "warmup": ("warmup", str(dated)),
    }
    for name, args in commands.items():
        out = ("--out", str(tmp_path / name)) if name in ("sweep", "calibrate") else ()
        p = invoke(*args, *RUN, "--days", "30", *out)
        assert p.exit_code == 0, (name, p.output)
        assert "warning:" in p.output and "measure 'more_staff' starts on day 120" in p.output
        p = invoke(*args, *RUN, "--days", "30", "--strict", *out)
        assert p.exit_code == 2, (name, p.output)
        assert "--strict:" in p.output


def test_warmup_shows_dates_and_takes_until(dated):
    p = invoke("warmup", str(dated), *RUN, "--until", "inspection")
    assert p.exit_code == 0, p.output
    assert "measuring from 2014-" in p.output
    assert "1 replications of 201 days from 2014-01-01" in p.output
    assert "never happens" not in p.output


def test_compare_says_a_shared_warning_once_naming_its_files(tmp_path, dated):
    # small.yaml and dated.yaml share the inspection on day 200; only dated.yaml has the
    # measure: one line for the inspection naming both files, one for the measure
    out = tmp_path / "cmp"
    p = invoke("compare", str(SMALL), str(dated), *RUN, "--days", "30", "--out", str(out))
    assert p.exit_code == 0, p.output
    shared = "inspection 'inspection' starts on day 200 (2014-07-20)"
    assert p.output.count(shared) == 1
    assert f"warning: {SMALL}, {dated} (2 scenario files): {shared}" in p.output
    assert p.output.count("measure 'more_staff' starts on day 120") == 1
    assert f"warning: {dated}: measure 'more_staff'" in p.output


def test_once_each_names_two_files_and_counts_the_rest():
    from sim.cli.schedule_notes import once_each

    found = [(f"s{i}.yaml", "inspection 'late' never happens") for i in range(5)]
    found.insert(1, ("s0.yaml", "measure 'm' never happens"))
    assert once_each(found) == [
        "s0.yaml, s1.yaml and 3 more (5 scenario files): inspection 'late' never happens",
        "s0.yaml: measure 'm' never happens",
    ]
