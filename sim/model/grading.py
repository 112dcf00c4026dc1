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


def _targets(scenario: Scenario) -> list[tuple[float | None, ...]]:
    """Per risk level, ``factor × target`` (days) of each delay rule in the scenario (None
    when the rule is not used), computed once per scenario object."""
    global _cache
    cached = _cache  # one read: another thread may swap it meanwhile
    if cached[0] is scenario:
        return cached[1]
    rules = scenario.grading.rules
    names = ("late_triage", "late_allocation", "late_safeguarding", "late_warrant")
    out = []
    for risk in scenario.risk_levels.values():
        targets = (
            risk.triage_target_hours / HOURS_PER_DAY,
            risk.allocation_target_days,
            risk.safeguarding_target_days,
            risk.warrant_target_days,
            risk.investigation_target_days,
        )
        limits = tuple(
            rules[name].factor * target if name in rules else None
            for name, target in zip((*names, "late_investigation"), targets, strict=True)
        )
        out.append(limits)
    _cache = (scenario, out)
    return out


_cache: tuple = (None, [])  # (scenario, its targets): the last scenario asked about


def broken_rules(case: Case, scenario: Scenario, as_of_day: float) -> list[str]:
    """Names of the grading rules ``case`` breaks, judged at ``as_of_day``."""
    rules = scenario.grading.rules
    triage, allocation, safeguarding, warrant, investigation = _targets(scenario)[case.true_risk]
    broken: list[str] = []
    referred = case.referral_day
    if triage is not None and _elapsed(referred, case.triage_day, as_of_day) > triage:
        broken.append("late_triage")
    if allocation is not None and _elapsed(referred, case.allocated_day, as_of_day) > allocation:
        broken.append("late_allocation")
    if (
        safeguarding is not None
        and _elapsed(referred, case.safeguarding_day, as_of_day) > safeguarding
    ):
        broken.append("late_safeguarding")
    needed = case.warrant_needed_day
    if (
        warrant is not None
        and case.needs_warrant
        and not math.isnan(needed)
        and _elapsed(needed, case.warrant_granted_day, as_of_day) > warrant
    ):
        broken.append("late_warrant")
    if investigation is not None and _elapsed(referred, case.closed_day, as_of_day) > investigation:
        broken.append("late_investigation")
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
    row = scenario.self_assessment.confusion.get(inspector_grade)  # type: ignore[call-overload]
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
