"""The model configured as textbook queues, and the checks that compare it with theory.

The case pathway reduces to textbook queues when configured so (see
:func:`textbook_scenario`): Poisson referrals, instantaneous triage (or an M/M/k triage
stage), every referral a case, one officer stage with a caseload cap of 1, officers working
around the clock with no abstraction, no warrants, no workforce changes. Then

* the allocation wait (``allocation_days_*``) is the M/M/c or M/G/1 wait in queue ``Wq``;
* referral to close (``end_to_end_days_mean``) is the sojourn ``W``;
* detectives' utilisation is ``rho``;
* with several risk levels, allocation is non-preemptive priority (Cobham);
* with a triage stage of exponential hours, the pathway is a Jackson tandem.

Each :class:`Check` compares one KPI's mean over replications with the theory value;
:mod:`sim.verify.checks` judges them. The fast subset :func:`fast_checks` is what
``sim verify`` runs; ``tests/validation`` runs the same checks longer, and more of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sim.scenario.schema import Scenario
from sim.scenario.validation import validate
from sim.stats import theory
from sim.units import DAYS_PER_YEAR, HOURS_PER_DAY


def textbook_scenario(
    name: str,
    arrival_rates: Sequence[float],
    service: dict[str, Any],
    servers: int,
    *,
    triage: tuple[int, dict[str, Any]] | None = None,
    case_rate: float = 1.0,
    **run: Any,
) -> Scenario:
    """A scenario that is a textbook queue.

    Parameters
    ----------
    arrival_rates:
        Poisson arrival rate of each priority class, highest first, referrals per day. Each
        class is a risk level (``p0``, ``p1``, ...) of one referral category.
    service:
        The officer's work per case as a scenario distribution in **hours**
        (``{"kind": "exponential", "mean": 24}`` is a mean service of one day, since officers
        work 24 productive hours a day with no abstraction).
    servers:
        Trained officers, each holding one case at a time (caseload cap 1).
    triage:
        A triage stage before allocation: ``(staff, hours per referral as a distribution)``;
        by default triage is instantaneous (one member of staff, ``fixed 0`` hours).
    case_rate:
        Share of triaged referrals that become cases (routing out of the network).
    **run:
        The scenario's ``run:`` section: ``warmup_days`` and ``horizon_days`` (required),
        ``replications`` (default 10), ``seed`` (default 2016), ...
    """
    staff, hours = triage if triage is not None else (1, {"kind": "fixed", "value": 0.0})
    risks = [f"p{i}" for i in range(len(arrival_rates))]
    lam = float(sum(arrival_rates))
    never = {
        "triage_target_hours": 1e9,
        "allocation_target_days": 1e9,
        "safeguarding_target_days": 1e9,
    }
    data = {
        "name": name,
        "description": "textbook queue for validation (sim verify)",
        "run": {"replications": 10, "seed": 2016, **run},
        "risk_levels": {r: never for r in risks},
        "categories": {
            "arrivals": {
                "referrals_per_year": lam * DAYS_PER_YEAR,
                "risk_mix": {r: rate / lam for r, rate in zip(risks, arrival_rates, strict=True)},
                "case_rate": dict.fromkeys(risks, case_rate),
                "warrant_rate": 0.0,
                "safeguarding_hours": {"kind": "fixed", "value": 0.0},
                "investigation_hours": service,
            }
        },
        "triage": {
            "staff": staff,
            "hours": hours,
            "under_grade_rate": 0.0,
            "under_grade_load_rate": 0.0,
        },
        "officers": {
            "trained": {
                "count": servers,
                "caseload_cap": 1,
                "productive_hours_per_day": HOURS_PER_DAY,
                "abstraction_rate": 0.0,
            },
            "untrained": {"count": 0, "caseload_cap": 1, "productive_hours_per_day": 1.0},
        },
        "allocation": {"untrained_after_days": None},
        "hazards": {"evidence_loss_per_day": 0.0, "harm_per_day": 0.0},
        "workforce": {"attrition_per_year": 0.0, "training": {"course_places": 0}},
    }
    return validate(data, source=f"textbook scenario {name}")


def exponential_hours(mean_days: float) -> dict[str, Any]:
    """An exponential distribution of work with the given mean in days, as hours."""
    return {"kind": "exponential", "mean": mean_days * HOURS_PER_DAY}


@dataclass(frozen=True)
class Check:
    """One KPI of one textbook scenario against its theory value."""

    name: str
    queue: str  # the textbook model, e.g. "M/M/3, rho 0.8"
    quantity: str  # what is compared (waits and sojourns in days, utilisation a share)
    scenario: Scenario
    kpi: str
    theory: float


def mmc_checks(
    c: int, rho: float, *, warmup_days: float, horizon_days: float, replications: int = 10
) -> list[Check]:
    """M/M/c with mean service one day: wait in queue, sojourn and utilisation."""
    lam, mu = rho * c, 1.0
    name = f"mm{c}_rho{round(rho * 100):02d}"
    sc = textbook_scenario(
        name,
        [lam],
        exponential_hours(1.0),
        c,
        warmup_days=warmup_days,
        horizon_days=horizon_days,
        replications=replications,
    )
    queue = f"M/M/{c}, rho {rho:g}"
    return [
        Check(
            f"{name}_wait",
            queue,
            "Wq (Erlang C)",
            sc,
            "allocation_days_mean",
            theory.mmc_wq(lam, mu, c),
        ),
        Check(
            f"{name}_sojourn",
            queue,
            "W = Wq + 1/mu",
            sc,
            "end_to_end_days_mean",
            theory.mmc_w(lam, mu, c),
        ),
        Check(f"{name}_utilisation", queue, "utilisation", sc, "detective_utilisation", rho),
    ]


def priority_checks(
    c: int,
    rates: Sequence[float],
    *,
    warmup_days: float,
    horizon_days: float,
    replications: int = 10,
) -> list[Check]:
    """Non-preemptive priority M/M/c, equal service rates (one day): Cobham's waits."""
    rho = sum(rates) / c
    name = f"prio{len(rates)}_mm{c}_rho{round(rho * 100):02d}"
    sc = textbook_scenario(
        name,
        rates,
        exponential_hours(1.0),
        c,
        warmup_days=warmup_days,
        horizon_days=horizon_days,
        replications=replications,
    )
    waits = theory.cobham_wq(rates, 1.0, c)
    queue = f"M/M/{c}, {len(rates)} classes, rho {rho:g}"
    return [
        Check(
            f"{name}_wait_p{k}",
            queue,
            f"Wq class {k}, Cobham",
            sc,
            f"allocation_days_mean_risk_p{k}",
            w,
        )
        for k, w in enumerate(waits)
    ]


