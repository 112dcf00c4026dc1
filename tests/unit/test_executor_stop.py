"""Local workers stop at once when the caller leaves early, and executors need no close()."""

from __future__ import annotations

import os
import time

import sim
from sim.experiment.executors import LocalProcessExecutor
from tests.processes import children, wait_gone


def test_leaving_early_stops_running_workers_without_waiting(small):
    others = set(children(os.getpid()))  # left by earlier tests (a Dask cluster, ...)
    runner = LocalProcessExecutor(2).map_indexed(time.sleep, [0.0, 60.0, 60.0])
    assert next(runner) == (0, None)
    workers = sorted(set(children(os.getpid())) - others)
    assert len(workers) == 2
    started = time.monotonic()
    runner.close()  # what a signal or a failed replication does to the loop
    assert time.monotonic() - started < 10  # not the 60 s of the running tasks
    assert wait_gone(workers, timeout=2.0) == []


class PlainIterator:
    """An executor whose results are a plain iterator (no close method)."""

    def map_indexed(self, fn, tasks):
        return iter([(i, fn(t)) for i, t in enumerate(tasks)])


def test_an_executor_returning_a_plain_iterator_runs(small):
    result = sim.run(small, replications=2, horizon_days=20, executor=PlainIterator())
    assert [r["replication"] for r in result.replication_rows()] == [0, 1]
