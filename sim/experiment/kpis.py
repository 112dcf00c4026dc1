"""Key performance indicators of one replication, computed from its records.

Pure functions over the records a replication emits (no SimPy). Durations are in days.
Each KPI is measured over the measured period [warm-up, end]: a wait counts when it ends
inside the period, a graded outcome when the case closes inside it. A KPI with nothing to
measure (no warrants in the period, say) is ``nan`` and is left out of the summary's ``n``.
"""

from __future__ import annotations

import math

import numpy as np

from sim.experiment.kpi_catalogue import (
    CORE_KPIS,
    INSPECTION_KPIS,
    KpiSpec,
    kpi_specs,
    period_kpi_name,
)
from sim.model.enums import HIGHEST_RISK
from sim.model.records import ReplicationRecords
from sim.scenario.periods import resolve_periods
from sim.scenario.schema import RULE_NAMES, Scenario
from sim.stats.percentile import percentile
from sim.units import DAYS_PER_YEAR

__all__ = [
    "CORE_KPIS",
    "INSPECTION_KPIS",
    "KpiSpec",
    "case_table",
    "compute_kpis",
    "kpi_specs",
]


def _mean(x: np.ndarray) -> float:
    return float(np.mean(x)) if x.size else math.nan


def _max(x: np.ndarray) -> float:
    return float(np.max(x)) if x.size else math.nan


def _stats(prefix: str, x: np.ndarray, suffix: str = "") -> dict[str, float]:
    return {
        f"{prefix}_mean{suffix}": _mean(x),
        f"{prefix}_p90{suffix}": percentile(x, 90),
        f"{prefix}_p95{suffix}": percentile(x, 95),
        f"{prefix}_max{suffix}": _max(x),
    }


def case_table(records: ReplicationRecords) -> dict[str, np.ndarray]:
    """Police cases as columns (one row per case, in the order they were opened)."""
    return records.case_table


class _Window:
    """A span of days [lo, hi] (or [lo, hi) when ``closed`` is false) of one replication."""

    def __init__(self, lo: float, hi: float, closed: bool = True) -> None:
        self.lo, self.hi, self.closed = lo, hi, closed
        self.years = (self.hi - self.lo) / DAYS_PER_YEAR

    def inside(self, days: np.ndarray) -> np.ndarray:
        """Which of ``days`` fall in the span (``nan``, not yet happened, never does)."""
        below = (days <= self.hi) if self.closed else (days < self.hi)
        return (days >= self.lo) & below


def _referral_kpis(records: ReplicationRecords, w: _Window) -> dict[str, float]:
    """Volumes and triage waits, from the referral counts."""
    ref = records.referrals.window(w.lo, w.hi, w.closed)
    out = {
        "referrals": float(ref.arrived.sum()),
        "cases_opened": float(ref.opened.sum()),
    }
    out["referrals_per_year"] = out["referrals"] / w.years
    out["cases_opened_per_year"] = out["cases_opened"] / w.years
    for i, cat in enumerate(records.scenario.categories):
        out[f"referrals_per_year_category_{cat}"] = int(ref.arrived[i]) / w.years
        out[f"cases_opened_per_year_category_{cat}"] = int(ref.opened[i]) / w.years
    out["triage_days_mean"] = _mean(ref.waits)
    out["triage_days_p90"] = percentile(ref.waits, 90)  # not copied: shared by every window
    return out


def _wait_kpis(t: dict[str, np.ndarray], sc: Scenario, w: _Window) -> dict[str, float]:
    """Allocation, warrant, safeguarding and end-to-end waits of cases, days."""
    out: dict[str, float] = {}
    allocated = w.inside(t["allocated_day"])
    alloc_days = t["allocated_day"] - t["referral_day"]
    out.update(_stats("allocation_days", alloc_days[allocated]))
    for i, risk in enumerate(sc.risk_levels):
        sel = allocated & (t["true_risk"] == i)
        out.update(_stats("allocation_days", alloc_days[sel], f"_risk_{risk}"))
    granted = w.inside(t["warrant_granted_day"])
    warrant_days = t["warrant_granted_day"] - t["warrant_needed_day"]
    out.update(_stats("warrant_days", warrant_days[granted]))
    for i, (cat, spec) in enumerate(sc.categories.items()):
        if spec.warrant_rate > 0:
            sel = granted & (t["category"] == i)
            out.update(_stats("warrant_days", warrant_days[sel], f"_category_{cat}"))
    safeguarded = w.inside(t["safeguarding_day"]) & (t["true_risk"] == HIGHEST_RISK)
    out["safeguarding_days_mean"] = _mean((t["safeguarding_day"] - t["referral_day"])[safeguarded])
    closed = w.inside(t["closed_day"])
    e2e = (t["closed_day"] - t["referral_day"])[closed]
    out["end_to_end_days_mean"] = _mean(e2e)
    out["end_to_end_days_p90"] = percentile(e2e, 90)
    out["untrained_allocation_rate"] = _mean(t["untrained_officer"][allocated])
    return out


