"""One run of the page as a background job: progress, cancel, and one run at a time.

The page starts a :class:`Job` and polls it; the job runs its work in a thread of its own,
so the page stays live (a Cancel button works while replications run). Jobs of every page
served by one ``sim app`` wait for each other (:data:`RUN_LOCK`): one run uses the
machine's cores at a time. A cancelled job stops at once: its worker processes are
stopped (:class:`~sim.experiment.executors.LocalProcessExecutor` given the job's cancel
event), and it raises at its next progress step.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from sim.errors import InputError
from sim.experiment.executors import Cancelled

RUN_LOCK = threading.Lock()
"""Held by the job that is running; the others wait for it."""


class Job:
    """``work(job)`` in a thread: ``job.step(text, done, total)`` reports progress (and
    raises :class:`Cancelled` once :meth:`cancel` was called); ``job.cancel_event`` is set
    by :meth:`cancel`, for work that can stop sooner."""

    def __init__(self, work: Callable[[Job], Any]) -> None:
        self._work = work
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._main, name="sim-app-run", daemon=True)
        self.text = "waiting for another run to finish"
        self.fraction = 0.0
        self.result: Any = None
        self.error: str | None = None
        self.cancelled = False
        self.started = time.monotonic()
        self.seconds: float | None = None  # wall seconds from start to end

    def start(self) -> Job:
        self._thread.start()
        return self

    @property
    def cancel_event(self) -> threading.Event:
        return self._cancel

    def cancel(self) -> None:
        self._cancel.set()
        self.text = "cancelling"

    @property
    def done(self) -> bool:
        return self.seconds is not None

    def wait(self, timeout: float | None = None) -> bool:
        """Wait up to ``timeout`` seconds for the job to end; whether it has."""
        self._thread.join(timeout)
        return self.done

    def step(self, text: str, done: int, total: int) -> None:
        """Progress: ``done`` of ``total`` work units of the step ``text``."""
        if self._cancel.is_set():
            raise Cancelled()
        self.text = text
        self.fraction = min(1.0, done / total) if total else 0.0

    def _main(self) -> None:
        try:
            with RUN_LOCK:
                self.step("starting", 0, 1)
                self.result = self._work(self)
        except Cancelled:
            self.cancelled = True
        except InputError as exc:
            self.error = str(exc)
        except Exception as exc:  # shown on the page, with the place it failed
            where = traceback.extract_tb(exc.__traceback__)[-1]
            self.error = f"{type(exc).__name__}: {exc} ({where.filename}:{where.lineno})"
        finally:
            self.seconds = time.monotonic() - self.started
