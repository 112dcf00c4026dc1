"""Worker processes a page's Cancel stops at once, not at the next finished replication.

Like :class:`sim.experiment.executors.LocalProcessExecutor` (results never depend on it:
only on the scenario, the seed and the replication indices), but it looks at the cancel
event every :data:`POLL_SECONDS` while replications run, and on a cancel stops the worker
processes (running replications are lost) and raises :class:`~sim.app.jobs.Cancelled`.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from sim.app.jobs import Cancelled
from sim.experiment.workers import prepare_worker, stop_workers

POLL_SECONDS = 0.25
"""How often a running job looks at its cancel event, seconds."""


class CancellableExecutor:
    """Runs tasks on ``workers`` local processes until ``cancelled`` is set."""

    def __init__(self, workers: int, cancelled: threading.Event) -> None:
        self.workers = max(1, int(workers))
        self.cancelled = cancelled

    def map_indexed(self, fn, tasks):
        if not tasks:
            return
        pool = ProcessPoolExecutor(
            max_workers=min(self.workers, len(tasks)),
            initializer=prepare_worker,
            initargs=(os.getpid(),),
        )
        finished = False
        try:
            futures = {pool.submit(fn, task): i for i, task in enumerate(tasks)}
            pending = set(futures)
            while pending:
                if self.cancelled.is_set():
                    raise Cancelled()
                done, pending = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                for future in done:
                    yield futures[future], future.result()
            finished = True
        finally:
            if not finished:
                stop_workers(pool)
            pool.shutdown(wait=True, cancel_futures=True)
