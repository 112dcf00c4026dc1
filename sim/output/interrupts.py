"""SIGINT and SIGTERM as an exception that unwinds the command, and moments that wait.

While :func:`raising_on_signals` is active, SIGINT and SIGTERM raise :class:`Interrupted`
in the main thread, so every ``finally`` and ``except BaseException`` on the way out runs:
worker processes are stopped, temporary folders and locks removed. A second signal during
that clean-up is ignored, so the clean-up finishes. Inside :func:`held` (taking a lock,
renaming a finished folder into place) a signal waits until the block ends, so a folder is
never left half replaced.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """The command received SIGINT or SIGTERM (``signum``).

    Code it unwinds through records what it left: output folders left as they were
    (``unwritten``), folders written whole before the signal (``written``) and resumable
    work kept on purpose (``kept``, a sweep's ``OUT.partial``).
    """

    def __init__(self, signum: int) -> None:
        super().__init__(int(signum))
        self.signum = int(signum)
        self.unwritten: list[Path] = []
        self.written: list[Path] = []
        self.kept: list[Path] = []

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_status(self) -> int:
        """The shell's convention: 128 + the signal number (130 SIGINT, 143 SIGTERM)."""
        return 128 + self.signum


class _State:
    depth = 0  # nesting of held() blocks
    pending: int | None = None  # a signal that arrived inside held()
    interrupted = False  # Interrupted was raised: later signals are ignored


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if _State.interrupted:
        return
    if _State.depth > 0:
        _State.pending = _State.pending or signum
        return
    _State.interrupted = True
    raise Interrupted(signum)


@contextmanager
def raising_on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` inside the block (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, _on_signal) for s in SIGNALS}
    _State.depth, _State.pending, _State.interrupted = 0, None, False
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        _State.depth, _State.pending, _State.interrupted = 0, None, False


@contextmanager
def held() -> Iterator[None]:
    """Let a signal that arrives inside the block act only when it ends (if it succeeds)."""
    _State.depth += 1
    try:
        yield
    finally:
        _State.depth -= 1
    if _State.depth == 0 and _State.pending is not None and not _State.interrupted:
        signum, _State.pending = _State.pending, None
        _State.interrupted = True
        raise Interrupted(signum)
