"""Grading a case as inspectors grade files, by the scenario's explicit rules.

A case breaks a delay rule when the delay exceeds ``factor ×`` the target for its true risk
level. For a case still open at ``as_of_day``, delays are measured up to that day (a case
still waiting 30 days for an officer has already broken a 17-day target). The grade is the
worst grade among the rules broken, ``good`` when none.
"""

from __future__ import annotations

import math

from sim.model.case import Case
from sim.scenario.schema import GRADES, Scenario
from sim.units import HOURS_PER_DAY


def _elapsed(start: float, end: float, as_of_day: float) -> float:
    """Days from ``start`` to ``end``, or to ``as_of_day`` while ``end`` has not happened."""
    if math.isnan(start):
        return 0.0
    if math.isnan(end) or end > as_of_day:
        return max(0.0, as_of_day - start)
    return end - start


def broken_rules(case: Case, scenario: Scenario, as_of_day: float) -> list[str]:
    """Names of the grading rules ``case`` breaks, judged at ``as_of_day``."""
    rules = scenario.grading.rules
    risk = list(scenario.risk_levels.values())[case.true_risk]
    broken: list[str] = []

    def late(rule: str, days: float, target_days: float) -> None:
        r = rules.get(rule)
        if r is not None and days > r.factor * target_days:
            broken.append(rule)

    late(
        "late_triage",
        _elapsed(case.referral_day, case.triage_day, as_of_day),
        risk.triage_target_hours / HOURS_PER_DAY,
    )
    late(
        "late_allocation",
        _elapsed(case.referral_day, case.allocated_day, as_of_day),
        risk.allocation_target_days,
    )
    late(
        "late_safeguarding",
        _elapsed(case.referral_day, case.safeguarding_day, as_of_day),
        risk.safeguarding_target_days,
    )
    if case.needs_warrant and not math.isnan(case.warrant_needed_day):
        late(
            "late_warrant",
            _elapsed(case.warrant_needed_day, case.warrant_granted_day, as_of_day),
            risk.warrant_target_days,
        )
    late(
        "late_investigation",
        _elapsed(case.referral_day, case.closed_day, as_of_day),
        risk.investigation_target_days,
    )
    allocated = not math.isnan(case.allocated_day) and case.allocated_day <= as_of_day
    if "untrained_complex" in rules and case.complex and allocated and case.untrained_officer:
        broken.append("untrained_complex")
    secured = not math.isnan(case.evidence_secured_day) and case.evidence_secured_day <= as_of_day
    if "evidence_lost" in rules and case.evidence_lost and secured:
        broken.append("evidence_lost")
    if "under_graded" in rules and case.triaged_risk > case.true_risk:
        broken.append("under_graded")
    if "practice_lapse" in rules and case.practice_lapse and allocated:
        broken.append("practice_lapse")
    return broken


def grade(rule_names: list[str], scenario: Scenario) -> tuple[str, bool]:
    """The grade (worst of the broken rules' grades) and the serious-concern flag."""
    rules = scenario.grading.rules
    worst = 0
    serious = False
    for name in rule_names:
        rule = rules[name]
        worst = max(worst, GRADES.index(rule.grade))
        serious = serious or rule.serious_concern
    return GRADES[worst], serious


def force_grade(inspector_grade: str, draw: float, scenario: Scenario) -> str:
    """The force's own audit grade, drawn from its confusion row with the uniform ``draw``.

    The draw is scaled by the row's total (1 within validation's tolerance), so a grade with
    a share of 0 is never drawn.
    """
    row = scenario.self_assessment.confusion.get(inspector_grade)
    if row is None:
        return inspector_grade
    point = draw * sum(row.values())
    cumulative = 0.0
    last = inspector_grade
    for g in GRADES:
        share = row.get(g, 0.0)
        if share <= 0:
            continue
        cumulative += share
        last = g
        if point < cumulative:
            return g
    return last
