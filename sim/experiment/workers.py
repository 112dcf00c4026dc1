"""Worker processes that never outlive the command that started them.

:func:`prepare_worker` runs first in every local worker process. It leaves SIGINT to the
command (Ctrl-C reaches the whole process group; the command stops its workers itself),
restores the default SIGTERM, and makes the worker exit when its parent is gone, even
after SIGKILL of the parent: on Linux the kernel sends it SIGKILL
(``prctl(PR_SET_PDEATHSIG)``), and on every platform a watchdog thread checks every
:data:`WATCH_INTERVAL_S` seconds that the parent still runs.

:func:`stop_workers` ends the processes of a pool at once (SIGTERM, then SIGKILL after
:data:`STOP_GRACE_S` seconds) instead of waiting for their running tasks.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCH_INTERVAL_S = 0.5
STOP_GRACE_S = 2.0


def prepare_worker(owner: int) -> None:
    """Initialise a worker of the command with process id ``owner``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = os.getppid()
    _die_with_parent()
    if not pid_alive(owner) or os.getppid() != parent:  # gone before the line above took effect
        _end_orphan()
    watchdog = threading.Thread(
        target=_watch, args=(owner, parent), name="sim-parent-watchdog", daemon=True
    )
    watchdog.start()


def _die_with_parent() -> bool:
    """Ask Linux to SIGKILL this process when its parent exits; ``False`` elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (one we may not signal counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _watch(owner: int, parent: int) -> None:
    """Exit this process as soon as the command or the parent process is gone."""
    while True:
        time.sleep(WATCH_INTERVAL_S)
        if os.getppid() != parent or not pid_alive(owner):
            _end_orphan()


def _end_orphan() -> None:
    """End this worker as the kernel would (SIGKILL): nobody waits for its results, and
    nothing of the command runs in it (the command itself never calls this)."""
    os.kill(os.getpid(), signal.SIGKILL)


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel queued tasks and end the pool's processes now (running tasks are lost).

    A worker stopped halfway through sending its result leaves the pool's manager thread
    waiting for the rest of the message, and ``shutdown(wait=True)`` (and the interpreter's
    exit) waiting for that thread, for ever. Once the workers are gone, this process holds
    the last write end of the results pipe: closing it turns that wait into end-of-file,
    which the pool takes for a broken pool and ends.
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())
    results = getattr(pool, "_result_queue", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + STOP_GRACE_S
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(1.0)
    writer = getattr(results, "_writer", None)
    if writer is not None:
        writer.close()
