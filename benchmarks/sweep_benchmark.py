"""Wall time of a 64-point × 5-replication sweep on 1 and on 2 local workers, as whole runs.

Each measurement is one whole ``sim sweep`` command in a fresh process (start-up, design,
320 simulations, sensitivity indices, writing the results folder), timed from launch to
exit. The design is a Latin hypercube of 64 points over three float parameters (so all 64
points are distinct and none is simulated twice), 5 replications each: 320 runs. The two
runs' ``runs.csv`` must be byte-identical, and the script checks it.

Scenarios (``--scenario``):

- ``small`` (default): ``tests/data/small.yaml`` at its own horizon, 60 days of warm-up and
  300 measured days;
- ``baseline-short``: ``scenarios/baseline.yaml`` shortened to 90 + 90 days (the full
  baseline takes about 10 s per replication, so 320 of them would take most of an hour).

Writes ``benchmarks/results/sweep_benchmark_<scenario>.json`` and ``.md`` (``--print``
only prints). The machine's other load shows in the recorded load averages.

    python benchmarks/sweep_benchmark.py
    python benchmarks/sweep_benchmark.py --scenario baseline-short
"""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {
    "small": {
        "file": "tests/data/small.yaml",
        "set": [],
        "vary": [
            "triage.hours.mean=0.3:0.7",
            "officers.trained.abstraction_rate=0.1:0.3",
            "warrants.court_days.mean=2:8",
        ],
        "note": "tests/data/small.yaml at its own horizon (60 days warm-up + 300 days)",
    },
    "baseline-short": {
        "file": "scenarios/baseline.yaml",
        "set": ["run.warmup_days=90", "run.horizon_days=90"],
        "vary": [
            "triage.hours.mean=0.5:1.0",
            "officers.trained.abstraction_rate=0.2:0.4",
            "warrants.court_days.mean=2:10",
        ],
        "note": "scenarios/baseline.yaml shortened to 90 days warm-up + 90 days",
    },
}
POINTS, REPS, SEED = 64, 5, 2016


def sweep_args(name: str, out: Path, workers: int) -> list[str]:
    spec = SCENARIOS[name]
    args = [sys.executable, "-m", "sim.cli.app", "sweep", str(ROOT / spec["file"])]
    for s in spec["set"]:
        args += ["--set", s]
    for v in spec["vary"]:
        args += ["--vary", v]
    args += ["-m", "lhs", "-n", str(POINTS), "--reps", str(REPS), "--seed", str(SEED)]
    return args + ["--workers", str(workers), "--out", str(out)]


def measure(name: str, workers: int, folder: Path) -> tuple[float, Path]:
    out = folder / f"w{workers}"
    started = time.perf_counter()
    proc = subprocess.run(
        sweep_args(name, out, workers), capture_output=True, text=True, cwd=ROOT, check=False
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"sim sweep failed ({proc.returncode}): {proc.stderr.strip()}")
    return seconds, out


def git_commit() -> str | None:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
    except OSError:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description="64-point × 5-replication sweep, 1 vs 2 workers")
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="small")
    parser.add_argument("--print", dest="print_only", action="store_true", help="do not write")
    args = parser.parse_args()

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="sweep-bench-") as tmp:
        one, out1 = measure(args.scenario, 1, Path(tmp))
        two, out2 = measure(args.scenario, 2, Path(tmp))
        identical = filecmp.cmp(out1 / "runs.csv", out2 / "runs.csv", shallow=False)
    runs = POINTS * REPS
    record = {
        "benchmark": "sweep 64 points x 5 replications (lhs), whole `sim sweep` runs",
        "scenario": args.scenario,
        "scenario_note": SCENARIOS[args.scenario]["note"],
        "vary": SCENARIOS[args.scenario]["vary"],
        "points": POINTS,
        "replications": REPS,
        "runs": runs,
        "wall_seconds": {"workers_1": round(one, 2), "workers_2": round(two, 2)},
        "seconds_per_run": {"workers_1": round(one / runs, 4), "workers_2": round(two / runs, 4)},
        "speedup": round(one / two, 2),
        "runs_csv_identical": identical,
        "cores": len(os.sched_getaffinity(0)),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "commit": git_commit(),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    md = (
        f"# Sweep benchmark ({args.scenario})\n\n"
        f"{record['benchmark']}; {record['scenario_note']}; {runs} runs.\n\n"
        "| workers | wall time (s) | s per run |\n|---|---|---|\n"
        f"| 1 | {one:.1f} | {one / runs:.3f} |\n| 2 | {two:.1f} | {two / runs:.3f} |\n\n"
        f"Speed-up {one / two:.2f}×; runs.csv identical: {identical}; {record['cores']} cores; "
        f"load average before {record['load_average_before']}, after "
        f"{record['load_average_after']}; commit {record['commit']}; "
        f"{record['measured_at']}.\n"
    )
    print(md)
    if not args.print_only:
        folder = ROOT / "benchmarks" / "results"
        folder.mkdir(parents=True, exist_ok=True)
        stem = folder / f"sweep_benchmark_{args.scenario}"
        stem.with_suffix(".json").write_text(json.dumps(record, indent=2) + "\n", "utf-8")
        stem.with_suffix(".md").write_text(md, "utf-8")
        print(f"wrote {stem}.json and {stem}.md")
    if not identical:
        sys.exit("runs.csv differs between 1 and 2 workers")


if __name__ == "__main__":
    main()
