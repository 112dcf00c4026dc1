"""Charts of a comparison: a forest plot of relative differences and the scenario × KPI
matrix (verdicts with the change in %)."""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.report.numbers import hidden
from sim.report.plotting import Figure, new_figure, style
from sim.report.suppress import Suppression

HEADLINE_KPIS = (
    "allocation_days_mean",
    "allocation_days_p90",
    "warrant_days_mean",
    "safeguarding_days_mean",
    "end_to_end_days_mean",
    "substandard_rate",
    "inadequate_rate",
    "serious_concern_rate",
    "evidence_lost_rate",
    "open_cases_end",
    "detective_vacancy_rate",
)
CLIP = 200.0
"""Changes beyond ±200% are drawn at the edge (the tables give the exact figures)."""
VERDICT_MARK = {"better": "▲ better", "worse": "▼ worse"}


def chosen_kpis(comparison: dict[str, Any], limit: int = 14) -> list[str]:
    """The KPIs the charts show: inspection substandard rates, then the headline KPIs."""
    names = [k["kpi"] for k in comparison.get("kpis", [])]
    inspections = [n for n in names if n.endswith("_substandard_rate") and n != "substandard_rate"]
    chosen = inspections + [n for n in HEADLINE_KPIS if n in names]
    return chosen[:limit] or names[:limit]


def _relative(row: dict[str, Any]) -> tuple[float, float, float] | None:
    base = row.get("baseline_mean")
    if not base or row.get("difference") is None:
        return None
    low = row.get("difference_ci_low")
    high = row.get("difference_ci_high")
    low = row["difference"] if low is None else low
    high = row["difference"] if high is None else high
    return row["difference"] / abs(base), low / abs(base), high / abs(base)


def _rows_by(comparison: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["scenario"], r["kpi"]): r for r in comparison.get("comparisons", [])}


def cases_opened(comparison: dict[str, Any]) -> dict[str, float | None]:
    """Each scenario's mean number of cases opened (the base of its shares), by label."""
    return {
        s["label"]: (s["kpis"].get("cases_opened") or {}).get("mean")
        for s in comparison.get("scenarios", [])
    }


def suppressed(comparison: dict[str, Any], sup: Suppression) -> set[tuple[str, str]]:
    """``(scenario, kpi)`` of the comparison rows whose baseline or scenario value is
    hidden (so is the difference between them)."""
    if not sup.active:
        return set()
    bases = cases_opened(comparison)
    base = bases.get(comparison["baseline"])
    return {
        (r["scenario"], r["kpi"])
        for r in comparison.get("comparisons", [])
        if hidden(r["baseline_mean"], r["kpi"], sup, base)
        or hidden(r["mean"], r["kpi"], sup, bases.get(r["scenario"]))
    }


def forest_figure(comparison: dict[str, Any], sup: Suppression) -> Figure | None:
    """Each scenario's change from the baseline in % of the baseline mean, 95% intervals;
    suppressed values are left out."""
    kpis = chosen_kpis(comparison)
    rows = _rows_by(comparison)
    gone = suppressed(comparison, sup)
    arms = [s["label"] for s in comparison["scenarios"] if not s.get("baseline")]
    if not kpis or not arms:
        return None
    fig, ax = new_figure(height_in=max(2.5, 0.32 * len(kpis) * max(1, len(arms)) ** 0.5 + 1))
    step = 0.7 / max(1, len(arms))
    for j, arm in enumerate(arms):
        st = style(j)
        for i, kpi in enumerate(kpis):
            rel = _relative(rows.get((arm, kpi), {}))
            if rel is None or (arm, kpi) in gone:
                continue
            mid, low, high = (float(np.clip(v * 100, -CLIP, CLIP)) for v in rel)
            y = i + (j - (len(arms) - 1) / 2) * step
            ax.errorbar(
                [mid],
                [y],
                xerr=[[max(mid - low, 0)], [max(high - mid, 0)]],
                fmt=st["marker"],
                color=st["color"],
                capsize=2,
                label=arm if i == 0 else None,
            )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(kpis)), [k.replace("_", " ") for k in kpis], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(
        f"change from {comparison['baseline']} (% of the baseline mean, 95% CI; cut at ±200%)"
    )
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7)
    fig.tight_layout()
    alt = (
        f"Forest plot: for {len(kpis)} KPIs, the change of {', '.join(arms)} from the "
        f"baseline {comparison['baseline']} in percent of the baseline mean, each with its "
        "95% interval; the vertical line is no change."
    )
    return Figure("forest", "Differences from the baseline", alt, fig)


def matrix_figure(comparison: dict[str, Any], sup: Suppression) -> Figure | None:
    """Scenario × KPI grid: change in %, shaded by size, with the verdict written in
    (``suppressed`` where a value is hidden)."""
    kpis = chosen_kpis(comparison)
    rows = _rows_by(comparison)
    gone = suppressed(comparison, sup)
    arms = [s["label"] for s in comparison["scenarios"] if not s.get("baseline")]
    if not kpis or not arms:
        return None
    grid = np.full((len(arms), len(kpis)), np.nan)
    fig, ax = new_figure(height_in=1.2 + 0.45 * len(arms))
    for a, arm in enumerate(arms):
        for k, kpi in enumerate(kpis):
            row = rows.get((arm, kpi), {})
            rel = _relative(row)
            if (arm, kpi) in gone:
                ax.text(k, a, "suppressed", ha="center", va="center", fontsize=5)
                continue
            if rel is None:
                continue
            grid[a, k] = rel[0]
            mark = VERDICT_MARK.get(row.get("verdict"), "")
            ax.text(
                k, a, f"{rel[0]:+.0%}\n{mark}", ha="center", va="center", fontsize=6, color="black"
            )
    shade = np.clip(np.abs(np.nan_to_num(grid)), 0, 1)
    ax.imshow(shade, cmap="Greys", vmin=0, vmax=2.5, aspect="auto")
    ax.set_xticks(
        range(len(kpis)), [k.replace("_", " ") for k in kpis], rotation=40, ha="right", fontsize=6
    )
    ax.set_yticks(range(len(arms)), arms, fontsize=7)
    ax.grid(False)
    fig.tight_layout()
    alt = (
        f"Table-like grid of {len(arms)} scenarios by {len(kpis)} KPIs; each cell gives the "
        "change from the baseline in percent and the verdict (better, worse, or blank for no "
        "detectable difference); darker cells are larger changes."
    )
    return Figure("matrix", "Scenario × KPI matrix", alt, fig)
