"""Investigating officers and the allocation of cases to them.

An officer holds up to ``caseload_cap`` cases. Each case needs chunks of officer work
(safeguarding, a warrant application, the investigation); the officer works one chunk at a
time, highest-risk case first, without preemption, so productive hours are shared among
held cases in priority order. A chunk of ``h`` hours takes ``h / rate`` days, with ``rate``
the officer's productive hours a day after abstraction (and course time for trainees) at
the moment the chunk starts.

Allocation gives waiting cases (highest triaged risk first, then the longest waiting) to
the least-loaded trained detective with a free slot; untrained officers may take a case
only once it has waited ``allocation.untrained_after_days``.
"""

from __future__ import annotations

import heapq
from itertools import count
from typing import TYPE_CHECKING

import simpy

from sim.model.case import Case

if TYPE_CHECKING:
    from sim.model.engine import Model

CHUNK_ORDER = {"safeguarding": 0, "application": 1, "investigation": 2}


class Officer:
    """One investigating officer, a SimPy process working through held cases."""

    def __init__(self, model: Model, officer_id: int, trained: bool) -> None:
        self.model = model
        self.id = officer_id
        self.trained = trained
        self.trainee = False
        self.active = True
        self.held: set[Case] = set()
        self.version = 0
        self._ready: list[tuple[int, int, float, int, Case, str]] = []
        self._order = count()
        self._wakeup: simpy.Event | None = None
        self.working_on: Case | None = None
        self.session_start = 0.0
        self.process = model.env.process(self._work())

    @property
    def group(self):
        officers = self.model.scenario.officers
        return officers.trained if self.trained else officers.untrained

    @property
    def caseload_cap(self) -> int:
        return self.group.caseload_cap

    def hours_per_day(self) -> float:
        """Productive casework hours a day now, after abstraction and course time."""
        g = self.group
        rate = g.productive_hours_per_day * (1.0 - g.abstraction_rate)
        if self.trainee:
            rate *= 1.0 - self.model.scenario.workforce.training.time_away_rate
        return rate

    def give(self, case: Case, chunk: str) -> None:
        """Queue a chunk of work on a held case."""
        entry = (case.triaged_risk, CHUNK_ORDER[chunk], case.referral_day, next(self._order))
        heapq.heappush(self._ready, (*entry, case, chunk))
        if self._wakeup is not None and not self._wakeup.triggered:
            self._wakeup.succeed()

    def take_back_cases(self) -> list[Case]:
        """Leave: hand back every held case not being worked on right now."""
        self.active = False
        # sorted: set order follows memory addresses, which would break reproducibility
        returned = sorted((c for c in self.held if c is not self.working_on), key=lambda c: c.id)
        for c in returned:
            self.held.discard(c)
        self._ready.clear()
        if self._wakeup is not None and not self._wakeup.triggered:
            self._wakeup.succeed()
        return returned

    def _work(self):
        env = self.model.env
        while self.active:
            if not self._ready:
                self._wakeup = env.event()
                yield self._wakeup
                self._wakeup = None
                continue
            *_, case, chunk = heapq.heappop(self._ready)
            if case.chunk_hours_left != case.chunk_hours_left:  # nan: chunk not started
                case.chunk_hours_left = getattr(case, f"{chunk}_hours")
            hours = case.chunk_hours_left
            session = self.model.scenario.officers.work_session_hours
            if session is not None:
                hours = min(hours, session)
            start = self.session_start = env.now
            self.working_on = case
            if hours > 0:
                yield env.timeout(hours / self.hours_per_day())
            self.working_on = None
            self.model.record_work(self, start, env.now)
            case.chunk_hours_left -= hours
            if case.chunk_hours_left > 1e-12:
                if self.active and case in self.held:
                    # a work session ended: back in the queue, so higher-priority work goes first
                    self.give(case, chunk)
                else:  # the officer left mid-chunk: the next officer does the rest
                    self.model.continue_case(case)
                continue
            case.chunk_hours_left = float("nan")
            self.model.chunk_done(case, chunk, self)


