"""An investigating officer: a SimPy process working through the cases they hold.

An officer holds up to ``caseload_cap`` cases. Each case needs chunks of officer work
(:class:`~sim.model.enums.Chunk`); the officer works one chunk at a time, highest-risk case
first, then the earlier chunk, then the older referral, without preemption, so productive
hours are shared among held cases in priority order. A chunk of ``h`` hours takes
``h / rate`` days, with ``rate`` the officer's productive hours a day after abstraction (and
course time for trainees) when the work starts. With ``officers.work_session_hours`` set,
the officer stops after that many hours and picks the highest-priority work again.
"""

from __future__ import annotations

import heapq
import math
from itertools import count
from typing import TYPE_CHECKING

import simpy

from sim.model.case import Case
from sim.model.enums import Chunk, Group
from sim.scenario.schema import OfficerGroup

if TYPE_CHECKING:
    from sim.model.engine import Model

_DONE = 1e-12  # hours left below this finish a chunk (float slack)


class Officer:
    """One investigating officer."""

    def __init__(self, model: Model, officer_id: int, group: Group) -> None:
        self.model = model
        self.id = officer_id
        self.group = group
        self.trainee = False
        self.joined_day = -math.inf  # day joined this group; -inf: experienced from the start
        self.active = True
        self.held: set[Case] = set()
        self.version = 0  # bumped whenever the allocator re-files the officer
        self._ready: list[tuple[int, int, float, int, Case, Chunk]] = []
        self._order = count()
        self._wakeup: simpy.Event | None = None
        self.working_on: Case | None = None
        self.session_start = 0.0
        self.process = model.env.process(self._work())

    @property
    def trained(self) -> bool:
        return self.group is Group.TRAINED

    @property
    def settings(self) -> OfficerGroup:
        """The scenario's current settings for this officer's group."""
        officers = self.model.scenario.officers
        return officers.trained if self.group is Group.TRAINED else officers.untrained

    @property
    def caseload_cap(self) -> int:
        return self.settings.caseload_cap

    @property
    def has_free_slot(self) -> bool:
        if not self.active:
            return False
        officers = self.model.scenario.officers
        g = officers.trained if self.group is Group.TRAINED else officers.untrained
        return len(self.held) < g.caseload_cap

    def lapse_rate(self) -> float:
        """Practice-failure chance before caseload: the group's rate, or, while the officer is
        still learning, a higher rate falling in a straight line from
        ``new_officer_lapse_rate`` on joining to ``practice_lapse_rate`` after
        ``learning_days`` (days since :attr:`joined_day`)."""
        g = self.settings
        if g.new_officer_lapse_rate is None or g.learning_days <= 0:
            return g.practice_lapse_rate
        still_to_learn = 1.0 - (self.model.env.now - self.joined_day) / g.learning_days
        if still_to_learn <= 0:
            return g.practice_lapse_rate
        extra = g.new_officer_lapse_rate - g.practice_lapse_rate
        return g.practice_lapse_rate + extra * still_to_learn

    def hours_per_day(self) -> float:
        """Productive casework hours a day now, after abstraction and course time."""
        officers = self.model.scenario.officers
        g = officers.trained if self.group is Group.TRAINED else officers.untrained
        rate = g.productive_hours_per_day * (1.0 - g.abstraction_rate)
        if self.trainee:
            rate *= 1.0 - self.model.scenario.workforce.training.time_away_rate
        return rate

    def give(self, case: Case, chunk: Chunk) -> None:
        """Queue a chunk of work on a held case."""
        entry = (case.triaged_risk, int(chunk), case.referral_day, next(self._order), case, chunk)
        heapq.heappush(self._ready, entry)
        wakeup = self._wakeup
        if wakeup is not None and not wakeup.triggered:
            wakeup.succeed()

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
        model = self.model
        env, ready = model.env, self._ready
        while self.active:
            if not ready:
                self._wakeup = env.event()
                yield self._wakeup
                self._wakeup = None
                continue
            entry = heapq.heappop(ready)
            case, chunk = entry[4], entry[5]
            left = case.chunk_hours_left
            if left != left:  # nan: chunk not started
                left = case.chunk_hours_left = case.hours(chunk)
            hours = left
            session = model.scenario.officers.work_session_hours
            if session is not None:
                hours = min(hours, session)
            start = self.session_start = env.now
            self.working_on = case
            if hours > 0:
                yield env.timeout(hours / self.hours_per_day())
            self.working_on = None
            if self.group is Group.TRAINED:  # only detectives' time is counted
                model.workforce.record_work(start, env.now)
            case.chunk_hours_left -= hours
            if case.chunk_hours_left > _DONE:
                if self.active and case in self.held:
                    # a work session ended: back in the queue, so higher-priority work goes first
                    self.give(case, chunk)
                else:  # the officer left mid-chunk: the next officer does the rest
                    model.pathway.continue_case(case)
                continue
            case.chunk_hours_left = float("nan")
            model.pathway.chunk_done(case, chunk, self)
