"""Detectives' busy time is summed exactly, so the order sessions end in cannot change it."""

from __future__ import annotations

import math

import numpy as np

from sim.model.exact_sum import ExactSum


def _summed(values) -> float:
    total = ExactSum()
    for v in values:
        total.add(float(v))
    return total.value


def test_any_order_gives_the_same_float_and_it_is_fsum():
    rng = np.random.default_rng(7)
    values = rng.lognormal(-2.0, 1.5, 5_000)  # session lengths in days, many magnitudes
    expected = math.fsum(values)
    assert _summed(values) == expected
    for _ in range(5):
        assert _summed(rng.permutation(values)) == expected
    naive = [sum(rng.permutation(values).tolist()) for _ in range(5)]
    assert len(set(naive)) > 1, "a plain sum would depend on the order (the case guarded)"


def test_cancellation_and_empty():
    assert ExactSum().value == 0.0
    assert _summed([1e16, 1.0, -1e16]) == 1.0  # a plain sum gives 0.0
    assert _summed([0.1] * 10) == 1.0  # a plain sum gives 0.9999999999999999
