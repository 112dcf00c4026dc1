"""Main-effect plots of a sweep: the KPI's mean against each parameter's value, one panel
per parameter (the other parameters at their base values in a one-at-a-time sweep,
averaged over in a sampled or grid design)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.report.plotting import Figure, new_figure
from sim.stats.summary import t_interval

MAX_PANELS = 9
BINS = 5
"""A sampled design's values are grouped into this many bins of equal count."""


def _groups(values: list[Any], members: list[int]) -> list[tuple[Any, list[int]]]:
    """The points grouped by the parameter's value: one group per distinct value when there
    are few, else ``BINS`` bins of equal count labelled by their mean value."""
    numeric = all(_num(v) for v in values)
    distinct = sorted(set(values)) if numeric else sorted(set(values), key=str)
    if len(distinct) <= BINS + 1 or not numeric:
        return [(v, [m for x, m in zip(values, members, strict=True) if x == v]) for v in distinct]
    order = np.argsort(np.array(values, dtype=float))
    return [
        (float(np.mean([values[i] for i in chunk])), [members[i] for i in chunk])
        for chunk in np.array_split(order, BINS)
    ]


def _num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def effect_points(
    parameter: str, points: list[dict[str, Any]], summary: dict[int, dict[str, Any]]
) -> list[tuple[Any, float, float, float]]:
    """``(value, mean, low, high)`` of the KPI at each value of ``parameter``.

    One-at-a-time: the base point and the points moving this parameter, each with its 95%
    interval across replications. Other designs: the mean over the points at that value
    (or in that bin) with a 95% t interval across them."""
    oat = any(p.get("block") == "base" for p in points)
    mine = [
        p
        for p in points
        if int(p["point"]) in summary
        and (not oat or p.get("block") == "base" or p.get("varied") == parameter)
    ]
    out = []
    ids = [int(p["point"]) for p in mine]
    for value, group in _groups([p[parameter] for p in mine], ids):
        rows = [summary[i] for i in group if _num(summary[i].get("mean"))]
        if not rows:
            continue
        if len(rows) == 1:
            ci = rows[0]
        else:
            ci = t_interval(np.array([r["mean"] for r in rows], dtype=float), 0.95)
        mean = float(ci["mean"])
        low = ci["ci_low"] if _num(ci.get("ci_low")) else mean
        high = ci["ci_high"] if _num(ci.get("ci_high")) else mean
        out.append((value, mean, float(low), float(high)))
    return out


def main_effects_figure(
    kpi: str | None, parameters: list[str], points: list[dict], summary: list[dict]
) -> Figure | None:
    """One panel per parameter (up to nine): the KPI's mean against the parameter's value."""
    if kpi is None or not parameters:
        return None
    by_point = {int(r["point"]): r for r in summary if r.get("kpi") == kpi}
    shown = parameters[:MAX_PANELS]
    cols = min(3, len(shown))
    rows = math.ceil(len(shown) / cols)
    fig, axes = new_figure(rows, cols, height_in=2.2, sharey=True, squeeze=False)
    for ax, parameter in zip(axes.flat, shown, strict=False):
        pts = effect_points(parameter, points, by_point)
        if not pts:
            continue
        x = [p[0] if _num(p[0]) else i for i, p in enumerate(pts)]
        mean = np.array([p[1] for p in pts])
        err = [mean - np.array([p[2] for p in pts]), np.array([p[3] for p in pts]) - mean]
        ax.errorbar(x, mean, yerr=np.clip(err, 0, None), fmt="o-", color="black", capsize=3)
        if not all(_num(p[0]) for p in pts):
            ax.set_xticks(x, [str(p[0]) for p in pts], fontsize=7)
        ax.set_xlabel(parameter, fontsize=7)
    for ax in list(axes.flat)[len(shown) :]:
        ax.axis("off")
    for ax in axes[:, 0]:
        ax.set_ylabel(f"{kpi}\n(mean, 95% CI)", fontsize=7)
    fig.tight_layout()
    alt = (
        f"Main-effect plots: for each of {len(shown)} parameters ({', '.join(shown)}), the "
        f"mean of {kpi} at each of its values (grouped into bins in a sampled design), with "
        "95% intervals (one-at-a-time: across replications at each point; sampled designs: "
        "across the points of each group)."
    )
    return Figure("main-effects", f"Main effects on {kpi}", alt, fig)
