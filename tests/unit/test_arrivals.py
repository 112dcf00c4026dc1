"""Referral arrivals: the thinned windows follow the rate, and measures touch them only
where they change the rate (common random numbers between scenarios)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from scipy import integrate, stats

from sim.model import Model, Streams, arrivals, replication_seed
from sim.model.arrivals import WINDOW_DAYS, RateParameters, rate_bound, rates, window_arrivals
from sim.model.pathway import Pathway
from sim.scenario.loader import validate

pytestmark = pytest.mark.source_model  # patches or subclasses the model's internals

SMALL = Path(__file__).parents[1] / "data" / "small.yaml"

# growth, a seasonal swing of ±60% peaking on day 40, and a surge that triples the rate
PARAMS = RateParameters(
    per_day=20.0, growth=1.2, amplitude=0.6, peak_day=40.0, surges=((200.0, 230.0, 3.0),)
)
YEARS = 2
BIN_DAYS = 10.0


def _arrivals(params: RateParameters, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    end, start, parts = 365.0 * YEARS, 0.0, []
    while start < end:
        stop = min(start + WINDOW_DAYS, end)
        parts.append(window_arrivals(rng, params, start, stop))
        start = stop
    return np.concatenate(parts)


def _rate(params: RateParameters, day: float) -> float:
    """The rate written out from its definition, referrals per day (not the model's code)."""
    r = params.per_day * params.growth ** (day / 365.0)
    r *= 1.0 + params.amplitude * math.cos(2.0 * math.pi * (day - params.peak_day) / 365.0)
    return r * math.prod(m for start, end, m in params.surges if start <= day < end)


def _expected_per_bin(params: RateParameters, edges: np.ndarray) -> np.ndarray:
    points = [s for surge in params.surges for s in surge[:2]]
    return np.array(
        [integrate.quad(lambda d: _rate(params, d), a, b,
                        points=[p for p in points if a < p < b] or None)[0]
         for a, b in zip(edges[:-1], edges[1:], strict=True)]
    )  # fmt: skip


def _chi_square_p(counts: np.ndarray, expected: np.ndarray) -> float:
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    return float(stats.chi2.sf(chi2, counts.size))


def test_window_arrivals_follow_the_rate_bin_by_bin():
    days = _arrivals(PARAMS, seed=3)
    assert np.all(np.diff(days) > 0) and days[0] >= 0 and days[-1] < 365.0 * YEARS
    edges = np.arange(0.0, 365.0 * YEARS + BIN_DAYS / 2, BIN_DAYS)
    counts = np.histogram(days, edges)[0]
    expected = _expected_per_bin(PARAMS, edges)
    assert _chi_square_p(counts, expected) > 1e-3
    # the test has the power to see a seasonal peak on the wrong day or a missed surge
    wrong_peak = PARAMS._replace(peak_day=-40.0)
    assert _chi_square_p(counts, _expected_per_bin(wrong_peak, edges)) < 1e-9
    no_surge = PARAMS._replace(surges=())
    assert _chi_square_p(counts, _expected_per_bin(no_surge, edges)) < 1e-9


def test_rate_bound_bounds_the_rate_over_its_window():
    for start in np.arange(0.0, 365.0 * YEARS, 7.0):
        days = np.linspace(start, start + WINDOW_DAYS, 301)
        assert rates(PARAMS, days).max() <= rate_bound(PARAMS, start, start + WINDOW_DAYS)
    shrinking = PARAMS._replace(growth=0.5)
    days = np.linspace(100.0, 130.0, 301)
    assert rates(shrinking, days).max() <= rate_bound(shrinking, 100.0, 130.0)


def test_window_with_more_candidates_than_its_first_block_still_fills_it(monkeypatch):
    """Blocks of gaps made short on purpose: a window needs several of them."""
    monkeypatch.setattr(arrivals, "_SPARE_SDS", -4.0)  # 24 gaps a block, 30 candidates due
    params = RateParameters(per_day=0.01, growth=1.0, amplitude=0.0, peak_day=0.0, surges=())
    rng = np.random.default_rng(5)
    counts = [window_arrivals(rng, params, 0.0, 3000.0).size for _ in range(400)]
    assert abs(np.mean(counts) - 30.0) < 4 * np.sqrt(30.0 / 400)


# arrivals in the model, with and without a measure --------------------------------------
def _small(measures: list[dict[str, Any]]):
    data = yaml.safe_load(SMALL.read_text())
    data["measures"] = measures
    return validate(data, source="test")


def _referrals(monkeypatch, measures: list[dict[str, Any]]) -> list[tuple]:
    """Every referral of one replication of the small force: (category, day, risk level,
    under-grading draw, case draw), in arrival order."""
    seen: list[tuple] = []
    original = Pathway.referral_arrives

    def spy(self, referral):
        r = referral
        seen.append((r.category, r.referral_day, r.true_risk, r.under_grade_draw, r.case_draw))
        original(self, referral)

    with monkeypatch.context() as patch:
        patch.setattr(Pathway, "referral_arrives", spy)
        Model(_small(measures), Streams(replication_seed(11, 0))).finish()
    return seen


MEASURE_DAY = 100.0


def test_a_measure_that_leaves_the_rate_alone_leaves_the_arrivals_alone(monkeypatch):
    without = _referrals(monkeypatch, [])
    staff = [{"name": "staff", "day": MEASURE_DAY, "set": {"triage.staff": 4}}]
    assert _referrals(monkeypatch, staff) == without


@pytest.mark.parametrize("mix_too", [False, True], ids=["rate", "rate-and-risk-mix"])
def test_a_measure_on_the_rate_redraws_the_days_and_keeps_each_referrals_draws(
    monkeypatch, mix_too
):
    without = _referrals(monkeypatch, [])
    changes: dict[str, Any] = {"categories.family.referrals_per_year": 6000}
    if mix_too:
        mix = {"high": 0.6, "medium": 0.3, "low": 0.1}
        changes |= {f"categories.family.risk_mix.{level}": v for level, v in mix.items()}
    doubled = _referrals(monkeypatch, [{"name": "more", "day": MEASURE_DAY, "set": changes}])

    def family(rows, lo, hi):
        return [r for r in rows if r[0] == 1 and lo <= r[1] < hi]

    # the same days up to the measure (and one arrival after it, drawn before it)
    before = family(without, 0.0, MEASURE_DAY)
    assert family(doubled, 0.0, MEASURE_DAY) == before
    # then twice the rate: 3000 → 6000 a year over the rest of the run
    end = 360.0
    after_days = end - MEASURE_DAY
    n_without, n_doubled = (
        len(family(without, MEASURE_DAY, end)),
        len(family(doubled, MEASURE_DAY, end)),
    )
    expected = 6000 / 365 * after_days
    assert abs(n_doubled - expected) < 4 * np.sqrt(expected), (n_doubled, expected)
    assert abs(n_without - expected / 2) < 4 * np.sqrt(expected / 2), (n_without, expected / 2)
    # the k-th family referral keeps its uniforms (those of dropped arrivals are undrawn)
    k = min(len(family(without, 0, end)), len(family(doubled, 0, end)))
    draws_without = [r[3:] for r in family(without, 0, end)[:k]]
    assert [r[3:] for r in family(doubled, 0, end)[:k]] == draws_without
    # and its risk level follows the mix in force when it arrives
    levels = np.array([r[2] for r in family(doubled, MEASURE_DAY + 1, end)])
    high_share = float(np.mean(levels == 0))
    assert abs(high_share - (0.6 if mix_too else 0.1)) < 0.03, high_share
    # the other category's arrivals are untouched
    assert [r for r in doubled if r[0] == 0] == [r for r in without if r[0] == 0]


def test_a_measure_on_the_risk_mix_alone_keeps_the_days_and_applies_from_the_next_arrival(
    monkeypatch,
):
    without = _referrals(monkeypatch, [])
    mix = {"high": 0.6, "medium": 0.3, "low": 0.1}
    changes = {f"categories.family.risk_mix.{level}": v for level, v in mix.items()}
    mixed = _referrals(monkeypatch, [{"name": "mix", "day": MEASURE_DAY, "set": changes}])
    assert [r[:2] + r[3:] for r in mixed] == [r[:2] + r[3:] for r in without]
    # inside the window the measure fell in (windows of 30 days from day 0: 90 to 120)
    levels = np.array([r[2] for r in mixed if r[0] == 1 and MEASURE_DAY < r[1] < 120.0])
    assert levels.size > 100 and abs(float(np.mean(levels == 0)) - 0.6) < 0.12


def test_drawing_windows_leaves_no_object_behind():
    """An object kept by each window (np.cumsum kept one) would sit among the model's
    objects and keep their memory from the system once the model is freed."""
    import gc
    import tracemalloc

    rng = np.random.default_rng(3)
    window_arrivals(rng, PARAMS, 0.0, WINDOW_DAYS)  # first use: numpy's own caches
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(1, 201):
            window_arrivals(rng, PARAMS, WINDOW_DAYS * i, WINDOW_DAYS * (i + 1))
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 200, f"200 windows kept {kept} bytes"
