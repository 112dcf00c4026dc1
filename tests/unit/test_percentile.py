"""The percentile of a large array without a copy: numpy's number to the bit, less memory."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from sim.stats import percentile as module
from sim.stats.percentile import percentile

QS = (0, 0.1, 37.3, 50, 90, 95, 99.9, 100)


def _arrays(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    waits = rng.exponential(2.0, n)
    return {
        "exponential": waits,
        "heavy tail": rng.lognormal(0.0, 2.0, n),
        "ties": np.round(waits, 1),
        "one value": np.full(n, 3.25),
        "ascending": np.sort(waits),
        "descending": np.sort(waits)[::-1].copy(),
        "negative": -waits,
    }


@pytest.mark.parametrize("n", [65_536, 65_537, 200_003])
def test_large_arrays_give_numpys_number_to_the_bit(n: int) -> None:
    rng = np.random.default_rng(n)
    for name, x in _arrays(rng, n).items():
        before = x.copy()
        for q in QS:
            got, expected = percentile(x, q), float(np.percentile(x, q))
            assert got == expected or (np.isnan(got) and np.isnan(expected)), (name, q)
        assert np.array_equal(x, before), f"{name}: the array was changed"


def test_every_size_and_fraction_with_the_selection_forced(monkeypatch) -> None:
    """Small arrays, so every rounding of the position (below, at and above a half) and
    every size from 1 up go through the selection, not numpy's fallback."""
    monkeypatch.setattr(module, "SMALL", 1)
    monkeypatch.setattr(module, "SAMPLE", 8)
    rng = np.random.default_rng(7)
    for n in range(1, 400):
        x = rng.exponential(1.0, n)
        for q in (*QS, *rng.uniform(0, 100, 5)):
            assert percentile(x, q) == float(np.percentile(x, q)), (n, q)


def test_a_sample_that_misses_the_low_values_falls_back(monkeypatch) -> None:
    """The strided sample sees only large values, so its bound is too high to hold the
    order statistics: the answer must still be numpy's."""
    calls = []
    real = np.percentile

    def counted(x, q, *args, **kwargs):
        calls.append(x.size)
        return real(x, q, *args, **kwargs)

    n = 100_000
    x = np.zeros(n)
    x[:: n // module.SAMPLE] = 1e6  # every sampled value is large
    monkeypatch.setattr(module.np, "percentile", counted)
    assert percentile(x, 90) == float(real(x, 90))
    assert n in calls, "the fallback over the whole array was not taken"


def test_non_finite_values_and_empty() -> None:
    rng = np.random.default_rng(3)
    x = rng.exponential(1.0, 100_000)
    x[5] = np.nan
    assert np.isnan(percentile(x, 90))
    x[5] = np.inf
    assert percentile(x, 99.999) == float(np.percentile(x, 99.999))
    assert np.isnan(percentile(np.empty(0), 90))


def test_it_allocates_far_less_than_a_copy() -> None:
    x = np.random.default_rng(1).exponential(2.0, 1_000_000)
    tracemalloc.start()
    try:
        percentile(x, 90)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 0.4 * x.nbytes, f"peak {peak / 1e6:.1f} MB for {x.nbytes / 1e6:.1f} MB"
