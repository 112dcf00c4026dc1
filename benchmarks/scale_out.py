"""Replications per second on 1 and 2 local workers and on a 2-worker Dask LocalCluster.

Two workloads, each one whole ``sim`` command in a fresh process, timed from launch to
exit (start-up, simulation, KPIs, writing the results folder):

- ``baseline``: ``sim run scenarios/baseline.yaml --reps 4 --until followup_12m`` (the
  scenario's 365 days of warm-up, then to the 12-month follow-up inspection: 1,425 days);
- ``sweep``: ``sim sweep`` of ``scenarios/baseline.yaml`` shortened to 90 + 90 days, a
  64-point Latin hypercube over the three parameters of ``sweep_benchmark.py``, 2
  replications a point (128 simulations; ``sweep_benchmark.py`` uses 5).

Executors: ``--workers 1``, ``--workers 2``, and ``--address`` of a
``distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1)`` started by
this script before the first round (its start-up is not timed; its workers stay up
between runs, as a real cluster's would). Executors run interleaved, round by round.
Every executor's results must be byte-identical to the 1-worker run's (all files but
``manifest.json``, which records the executor and timings); the script checks it.

Writes ``benchmarks/results/scale_out.json`` and ``.md`` (``--print`` only prints): wall
seconds and replications per second as min/median/max, and each executor's speed-up
over one worker (medians). The machine's other load shows in the load average.

    python benchmarks/scale_out.py                     # the full measurement, 3 rounds
    python benchmarks/scale_out.py --rounds 1 --warmup 5 --days 10 --points 8 --print
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from whole_process import SIM, fmt, machine, publish, run_measured, spread  # noqa: E402

BASELINE = "scenarios/baseline.yaml"
SWEEP_VARY = (
    "triage.hours.mean=0.5:1.0",
    "officers.trained.abstraction_rate=0.2:0.4",
    "warrants.court_days.mean=2:10",
)
EXECUTORS = ("workers_1", "workers_2", "dask_2")
SEED = 2016


def horizon_args(args: argparse.Namespace, workload: str) -> list[str]:
    """The horizon options of ``workload``: the defaults above, or ``--warmup``/``--days``."""
    if args.days is not None:
        warmup = [] if args.warmup is None else ["--warmup", f"{args.warmup:g}"]
        return [*warmup, "--days", f"{args.days:g}"]
    if workload == "baseline":
        return ["--until", "followup_12m"]
    return ["--warmup", "90", "--days", "90"]


def command(workload: str, args: argparse.Namespace, out: Path) -> list[str]:
    """The ``sim`` command of ``workload`` (without its executor options)."""
    if workload == "baseline":
        cmd = [*SIM, "run", BASELINE, "--reps", str(args.reps)]
    else:
        cmd = [*SIM, "sweep", BASELINE, "-m", "lhs", "-n", str(args.points)]
        cmd += ["--reps", str(args.point_reps)]
        for vary in SWEEP_VARY:
            cmd += ["--vary", vary]
    return [*cmd, *horizon_args(args, workload), "--seed", str(SEED), "--out", str(out), "--force"]


def executor_args(executor: str, address: str) -> list[str]:
    return ["--address", address] if executor == "dask_2" else ["--workers", executor[-1]]


def same_results(one: Path, other: Path) -> bool:
    """Whether two results folders hold the same files with the same bytes, but for the
    manifest (which records the executor and timings)."""
    names = sorted(p.name for p in one.iterdir() if p.name != "manifest.json")
    if names != sorted(p.name for p in other.iterdir() if p.name != "manifest.json"):
        return False
    return all((one / n).read_bytes() == (other / n).read_bytes() for n in names)


def collect(args: argparse.Namespace, address: str, folder: Path) -> dict:
    """Wall seconds of each workload on each executor, round by round, and whether every
    executor's results equal the 1-worker run's."""
    env = {k: v for k, v in os.environ.items() if k != "SIM_DASK_ADDRESS"}
    walls = {w: {e: [] for e in EXECUTORS} for w in args.workloads}
    identical = {w: {e: True for e in EXECUTORS[1:]} for w in args.workloads}
    for r in range(args.rounds):
        for workload in args.workloads:
            for executor in EXECUTORS:
                out = folder / f"{workload}-{executor}"
                cmd = [*command(workload, args, out), *executor_args(executor, address)]
                m = run_measured(cmd, env=env)
                walls[workload][executor].append(m.wall_seconds)
                print(f"round {r + 1} {workload} {executor}: {m}", file=sys.stderr, flush=True)
            first = folder / f"{workload}-{EXECUTORS[0]}"
            for executor in EXECUTORS[1:]:
                same = same_results(first, folder / f"{workload}-{executor}")
                identical[workload][executor] &= same
    return {"walls": walls, "identical": identical}


def summarise(args: argparse.Namespace, found: dict) -> dict:
    """Per workload and executor: wall seconds and replications per second (min/median/max),
    speed-up over one worker (medians), and the byte-identity checks."""
    record = {}
    for workload, by_executor in found["walls"].items():
        runs = args.reps if workload == "baseline" else args.points * args.point_reps
        rows = {
            e: {
                "wall_seconds": spread(walls),
                "replications_per_second": spread([runs / w for w in walls], 3),
            }
            for e, walls in by_executor.items()
        }
        one = rows["workers_1"]["wall_seconds"]["median"]
        for row in rows.values():
            row["speedup_over_1_worker"] = round(one / row["wall_seconds"]["median"], 2)
        record[workload] = {
            "simulations": runs,
            "command": " ".join(command(workload, args, Path("OUT"))[3:]),
            "executors": rows,
            "identical_to_1_worker": found["identical"][workload],
        }
    return record


def markdown(record: dict) -> str:
    lines = ["# Scale-out: replications per second\n", record["benchmark"] + ".\n"]
    for workload, w in record["workloads"].items():
        lines += [
            f"## {workload}: {w['simulations']} simulations\n",
            f"`sim {w['command']}` (OUT a temporary folder).\n",
            "| executor | wall, s | replications/s | speed-up |\n|---|---|---|---|",
        ]
        for executor, row in w["executors"].items():
            rate, speedup = row["replications_per_second"], row["speedup_over_1_worker"]
            lines.append(
                f"| {executor} | {fmt(row['wall_seconds'])} | {fmt(rate, 3)} | {speedup:.2f}× |"
            )
        same = ", ".join(f"{e}: {v}" for e, v in w["identical_to_1_worker"].items())
        lines.append(f"\nResults byte-identical to 1 worker's: {same}.\n")
    m = record["machine"]
    lines.append(
        f"Each cell: median (min–max) of {record['rounds']} round(s). {m['cores']} cores; load "
        f"average after {m['load_average']}; commit {m['commit']}; {m['measured_at']}.\n"
    )
    return "\n".join(lines)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument("--workloads", nargs="+", choices=["baseline", "sweep"])
    parser.add_argument("--reps", type=int, default=4, help="baseline replications (4)")
    parser.add_argument("--points", type=int, default=64, help="sweep points (64)")
    parser.add_argument("--point-reps", type=int, default=2, help="replications a point (2)")
    parser.add_argument("--warmup", type=float, help="warm-up days (with --days), both workloads")
    parser.add_argument("--days", type=float, help="measured days instead of the defaults")
    parser.add_argument("--print", dest="print_only", action="store_true", help="do not write")
    args = parser.parse_args()
    args.workloads = args.workloads or ["baseline", "sweep"]
    return args


def main() -> None:
    args = parse()
    from distributed import LocalCluster

    with (
        LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
        ) as cluster,
        tempfile.TemporaryDirectory(prefix="scale-out-") as tmp,
    ):
        found = collect(args, cluster.scheduler_address, Path(tmp))
    record = {
        "benchmark": "whole `sim` commands in fresh processes on 1 and 2 local workers and "
        "a 2-worker Dask LocalCluster (processes, 1 thread each)",
        "rounds": args.rounds,
        "workloads": summarise(args, found),
        "machine": machine(),
    }
    md = markdown(record)
    publish("scale_out", record, md, args.print_only)
    if not all(all(v.values()) for v in found["identical"].values()):
        sys.exit("results differ between executors")


if __name__ == "__main__":
    main()
