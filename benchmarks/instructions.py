"""Instructions executed by one short replication, before and after a change: a measure of
the model's cost that the machine's load cannot move.

Wall and CPU seconds on a shared machine vary by up to twice within a day, more than many
changes gain. The count of machine instructions a run executes hardly does: runs of the
same code and input differ only by what memory addresses and allocation change (the hash
seed is fixed at 0). Each side runs under valgrind's callgrind (about
50 times slower than native, so the run is short): one replication of
``scenarios/baseline.yaml`` with ``--days`` days of warm-up and ``--days`` measured days,
simulated and harvested (no case table, no KPIs, no files). The same script with an
invalid horizon, which loads everything and stops at the scenario's check, gives the
start-up to subtract.

"Before" is an earlier commit checked out into a temporary git worktree and run by this
same Python; "after" is this checkout. Needs ``valgrind`` (Debian: ``apt-get install
valgrind``). Writes ``benchmarks/results/instructions.json`` and ``.md`` (``--print`` only
prints).

    python benchmarks/instructions.py --before 2059dea              # 120 + 120 days
    python benchmarks/instructions.py --before 2059dea --days 30     # quicker
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from whole_process import (  # noqa: E402
    before_after_parser,
    code_trees,
    machine,
    publish,
)

REPLICATION = """
import sys
from sim.model import Streams, replication_seed
from sim.model.engine import Model
from sim.scenario.loader import load_scenario

days = float(sys.argv[1])
scenario = load_scenario(
    "scenarios/baseline.yaml", {"run.horizon_days": days, "run.warmup_days": days}
)
model = Model(scenario, Streams(replication_seed(2016, 0)))
model.finish()
"""
"""One replication, simulated and harvested (``Model.finish``, as every run does); with
``days`` 0 the scenario's check stops it after start-up and loading."""


def instructions(tree: Path, days: float) -> int:
    """Instructions callgrind counts in one run of :data:`REPLICATION` of ``tree``'s code."""
    args = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    args += [sys.executable, "-c", REPLICATION, f"{days:g}"]
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
    done = subprocess.run(args, cwd=tree, env=env, capture_output=True, text=True)
    # a replication must run to its end, and the start-up run (0 days) must stop at the
    # scenario's check, not earlier: a run that fails otherwise (code too old for this
    # script, say) would give a count of something else
    stopped_at_check = days == 0 and "horizon_days" in done.stderr
    if done.returncode != 0 and not stopped_at_check:
        sys.exit(f"the run of {tree} ({days:g} days) failed:\n{done.stderr[-2000:]}")
    found = re.search(r"Collected\s*:\s*(\d+)", done.stderr)
    if found is None:
        sys.exit(f"callgrind gave no count for {tree}:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def measure(trees: dict[str, Path], days: float) -> dict[str, dict[str, int]]:
    """Each side's total count, its start-up count and the difference (the simulation)."""
    out = {}
    for side, tree in trees.items():
        total, start = instructions(tree, days), instructions(tree, 0)
        out[side] = {"total": total, "start_up": start, "simulation": total - start}
        print(f"{side}: {out[side]}", file=sys.stderr, flush=True)
    return out


def markdown(record: dict) -> str:
    sides = record["sides"]
    lines = [
        "# Instructions of one short replication, before and after",
        "",
        f"{record['days']:g} days of warm-up and {record['days']:g} measured days of "
        "`scenarios/baseline.yaml`, simulated and harvested (`Model.finish`), under "
        "valgrind's callgrind. Before: "
        f"`{record['before']}`; after: `{record['machine'].get('commit')}`.",
        "",
        "| code | total | start-up and loading | simulation |",
        "|---|---|---|---|",
    ]
    for side, s in sides.items():
        lines.append(f"| {side} | {s['total']:,} | {s['start_up']:,} | {s['simulation']:,} |")
    lines += ["", f"After / before, simulation: **{record['after_over_before']}**", ""]
    return "\n".join(lines)


def main() -> None:
    parser = before_after_parser(__doc__)
    parser.add_argument("--days", type=float, default=120.0, help="warm-up = measured days")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("error: valgrind not found (Debian: apt-get install valgrind)")
    if args.days <= 0:
        sys.exit("error: --days: expected a number of days greater than 0")
    with code_trees(args.before) as trees:
        sides = measure(trees, args.days)
    ratio = sides["after"]["simulation"] / sides["before"]["simulation"]
    record = {
        "benchmark": "instructions of one short baseline replication under callgrind",
        "before": args.before,
        "days": args.days,
        "sides": sides,
        "after_over_before": round(ratio, 3),
        "machine": machine(),
    }
    md = markdown(record)
    publish("instructions", record, md, args.print_only)


if __name__ == "__main__":
    main()
