"""A pool of identical servers with a priority queue and a capacity that can change.

SimPy's ``PriorityResource`` has a fixed capacity; measures add triage staff or warrant
teams part-way through a run, so stages use this pool instead. Jobs are served in order of
``(priority, arrival order)``; lower priority values go first; service is non-preemptive.
A job is either a callback (:meth:`ServerPool.submit`) or an event a process waits for
(:meth:`ServerPool.serve`). Triage, which every referral passes, has a pool of its own that
runs off SimPy's schedule (:class:`~sim.model.triage_desk.TriageDesk`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from heapq import heappop, heappush
from itertools import count

import simpy

from sim.model.schedule import call_after


class StaffPool:
    """What every pool of ``capacity`` identical servers has: its capacity (which may
    change), the jobs in service (``busy``) and the queue of waiting jobs, ordered by
    ``(priority, arrival order)``. Subclasses queue jobs and start them
    (``_start_waiting``)."""

    def __init__(self, env: simpy.Environment, capacity: int) -> None:
        if capacity < 0:
            raise ValueError('"capacity" must be >= 0')
        self.env = env
        self._capacity = capacity
        self.busy = 0
        self._queue: list[tuple] = []  # (priority, arrival order, service days, ...)
        self._order = count()

    @property
    def capacity(self) -> int:
        return self._capacity

    @property
    def queue_length(self) -> int:
        """Jobs waiting for a server (not those in service)."""
        return len(self._queue)

    def set_capacity(self, capacity: int) -> None:
        """Change the number of servers; a reduction lets jobs in service finish."""
        self._capacity = max(0, int(capacity))
        self._start_waiting()

    def _start_waiting(self) -> None:  # pragma: no cover - each pool has its own
        raise NotImplementedError


class ServerPool(StaffPool):
    """``capacity`` servers whose services end on SimPy's schedule; each job has a priority
    and a service time in days."""

    def submit(self, priority: float, service_days: float, on_done: Callable[[], object]) -> None:
        """Queue a job; ``on_done`` runs when its service ends."""
        heappush(self._queue, (priority, next(self._order), service_days, on_done))
        self._start_waiting()

    def serve(self, priority: float, service_days: float) -> simpy.Event:
        """Queue a job; the returned event succeeds when its service ends."""
        done = self.env.event()
        self.submit(priority, service_days, done.succeed)
        return done

    def _start_waiting(self) -> None:
        queue, env = self._queue, self.env
        while queue and self.busy < self._capacity:
            _, _, service_days, on_done = heappop(queue)
            self.busy += 1
            # the service ends where env.timeout(service_days) would
            call_after(env, service_days, partial(self._finish, on_done))

    def _finish(self, on_done: Callable[[], object], _call: object) -> None:
        self.busy -= 1
        on_done()
        self._start_waiting()
