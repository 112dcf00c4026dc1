"""Run diagnostics: the warm-up MSER-5 suggests and whether the backlog grows without bound."""

from __future__ import annotations

import math
from typing import Any

from sim.stats.stability import assess_stability
from sim.stats.summary import t_interval
from sim.stats.warmup import suggest_warmup


def diagnostics(result: Any) -> dict[str, dict[str, Any]]:
    """Warm-up suggestion and stability verdict for a run (a :class:`sim.runner.RunResult`).

    Returns ``{"warmup": ..., "stability": ...}``, meant for ``RunResult.extra``.
    """
    sc = result.scenario
    series = [r.timeseries for r in result.replications if r.timeseries]
    inflow = 0.0
    for kpi in ("cases_opened", "referrals"):  # referrals when triage keeps no cases
        counts = t_interval([r.kpis.get(kpi, math.nan) for r in result.replications])
        inflow = (counts["mean"] or 0.0) / sc.run.horizon_days
        if inflow > 0:
            break
    return {
        "warmup": suggest_warmup(series, used_days=sc.run.warmup_days),
        "stability": assess_stability(
            series, warmup_day=sc.run.warmup_days, end_day=sc.end_day, inflow_per_day=inflow
        ),
    }
