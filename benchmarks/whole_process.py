"""Timing and peak memory of whole commands, each in a fresh process (used by
``memory_horizon.py`` and ``scale_out.py``).

A command is started with :class:`subprocess.Popen` and reaped with :func:`os.wait4`, which
returns the resource usage of that one child (and any children it reaped itself): its peak
resident set size (``ru_maxrss``, kilobytes on Linux), user and system CPU seconds. Wall
seconds are timed from launch to exit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sim.experiment.model_build import model_build

ROOT = Path(__file__).resolve().parent.parent
SIM = [sys.executable, "-m", "sim.cli.app"]
"""The ``sim`` command of this checkout, run by this Python."""


@dataclass(frozen=True)
class Measured:
    """One whole-process run: wall seconds, CPU seconds (user + system), peak RSS in MB."""

    wall_seconds: float
    cpu_seconds: float
    peak_rss_mb: float


def run_measured(args: list[str], cwd: Path = ROOT, env: dict | None = None) -> Measured:
    """Run ``args`` in a fresh process and measure it; exit with its stderr if it fails."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    stderr = proc.stderr.read() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(args)}\n{stderr.strip()}")
    return Measured(
        wall_seconds=wall,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024.0,  # kilobytes on Linux
    )


def spread(values: list[float], digits: int = 2) -> dict[str, float]:
    """Min, median and max of ``values``, rounded."""
    return {
        "min": round(min(values), digits),
        "median": round(statistics.median(values), digits),
        "max": round(max(values), digits),
    }


def described(runs: list[Measured]) -> dict:
    """The runs' count, min/median/max of peak RSS, wall and CPU seconds, and the raw runs."""
    return {
        "runs": len(runs),
        "peak_rss_mb": spread([m.peak_rss_mb for m in runs], 1),
        "wall_seconds": spread([m.wall_seconds for m in runs], 1),
        "cpu_seconds": spread([m.cpu_seconds for m in runs], 1),
        "raw": [vars(m) for m in runs],
    }


def fmt(s: dict[str, float], digits: int = 1) -> str:
    """``median (min–max)`` of a :func:`spread`."""
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}–{s['max']:.{digits}f})"


def machine() -> dict:
    """Cores, load average, Python, commit and time of measurement, and whether Python
    writes its bytecode cache: with ``PYTHONDONTWRITEBYTECODE`` set (as on some build
    machines), every fresh process compiles the project's own modules again: ``sim --help``
    took 0.74 s (0.70–0.80) with it set and 0.60 s (0.54–0.78) with the cache written, 5
    runs each on 2 cores (2026-12-04). Start-up figures compare only between runs that
    agree on it."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
    except OSError:
        commit = None
    return {
        "cores": len(os.sched_getaffinity(0)),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "writes_bytecode_cache": not sys.dont_write_bytecode,
        # this checkout's model build ("compiled", or why its source runs): on the tandem the
        # compiled model took 0.49 of the source's CPU time at 4c3c423 (docs/model.md)
        "model_build": model_build(),
        "commit": commit,
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


@contextmanager
def code_trees(before: str) -> Iterator[dict[str, Path]]:
    """``{"before": a temporary git worktree of commit before, "after": this checkout}``;
    the worktree is removed on exit, whatever happens in between."""
    with tempfile.TemporaryDirectory(prefix="benchmark-before-") as tmp:
        tree = Path(tmp) / f"before-{before}"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "--force", str(tree), before],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        try:
            yield {"before": tree, "after": ROOT}
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True
            )


def write_record(name: str, record: dict, md: str) -> None:
    """Write ``benchmarks/results/NAME.json`` (the record) and ``NAME.md`` and say so."""
    stem = ROOT / "benchmarks" / "results" / name
    stem.parent.mkdir(parents=True, exist_ok=True)
    stem.with_suffix(".json").write_text(json.dumps(record, indent=2) + "\n", "utf-8")
    stem.with_suffix(".md").write_text(md, "utf-8")
    print(f"wrote {stem}.json and {stem}.md")


def publish(name: str, record: dict, md: str, print_only: bool) -> None:
    """Print a benchmark's markdown, then, unless ``print_only`` (``--print``), write it and
    its record (:func:`write_record`)."""
    print(md)
    if not print_only:
        write_record(name, record, md)


def before_after_parser(doc: str, before: str | None = None) -> argparse.ArgumentParser:
    """A benchmark's parser with ``--before COMMIT`` (required unless ``before`` gives a
    default) and ``--print`` (print, do not write); the caller adds its own options."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    if before is None:
        parser.add_argument("--before", required=True, help="earlier commit to compare with")
    else:
        parser.add_argument("--before", default=before, help=f"earlier commit (default {before})")
    parser.add_argument("--print", dest="print_only", action="store_true", help="do not write")
    return parser


def alternate(
    rounds: int, cases: Iterable[str], trees: dict[str, Path],
    measure: Callable[[str, str, Path], Measured],
) -> dict[tuple[str, str], list[Measured]]:  # fmt: skip
    """``measure(case, side, tree)`` for every case and side in turn, round after round, so
    that both sides see the same machine; each run is printed as it ends. Returns the runs
    by ``(case, side)``."""
    cases = list(cases)
    found: dict[tuple[str, str], list[Measured]] = {(c, s): [] for c in cases for s in trees}
    for r in range(rounds):
        for case in cases:
            for side, tree in trees.items():
                m = measure(case, side, tree)
                found[case, side].append(m)
                print(f"round {r + 1} {case} {side}: {m}", file=sys.stderr, flush=True)
    return found
