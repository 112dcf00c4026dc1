"""The KPIs a run reports: names, which way is better, descriptions (no computation).

Flow KPIs (volumes, waits, grades, hazards, untrained allocation, vacancies) are also
reported per named period (see :mod:`sim.scenario.periods`) as ``KPI@PERIOD``; end-of-run
stocks (``open_cases_end``), whole-run totals (``harm_events``, ``detective_utilisation``)
and inspection KPIs are not.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.scenario.periods import resolve_periods
from sim.scenario.schema import RULE_NAMES, Scenario


@dataclass(frozen=True)
class KpiSpec:
    name: str
    better: str  # "lower", "higher" or "none"
    description: str


CORE_KPIS: tuple[KpiSpec, ...] = (
    KpiSpec("referrals", "none", "referrals arriving in the measured period"),
    KpiSpec("cases_opened", "none", "referrals triage kept as police cases in the period"),
    KpiSpec("referrals_per_year", "none", "referrals arriving, per year of the measured period"),
    KpiSpec("cases_opened_per_year", "none", "police cases opened, per year of the period"),
    KpiSpec("triage_days_mean", "lower", "referral to triage decision, days"),
    KpiSpec("triage_days_p90", "lower", "referral to triage decision, 90th percentile, days"),
    KpiSpec("allocation_days_mean", "lower", "referral to an investigating officer, days"),
    KpiSpec("allocation_days_p90", "lower", "referral to officer, 90th percentile, days"),
    KpiSpec("allocation_days_p95", "lower", "referral to officer, 95th percentile, days"),
    KpiSpec("allocation_days_max", "lower", "referral to officer, longest, days"),
    KpiSpec("warrant_days_mean", "lower", "warrant needed to granted, days"),
    KpiSpec("warrant_days_p90", "lower", "warrant needed to granted, 90th percentile, days"),
    KpiSpec("warrant_days_p95", "lower", "warrant needed to granted, 95th percentile, days"),
    KpiSpec("warrant_days_max", "lower", "warrant needed to granted, longest, days"),
    KpiSpec(
        "safeguarding_days_mean",
        "lower",
        "referral to first safeguarding action, highest-risk cases, days",
    ),
    KpiSpec("end_to_end_days_mean", "lower", "referral to case closed, days"),
    KpiSpec("end_to_end_days_p90", "lower", "referral to case closed, 90th percentile, days"),
    KpiSpec(
        "substandard_rate", "lower", "share of graded cases requiring improvement or inadequate"
    ),
    KpiSpec("inadequate_rate", "lower", "share of graded cases inadequate"),
    KpiSpec("serious_concern_rate", "lower", "share of graded cases with a serious concern"),
    KpiSpec("evidence_lost_rate", "lower", "share of graded cases where delay lost evidence"),
    KpiSpec("harm_events", "lower", "further harm events while suspects were at large"),
    KpiSpec(
        "untrained_allocation_rate",
        "lower",
        "share of allocated cases given to an untrained officer",
    ),
    KpiSpec("open_cases_end", "lower", "referrals and cases still open at the end"),
    KpiSpec("detective_utilisation", "none", "share of trained detectives' time spent on casework"),
    KpiSpec("detective_vacancy_rate", "lower", "trained posts vacant, time average"),
    KpiSpec(
        "self_assessed_good_rate", "none", "share of graded cases the force's audit grades good"
    ),
    KpiSpec(
        "custody_cells_rate",
        "lower",
        "share of children charged and refused bail held in police cells",
    ),
    KpiSpec("custody_cell_hours_mean", "lower", "hours in cells per child held, hours"),
)

INSPECTION_KPIS: tuple[tuple[str, str, str], ...] = (
    ("substandard_rate", "lower", "share of the inspection sample substandard"),
    ("inadequate_rate", "lower", "share of the inspection sample inadequate"),
    ("serious_concern_rate", "lower", "share of the inspection sample with a serious concern"),
    ("open_rate", "none", "share of the inspection sample still open"),
    *(
        (
            f"high_risk_allocation_days_{q}",
            "lower",
            f"sample's highest-risk cases: referral to officer ({q}, so far if waiting), days",
        )
        for q in ("p90", "p95", "max")
    ),
    *(
        (
            f"warrant_days_{q}",
            "lower",
            f"sample's cases needing a warrant: needed to granted ({q}, so far if waiting), days",
        )
        for q in ("p90", "p95", "max")
    ),
    ("detective_vacancy_rate", "lower", "trained posts vacant on the inspection day"),
    ("dual_force_good_rate", "none", "dual-graded sample: share the force grades good"),
    (
        "dual_force_good_agreed_rate",
        "higher",
        "dual-graded sample: of the force's good, share inspectors grade good",
    ),
    ("dual_force_inadequate_rate", "none", "dual-graded sample: share the force grades inadequate"),
    ("dual_substandard_rate", "lower", "dual-graded sample: share inspectors grade substandard"),
)


NOT_PER_PERIOD = frozenset({"open_cases_end", "harm_events", "detective_utilisation"})


def period_kpi_name(kpi: str, period: str) -> str:
    """The name of ``kpi`` measured over ``period``: ``KPI@PERIOD``."""
    return f"{kpi}@{period}"


def kpi_specs(scenario: Scenario) -> list[KpiSpec]:
    """Every KPI a run of ``scenario`` reports, in report order: the whole measured window's,
    its inspections', then each period's flow KPIs (``KPI@PERIOD``)."""
    flows = flow_specs(scenario)
    specs = [*flows, *_inspection_specs(scenario)]
    for period, (a, b) in resolve_periods(scenario).items():
        for spec in flows:
            if spec.name in NOT_PER_PERIOD:
                continue
            specs.append(
                KpiSpec(
                    period_kpi_name(spec.name, period),
                    spec.better,
                    f"{spec.description}; period {period} (days {a:g} to {b:g})",
                )
            )
    return specs


def flow_specs(scenario: Scenario) -> list[KpiSpec]:
    """The measured window's KPIs other than inspections' (flows, plus a few stocks)."""
    specs = list(CORE_KPIS)
    for risk in scenario.risk_levels:
        for stat in ("mean", "p90", "p95", "max"):
            specs.append(
                KpiSpec(
                    f"allocation_days_{stat}_risk_{risk}",
                    "lower",
                    f"referral to officer, {stat}, {risk}-risk cases, days",
                )
            )
    for cat, spec in scenario.categories.items():
        if spec.warrant_rate > 0:
            for stat in ("mean", "p90", "p95", "max"):
                specs.append(
                    KpiSpec(
                        f"warrant_days_{stat}_category_{cat}",
                        "lower",
                        f"warrant needed to granted, {stat}, {cat}, days",
                    )
                )
    for cat in scenario.categories:
        specs.append(
            KpiSpec(f"referrals_per_year_category_{cat}", "none", f"{cat} referrals per year")
        )
        specs.append(
            KpiSpec(f"cases_opened_per_year_category_{cat}", "none", f"{cat} cases opened per year")
        )
    for rule in RULE_NAMES:
        if rule in scenario.grading.rules:
            specs.append(
                KpiSpec(f"rule_{rule}_rate", "lower", f"share of graded cases breaking {rule}")
            )
    return specs


def _inspection_specs(scenario: Scenario) -> list[KpiSpec]:
    specs = []
    for inspection in scenario.inspections:
        if inspection.day <= scenario.end_day:
            for key, better, text in INSPECTION_KPIS:
                if key.startswith("dual_") and inspection.dual_graded_size == 0:
                    continue
                specs.append(
                    KpiSpec(
                        f"{inspection.name}_{key}",
                        better,
                        f"{text} ({inspection.name}, day {inspection.day:g})",
                    )
                )
    return specs
