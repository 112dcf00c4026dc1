"""Output folders: written whole or not at all, never over a user's own folder, one run at
a time (sim.output.folders)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.errors import InputError
from sim.output.folders import MARKER, OutputTarget, check_target, claim, write_folder


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_folder_appears_whole_with_its_marker(tmp_path):
    out = tmp_path / "res"
    with write_folder(OutputTarget(out), kind="results") as tmp:
        (tmp / "summary.json").write_text("{}")
        assert not out.exists()
    assert names(out) == [MARKER, "summary.json"]
    assert json.loads((out / MARKER).read_text()) == {"kind": "results"}
    assert names(tmp_path) == ["res"]  # no temporary, no lock left


def test_failure_leaves_existing_folder_untouched_and_no_temporary(tmp_path):
    out = tmp_path / "res"
    out.mkdir()
    (out / "summary.json").write_text("old")
    with (
        pytest.raises(RuntimeError),
        write_folder(OutputTarget(out, force=True), kind="results") as tmp,
    ):
        (tmp / "summary.json").write_text("half")
        raise RuntimeError("boom")
    assert (out / "summary.json").read_text() == "old"
    assert names(tmp_path) == ["res"]


def test_force_replaces_a_folder_the_tool_wrote(tmp_path):
    out = tmp_path / "res"
    for text in ("first", "second"):
        with write_folder(OutputTarget(out, force=True), kind="results") as tmp:
            (tmp / "summary.json").write_text(text)
    assert (out / "summary.json").read_text() == "second"


def test_existing_folder_needs_force(tmp_path):
    out = tmp_path / "res"
    with write_folder(OutputTarget(out), kind="results") as tmp:
        (tmp / "summary.json").write_text("x")
    with (
        pytest.raises(InputError, match="already exists"),
        claim(OutputTarget(out), kind="results"),
    ):
        pass


def test_force_never_replaces_a_users_own_folder(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("precious")
    with pytest.raises(InputError, match="not written by this tool"):
        check_target(OutputTarget(out, force=True), kind="results")
    assert (out / "notes.txt").read_text() == "precious"


def test_a_folder_of_only_the_kinds_files_counts_as_the_tools(tmp_path):
    """Results folders written before the marker existed can still be replaced."""
    out = tmp_path / "old"
    out.mkdir()
    (out / "summary.json").write_text("{}")
    (out / "manifest.json").write_text("{}")
    with write_folder(OutputTarget(out, force=True), kind="results") as tmp:
        (tmp / "summary.json").write_text("new")
    assert (out / "summary.json").read_text() == "new"


@pytest.mark.parametrize("where", ["", ".", "..", "cwd-parent-of-parent"])
def test_never_the_current_folder_its_parents_or_an_empty_path(tmp_path, monkeypatch, where):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    (work / "scenario.yaml").write_text("name: x")
    monkeypatch.chdir(work)
    path = {"cwd-parent-of-parent": str(tmp_path)}.get(where, where)
    with pytest.raises(InputError):
        check_target(OutputTarget(Path(path), force=True), kind="results")
    assert (work / "scenario.yaml").exists()


def test_never_a_folder_holding_an_input_file(tmp_path):
    folder = tmp_path / "my"
    folder.mkdir()
    scenario = folder / "scenario.yaml"
    scenario.write_text("name: x")
    target = OutputTarget(folder, force=True, inputs=(scenario,))
    with pytest.raises(InputError, match="holds an input file"):
        check_target(target, kind="results")
    assert scenario.exists()


def test_an_existing_file_or_unwritable_parent_is_refused_before_any_work(tmp_path):
    afile = tmp_path / "file"
    afile.write_text("x")
    with pytest.raises(InputError, match="not a folder"):
        check_target(OutputTarget(afile, force=True), kind="results")
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    with pytest.raises(InputError, match="permission denied"):
        check_target(OutputTarget(locked / "out"), kind="results")


def test_second_claim_on_the_same_folder_is_refused_at_once(tmp_path):
    out = tmp_path / "res"
    code = (
        "import sys, time; from pathlib import Path;"
        "from sim.output.folders import OutputTarget, claim\n"
        "with claim(OutputTarget(Path(sys.argv[1])), kind='results'):\n"
        "    print('claimed', flush=True); time.sleep(30)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(out)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "claimed"
        second = claim(OutputTarget(out), kind="results")
        with pytest.raises(InputError, match=f"another run \\(process {holder.pid}\\)"):
            second.__enter__()
    finally:
        holder.kill()
        holder.wait()
    # the holder is gone: its lock is stale and the next claim takes it over
    with write_folder(OutputTarget(out), kind="results") as tmp:
        (tmp / "summary.json").write_text("x")
    assert names(tmp_path) == ["res"]


def test_a_lock_whose_holder_has_not_written_its_process_id_yet_is_held(tmp_path):
    """Two runs started together: the first has just made the lock, still empty, and holds
    it. The second must be refused, not take the empty lock for a stale one (it did: both
    runs then wrote the folder, and the second's claim removed the first's temporary
    folder, as test_concurrency once showed in a full test run)."""
    out = tmp_path / "res"
    code = (
        "import fcntl, os, sys, time\n"
        "fd = os.open(sys.argv[1], os.O_CREAT | os.O_RDWR, 0o644)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
        "print('locked', flush=True); time.sleep(30)\n"
    )
    lock = tmp_path / ".res.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(lock)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        assert lock.read_text() == ""
        with pytest.raises(InputError, match="folder in use: another run is writing it now"):
            claim(OutputTarget(out), kind="results").__enter__()
        assert lock.exists()  # the holder's lock is left alone
    finally:
        holder.kill()
        holder.wait()
    with write_folder(OutputTarget(out), kind="results") as tmp:  # then it is free
        (tmp / "summary.json").write_text("x")
    assert names(tmp_path) == ["res"]


_CLAIM_AT = """
import sys, time
from pathlib import Path
from sim.errors import InputError
from sim.output.folders import OutputTarget, claim
folder, start, tried = Path(sys.argv[1]), float(sys.argv[2]), Path(sys.argv[3])
while time.time() < start:  # spinning, so that all three claim at the same moment
    pass
