"""Warm-up detection: MSER-5 on the weekly open-case series. Pure functions, no SimPy.

A run that starts empty spends its first weeks filling officers' caseloads; averaging those
weeks in biases every KPI. MSER (the Marginal Standard Error Rule, White 1997; MSER-5 with
batches of five, White, Cobb and Spratt 2000) picks the truncation point ``d`` that
minimises the squared standard error of the mean of what is kept::

    MSER(d) = sum_{i > d} (z_i - mean(z_{d+1..m}))^2 / (m - d)^2

where ``z_1..z_m`` are the means of consecutive batches of five observations. Deleting more
of a biased start lowers the spread of what remains faster than it loses observations, up to
the point where the series is steady. Only ``d <= m / 2`` is searched (the usual rule: past
half the run the statistic rests on too few batches); a minimum at that limit means the
series never settled in the run (too short a run, or a backlog that keeps growing), and the
result says so (``at_limit``).

The series is the mean across replications of the weekly ``open_cases`` counts (referrals in
triage plus open police cases), from day 0, so the suggested warm-up is in simulated days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

BATCH = 5


@dataclass(frozen=True)
class Truncation:
    """The MSER choice on one series."""

    deleted: int  # observations to delete from the start (a multiple of the batch size)
    batches: int  # batches in the series
    statistic: np.ndarray  # MSER(d) for d = 0 .. batches // 2
    at_limit: bool  # the minimum is at the search limit: no steady state found


def mser(series: Sequence[float], batch: int = BATCH) -> Truncation:
    """MSER-``batch`` truncation point of ``series`` (observations in time order).

    Observations beyond the last full batch are ignored. A series shorter than two batches
    cannot be judged: nothing is deleted and ``at_limit`` is true. ``nan`` values are not
    allowed.
    """
    y = np.asarray(series, dtype=float)
    if batch < 1:
        raise ValueError("batch must be >= 1")
    if np.isnan(y).any():
        raise ValueError("series contains nan")
    m = y.size // batch
    if m < 2:
        return Truncation(0, m, np.zeros(0), True)
    z = y[: m * batch].reshape(m, batch).mean(axis=1)
    limit = m // 2
    stat = np.empty(limit + 1)
    for d in range(limit + 1):
        kept = z[d:]
        stat[d] = float(np.sum((kept - kept.mean()) ** 2)) / kept.size**2
    best = int(np.argmin(stat))
    return Truncation(best * batch, m, stat, best == limit and limit > 0)


def mean_series(
    timeseries: Sequence[dict[str, np.ndarray]], key: str
) -> tuple[np.ndarray, np.ndarray]:
    """``(days, mean of key across replications)``, on the days every replication sampled."""
    if not timeseries:
        return np.zeros(0), np.zeros(0)
    n = min(len(ts[key]) for ts in timeseries)
    days = np.asarray(timeseries[0]["day"][:n], dtype=float)
    values = np.mean([np.asarray(ts[key][:n], dtype=float) for ts in timeseries], axis=0)
    return days, values


def suggest_warmup(
    timeseries: Sequence[dict[str, np.ndarray]],
    *,
    key: str = "open_cases",
    used_days: float | None = None,
    batch: int = BATCH,
) -> dict[str, Any]:
    """Suggested warm-up, days, from replications' weekly series (each with a ``day`` column).

    Returns ``{"method", "series", "suggested_days", "used_days", "at_limit",
    "observations", "replications"}``; ``suggested_days`` is the day of the first kept
    observation (``None`` when there is no series).
    """
    days, values = mean_series(timeseries, key)
    out: dict[str, Any] = {
        "method": f"MSER-{batch}",
        "series": key,
        "suggested_days": None,
        "used_days": used_days,
        "at_limit": True,
        "observations": int(values.size),
        "replications": len(timeseries),
    }
    if values.size == 0:
        return out
    cut = mser(values, batch)
    out["suggested_days"] = float(days[min(cut.deleted, days.size - 1)])
    out["at_limit"] = cut.at_limit
    return out