def _outcome_kpis(t: dict[str, np.ndarray], sc: Scenario, w: _Window) -> dict[str, float]:
    """Grades, hazards, the force's audit and custody, over cases closed in the period."""
    closed = w.inside(t["closed_day"])
    grades = t["grade"][closed]
    out = {
        "substandard_rate": _mean(grades != "good"),
        "inadequate_rate": _mean(grades == "inadequate"),
        "serious_concern_rate": _mean(t["serious_concern"][closed]),
        "evidence_lost_rate": _mean(t["evidence_lost"][closed]),
        "self_assessed_good_rate": _mean(t["force_grade"][closed] == "good"),
    }
    custody = w.inside(t["referral_day"]) & t["custody_refused_bail"]
    out["custody_cells_rate"] = _mean(t["custody_in_cells"][custody])
    out["custody_cell_hours_mean"] = _mean(t["custody_cell_hours"][custody & t["custody_in_cells"]])
    # each distinct combination of broken rules is split once, not once per case
    combos, which = np.unique(t["rules_broken"][closed], return_inverse=True)
    split = [set(c.split(";")) for c in combos]
    for rule in RULE_NAMES:
        if rule in sc.grading.rules:
            broke = np.array([rule in c for c in split], dtype=bool)[which.reshape(-1)]
            out[f"rule_{rule}_rate"] = _mean(broke)
    return out


def _inspection_kpis(records: ReplicationRecords) -> dict[str, float]:
    sc = records.scenario
    out: dict[str, float] = {}
    for inspection in sc.inspections:
        if inspection.day > sc.end_day:
            continue
        result = records.inspections.get(inspection.name, {})
        for key, _, _ in INSPECTION_KPIS:
            if key.startswith("dual_") and inspection.dual_graded_size == 0:
                continue
            out[f"{inspection.name}_{key}"] = float(result.get(key, math.nan))
    return out


def _vacancy_rate(ts: dict[str, np.ndarray], w: _Window) -> float:
    """Time average of the trained vacancy rate over the weekly samples in ``w``."""
    in_window = w.inside(ts["day"]) if "day" in ts else np.zeros(0, bool)
    return _mean(ts["trained_vacancy_rate"][in_window]) if in_window.size else math.nan


def _flow_kpis(records: ReplicationRecords, t: dict[str, np.ndarray], w: _Window) -> dict:
    """The KPIs counted by the day of their event inside ``w`` (see :func:`compute_kpis`)."""
    sc = records.scenario
    return {
        **_referral_kpis(records, w),
        **_wait_kpis(t, sc, w),
        **_outcome_kpis(t, sc, w),
        "detective_vacancy_rate": _vacancy_rate(records.timeseries, w),
    }


def _period_kpis(records: ReplicationRecords, t: dict[str, np.ndarray]) -> dict[str, float]:
    """Each period's flow KPIs, as ``KPI@PERIOD``.

    A period [start, end) counts events on days start <= day < end; the last one, when it
    ends with the run, also counts events on its last day, like the measured window.
    """
    out: dict[str, float] = {}
    for period, (a, b) in resolve_periods(records.scenario).items():
        w = _Window(a, b, closed=b >= records.end_day)
        for name, value in _flow_kpis(records, t, w).items():
            out[period_kpi_name(name, period)] = value
    return out


def compute_kpis(records: ReplicationRecords) -> dict[str, float]:
    """All KPIs of one replication, by name (see :func:`kpi_specs`).

    Flow KPIs count an event by its day: a referral by its arrival (volumes) or triage
    decision (cases opened, triage waits), a wait by the day it ended (allocation, warrant
    granted, first safeguarding action, closure), grades, hazards and rules by the case's
    closure day, custody by the referral day, untrained allocation by the allocation day.
    """
    sc = records.scenario
    w = _Window(records.warmup_day, records.end_day)
    t = case_table(records)
    out = {**_flow_kpis(records, t, w), **_inspection_kpis(records)}
    out["harm_events"] = float(records.harm_events)
    open_cases = np.count_nonzero(np.isnan(t["closed_day"]))
    out["open_cases_end"] = float(open_cases + records.referrals.untriaged)
    avail = records.trained_available_days
    out["detective_utilisation"] = records.trained_busy_days / avail if avail > 0 else math.nan
    out.update(_period_kpis(records, t))
    return {spec.name: out.get(spec.name, math.nan) for spec in kpi_specs(sc)}
