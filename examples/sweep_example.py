"""Worked example: sensitivity sweeps of the baseline from a Python script.

1. One at a time: five baseline parameters, each moved to a low and a high value while the
   others stay at the baseline's own values. Prints the tornado table of
   ``allocation_days_mean`` (the change from the baseline, paired by replication, with a
   95% interval) and, when matplotlib is installed, saves ``tornado.png``.
2. Sobol: three parameters sampled together; prints first-order (S1) and total-order (ST)
   indices with bootstrap intervals, and the share of the KPI's variance that is
   replication noise rather than the parameters' effect.

For speed this example SHORTENS THE BASELINE: 180 days of warm-up and 365 measured days
instead of the baseline's 365 + 1461 (``--warmup 365 --days 1461`` runs the full horizon),
2-3 replications per point and 8 Sobol base rows (use 64 or more for indices you would
report). Results go to ``results/sweep-example-oat/`` and ``results/sweep-example-sobol/``;
an interrupted run resumes where it stopped.

    python examples/sweep_example.py --workers 2
    python examples/sweep_example.py --address tcp://scheduler:8786     # on a Dask cluster

The same sweeps from the command line:

    sim sweep scenarios/baseline.yaml --warmup 180 --days 365 --reps 3 \\
        --vary triage.staff=7:12 --vary officers.trained.count=350:450 \\
        --vary officers.trained.caseload_cap=9:15 \\
        --vary officers.trained.abstraction_rate=0.1:0.4 \\
        --vary warrants.court_days.mean=2:10 --out results/sweep-example-oat
    sim sweep scenarios/baseline.yaml --warmup 180 --days 365 --reps 2 -m sobol -n 8 \\
        --vary officers.trained.count=350:450 \\
        --vary officers.trained.abstraction_rate=0.1:0.4 \\
        --vary allocation.untrained_after_days=7:28 --out results/sweep-example-sobol
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import sim

ROOT = Path(__file__).resolve().parent.parent
KPI = "allocation_days_mean"

OAT_VARY = {
    "triage.staff": "7:12",
    "officers.trained.count": "350:450",
    "officers.trained.caseload_cap": "9:15",
    "officers.trained.abstraction_rate": "0.1:0.4",
    "warrants.court_days.mean": "2:10",
}
SOBOL_VARY = {
    "officers.trained.count": "350:450",
    "officers.trained.abstraction_rate": "0.1:0.4",
    "allocation.untrained_after_days": "7:28",
}


def tornado(result: sim.SweepResult, kpi: str) -> list[tuple[str, float, float]]:
    """(parameter, change at low, change at high), largest swing first."""
    bars: dict[str, dict[str, float]] = {}
    for row in result.sensitivity:
        if row["kpi"] == kpi and row["level"] in ("low", "high"):
            bars.setdefault(row["parameter"], {})[row["level"]] = row["delta"]
    out = [(p, b.get("low", 0.0), b.get("high", 0.0)) for p, b in bars.items()]
    return sorted(out, key=lambda t: -abs(t[2] - t[1]))


def save_tornado_chart(bars: list[tuple[str, float, float]], path: Path, kpi: str) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(7, 0.6 * len(bars) + 1.2))
    names = [b[0] for b in bars][::-1]
    ax.barh(names, [b[1] for b in bars][::-1], color="#4c72b0", label="low value")
    ax.barh(names, [b[2] for b in bars][::-1], color="#dd8452", label="high value")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(f"change in {kpi} from the baseline")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--address", default=os.environ.get("SIM_DASK_ADDRESS"))
    parser.add_argument("--warmup", type=float, default=180)
    parser.add_argument("--days", type=float, default=365)
    parser.add_argument("--samples", type=int, default=8)
    parser.add_argument("--out", type=Path, default=ROOT / "results")
    args = parser.parse_args()

    baseline = sim.load_scenario(
        ROOT / "scenarios" / "baseline.yaml",
        overrides={"run.warmup_days": args.warmup, "run.horizon_days": args.days},
    )
    where = {"workers": args.workers, "address": args.address, "force": True}

    oat = sim.sweep(
        baseline, OAT_VARY, "oat", replications=3, out=args.out / "sweep-example-oat", **where
    )
    base_mean = next(r["base_mean"] for r in oat.sensitivity if r["kpi"] == KPI)
    print(f"One at a time, {KPI} (baseline mean {base_mean:.2f} days):")
    for name, low, high in tornado(oat, KPI):
        print(f"  {name:36s} low {low:+8.2f}   high {high:+8.2f}")
    if save_tornado_chart(tornado(oat, KPI), oat.out / "tornado.png", KPI):
        print(f"  chart: {oat.out / 'tornado.png'}")

    sobol = sim.sweep(
        baseline,
        SOBOL_VARY,
        "sobol",
        samples=args.samples,
        replications=2,
        out=args.out / "sweep-example-sobol",
        **where,
    )
    rows = [r for r in sobol.sensitivity if r["kpi"] == KPI]
    print(
        f"\nSobol indices, {KPI} ({len(sobol.points)} points × 2 replications; "
        f"replication noise share {rows[0]['noise_share']:.2f}):"
    )
    for r in rows:
        print(
            f"  {r['parameter']:36s} "
            f"S1 {r['S1']:6.2f} [{r['S1_ci_low']:.2f}, {r['S1_ci_high']:.2f}]   "
            f"ST {r['ST']:6.2f} [{r['ST_ci_low']:.2f}, {r['ST_ci_high']:.2f}]"
        )
    print(f"\nTables: {oat.out}/ and {sobol.out}/ (runs.csv, summary.csv, sensitivity.csv)")


if __name__ == "__main__":
    main()
