"""Referral arrivals: one non-homogeneous Poisson stream per category.

The rate of category ``k`` at day ``t`` is::

    referrals_per_year / 365 × (1 + growth)^(t / 365)
        × (1 + amplitude × cos(2π (t − peak) / 365)) × surge multipliers at t

Arrivals are drawn by thinning (Lewis and Shedler) against an exact upper bound of the
rate over the next window of at most 30 days, so the process is exact for any trend,
seasonality or surge. A window's candidates are drawn in one block from the category's
arrival stream (all its gaps, then one uniform a candidate), so an arrival costs no scalar
draw. A measure that changes the category's rate takes effect after the category's next
arrival: the window's later arrivals are dropped and a new window starts then. A measure
that leaves the rate alone leaves the arrivals alone (the same days as without it).
"""

from __future__ import annotations

import math
from itertools import accumulate
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.model.blocks import sample_variate
from sim.model.case import Referral
from sim.scenario.schema import Scenario
from sim.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from sim.model.engine import Model
    from sim.model.triage_desk import Step

WINDOW_DAYS = 30.0
_SPARE_SDS = 6.0
"""Gaps drawn per window beyond the expected candidates, in standard deviations (a window
short of gaps draws another block)."""


class RateParameters(NamedTuple):
    """What a category's referral rate depends on (equal parameters, equal rates)."""

    per_day: float  # referrals per day at day 0
    growth: float  # 1 + the growth rate per year
    amplitude: float  # seasonal amplitude, a share of the rate
    peak_day: float  # the day of the seasonal peak
    surges: tuple[tuple[float, float, float], ...]  # (first day, end day, multiplier)


def rate_parameters(scenario: Scenario, category: str) -> RateParameters:
    """The parameters of ``category``'s referral rate in ``scenario``."""
    cat = scenario.categories[category]
    return RateParameters(
        per_day=cat.referrals_per_year / DAYS_PER_YEAR,
        growth=1.0 + cat.growth_rate_per_year,
        amplitude=cat.seasonality_amplitude_rate,
        peak_day=cat.seasonality_peak_day,
        surges=tuple(
            (s.start_day, s.start_day + s.days, s.multiplier)
            for s in scenario.surges
            if s.category in (None, category)
        ),
    )


def rates(p: RateParameters, days: np.ndarray) -> np.ndarray:
    """The referral rate at each of ``days``, referrals per day."""
    r = p.per_day * p.growth ** (days / DAYS_PER_YEAR)
    if p.amplitude:
        r *= 1.0 + p.amplitude * np.cos(2 * np.pi * (days - p.peak_day) / DAYS_PER_YEAR)
    for start, end, multiplier in p.surges:
        r[(start <= days) & (days < end)] *= multiplier
    return r


def rate_bound(p: RateParameters, start: float, end: float) -> float:
    """An upper bound of the rate over [start, end], referrals per day."""
    growth = max(p.growth ** (end / DAYS_PER_YEAR), p.growth ** (start / DAYS_PER_YEAR))
    bound = p.per_day * growth * (1.0 + p.amplitude)
    for first, stop, multiplier in p.surges:
        if first < end and start < stop and multiplier > 1:
            bound *= multiplier
    return bound


def window_arrivals(
    rng: np.random.Generator, p: RateParameters, start: float, end: float
) -> np.ndarray:
    """The arrival days in [start, end) of a Poisson process of rate :func:`rates`, by
    thinning: candidates at rate :func:`rate_bound`, each kept with chance rate / bound.
    Draws the candidates' gaps (standard exponentials, in blocks), then a uniform for each
    candidate before ``end``."""
    bound = rate_bound(p, start, end)
    span = end - start
    if bound <= 0 or span <= 0:
        return np.empty(0)
    expected = bound * span
    block = int(expected + _SPARE_SDS * math.sqrt(expected)) + 16
    # np.add.accumulate, not np.cumsum (the same sums): each np.cumsum call left a small
    # object behind for good (a 59-byte one, 333 in a 10-year baseline), scattered among
    # the model's objects, so freeing the model gave back 10 MB less memory
    offsets = np.add.accumulate(rng.standard_exponential(block)) / bound
    while offsets[-1] < span:  # rare: more candidates than the block holds
        more = offsets[-1] + np.add.accumulate(rng.standard_exponential(block)) / bound
        offsets = np.concatenate([offsets, more])
    days = start + offsets[: np.searchsorted(offsets, span)]
    days = days[days < end]
    keep = rng.random(days.size) * bound <= rates(p, days)
    return days[keep]


def risk_levels(cumulative: list[float], draws: np.ndarray) -> list[int]:
    """For each uniform of ``draws``, the first level whose cumulative share exceeds it
    (the last if none does: the shares' sum may round below 1). ``cumulative``: the running
    sums of the shares, added in level order."""
    levels = np.searchsorted(np.array(cumulative), draws, side="right")
    return np.minimum(levels, len(cumulative) - 1).tolist()


def arrival_process(model: Model, index: int) -> Step:
    """Referrals of one category until the end of the run: the model's triage desk runs it
    (:class:`~sim.model.triage_desk.TriageDesk`), with the clock at the day of each step;
    it yields the days to wait."""
    env = model.env
    name = model.category_names[index]
    rng = model.streams[f"arrivals:{name}"]
    attrs = model.streams[f"referral:{name}"]  # 3 uniforms a referral, in arrival order
    triage_stream = model.streams.blocks("triage")
    arrives = model.pathway.referral_arrives
    arrived = model.cases.referrals.arrived
    while env._now < model.end_day:
        scenario = model.scenario
        params = rate_parameters(scenario, name)
        start = env._now
        window_end = min(start + WINDOW_DAYS, model.end_day)
        days = window_arrivals(rng, params, start, window_end).tolist()
        attrs_state = attrs.bit_generator.state
        draws = attrs.random((len(days), 3))  # risk level, under-graded?, case?
        risks = risk_levels(_cumulative(scenario, name, model.risk_names), draws[:, 0])
        under_grade, case = draws[:, 1].tolist(), draws[:, 2].tolist()
        for i, day in enumerate(days):
            yield day - env._now
            rate_changed = False
            if model.scenario is not scenario:  # a measure since the last arrival
                scenario = model.scenario
                rate_changed = rate_parameters(scenario, name) != params
                cumulative = _cumulative(scenario, name, model.risk_names)
                risks[i:] = risk_levels(cumulative, draws[i:, 0])
            now = env._now
            arrived(index, now)
            # positional, in Referral's field order: category, true risk, referral day,
            # triage hours, under-grade draw, case draw
            triage_hours = sample_variate(model.settings.triage_hours, triage_stream)
            arrives(Referral(index, risks[i], now, triage_hours, under_grade[i], case[i]))
            if rate_changed:  # the window's later arrivals are dropped, their draws undrawn
                attrs.bit_generator.state = attrs_state
                attrs.random((i + 1, 3))
                break  # and a new window starts today, at the new rate
        else:
            yield max(0.0, window_end - env._now)


def _cumulative(scenario: Scenario, category: str, levels: list[str]) -> list[float]:
    """The running sums of ``category``'s risk mix, added in level order."""
    mix = scenario.categories[category].risk_mix
    return list(accumulate(mix[r] for r in levels))
