"""The tandem of ``tandem_vs_peers.py`` counted in instructions: a figure the machine's load
cannot move.

Each of the model, the bare SimPy pipeline and Ciw runs the tandem twice under valgrind's
callgrind, for ``--long`` and ``--short`` days (seed 1, ``PYTHONHASHSEED=0``); the
difference of the two counts over the difference of the referrals is the cost of one more
referral, with start-up, imports and the scenario's loading cancelled out. The ratios
model/bare and model/Ciw of those costs sit beside the time ratios of
``tandem_vs_peers.py``. They are not the same figure: instructions are not time (an
instruction of the compiled model's pointer-chasing code takes longer on average than one
of the interpreter's loop), so both are reported.

Needs ``valgrind`` (Debian: ``apt-get install valgrind``); about 5 minutes. Writes
``benchmarks/results/tandem_instructions.json`` and ``.md`` (``--print`` only prints).

    python benchmarks/tandem_instructions.py [--long 1500] [--short 150]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from whole_process import machine, publish  # noqa: E402

RUN = """
import sys
sys.path.insert(0, {here!r})
import tandem_vs_peers as t
run = {{"model": t.run_model, "bare_simpy": t.run_bare, "ciw": t.run_ciw}}[sys.argv[1]]
print(run(float(sys.argv[2]), 1)[0])
"""
PEERS = ("model", "bare_simpy", "ciw")


def counted(peer: str, days: float) -> tuple[int, int]:
    """(instructions, referrals) of one run of ``peer`` for ``days`` days under callgrind."""
    args = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable]
    args += ["-c", RUN.format(here=str(HERE)), peer, f"{days:g}"]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    found = re.search(r"Collected\s*:\s*(\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        sys.exit(f"the {peer} run ({days:g} days) failed:\n{done.stderr[-2000:]}")
    return int(found.group(1)), int(done.stdout.split()[-1])


def markdown(record: dict) -> str:
    lines = [
        "# The tandem in instructions",
        "",
        f"Each run under callgrind for {record['long_days']:g} and {record['short_days']:g} "
        "days; the cost of one more referral is the difference of the counts over the "
        f"difference of the referrals. Model build: {record['machine']['model_build']}.",
        "",
        "| peer | referrals (long, short) | instructions (long, short) | per referral |",
        "|---|---|---|---|",
    ]
    for peer, p in record["peers"].items():
        lines.append(
            f"| {peer} | {p['referrals'][0]:,}, {p['referrals'][1]:,} | "
            f"{p['instructions'][0]:,}, {p['instructions'][1]:,} | {p['per_referral']:,} |"
        )
    ratios = record["ratios"]
    lines += [
        "",
        f"Model / bare SimPy: **{ratios['model_over_bare_simpy']}**; "
        f"model / Ciw: **{ratios['model_over_ciw']}** (instructions a referral).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--long", type=float, default=1500.0, help="days of the long run")
    parser.add_argument("--short", type=float, default=150.0, help="days of the short run")
    parser.add_argument("--print", dest="print_only", action="store_true", help="only print")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("error: valgrind not found (Debian: apt-get install valgrind)")
    if not 0 < args.short < args.long:
        sys.exit("error: expected 0 < --short < --long")
    peers = {}
    for peer in PEERS:
        (long_i, long_n), (short_i, short_n) = counted(peer, args.long), counted(peer, args.short)
        per = round((long_i - short_i) / (long_n - short_n))
        peers[peer] = {
            "referrals": [long_n, short_n],
            "instructions": [long_i, short_i],
            "per_referral": per,
        }
        print(f"{peer}: {per:,} instructions a referral", file=sys.stderr, flush=True)
    model = peers["model"]["per_referral"]
    record = {
        "benchmark": "the tandem, instructions a referral under callgrind",
        "long_days": args.long,
        "short_days": args.short,
        "peers": peers,
        "ratios": {
            "model_over_bare_simpy": round(model / peers["bare_simpy"]["per_referral"], 3),
            "model_over_ciw": round(model / peers["ciw"]["per_referral"], 3),
        },
        "machine": machine(),
    }
    md = markdown(record)
    publish("tandem_instructions", record, md, args.print_only)


if __name__ == "__main__":
    main()
