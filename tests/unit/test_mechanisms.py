"""Each mechanism moves its KPIs in the expected direction.

Every comparison is paired: both scenarios run with the same seed, so replication r of each
sees the same random numbers (common random numbers), and the assertion is on the 95%
t-interval of the paired differences, not on eyeballed means.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

import sim
from sim.experiment.kpis import case_table
from sim.model import Model, Streams, replication_seed
from sim.model.enums import Group

REPS = 4


def paired_interval(base: sim.Scenario, changed: sim.Scenario, kpi: str, reps: int = REPS):
    """95% t-interval of (changed − base) for ``kpi`` over paired replications."""
    a = sim.run(base, replications=reps, seed=base.run.seed).kpi_values(kpi)
    b = sim.run(changed, replications=reps, seed=base.run.seed).kpi_values(kpi)
    d = b - a
    d = d[~np.isnan(d)]
    assert d.size >= 2, f"{kpi}: too few paired values"
    half = sps.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / math.sqrt(d.size)
    return d.mean() - half, d.mean() + half


def assert_increases(base, changes: dict, kpi: str, reps: int = REPS):
    lo, hi = paired_interval(base, sim.with_changes(base, changes), kpi, reps)
    assert lo > 0, f"{kpi} should increase with {changes}: paired 95% CI ({lo:.4g}, {hi:.4g})"


def assert_decreases(base, changes: dict, kpi: str, reps: int = REPS):
    lo, hi = paired_interval(base, sim.with_changes(base, changes), kpi, reps)
    assert hi < 0, f"{kpi} should decrease with {changes}: paired 95% CI ({lo:.4g}, {hi:.4g})"


@pytest.fixture(scope="module")
def base(small):
    return sim.with_changes(small, {"run.horizon_days": 240})


# officers' time -------------------------------------------------------------------------
def test_more_abstraction_lengthens_allocation_waits(base):
    assert_increases(base, {"officers.trained.abstraction_rate": 0.5}, "allocation_days_mean")


def test_more_productive_hours_shorten_end_to_end(base):
    assert_decreases(base, {"officers.trained.productive_hours_per_day": 9}, "end_to_end_days_mean")


def test_lower_caseload_cap_lengthens_allocation_waits(base):
    assert_increases(base, {"officers.trained.caseload_cap": 2}, "allocation_days_mean")


def test_high_risk_allocated_before_low_risk(base):
    # under load, so that priority decides who waits
    busy = sim.with_changes(
        base, {"officers.trained.count": 7, "allocation.untrained_after_days": None}
    )
    result = sim.run(busy, replications=REPS)
    high = result.kpi_values("allocation_days_mean_risk_high")
    medium = result.kpi_values("allocation_days_mean_risk_medium")
    # (low-risk cases mostly starve here, so their few allocations are not comparable)
    assert np.all(high < medium)


# allocation policy and training ------------------------------------------------------------
def test_untrained_allocation_gives_more_inadequate_grades(base):
    """Same capacity either way; only who holds the cases differs.

    (Under overload, an untrained fallback can cut delays enough to lower inadequate grades
    overall, so the comparison holds capacity equal to isolate the officer's training.)
    """
    same = {
        "workforce.attrition_per_year": 0.0,
        "workforce.training.course_places": 0,
        "officers.untrained.caseload_cap": 8,
        "officers.untrained.productive_hours_per_day": 6,
        "officers.untrained.abstraction_rate": 0.2,
    }
    all_trained = sim.with_changes(
        base, {**same, "officers.trained.count": 10, "officers.untrained.count": 0}
    )
    mixed = sim.with_changes(
        all_trained,
        {
            "officers.trained.count": 7,
            "officers.untrained.count": 3,
            "allocation.untrained_after_days": 0,
        },
    )
    lo, _ = paired_interval(all_trained, mixed, "inadequate_rate", reps=6)
    assert lo > 0
    assert sim.run(all_trained, replications=2).summary["untrained_allocation_rate"]["mean"] == 0
    assert sim.run(mixed, replications=2).summary["untrained_allocation_rate"]["mean"] > 0.05


def test_untrained_officers_take_cases_only_after_the_policy_wait(base):
    sc = sim.with_changes(
        base, {"allocation.untrained_after_days": 10, "officers.trained.count": 7}
    )
    records = Model(sc, Streams(replication_seed(sc.run.seed, 0))).run()
    t = case_table(records)
    untrained = t["untrained_officer"] & ~np.isnan(t["allocated_day"])
    waits = (t["allocated_day"] - t["triage_day"])[untrained]
    assert waits.size > 0
    assert waits.min() >= 10 - 1e-9


def test_training_pipeline_turns_untrained_into_trained(base):
    sc = sim.with_changes(base, {"workforce.attrition_per_year": 0})
    no_course = sim.with_changes(sc, {"workforce.training.course_places": 0})
    course = sim.with_changes(
        sc, {"workforce.training.course_places": 2, "workforce.training.course_days": 100}
    )
    a = Model(no_course, Streams(replication_seed(1, 0))).run().timeseries
    b = Model(course, Streams(replication_seed(1, 0))).run().timeseries
    assert a["trained_in_post"][-1] == no_course.officers.trained.count
    assert b["trained_in_post"][-1] > a["trained_in_post"][-1]
    assert b["trainees"].max() > 0


def test_attrition_raises_vacancies(base):
    assert_increases(
        base,
        {"workforce.attrition_per_year": 0.6, "workforce.recruit_trained_rate": 0.0},
        "detective_vacancy_rate",
    )


# triage ------------------------------------------------------------------------------------
def test_fewer_triage_staff_lengthen_triage(base):
    assert_increases(base, {"triage.staff": 1, "triage.hours.mean": 1.5}, "triage_days_mean")


def test_under_grading_grows_with_load(base):
    assert_increases(
        base, {"triage.under_grade_load_rate": 0.2, "triage.staff": 1}, "rule_under_graded_rate"
    )


# warrants, safeguarding, hazards -------------------------------------------------------------
def test_slower_court_lengthens_warrant_waits(base):
    assert_increases(base, {"warrants.court_days.mean": 20}, "warrant_days_mean")


def test_fewer_examiners_leave_more_cases_open(base):
    # closed-case durations would suffer survivor bias here: cases stuck in forensics never close
    assert_increases(base, {"warrants.forensics_examiners": 3}, "open_cases_end")


def test_more_safeguarding_work_delays_safeguarding(base):
    assert_increases(
        base, {"categories.online.safeguarding_hours.value": 60}, "safeguarding_days_mean"
    )


def test_evidence_loss_hazard_loses_more_evidence(base):
    assert_increases(base, {"hazards.evidence_loss_per_day": 0.02}, "evidence_lost_rate")


def test_harm_events_match_exposure(base):
    """Harm events are Poisson with mean rate × exposure: check against the exposure."""
    sc = sim.with_changes(base, {"hazards.harm_per_day": 0.05})
    records = Model(sc, Streams(replication_seed(sc.run.seed, 0))).run()
    exposure = 0.0
    for c in records.cases:
        if c.at_large:
            end = c.safeguarding_day if not math.isnan(c.safeguarding_day) else records.end_day
            exposure += max(
                0.0, min(end, records.end_day) - max(c.referral_day, records.warmup_day)
            )
    expected = 0.05 * exposure
    assert expected > 20
    lo, hi = sps.poisson.ppf([0.0005, 0.9995], expected)
    assert lo <= records.harm_events <= hi


# custody ------------------------------------------------------------------------------------
def test_children_in_custody_mostly_held_in_cells(base):
    sc = sim.with_changes(
        base,
        {
            "categories.family.custody.refused_bail_rate": 1.0,
            "categories.family.custody.transfer_accepted_rate": 0.01,
        },
    )
    result = sim.run(sc, replications=2)
    s = result.summary["custody_cells_rate"]
    assert 0.97 < s["mean"] <= 1.0
    assert result.summary["custody_cell_hours_mean"]["mean"] == pytest.approx(14.0)


# grading, supervision, self-assessment -------------------------------------------------------
def test_supervision_reviews_prevent_practice_lapses(base):
    assert_decreases(
        base,
        {"supervision.review_rate": 1.0, "supervision.catch_rate": 1.0},
        "rule_practice_lapse_rate",
    )
    result = sim.run(
        sim.with_changes(base, {"supervision.review_rate": 1.0, "supervision.catch_rate": 1.0}),
        replications=1,
    )
    assert result.summary["rule_practice_lapse_rate"]["mean"] == 0


def test_grade_is_worst_of_rules_and_reasons_are_recorded(base):
    records = Model(base, Streams(replication_seed(base.run.seed, 0))).run()
    rules = base.grading.rules
    order = ("good", "requires_improvement", "inadequate")
    graded = [c for c in records.cases if c.grade]
    assert graded
    for c in graded:
        expected = max((order.index(rules[r].grade) for r in c.rules_broken), default=0)
        assert order.index(c.grade) == expected
        assert c.serious_concern == any(rules[r].serious_concern for r in c.rules_broken)


def test_self_assessment_without_optimism_matches_inspectors(base):
    truthful = sim.with_changes(
        base,
        {
            f"self_assessment.confusion.{g}.{h}": float(g == h)
            for g in ("good", "requires_improvement", "inadequate")
            for h in ("good", "requires_improvement", "inadequate")
        },
    )
    result = sim.run(truthful, replications=2)
    good = result.kpi_values("self_assessed_good_rate")
    substandard = result.kpi_values("substandard_rate")
    assert np.allclose(good, 1 - substandard)


def test_optimistic_audit_rates_more_cases_good(base):
    assert_increases(
        base,
        {
            "self_assessment.confusion.requires_improvement.good": 0.9,
            "self_assessment.confusion.requires_improvement.requires_improvement": 0.1,
            "self_assessment.confusion.requires_improvement.inadequate": 0.0,
        },
        "self_assessed_good_rate",
    )


# inspection ---------------------------------------------------------------------------------
def test_inspections_reported_under_their_names(base):
    from sim.scenario.changes import scenario_to_dict
    from sim.scenario.validation import validate

    data = scenario_to_dict(base)
    data["inspections"].append(
        {"name": "followup_3m", "day": 280, "sample_size": 40, "lookback_days": 60}
    )
    sc = validate(data, source="test")
    result = sim.run(sc, replications=2)
    assert "followup_3m_substandard_rate" in result.summary
    assert "followup_3m_dual_force_good_rate" not in result.summary
    assert result.summary["inspection_dual_force_good_rate"]["n"] == 2


def test_inspection_sample_follows_category_mix(base):
    from sim.model.inspection import draw_sample

    sc = sim.with_changes(base, {})
    model = Model(sc, Streams(replication_seed(1, 0)))
    model.env.run(until=200)
    population = [c for c in model.cases.opened if 50 <= c.referral_day < 200]
    insp = sc.inspections[0].model_copy(
        update={"category_mix": {"online": 0.5, "family": 0.5}, "sample_size": 40}
    )
    sample = draw_sample(population, insp, np.random.default_rng(0), model.category_names)
    cats = [model.category_names[c.category] for c in sample]
    assert len(sample) == 40 and cats.count("online") == 20
    insp_open = insp.model_copy(update={"category_mix": None, "open_rate": 0.5})
    sample = draw_sample(population, insp_open, np.random.default_rng(0), model.category_names)
    assert sum(c.is_open for c in sample) == 20


# measures -----------------------------------------------------------------------------------
def _with_measure(sc, measure: dict):
    from sim.scenario.changes import scenario_to_dict
    from sim.scenario.validation import validate

    data = scenario_to_dict(sc)
    data["measures"] = [measure]
    return validate(data, source="test")


def test_measure_changes_nothing_before_its_day(base):
    day = 150.0
    measured = _with_measure(
        base,
        {"name": "more", "day": day, "add": {"officers.trained.count": 6, "triage.staff": 2}},
    )
    a = Model(base, Streams(replication_seed(3, 0))).run()
    b = Model(measured, Streams(replication_seed(3, 0))).run()
    before_a = a.timeseries["day"] < day
    assert np.array_equal(a.timeseries["day"], b.timeseries["day"])
    for key in ("open_cases", "allocation_open", "trained_in_post", "triage_staff"):
        assert np.array_equal(a.timeseries[key][before_a], b.timeseries[key][before_a]), key
    after = b.timeseries["day"] > day
    assert np.all(b.timeseries["trained_in_post"][after] > a.timeseries["trained_in_post"][after])
    assert b.timeseries["triage_staff"][-1] == base.triage.staff + 2


def test_measure_ramps_linearly(base):
    measured = _with_measure(
        base,
        {"name": "ramp", "day": 100, "ramp_days": 70, "add": {"officers.trained.count": 10}},
    )
    sc = sim.with_changes(measured, {"workforce.attrition_per_year": 0})
    ts = Model(sc, Streams(replication_seed(3, 0))).run().timeseries
    count = dict(zip(ts["day"], ts["trained_in_post"], strict=True))
    start = sc.officers.trained.count
    assert count[98.0] == start
    assert start < count[140.0] < start + 10
    assert count[175.0] == start + 10


def test_stop_abstraction_measure_cuts_waits(base):
    heavy = sim.with_changes(base, {"officers.trained.abstraction_rate": 0.5})
    stop = _with_measure(
        heavy, {"name": "stop", "day": 100, "set": {"officers.trained.abstraction_rate": 0.0}}
    )
    lo, hi = paired_interval(heavy, stop, "allocation_days_mean")
    assert hi < 0


def test_review_of_open_high_risk_cases_safeguards_them(base):
    day = 150.0
    sc = _with_measure(base, {"name": "review", "day": day, "action": "review_open_high_risk"})
    model = Model(sc, Streams(replication_seed(3, 0)))
    records = model.run()
    for c in records.cases:
        if c.true_risk == 0 and c.referral_day < day and (c.is_open or c.closed_day >= day):
            assert c.safeguarding_day <= day
            assert c.triaged_risk == 0


def test_backlog_csv_equals_inline_list(tmp_path, small_path):
    import yaml

    csv_path = tmp_path / "open_cases.csv"
    csv_path.write_text(
        "category,risk,stage,count,age_days\n"
        "online,high,investigation,5,40\n"
        "family,low,allocation,12,10\n"
    )
    data = yaml.safe_load(small_path.read_text())
    data["initial_backlog"] = "open_cases.csv"
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(data))
    data["initial_backlog"] = [
        {"category": "online", "risk": "high", "stage": "investigation", "count": 5,
         "age_days": 40},
        {"category": "family", "risk": "low", "stage": "allocation", "count": 12, "age_days": 10},
    ]  # fmt: skip
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(data))
    a, b = sim.load_scenario(tmp_path / "a.yaml"), sim.load_scenario(tmp_path / "b.yaml")
    assert a == b
    records = Model(a, Streams(replication_seed(1, 0))).run()
    backlog = [c for c in records.cases if c.referral_day < 0]
    assert len(backlog) == 17
    assert all(not c.is_open for c in backlog if c.category == 0)


def test_backlog_csv_errors_name_file_and_row(tmp_path, small_path):
    import yaml

    (tmp_path / "open.csv").write_text("category,risk,stage,count\nonline,high,allocation,many\n")
    data = yaml.safe_load(small_path.read_text())
    data["initial_backlog"] = "open.csv"
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(sim.InputError, match=r"open.csv: row 2: count: expected a whole number"):
        sim.load_scenario(tmp_path / "s.yaml")


# experience: officers new to the work lapse more while they learn -------------------------
LEARNING = {
    f"officers.{group}.{key}": value
    for group in ("trained", "untrained")
    for key, value in (("new_officer_lapse_rate", 0.9), ("learning_days", 180.0))
}


def test_new_officers_lapse_more_while_they_learn(base):
    turnover = sim.with_changes(base, {"workforce.attrition_per_year": 1.0})
    assert_increases(turnover, LEARNING, "rule_practice_lapse_rate")


def test_officers_in_post_at_day_0_are_experienced(base):
    """No one joins (no leavers, no course, no measures): the learning setting changes nothing."""
    settled = sim.with_changes(
        base,
        {
            "workforce.attrition_per_year": 0.0,
            "workforce.training.course_places": 0,
            "measures": [],
        },
    )
    plain = sim.run(settled, replications=2).replication_rows()
    learning = sim.run(sim.with_changes(settled, LEARNING), replications=2).replication_rows()
    assert plain == learning


def test_lapse_rate_falls_in_a_straight_line_over_the_learning_days(base):
    changed = sim.with_changes(base, LEARNING | {"officers.trained.practice_lapse_rate": 0.1})
    model = Model(changed, Streams(replication_seed(changed.run.seed, 0)))
    officer = model.workforce.hire(Group.TRAINED)  # joins at day 0, new to the work
    for day, expected in ((0.0, 0.9), (90.0, 0.5), (180.0, 0.1), (400.0, 0.1)):
        if day > model.env.now:
            model.env.run(until=day)
        assert officer.lapse_rate() == pytest.approx(expected)
    veteran = model.workforce.hire(Group.TRAINED, experienced=True)
    assert veteran.lapse_rate() == pytest.approx(0.1)


def test_learning_settings_go_together(base):
    with pytest.raises(sim.InputError, match="go together"):
        sim.with_changes(base, {"officers.trained.learning_days": 30})
