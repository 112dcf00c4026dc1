"""The hot settings (:mod:`sim.model.settings`) follow the scenario in force: each value the
model reads from them is the scenario's, at the start and after a measure changes it."""

from __future__ import annotations

import pytest

from sim.model import Model, Streams, replication_seed
from sim.model.measures import apply_changes
from sim.scenario.schema import Measure

CHANGES = {
    "officers.trained.caseload_cap": 3,
    "officers.untrained.caseload_cap": 2,
    "officers.trained.productive_hours_per_day": 5.5,
    "officers.trained.abstraction_rate": 0.35,
    "officers.untrained.practice_lapse_rate": 0.2,
    "officers.trained.practice_lapse_load_rate": 0.03,
    "officers.trained.learning_days": 40.0,
    "officers.trained.new_officer_lapse_rate": 0.25,
    "officers.work_session_hours": 2.5,
    "workforce.training.time_away_rate": 0.4,
    "allocation.untrained_after_days": 9.0,
    "hazards.evidence_loss_per_day": 0.01,
    "warrants.forensics_rate": 0.25,
    "categories.family.complex_rate": 0.45,
    "categories.family.case_rate.medium": 0.6,
    "categories.family.warrant_rate": 0.35,
    "categories.family.offender_at_large_rate": 0.15,
    "categories.family.investigation_hours.mean": 33.0,
    "warrants.application_hours.value": 4.5,
    "triage.hours.mean": 0.75,
}


def _read(model: Model) -> dict[str, object]:
    """What the settings hold, as the values of ``CHANGES``'s keys (and more)."""
    at = model.category_names.index("family")
    s, family = model.settings, model.settings.categories[at]
    return {
        "officers.trained.caseload_cap": s.trained.caseload_cap,
        "officers.untrained.caseload_cap": s.untrained.caseload_cap,
        "officers.untrained.practice_lapse_rate": s.untrained.practice_lapse_rate,
        "officers.trained.practice_lapse_load_rate": s.trained.practice_lapse_load_rate,
        "officers.trained.learning_days": s.trained.learning_days,
        "officers.trained.new_officer_lapse_rate": s.trained.new_officer_lapse_rate,
        "officers.work_session_hours": s.work_session_hours,
        "workforce.training.time_away_rate": s.course_time_away_rate,
        "allocation.untrained_after_days": s.untrained_after_days,
        "hazards.evidence_loss_per_day": s.evidence_loss_per_day,
        "warrants.forensics_rate": s.forensics_rate,
        "categories.family.complex_rate": family.complex_rate,
        "categories.family.case_rate.medium": s.case_rates[at][model.risk_names.index("medium")],
        "categories.family.warrant_rate": family.warrant_rate,
        "categories.family.offender_at_large_rate": family.offender_at_large_rate,
        "categories.family.investigation_hours.mean": family.investigation_hours.from_standard(1.0),
        "warrants.application_hours.value": s.application_hours.from_standard(1.0),
        "triage.hours.mean": s.triage_hours.from_standard(1.0),
        "pace": s.trained.pace,
    }


def _expected(model: Model) -> dict[str, object]:
    """The same values read from the scenario in force."""
    sc = model.scenario
    trained = sc.officers.trained
    family = sc.categories["family"]
    inv, app = family.investigation_hours, sc.warrants.application_hours
    return {
        "officers.trained.caseload_cap": trained.caseload_cap,
        "officers.untrained.caseload_cap": sc.officers.untrained.caseload_cap,
        "officers.untrained.practice_lapse_rate": sc.officers.untrained.practice_lapse_rate,
        "officers.trained.practice_lapse_load_rate": trained.practice_lapse_load_rate,
        "officers.trained.learning_days": trained.learning_days,
        "officers.trained.new_officer_lapse_rate": trained.new_officer_lapse_rate,
        "officers.work_session_hours": sc.officers.work_session_hours,
        "workforce.training.time_away_rate": sc.workforce.training.time_away_rate,
        "allocation.untrained_after_days": sc.allocation.untrained_after_days,
        "hazards.evidence_loss_per_day": sc.hazards.evidence_loss_per_day,
        "warrants.forensics_rate": sc.warrants.forensics_rate,
        "categories.family.complex_rate": family.complex_rate,
        "categories.family.case_rate.medium": family.case_rate["medium"],
        "categories.family.warrant_rate": family.warrant_rate,
        "categories.family.offender_at_large_rate": family.offender_at_large_rate,
        "categories.family.investigation_hours.mean": inv.from_standard(1.0),
        "warrants.application_hours.value": app.from_standard(1.0),
        "triage.hours.mean": sc.triage.hours.from_standard(1.0),
        "pace": trained.productive_hours_per_day * (1.0 - trained.abstraction_rate),
    }


@pytest.fixture
def model(small) -> Model:
    return Model(small, Streams(replication_seed(small.run.seed, 0)))


def test_settings_hold_the_scenarios_values_at_the_start(model):
    assert _read(model) == _expected(model)


def test_a_measure_replaces_the_settings_with_the_new_scenarios(model):
    before = _read(model)
    apply_changes(model, CHANGES, Measure(name="all", day=0, set=CHANGES))
    after = _read(model)
    assert after == _expected(model)
    # each change reached them (hours a day and abstraction through the pace)
    unchanged = [key for key in after if after[key] == before[key]]
    assert unchanged == [], unchanged


def test_officers_read_cap_pace_and_lapse_from_the_settings_in_force(model):
    officer = next(o for group in model.allocator.officers.values() for o in group)
    apply_changes(model, CHANGES, Measure(name="all", day=0, set=CHANGES))
    group = (
        model.scenario.officers.trained if officer.trained else model.scenario.officers.untrained
    )
    assert officer.hot_settings.caseload_cap == group.caseload_cap
    assert officer.hours_per_day() == group.productive_hours_per_day * (1 - group.abstraction_rate)
    assert officer.hot_settings.practice_lapse_rate == group.practice_lapse_rate
