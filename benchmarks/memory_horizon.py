"""Peak memory, wall and CPU time of one replication at 1 and 10 years, baseline and national.

Each measurement is one whole ``sim run FILE --reps 1 --workers 1 --days D`` in a fresh
process (results to a temporary folder), D = 365 or 3650 measured days after the
scenario's own 365 days of warm-up. One worker runs the replication in the ``sim`` process
itself, so the child's peak RSS (``os.wait4``) is the replication's peak, start-up and
writing the results folder included. Cases run interleaved, round by round.

Cases: ``baseline-1y``, ``baseline-10y`` (``scenarios/baseline.yaml``), ``national-1y``,
``national-10y`` (``scenarios/national.yaml``: 10× the baseline's referrals and staff).
The national 10-year run takes many minutes of one core; ``--national-rounds`` runs the
national cases fewer times than the others.

Writes ``benchmarks/results/memory_horizon.json`` and ``.md`` (``--print`` only prints),
with min/median/max of each figure and the ratio of the 10-year to the 1-year median peak.

    python benchmarks/memory_horizon.py                       # 3 rounds of all four
    python benchmarks/memory_horizon.py --national-rounds 1
    python benchmarks/memory_horizon.py --cases national-10y --rounds 1 --keep   # one case more
    python benchmarks/memory_horizon.py --cases baseline-1y baseline-10y --rounds 5
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from whole_process import ROOT, SIM, Measured, described, fmt, machine, run_measured  # noqa: E402

CASES = {
    "baseline-1y": ("scenarios/baseline.yaml", 365),
    "baseline-10y": ("scenarios/baseline.yaml", 3650),
    "national-1y": ("scenarios/national.yaml", 365),
    "national-10y": ("scenarios/national.yaml", 3650),
}
"""Case name → (scenario file, measured days after the scenario's warm-up)."""


def measure(case: str, folder: Path, days_factor: float) -> Measured:
    """One replication of ``case`` in a fresh ``sim run`` process."""
    file, days = CASES[case]
    out = folder / case
    args = [*SIM, "run", str(ROOT / file), "--reps", "1", "--workers", "1"]
    args += ["--days", f"{days * days_factor:g}", "--out", str(out), "--force"]
    return run_measured(args)


def collect(args: argparse.Namespace, report: Callable[[dict], None]) -> dict:
    """Every case's measurements, interleaved round by round (case → list of Measured),
    passed to ``report`` after each run, so that a long session stopped early keeps what
    it measured."""
    found: dict[str, list[Measured]] = {case: [] for case in args.cases}
    with tempfile.TemporaryDirectory(prefix="memory-horizon-") as tmp:
        for r in range(max(args.rounds, args.national_rounds)):
            for case in args.cases:
                wanted = args.national_rounds if case.startswith("national") else args.rounds
                if r < wanted:
                    found[case].append(m := measure(case, Path(tmp), args.days_factor))
                    print(f"round {r + 1} {case}: {m}", file=sys.stderr, flush=True)
                    report(found)
    return found


def summarise(found: dict[str, list[Measured]]) -> dict:
    """Min/median/max per case, and the 10-year/1-year ratios of the median peaks."""
    cases = {case: {"file": CASES[case][0], **described(ms)} for case, ms in found.items() if ms}
    ratios = {}
    for name in ("baseline", "national"):
        one, ten = cases.get(f"{name}-1y"), cases.get(f"{name}-10y")
        if one and ten:
            peak = ten["peak_rss_mb"]["median"] / one["peak_rss_mb"]["median"]
            ratios[name] = round(peak, 2)
    return {"cases": cases, "peak_ratio_10y_over_1y": ratios}


def markdown(record: dict) -> str:
    rows = [
        f"| {case} | {c['runs']} | {fmt(c['peak_rss_mb'])} | {fmt(c['wall_seconds'])} "
        f"| {fmt(c['cpu_seconds'])} |"
        for case, c in record["cases"].items()
    ]
    ratios = "; ".join(f"{k} {v:.2f}×" for k, v in record["peak_ratio_10y_over_1y"].items())
    m = record["machine"]
    return (
        "# Memory against horizon\n\n"
        f"{record['benchmark']}.\n\n"
        "| case | runs | peak RSS, MB | wall, s | CPU, s |\n|---|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n\nEach cell: median (min–max). "
        f"Peak 10 years / 1 year (medians): {ratios or 'n/a'}. "
        f"{m['cores']} cores; load average after {m['load_average']}; "
        f"commit {m['commit']}; {m['measured_at']}.\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="runs of each case (default 3)")
    parser.add_argument(
        "--national-rounds",
        type=int,
        default=None,
        help="runs of national cases (default: --rounds)",
    )
    parser.add_argument("--cases", nargs="+", choices=list(CASES), default=list(CASES))
    parser.add_argument(
        "--days-factor",
        type=float,
        default=1.0,
        help="scale every horizon (e.g. 0.01 for a quick check that the script works)",
    )
    parser.add_argument("--print", dest="print_only", action="store_true", help="do not write")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the last record's runs of the cases not measured now",
    )
    args = parser.parse_args()
    if args.national_rounds is None:
        args.national_rounds = args.rounds
    kept = earlier(args) if args.keep else {}
    found = collect(args, lambda so_far: write(args, kept | so_far, final=False))
    write(args, kept | found, final=True)


def earlier(args: argparse.Namespace) -> dict[str, list[Measured]]:
    """The runs of the cases not measured now, from the last record written (``--keep``),
    when it was measured at the same horizons."""
    path = ROOT / "benchmarks" / "results" / "memory_horizon.json"
    try:
        record = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if record.get("days_factor") != args.days_factor:
        return {}
    return {
        case: [Measured(**raw) for raw in c["raw"]]
        for case, c in record.get("cases", {}).items()
        if case in CASES and case not in args.cases
    }


def write(args: argparse.Namespace, found: dict, final: bool) -> None:
    """Write the record of ``found`` so far (with ``--print``, only print it at the end)."""
    record = {
        "benchmark": "one replication (`sim run --reps 1 --workers 1 --days D`, 365 days of "
        "warm-up, D = 365 or 3650 measured days"
        + (f" × {args.days_factor:g}" if args.days_factor != 1 else "")
        + "), whole fresh processes; peak RSS of the process (os.wait4 ru_maxrss)",
        "days_factor": args.days_factor,
        **summarise(found),
        "machine": machine(),
    }
    md = markdown(record)
    if final:
        print(md)
    if not args.print_only:
        stem = ROOT / "benchmarks" / "results" / "memory_horizon"
        stem.parent.mkdir(parents=True, exist_ok=True)
        stem.with_suffix(".json").write_text(json.dumps(record, indent=2) + "\n", "utf-8")
        stem.with_suffix(".md").write_text(md, "utf-8")
        if final:
            print(f"wrote {stem}.json and {stem}.md")


if __name__ == "__main__":
    main()
