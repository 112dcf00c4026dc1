"""Run diagnostics: the warm-up MSER-5 suggests and whether the backlog grows without bound."""

from __future__ import annotations

import math
from typing import Any

from sim.experiment.kpi_catalogue import period_kpi_name
from sim.scenario.periods import resolve_periods
from sim.stats.stability import assess_stability
from sim.stats.summary import t_interval
from sim.stats.warmup import suggest_warmup


def _mean_kpi(result: Any, name: str) -> float:
    """Mean of one KPI across the run's replications (0 when there is none)."""
    return t_interval([r.kpis.get(name, math.nan) for r in result.replications])["mean"] or 0.0


def diagnostics(result: Any) -> dict[str, dict[str, Any]]:
    """Warm-up suggestion and stability verdict for a run (a :class:`sim.runner.RunResult`).

    The stability check gets each period's inflow (cases opened a day in the period) and
    judges the last period (see :mod:`sim.stats.stability`). Returns ``{"warmup": ...,
    "stability": ...}``, meant for ``RunResult.extra``.
    """
    sc = result.scenario
    series = [r.timeseries for r in result.replications if r.timeseries]
    inflow, kpi = 0.0, "cases_opened"
    for kpi in ("cases_opened", "referrals"):  # referrals when triage keeps no cases
        inflow = _mean_kpi(result, kpi) / sc.run.horizon_days
        if inflow > 0:
            break
    periods = {
        name: (a, b, _mean_kpi(result, period_kpi_name(kpi, name)) / (b - a))
        for name, (a, b) in resolve_periods(sc).items()
    }
    stability = assess_stability(
        series,
        warmup_day=sc.run.warmup_days,
        end_day=sc.end_day,
        inflow_per_day=inflow,
        periods=periods,
    )
    return {"warmup": suggest_warmup(series, used_days=sc.run.warmup_days), "stability": stability}
