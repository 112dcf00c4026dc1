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
alone, and ``tested`` is false. Pure functions over the replications' series, no SimPy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.stats.summary import t_interval

MIN_RELATIVE_GROWTH = 0.01
MIN_POINTS = 3


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


def assess_stability(
    timeseries: Sequence[dict[str, np.ndarray]],
    *,
    warmup_day: float,
    end_day: float,
    inflow_per_day: float,
    key: str = "open_cases",
) -> dict[str, Any]:
    """Backlog growth across replications and the unstable verdict (see the module docs).

    ``inflow_per_day`` is the rate at which items join the counted backlog (cases opened a
    day). Returns ``{"unstable", "tested", "growth_per_day", "growth_ci_low",
    "growth_ci_high", "inflow_per_day", "relative_growth", "replications", "series",
    "rule"}``; growth figures are ``None`` when the period holds too few samples.
    """
    slopes = growth_slopes(timeseries, warmup_day, end_day, key)
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
        "series": key,
        "rule": (
            f"unstable when the slope of weekly {key} over the measured period is above 0 "
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
    share = stability.get("relative_growth")
    of = (
        f", {share:.0%} of the {stability['inflow_per_day']:.3g} cases opened a day"
        if share
        else ""
    )
    return (
        f"unstable: demand exceeds capacity; open cases grow by {growth:.3g} a day{ci}{of}. "
        "The backlog grows without bound, so waits depend on the run length, not a steady state"
    )
