"""The chart of a search: each package's cost a year against its estimated probability of
meeting every target, with Wilson intervals, the cost–probability front and the choice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from matplotlib.ticker import FuncFormatter, MaxNLocator

from sim.report.plotting import Figure, new_figure, percent_axis
from sim.report.search_input import SearchInput

STATUS_STYLES = {
    "feasible": {"marker": "o", "color": "#000000", "mfc": "#000000"},
    "undecided": {"marker": "^", "color": "#555555", "mfc": "white"},
    "dominated": {"marker": "s", "color": "#888888", "mfc": "white"},
    "infeasible": {"marker": "x", "color": "#888888", "mfc": "#888888"},
}
OTHER_STYLE = {"marker": "D", "color": "#333333", "mfc": "white"}


@dataclass
class ChartData:
    """What the chart draws: ``points`` (status → [(cost, probability, low, high)], money a
    year and shares 0–1), the ``front`` as (cost, probability) steps, cheapest first, the
    ``chosen`` package (label, cost, probability) or ``None``, the required probability and
    the x range (money a year)."""

    points: dict[str, list[tuple[float, float, float, float]]]
    front: list[tuple[float, float]]
    chosen: tuple[str, float, float] | None
    required: float
    x_range: tuple[float, float]


def chart_data(found: SearchInput) -> ChartData | None:
    """The chart's data; ``None`` when no package has a replication."""
    run = found.simulated()
    if not run:
        return None
    points: dict[str, list[tuple[float, float, float, float]]] = {}
    for r in run:
        low = r.get("wilson_low", r["probability"])
        high = r.get("wilson_high", r["probability"])
        points.setdefault(str(r["status"]), []).append(
            (r["cost_per_year"], r["probability"], low, high)
        )
    simulated = {r["label"] for r in run}
    front = [
        (r["cost_per_year"], r["probability"])
        for r in sorted(found.front, key=lambda r: r["cost_per_year"])
        if r["label"] in simulated
    ]
    best = found.best
    chosen = None
    if best is not None and best["label"] in simulated:
        chosen = (best["label"], best["cost_per_year"], best["probability"])
    costs = [r["cost_per_year"] for r in run]
    return ChartData(points, front, chosen, found.probability, _x_range(min(costs), max(costs)))


def _x_range(low: float, high: float) -> tuple[float, float]:
    """The costs' range with a margin; a sensible width when every cost is the same."""
    pad = (high - low) * 0.06 if high > low else max(abs(low) * 0.1, 1.0)
    return low - pad, high + pad


def search_figure(found: SearchInput) -> Figure | None:
    """Cost a year against the estimated probability of meeting every target."""
    data = chart_data(found)
    if data is None:
        return None
    fig, ax = new_figure(height_in=3.6)
    _draw_points(ax, data)
    if data.front:
        xs = [c for c, _ in data.front] + [data.x_range[1]]
        ys = [p for _, p in data.front] + [data.front[-1][1]]
        ax.step(xs, ys, where="post", color="#444444", linewidth=1, label="cost–probability front")
    ax.axhline(
        data.required,
        color="black",
        linestyle="--",
        linewidth=0.9,
        label=f"required P ≥ {data.required:g}",
    )
    if data.chosen is not None:
        _, cost, p = data.chosen
        ax.plot([cost], [p], "o", ms=13, mfc="none", mec="black", mew=1.6, label="chosen")
        # the label is short (the package is named in the caption); it points inwards
        right = cost > (data.x_range[0] + data.x_range[1]) / 2
        ax.annotate(
            f"chosen: {compact_money(cost)} a year",
            (cost, p),
            xytext=(-10 if right else 10, -16),
            textcoords="offset points",
            ha="right" if right else "left",
            fontsize=7,
            weight="bold",
        )
    ax.set_xlim(*data.x_range)
    ax.set_ylim(-0.04, 1.04)
    percent_axis(ax)
    ax.xaxis.set_major_locator(MaxNLocator(6))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: compact_money(v)))
    money = found.currency or "currency not recorded"
    ax.set_xlabel(f"cost per year ({money})")
    ax.set_ylabel("P(every target met)")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    fig.tight_layout()
    return Figure("search", "Cost against probability", _alt(data, found), fig)


def compact_money(value: float) -> str:
    """Money as ``12.1m``, ``150k`` or ``900`` (the currency is on the axis label)."""
    size = abs(value)
    if size >= 1e6:
        return f"{value / 1e6:.3g}m"
    if size >= 1e3:
        return f"{value / 1e3:.3g}k"
    return f"{value:.0f}"


def _draw_points(ax, data: ChartData) -> None:
    for status, pts in sorted(data.points.items()):
        s = STATUS_STYLES.get(status, OTHER_STYLE)
        xs = [c for c, *_ in pts]
        ys = [p for _, p, _, _ in pts]
        err = [[max(p - lo, 0.0) for _, p, lo, _ in pts], [max(hi - p, 0.0) for _, p, _, hi in pts]]
        ax.errorbar(
            xs,
            ys,
            yerr=err,
            fmt=s["marker"],
            color=s["color"],
            mfc=s["mfc"],
            ms=5,
            capsize=2,
            elinewidth=0.8,
            label=f"{status} ({len(pts)})",
        )


def _alt(data: ChartData, found: SearchInput) -> str:
    count = sum(len(p) for p in data.points.values())
    level = found.options.get("level", 0.95)
    statuses = ", ".join(f"{len(p)} {s}" for s, p in sorted(data.points.items()))
    chosen = (
        f"the chosen package {data.chosen[0]} is circled"
        if data.chosen
        else "no package was chosen"
    )
    return (
        f"Each of {count} simulated packages ({statuses}) at its cost a year against the "
        f"share of its replications meeting every target, with {_percent(level)} Wilson "
        f"intervals; the step line is the cost–probability front, the dashed line the "
        f"required probability {data.required:g}; {chosen}."
    )


def _percent(level: Any) -> str:
    try:
        return f"{float(level):.0%}"
    except (TypeError, ValueError):
        return str(level)
