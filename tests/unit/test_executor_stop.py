"""Local workers stop at once when the caller leaves early, and executors need no close()."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

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


def stall_while_sending(size: int) -> bytes:
    """In a worker: return ``size`` bytes whose sending stops halfway through the pipe, as
    when a worker is stopped while it sends a result (the result's reader waits for the
    rest of the message)."""
    from multiprocessing import connection

    send = connection.Connection._send

    def half_then_wait(self, buf, *args, **kwargs):
        data = bytes(buf)
        send(self, data[: max(1, len(data) // 2)], *args, **kwargs)
        time.sleep(3600)

    connection.Connection._send = half_then_wait
    return b"x" * size


STALLED_RUN = """
import sys, threading, time
from sim.experiment.executors import Cancelled, LocalProcessExecutor
from tests.unit.test_executor_stop import stall_while_sending

cancel = threading.Event()
threading.Timer(1.0, cancel.set).start()
runner = LocalProcessExecutor(2, cancelled=cancel).map_indexed(stall_while_sending, [1000, 100_000])
try:
    next(runner)
except Cancelled:
    print("cancelled", flush=True)
"""


def test_a_worker_stopped_while_sending_its_result_does_not_hang_the_caller():
    """A signal (here the cancel event) that stops the workers while one is halfway through
    sending a result: the caller ends and so does its process. Before, the caller ended but
    the process never exited: the pool's manager thread waited for the rest of the message,
    and the interpreter's exit waited for that thread (a SIGINT test once hung so in CI)."""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", STALLED_RUN],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["cancelled"]
