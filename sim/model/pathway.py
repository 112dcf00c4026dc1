"""A case's path: triage, allocation, officer work, warrant, external wait, closure.

Read in the order a referral lives it:

1. :meth:`Pathway.referral_arrives`: triage staff grade the referral's risk (a queue,
   highest true risk first); under load they under-grade more often. Triage keeps it as a
   police case with the category's ``case_rate`` for the triaged risk; most end here.
2. The case waits for an officer (:mod:`sim.model.allocator`); when one takes it,
   :meth:`Pathway.case_allocated` queues its first chunk of work and fixes whether the
   officer's practice lapses on it.
3. The officer works the chunks in turn (:mod:`sim.model.officers`): safeguarding, then the
   warrant application (the warrant process, :mod:`sim.model.warrants`, returns the case
   afterwards), then the investigation; :meth:`Pathway.chunk_done` moves it on.
4. After the investigation the case may wait on others (charging advice, partner
   agencies) while the officer still holds it; then it closes and is graded.

An officer who leaves hands back their cases (:meth:`Pathway.officer_leaves`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.model.case import Case, Referral
from sim.model.enums import Chunk, Stage
from sim.model.officers import Officer
from sim.model.schedule import call_after
from sim.model.warrants import Warrant
from sim.units import HOURS_PER_DAY

if TYPE_CHECKING:
    from sim.model.engine import Model


class Pathway:
    def __init__(self, model: Model) -> None:
        self.model = model

    # 1. triage ---------------------------------------------------------------------------
    def referral_arrives(self, referral: Referral) -> None:
        self.model.cases.in_triage += 1
        days = referral.triage_hours / HOURS_PER_DAY
        self.model.pools.triage.submit(referral.true_risk, days, referral, self._triaged)

    def under_grade_chance(self) -> float:
        """Chance now that triage grades a referral one level below its true risk."""
        t = self.model.scenario.triage
        triage = self.model.pools.triage
        load = triage.queue_length / max(triage.capacity, 1)
        return min(1.0, t.under_grade_rate + t.under_grade_load_rate * load)

    def _triaged(self, referral: Referral) -> None:
        model = self.model
        book = model.cases
        book.in_triage -= 1
        now = model.env._now
        risk = referral.true_risk
        lowest = len(model.risk_names) - 1
        if risk < lowest and referral.under_grade_draw < self.under_grade_chance():
            risk += 1
        is_case = referral.case_draw < model.settings.case_rates[referral.category][risk]
        book.referrals.triaged(referral.category, referral.referral_day, now, is_case)
        if is_case:
            r, allocator = referral, model.allocator
            if allocator.detective_free():  # taken at once: no need to pack it
                case = book.open_case(r.category, r.true_risk, risk, r.referral_day)
                case.triage_day = now
                allocator.enqueue(case)
            else:  # it waits: packed until an officer takes it (the same draws either way)
                allocator.enqueue_waiting(
                    book.open_waiting(r.category, r.true_risk, risk, r.referral_day)
                )
            allocator.allocate()

    # 2. allocation -------------------------------------------------------------------------
    def case_allocated(self, case: Case, officer: Officer) -> None:
        """An officer has taken ``case``: queue its next chunk of work with them."""
        now = self.model.env._now
        first = case.allocations == 0
        case.allocations += 1
        if math.isnan(case.allocated_day):
            case.allocated_day = now
        if first:
            case.untrained_officer = not officer.trained
            case.practice_lapse = self._lapses(case, officer)
            if not case.pending:  # backlog cases already with an officer arrive with work set
                case.pending = [Chunk.SAFEGUARDING]
                if case.needs_warrant:
                    case.pending.append(Chunk.APPLICATION)
                    case.warrant_needed_day = now
                case.pending.append(Chunk.INVESTIGATION)
                if not case.needs_warrant:
                    self.secure_evidence(case)
        else:
            case.reallocations += 1
            case.untrained_officer = case.untrained_officer or not officer.trained
        officer.give(case, case.pending[0])  # type: ignore[misc]  # a list by now

    def _lapses(self, case: Case, officer: Officer) -> bool:
        """Whether the officer's practice fails on the case (after any supervisory review).

        The chance grows with the cases the officer already holds.
        """
        group = officer.hot_settings
        others = max(0, len(officer.held) - 1)
        chance = min(1.0, officer.lapse_rate() + group.practice_lapse_load_rate * others)
        if case.lapse_draw >= chance:
            return False
        sup = self.model.scenario.supervision
        caught = case.review_draw < sup.review_rate and case.catch_draw < sup.catch_rate
        return not caught

    def secure_evidence(self, case: Case) -> None:
        """Evidence is secured now; it was lost meanwhile with the hazard's probability."""
        now = self.model.env._now
        case.evidence_secured_day = now
        hazard = self.model.settings.evidence_loss_per_day
        p_lost = 1.0 - math.exp(-hazard * max(0.0, now - case.referral_day))
        case.evidence_lost = case.evidence_draw < p_lost

    # 3. officer work --------------------------------------------------------------------------
    def chunk_done(self, case: Case, chunk: Chunk, officer: Officer) -> None:
        """The officer finished a chunk of work on ``case``: move the case on."""
        model = self.model
        pending = case.pending
        assert isinstance(pending, list) and pending[0] is chunk, "chunks are worked in order"
        pending.pop(0)
        if chunk is Chunk.SAFEGUARDING and math.isnan(case.safeguarding_day):
            case.safeguarding_day = model.env._now
        if chunk is Chunk.APPLICATION:
            model.cases.set_stage(case, Stage.WARRANT)
            Warrant(model, case)
        elif chunk is Chunk.INVESTIGATION:
            self._investigated(case, officer)
        else:
            self.continue_case(case)

    def continue_case(self, case: Case) -> None:
        """Give the case's next chunk to its officer, or back to allocation if they left."""
        officer = case.officer
        if not case.pending:
            return
        if officer is not None and officer.active and case in officer.held:
            self.model.cases.set_stage(case, Stage.OFFICER)
            officer.give(case, case.pending[0])
        else:
            if officer is not None:
                officer.held.discard(case)
            self.model.allocator.enqueue(case)
            self.model.allocator.allocate()

    # 4. external wait and closure -------------------------------------------------------------
    def _investigated(self, case: Case, officer: Officer) -> None:
        if case.external_wait_days > 0:
            # the officer keeps the case (and its slot) while others decide
            self.model.cases.set_stage(case, Stage.EXTERNAL)
            wait = case.external_wait_days
            call_after(self.model.env, wait, lambda _call: self._close(case, case.officer))
        else:
            self._close(case, officer)

    def _close(self, case: Case, officer: Officer | None) -> None:
        self.model.cases.close(case)
        if officer is None:
            return
        if officer.active:
            self.model.allocator.release(case, officer)
        else:
            officer.held.discard(case)

    # officers leaving ---------------------------------------------------------------------------
    def officer_leaves(self, officer: Officer) -> None:
        """Hand the leaver's cases back: waiting work to allocation; cases out with others
        (warrant pipeline, external decisions) go back to allocation only when they return."""
        allocator = self.model.allocator
        for case in officer.take_back_cases():
            if case.stage in (Stage.WARRANT, Stage.EXTERNAL):
                case.officer = None
            else:
                allocator.enqueue(case)
        allocator.remove_officer(officer)
        allocator.allocate()
