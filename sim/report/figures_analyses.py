"""Charts of a sweep (tornado, Sobol indices) and of a calibration (target against
achieved with tolerances)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.report.plotting import HATCHES, Figure, new_figure

PREFERRED_KPIS = (
    "substandard_rate",
    "allocation_days_mean",
    "end_to_end_days_mean",
    "open_cases_end",
)


def sweep_kpi(rows: list[dict[str, Any]], column: str) -> str | None:
    """The KPI a sweep's charts show: the first preferred one that moves, else any that does."""
    moving = {r["kpi"] for r in rows if isinstance(r.get(column), float) and r[column] != 0}
    for name in PREFERRED_KPIS:
        if name in moving:
            return name
    return sorted(moving)[0] if moving else None


def tornado_figure(rows: list[dict[str, Any]]) -> Figure | None:
    """One-at-a-time: change of the KPI when each parameter moves to its low or high level."""
    kpi = sweep_kpi(rows, "delta")
    if kpi is None:
        return None
    mine = [r for r in rows if r["kpi"] == kpi]
    params = sorted(
        {r["parameter"] for r in mine},
        key=lambda p: -max(abs(r["delta"]) for r in mine if r["parameter"] == p),
    )
    fig, ax = new_figure(height_in=1.2 + 0.45 * len(params))
    for j, level in enumerate(("low", "high")):
        for i, p in enumerate(params):
            r = next((r for r in mine if r["parameter"] == p and r["level"] == level), None)
            if r is None:
                continue
            err = [[r["delta"] - r["delta_ci_low"]], [r["delta_ci_high"] - r["delta"]]]
            ax.barh(
                i,
                r["delta"],
                0.6,
                xerr=err,
                capsize=2,
                color="white" if j else "#999999",
                edgecolor="black",
                hatch=HATCHES[j + 1],
                label=level if i == 0 else None,
            )
            ax.annotate(
                f"{r['value']:g}" if isinstance(r["value"], float) else str(r["value"]),
                (r["delta"], i),
                fontsize=6,
                va="bottom",
            )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(params)), params, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(f"change in {kpi} from the base point (95% CI, paired replications)")
    ax.legend(fontsize=7, title="level", title_fontsize=7)
    fig.tight_layout()
    alt = (
        f"Tornado chart: change in {kpi} when each of {len(params)} parameters moves to its "
        "low (grey) or high (white, hatched) level, largest effect on top, with 95% intervals."
    )
    return Figure("tornado", f"One at a time: {kpi}", alt, fig)


def sobol_figure(rows: list[dict[str, Any]]) -> Figure | None:
    """First-order and total Sobol indices of each parameter for one KPI, with intervals."""
    kpi = sweep_kpi(rows, "ST")
    if kpi is None:
        return None
    mine = [r for r in rows if r["kpi"] == kpi]
    fig, ax = new_figure(height_in=1.2 + 0.45 * len(mine))
    y = np.arange(len(mine))
    for j, (key, label) in enumerate((("S1", "first order"), ("ST", "total"))):
        values = [r[key] for r in mine]
        err = [
            [max(r[key] - r[f"{key}_ci_low"], 0) for r in mine],
            [max(r[f"{key}_ci_high"] - r[key], 0) for r in mine],
        ]
        ax.barh(
            y + (j - 0.5) * 0.35,
            values,
            0.35,
            xerr=err,
            capsize=2,
            label=label,
            color="#999999" if j == 0 else "white",
            edgecolor="black",
            hatch=HATCHES[j],
        )
    ax.set_yticks(y, [r["parameter"] for r in mine], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(f"share of the variance of {kpi} (Sobol index, 95% CI)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    alt = (
        f"Bar chart of first-order (grey) and total (white) Sobol indices of {kpi} for "
        f"{len(mine)} parameters, with 95% bootstrap intervals."
    )
    return Figure("sobol", f"Sobol indices: {kpi}", alt, fig)


def calibration_figure(rows: list[dict[str, Any]]) -> Figure | None:
    """Each target with its tolerance band and the fitted run's mean with its interval,
    as a share of the target value so different units share one axis."""
    rows = [r for r in rows if isinstance(r.get("value"), float) and r["value"]]
    if not rows:
        return None
    fig, ax = new_figure(height_in=1.2 + 0.45 * len(rows))
    for i, r in enumerate(rows):
        v = r["value"]
        tol = r["tolerance"] / abs(v) * 100
        ax.barh(
            i,
            2 * tol,
            0.5,
            left=100 - tol,
            color="#dddddd",
            edgecolor="#777777",
            label="target ± tolerance" if i == 0 else None,
        )
        mean = r["mean"] / abs(v) * 100
        low = r["ci_low"] / abs(v) * 100 if math.isfinite(r["ci_low"]) else mean
        high = r["ci_high"] / abs(v) * 100 if math.isfinite(r["ci_high"]) else mean
        marker = "o" if r.get("within_tolerance") in (True, "True") else "X"
        ax.errorbar(
            [mean],
            [i],
            xerr=[[max(mean - low, 0)], [max(high - mean, 0)]],
            fmt=marker,
            color="black",
            capsize=3,
            label="achieved (o within, X outside)" if i == 0 else None,
        )
    ax.axvline(100, color="black", linewidth=0.8)
    ax.set_yticks(range(len(rows)), [r["kpi"] for r in rows], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("% of the target value (achieved mean with 95% CI)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    alt = (
        f"For {len(rows)} calibration targets, the tolerance band around the target (grey) "
        "and the fitted run's mean with its 95% interval, in percent of the target; a circle "
        "is within tolerance, a cross outside."
    )
    return Figure("calibration", "Target against achieved", alt, fig)
