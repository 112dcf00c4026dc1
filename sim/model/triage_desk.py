"""Referral arrivals and triage, run between the SimPy events that could see them.

Most referrals end at triage, and nothing else in the model happens between a referral's
arrival and its triage decision that could change either: arrivals and the triage queue
depend only on the scenario in force, which changes only at SimPy events (measures). So
the desk keeps arrivals and triage services on its own small schedule (a heap of days)
instead of SimPy's, and the model's environment (:class:`DeskEnvironment`) runs the two
schedules merged by day: a desk event runs when it is due before SimPy's next event
(SimPy's go first on the same day, as they were scheduled first). Each runs with SimPy's
clock set to its day, so the code it calls
(:meth:`~sim.model.pathway.Pathway.referral_arrives`, the triage decision, opening a case
and allocating it) sees the same day, the same state and the same draws as when each was
a SimPy event. That saves two SimPy events a referral, most of the events of a run, and a
desk needs no event of its own on SimPy's schedule to wake it.

Days are simulated days. This uses SimPy 4's schedule (``Environment._queue`` and
``_now``), as :mod:`sim.model.schedule` does for the model's own events; simpy is pinned
below 5.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from heapq import heappop, heappush
from itertools import count
from typing import Any

import simpy
from simpy.events import URGENT

from sim.model.servers import StaffPool

Step = Generator[float, None, None]
"""An arrival stream: yields the days to wait until it runs again."""


class DeskEnvironment(simpy.Environment):
    """A SimPy environment whose :meth:`run` also runs a :class:`TriageDesk`'s events, each
    when it is due before SimPy's next event. ``env.step()`` runs SimPy's next event only:
    run the model with :meth:`run`, which also runs SimPy's events itself (as SimPy 4's
    ``step`` would)."""

    def __init__(self, initial_time: float = 0) -> None:
        super().__init__(initial_time)
        self.desk: TriageDesk | None = None

    def run(self, until: float | simpy.Event | None = None) -> None:
        """Run to day ``until`` (SimPy's and the desk's events before it; the clock then
        reads ``until``), or, with ``None``, until neither has an event left."""
        desk = self.desk
        if desk is None:
            super().run(until)
            return
        stop = None
        if until is not None:
            if isinstance(until, simpy.Event):
                raise TypeError("run(until=...): a day, not an event, with a triage desk")
            at = float(until)
            if at <= self._now:
                raise ValueError(f"until (={at}) must be greater than the current simulation time")
            stop = simpy.Event(self)  # as SimPy's run: an urgent event at the day
            stop._ok, stop._value = True, None
            self.schedule(stop, URGENT, at - self._now)
        queue, due, desk_step = self._queue, desk._due, desk._step
        while True:
            if due and (not queue or due[0][0] < queue[0][0]):  # SimPy's of the day first
                desk_step()
            elif not queue:
                return
            elif queue[0][3] is stop:
                self._now = heappop(queue)[0]
                return
            else:
                self._step_simpy(heappop(queue))

    def _step_simpy(self, entry: tuple[float, int, int, simpy.Event]) -> None:
        """Run SimPy's next event, ``entry`` just popped from its schedule, as SimPy 4's
        ``Environment.step`` does (its loop runs compiled here, where SimPy's is
        interpreted). Its handling of ``StopSimulation`` is left out: that is raised only by
        a run until an event, which :meth:`run` refuses."""
        self._now, _, _, event = entry
        callbacks = event.callbacks
        event.callbacks = None  # type: ignore[assignment]  # as SimPy marks it processed
        for callback in callbacks:
            callback(event)
        if not event._ok and not hasattr(event, "_defused"):
            # the event failed and nobody defused it: crash, as SimPy does
            exc = type(event._value)(*event._value.args)
            exc.__cause__ = event._value
            raise exc


class TriageDesk(StaffPool):
    """The arrival streams and the triage staff (a pool of ``capacity`` servers with a
    priority queue: lower priority values first, then arrival order; non-preemptive),
    scheduled off SimPy's schedule."""

    def __init__(self, env: simpy.Environment, capacity: int) -> None:
        if not isinstance(env, DeskEnvironment) or env.desk is not None:
            raise TypeError("a triage desk needs a DeskEnvironment of its own")
        super().__init__(env, capacity)
        self._due: list[tuple[float, int, Any]] = []  # (day, order, stream or job)
        self._due_order = count()
        env.desk = self

    def submit(
        self, priority: float, service_days: float, referral: Any, on_done: Callable[[Any], None]
    ) -> None:
        """Queue ``referral`` (the model's :class:`~sim.model.case.Referral`; the desk only
        hands it back) for triage; ``on_done(referral)`` runs when its service ends."""
        job = (priority, next(self._order), service_days, referral, on_done)
        if self._queue or self.busy >= self._capacity:
            heappush(self._queue, job)
            self._start_waiting()
            return
        # a server is free and nobody waits: the job would go into the queue and straight
        # out again (what most referrals do), so it starts now
        self.busy += 1
        heappush(self._due, (self.env._now + service_days, next(self._due_order), job))

    def _start_waiting(self) -> None:
        """Start waiting referrals on free staff (after a submission, a service's end or a
        change of staff): each service's end goes on the desk's schedule."""
        queue, due, now = self._queue, self._due, self.env._now
        while queue and self.busy < self._capacity:
            job = heappop(queue)
            self.busy += 1
            heappush(due, (now + job[2], next(self._due_order), job))

    # the arrival streams ------------------------------------------------------------------
    def start(self, stream: Step) -> None:
        """Run ``stream``'s first step now, as SimPy starts a process before anything else
        of the day, and its later steps after the days it yields."""
        try:
            wait = next(stream)
        except StopIteration:
            return
        heappush(self._due, (self.env._now + wait, next(self._due_order), stream))

    # running the desk's events --------------------------------------------------------
    def _step(self) -> None:
        """Run the desk's next event (:class:`DeskEnvironment` calls it when it is due
        before SimPy's next event), with the clock at its day."""
        due = self._due
        day, _, what = heappop(due)
        self.env._now = day
        if what.__class__ is tuple:  # a triage service ended
            self.busy -= 1
            what[4](what[3])
            self._start_waiting()
        else:
            try:
                wait = next(what)
            except StopIteration:
                return
            heappush(due, (day + wait, next(self._due_order), what))
