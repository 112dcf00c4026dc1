"""Referral arrivals and triage, run between the SimPy events that could see them.

Most referrals end at triage, and nothing else in the model happens between a referral's
arrival and its triage decision that could change either: arrivals and the triage queue
depend only on the scenario in force, which changes only at SimPy events (measures). So
the desk keeps arrivals and triage services on its own small schedule (a heap of days)
instead of SimPy's, and runs them in one go whenever SimPy would otherwise move past them:
a single wake-up on SimPy's schedule, at the desk's next day, works through every desk
event before SimPy's next event (SimPy's own go first on the same day, as they were
scheduled first). Each runs with SimPy's clock set to its day, so the code it calls
(:meth:`~sim.model.pathway.Pathway.referral_arrives`, the triage decision, opening a case
and allocating it) sees the same day, the same state and the same draws as when each was
a SimPy event. That saves two SimPy events a referral, most of the events of a run.

Days are simulated days. This uses SimPy 4's schedule (``Environment._queue`` and
``_now``), as :class:`~sim.model.officers.Officer` does for its wake-ups; simpy is pinned
below 5.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Generator
from itertools import count
from typing import TYPE_CHECKING, Any

import simpy
from simpy.events import NORMAL

from sim.model.servers import StaffPool

if TYPE_CHECKING:
    from sim.model.case import Referral

Step = Generator[float, None, None]
"""An arrival stream: yields the days to wait until it runs again."""


class TriageDesk(StaffPool):
    """The arrival streams and the triage staff (a pool of ``capacity`` servers with a
    priority queue: lower priority values first, then arrival order; non-preemptive),
    scheduled off SimPy's schedule."""

    def __init__(self, env: simpy.Environment, capacity: int) -> None:
        super().__init__(env, capacity)
        self._due: list[tuple[float, int, Any]] = []  # (day, order, stream or job)
        self._due_order = count()
        self._wake: simpy.Event | None = None
        self._wake_day = math.inf

    def submit(
        self, priority: float, service_days: float, referral: Referral,
        on_done: Callable[[Referral], None],
    ) -> None:  # fmt: skip
        """Queue ``referral`` for triage; ``on_done(referral)`` runs when its service ends."""
        heapq.heappush(self._queue, (priority, next(self._order), service_days, referral, on_done))
        self._start_waiting()

    def _start_waiting(self) -> None:
        """Start waiting referrals on free staff (after a submission, a service's end, a
        change of staff or a new stream) and make sure a wake-up is on SimPy's schedule at
        the desk's next day. While the desk runs, its wake-up day is minus infinity: it
        schedules one when it stops."""
        queue, due, now = self._queue, self._due, self.env._now
        while queue and self.busy < self._capacity:
            job = heapq.heappop(queue)
            self.busy += 1
            heapq.heappush(due, (now + job[2], next(self._due_order), job))
        if due and due[0][0] < self._wake_day:
            self._schedule_wake(due[0][0])

    # the arrival streams ------------------------------------------------------------------
    def start(self, stream: Step) -> None:
        """Run ``stream``'s first step now, as SimPy starts a process before anything else
        of the day, and its later steps after the days it yields."""
        try:
            wait = next(stream)
        except StopIteration:
            return
        heapq.heappush(self._due, (self.env._now + wait, next(self._due_order), stream))
        self._start_waiting()  # wakes the desk for the stream's next step

    # running the desk's events --------------------------------------------------------
    def _schedule_wake(self, day: float) -> None:
        env = self.env
        wake = simpy.Event(env)
        wake._ok, wake._value = True, None
        wake.callbacks.append(self._run)
        heapq.heappush(env._queue, (day, NORMAL, next(env._eid), wake))
        self._wake, self._wake_day = wake, day

    def _run(self, wake: simpy.Event) -> None:
        """Work through the desk's events due before SimPy's next event."""
        if wake is not self._wake:  # superseded by an earlier wake-up
            return
        self._wake, self._wake_day = None, -math.inf
        env, due, schedule = self.env, self._due, self.env._queue
        while due:
            day = due[0][0]
            if schedule and schedule[0][0] <= day:  # SimPy's events of the day go first
                break
            _, _, what = heapq.heappop(due)
            env._now = day
            if what.__class__ is tuple:  # a triage service ended
                self.busy -= 1
                what[4](what[3])
                self._start_waiting()
            else:
                try:
                    wait = next(what)
                except StopIteration:
                    continue
                heapq.heappush(due, (day + wait, next(self._due_order), what))
        self._wake_day = math.inf
        if due:
            self._schedule_wake(due[0][0])
