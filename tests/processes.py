"""Starting `sim` as a user would, and watching its processes (Linux /proc, or psutil)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

try:  # psutil comes with Dask; /proc does the same job on Linux without it
    import psutil
except ImportError:  # pragma: no cover - depends on the environment
    psutil = None


def sim_cmd(
    *args: str | Path, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """``python -m sim.cli.app ARGS`` run to its end (200 columns wide, no Dask address taken
    from the environment); a hang past ``timeout`` seconds fails the test."""
    env = {k: v for k, v in os.environ.items() if k != "SIM_DASK_ADDRESS"}
    return subprocess.run(
        [sys.executable, "-m", "sim.cli.app", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**env, "COLUMNS": "200"},
        timeout=timeout,
    )


def start_sim(
    args: list[str], cwd: Path, name: str = "sim", *, own_group: bool = False
) -> subprocess.Popen:
    """``python -m sim.cli.app ARGS`` in ``cwd``; its stdout/stderr go to ``cwd/NAME.*``.

    ``own_group``: in a new process group (as a terminal runs a command), for Ctrl-C.
    """
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("SIM_DEBUG", None)
    with (
        open(cwd / f"{name}.stdout", "w", encoding="utf-8") as out,
        open(cwd / f"{name}.stderr", "w", encoding="utf-8") as err,
    ):
        return subprocess.Popen(
            [sys.executable, "-m", "sim.cli.app", *args],
            cwd=cwd,
            stdout=out,
            stderr=err,
            env=env,
            start_new_session=own_group,
        )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_serving(port: int, server: subprocess.Popen, timeout: float = 120) -> None:
    """Wait until ``sim app`` (``server``) answers its health check on ``port``; raise
    :class:`RuntimeError` if it ends first or does not answer within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("sim app ended before serving the page")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"sim app did not serve on port {port} within {timeout:g} s")


def stop_group(server: subprocess.Popen) -> None:
    """End a server started with ``own_group``: SIGTERM to its process group, SIGKILL if it
    has not ended 20 s later."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def stderr_of(cwd: Path, name: str = "sim") -> str:
    return (cwd / f"{name}.stderr").read_text(encoding="utf-8")


def children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid``."""
    if psutil is not None:
        try:
            return [c.pid for c in psutil.Process(pid).children()]
        except psutil.NoSuchProcess:
            return []
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting to be reaped is not)."""
    if psutil is not None:
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return text[text.rindex(")") + 2] != "Z"


def wait_for_workers(proc: subprocess.Popen, count: int, timeout: float = 90.0) -> list[int]:
    """Wait until ``proc`` has ``count`` child processes; their ids."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kids = children(proc.pid)
        if len(kids) >= count:
            return kids
        if proc.poll() is not None:
            raise AssertionError(f"sim ended (status {proc.returncode}) before its workers ran")
        time.sleep(0.05)
    raise AssertionError(f"no {count} workers after {timeout} s")


def wait_gone(pids: list[int], timeout: float) -> list[int]:
    """Wait up to ``timeout`` seconds for ``pids`` to end; those still running."""
    deadline = time.monotonic() + timeout
    alive = [p for p in pids if running(p)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [p for p in alive if running(p)]
    return alive