def mg1_checks(
    label: str,
    service: dict[str, Any],
    mean_days: float,
    variance_days2: float,
    rho: float,
    *,
    warmup_days: float,
    horizon_days: float,
    replications: int = 10,
) -> list[Check]:
    """M/G/1 with the given work distribution (hours): Pollaczek–Khinchine wait."""
    lam = rho / mean_days
    name = f"m{label}1_rho{round(rho * 100):02d}"
    sc = textbook_scenario(
        name,
        [lam],
        service,
        1,
        warmup_days=warmup_days,
        horizon_days=horizon_days,
        replications=replications,
    )
    wq = theory.pk_wq(lam, mean_days, variance_days2)
    queue = f"M/{label.upper()}/1, rho {rho:g}"
    return [Check(f"{name}_wait", queue, "Wq (P-K)", sc, "allocation_days_mean", wq)]


def md1_checks(rho: float, **kw: Any) -> list[Check]:
    """M/D/1, service exactly one day."""
    return mg1_checks("d", {"kind": "fixed", "value": HOURS_PER_DAY}, 1.0, 0.0, rho, **kw)


def mlognormal1_checks(rho: float, cv: float, **kw: Any) -> list[Check]:
    """M/G/1 with lognormal service of mean one day and coefficient of variation ``cv``."""
    service = {"kind": "lognormal", "mean": HOURS_PER_DAY, "cv": cv}
    return mg1_checks("ln", service, 1.0, cv**2, rho, **kw)


def tandem_checks(
    lam: float,
    triage: tuple[float, int],
    officers: tuple[float, int],
    *,
    case_rate: float = 1.0,
    warmup_days: float,
    horizon_days: float,
    replications: int = 10,
) -> list[Check]:
    """Triage (M/M/k) then officers (M/M/c): a Jackson tandem, with routing out at triage.

    ``triage`` and ``officers`` are ``(mean service days, servers)``. Referrals leave after
    triage with probability ``1 - case_rate``, so the officers see Poisson arrivals at rate
    ``case_rate × lam``.
    """
    (s1, k), (s2, c) = triage, officers
    rho1, rho2 = lam * s1 / k, case_rate * lam * s2 / c
    name = f"tandem_rho{round(rho1 * 100):02d}_{round(rho2 * 100):02d}"
    sc = textbook_scenario(
        name,
        [lam],
        exponential_hours(s2),
        c,
        triage=(k, exponential_hours(s1)),
        case_rate=case_rate,
        warmup_days=warmup_days,
        horizon_days=horizon_days,
        replications=replications,
    )
    w1 = theory.mmc_w(lam, 1.0 / s1, k)
    w2 = theory.mmc_w(case_rate * lam, 1.0 / s2, c)
    queue = f"tandem M/M/{k}, M/M/{c}, rho {rho1:g}/{rho2:g}"
    return [
        Check(f"{name}_stage1", queue, "W triage", sc, "triage_days_mean", w1),
        Check(f"{name}_total", queue, "W1 + W2 (Jackson)", sc, "end_to_end_days_mean", w1 + w2),
    ]


def fast_checks(replications: int = 10) -> list[Check]:
    """The subset ``sim verify`` runs: about a million simulated cases in all."""
    return [
        *mmc_checks(1, 0.5, warmup_days=200, horizon_days=12_000, replications=replications),
        *mmc_checks(3, 0.8, warmup_days=300, horizon_days=6_000, replications=replications),
        *mmc_checks(5, 0.9, warmup_days=400, horizon_days=6_000, replications=replications),
        *priority_checks(
            2, [0.6, 1.0], warmup_days=300, horizon_days=5_000, replications=replications
        ),
        *md1_checks(0.7, warmup_days=200, horizon_days=8_000, replications=replications),
        *mlognormal1_checks(
            0.7, 0.5, warmup_days=200, horizon_days=8_000, replications=replications
        ),
        *tandem_checks(
            2.0,
            (0.8, 2),
            (1.2, 3),
            warmup_days=300,
            horizon_days=4_000,
            replications=replications,
        ),
    ]
