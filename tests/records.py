"""Comparing the records of two replications to the bit (for tests of changes to how the
model runs that must not change what it does)."""

from __future__ import annotations

from dataclasses import fields

import numpy as np

from sim.model import ReplicationRecords
from sim.model.case_columns import TABLE_COLUMNS


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")


def assert_same_records(a: ReplicationRecords, b: ReplicationRecords) -> None:
    """Every case-table column, referral count and wait, series, inspection and total alike."""
    for name in TABLE_COLUMNS:
        assert _same(a.case_table[name], b.case_table[name]), f"case_table.{name}"
    for f in fields(a.referrals):
        x, y = getattr(a.referrals, f.name), getattr(b.referrals, f.name)
        assert _same(x, y) if isinstance(x, np.ndarray) else x == y, f"referrals.{f.name}"
    assert a.timeseries.keys() == b.timeseries.keys()
    for name, column in a.timeseries.items():
        assert _same(column, b.timeseries[name]), f"timeseries.{name}"
    assert a.inspections == b.inspections
    assert (a.harm_events, a.trained_busy_days) == (b.harm_events, b.trained_busy_days)
    assert a.trained_available_days == b.trained_available_days
