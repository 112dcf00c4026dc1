"""MSER-5 warm-up detection on synthetic series with known transients."""

from __future__ import annotations

import numpy as np
import pytest

from sim.stats.warmup import mean_series, mser, suggest_warmup


def test_deletes_an_initial_transient_and_little_more():
    rng = np.random.default_rng(1)
    t = np.arange(600)
    series = 40.0 * np.exp(-t / 25.0) + rng.normal(0.0, 1.0, t.size)
    cut = mser(series)
    # the bias falls below the noise level (1) after about 25 ln 40 ≈ 92 observations
    assert 40 <= cut.deleted <= 200
    assert cut.deleted % 5 == 0
    assert not cut.at_limit


def test_a_stationary_series_keeps_almost_everything():
    rng = np.random.default_rng(2)
    cut = mser(rng.normal(10.0, 2.0, 500))
    assert cut.deleted <= 50
    assert not cut.at_limit


def test_a_growing_series_never_settles():
    rng = np.random.default_rng(3)
    series = 0.5 * np.arange(400) + rng.normal(0.0, 1.0, 400)
    cut = mser(series)
    assert cut.at_limit
    assert cut.deleted == (400 // 5 // 2) * 5


def test_short_or_bad_series():
    assert mser([1.0, 2.0, 3.0]).at_limit
    assert mser([1.0, 2.0, 3.0]).deleted == 0
    with pytest.raises(ValueError):
        mser([1.0, float("nan")] * 10)
    with pytest.raises(ValueError):
        mser([1.0] * 10, batch=0)


def test_suggestion_in_days_from_replications_series():
    days = np.arange(0.0, 7.0 * 300, 7.0)
    rng = np.random.default_rng(4)
    reps = [
        {"day": days, "open_cases": 100 * (1 - np.exp(-days / 150)) + rng.normal(0, 2, days.size)}
        for _ in range(3)
    ]
    got = suggest_warmup(reps, used_days=365.0)
    assert got["method"] == "MSER-5" and got["series"] == "open_cases"
    assert got["used_days"] == 365.0 and got["replications"] == 3
    d, mean = mean_series(reps, "open_cases")
    cut = mser(mean)
    assert got["suggested_days"] == d[cut.deleted]
    # the mean reaches within 2 (the noise) of its level after about 150 ln 50 ≈ 590 days
    assert 300 <= got["suggested_days"] <= 1000
    assert not got["at_limit"]


def test_no_series():
    got = suggest_warmup([], used_days=10.0)
    assert got["suggested_days"] is None and got["at_limit"]
