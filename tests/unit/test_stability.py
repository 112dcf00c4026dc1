"""Unstable scenarios: a backlog growing without bound is detected, with its growth rate."""

from __future__ import annotations

import numpy as np

import sim
from sim.stats.stability import assess_stability, slope_per_day, warning_text
from sim.verify import exponential_hours, textbook_scenario


def queue(lam: float, servers: int, days: float = 500.0) -> sim.Scenario:
    return textbook_scenario(
        f"q{lam:g}", [lam], exponential_hours(1.0), servers, warmup_days=50, horizon_days=days
    )


def test_overloaded_queue_is_unstable_with_its_growth_rate():
    # rho = 1.3: the backlog grows at lam - c mu = 0.6 cases a day
    result = sim.run(queue(2.6, 2, days=2000.0), replications=10, seed=3, workers=2)
    stab = result.extra["stability"]
    assert stab["unstable"] and stab["tested"]
    # the slope of a random walk with drift is noisy: one replication of 2000 days has a
    # standard deviation of about sqrt(6 (lam + c mu) / (5 T)) = 0.05 a day
    assert abs(stab["growth_per_day"] - 0.6) < 0.08
    assert stab["growth_ci_low"] > 0.4
    assert abs(stab["relative_growth"] - 0.6 / 2.6) < 0.05
    text = warning_text(stab)
    assert text is not None and "unstable" in text and "a day" in text


def test_stable_queue_is_not_flagged():
    result = sim.run(queue(1.4, 2), replications=5, seed=3, workers=2)
    stab = result.extra["stability"]
    assert not stab["unstable"]
    assert abs(stab["growth_per_day"]) < 0.01
    assert warning_text(stab) is None


def test_slightly_overloaded_queue_is_flagged():
    # rho = 1.05: growth 0.1 a day, 5% of the 2.1 cases a day
    result = sim.run(queue(2.1, 2, days=2000.0), replications=5, seed=3, workers=2)
    assert result.extra["stability"]["unstable"]


def test_rule_on_synthetic_series():
    days = np.arange(0.0, 700.0, 7.0)
    flat = [{"day": days, "open_cases": 50 + np.sin(days + k)} for k in range(4)]
    rising = [{"day": days, "open_cases": 50 + 0.5 * days + np.sin(days + k)} for k in range(4)]
    assert not assess_stability(flat, warmup_day=0, end_day=700, inflow_per_day=10)["unstable"]
    got = assess_stability(rising, warmup_day=0, end_day=700, inflow_per_day=10)
    assert got["unstable"] and abs(got["growth_per_day"] - 0.5) < 0.01
    # growth below 1% of the inflow is not material
    small = assess_stability(rising, warmup_day=0, end_day=700, inflow_per_day=100)
    assert not small["unstable"]
    # one replication: no test across replications, the size of the growth decides
    one = assess_stability(rising[:1], warmup_day=0, end_day=700, inflow_per_day=10)
    assert one["unstable"] and not one["tested"]
    assert slope_per_day(np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0])) == 2.0
