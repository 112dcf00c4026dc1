"""An investigating officer, working through the cases they hold.

An officer holds up to ``caseload_cap`` cases. Each case needs chunks of officer work
(:class:`~sim.model.enums.Chunk`); the officer works one chunk at a time, highest-risk case
first, then the earlier chunk, then the older referral, without preemption, so productive
hours are shared among held cases in priority order. A chunk of ``h`` hours takes
``h / rate`` days, with ``rate`` the officer's productive hours a day after abstraction (and
course time for trainees) when the work starts. With ``officers.work_session_hours`` set,
the officer stops after that many hours and picks the highest-priority work again.

When nothing held outranks the case being worked, the officer would pick it again at every
session's end, so the sessions of the chunk are planned ahead as one stretch
(:class:`_Stretch`) and the officer wakes once, at the end of the last, instead of once a
session. Whatever could change the choice or the pace (new work given, the officer
leaving, changing group or starting or ending a course, a measure, a case re-graded) cuts
the stretch short at the end of the session in progress (:meth:`Officer.cut`). The
sessions' ends, the hours left, the queue's order numbers and the work recorded are the
same as one session at a time, to the bit.

The officer's work runs as callbacks of the events it waits for (the start, a wake-up
when idle, the end of a stretch, a cut), not as a SimPy process: each event keeps the day
and the place on SimPy's schedule it had as a process's (a start or a cut is an urgent
event now: :func:`~sim.model.schedule.call_urgently`), so the records are the same to the
bit, without a generator resumed at each event or an exception raised into it at each cut.
"""

from __future__ import annotations

import math
from heapq import heappop, heappush
from itertools import count
from typing import TYPE_CHECKING

from sim.model.case import Case
from sim.model.enums import Chunk, Group
from sim.model.schedule import Call, call_at, call_now, call_urgently
from sim.model.settings import GroupSettings

if TYPE_CHECKING:
    from sim.model.engine import Model

_DONE = 1e-12  # hours left below this finish a chunk (float slack)


