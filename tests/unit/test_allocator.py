"""Direct tests of allocation (:mod:`sim.model.allocator`) through a real model.

The scenario has no arrivals, no attrition and no training, and officers work 8 productive
hours a day with no abstraction, so every waiting case is one we put there and times are
exact. Two kinds of case:

- ``quick``: no safeguarding work, an 8-hour investigation (exactly one day), no wait on
  others: its officer closes it one day after starting it;
- ``slow``: a million-hour investigation, so its officer holds it for the whole test.
"""

from __future__ import annotations

import math
from typing import Any

import sim
from sim.model import Model, Streams, replication_seed
from sim.model.case import Case
from sim.model.enums import Group, Stage
from sim.model.officers import Officer
from sim.scenario.loader import validate

QUICK, SLOW = 0, 1  # category indices
HIGH, MEDIUM, LOW = 0, 1, 2  # risk indices, highest first


def scenario(
    *,
    trained: int = 1,
    trained_cap: int = 1,
    untrained: int = 0,
    untrained_cap: int = 5,
    untrained_after_days: float | None = None,
    backlog: list[dict[str, Any]] | None = None,
    work_session_hours: float | None = None,
) -> sim.Scenario:
    """A force with no arrivals and only the officers and the backlog given."""
    shares = {"high": 1.0, "medium": 0.0, "low": 0.0}
    kept = {"high": 1.0, "medium": 1.0, "low": 1.0}
    data: dict[str, Any] = {
        "name": "allocator",
        "run": {"warmup_days": 0, "horizon_days": 100},
        "risk_levels": {
            "high": {"triage_target_hours": 4, "allocation_target_days": 2,
                     "safeguarding_target_days": 2},
            "medium": {"triage_target_hours": 24, "allocation_target_days": 7,
                       "safeguarding_target_days": 14},
            "low": {"triage_target_hours": 72, "allocation_target_days": 30,
                    "safeguarding_target_days": 30},
        },
        "categories": {
            "quick": {"referrals_per_year": 0, "risk_mix": shares, "case_rate": kept,
                      "investigation_hours": {"kind": "fixed", "value": 8}},
            "slow": {"referrals_per_year": 0, "risk_mix": shares, "case_rate": kept,
                     "investigation_hours": {"kind": "fixed", "value": 1e6}},
        },
        "triage": {"staff": 1},
        "officers": {
            "work_session_hours": work_session_hours,
            "trained": {"count": trained, "caseload_cap": trained_cap,
                        "productive_hours_per_day": 8},
            "untrained": {"count": untrained, "caseload_cap": untrained_cap,
                          "productive_hours_per_day": 8},
        },
        "allocation": {"untrained_after_days": untrained_after_days},
        "workforce": {"attrition_per_year": 0},
        "initial_backlog": backlog or [],
    }  # fmt: skip
    return validate(data, source="test")


def waiting(category: str, risk: str, count: int = 1, age_days: float = 0.0) -> dict[str, Any]:
    """A backlog entry of cases waiting for an officer at day 0."""
    return {"category": category, "risk": risk, "stage": "allocation", "count": count,
            "age_days": age_days}  # fmt: skip


def with_officer(category: str, risk: str, count: int = 1, age_days: float = 0.0) -> dict:
    """A backlog entry of cases already with an officer at day 0 (investigation left)."""
    return {"category": category, "risk": risk, "stage": "investigation", "count": count,
            "age_days": age_days}  # fmt: skip


def build(sc: sim.Scenario) -> Model:
    return Model(sc, Streams(replication_seed(1, 0)))


def trained(model: Model) -> list[Officer]:
    return model.allocator.officers[Group.TRAINED]


def untrained(model: Model) -> list[Officer]:
    return model.allocator.officers[Group.UNTRAINED]


def held_ids(officer: Officer) -> list[int]:
    return sorted(c.id for c in officer.held)


def is_waiting(case: Case) -> bool:
    return case.stage is Stage.ALLOCATION and case.officer is None


# order of allocation -----------------------------------------------------------------------
def test_highest_triaged_risk_first_then_oldest_referral() -> None:
    """One detective (cap 1) busy until day 1 with a quick case; then each quick case takes
    a day, so the day a waiting case is allocated gives its place in the queue."""
    sc = scenario(
        backlog=[
            with_officer("quick", "high", age_days=50),
            waiting("quick", "low", age_days=30),
            waiting("quick", "high", age_days=1),
            waiting("quick", "medium", age_days=10),
            waiting("quick", "high", age_days=5),
            waiting("quick", "medium", age_days=20),
        ]
    )
    model = build(sc)
    model.env.run(until=0.5)
    busy, *queue = model.cases.opened
    assert busy.officer is trained(model)[0]
    assert all(is_waiting(c) for c in queue)
    model.env.run(until=5.5)
    allocated = {(c.triaged_risk, -c.referral_day): c.allocated_day for c in queue}
    assert allocated == {
        (HIGH, 5.0): 1.0,
        (HIGH, 1.0): 2.0,
        (MEDIUM, 20.0): 3.0,
        (MEDIUM, 10.0): 4.0,
        (LOW, 30.0): 5.0,
    }


