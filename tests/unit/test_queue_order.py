"""The allocation queue's keys, compared as bytes, order cases as (risk, day, order) would."""

from __future__ import annotations

import heapq

import numpy as np

from sim.model.case import Case
from sim.model.queue_order import KEY, KEY_SIZE, QueueEntry, day_bits, write_key


def test_day_bits_order_days_as_numbers():
    rng = np.random.default_rng(11)
    days = [-1e6, -365.25, -1.0, -5e-324, -0.0, 0.0, 5e-324, 1e-9, 0.5, 1.0, 400.0, 1e9]
    days += (rng.standard_normal(2000) * 10.0 ** rng.integers(-3, 5, 2000)).tolist()
    by_bits = sorted(days, key=day_bits)
    assert by_bits == sorted(days)
    assert day_bits(-0.0) == day_bits(0.0), "equal days, equal bits (the order number decides)"
    for i, day in enumerate(days):  # a key written by any path holds those bits
        entry = bytearray(KEY_SIZE)
        write_key(entry, i % 5, day, 10**12 + i)
        assert bytes(entry) == KEY.pack(i % 5, day_bits(day), 10**12 + i), day


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
