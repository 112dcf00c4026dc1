"""Direct tests of measures (:mod:`sim.model.measures`) and of the functions that compute a
measure's values (:func:`sim.scenario.measures.interpolate`, :func:`sim.scenario.apply_measure`).

Models run on a small force with no arrivals and no attrition, so every case and officer
is one the test put there. The model is stepped with ``env.run(until=...)`` and its current
scenario, pools and officers read between a measure's steps (SimPy stops *before* events at
the ``until`` time, so a step on day 10 is seen from day 10.5).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import sim
from sim.model import Model, Streams, replication_seed, simulate
from sim.model.case import Case
from sim.model.enums import Chunk, Group, Stage
from sim.scenario import apply_measure
from sim.scenario.loader import validate
from sim.scenario.measures import interpolate
from sim.scenario.schema import Measure
from sim.units import HOURS_PER_DAY

SLOW = 0  # category index
HIGH, MEDIUM, LOW = 0, 1, 2  # risk indices, highest first


def scenario(
    measures: list[dict[str, Any]],
    *,
    trained: int = 1,
    trained_cap: int = 1,
    untrained: int = 0,
    untrained_after_days: float | None = None,
    backlog: list[dict[str, Any]] | None = None,
    safeguarding_hours: float = 0.0,
    horizon_days: float = 100.0,
) -> sim.Scenario:
    """A force with no arrivals: one ``slow`` category (a million-hour investigation)."""
    kept = {"high": 1.0, "medium": 1.0, "low": 1.0}
    data: dict[str, Any] = {
        "name": "measures",
        "run": {"warmup_days": 0, "horizon_days": horizon_days},
        "risk_levels": {
            "high": {"triage_target_hours": 4, "allocation_target_days": 2,
                     "safeguarding_target_days": 2},
            "medium": {"triage_target_hours": 24, "allocation_target_days": 7,
                       "safeguarding_target_days": 14},
            "low": {"triage_target_hours": 72, "allocation_target_days": 30,
                    "safeguarding_target_days": 30},
        },
        "categories": {
            "slow": {"referrals_per_year": 0,
                     "risk_mix": {"high": 1.0, "medium": 0.0, "low": 0.0}, "case_rate": kept,
                     "safeguarding_hours": {"kind": "fixed", "value": safeguarding_hours},
                     "investigation_hours": {"kind": "fixed", "value": 1e6}},
        },
        "triage": {"staff": 1, "under_grade_rate": 0.1},
        "officers": {
            "trained": {"count": trained, "caseload_cap": trained_cap,
                        "productive_hours_per_day": 8},
            "untrained": {"count": untrained, "caseload_cap": 5, "productive_hours_per_day": 8},
        },
        "allocation": {"untrained_after_days": untrained_after_days},
        "workforce": {"attrition_per_year": 0},
        "initial_backlog": backlog or [],
        "measures": measures,
    }  # fmt: skip
    return validate(data, source="test")


def waiting(risk: str, count: int = 1) -> dict[str, Any]:
    """A backlog entry of cases waiting for an officer at day 0."""
    return {"category": "slow", "risk": risk, "stage": "allocation", "count": count}


def build(sc: sim.Scenario) -> Model:
    return Model(sc, Streams(replication_seed(1, 0)))


def is_waiting(case: Case) -> bool:
    return case.stage is Stage.ALLOCATION and case.officer is None


def enqueue(model: Model, true_risk: int, triaged_risk: int, referral_day: float) -> Case:
    """Open a case now and put it in the queue for an officer."""
    case = model.cases.open_case(SLOW, true_risk, triaged_risk, referral_day)
    model.allocator.enqueue(case)
    model.allocator.allocate()
    return case


# ramps -------------------------------------------------------------------------------------
def test_set_ramps_linearly_in_weekly_steps() -> None:
    """0.1 → 0.4 from day 10 over 21 days: three weekly steps of 0.1 on days 10, 17, 24."""
    sc = scenario(
        [{"name": "m", "day": 10, "ramp_days": 21, "set": {"triage.under_grade_rate": 0.4}}]
    )
    model = build(sc)
    expected = {9.5: 0.1, 10.5: 0.2, 16.5: 0.2, 17.5: 0.3, 23.5: 0.3, 24.5: 0.4, 90.0: 0.4}
    seen = {}
    for day in expected:
        model.env.run(until=day)
        seen[day] = model.scenario.triage.under_grade_rate
    assert seen == pytest.approx(expected, abs=1e-12)
    assert model.base_scenario.triage.under_grade_rate == 0.1


def test_no_ramp_is_one_step_on_the_day() -> None:
    sc = scenario([{"name": "m", "day": 10, "set": {"triage.under_grade_rate": 0.4}}])
    model = build(sc)
    model.env.run(until=9.999)
    assert model.scenario.triage.under_grade_rate == 0.1
    model.env.run(until=10.001)
    assert model.scenario.triage.under_grade_rate == 0.4


def test_integer_parameter_stays_an_integer() -> None:
    """Caseload cap 8 → 3 over three weeks: 8 − 5/3 = 6.33 → 6, 8 − 10/3 = 4.67 → 5, 3."""
    sc = scenario(
        [{"name": "m", "day": 10, "ramp_days": 21, "set": {"officers.trained.caseload_cap": 3}}],
        trained_cap=8,
    )
    model = build(sc)
    seen = []
    for day in (9.5, 10.5, 17.5, 24.5):
        model.env.run(until=day)
        seen.append(model.scenario.officers.trained.caseload_cap)
    assert seen == [8, 6, 5, 3]
    assert all(type(v) is int for v in seen)


def test_add_ramps_from_the_value_when_the_measure_starts() -> None:
    """Triage staff 1, +4 over two weeks from day 5: 3 on day 5, 5 on day 12; the pool
    follows at each step."""
    sc = scenario([{"name": "m", "day": 5, "ramp_days": 14, "add": {"triage.staff": 4}}])
    model = build(sc)
    seen = []
    for day in (4.9, 5.1, 11.9, 12.1, 50.0):
        model.env.run(until=day)
        seen.append((model.scenario.triage.staff, model.pools.triage.capacity))
    assert seen == [(1, 1), (3, 3), (3, 3), (5, 5), (5, 5)]


def test_set_triage_staff_resizes_the_pool() -> None:
    sc = scenario([{"name": "m", "day": 5, "set": {"triage.staff": 0}}])
    model = build(sc)
    model.env.run(until=4.9)
    assert model.pools.triage.capacity == 1
    model.env.run(until=5.1)
    assert model.pools.triage.capacity == 0


def test_a_measure_on_triage_hours_applies_to_the_referrals_after_it(small) -> None:
    """Triage takes 1 hour, then 10 from day 30, with staff enough that nobody queues: each
    referral's triage wait is its service time, 1 hour before and 10 hours after."""
    sc = sim.with_changes(small, {
        "triage.staff": 200, "triage.hours": {"kind": "fixed", "value": 1.0},
        "run.warmup_days": 0, "run.horizon_days": 60,
        "measures": [{"name": "slower triage", "day": 30, "set": {"triage.hours.value": 10.0}}],
    })  # fmt: skip
    hours = simulate(sc, replication_seed(1, 0)).referrals.waits * HOURS_PER_DAY
    first_slow = int(np.argmax(hours > 5.0))
    assert 100 < first_slow < len(hours) - 100, (first_slow, len(hours))
    assert np.allclose(hours[:first_slow], 1.0) and np.allclose(hours[first_slow:], 10.0)