def test_triaged_risk_not_true_risk_sets_the_order() -> None:
    """An under-graded case (truly high, triaged low) waits behind a case triaged medium."""
    model = build(scenario(backlog=[with_officer("quick", "high")]))
    book = model.cases
    under = book.open_case(QUICK, HIGH, LOW, -10.0)
    medium = book.open_case(QUICK, LOW, MEDIUM, -1.0)
    for case in (under, medium):
        model.allocator.enqueue(case)
    model.allocator.allocate()
    model.env.run(until=2.5)
    assert (medium.allocated_day, under.allocated_day) == (1.0, 2.0)


def test_backlog_waiting_cases_are_allocated_by_priority_at_day_0() -> None:
    sc = scenario(
        backlog=[waiting("slow", "low", age_days=30), waiting("slow", "high", age_days=1)]
    )
    model = build(sc)
    model.env.run(until=0.5)
    low, high = model.cases.opened
    assert high.allocated_day == 0.0
    assert is_waiting(low)


# which officer -----------------------------------------------------------------------------
def test_least_loaded_detective_gets_the_case_ties_to_lowest_id() -> None:
    """Three detectives (cap 3). The four cases already with an officer go round (0, 1, 2,
    0); the waiting cases then go to the least loaded: 1, 2, then 0 (all tied at two)."""
    sc = scenario(
        trained=3,
        trained_cap=3,
        backlog=[waiting("slow", "medium", count=3), with_officer("slow", "high", count=4)],
    )
    model = build(sc)
    model.env.run(until=0.5)
    o0, o1, o2 = trained(model)
    assert [o.id for o in (o0, o1, o2)] == [0, 1, 2]
    # the cases with an officer were opened first (ids 0-3), the waiting ones after (4-6)
    assert [c.triaged_risk for c in model.cases.opened] == [HIGH] * 4 + [MEDIUM] * 3
    assert held_ids(o0) == [0, 3, 6]
    assert held_ids(o1) == [1, 4]
    assert held_ids(o2) == [2, 5]
    assert [c.officer.id for c in model.cases.opened] == [0, 1, 2, 0, 1, 2, 0]
    assert [c.allocated_day for c in model.cases.opened[4:]] == [0.0, 0.0, 0.0]


def test_waiting_case_takes_the_slot_a_closed_case_frees() -> None:
    """Two detectives (cap 2), both full at day 0: detective 0 with a quick high-risk case
    and a slow one, detective 1 with two slow ones. The two waiting cases wait until the
    quick case closes on day 1; then the older goes to detective 0, the other still waits."""
    sc = scenario(
        trained=2,
        trained_cap=2,
        backlog=[
            with_officer("quick", "high", age_days=10),
            with_officer("slow", "medium", count=3, age_days=10),
            waiting("slow", "low", count=2),
        ],
    )
    model = build(sc)
    o0, o1 = trained(model)
    model.env.run(until=0.5)
    quick, *_ = model.cases.opened
    assert held_ids(o0) == [0, 2] and held_ids(o1) == [1, 3]  # both full
    first, second = model.cases.opened[4:]
    assert is_waiting(first) and is_waiting(second)
    model.env.run(until=1.5)
    assert not quick.is_open and quick.closed_day == 1.0
    assert first.officer is o0 and first.allocated_day == 1.0
    assert held_ids(o0) == [2, 4]
    assert is_waiting(second)


def test_caseload_cap_is_never_exceeded_and_cases_wait() -> None:
    sc = scenario(trained=2, trained_cap=3, backlog=[waiting("slow", "high", count=8)])
    model = build(sc)
    for until in (0.5, 10.0, 60.0):
        model.env.run(until=until)
        assert [len(o.held) for o in trained(model)] == [3, 3]
        assert sum(is_waiting(c) for c in model.cases.opened) == 2
        assert model.cases.open_in(Stage.ALLOCATION) == 2
    assert all(math.isnan(c.allocated_day) for c in model.cases.opened[6:])


