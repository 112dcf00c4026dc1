"""The one line a command prints when a signal stops it or a replication fails."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path

from sim.experiment.failures import ReplicationError
from sim.output.interrupts import Interrupted

# options of `sim run` that the command reproducing one replication sets itself
_VALUED = {
    "--reps", "-r", "--seed", "--workers", "-w", "--address", "--out", "-o",
    "--first-replication", "--precision", "--precision-kpis", "--max-reps",
}  # fmt: skip
_FLAGS = {"--force", "--json"}


def interrupted_line(exc: Interrupted) -> str:
    """``sim: interrupted by SIGTERM; nothing written to results/x`` and what was kept."""
    parts = [f"sim: interrupted by {exc.name}"]
    if exc.unwritten:
        parts.append("nothing written to " + ", ".join(str(p) for p in exc.unwritten))
    if exc.written:
        parts.append("after writing " + ", ".join(str(p) for p in exc.written))
    if not exc.unwritten and not exc.written:
        parts.append("nothing written")
    for kept in exc.kept:
        parts.append(f"finished runs kept in {kept} (the same command again resumes)")
    return "; ".join(parts)


def replication_line(exc: ReplicationError, argv: Sequence[str]) -> str:
    """The failure, and a command that runs the failed replication alone.

    ``argv`` is the command as typed (``sim run FILE ...``); for other commands the line
    says which ``sim run`` options select the replication.
    """
    return f"{exc}; {reproduce_hint(exc, argv)}"


def reproduce_hint(exc: ReplicationError, argv: Sequence[str]) -> str:
    """``reproduce with: sim run ... --reps 1 --seed S --first-replication I --workers 1``."""
    alone = f"--reps 1 --seed {exc.seed} --first-replication {exc.index} --workers 1"
    if len(argv) < 3 or argv[1] != "run":
        return f"run it alone with: sim run SCENARIO_FILE {alone} (the scenario {exc.scenario!r})"
    kept, out = _without_run_options(argv[2:])
    out = out or str(Path("results") / exc.scenario)
    words = ["sim", "run", *kept, *alone.split(), "--out", f"{out}-replication-{exc.index}"]
    return "reproduce with: " + shlex.join(words)


def _without_run_options(args: Sequence[str]) -> tuple[list[str], str | None]:
    """``args`` without the options :func:`reproduce_hint` sets, and the ``--out`` given."""
    kept: list[str] = []
    out: str | None = None
    skip_next = False
    for i, arg in enumerate(args):
        if skip_next:
            skip_next = False
            continue
        name, has_value, value = arg.partition("=")
        if name in ("--out", "-o"):
            out = value if has_value else (args[i + 1] if i + 1 < len(args) else None)
        if name in _VALUED:
            skip_next = not has_value
            continue
        if arg not in _FLAGS:
            kept.append(arg)
    return kept, out
