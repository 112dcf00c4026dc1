"""Random streams (common random numbers) and summary statistics."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from sim.model.streams import Streams, replication_seed
from sim.stats.summary import half_width, t_interval


def test_same_name_same_numbers_regardless_of_creation_order():
    a = Streams(replication_seed(5, 2))
    b = Streams(replication_seed(5, 2))
    _ = b["other"].random(10)  # creating and using another stream first changes nothing
    assert np.array_equal(a["arrivals:x"].random(5), b["arrivals:x"].random(5))


def test_streams_differ_by_name_replication_and_seed():
    base = Streams(replication_seed(5, 0))["triage"].random(3)
    assert not np.array_equal(base, Streams(replication_seed(5, 0))["work"].random(3))
    assert not np.array_equal(base, Streams(replication_seed(5, 1))["triage"].random(3))
    assert not np.array_equal(base, Streams(replication_seed(6, 0))["triage"].random(3))


def test_replication_seed_matches_spawn():
    ss = np.random.SeedSequence(42).spawn(4)[3]
    assert replication_seed(42, 3).spawn_key == ss.spawn_key


def test_t_interval_by_hand():
    x = [1.0, 2.0, 4.0, 7.0]
    s = t_interval(x)
    mean, sd = np.mean(x), np.std(x, ddof=1)
    half = sps.t.ppf(0.975, 3) * sd / 2
    assert s["mean"] == pytest.approx(mean)
    assert s["std"] == pytest.approx(sd)
    assert s["ci_low"] == pytest.approx(mean - half)
    assert s["ci_high"] == pytest.approx(mean + half)
    assert s["n"] == 4
    assert half_width(s) == pytest.approx(half)


def test_t_interval_edge_cases():
    assert t_interval([]) == {"mean": None, "std": None, "ci_low": None, "ci_high": None, "n": 0}
    one = t_interval([3.0])
    assert one["mean"] == 3.0 and one["std"] is None and one["ci_low"] is None and one["n"] == 1
    flat = t_interval([2.0, 2.0, 2.0])
    assert flat["std"] == 0 and flat["ci_low"] == flat["ci_high"] == 2.0
    with_nan = t_interval([1.0, math.nan, 3.0])
    assert with_nan["n"] == 2 and with_nan["mean"] == 2.0


def _pick_by_scan(shares: list[float], u: float) -> int:
    """How a referral's risk level was picked before the running sums were kept."""
    total = 0.0
    for i, share in enumerate(shares):
        total += share
        if u < total:
            return i
    return len(shares) - 1


def test_risk_levels_are_picked_as_by_a_scan_of_the_shares():
    """Ties on a running sum, zero shares and sums that round below 1 included."""
    from itertools import accumulate

    from sim.model.arrivals import risk_levels

    rng = np.random.default_rng(11)
    mixes = [[0.1] * 10, [0.0, 0.5, 0.0, 0.5], [1 / 3] * 3, [0.7, 0.2, 0.1], [1.0]]
    mixes += [list(rng.dirichlet(np.ones(k))) for k in (2, 3, 5, 8) for _ in range(5)]
    for shares in mixes:
        cumulative = list(accumulate(shares))
        draws = [*cumulative, *(np.nextafter(c, 0.0) for c in cumulative), 0.0]
        draws += [0.9999999999999999, *rng.random(200)]
        picked = risk_levels(cumulative, np.array(draws, dtype=float))
        for u, level in zip(draws, picked, strict=True):
            assert level == _pick_by_scan(shares, float(u)), (shares, u)
