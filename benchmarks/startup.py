"""What a ``sim`` command costs before it does any work: whole commands, before and after.

Three commands, each in a fresh process, alternating the code of an earlier commit
("before", checked out into a temporary git worktree, run by this same Python and
libraries) and this checkout ("after"):

- ``sim --help``: start-up alone;
- ``sim validate scenarios/baseline.yaml``: start-up and one scenario read;
- ``sim run scenarios/baseline.yaml --reps 1 --workers 1 --days 365``: one replication
  of one measured year, whose peak memory is the 1-year figure of ``memory_horizon.py``.

Writes ``benchmarks/results/startup.json`` and ``.md`` (``--print`` only prints): min,
median and max of wall seconds, CPU seconds and peak RSS (MB) of each, and the after/before
ratios of the medians.

    python benchmarks/startup.py --before a4f5565            # 5 rounds
    python benchmarks/startup.py --before a4f5565 --rounds 3
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

COMMANDS = {
    "help": ["--help"],
    "validate": ["validate", "scenarios/baseline.yaml"],
    "run-1y": ["run", "scenarios/baseline.yaml", "--reps", "1", "--workers", "1", "--days", "365"],
}
"""Command name → arguments after ``sim`` (``run`` also gets ``--out`` and ``--force``)."""


def measure(name: str, tree: Path, out: Path) -> Measured:
    """Command ``name`` of the code in ``tree``, in a fresh process."""
    args = [*SIM, *COMMANDS[name]]
    if name.startswith("run"):
        args += ["--out", str(out), "--force"]
    return run_measured(args, cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)})


def summarise(found: dict[tuple[str, str], list[Measured]]) -> dict:
    """Each command's sides described, and after/before ratios of the medians."""
    out: dict = {}
    for name in COMMANDS:
        sides = {side: described(found[name, side]) for side in ("before", "after")}
        ratios = {
            key: round(sides["after"][key]["median"] / sides["before"][key]["median"], 3)
            for key in ("wall_seconds", "cpu_seconds", "peak_rss_mb")
        }
        out[name] = {"sides": sides, "after_over_before": ratios}
    return out


def markdown(record: dict) -> str:
    lines = [
        "# What a `sim` command costs at start, before and after",
        "",
        f"Whole fresh processes, alternating. Before: commit `{record['before']}`; after: "
        f"`{record['machine'].get('commit')}`. Median (min–max) of {record['rounds']} runs.",
        "",
        "| command | code | wall s | CPU s | peak RSS MB |",
        "|---|---|---|---|---|",
    ]
    for name, result in record["commands"].items():
        for side, s in result["sides"].items():
            cells = [fmt(s[k]) for k in ("wall_seconds", "cpu_seconds", "peak_rss_mb")]
            command = f"`sim {' '.join(COMMANDS[name])}`"
            lines.append(f"| {command} | {side} | " + " | ".join(cells) + " |")
        ratios = ", ".join(f"{k} {v}" for k, v in result["after_over_before"].items())
        lines.append(f"| | after / before | {ratios} | | |")
    lines += ["", f"Machine: {json.dumps(record['machine'])}", ""]
    return "\n".join(lines)


def main() -> None:
    parser = before_after_parser(__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="runs of each (default 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="startup-") as tmp, code_trees(args.before) as trees:
        found = alternate(
            args.rounds, COMMANDS, trees,
            lambda name, side, tree: measure(name, tree, Path(tmp) / f"out-{side}"),
        )  # fmt: skip
    record = {
        "benchmark": "start-up cost of sim commands, whole fresh processes, alternating",
        "before": args.before,
        "rounds": args.rounds,
        "commands": summarise(found),
        "machine": machine(),
    }
    md = markdown(record)
    publish("startup", record, md, args.print_only)


if __name__ == "__main__":
    main()
