"""SIGINT/SIGTERM as Interrupted: what a claimed output folder is left as, and held()."""

from __future__ import annotations

import os
import signal

import pytest

from sim.output.folders import MARKER, OutputTarget, claim
from sim.output.interrupts import Interrupted, held, raising_on_signals


def _signal_self(signum: int) -> None:
    """Send ``signum`` to this process; its handler runs before the next statement."""
    os.kill(os.getpid(), signum)


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_raises_interrupted_with_the_shell_status(signum, status):
    before = signal.getsignal(signum)
    with pytest.raises(Interrupted) as info, raising_on_signals():
        _signal_self(signum)
    assert info.value.exit_status == status
    assert info.value.name == signal.Signals(signum).name
    assert signal.getsignal(signum) is before  # handlers restored


def test_signal_inside_held_waits_for_the_end_of_the_block():
    steps = []
    with pytest.raises(Interrupted), raising_on_signals():
        with held():
            _signal_self(signal.SIGTERM)
            steps.append("after the signal, inside held")
        steps.append("never reached")
    assert steps == ["after the signal, inside held"]


def test_interrupted_while_writing_leaves_nothing(tmp_path):
    target = OutputTarget(tmp_path / "out")
    with (
        pytest.raises(Interrupted) as info,
        raising_on_signals(),
        claim(target, kind="results") as claimed,
        claimed.writing() as tmp,
    ):
        (tmp / "summary.json").write_text("{}")
        _signal_self(signal.SIGINT)
    assert os.listdir(tmp_path) == []  # no folder, no temporary, no lock
    assert info.value.unwritten == [target.path] and info.value.written == []


def test_signal_during_the_rename_lets_the_folder_be_written_whole(tmp_path, monkeypatch):
    target = OutputTarget(tmp_path / "out")
    real_replace = os.replace

    def replace_then_signal(src, dst):
        _signal_self(signal.SIGTERM)  # arrives inside held(), before the rename
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_then_signal)
    with (
        pytest.raises(Interrupted) as info,
        raising_on_signals(),
        claim(target, kind="results") as claimed,
        claimed.writing() as tmp,
    ):
        (tmp / "summary.json").write_text("{}")
    assert sorted(os.listdir(tmp_path)) == ["out"]
    assert sorted(os.listdir(tmp_path / "out")) == sorted([MARKER, "summary.json"])
    assert info.value.written == [target.path] and info.value.unwritten == []
