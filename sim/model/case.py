"""A referral and, if triage keeps it, the police case it becomes.

Times are simulated days; ``nan`` means the step has not happened (yet or ever).
"""

from __future__ import annotations

from dataclasses import dataclass, field

NAN = float("nan")


@dataclass(slots=True, eq=False)
class Referral:
    """A referral before and at triage (most end there)."""

    category: int  # index into the scenario's categories
    true_risk: int  # index into the scenario's risk levels, 0 = highest
    referral_day: float
    triage_hours: float
    under_grade_draw: float  # uniform: under-graded if below the under-grading chance
    case_draw: float  # uniform: triage keeps the case if below case_rate
    triaged_risk: int = -1
    triage_day: float = NAN
    is_case: bool = False


@dataclass(slots=True, eq=False)
class Case:
    id: int
    category: int
    true_risk: int  # index into the scenario's risk levels, 0 = highest
    referral_day: float
    triaged_risk: int
    triage_day: float
    # attributes drawn at referral so that replications of two scenarios stay aligned
    complex: bool = False
    needs_warrant: bool = False
    at_large: bool = False
    seizes_devices: bool = False
    lapse_draw: float = 1.0  # uniform: practice lapse happens if below the officer's rate
    review_draw: float = 1.0  # uniform: a supervisor reviews the case if below review_rate
    catch_draw: float = 1.0  # uniform: the review prevents a lapse if below catch_rate
    evidence_draw: float = 1.0  # uniform compared with the evidence-loss probability
    force_grade_draw: float = 0.5
    safeguarding_hours: float = 0.0
    application_hours: float = 0.0
    investigation_hours: float = 0.0
    external_wait_days: float = 0.0
    chunk_hours_left: float = NAN  # hours still to do on the chunk in progress
    # what happened
    allocated_day: float = NAN
    untrained_officer: bool = False
    officer: object | None = None
    allocations: int = 0
    reallocations: int = 0
    safeguarding_day: float = NAN
    evidence_secured_day: float = NAN
    warrant_needed_day: float = NAN
    warrant_granted_day: float = NAN
    warrant_executed_day: float = NAN
    forensics_done_day: float = NAN
    closed_day: float = NAN
    stage: str = "new"
    pending: list[str] = field(default_factory=list)  # officer work chunks still to do
    waiting_since: float = NAN  # when the case (re)joined the allocation queue
    evidence_lost: bool = False
    harm_events: int = 0
    practice_lapse: bool = False
    custody_refused_bail: bool = False
    custody_in_cells: bool = False
    custody_cell_hours: float = NAN
    grade: str = ""
    force_grade: str = ""
    serious_concern: bool = False
    rules_broken: tuple[str, ...] = ()

    @property
    def is_open(self) -> bool:
        """Not yet closed."""
        return self.closed_day != self.closed_day  # nan check
