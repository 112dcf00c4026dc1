"""The page's executor: same results as local processes, and a cancel that does not wait
for the running replications."""

from __future__ import annotations

import threading
import time

import pytest

from sim.experiment.executors import Cancelled, LocalProcessExecutor


def _square(x: int) -> int:
    return x * x


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def test_results_come_back_with_their_indices():
    executor = LocalProcessExecutor(2, cancelled=threading.Event())
    out = dict(executor.map_indexed(_square, [1, 2, 3, 4]))
    assert out == {0: 1, 1: 4, 2: 9, 3: 16}


def test_cancel_stops_running_tasks_at_once():
    cancelled = threading.Event()
    runner = LocalProcessExecutor(2, cancelled=cancelled).map_indexed(_sleep, [60.0, 60.0, 60.0])
    timer = threading.Timer(1.0, cancelled.set)
    timer.start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        next(runner)
    assert time.monotonic() - started < 15  # not the 60 s a task takes
