"""Where replications run: in this process, or on local worker processes.

An executor maps a picklable function over a list of tasks and yields ``(index, result)``
pairs as tasks finish. Callers sort by index, so results never depend on the executor or
the number of workers.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, as_completed, wait
from typing import Any, Protocol

from sim.experiment.workers import prepare_worker, stop_workers


class Executor(Protocol):
    def map_indexed(
        self, fn: Callable[[Any], Any], tasks: Sequence[Any]
    ) -> Iterator[tuple[int, Any]]: ...


class SerialExecutor:
    """Runs every task in the calling process, in order."""

    def map_indexed(self, fn, tasks):
        for i, task in enumerate(tasks):
            yield i, fn(task)


POLL_SECONDS = 0.25
"""How often a cancellable run looks at its cancel event, seconds."""


class Cancelled(Exception):
    """A run stopped by its caller's cancel event (running replications are lost)."""


class LocalProcessExecutor:
    """Runs tasks on ``workers`` local processes, which end with the command (see
    :mod:`sim.experiment.workers`). With a ``cancelled`` event, setting it stops the
    workers at once (within :data:`POLL_SECONDS`) and raises :class:`Cancelled`."""

    def __init__(self, workers: int, cancelled: threading.Event | None = None) -> None:
        self.workers = max(1, int(workers))
        self.cancelled = cancelled

    def _as_finished(self, futures: Iterable[Future]) -> Iterator[Future]:
        """The futures as they finish, checking the cancel event while waiting."""
        if self.cancelled is None:
            yield from as_completed(futures)
            return
        pending = set(futures)
        while pending:
            if self.cancelled.is_set():
                raise Cancelled()
            done, pending = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            yield from done

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
            for future in self._as_finished(futures):
                yield futures[future], future.result()
            finished = True
        finally:
            # an interrupted caller (a signal, a failed task, a closed generator) waits
            # neither for queued nor for running tasks: the workers are stopped
            if not finished:
                stop_workers(pool)
            pool.shutdown(wait=True, cancel_futures=True)


def default_workers() -> int:
    """One worker per available core."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def make_executor(workers: int | None = None, address: str | None = None) -> Executor:
    """Serial for one worker, local processes for more, Dask when ``address`` is given."""
    if address:
        from sim.experiment.dask_executor import DaskExecutor

        return DaskExecutor(address)
    workers = default_workers() if workers is None else workers
    if workers <= 1:
        return SerialExecutor()
    return LocalProcessExecutor(workers)
