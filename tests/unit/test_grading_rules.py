"""Direct tests of the inspectors' grading rules (:mod:`sim.model.grading`).

The scenario's highest risk level has a different target for every delay rule, each with
``factor`` 1.5, so each threshold is a distinct whole number of days:

======================  ==========  =========  ==========================
rule                    target      threshold  measured from → to
======================  ==========  =========  ==========================
``late_triage``         48 hours    3 days     referral → triage decision
``late_allocation``     4 days      6 days     referral → officer
``late_safeguarding``   6 days      9 days     referral → safeguarding
``late_warrant``        8 days      12 days    warrant needed → granted
``late_investigation``  20 days     30 days    referral → closed
======================  ==========  =========  ==========================

Read as days, the 48-hour triage target would give a 72-day threshold, so the triage tests
fail if the code read hours as days. Cases are referred on day 10 and are otherwise clean:
every step happens on the referral day unless a test delays it.
"""

from __future__ import annotations

from typing import Any

import pytest

import sim
from sim.model.case import Case
from sim.model.grading import broken_rules, force_grade, grade
from sim.scenario import scenario_to_dict
from sim.scenario.loader import validate
from sim.scenario.schema import RULE_NAMES

NAN = float("nan")
REFERRAL = 10.0
LATE = 1000.0  # an inspection long after every step of a closed case

# delay rule → (the step that ends its delay, threshold in days at factor 1.5)
DELAY_RULES: dict[str, tuple[str, float]] = {
    "late_triage": ("triage_day", 3.0),
    "late_allocation": ("allocated_day", 6.0),
    "late_safeguarding": ("safeguarding_day", 9.0),
    "late_warrant": ("warrant_granted_day", 12.0),
    "late_investigation": ("closed_day", 30.0),
}
# the steps in pathway order: delaying one step delays the steps after it
STEPS = ("triage_day", "allocated_day", "safeguarding_day", "warrant_granted_day", "closed_day")
HIGH_TARGETS = {
    "triage_target_hours": 48,
    "allocation_target_days": 4,
    "safeguarding_target_days": 6,
    "warrant_target_days": 8,
    "investigation_target_days": 20,
}


def grading_scenario(
    small: sim.Scenario,
    rules: dict[str, dict[str, Any]] | None = None,
    confusion: dict[str, dict[str, float]] | None = None,
) -> sim.Scenario:
    """``small`` with the targets above (medium and low: 10 times longer) and ``rules``
    (default: all nine rules, factor 1.5)."""
    data = scenario_to_dict(small)
    slow = {key: 10 * value for key, value in HIGH_TARGETS.items()}
    data["risk_levels"] = {"high": HIGH_TARGETS, "medium": slow, "low": slow}
    if rules is None:
        rules = {name: {"factor": 1.5} for name in RULE_NAMES}
    data["grading"] = {"rules": rules}
    if confusion is not None:
        data["self_assessment"] = {"confusion": confusion}
    return validate(data, source="test")


@pytest.fixture(scope="module")
def scenario(small: sim.Scenario) -> sim.Scenario:
    return grading_scenario(small)


def make_case(**fields: Any) -> Case:
    """A high-risk case needing a warrant, every step on its referral day, closed then."""
    values: dict[str, Any] = {
        "id": 1,
        "category": 0,
        "true_risk": 0,
        "referral_day": REFERRAL,
        "triaged_risk": 0,
        "triage_day": REFERRAL,
        "needs_warrant": True,
        "allocated_day": REFERRAL,
        "safeguarding_day": REFERRAL,
        "evidence_secured_day": REFERRAL,
        "warrant_needed_day": REFERRAL,
        "warrant_granted_day": REFERRAL,
        "closed_day": REFERRAL,
    }
    values.update(fields)
    return Case(**values)


