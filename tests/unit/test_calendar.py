"""Calendar dates in scenarios: read as day numbers at load, --until, and scheduled things
after the end of the run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import sim
from sim.errors import InputError
from sim.experiment.settings import RunSettings
from sim.scenario.calendar import date_of, last_date
from sim.scenario.schedule import after_end, horizon_until, period_label

SMALL = Path(__file__).parent.parent / "data" / "small.yaml"


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(f"extends: {SMALL}\n{text}", encoding="utf-8")
    return path


DATED = """
run: {start_date: 2014-01-01}
measures:
  - {name: more_staff, day: 2014-05-01, ramp_days: 10, add: {triage.staff: 2}}
inspections:
  - {name: inspection, day: "2014-07-20", sample_size: 60, lookback_days: 150}
surges:
  - {start_day: 2014-03-02, days: 20, multiplier: 2}
workforce: {training: {first_intake_day: 2014-01-11}}
"""
NUMBERED = """
run: {start_date: 2014-01-01}
measures:
  - {name: more_staff, day: 120, ramp_days: 10, add: {triage.staff: 2}}
inspections:
  - {name: inspection, day: 200, sample_size: 60, lookback_days: 150}
surges:
  - {start_day: 60, days: 20, multiplier: 2}
workforce: {training: {first_intake_day: 10}}
"""


def test_dates_are_day_numbers_from_start_date(tmp_path):
    sc = sim.load_scenario(_write(tmp_path, DATED))
    assert sc.measures[0].day == 120.0  # 2014-05-01 is 120 days after 2014-01-01
    assert sc.inspections[0].day == 200.0
    assert sc.surges[0].start_day == 60.0
    assert sc.workforce.training.first_intake_day == 10.0
    later = DATED.replace("2014-01-01", "2014-02-01").replace("2014-01-11", "2014-02-11")
    assert sim.load_scenario(_write(tmp_path, later)).measures[0].day == 89.0


def test_dates_give_the_same_results_as_day_numbers(tmp_path):
    dated = sim.load_scenario(_write(tmp_path, DATED, "dated.yaml"))
    numbered = sim.load_scenario(_write(tmp_path, NUMBERED, "numbered.yaml"))
    settings = RunSettings(replications=2, seed=5, horizon_days=160, warmup_days=60, workers=1)
    a, b = sim.run(dated, settings), sim.run(numbered, settings)
    assert "inspection_substandard_rate" in a.kpi_names
    assert [r.kpis for r in a.replications] == [r.kpis for r in b.replications]


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        (
            "measures: [{name: m, day: 2013-12-31, add: {triage.staff: 1}}]",
            "measures.0.day",
            "before run.start_date",
        ),
        ("inspections: [{name: i, day: '2016-02-30'}]", "inspections.0.day", "not a calendar date"),
        (
            "surges: [{start_day: 2013-06-01, days: 3, multiplier: 2}]",
            "surges.0.start_day",
            "before",
        ),
        ("run: {end_date: 2014-02-01}", "run.end_date", "warm-up"),
        ("run: {end_date: 2014-12-31, horizon_days: 100}", "run.end_date", "give one of them"),
        (  # neither a day nor a date: the message offers both
            "measures: [{name: m, day: next tuesday, add: {triage.staff: 1}}]",
            "measures.0.day",
            'expected a day number or a date (YYYY-MM-DD) (got "next tuesday")',
        ),
        ("inspections: [{name: i, day: soon}]", "inspections.0.day", "or a date (YYYY-MM-DD)"),
        (
            "surges: [{start_day: [1], days: 3, multiplier: 2}]",
            "surges.0.start_day",
            "expected a day number or a date (YYYY-MM-DD)",
        ),
        (
            "workforce: {training: {first_intake_day: soon}}",
            "workforce.training.first_intake_day",
            "or a date (YYYY-MM-DD)",
        ),
        ("run: {warmup_days: soon}", "run.warmup_days", "expected a valid number"),
    ],
)
def test_bad_dates_name_the_key(tmp_path, text, key, words):
    with pytest.raises(InputError) as err:
        sim.load_scenario(_write(tmp_path, text + "\n"))
    assert key in str(err.value) and words in str(err.value)
    assert "s.yaml" in str(err.value)


def test_end_date_is_inclusive_and_replaces_the_parents_horizon(tmp_path):
    # small.yaml: warm-up 60, horizon 300; 2014-12-31 is day 364, so the run covers 365 days
    sc = sim.load_scenario(_write(tmp_path, "run: {end_date: 2014-12-31}\n"))
    assert sc.run.horizon_days == 365 - 60 and sc.end_day == 365
    assert last_date(sc.end_day, sc.run.start_date) == dt.date(2014, 12, 31)
    both = "run: {end_date: 2014-12-31, horizon_days: 305}\n"  # consistent: accepted
    assert sim.load_scenario(_write(tmp_path, both)).run.horizon_days == 305


def test_period_label_shows_inclusive_dates(small):
    # small: 2014-01-01 + 60 days warm-up, 300 days measured: days 60..359
    assert period_label(small) == (
        "300 days (2014-03-02 to 2014-12-26) after 60 days warm-up (from 2014-01-01)"
    )
    assert date_of(59.5, small.run.start_date) == dt.date(2014, 3, 1)


def test_until_a_date_or_an_inspection(small):
    # a date: the run covers that whole day; an inspection (day 200): its day plus one
    assert horizon_until(small, "2014-12-31") == 365 - 60
    assert horizon_until(small, "inspection") == 201 - 60
    sc = RunSettings(until="inspection", warmup_days=100).apply(small)
    assert sc.run.warmup_days == 100 and sc.end_day == 201


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        (RunSettings(until="2014-01-20", horizon_days=10), "not both"),
        (RunSettings(until="followup_99m"), "inspection name (inspection)"),
        (RunSettings(until="2014-13-01"), "not a calendar date"),
        (RunSettings(until="2013-12-01"), "before run.start_date"),
        (RunSettings(until="2014-01-20"), "warm-up"),
    ],
)
def test_until_errors(small, settings, words):
    with pytest.raises(InputError) as err:
        settings.apply(small)
    assert "--until" in str(err.value) and words in str(err.value)


def test_until_beats_a_horizon_from_a_file():
    filled = RunSettings(until="inspection").fill(RunSettings(horizon_days=50, seed=3))
    assert filled.horizon_days is None and filled.seed == 3 and filled.until == "inspection"


def test_things_after_the_end_are_named(tmp_path):
    sc = sim.load_scenario(_write(tmp_path, DATED))
    short = RunSettings(horizon_days=50, warmup_days=60).apply(sc)  # ends at day 110
    messages = after_end(short)
    assert len(messages) == 2  # the measure (day 120) and the inspection (day 200)
    assert "measure 'more_staff' starts on day 120 (2014-05-01)" in messages[0]
    assert "day 110 (end of 2014-04-20)" in messages[0]
    assert "--until 2014-05-01" in messages[0]
    assert "inspection 'inspection'" in messages[1]
    assert after_end(RunSettings(until="inspection").apply(sc)) == []


def test_strict_refuses_and_the_run_records_warnings(tmp_path):
    sc = sim.load_scenario(_write(tmp_path, DATED))
    settings = RunSettings(replications=1, horizon_days=50, warmup_days=60, workers=1)
    with pytest.raises(InputError) as err:
        sim.run(sc, settings.but(strict=True))
    assert "--strict" in str(err.value) and "(and 1 more)" in str(err.value)
    result = sim.run(sc, settings)
    assert len(result.extra["schedule_warnings"]) == 2
    assert sim.run(sc, settings.but(horizon_days=200)).extra["schedule_warnings"] == []


def test_a_date_in_an_override_is_a_day(small):
    moved = sim.with_changes(small, {"inspections.0.day": "2014-05-01"})
    assert moved.inspections[0].day == 120.0
    with pytest.raises(InputError, match="inspections.0.day: 2013-05-01 is before"):
        sim.with_changes(small, {"inspections.0.day": dt.date(2013, 5, 1)})


def test_the_run_settings_accept_until_as_a_keyword(small):
    result = sim.run(small, replications=1, workers=1, warmup_days=30, until="2014-02-14")
    assert result.scenario.end_day == 45 and result.scenario.run.horizon_days == 15