class Officer:
    """One investigating officer."""

    plan_ahead = True
    """Plan the sessions of a chunk as one stretch when nothing outranks it (False: one
    session at a time, the plain way, kept to check that both give the same numbers)."""

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
        self._idle = False  # waiting for work, with no wake-up scheduled yet
        self._wake: Call | None = None  # while working: the end of the stretch
        self.working_on: Case | None = None
        self.session_start = 0.0  # day the session in progress started
        self._stretch: _Stretch | None = None  # the sessions planned ahead, while working
        call_urgently(model.env, self._woken)  # as SimPy starts a process

    @property
    def trained(self) -> bool:
        return self.group is Group.TRAINED

    @property
    def hot_settings(self) -> GroupSettings:
        """The settings of this officer's group in the scenario in force, as the officer
        reads them while working (read once a scenario: :mod:`sim.model.settings`)."""
        s = self.model.settings
        return s.trained if self.group is Group.TRAINED else s.untrained

    @property
    def has_free_slot(self) -> bool:
        if not self.active:
            return False
        cap = self.hot_settings.caseload_cap
        return len(self.held) < cap

    def lapse_rate(self) -> float:
        """Practice-failure chance before caseload: the group's rate, or, while the officer is
        still learning, a higher rate falling in a straight line from
        ``new_officer_lapse_rate`` on joining to ``practice_lapse_rate`` after
        ``learning_days`` (days since :attr:`joined_day`)."""
        g = self.hot_settings
        if g.new_officer_lapse_rate is None or g.learning_days <= 0:
            return g.practice_lapse_rate
        still_to_learn = 1.0 - (self.model.env._now - self.joined_day) / g.learning_days
        if still_to_learn <= 0:
            return g.practice_lapse_rate
        extra = g.new_officer_lapse_rate - g.practice_lapse_rate
        return g.practice_lapse_rate + extra * still_to_learn

    def hours_per_day(self) -> float:
        """Productive casework hours a day now, after abstraction and course time."""
        rate = self.hot_settings.pace
        if self.trainee:
            rate *= 1.0 - self.model.settings.course_time_away_rate
        return rate

    def give(self, case: Case, chunk: Chunk) -> None:
        """Queue a chunk of work on a held case."""
        key = _priority(case, chunk)
        stretch = self._stretch
        if stretch is not None and key <= stretch.key:
            self.cut()  # it would be taken before the case worked on: at the next end
        entry = (*key, next(self._order), case, chunk)
        heappush(self._ready, entry)
        self._wake_if_idle()

    def take_back_cases(self) -> list[Case]:
        """Leave: hand back every held case not being worked on right now."""
        self.cut()
        self.active = False
        # sorted: set order follows memory addresses, which would break reproducibility
        returned = sorted((c for c in self.held if c is not self.working_on), key=lambda c: c.id)
        for c in returned:
            self.held.discard(c)
        self._ready.clear()
        self._wake_if_idle()
        return returned

    def _wake_if_idle(self) -> None:
        """Wake the officer if idle, as an event that succeeds now would."""
        if self._idle:
            self._idle = False
            call_now(self.model.env, self._woken)

    # the officer's work, run by the events it waits for ----------------------------------
    def _work(self) -> None:
        """Work through the queue until the officer must wait: for new work (idle), or for
        the end of a stretch of sessions. Runs when the officer starts and after each."""
        env, ready = self.model.env, self._ready
        while self.active:
            if not ready:
                self._idle = True
                return
            entry = heappop(ready)
            case, chunk = entry[4], entry[5]
            left = case.chunk_hours_left
            if left != left:  # nan: chunk not started
                left = case.chunk_hours_left = case.hours(chunk)
            self.session_start = env._now
            self.working_on = case
            if left > 0:
                stretch = self._stretch = self._plan(case, chunk, left)
                self._wait_until(stretch.ends[stretch.last])
                return
            self._session_over(case, chunk, left)

    def _woken(self, _call: Call) -> None:
        """The officer starts, or is woken while idle."""
        self._work()

    def _wait_until(self, day: float) -> None:
        self._wake = call_at(self.model.env, day, self._stretch_ended)

    def _stretch_ended(self, _call: Call) -> None:
        stretch = self._stretch
        assert stretch is not None  # woken at the end of one
        self._stretch = self._wake = None
        self._settle(stretch, stretch.last)
        self._session_over(stretch.case, stretch.chunk, stretch.hours[stretch.last])
        self._work()

    def _session_over(self, case: Case, chunk: Chunk, hours: float) -> None:
        """A session of ``hours`` on ``chunk`` of ``case`` ends now: book it and move the
        case on (back in the queue, to the next officer, or to its next chunk)."""
        model = self.model
        self.working_on = None
        if self.group is Group.TRAINED:  # only detectives' time is counted
            model.workforce.record_work(self, self.session_start, model.env._now)
        case.chunk_hours_left -= hours
        if case.chunk_hours_left > _DONE:
            if self.active and case in self.held:
                # a work session ended: back in the queue, so higher-priority work goes first
                self.give(case, chunk)
            else:  # the officer left mid-chunk: the next officer does the rest
                model.pathway.continue_case(case)
            return
        case.chunk_hours_left = float("nan")
        model.pathway.chunk_done(case, chunk, self)

    def _cut_short(self, _call: Call) -> None:
        """The stretch was cut (:meth:`cut`): wake at the end of its new last session
        instead, as an interrupted process would wait again."""
        stretch, wake = self._stretch, self._wake
        assert stretch is not None and wake is not None  # cut while working
        assert wake.callbacks is not None  # not run yet
        wake.callbacks.remove(self._stretch_ended)
        self._wait_until(stretch.ends[stretch.last])

    def _plan(self, case: Case, chunk: Chunk, left: float) -> _Stretch:
        """The sessions of ``left`` hours on ``chunk`` from now: one, or, when nothing in
        the queue outranks the case (it would be picked again at each session's end), every
        session to the end of the chunk. Each ends where one timeout a session would end
        (``start + hours / rate``, as SimPy adds a delay)."""
        session = self.model.settings.work_session_hours
        rate = self.hours_per_day()
        ready = self._ready
        key = _priority(case, chunk)
        alone = self.plan_ahead and (not ready or ready[0][:3] > key)
        hours_each: list[float] = []
        ends: list[float] = []
        day = self.model.env._now
        while True:
            hours = left if session is None else min(left, session)
            day = day + hours / rate
            hours_each.append(hours)
            ends.append(day)
            left = left - hours
            if session is None or not alone or not left > _DONE:
                return _Stretch(case, chunk, key, hours_each, ends)

    def _settle(self, stretch: _Stretch, upto: int) -> None:
        """Book the sessions of ``stretch`` before session ``upto`` that are not yet booked,
        as their ends would have: the work recorded, the hours left, and the order number
        the case took when it went back in the queue (and came straight out again)."""
        case = stretch.case
        for i in range(stretch.done, upto):
            if self.group is Group.TRAINED:
                self.model.workforce.record_work(self, self.session_start, stretch.ends[i])
            case.chunk_hours_left -= stretch.hours[i]
            next(self._order)
            self.session_start = stretch.ends[i]
        stretch.done = upto

    def settle_now(self) -> None:
        """Book the planned sessions that are over by now, as their ends would have."""
        stretch = self._stretch
        if stretch is not None:
            now = self.model.env._now
            over = stretch.done
            while over < stretch.last and stretch.ends[over] <= now:
                over += 1
            self._settle(stretch, over)

    def cut(self) -> None:
        """Something that may change what this officer does next, or how fast, is about to
        happen: a stretch of planned sessions ends with the session in progress (those
        already over are booked now)."""
        self.settle_now()
        stretch = self._stretch
        if stretch is not None and stretch.done < stretch.last:
            stretch.last = stretch.done
            call_urgently(self.model.env, self._cut_short)  # as SimPy interrupts a process

    def set_group(self, group: Group) -> None:
        """Change group (a trainee qualifies): the sessions before count in the old one."""
        self.cut()
        self.group = group

    def set_trainee(self, on_course: bool) -> None:
        """Start or end a course, which changes the pace of later sessions."""
        self.cut()
        self.trainee = on_course


def _priority(case: Case, chunk: Chunk) -> tuple[int, int, float]:
    """A chunk's place in an officer's queue, lowest first: the higher risk (a lower
    index), then the earlier chunk, then the older referral."""
    return case.triaged_risk, int(chunk), case.referral_day


class _Stretch:
    """Sessions of work on ``chunk`` of ``case`` planned ahead: ``hours`` of each and the
    day it ends; ``done`` sessions are booked; the officer wakes at the end of session
    ``last``. ``key`` is the case's priority in the queue (risk, chunk, referral day)."""

    __slots__ = ("case", "chunk", "key", "hours", "ends", "done", "last")

    def __init__(
        self, case: Case, chunk: Chunk, key: tuple, hours: list[float], ends: list[float]
    ) -> None:
        self.case, self.chunk, self.key, self.hours, self.ends = case, chunk, key, hours, ends
        self.done = 0
        self.last = len(ends) - 1
