"""Calls put on SimPy's schedule where SimPy would put an event of its own.

The model's officers and warrants run as callbacks of the events they wait for, not as
SimPy processes (a process holds a generator and its frame, and an interruption raises an
exception into it). Where SimPy would schedule an event (a process's start or
interruption: an urgent event now; an event that succeeds now; a timeout; a wake-up on a
given day), these functions put a :class:`Call` on SimPy's schedule instead, with the same
day, the same priority and the next event id, so every event keeps its place and the
results are the same to the bit.

A :class:`Call` is all of an event that SimPy 4's step reads (its callbacks, and that it
succeeded), made in compiled code: a ``simpy.Event`` runs its constructor and its
``succeed`` as Python. Days are simulated days. This uses SimPy 4's schedule
(``Environment._queue``, ``_eid`` and ``_now``); simpy is pinned below 5.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappush
from typing import Any

import simpy
from simpy.events import NORMAL, URGENT

Callback = Callable[[Any], None]


class Call:
    """An entry of SimPy's schedule that calls its callbacks (each with the call itself)
    when SimPy reaches it: an event that has succeeded, with no value."""

    def __init__(self, callback: Callback) -> None:
        self.callbacks: list[Callback] | None = [callback]  # None once run, as SimPy marks it
        self._ok = True
        self._value: Any = None


def call_at(env: simpy.Environment, day: float, callback: Callback, urgent: bool = False) -> Call:
    """Call ``callback`` on ``day`` exactly, after the events already there of its
    priority (normal, or urgent: before the day's normal events). SimPy's own timeout
    lands on ``now + delay``, which can miss a day by one unit in the last place (when the
    exact sum falls halfway between two floats, it rounds to the even one)."""
    call = Call(callback)
    queue: list[Any] = env._queue  # SimPy's entries: (day, priority, event id, event)
    heappush(queue, (day, URGENT if urgent else NORMAL, next(env._eid), call))
    return call


def call_after(env: simpy.Environment, delay: float, callback: Callback) -> Call:
    """Call ``callback`` where ``env.timeout(delay)`` would end: on day ``now + delay``."""
    return call_at(env, env._now + delay, callback)


def call_now(env: simpy.Environment, callback: Callback) -> Call:
    """Call ``callback`` where an event that succeeds now would run (after the day's
    events already scheduled)."""
    return call_at(env, env._now, callback)


def call_urgently(env: simpy.Environment, callback: Callback) -> Call:
    """Call ``callback`` now, before the day's normal events (after the urgent ones already
    there), where SimPy would start or interrupt a process."""
    return call_at(env, env._now, callback, urgent=True)