class Allocator:
    """The queue of cases waiting for an officer, and the matching of cases to officers."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.officers: dict[bool, list[Officer]] = {True: [], False: []}
        self._waiting: list[tuple[int, float, int, Case]] = []
        self._eligible: list[tuple[int, float, int, Case]] = []
        self._free: dict[bool, list[tuple[int, int, int, Officer]]] = {True: [], False: []}
        self._order = count()

    # officers -----------------------------------------------------------------
    def add_officer(self, officer: Officer) -> None:
        self.officers[officer.trained].append(officer)
        self._mark(officer)

    def remove_officer(self, officer: Officer) -> None:
        self.officers[officer.trained].remove(officer)

    def move_officer(self, officer: Officer, trained: bool) -> None:
        """An officer completes training (or otherwise changes group)."""
        self.officers[officer.trained].remove(officer)
        officer.trained = trained
        self.officers[trained].append(officer)
        self._mark(officer)

    def rebuild(self) -> None:
        """Caps changed: recompute which officers have free slots."""
        for trained in (True, False):
            self._free[trained] = []
            for o in self.officers[trained]:
                self._mark(o)

    def _mark(self, officer: Officer) -> None:
        officer.version += 1
        if officer.active and len(officer.held) < officer.caseload_cap:
            heapq.heappush(
                self._free[officer.trained],
                (len(officer.held), officer.id, officer.version, officer),
            )

    def _free_officer(self, trained: bool) -> Officer | None:
        heap = self._free[trained]
        while heap:
            held, _, version, officer = heap[0]
            if (
                officer.version == version
                and officer.active
                and officer.trained == trained
                and len(officer.held) < officer.caseload_cap
            ):
                return officer
            heapq.heappop(heap)
        return None

    # cases --------------------------------------------------------------------
    def enqueue(self, case: Case) -> None:
        """A case joins the queue for an officer (first time, or handed back)."""
        self.model.set_stage(case, "allocation")
        case.officer = None
        case.waiting_since = self.model.env.now
        entry = (case.triaged_risk, case.referral_day, next(self._order), case)
        heapq.heappush(self._waiting, entry)
        self._schedule_eligibility(case, entry)

    def _schedule_eligibility(self, case: Case, entry) -> None:
        after = self.model.scenario.allocation.untrained_after_days
        if after is None:
            return
        if after <= 0:
            heapq.heappush(self._eligible, entry)
            return
        spell = case.waiting_since
        timer = self.model.env.timeout(after)
        timer.callbacks.append(lambda _ev: self._make_eligible(case, entry, spell))

    def _make_eligible(self, case: Case, entry, spell: float) -> None:
        # only if the case is still in the same spell of waiting that set the timer
        if case.stage == "allocation" and case.waiting_since == spell:
            heapq.heappush(self._eligible, entry)
            self.allocate()

    def policy_changed(self) -> None:
        """The untrained-fallback wait changed: re-derive eligibility of waiting cases."""
        self._eligible = []
        after = self.model.scenario.allocation.untrained_after_days
        if after is None:
            return
        now = self.model.env.now
        for entry in self._waiting:
            case = entry[3]
            if case.stage != "allocation":
                continue
            remaining = case.waiting_since + after - now
            if remaining <= 0:
                heapq.heappush(self._eligible, entry)
            else:
                timer = self.model.env.timeout(remaining)
                timer.callbacks.append(
                    lambda _ev, c=case, e=entry, s=case.waiting_since: self._make_eligible(c, e, s)
                )
        self.allocate()

    def reprioritise(self, case: Case) -> None:
        """Re-queue a waiting case whose triaged risk changed."""
        if case.stage != "allocation":
            return
        entry = (case.triaged_risk, case.referral_day, next(self._order), case)
        heapq.heappush(self._waiting, entry)
        if self.model.scenario.allocation.untrained_after_days is not None:
            heapq.heappush(self._eligible, entry)

    def _pop(self, heap) -> Case | None:
        while heap:
            case = heap[0][3]
            if case.stage == "allocation":
                return case
            heapq.heappop(heap)
        return None

    def allocate(self) -> None:
        """Match waiting cases with officers' free slots."""
        while True:
            case = self._pop(self._waiting)
            if case is None:
                break
            officer = self._free_officer(True)
            if officer is None:
                break
            self._assign(case, officer)
        while True:
            case = self._pop(self._eligible)
            if case is None:
                break
            officer = self._free_officer(False)
            if officer is None:
                break
            self._assign(case, officer)

    def _assign(self, case: Case, officer: Officer) -> None:
        self.model.set_stage(case, "officer")
        case.officer = officer
        officer.held.add(case)
        self._mark(officer)
        self.model.case_allocated(case, officer)

    def release(self, case: Case, officer: Officer) -> None:
        """A case leaves an officer's caseload (closed)."""
        officer.held.discard(case)
        self._mark(officer)
        self.allocate()