def delayed_case(rule: str, delay: float, state: str) -> tuple[Case, float]:
    """A case whose ``rule`` delay is ``delay`` days, and the day to judge it.

    ``closed``: the step happened ``delay`` days after its start (so did the later steps)
    and the case is judged long after. ``open``: the step has not happened and the case
    is judged ``delay`` days after the start. ``later``: the step happened, but after the
    day the case is judged, ``delay`` days after the start.
    """
    step = DELAY_RULES[rule][0]
    fields: dict[str, float] = {}
    for later_step in STEPS[STEPS.index(step) :]:
        fields[later_step] = {"closed": REFERRAL + delay, "open": NAN, "later": LATE}[state]
    if "allocated_day" in fields:  # the warrant is needed when the case is allocated
        fields["warrant_needed_day"] = fields["allocated_day"]
        fields["evidence_secured_day"] = fields["allocated_day"]
    as_of = LATE if state == "closed" else REFERRAL + delay
    return make_case(**fields), as_of


# delay rules: at, just under and just over the threshold -----------------------------------
@pytest.mark.parametrize("state", ["closed", "open", "later"])
@pytest.mark.parametrize("offset", [-0.001, 0.0, 0.001], ids=["under", "at", "over"])
@pytest.mark.parametrize("rule", list(DELAY_RULES))
def test_delay_rule_breaks_only_above_factor_times_target(
    scenario: sim.Scenario, rule: str, offset: float, state: str
) -> None:
    threshold = DELAY_RULES[rule][1]
    case, as_of = delayed_case(rule, threshold + offset, state)
    expected = [rule] if offset > 0 else []
    assert broken_rules(case, scenario, as_of) == expected


def test_clean_case_breaks_nothing(scenario: sim.Scenario) -> None:
    assert broken_rules(make_case(), scenario, LATE) == []
    assert broken_rules(make_case(closed_day=NAN), scenario, REFERRAL + 29.999) == []


def test_closed_case_delay_does_not_grow_after_the_step(scenario: sim.Scenario) -> None:
    """A case allocated 5.999 days after referral never breaks the 6-day threshold, however
    late it is judged; judged before the allocation, the wait counts up to that day."""
    case = make_case(allocated_day=REFERRAL + 5.999)
    assert broken_rules(case, scenario, REFERRAL + 5.999) == []
    assert broken_rules(case, scenario, LATE) == []
    late = make_case(allocated_day=REFERRAL + 7.0)
    assert broken_rules(late, scenario, LATE) == ["late_allocation"]
    # judged before that allocation happened, the case was still waiting: the wait so far
    assert broken_rules(late, scenario, REFERRAL + 6.0) == []
    assert broken_rules(late, scenario, REFERRAL + 6.001) == ["late_allocation"]


def test_triage_target_is_read_in_hours(small: sim.Scenario) -> None:
    """Target 4 hours, factor 1: 0.2 days (4.8 hours) is late, 0.16 days (3.84 hours) is
    not. Read as days, neither would be."""
    data = scenario_to_dict(small)
    data["risk_levels"]["high"]["triage_target_hours"] = 4
    data["grading"] = {"rules": {"late_triage": {"factor": 1.0}}}
    sc = validate(data, source="test")
    assert broken_rules(make_case(triage_day=REFERRAL + 0.2), sc, LATE) == ["late_triage"]
    assert broken_rules(make_case(triage_day=REFERRAL + 0.16), sc, LATE) == []
    open_case = make_case(triage_day=NAN, allocated_day=NAN, closed_day=NAN)
    assert broken_rules(open_case, sc, REFERRAL + 0.2) == ["late_triage"]
    assert broken_rules(open_case, sc, REFERRAL + 0.16) == []


@pytest.mark.parametrize("factor", [1.0, 2.0, 0.5])
@pytest.mark.parametrize("rule", list(DELAY_RULES))
def test_factor_scales_the_threshold(small: sim.Scenario, rule: str, factor: float) -> None:
    """Only ``rule`` applies, with ``factor``: its threshold is factor × target."""
    sc = grading_scenario(small, {rule: {"factor": factor}})
    target = DELAY_RULES[rule][1] / 1.5  # the target in days
    threshold = factor * target
    for state in ("closed", "open"):
        for delay, expected in (
            (threshold - 0.001, []),
            (threshold, []),
            (threshold + 0.001, [rule]),
        ):
            case, as_of = delayed_case(rule, delay, state)
            assert broken_rules(case, sc, as_of) == expected, (state, delay)
    # between this threshold and the factor-1.5 one, this factor decides
    between = (threshold + 1.5 * target) / 2
    case, as_of = delayed_case(rule, between, "closed")
    assert broken_rules(case, sc, as_of) == ([rule] if factor < 1.5 else [])


