"""Summary statistics across replications: pure functions, no SimPy.

Confidence intervals use Student's t distribution over replications. ``nan`` values (a KPI
with nothing to measure in a replication) are left out and reduce ``n``. With ``n < 2`` the
standard deviation and interval are ``None``; with zero variance the interval is the mean.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def t_interval(values: Sequence[float], level: float = 0.95) -> dict[str, float | int | None]:
    """Mean, sample standard deviation and a ``level`` t-interval of ``values``.

    Returns ``{"mean", "std", "ci_low", "ci_high", "n"}``; ``None`` where undefined.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = int(x.size)
    if n == 0:
        return {"mean": None, "std": None, "ci_low": None, "ci_high": None, "n": 0}
    mean = float(np.mean(x))
    if n < 2:
        return {"mean": mean, "std": None, "ci_low": None, "ci_high": None, "n": 1}
    from scipy import stats as sps  # imported here: scipy.stats costs seconds at CLI start-up

    std = float(np.std(x, ddof=1))
    half = float(sps.t.ppf(0.5 + level / 2, n - 1)) * std / math.sqrt(n) if std > 0 else 0.0
    return {"mean": mean, "std": std, "ci_low": mean - half, "ci_high": mean + half, "n": n}


def half_width(summary: dict[str, float | int | None]) -> float | None:
    """Half the width of a summary's interval, or ``None`` when it has none."""
    lo, hi = summary.get("ci_low"), summary.get("ci_high")
    if lo is None or hi is None:
        return None
    return (hi - lo) / 2


def percentile_band(
    rows: np.ndarray, low: float = 2.5, high: float = 97.5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and percentile band across replications (axis 0) of a (reps × time) array."""
    with np.errstate(all="ignore"):
        return (
            np.nanmean(rows, axis=0),
            np.nanpercentile(rows, low, axis=0),
            np.nanpercentile(rows, high, axis=0),
        )