# officers and allocation -------------------------------------------------------------------
def test_adding_trained_detectives_hires_them_at_once() -> None:
    """Two detectives (cap 1, both busy) and two waiting cases; +3 on day 5: five in post,
    the establishment raised, the waiting cases allocated on day 5."""
    sc = scenario(
        [{"name": "m", "day": 5, "add": {"officers.trained.count": 3}}],
        trained=2,
        backlog=[waiting("high", 4)],
    )
    model = build(sc)
    model.env.run(until=4.9)
    assert len(model.allocator.officers[Group.TRAINED]) == 2
    assert model.workforce.establishment[Group.TRAINED] == 2
    assert sum(is_waiting(c) for c in model.cases.opened) == 2
    model.env.run(until=5.1)
    officers = model.allocator.officers[Group.TRAINED]
    assert [o.id for o in officers] == [0, 1, 2, 3, 4]
    assert model.workforce.establishment[Group.TRAINED] == 5
    assert model.scenario.officers.trained.count == 5
    assert [c.allocated_day for c in model.cases.opened] == [0.0, 0.0, 5.0, 5.0]
    assert [c.officer.id for c in model.cases.opened] == [0, 1, 2, 3]


def test_added_officers_ramp_in_whole_numbers() -> None:
    """+3 detectives over two weeks: 2 + 1.5 = 3.5 rounds to 4, then 5."""
    sc = scenario(
        [{"name": "m", "day": 5, "ramp_days": 14, "add": {"officers.trained.count": 3}}],
        trained=2,
    )
    model = build(sc)
    counts = []
    for day in (4.9, 5.1, 12.1):
        model.env.run(until=day)
        counts.append(len(model.allocator.officers[Group.TRAINED]))
    assert counts == [2, 4, 5]