try:
    with claim(OutputTarget(folder), kind="results"):
        print("won", flush=True)
        (tried / sys.argv[4]).touch()
        deadline = time.time() + 30
        while len(list(tried.iterdir())) < 3 and time.time() < deadline:
            time.sleep(0.01)  # held until the others have tried, however late they came
except InputError:
    print("refused", flush=True)
    (tried / sys.argv[4]).touch()
"""


def test_of_three_runs_claiming_one_folder_at_the_same_moment_one_wins(tmp_path):
    """Three processes claim one folder at the same moment, four times: one wins each
    time. (With the lock made by O_EXCL, 34 of 40 such rounds had two winners.)"""
    for round_ in range(4):
        tried = tmp_path / f"tried-{round_}"
        tried.mkdir()
        start = time.time() + 1.0
        args = [sys.executable, "-c", _CLAIM_AT, str(tmp_path / f"out-{round_}"), str(start)]
        procs = [
            subprocess.Popen([*args, str(tried), str(i)], stdout=subprocess.PIPE, text=True)
            for i in range(3)
        ]
        said = sorted(p.communicate(timeout=60)[0].strip() for p in procs)
        assert said == ["refused", "refused", "won"], (round_, said)


def test_stale_temporaries_are_removed_by_the_next_claim(tmp_path):
    out = tmp_path / "res"
    stale = tmp_path / ".res.tmp-abc123"
    stale.mkdir()
    (stale / "half.csv").write_text("1,2")
    with write_folder(OutputTarget(out), kind="results") as tmp:
        (tmp / "summary.json").write_text("x")
    assert names(tmp_path) == ["res"]


def test_folder_follows_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        with write_folder(OutputTarget(tmp_path / "res"), kind="results") as tmp:
            (tmp / "summary.json").write_text("x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "res").stat().st_mode) == 0o755
