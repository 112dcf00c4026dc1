"""Referral arrivals: one non-homogeneous Poisson stream per category.

The rate of category ``k`` at day ``t`` is::

    referrals_per_year / 365 × (1 + growth)^(t / 365)
        × (1 + amplitude × cos(2π (t − peak) / 365)) × surge multipliers at t

Arrivals are drawn by thinning (Lewis and Shedler) against an exact upper bound of the
rate over the next window, so the process is exact for any trend, seasonality or surge.
A measure that changes the category's parameters takes effect from the next candidate.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate
from typing import TYPE_CHECKING

from sim.model.blocks import sample
from sim.model.case import Referral
from sim.scenario.schema import Scenario
from sim.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from sim.model.engine import Model
    from sim.model.triage_desk import Step

WINDOW_DAYS = 30.0


def rate_per_day(scenario: Scenario, category: str, day: float) -> float:
    """Referral rate of ``category`` at ``day``, referrals per day."""
    return rate_function(scenario, category)(day)


def rate_function(scenario: Scenario, category: str) -> Callable[[float], float]:
    """:func:`rate_per_day` of one scenario and category as a function of the day, with the
    parameters looked up once (the same arithmetic, so the same bits)."""
    cat = scenario.categories[category]
    base = cat.referrals_per_year / DAYS_PER_YEAR
    growth = 1.0 + cat.growth_rate_per_year
    amplitude, peak = cat.seasonality_amplitude_rate, cat.seasonality_peak_day
    surges = [
        (s.start_day, s.start_day + s.days, s.multiplier)
        for s in scenario.surges
        if s.category in (None, category)
    ]

    def rate(day: float) -> float:
        r = base * growth ** (day / DAYS_PER_YEAR)
        if amplitude:
            r *= 1.0 + amplitude * math.cos(2 * math.pi * (day - peak) / DAYS_PER_YEAR)
        for start, end, multiplier in surges:
            if start <= day < end:
                r *= multiplier
        return r

    return rate


def rate_bound(scenario: Scenario, category: str, start: float, end: float) -> float:
    """An upper bound of :func:`rate_per_day` over [start, end]."""
    cat = scenario.categories[category]
    growth = (1.0 + cat.growth_rate_per_year) ** (max(start, end) / DAYS_PER_YEAR)
    growth = max(growth, (1.0 + cat.growth_rate_per_year) ** (start / DAYS_PER_YEAR))
    bound = cat.referrals_per_year / DAYS_PER_YEAR * growth * (1.0 + cat.seasonality_amplitude_rate)
    for surge in scenario.surges:
        overlaps = surge.start_day < end and start < surge.start_day + surge.days
        if surge.category in (None, category) and overlaps and surge.multiplier > 1:
            bound *= surge.multiplier
    return bound


def arrival_process(model: Model, index: int) -> Step:
    """Referrals of one category until the end of the run: the model's triage desk runs it
    (:class:`~sim.model.triage_desk.TriageDesk`), with the clock at the day of each step;
    it yields the days to wait."""
    env = model.env
    name = model.category_names[index]
    rng = model.streams[f"arrivals:{name}"]
    attrs = model.streams.uniforms(f"referral:{name}")
    triage_stream = model.streams.blocks("triage")
    risk_levels = model.risk_names
    while env.now < model.end_day:
        scenario = model.scenario
        start = env.now
        window_end = min(start + WINDOW_DAYS, model.end_day)
        bound = rate_bound(scenario, name, start, window_end)
        if bound <= 0:
            yield window_end - start
            continue
        cat = scenario.categories[name]
        cumulative = list(accumulate(cat.risk_mix[r] for r in risk_levels))
        rate = rate_function(scenario, name)
        hours = scenario.triage.hours
        arrives = model.pathway.referral_arrives
        arrived = model.cases.referrals.arrived
        t = start
        while True:
            t += rng.exponential(1.0 / bound)
            if t >= window_end or model.scenario is not scenario:
                break
            if rng.random() * bound > rate(t):
                continue
            yield t - env.now
            u = attrs.take(3)
            risk, now = _pick(cumulative, u[0]), env.now
            arrived(index, now)
            arrives(
                Referral(
                    category=index,
                    true_risk=risk,
                    referral_day=now,
                    triage_hours=sample(hours, triage_stream),
                    under_grade_draw=u[1],
                    case_draw=u[2],
                )
            )
        if model.scenario is scenario:
            yield max(0.0, window_end - env.now)
        # else: a measure changed the parameters; the candidate drawn under the old bound is
        # dropped and a new window starts at the last arrival (see the module docstring)


def _pick(cumulative: list[float], u: float) -> int:
    """The first level whose cumulative share exceeds ``u`` (the last if none does: the
    shares' sum may round below 1). ``cumulative``: the running sums of the shares, added in
    level order."""
    return min(bisect_right(cumulative, u), len(cumulative) - 1)