def test_raising_the_caseload_cap_reallocates_at_once() -> None:
    sc = scenario(
        [{"name": "m", "day": 5, "set": {"officers.trained.caseload_cap": 3}}],
        backlog=[waiting("high", 4)],
    )
    model = build(sc)
    model.env.run(until=4.9)
    first, *others = model.cases.opened
    assert first.allocated_day == 0.0
    assert all(is_waiting(c) for c in others)
    model.env.run(until=5.1)
    assert [c.allocated_day for c in model.cases.opened[:3]] == [0.0, 5.0, 5.0]
    assert len(model.allocator.officers[Group.TRAINED][0].held) == 3
    assert is_waiting(model.cases.opened[3])


def test_shorter_untrained_wait_makes_long_waiting_cases_eligible_at_once() -> None:
    """Policy 10 days; on day 5 it becomes 3: a case waiting since day 0 goes to the
    untrained officer on day 5; one that joined on day 4 on day 7."""
    sc = scenario(
        [{"name": "m", "day": 5, "set": {"allocation.untrained_after_days": 3}}],
        untrained=1,
        untrained_after_days=10,
        backlog=[waiting("high", 2)],
    )
    model = build(sc)
    model.env.run(until=4)
    late = enqueue(model, HIGH, HIGH, 4.0)
    model.env.run(until=5.1)
    first, early = model.cases.opened[:2]
    helper = model.allocator.officers[Group.UNTRAINED][0]
    assert first.untrained_officer is False
    assert early.officer is helper and early.allocated_day == 5.0
    assert is_waiting(late)
    model.env.run(until=6.999)
    assert is_waiting(late)
    model.env.run(until=7.001)
    assert late.officer is helper and late.allocated_day == 7.0


def test_untrained_wait_set_from_null_counts_the_wait_so_far() -> None:
    """Never → 4 days on day 6: the case waiting since day 0 goes at once; one that joined
    on day 5 goes on day 9."""
    sc = scenario(
        [{"name": "m", "day": 6, "set": {"allocation.untrained_after_days": 4}}],
        untrained=1,
        backlog=[waiting("high", 2)],
    )
    model = build(sc)
    model.env.run(until=5)
    late = enqueue(model, HIGH, HIGH, 5.0)
    model.env.run(until=5.999)
    assert model.allocator.officers[Group.UNTRAINED][0].held == set()
    model.env.run(until=6.001)
    early = model.cases.opened[1]
    assert early.allocated_day == 6.0 and early.untrained_officer
    assert is_waiting(late)
    model.env.run(until=9.001)
    assert late.allocated_day == 9.0 and late.untrained_officer


def test_longer_untrained_wait_delays_eligibility() -> None:
    """Policy 10 days; on day 5 it becomes 20: a case waiting since day 0 should wait for
    an untrained officer until day 20."""
    sc = scenario(
        [{"name": "m", "day": 5, "set": {"allocation.untrained_after_days": 20}}],
        untrained=1,
        untrained_after_days=10,
        backlog=[waiting("high", 2)],
    )
    model = build(sc)
    case = model.cases.opened[1]
    model.env.run(until=19.9)
    assert is_waiting(case), f"allocated on day {case.allocated_day}"
    model.env.run(until=20.1)
    assert case.allocated_day == 20.0 and case.untrained_officer


