"""A referral and, if triage keeps it, the police case it becomes.

Times are simulated days; ``nan`` means the step has not happened (yet or ever).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from sim.model.enums import Chunk, Stage

if TYPE_CHECKING:
    from sim.model.officers import Officer

NAN = float("nan")


@dataclass(slots=True, eq=False)
class Referral:
    """A referral waiting for triage (most end there); it is counted in the replication's
    :class:`~sim.model.referral_tally.ReferralTally`, and the object is dropped once triage
    has decided."""

    category: int  # index into the scenario's categories
    true_risk: int  # index into the scenario's risk levels, 0 = highest
    referral_day: float
    triage_hours: float
    under_grade_draw: float  # uniform: under-graded if below the under-grading chance
    case_draw: float  # uniform: triage keeps the case if below case_rate

    def __init__(  # written out: the dataclass's own __init__ would run as Python, not compiled
        self,
        category: int,
        true_risk: int,
        referral_day: float,
        triage_hours: float,
        under_grade_draw: float,
        case_draw: float,
    ) -> None:
        self.category, self.true_risk, self.referral_day = category, true_risk, referral_day
        self.triage_hours, self.under_grade_draw, self.case_draw = (
            triage_hours, under_grade_draw, case_draw
        )  # fmt: skip


class CaseDraws:
    """The uniform draws that fix a case's attributes when it is opened.

    Drawn as one block of :attr:`COUNT` from the category's case stream, in this order, so
    replication r of two scenarios gives the same case the same draws (common random
    numbers). Each is compared with a share: the attribute holds when the draw is below it.
    (A plain class, not a ``NamedTuple``, whose constructor would run as Python.)
    """

    __slots__ = ("complex", "warrant", "at_large", "devices", "lapse", "review", "catch",
                 "evidence", "force_grade", "custody")  # fmt: skip
    COUNT: Final = 10

    def __init__(self, u: list[float]) -> None:
        self.complex: float = u[0]  # below complex_rate: needs a trained detective
        self.warrant: float = u[1]  # below warrant_rate: needs a search warrant
        self.at_large: float = u[2]  # below offender_at_large_rate: may harm again
        self.devices: float = u[3]  # below forensics_rate: the warrant seizes devices
        self.lapse: float = u[4]  # below the officer's lapse chance: a practice failure
        self.review: float = u[5]  # below review_rate: a supervisor reviews the case
        self.catch: float = u[6]  # below catch_rate: the review prevents the lapse
        self.evidence: float = u[7]  # below the evidence-loss probability: evidence lost
        self.force_grade: float = u[8]  # picks the force's own grade from its confusion row
        self.custody: float = u[9]  # below refused_bail_rate: charged and refused bail


class Case:
    """A police case: what was drawn when it opened, and what has happened to it.

    Its fields are set in :meth:`__init__`, written out rather than made by ``dataclass``,
    whose ``__init__`` runs as Python even when the module is compiled: compiled, making a
    case took 0.29 µs instead of 2.1 µs, and every opened case is made once."""

    __slots__ = (
        "id",
        "category",
        "true_risk",
        "referral_day",
        "triaged_risk",
        "triage_day",
        "complex",
        "needs_warrant",
        "at_large",
        "seizes_devices",
        "lapse_draw",
        "review_draw",
        "catch_draw",
        "evidence_draw",
        "force_grade_draw",
        "safeguarding_hours",
        "application_hours",
        "investigation_hours",
        "external_wait_days",
        "chunk_hours_left",
        "allocated_day",
        "untrained_officer",
        "officer",
        "allocations",
        "reallocations",
        "safeguarding_day",
        "evidence_secured_day",
        "warrant_needed_day",
        "warrant_granted_day",
        "warrant_executed_day",
        "forensics_done_day",
        "closed_day",
        "stage",
        "pending",
        "waiting_since",
        "evidence_lost",
        "harm_events",
        "practice_lapse",
        "custody_refused_bail",
        "custody_in_cells",
        "custody_cell_hours",
        "grade",
        "force_grade",
        "serious_concern",
        "rules_broken",
    )

    def __init__(
        self,
        id: int,
        category: int,
        true_risk: int,  # index into the scenario's risk levels, 0 = highest
        referral_day: float,
        triaged_risk: int,
        triage_day: float,
        **others: Any,
    ) -> None:
        """The six values every case has; ``others`` sets any other field by name."""
        self.id = id
        self.category = category
        self.true_risk = true_risk
        self.referral_day = referral_day
        self.triaged_risk = triaged_risk
        self.triage_day = triage_day
        # attributes drawn at referral so that replications of two scenarios stay aligned
        self.complex: bool = False
        self.needs_warrant: bool = False
        self.at_large: bool = False
        self.seizes_devices: bool = False
        # uniforms: a practice lapse happens if below the officer's rate; a supervisor reviews
        # the case if below review_rate, and the review prevents the lapse if below catch_rate
        self.lapse_draw: float = 1.0
        self.review_draw: float = 1.0
        self.catch_draw: float = 1.0
        self.evidence_draw: float = 1.0  # uniform compared with the evidence-loss probability
        self.force_grade_draw: float = 0.5
        self.safeguarding_hours: float = 0.0
        self.application_hours: float = 0.0
        self.investigation_hours: float = 0.0
        self.external_wait_days: float = 0.0
        self.chunk_hours_left: float = NAN  # hours still to do on the chunk in progress
        # what happened
        self.allocated_day: float = NAN
        self.untrained_officer: bool = False
        self.officer: Officer | None = None
        self.allocations: int = 0
        self.reallocations: int = 0
        self.safeguarding_day: float = NAN
        self.evidence_secured_day: float = NAN
        self.warrant_needed_day: float = NAN
        self.warrant_granted_day: float = NAN
        self.warrant_executed_day: float = NAN
        self.forensics_done_day: float = NAN
        self.closed_day: float = NAN
        self.stage: Stage = Stage.NEW
        # officer work chunks still to do: a list from the first allocation (an empty tuple
        # before, so the many cases still waiting for an officer hold no list of their own)
        self.pending: list[Chunk] | tuple[()] = ()
        self.waiting_since: float = NAN  # when the case (re)joined the allocation queue
        self.evidence_lost: bool = False
        self.harm_events: int = 0
        self.practice_lapse: bool = False
        self.custody_refused_bail: bool = False
        self.custody_in_cells: bool = False
        self.custody_cell_hours: float = NAN
        self.grade: str = ""
        self.force_grade: str = ""
        self.serious_concern: bool = False
        self.rules_broken: tuple[str, ...] = ()
        for name, value in others.items():
            setattr(self, name, value)

    @property
    def is_open(self) -> bool:
        """Not yet closed."""
        return self.closed_day != self.closed_day  # nan check

    def hours(self, chunk: Chunk) -> float:
        """Officer hours the chunk of work needs, in all."""
        if chunk is Chunk.SAFEGUARDING:
            return self.safeguarding_hours
        if chunk is Chunk.APPLICATION:
            return self.application_hours
        return self.investigation_hours


def case_of_values(v: tuple) -> Case:
    """A ``Case`` (stage new) with the values of :data:`sim.model.dormant.FIELDS`, in that
    order: a case's values as drawn when it opens, or unpacked from a waiting case's bytes.
    (Here, in a compiled module, rather than next to ``FIELDS``: every case is made by it.
    ``test_a_packed_case_comes_back_with_the_same_bits`` checks the two orders agree.)"""
    case = Case(v[0], v[1], v[2], v[3], v[4], v[5])
    case.complex, case.needs_warrant, case.at_large, case.seizes_devices = v[6:10]
    case.lapse_draw, case.review_draw, case.catch_draw = v[10], v[11], v[12]
    case.evidence_draw, case.force_grade_draw = v[13], v[14]
    case.safeguarding_hours, case.application_hours = v[15], v[16]
    case.investigation_hours, case.external_wait_days = v[17], v[18]
    case.waiting_since = v[19]
    case.safeguarding_day = v[20]
    case.custody_refused_bail = v[21]
    case.custody_in_cells = v[22]
    case.custody_cell_hours = v[23]
    return case