def test_delays_are_judged_against_the_true_risk_targets(scenario: sim.Scenario) -> None:
    """An under-graded high-risk case is late by the high-risk target; a medium-risk case
    graded high is judged by the (10 times longer) medium-risk target."""
    under = make_case(true_risk=0, triaged_risk=1, allocated_day=REFERRAL + 6.001)
    assert broken_rules(under, scenario, LATE) == ["late_allocation", "under_graded"]
    over = make_case(true_risk=1, triaged_risk=0, allocated_day=REFERRAL + 6.001)
    assert broken_rules(over, scenario, LATE) == []
    over_late = make_case(true_risk=1, triaged_risk=0, allocated_day=REFERRAL + 60.001)
    assert broken_rules(over_late, scenario, LATE) == ["late_allocation"]


def test_no_warrant_rule_without_a_warrant(scenario: sim.Scenario) -> None:
    no_warrant = make_case(needs_warrant=False, warrant_needed_day=NAN, warrant_granted_day=NAN)
    assert broken_rules(no_warrant, scenario, LATE) == []
    # needed but not yet known to be needed (not allocated): nothing to measure yet
    not_yet = make_case(warrant_needed_day=NAN, warrant_granted_day=NAN, closed_day=NAN)
    assert broken_rules(not_yet, scenario, REFERRAL + 20) == []
    waiting = make_case(warrant_granted_day=NAN, closed_day=NAN)
    assert broken_rules(waiting, scenario, REFERRAL + 12.001) == ["late_warrant"]


def test_warrant_delay_runs_from_warrant_needed_not_referral(scenario: sim.Scenario) -> None:
    """Needed on day 25 (15 days after referral), granted 11.999 days later: not late."""
    case = make_case(
        allocated_day=REFERRAL + 5,
        safeguarding_day=REFERRAL + 5,
        warrant_needed_day=REFERRAL + 15,
        warrant_granted_day=REFERRAL + 26.999,
        closed_day=REFERRAL + 27,
    )
    assert broken_rules(case, scenario, LATE) == []
    later = make_case(
        allocated_day=REFERRAL + 5,
        safeguarding_day=REFERRAL + 5,
        warrant_needed_day=REFERRAL + 15,
        warrant_granted_day=REFERRAL + 27.001,
        closed_day=REFERRAL + 28,
    )
    assert broken_rules(later, scenario, LATE) == ["late_warrant"]


# rules that are events, not delays ----------------------------------------------------------
# (day of the event, day judged): at, after and before the event; closed cases judged late
EVENT_TIMING = [
    pytest.param(REFERRAL + 2.0, REFERRAL + 2.0, True, id="at"),
    pytest.param(REFERRAL + 2.0, REFERRAL + 2.001, True, id="after"),
    pytest.param(REFERRAL + 2.0, REFERRAL + 1.999, False, id="before"),
    pytest.param(NAN, REFERRAL + 2.0, False, id="never"),
    pytest.param(REFERRAL + 2.0, LATE, True, id="closed"),
]


def _event_case(as_of: float, **fields: Any) -> Case:
    """A case with ``fields``: closed on day 13 when judged late, else open."""
    closed = REFERRAL + 3.0 if as_of == LATE else NAN
    return make_case(closed_day=closed, **fields)


@pytest.mark.parametrize(("allocated", "as_of", "held"), EVENT_TIMING)
def test_untrained_complex_once_allocated(
    scenario: sim.Scenario, allocated: float, as_of: float, held: bool
) -> None:
    def case(complex_: bool, untrained: bool) -> Case:
        return _event_case(
            as_of,
            allocated_day=allocated,
            safeguarding_day=allocated,
            warrant_needed_day=allocated,
            warrant_granted_day=allocated,
            complex=complex_,
            untrained_officer=untrained,
        )

    expected = ["untrained_complex"] if held else []
    assert broken_rules(case(True, True), scenario, as_of) == expected
    assert broken_rules(case(False, True), scenario, as_of) == []
    assert broken_rules(case(True, False), scenario, as_of) == []