# trained first, untrained after a wait -----------------------------------------------------
def test_untrained_officer_takes_a_case_only_after_the_policy_wait() -> None:
    """Detective 0 (cap 1) takes the first case; the others wait 3 days for untrained 1."""
    sc = scenario(untrained=1, untrained_after_days=3, backlog=[waiting("slow", "high", 3)])
    model = build(sc)
    first, second, third = model.cases.opened
    model.env.run(until=2.999)
    assert first.officer is trained(model)[0] and first.allocated_day == 0.0
    assert is_waiting(second) and is_waiting(third)
    assert untrained(model)[0].held == set()
    model.env.run(until=3.001)
    helper = untrained(model)[0]
    assert helper.id == 1
    for case in (second, third):
        assert case.officer is helper
        assert case.allocated_day == 3.0
        assert case.untrained_officer
    assert not first.untrained_officer


def test_untrained_officer_never_takes_a_case_when_policy_is_null() -> None:
    sc = scenario(untrained=1, untrained_after_days=None, backlog=[waiting("slow", "high", 3)])
    model = build(sc)
    model.env.run(until=100)
    first, second, third = model.cases.opened
    assert first.allocated_day == 0.0
    assert is_waiting(second) and is_waiting(third)
    assert untrained(model)[0].held == set()


def test_untrained_officer_takes_cases_at_once_when_policy_is_zero() -> None:
    """Eligible at once, but trained detectives are still filled first."""
    sc = scenario(
        trained_cap=2, untrained=1, untrained_after_days=0, backlog=[waiting("slow", "high", 3)]
    )
    model = build(sc)
    model.env.run(until=0.5)
    first, second, third = model.cases.opened
    detective, helper = trained(model)[0], untrained(model)[0]
    assert (first.officer, second.officer, third.officer) == (detective, detective, helper)
    assert [c.allocated_day for c in (first, second, third)] == [0.0, 0.0, 0.0]
    assert [c.untrained_officer for c in (first, second, third)] == [False, False, True]


def test_trained_detective_preferred_when_both_have_room() -> None:
    sc = scenario(
        trained_cap=5, untrained=2, untrained_after_days=0, backlog=[waiting("slow", "low", 4)]
    )
    model = build(sc)
    model.env.run(until=0.5)
    assert held_ids(trained(model)[0]) == [0, 1, 2, 3]
    assert all(o.held == set() for o in untrained(model))


def test_policy_wait_counts_from_joining_the_queue() -> None:
    """A case that joins the queue on day 2 (handed back) may go to an untrained officer
    only on day 2 + 3, whatever its age."""
    sc = scenario(
        trained=2,
        trained_cap=1,
        untrained=1,
        untrained_after_days=3,
        work_session_hours=8,
        backlog=[waiting("slow", "high", count=2)],
    )
    model = build(sc)
    model.env.run(until=1.5)
    first, second = model.cases.opened
    leaver = first.officer
    assert leaver is trained(model)[0]
    model.pathway.officer_leaves(leaver)
    # first was being worked on: it comes back when the session ends, on day 2
    model.env.run(until=2.5)
    assert is_waiting(first) and first.waiting_since == 2.0
    model.env.run(until=4.999)
    assert is_waiting(first)
    model.env.run(until=5.001)
    assert first.officer is untrained(model)[0]
    assert first.allocated_day == 0.0  # the first allocation is kept
    assert first.untrained_officer
    assert (first.allocations, first.reallocations) == (2, 1)
    assert second.officer is trained(model)[0]


# officers leaving --------------------------------------------------------------------------
def test_cases_of_a_leaver_go_back_to_the_queue() -> None:
    """Detectives 0 and 1 (cap 2) hold cases 0, 2 and 1. When 0 leaves on day 0.5, case 2
    (not being worked on) goes at once to detective 1's free slot; case 0, worked on in a
    one-day session, comes back at the session's end and waits (no free slot)."""
    sc = scenario(
        trained=2, trained_cap=2, work_session_hours=8, backlog=[waiting("slow", "high", 3)]
    )
    model = build(sc)
    model.env.run(until=0.5)
    o0, o1 = trained(model)
    c0, c1, c2 = model.cases.opened
    assert held_ids(o0) == [0, 2] and held_ids(o1) == [1]
    assert o0.working_on is c0
    model.pathway.officer_leaves(o0)
    assert trained(model) == [o1]
    assert c2.officer is o1 and c2 in o1.held
    assert (c2.allocations, c2.reallocations) == (2, 1)
    assert c2.allocated_day == 0.0
    model.env.run(until=0.999)
    assert c0.officer is o0 and c0.stage is Stage.OFFICER  # still in its session
    model.env.run(until=1.001)
    assert is_waiting(c0)
    assert c0.waiting_since == 1.0
    assert o0.held == set()
    assert held_ids(o1) == [1, 2]
    model.env.run(until=50)
    assert is_waiting(c0)
    assert c0.allocated_day == 0.0
