"""The README's main job, ``sim run scenarios/baseline.yaml``, timed before and after a change.

Each run is the whole command in a fresh process, exactly as a user types it (the
scenario's own replications, workers and horizon), with results written to a temporary
folder. "Before" is the code of an earlier commit (default ``9ecd9b7``, the last commit
before the speed and memory work of issue 14), checked out into a temporary git worktree and
run by this same Python and installed libraries; "after" is this checkout. Runs alternate
before, after, before, after..., so both see the same machine.

Writes ``benchmarks/results/baseline_before_after.json`` and ``.md`` (``--print`` only
prints): min/median/max of wall seconds, CPU seconds and peak RSS of each, and the ratio of
the medians (after / before).

    python benchmarks/baseline_before_after.py                  # 3 rounds
    python benchmarks/baseline_before_after.py --rounds 5 --before 9ecd9b7
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from whole_process import (  # noqa: E402
    SIM,
    Measured,
    alternate,
    before_after_parser,
    code_trees,
    described,
    fmt,
    machine,
    publish,
    run_measured,
)

BEFORE = "9ecd9b7"
"""The last commit before the speed and memory work (issue 14)."""


def run_baseline(tree: Path, out: Path) -> Measured:
    """``sim run scenarios/baseline.yaml`` of the code in ``tree``, in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    args = [*SIM, "run", "scenarios/baseline.yaml", "--out", str(out), "--force"]
    return run_measured(args, cwd=tree, env=env)


def summarise(found: dict[str, list[Measured]]) -> dict:
    """Min/median/max of each side, and after/before ratios of the medians."""
    sides = {side: described(ms) for side, ms in found.items() if ms}
    ratios = {}
    if len(sides) == 2:
        for key in ("wall_seconds", "cpu_seconds", "peak_rss_mb"):
            after, before = sides["after"][key]["median"], sides["before"][key]["median"]
            ratios[key] = round(after / before, 3)
    return {"sides": sides, "after_over_before": ratios}


def markdown(record: dict) -> str:
    lines = [
        "# `sim run scenarios/baseline.yaml`, before and after",
        "",
        f"{record['benchmark']}. Before: commit `{record['before']}`; after: "
        f"`{record['machine'].get('commit')}`. Median (min–max).",
        "",
        "| code | runs | wall s | CPU s | peak RSS MB |",
        "|---|---|---|---|---|",
    ]
    for side, s in record["sides"].items():
        cells = [fmt(s[k]) for k in ("wall_seconds", "cpu_seconds", "peak_rss_mb")]
        lines.append(f"| {side} | {s['runs']} | " + " | ".join(cells) + " |")
    ratios = record["after_over_before"]
    if ratios:
        pairs = ", ".join(f"{k} {v}" for k, v in ratios.items())
        lines += ["", f"After / before (medians): {pairs}"]
    lines += ["", f"Machine: {json.dumps(record['machine'])}", ""]
    return "\n".join(lines)


def main() -> None:
    parser = before_after_parser(__doc__, BEFORE)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="baseline-") as tmp, code_trees(args.before) as trees:
        runs = alternate(
            args.rounds, ["baseline"], trees,
            lambda _case, side, tree: run_baseline(tree, Path(tmp) / f"out-{side}"),
        )  # fmt: skip
    found = {side: ms for (_, side), ms in runs.items()}
    record = {
        "benchmark": "`sim run scenarios/baseline.yaml` as the README gives it (the "
        "scenario's own replications, workers and horizon), whole fresh processes, "
        "alternating before and after",
        "before": args.before,
        **summarise(found),
        "machine": machine(),
    }
    md = markdown(record)
    publish("baseline_before_after", record, md, args.print_only)


if __name__ == "__main__":
    main()
