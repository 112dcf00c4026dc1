"""How much work a run is, estimated before its first event, and the limit on it.

A scenario can be valid and still impossible to simulate: ``horizon_days: 1e300``, a surge
multiplying referrals by 1e300, a time-series sampled every 1e-7 days, 1e8 officers. Each
would run for ever with no output. :func:`check_work_size` refuses such a run at once with
one line saying the estimate and the limit; ``allow_large`` (``--allow-large``) runs a big
one deliberately. A run whose estimate is not even finite is always refused.

The estimate is an expectation, not a bound: referrals are the integral of each category's
rate (trend included, seasonality averaging out, surges added) over warm-up plus horizon,
taking the larger of the scenario before its measures and at their full strength.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.errors import InputError
from sim.scenario.measures import at_full_strength
from sim.scenario.schema import Category, Scenario

DAYS_PER_YEAR = 365.0
EVENTS_PER_REFERRAL = 25.0
"""Simulation events per referral, roughly (arrival, triage, allocation, work, waits)."""
EVENTS_PER_OFFICER = 10.0
"""Simulation events per officer in post at day 0 (start, leaving, replacement), roughly."""
MAX_EVENTS = 1e10
"""Most events over all replications a run may have without ``allow_large`` (about 40
replications of ``scenarios/baseline.yaml``, some 2.5 hours on one core)."""
EVENTS_PER_SECOND = 1.1e6
"""Events one core simulates a second, roughly (about 44,000 referrals a second, at 25
events a referral, on ``scenarios/baseline.yaml``: measured on 2026-12-04 at 5.0 ms of one
core per replication-day in the what-if page's quick mode, and 4.1 million referrals in
40 s on 2 cores by ``sim run``; 2.5e5 before the speed work of 2026-12-03); for the time
in messages and the page's first guess only."""
MAX_OBJECTS = 1e6
"""Most officers, starting backlog cases and time-series rows one replication may hold."""


@dataclass(frozen=True)
class WorkSize:
    """Expected work of one run: per replication, and the number of replications."""

    referrals: float  # expected referrals per replication
    events: float  # expected simulation events per replication
    objects: float  # officers + starting backlog cases + time-series rows, per replication
    replications: int

    @property
    def total_events(self) -> float:
        """Expected events over all replications."""
        return self.events * self.replications

    @property
    def finite(self) -> bool:
        return all(math.isfinite(v) for v in (self.referrals, self.events, self.objects))


def _safe(compute) -> float:
    try:
        value = float(compute())
    except (OverflowError, ZeroDivisionError, ValueError):
        return math.inf
    return value if not math.isnan(value) else math.inf


def _category_referrals(name: str, cat: Category, scenario: Scenario, end: float) -> float:
    """Expected referrals of one category over days [0, end]."""
    daily = cat.referrals_per_year / DAYS_PER_YEAR
    r = math.log1p(cat.growth_rate_per_year) / DAYS_PER_YEAR  # growth per day, continuous
    trend = end if abs(r) < 1e-15 else _safe(lambda: math.expm1(r * end) / r)
    total = daily * trend
    for surge in scenario.surges:
        if surge.category not in (None, name):
            continue
        overlap = max(0.0, min(end, surge.start_day + surge.days) - surge.start_day)
        at_start = _safe(lambda s=surge: math.exp(r * min(s.start_day, end)))
        total += daily * at_start * max(0.0, surge.multiplier - 1.0) * overlap
    return total


def _one(scenario: Scenario) -> tuple[float, float, float]:
    """(referrals, events, objects) of one replication of ``scenario`` as it stands."""
    end = scenario.end_day
    referrals = sum(
        _category_referrals(n, c, scenario, end) for n, c in scenario.categories.items()
    )
    officers = scenario.officers.trained.count + scenario.officers.untrained.count
    backlog = sum(b.count for b in scenario.initial_backlog)
    samples = _safe(lambda: end / scenario.run.timeseries_interval_days) + 1
    training = scenario.workforce.training
    intakes = _safe(lambda: end / training.intake_interval_days) if training.course_places else 0
    events = (
        (referrals + backlog) * EVENTS_PER_REFERRAL
        + officers * EVENTS_PER_OFFICER
        + samples
        + intakes * max(1, training.course_places)
    )
    return referrals, events, officers + backlog + samples


def estimate(scenario: Scenario) -> WorkSize:
    """The expected work of running ``scenario`` with its ``run:`` settings."""
    shapes = [_one(scenario)]
    if scenario.measures:
        shapes.append(_one(at_full_strength(scenario, source=f"scenario {scenario.name!r}")))
    referrals, events, objects = (max(values) for values in zip(*shapes, strict=True))
    return WorkSize(referrals, events, objects, scenario.run.replications)


def check_work_size(
    scenario: Scenario, *, allow_large: bool = False, source: str | None = None
) -> WorkSize:
    """:func:`estimate`, refused (:class:`InputError` naming ``source``) if it is not finite,
    or if it is over :data:`MAX_EVENTS` or :data:`MAX_OBJECTS` and ``allow_large`` is false."""
    size = estimate(scenario)
    check_estimate(size, allow_large=allow_large, source=source or f"scenario {scenario.name!r}")
    return size


def combined(sizes: list[WorkSize]) -> WorkSize:
    """The work of running several scenarios (a sweep's points): events add up, referrals
    and objects per replication are the largest."""
    n = sum(s.replications for s in sizes)
    events = sum(s.total_events for s in sizes)
    return WorkSize(
        max((s.referrals for s in sizes), default=0.0),
        events / n if n else 0.0,
        max((s.objects for s in sizes), default=0.0),
        n,
    )


def check_estimate(size: WorkSize, *, allow_large: bool, source: str) -> None:
    """Refuse ``size`` as :func:`check_work_size` says."""
    hours = size.total_events / EVENTS_PER_SECOND / 3600
    what = (
        f"about {size.total_events:.3g} simulation events (~{hours:.3g} hours on one core) "
        f"over {size.replications} replications; per replication {size.referrals:.3g} "
        f"referrals and {size.objects:.3g} officers, backlog cases and time-series rows"
    )
    if not size.finite:
        raise InputError(
            f"work size not finite, cannot be simulated: {what}; check run.horizon_days, "
            "run.timeseries_interval_days, referral rates, growth and surges",
            file=source,
        )
    if allow_large:
        return
    if size.total_events > MAX_EVENTS or size.objects > MAX_OBJECTS:
        raise InputError(
            f"work size over the limit ({MAX_EVENTS:.0e} events, {MAX_OBJECTS:.0e} objects "
            f"per replication): {what}; check the values, or pass --allow-large to run it "
            "anyway",
            file=source,
        )
