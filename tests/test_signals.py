"""SIGINT, SIGTERM and SIGKILL on `sim run --workers 2`, mid-run, as a user sends them.

Each test starts a run long enough to be interrupted (16 replications of 3,000 days on two
workers: 5.9 s with the model compiled; 8 of 600 days took 2.0 s, and a SIGKILL 1 s after
the workers started once found the run writing its results), waits until both workers
run, sends the signal, and checks what is left: the exit status, one line on stderr, no
traceback, nothing in the output's parent folder (no results folder, no hidden temporary
folder, no lock) and no worker process.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from tests.processes import children, start_sim, stderr_of, wait_for_workers, wait_gone

LONG = ["--reps", "16", "--days", "3000"]  # a run long enough to be interrupted
RUN = [*LONG, "--workers", "2", "--out", "tmp/x"]
MID_RUN_S = 1.0  # after both workers started: replications are running, none written


def _start_mid_run(tmp_path, small_path):
    (tmp_path / "tmp").mkdir()
    proc = start_sim(["run", str(small_path), *RUN], tmp_path)
    workers = wait_for_workers(proc, 2)
    time.sleep(MID_RUN_S)
    assert proc.poll() is None, "the run finished before the signal: make it longer"
    return proc, workers


@pytest.mark.parametrize(
    ("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["INT", "TERM"]
)
def test_signal_stops_run_leaving_nothing(tmp_path, small_path, signum, status):
    proc, workers = _start_mid_run(tmp_path, small_path)
    sent = time.monotonic()
    proc.send_signal(signum)
    assert proc.wait(timeout=30) == status
    took = time.monotonic() - sent
    err = stderr_of(tmp_path)
    name = signal.Signals(signum).name
    assert err.splitlines() == [f"sim: interrupted by {name}; nothing written to tmp/x"]
    assert "Traceback" not in err
    assert sorted(os.listdir(tmp_path / "tmp")) == []  # no folder, temporary or lock
    assert wait_gone(workers, timeout=1.0) == []  # stopped by the command, not orphaned
    assert took < 10, f"took {took:.1f} s to stop"


def test_sigkill_of_parent_ends_workers(tmp_path, small_path):
    proc, workers = _start_mid_run(tmp_path, small_path)
    proc.kill()
    assert proc.wait(timeout=10) == -signal.SIGKILL
    assert wait_gone(workers, timeout=5.0) == []
    # a SIGKILLed command cannot clean up; nothing but its lock is left, and the next run
    # into the same place takes the lock over (its process is gone)
    assert sorted(os.listdir(tmp_path / "tmp")) in ([], [".x.lock"])


def test_sigint_to_the_process_group_like_ctrl_c(tmp_path, small_path):
    """Ctrl-C in a terminal reaches the workers too: they leave the stopping to the command."""
    (tmp_path / "tmp").mkdir()
    proc = start_sim(["run", str(small_path), *RUN], tmp_path, own_group=True)
    workers = wait_for_workers(proc, 2)
    time.sleep(MID_RUN_S)
    os.killpg(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=30) == 130
    err = stderr_of(tmp_path)
    assert err.splitlines() == ["sim: interrupted by SIGINT; nothing written to tmp/x"]
    assert sorted(os.listdir(tmp_path / "tmp")) == []
    assert wait_gone(workers, timeout=1.0) == []


@pytest.mark.slow
def test_interrupted_sweep_keeps_its_partial_folder_and_resumes(tmp_path, small_path):
    (tmp_path / "tmp").mkdir()
    args = ["sweep", str(small_path), "-m", "grid", "--vary", "triage.staff=1,2,3,4"]
    args += ["--reps", "3", "--days", "300", "--workers", "2", "--out", "tmp/sw"]
    proc = start_sim(args, tmp_path)
    tasks = tmp_path / "tmp" / "sw.partial" / "tasks"
    deadline = time.monotonic() + 90
    while len(list(tasks.glob("*.json"))) < 2 and time.monotonic() < deadline:
        assert proc.poll() is None, stderr_of(tmp_path)
        time.sleep(0.05)
    workers = children(proc.pid)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 130
    assert stderr_of(tmp_path).splitlines() == [
        "sim: interrupted by SIGINT; nothing written to tmp/sw; finished runs kept in "
        "tmp/sw.partial (the same command again resumes)"
    ]
    assert sorted(os.listdir(tmp_path / "tmp")) == ["sw.partial"]  # no lock, no temporary
    kept = sorted(p.name for p in tasks.iterdir())
    assert len(kept) >= 2 and all(not name.startswith(".") for name in kept)
    assert wait_gone(workers, timeout=1.0) == []

    again = start_sim(args, tmp_path, "again")
    assert again.wait(timeout=120) == 0, stderr_of(tmp_path, "again")
    assert f"{len(kept)} resumed" in " ".join(stderr_of(tmp_path, "again").split())
    assert sorted(os.listdir(tmp_path / "tmp")) == ["sw"]


@pytest.mark.slow
def test_sigterm_cancels_the_tasks_on_a_dask_cluster(tmp_path, small_path):
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
    )
    client = distributed.Client(cluster)
    try:
        (tmp_path / "tmp").mkdir()
        args = ["run", str(small_path), *LONG]
        proc = start_sim(
            [*args, "--address", cluster.scheduler_address, "--out", "tmp/x"], tmp_path
        )

        def tasks() -> int:
            return client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks))

        deadline = time.monotonic() + 90
        while tasks() == 0 and time.monotonic() < deadline:
            assert proc.poll() is None, stderr_of(tmp_path)
            time.sleep(0.1)
        time.sleep(MID_RUN_S)
        assert tasks() > 0, "the run finished before the signal: make it longer"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 143
        assert stderr_of(tmp_path).splitlines() == [
            "sim: interrupted by SIGTERM; nothing written to tmp/x"
        ]
        assert sorted(os.listdir(tmp_path / "tmp")) == []
        deadline = time.monotonic() + 10
        while tasks() and time.monotonic() < deadline:  # cancelled, so forgotten
            time.sleep(0.1)
        assert tasks() == 0
    finally:
        client.close()
        cluster.close()
