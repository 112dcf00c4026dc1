"""Is demand beyond capacity? Growth of the open-case backlog over the measured period.

When demand exceeds capacity the backlog grows without bound: open cases rise roughly
linearly with time (at rate = inflow − capacity), waits grow with the run length, and the
KPIs' means describe the run length rather than a steady state. A stable system's backlog,
after its warm-up, fluctuates around a level.

Rule: in each replication, fit a least-squares line to the weekly ``open_cases`` samples
inside the measured period [warm-up, end]; its slope is that replication's growth, cases a
day. The run is **unstable** when both

* the mean slope is significantly positive across replications (the lower end of its
  two-sided 95% t-interval is above 0; replications are independent, so this is an honest
  test, unlike the within-run regression error, which autocorrelation makes too small), and
* it is material: at least ``MIN_RELATIVE_GROWTH`` (1%) of the inflow of cases a day
  (``cases_opened`` over the horizon), i.e. at least one case in a hundred opened is left
  to pile up. A stable system that is merely still filling grows far more slowly.

With one replication there is no test across replications; the second condition decides
alone, and ``tested`` is false.

Growth is also reported per named period (calendar years by default), and when periods
are given the verdict is that of the **last** period lasting at least ``MIN_JUDGED_DAYS``
(91 days): a backlog that grew before a package of measures and falls after it is stable
now, whatever the years before did. A period is shorter than the window, so its test is
weaker: when the whole window is unstable and the last period neither confirms it nor
shows the growth has stopped (its upper 95% bound below the material level), the whole
window's verdict stands. Pure functions over the replications' series, no SimPy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from sim.stats.summary import t_interval

MIN_RELATIVE_GROWTH = 0.01
MIN_POINTS = 3
MIN_JUDGED_DAYS = 91.0


def slope_per_day(days: np.ndarray, values: np.ndarray) -> float:
    """Least-squares slope of ``values`` against ``days`` (units of values per day)."""
    if days.size < 2 or np.ptp(days) == 0:
        return math.nan
    x = days - days.mean()
    return float(np.dot(x, values - values.mean()) / np.dot(x, x))


def growth_slopes(
    timeseries: Sequence[dict[str, np.ndarray]],
    warmup_day: float,
    end_day: float,
    key: str = "open_cases",
) -> np.ndarray:
    """Each replication's slope of ``key`` over the samples in [warmup_day, end_day], a day."""
    out = []
    for ts in timeseries:
        days = np.asarray(ts["day"], dtype=float)
        keep = (days >= warmup_day) & (days <= end_day)
        if np.count_nonzero(keep) < MIN_POINTS:
            out.append(math.nan)
            continue
        out.append(slope_per_day(days[keep], np.asarray(ts[key], dtype=float)[keep]))
    return np.asarray(out, dtype=float)


def _judge(slopes: np.ndarray, inflow_per_day: float) -> dict[str, Any]:
    """Growth figures and the unstable verdict for one span's slopes (see the module docs)."""
    s = t_interval(slopes)
    mean = s["mean"]
    relative = None
    if mean is not None and inflow_per_day > 0:
        relative = mean / inflow_per_day
    material = relative is not None and relative >= MIN_RELATIVE_GROWTH
    tested = s["ci_low"] is not None
    significant = tested and s["ci_low"] > 0
    return {
        "unstable": bool(material and (significant or not tested)),
        "tested": tested,
        "growth_per_day": mean,
        "growth_ci_low": s["ci_low"],
        "growth_ci_high": s["ci_high"],
        "inflow_per_day": inflow_per_day,
        "relative_growth": relative,
        "replications": s["n"],
    }


def judged_period(periods: Mapping[str, tuple[float, float, float]]) -> str | None:
    """The last period at least ``MIN_JUDGED_DAYS`` long, or ``None`` when none is."""
    long_enough = [n for n, (a, b, _) in periods.items() if b - a >= MIN_JUDGED_DAYS]
    return long_enough[-1] if long_enough else None


def _last_decides(whole: dict[str, Any], last: dict[str, Any]) -> bool:
    """Whether the last period's verdict stands rather than the whole window's.

    It does when the last period is unstable, when there is no test across replications,
    when the whole window is stable, or when the last period shows the growth has stopped
    (its upper 95% bound is below the material level); an inconclusive last period (too
    short to tell) leaves the whole window's verdict.
    """
    if last["growth_per_day"] is None:
        return False
    if last["unstable"] or not last["tested"] or not whole["unstable"]:
        return True
    high = last["growth_ci_high"]
    return high is not None and high < MIN_RELATIVE_GROWTH * last["inflow_per_day"]


def assess_stability(
    timeseries: Sequence[dict[str, np.ndarray]],
    *,
    warmup_day: float,
    end_day: float,
    inflow_per_day: float,
    key: str = "open_cases",
    periods: Mapping[str, tuple[float, float, float]] | None = None,
) -> dict[str, Any]:
    """Backlog growth across replications and the unstable verdict (see the module docs).

    ``inflow_per_day`` is the rate at which items join the counted backlog (cases opened a
    day). ``periods`` (``{name: (start_day, end_day, inflow_per_day)}``, in time order)
    gives growth per period; the verdict is then that of the last period lasting at least
    ``MIN_JUDGED_DAYS`` (so a backlog that falls after a measure is not judged by the
    years before) unless it is inconclusive (see :func:`_last_decides`), else the whole
    measured window's. Returns ``{"unstable", "tested",
    "growth_per_day", "growth_ci_low", "growth_ci_high", "inflow_per_day",
    "relative_growth", "replications"}`` of the judged span, plus ``"judged_period"``
    (``None`` for the whole window), ``"whole_window"`` and ``"periods"`` (the same figures
    per span), ``"series"`` and ``"rule"``; growth figures are ``None`` when a span holds
    too few samples.
    """
    whole = _judge(growth_slopes(timeseries, warmup_day, end_day, key), inflow_per_day)
    by_period = {
        name: {
            "start_day": a,
            "end_day": b,
            **_judge(growth_slopes(timeseries, a, b, key), inflow),
        }
        for name, (a, b, inflow) in (periods or {}).items()
    }
    judged = judged_period(periods or {})
    if judged is not None and not _last_decides(whole, by_period[judged]):
        judged = None
    verdict = whole if judged is None else by_period[judged]
    span = "the measured window" if judged is None else f"the last period ({judged})"
    return {
        **{k: verdict[k] for k in whole},
        "judged_period": judged,
        "whole_window": whole,
        "periods": by_period,
        "series": key,
        "rule": (
            f"unstable when the slope of weekly {key} over {span} is above 0 "
            f"(95% t-interval across replications) and at least {MIN_RELATIVE_GROWTH:.0%} "
            "of the cases opened a day"
        ),
    }


def warning_text(stability: dict[str, Any]) -> str | None:
    """One line for people when the run is unstable, else ``None``."""
    if not stability.get("unstable"):
        return None
    growth = stability["growth_per_day"]
    ci = ""
    if stability.get("growth_ci_low") is not None:
        ci = f" (95% CI {stability['growth_ci_low']:.3g} to {stability['growth_ci_high']:.3g})"
    period = stability.get("judged_period")
    when = f" in {period}" if period else ""
    share = stability.get("relative_growth")
    of = (
        f", {share:.0%} of the {stability['inflow_per_day']:.3g} cases opened a day"
        if share
        else ""
    )
    return (
        f"unstable: demand exceeds capacity; open cases grow by {growth:.3g} a day{when}{ci}{of}. "
        "The backlog grows without bound, so waits depend on the run length, not a steady state"
    )
