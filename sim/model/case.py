"""A referral and, if triage keeps it, the police case it becomes.

Times are simulated days; ``nan`` means the step has not happened (yet or ever).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

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


class CaseDraws(NamedTuple):
    """The uniform draws that fix a case's attributes when it is opened.

    Drawn as one block from the category's case stream, in this order, so replication r of
    two scenarios gives the same case the same draws (common random numbers). Each is
    compared with a share: the attribute holds when the draw is below it.
    """

    complex: float  # below complex_rate: needs a trained detective to be done well
    warrant: float  # below warrant_rate: needs a search warrant
    at_large: float  # below offender_at_large_rate: a suspect at large may harm again
    devices: float  # below forensics_rate: the warrant seizes devices for forensics
    lapse: float  # below the officer's lapse chance: a practice failure
    review: float  # below review_rate: a supervisor reviews the case
    catch: float  # below catch_rate: the review prevents the lapse
    evidence: float  # below the evidence-loss probability: evidence lost by delay
    force_grade: float  # picks the force's own audit grade from its confusion row
    custody: float  # below refused_bail_rate: a child charged and refused bail

    @classmethod
    def draw(cls, rng: np.random.Generator) -> CaseDraws:
        return cls(*rng.random(len(cls._fields)).tolist())


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
    officer: Officer | None = None
    allocations: int = 0
    reallocations: int = 0
    safeguarding_day: float = NAN
    evidence_secured_day: float = NAN
    warrant_needed_day: float = NAN
    warrant_granted_day: float = NAN
    warrant_executed_day: float = NAN
    forensics_done_day: float = NAN
    closed_day: float = NAN
    stage: Stage = Stage.NEW
    # officer work chunks still to do: a list from the first allocation (an empty tuple
    # before, so the many cases still waiting for an officer hold no list of their own)
    pending: list[Chunk] | tuple[()] = ()
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
    (Here, in a compiled module, rather than next to ``FIELDS``: every case is made by it;
    :mod:`sim.model.dormant` checks that ``FIELDS`` keeps this order.)"""
    case = Case(
        v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9],
        v[10], v[11], v[12], v[13], v[14], v[15], v[16], v[17], v[18],
    )  # fmt: skip
    case.waiting_since = v[19]
    case.safeguarding_day = v[20]
    case.custody_refused_bail = v[21]
    case.custody_in_cells = v[22]
    case.custody_cell_hours = v[23]
    return case
