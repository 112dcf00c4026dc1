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


def test_growth_per_period_and_the_last_period_judged():
    # a backlog rising 0.5 a day for two years, then falling 0.3 a day after the measures
    days = np.arange(0.0, 1095.0, 7.0)
    level = np.where(days < 730, 0.5 * days, 365 - 0.3 * (days - 730))
    series = [{"day": days, "open_cases": 50 + level + np.sin(days + k)} for k in range(4)]
    periods = {"y1": (0.0, 365.0, 10.0), "y2": (365.0, 730.0, 10.0), "after": (730.0, 1095.0, 8)}
    whole = assess_stability(series, warmup_day=0, end_day=1095, inflow_per_day=10)
    assert whole["unstable"] and whole["judged_period"] is None  # the whole-window fit
    got = assess_stability(series, warmup_day=0, end_day=1095, inflow_per_day=10, periods=periods)
    assert not got["unstable"] and got["judged_period"] == "after"
    assert abs(got["growth_per_day"] + 0.3) < 0.01
    assert abs(got["periods"]["y1"]["growth_per_day"] - 0.5) < 0.01
    assert got["periods"]["y2"]["unstable"] and not got["periods"]["after"]["unstable"]
    assert got["whole_window"]["unstable"]
    assert warning_text(got) is None
    # still rising in the last period: unstable, and the warning names the period
    rising = [{"day": days, "open_cases": 50 + 0.5 * days + np.sin(days + k)} for k in range(4)]
    got = assess_stability(rising, warmup_day=0, end_day=1095, inflow_per_day=10, periods=periods)
    assert got["unstable"] and got["judged_period"] == "after"
    assert "in after" in (warning_text(got) or "")


def test_short_or_inconclusive_last_period_leaves_the_whole_window_verdict():
    days = np.arange(0.0, 1095.0, 7.0)
    # rising 0.3 a day for two years; then replications disagree (slopes 0.6, -0.3, 0.3, 0),
    # so the last year alone is inconclusive while the whole window grows significantly
    noisy = [
        {
            "day": days,
            "open_cases": 50
            + np.where(days < 730, 0.3 * days, 219 + s * (days - 730))
            + np.sin(days + k),
        }
        for k, s in enumerate((0.6, -0.3, 0.3, 0.0))
    ]
    periods = {"y1": (0.0, 730.0, 10.0), "y2": (730.0, 1095.0, 10.0)}
    whole = assess_stability(noisy, warmup_day=0, end_day=1095, inflow_per_day=10)
    last = assess_stability(noisy, warmup_day=730, end_day=1095, inflow_per_day=10)
    assert whole["unstable"] and not last["unstable"]  # the premise of this test
    assert last["growth_ci_high"] >= 0.1  # consistent with material growth
    got = assess_stability(noisy, warmup_day=0, end_day=1095, inflow_per_day=10, periods=periods)
    assert got["unstable"] and got["judged_period"] is None
    # a last period under 91 days is not judged
    short = {"y1": (0.0, 1050.0, 10.0), "end": (1050.0, 1095.0, 10.0)}
    got = assess_stability(noisy, warmup_day=0, end_day=1095, inflow_per_day=10, periods=short)
    assert got["judged_period"] == "y1" and "end" in got["periods"]
