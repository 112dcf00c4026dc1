"""The allocation queue's keys, compared as bytes, order cases as (risk, day, order) would."""

from __future__ import annotations

import heapq

import numpy as np

from sim.model.case import Case
from sim.model.queue_order import KEY_SIZE, QueueEntry, write_key


def _key(day: float, risk: int = 0, order: int = 0) -> bytes:
    entry = bytearray(KEY_SIZE)
    write_key(entry, risk, day, order)
    return bytes(entry)


def test_keys_order_days_as_numbers():
    rng = np.random.default_rng(11)
    days = [-1e6, -365.25, -1.0, -5e-324, -0.0, 0.0, 5e-324, 1e-9, 0.5, 1.0, 400.0, 1e9]
    days += (rng.standard_normal(2000) * 10.0 ** rng.integers(-3, 5, 2000)).tolist()
    assert sorted(days, key=_key) == sorted(days)
    assert _key(-0.0) == _key(0.0), "equal days, equal keys (the order number decides)"
    assert _key(-1.0) < _key(0.0) < _key(5e-324) and _key(-2.0) < _key(-1.0)


def test_entries_come_off_a_heap_in_the_order_of_their_tuples():
    rng = np.random.default_rng(12)
    risks = rng.integers(0, 4, 3000).tolist()
    days = rng.choice([-30.0, -0.0, 0.0, 1.5, 2.25, 7.0], 3000).tolist()  # many ties
    days[::7] = (rng.random(len(days[::7])) * 100).tolist()
    tuples, heap = [], []
    for order, (risk, day) in enumerate(zip(risks, days, strict=True)):
        case = Case(order, 0, 0, day, risk, day)
        tuples.append((risk, day, order))
        entry = QueueEntry.of(case, order)
        assert len(entry) == KEY_SIZE and entry.case is case
        heapq.heappush(heap, entry)
    out = [heapq.heappop(heap).case.id for _ in range(len(heap))]
    assert out == [t[2] for t in sorted(tuples)]