@pytest.mark.parametrize(("allocated", "as_of", "held"), EVENT_TIMING)
def test_practice_lapse_once_allocated(
    scenario: sim.Scenario, allocated: float, as_of: float, held: bool
) -> None:
    def case(lapse: bool) -> Case:
        return _event_case(
            as_of,
            allocated_day=allocated,
            safeguarding_day=allocated,
            warrant_needed_day=allocated,
            warrant_granted_day=allocated,
            practice_lapse=lapse,
        )

    assert broken_rules(case(True), scenario, as_of) == (["practice_lapse"] if held else [])
    assert broken_rules(case(False), scenario, as_of) == []


@pytest.mark.parametrize(("secured", "as_of", "held"), EVENT_TIMING)
def test_evidence_lost_once_secured(
    scenario: sim.Scenario, secured: float, as_of: float, held: bool
) -> None:
    def case(lost: bool) -> Case:
        return _event_case(as_of, evidence_secured_day=secured, evidence_lost=lost)

    assert broken_rules(case(True), scenario, as_of) == (["evidence_lost"] if held else [])
    assert broken_rules(case(False), scenario, as_of) == []


@pytest.mark.parametrize("closed", [True, False], ids=["closed", "open"])
@pytest.mark.parametrize(
    ("true_risk", "triaged_risk", "broken"),
    [(0, 1, True), (1, 2, True), (0, 2, True), (0, 0, False), (1, 0, False), (2, 1, False)],
)
def test_under_graded_when_triaged_below_true_risk(
    scenario: sim.Scenario, true_risk: int, triaged_risk: int, broken: bool, closed: bool
) -> None:
    case = make_case(
        true_risk=true_risk, triaged_risk=triaged_risk, closed_day=REFERRAL if closed else NAN
    )
    as_of = LATE if closed else REFERRAL + 1
    assert broken_rules(case, scenario, as_of) == (["under_graded"] if broken else [])


# rules left out ------------------------------------------------------------------------------
def _breaks_everything() -> Case:
    return make_case(
        true_risk=0,
        triaged_risk=1,
        triage_day=REFERRAL + 100,
        allocated_day=REFERRAL + 100,
        safeguarding_day=REFERRAL + 100,
        warrant_needed_day=REFERRAL + 100,
        evidence_secured_day=REFERRAL + 100,
        warrant_granted_day=REFERRAL + 200,
        closed_day=REFERRAL + 300,
        complex=True,
        untrained_officer=True,
        evidence_lost=True,
        practice_lapse=True,
    )


def test_a_case_can_break_all_nine_rules_in_order(scenario: sim.Scenario) -> None:
    assert broken_rules(_breaks_everything(), scenario, LATE) == list(RULE_NAMES)


@pytest.mark.parametrize("missing", RULE_NAMES)
def test_rule_absent_from_grading_rules_never_breaks(small: sim.Scenario, missing: str) -> None:
    rules = {name: {"factor": 1.5} for name in RULE_NAMES if name != missing}
    sc = grading_scenario(small, rules)
    expected = [name for name in RULE_NAMES if name != missing]
    assert broken_rules(_breaks_everything(), sc, LATE) == expected
    open_case = make_case(
        triage_day=NAN, allocated_day=NAN, safeguarding_day=NAN, closed_day=NAN,
        warrant_needed_day=NAN, warrant_granted_day=NAN, triaged_risk=1,
    )  # fmt: skip
    assert missing not in broken_rules(open_case, sc, LATE)


def test_no_rules_no_breaks(small: sim.Scenario) -> None:
    sc = grading_scenario(small, {})
    assert broken_rules(_breaks_everything(), sc, LATE) == []
    assert grade([], sc) == ("good", False)


# grade ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def graded(small: sim.Scenario) -> sim.Scenario:
    rules = {
        "late_triage": {"grade": "requires_improvement"},
        "late_allocation": {"grade": "requires_improvement", "serious_concern": True},
        "untrained_complex": {"grade": "inadequate"},
        "evidence_lost": {"grade": "inadequate", "serious_concern": True},
    }
    return grading_scenario(small, rules)


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ([], ("good", False)),
        (["late_triage"], ("requires_improvement", False)),
        (["late_allocation"], ("requires_improvement", True)),
        (["untrained_complex"], ("inadequate", False)),
        (["evidence_lost"], ("inadequate", True)),
        (["late_triage", "untrained_complex"], ("inadequate", False)),
        (["untrained_complex", "late_triage"], ("inadequate", False)),
        (["late_allocation", "untrained_complex"], ("inadequate", True)),
        (["untrained_complex", "late_allocation"], ("inadequate", True)),
        (["late_triage", "late_allocation"], ("requires_improvement", True)),
    ],
)
def test_grade_is_the_worst_and_any_serious_concern_counts(
    graded: sim.Scenario, rules: list[str], expected: tuple[str, bool]
) -> None:
    assert grade(rules, graded) == expected


