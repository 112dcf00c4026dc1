"""Charts of one run over time: open cases by stage, staff in post, inspection results."""

from __future__ import annotations

import numpy as np

from sim.report.inputs import RunInput
from sim.report.numbers import quantity
from sim.report.plotting import (
    Figure,
    date_axis,
    mark_days,
    new_figure,
    percent_axis,
    style,
    to_dates,
)
from sim.report.suppress import Suppression
from sim.stats.paired import wilson_interval

STAGES = ("triage", "allocation", "investigation", "warrant", "external")
STAFF = (
    ("trained_in_post", "trained detectives in post"),
    ("untrained_in_post", "untrained officers in post"),
    ("trainees", "officers on the course"),
)


def day_marks(run: RunInput) -> list[tuple[float, str, str]]:
    """Measures and inspections of the run's scenario as ``(day, name, kind)``."""
    sc = run.scenario
    marks = [(m.day, m.name, "measure") for m in sc.measures]
    return marks + [(i.day, i.name, "inspection") for i in sc.inspections]


def _band(ax, run: RunInput, name: str, label: str, i: int, sup: Suppression) -> bool:
    s = run.series
    if f"{name}_mean" not in s:
        return False
    when = to_dates(run.scenario.run.start_date, s["day"])
    mean = sup.mask_counts(s[f"{name}_mean"])
    st = style(i)
    ax.plot(
        when,
        mean,
        label=label,
        color=st["color"],
        linestyle=st["linestyle"],
        marker=st["marker"],
        markevery=max(1, len(when) // 12),
        markersize=4,
    )
    low, high = sup.mask_counts(s[f"{name}_low"]), sup.mask_counts(s[f"{name}_high"])
    ax.fill_between(when, low, high, color=st["color"], alpha=0.12, linewidth=0)
    return True


def backlog_figure(run: RunInput, sup: Suppression) -> Figure | None:
    """Open cases at each stage over time, mean and 2.5–97.5% band across replications."""
    if "day" not in run.series:
        return None
    fig, ax = new_figure(height_in=3.6)
    drawn = [st for i, st in enumerate(STAGES) if _band(ax, run, f"{st}_open", st, i, sup)]
    start = run.scenario.run.start_date
    mark_days(ax, start, day_marks(run))
    warm = run.scenario.run.warmup_days
    ax.axvspan(*to_dates(start, [0, warm]), color="#eeeeee", zorder=0, label="warm-up")
    date_axis(ax, start)
    ax.set_ylabel("open cases (cases)")
    ax.legend(fontsize=7, ncols=3, loc="upper left")
    reps = run.folder.manifest.get("replications")
    alt = (
        f"Line chart of open cases by stage ({', '.join(drawn)}) from {start} over "
        f"{quantity(run.scenario.run.warmup_days + run.scenario.run.horizon_days, 'days')}, "
        f"mean of {quantity(reps or 0, 'replications')} with shaded 95% bands; dashed "
        "vertical lines mark measures, dotted lines inspections; the grey area is the warm-up."
    )
    return Figure("open-cases", "Open cases by stage over time", alt, fig)


def staff_figure(run: RunInput) -> Figure | None:
    """Officers in post and the trained-detective vacancy rate over time."""
    s = run.series
    if "trained_in_post_mean" not in s:
        return None
    fig, (ax, ax2) = new_figure(2, 1, height_in=2.3, sharex=True)
    no_sup = Suppression()
    for i, (name, label) in enumerate(STAFF):
        _band(ax, run, name, label, i, no_sup)
    ax.set_ylabel("officers (people)")
    ax.legend(fontsize=7, loc="upper left")
    _band(ax2, run, "trained_vacancy_rate", "trained detective vacancies", 3, no_sup)
    percent_axis(ax2)
    ax2.set_ylabel("vacancy rate (% of establishment)")
    start = run.scenario.run.start_date
    for a in (ax, ax2):
        mark_days(a, start, [m for m in day_marks(run) if m[2] == "measure"])
    date_axis(ax2, start)
    ax2.legend(fontsize=7, loc="upper left")
    alt = (
        "Two line charts over time: above, trained detectives, untrained officers and "
        "officers on the training course in post; below, the share of trained-detective "
        "posts vacant, with bands across replications and dashed lines at measures."
    )
    return Figure("staff", "Staff in post and vacancies", alt, fig)


def inspection_points(run: RunInput, grade: str, sup: Suppression) -> list[tuple]:
    """``(day, name, mean, low, high)`` of each inspection's ``grade`` rate of the run."""
    points = []
    for insp in run.scenario.inspections:
        k = run.kpi(f"{insp.name}_{grade}_rate")
        if k is None or k.get("mean") is None:
            continue
        if sup.hides_share(k["mean"], insp.sample_size):
            continue
        low = k.get("ci_low") if k.get("ci_low") is not None else k["mean"]
        high = k.get("ci_high") if k.get("ci_high") is not None else k["mean"]
        points.append((insp.day, insp.name, k["mean"], low, high))
    return points


def sampling_interval(share: float, sample_size: int) -> tuple[float, float]:
    """The 95% Wilson interval of a share found in one audit of ``sample_size`` cases: how
    far a single inspection's finding can fall from the simulated share by sampling alone."""
    w = wilson_interval(round(share * sample_size), sample_size)
    return float(w["ci_low"]), float(w["ci_high"])


def _inspection_line(ax, run: RunInput, pts: list[tuple], i: int, offset: float) -> None:
    start = run.scenario.run.start_date
    sizes = {insp.name: insp.sample_size for insp in run.scenario.inspections}
    days, names, mean, low, high = (np.array(c) for c in zip(*pts, strict=True))
    when = to_dates(start, days.astype(float) + offset)
    mean, low, high = (a.astype(float) for a in (mean, low, high))
    st = style(i)
    audit = np.array([sampling_interval(m, sizes[n]) for m, n in zip(mean, names, strict=True)])
    ax.vlines(
        when,
        audit[:, 0],
        audit[:, 1],
        color=st["color"],
        linewidth=7,
        alpha=0.2,
        label="one audit's sampling interval" if i == 0 else None,
    )
    err = np.vstack([np.clip(mean - low, 0, None), np.clip(high - mean, 0, None)])
    ax.errorbar(when, mean, yerr=err, capsize=3, label=run.label, **st)


def inspection_figure(runs: list[RunInput], sup: Suppression) -> Figure | None:
    """Substandard share at every inspection date, one line per scenario: the mean across
    replications with its 95% interval, and the 95% Wilson interval of one audit of the
    inspection's sample size around it (sampling alone)."""
    lines = [(run, inspection_points(run, "substandard", sup)) for run in runs]
    lines = [(run, pts) for run, pts in lines if pts]
    if not lines:
        return None
    fig, ax = new_figure(height_in=3.4)
    start = lines[0][0].scenario.run.start_date
    days = [p[0] for _, pts in lines for p in pts]
    pad = max(30.0, (max(days) - min(days)) * 0.08)
    for i, (run, pts) in enumerate(lines):
        _inspection_line(ax, run, pts, i, (i - (len(lines) - 1) / 2) * pad * 0.2)
    ax.set_xlim(*to_dates(start, [min(days) - pad, max(days) + pad]))
    ax.axhline(0.5, color="#999999", linewidth=0.8, linestyle="--")
    ax.set_ylim(0, 1)
    percent_axis(ax)
    ax.set_ylabel("audited cases graded substandard (%)")
    date_axis(ax, start)
    ax.legend(fontsize=7, loc="best")
    names = ", ".join(run.label for run, _ in lines)
    alt = (
        f"Substandard share of audited cases at each inspection date, one line per scenario "
        f"({names}): the mean across replications with its 95% confidence interval (capped "
        "bars) and, shaded behind it, the 95% Wilson interval of a single audit of that "
        "inspection's sample size; a dashed line marks 50%."
    )
    return Figure("inspections", "Inspection results over time", alt, fig)
