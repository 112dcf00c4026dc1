"""Calls put on SimPy's schedule where SimPy puts a process's start or interruption.

The model's officers and warrants run as callbacks of the events they wait for, not as
SimPy processes (a process holds a generator and its frame, and an interruption raises an
exception into it). Where a process would start or be interrupted, SimPy schedules an
urgent event now, ahead of the day's normal events; :func:`call_urgently` schedules the
same event with the callback instead, so every later event keeps its place.
"""

from __future__ import annotations

from collections.abc import Callable

import simpy
from simpy.events import URGENT


def call_urgently(env: simpy.Environment, callback: Callable[[simpy.Event], None]) -> None:
    """Run ``callback(event)`` from an event put on SimPy's schedule now, before the day's
    normal events (after the urgent ones already there)."""
    event = simpy.Event(env)
    event._ok, event._value = True, None
    event.callbacks.append(callback)
    env.schedule(event, URGENT)