def test_grade_of_broken_rules_with_the_default_rules(small: sim.Scenario) -> None:
    """Defaults: late safeguarding (factor 2 × 2 days for high risk) is inadequate and a
    serious concern; late allocation requires improvement."""
    case = make_case(allocated_day=REFERRAL + 2.5, safeguarding_day=REFERRAL + 4.001)
    rules = broken_rules(case, small, LATE)
    assert rules == ["late_allocation", "late_safeguarding"]
    assert grade(rules, small) == ("inadequate", True)
    just_allocation = broken_rules(make_case(allocated_day=REFERRAL + 2.5), small, LATE)
    assert grade(just_allocation, small) == ("requires_improvement", False)


# force_grade ---------------------------------------------------------------------------------
CONFUSION = {
    "good": {"good": 0.5, "requires_improvement": 0.25, "inadequate": 0.25},
    "requires_improvement": {"good": 0.25, "requires_improvement": 0.0, "inadequate": 0.75},
    "inadequate": {"good": 0.0, "requires_improvement": 0.0, "inadequate": 1.0},
}


@pytest.fixture(scope="module")
def audited(small: sim.Scenario) -> sim.Scenario:
    return grading_scenario(small, confusion=CONFUSION)


@pytest.mark.parametrize(
    ("inspector", "draw", "expected"),
    [
        ("good", 0.0, "good"),
        ("good", 0.499999, "good"),
        ("good", 0.5, "requires_improvement"),
        ("good", 0.749999, "requires_improvement"),
        ("good", 0.75, "inadequate"),
        ("good", 0.999999, "inadequate"),
        ("requires_improvement", 0.0, "good"),
        ("requires_improvement", 0.249999, "good"),
        ("requires_improvement", 0.25, "inadequate"),  # a zero share is skipped
        ("requires_improvement", 0.999999, "inadequate"),
        ("inadequate", 0.0, "inadequate"),
        ("inadequate", 0.999999, "inadequate"),
    ],
)
def test_force_grade_uses_the_cumulative_shares_of_the_row(
    audited: sim.Scenario, inspector: str, draw: float, expected: str
) -> None:
    assert force_grade(inspector, draw, audited) == expected


def test_force_grade_row_missing_a_grade_counts_it_as_zero(small: sim.Scenario) -> None:
    sc = grading_scenario(small, confusion={"good": {"good": 0.5, "inadequate": 0.5}})
    assert force_grade("good", 0.499999, sc) == "good"
    assert force_grade("good", 0.5, sc) == "inadequate"


def test_force_grade_without_a_row_keeps_the_inspectors_grade(small: sim.Scenario) -> None:
    sc = grading_scenario(small, confusion={"good": {"good": 0.0, "inadequate": 1.0}})
    assert force_grade("good", 0.1, sc) == "inadequate"
    for g in ("requires_improvement", "inadequate"):
        for draw in (0.0, 0.5, 0.999999):
            assert force_grade(g, draw, sc) == g


def test_force_grade_default_confusion_agrees_with_inspectors(small: sim.Scenario) -> None:
    data = scenario_to_dict(small)
    del data["self_assessment"]  # no confusion given: the default is the identity
    sc = validate(data, source="test")
    for g in ("good", "requires_improvement", "inadequate"):
        for draw in (0.0, 0.5, 0.999999):
            assert force_grade(g, draw, sc) == g


def test_force_grade_never_returns_a_grade_with_zero_share(small: sim.Scenario) -> None:
    row = {"good": 0.9999995, "requires_improvement": 0.0, "inadequate": 0.0}
    sc = grading_scenario(small, confusion={"good": row})  # accepted: within 1e-6 of 1
    assert force_grade("good", 0.9999999, sc) == "good"