def test_untrained_wait_set_to_null_stops_the_fallback() -> None:
    sc = scenario(
        [{"name": "m", "day": 5, "set": {"allocation.untrained_after_days": None}}],
        untrained=1,
        untrained_after_days=10,
        backlog=[waiting("high", 2)],
    )
    model = build(sc)
    case = model.cases.opened[1]
    model.env.run(until=50)
    assert model.scenario.allocation.untrained_after_days is None
    assert is_waiting(case), f"allocated on day {case.allocated_day}"


# review of open high-risk cases ------------------------------------------------------------
def test_review_corrects_under_grading_and_safeguards_open_high_risk_cases() -> None:
    """Review on day 2, one more detective on day 3. Before the review the truly high-risk
    case triaged medium (referred day 0) waits behind an older medium-risk case; after it,
    it is high risk and the new detective takes it."""
    sc = scenario(
        [
            {"name": "review", "day": 2, "action": "review_open_high_risk"},
            {"name": "hire", "day": 3, "add": {"officers.trained.count": 1}},
        ],
        backlog=[{**waiting("high"), "stage": "investigation", "age_days": 3}],
    )
    model = build(sc)
    with_officer = model.cases.opened[0]
    under = enqueue(model, HIGH, MEDIUM, 0.0)
    medium = enqueue(model, MEDIUM, MEDIUM, -5.0)
    lower = enqueue(model, MEDIUM, LOW, -1.0)
    closed = model.cases.open_case(SLOW, HIGH, MEDIUM, -8.0)
    closed.closed_day = -1.0
    model.env.run(until=1.9)
    assert under.triaged_risk == MEDIUM and math.isnan(under.safeguarding_day)
    model.env.run(until=2.1)
    assert under.triaged_risk == HIGH
    assert under.safeguarding_day == 2.0
    assert is_waiting(under)
    # not of the highest true risk, or closed, or already safeguarded: unchanged
    assert lower.triaged_risk == LOW and math.isnan(lower.safeguarding_day)
    assert medium.triaged_risk == MEDIUM and math.isnan(medium.safeguarding_day)
    assert closed.triaged_risk == MEDIUM and math.isnan(closed.safeguarding_day)
    assert with_officer.safeguarding_day == -3.0
    model.env.run(until=3.1)
    assert under.allocated_day == 3.0 and under.officer.id == 1
    assert under.safeguarding_day == 2.0  # the first action stays the review's
    assert is_waiting(medium) and is_waiting(lower)


def test_review_skips_queued_safeguarding_work() -> None:
    """A detective (cap 2) holds two high-risk cases needing 16 hours (two days) of
    safeguarding each, doing the first. A review on day 1 safeguards both: the queued
    safeguarding work is dropped, the work in progress runs on."""
    sc = scenario(
        [{"name": "review", "day": 1, "action": "review_open_high_risk"}],
        trained_cap=2,
        safeguarding_hours=16,
        backlog=[waiting("high", 2)],
    )
    model = build(sc)
    model.env.run(until=0.5)
    doing, queued = model.cases.opened
    assert model.allocator.officers[Group.TRAINED][0].working_on is doing
    model.env.run(until=1.1)
    assert (doing.safeguarding_day, queued.safeguarding_day) == (1.0, 1.0)
    assert queued.safeguarding_hours == 0.0
    assert queued.pending == [Chunk.SAFEGUARDING, Chunk.INVESTIGATION]
    model.env.run(until=2.1)
    # the first case's safeguarding ended on day 2; the second's took no time then,
    # rather than two more days
    assert (doing.safeguarding_day, queued.safeguarding_day) == (1.0, 1.0)
    assert doing.pending == [Chunk.INVESTIGATION]
    assert queued.pending == [Chunk.INVESTIGATION]


