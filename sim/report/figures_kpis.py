"""Charts of one run's KPIs: waiting times against targets, grades and their reasons."""

from __future__ import annotations

import numpy as np

from sim.report.inputs import RunInput
from sim.report.plotting import HATCHES, Figure, new_figure, percent_axis
from sim.report.suppress import Suppression

STAGE_WAITS = (
    ("triage_days", "triage", "triage_target_hours", 1 / 24),
    ("allocation_days", "allocation", "allocation_target_days", 1.0),
    ("safeguarding_days", "first safeguarding", "safeguarding_target_days", 1.0),
    ("warrant_days", "warrant", "warrant_target_days", 1.0),
)
STAGE_STATS = (("mean", "o", "mean"), ("p90", "s", "90th percentile"), ("p95", "D", "95th pct."))
TARGET_MARKERS = ("v", "s", "^")
STATS = (("mean", "mean"), ("p90", "90th percentile"), ("p95", "95th percentile"))
GRADES = (
    ("substandard_rate", "substandard"),
    ("inadequate_rate", "inadequate"),
    ("serious_concern_rate", "serious concern"),
    ("self_assessed_good_rate", "self-assessed good"),
)


def _interval(k: dict) -> tuple[float, float, float]:
    mean = float(k["mean"])
    low = k.get("ci_low") if k.get("ci_low") is not None else mean
    high = k.get("ci_high") if k.get("ci_high") is not None else mean
    return mean, max(mean - float(low), 0.0), max(float(high) - mean, 0.0)


def _risk_bars(ax, run: RunInput) -> list[str]:
    levels = list(run.scenario.risk_levels)
    width = 0.8 / len(STATS)
    drawn = []
    for j, (stat, label) in enumerate(STATS):
        vals = [run.kpi(f"allocation_days_{stat}_risk_{lv}") for lv in levels]
        if not any(v and v.get("mean") is not None for v in vals):
            continue
        mean, lo, hi = zip(
            *(_interval(v) if v and v.get("mean") is not None else (np.nan, 0, 0) for v in vals),
            strict=True,
        )
        x = np.arange(len(levels)) + (j - 1) * width
        ax.bar(
            x,
            mean,
            width,
            yerr=[lo, hi],
            capsize=2,
            label=label,
            color="white",
            edgecolor="black",
            hatch=HATCHES[j],
            linewidth=0.8,
        )
        drawn.append(label)
    targets = [run.scenario.risk_levels[lv].allocation_target_days for lv in levels]
    ax.scatter(
        np.arange(len(levels)),
        targets,
        marker="_",
        s=900,
        color="black",
        linewidths=2,
        label="target",
        zorder=3,
    )
    ax.set_xticks(np.arange(len(levels)), levels)
    ax.set_xlabel("risk level")
    ax.set_yscale("symlog", linthresh=1)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("days to allocation (log scale)")
    ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(0, -0.25), ncols=2)
    return drawn


def _stage_dots(ax, run: RunInput) -> None:
    levels = list(run.scenario.risk_levels)
    rows = [w for w in STAGE_WAITS if run.kpi(f"{w[0]}_mean")]
    seen: set[str] = set()

    def once(label: str) -> str | None:  # each legend entry once, where first drawn
        if label in seen:
            return None
        seen.add(label)
        return label

    for y, (prefix, _label, attr, scale) in enumerate(rows):
        for j, (stat, marker, name) in enumerate(STAGE_STATS):
            k = run.kpi(f"{prefix}_{stat}")
            if not k or k.get("mean") is None:
                continue
            mean, lo, hi = _interval(k)
            ax.errorbar(
                [mean],
                [y + (j - 1) * 0.18],
                xerr=[[lo], [hi]],
                fmt=marker,
                markersize=4,
                color="black",
                capsize=2,
                label=once(name),
            )
        for j, lv in enumerate(levels):
            target = getattr(run.scenario.risk_levels[lv], attr, None)
            if target is None:
                continue
            ax.scatter(
                [target * scale],
                [y],
                marker=TARGET_MARKERS[j % 3],
                s=40,
                color="#666666",
                facecolors="none",
                label=once(f"target, {lv} risk"),
            )
    ax.set_yticks(range(len(rows)), [r[1] for r in rows])
    ax.set_xscale("symlog", linthresh=1)
    ax.set_xlim(left=0)
    ax.set_xlabel("days (log scale), 95% intervals")
    ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(0, -0.25), ncols=3)


def waits_figure(run: RunInput) -> Figure | None:
    """Allocation waits by risk level and the mean wait at each stage, against targets."""
    if run.kpi("allocation_days_mean") is None:
        return None
    fig, (ax, ax2) = new_figure(1, 2, height_in=3.4, width_ratios=[1, 1.4])
    _risk_bars(ax, run)
    _stage_dots(ax2, run)
    fig.tight_layout()
    alt = (
        "Left: bar chart of days to allocation by risk level (mean, 90th and 95th "
        "percentiles, hatched, with 95% intervals) with the target as a thick black dash. "
        "Right: the wait at each stage in days on a log scale, its mean (circle), 90th "
        "(square) and 95th (diamond) percentiles with 95% intervals, and grey open markers "
        "(triangle down, square, triangle up) at each risk level's target."
    )
    return Figure("waits", "Waiting times against targets", alt, fig)


def _share_bars(ax, items: list[tuple[str, dict | None]], base: float, sup: Suppression) -> int:
    hidden = 0
    labels, means, errs = [], [], [[], []]
    for label, k in items:
        if k is None or k.get("mean") is None:
            continue
        labels.append(label)
        if sup.hides_share(k["mean"], base):
            hidden += 1
            means.append(np.nan)
            errs[0].append(0)
            errs[1].append(0)
            continue
        mean, lo, hi = _interval(k)
        means.append(mean)
        errs[0].append(lo)
        errs[1].append(hi)
    y = np.arange(len(labels))
    ax.barh(y, means, xerr=errs, capsize=2, color="#bbbbbb", edgecolor="black", linewidth=0.6)
    for yi, m in zip(y, means, strict=True):
        if np.isnan(m):
            ax.annotate(
                sup.text(),
                (0, yi),
                fontsize=6,
                va="center",
                xytext=(3, 0),
                textcoords="offset points",
            )
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    percent_axis(ax, "x")
    return hidden


def grades_figure(run: RunInput, sup: Suppression) -> Figure | None:
    """Shares of closed cases by grade, and the share breaking each grading rule."""
    rules = sorted(k for k in run.folder.kpis if k.startswith("rule_") and k.endswith("_rate"))
    if run.kpi("substandard_rate") is None:
        return None
    base = (run.kpi("cases_opened") or {}).get("mean")
    fig, (ax, ax2) = new_figure(1, 2, height_in=3.0, width_ratios=[1, 1.3])
    _share_bars(ax, [(label, run.kpi(k)) for k, label in GRADES], base, sup)
    ax.set_xlabel("share of closed cases (%)")
    ax.set_title("grades", fontsize=9)
    items = [(r[5:-5].replace("_", " "), run.kpi(r)) for r in rules]
    _share_bars(ax2, items, base, sup)
    ax2.set_xlabel("share of closed cases breaking the rule (%)")
    ax2.set_title("reasons (grading rules broken)", fontsize=9)
    fig.tight_layout()
    alt = (
        "Two horizontal bar charts with 95% intervals: the share of closed cases graded "
        "substandard, inadequate, with a serious concern and self-assessed good; and the "
        f"share breaking each of the {len(rules)} grading rules."
    )
    return Figure("grades", "Grades and the reasons for them", alt, fig)