def test_reviewed_case_still_waits_the_policy_wait_for_an_untrained_officer() -> None:
    """No detective free, policy 10 days: an under-graded case reviewed on day 1 should not
    go to an untrained officer before day 10."""
    sc = scenario(
        [{"name": "review", "day": 1, "action": "review_open_high_risk"}],
        trained=0,
        untrained=1,
        untrained_after_days=10,
    )
    model = build(sc)
    case = enqueue(model, HIGH, MEDIUM, 0.0)
    model.env.run(until=9.9)
    assert case.triaged_risk == HIGH
    assert is_waiting(case), f"allocated on day {case.allocated_day}"
    model.env.run(until=10.1)
    assert case.allocated_day == 10.0 and case.untrained_officer


# the end of the run ------------------------------------------------------------------------
def test_measure_after_the_run_ends_never_applies() -> None:
    """Horizon 20 days: a measure on day 19 applies, one on day 25 never does."""
    sc = scenario(
        [
            {"name": "in_time", "day": 19, "set": {"triage.under_grade_rate": 0.3}},
            {"name": "too_late", "day": 25, "add": {"triage.staff": 5,
                                                   "officers.trained.count": 2}},
        ],
        horizon_days=20,
    )  # fmt: skip
    model = build(sc)
    records = model.run()
    assert model.env.now == pytest.approx(20.0)
    assert model.scenario.triage.under_grade_rate == 0.3
    assert model.scenario.triage.staff == 1
    assert model.pools.triage.capacity == 1
    assert len(model.allocator.officers[Group.TRAINED]) == 1
    assert records.scenario is model.base_scenario


# interpolate and apply_measure -------------------------------------------------------------
@pytest.mark.parametrize(
    ("current", "target", "strength", "expected"),
    [
        (0.1, 0.4, 0.0, 0.1),
        (0.1, 0.4, 1.0, 0.4),
        (2.0, 4.0, 0.25, 2.5),
        (0.5, 1, 0.5, 0.75),
        (8, 3, 1 / 3, 6),
        (8, 3, 2 / 3, 5),
        (8, 3, 1.0, 3),
        (5, 7.6, 1.0, 8),
        (10, 20, 0.0, 10),
    ],
)
def test_interpolate_numbers(current: Any, target: Any, strength: float, expected: Any) -> None:
    value = interpolate(current, target, strength)
    assert value == pytest.approx(expected, abs=1e-12)
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("current", "target", "strength", "expected"),
    [
        (False, True, 0.0, False),
        (False, True, 0.01, True),
        (True, False, 1.0, False),
        (10, None, 0.0, 10),
        (10, None, 0.5, None),
        (None, 7, 0.0, None),
        (None, 7, 0.5, 7),
    ],
)
def test_interpolate_switches_booleans_and_nulls(
    current: Any, target: Any, strength: float, expected: Any
) -> None:
    value = interpolate(current, target, strength)
    assert value == expected
    assert type(value) is type(expected)


def test_apply_measure_at_a_strength(small: sim.Scenario) -> None:
    measure = Measure(
        name="m",
        day=0,
        set={"triage.under_grade_rate": 0.45},
        add={"officers.trained.count": 4, "warrants.court_days.mean": 2.0},
    )
    half = apply_measure(small, measure, 0.5)
    assert half.triage.under_grade_rate == pytest.approx(0.25, abs=1e-12)
    assert half.officers.trained.count == 14
    assert half.warrants.court_days.mean == pytest.approx(5.0, abs=1e-12)
    full = apply_measure(small, measure, 1.0)
    assert full.triage.under_grade_rate == pytest.approx(0.45, abs=1e-12)
    assert full.officers.trained.count == 16
    assert full.warrants.court_days.mean == pytest.approx(6.0, abs=1e-12)
    assert apply_measure(small, measure, 0.0) == small
    # the scenario itself is never changed
    assert (small.triage.under_grade_rate, small.officers.trained.count) == (0.05, 12)


def test_apply_measure_refuses_an_unknown_path(small: sim.Scenario) -> None:
    measure = Measure(name="typo", day=0, set={"triage.staf": 3})
    with pytest.raises(sim.InputError, match="triage.staf"):
        apply_measure(small, measure, 1.0)
