"""A finished model is freed, and its memory handed back, before its records are built."""

from __future__ import annotations

import gc
import platform
import weakref

import numpy as np
import pytest

import sim
from sim.model import Model, Streams, engine, memory, replication_seed
from sim.model.case_columns import TABLE_COLUMNS
from tests.conftest import DATA


@pytest.fixture(scope="module")
def small():
    sc = sim.load_scenario(DATA / "small.yaml")
    return sim.with_changes(sc, {"run.horizon_days": 400.0})


def _streams(sc) -> Streams:
    return Streams(replication_seed(sc.run.seed, 0))


def test_the_harvest_holds_no_way_back_to_the_model(small):
    model = Model(small, _streams(small))
    alive = weakref.ref(model)
    harvest = model.finish()
    del model
    gc.collect()
    assert alive() is None, "something in the harvest still refers to the model"
    assert harvest.cases == harvest.records().case_table["id"].size > 0


def _equal(a: sim.model.ReplicationRecords, b: sim.model.ReplicationRecords) -> None:
    for name in TABLE_COLUMNS:
        x, y = a.case_table[name], b.case_table[name]
        assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), name
    for name, column in a.referrals.items():
        assert np.array_equal(column, b.referrals[name], equal_nan=column.dtype.kind == "f")
    assert a.inspections == b.inspections
    assert (a.harm_events, a.trained_busy_days) == (b.harm_events, b.trained_busy_days)
    assert a.trained_available_days == b.trained_available_days
    assert all(np.array_equal(v, b.timeseries[k]) for k, v in a.timeseries.items())


def test_released_model_gives_the_same_records(small, monkeypatch):
    """simulate() frees the model between harvest and records; nothing it drew changes."""
    kept = Model(small, _streams(small)).run()
    calls = []
    monkeypatch.setattr(memory, "COLLECT_AFTER_CASES", 0)
    monkeypatch.setattr(memory, "_malloc_trim", lambda: lambda pad: calls.append(pad) or 1)
    released = engine.simulate(small, _streams(small))
    _equal(released, kept)
    assert small.hazards.harm_per_day > 0 and kept.harm_events > 0  # the harm draws checked
    assert calls == [0, 0], "memory handed back after the model and after the table"


def test_small_runs_are_not_collected(monkeypatch):
    collected = []
    monkeypatch.setattr(memory.gc, "collect", lambda: collected.append(1))
    assert memory.release_memory(memory.COLLECT_AFTER_CASES - 1) is False
    assert collected == []
    assert memory.release_memory(memory.COLLECT_AFTER_CASES) is True
    assert collected == [1]
    assert memory.release_memory(memory.COLLECT_AFTER_CASES, collect=False) is True
    assert collected == [1], "the pages of freed arrays need no collection"


def test_malloc_trim_is_found_on_glibc_and_skipped_elsewhere():
    trim = memory._malloc_trim()
    if platform.libc_ver()[0] == "glibc":
        assert trim is not None and trim(0) in (0, 1)
    else:
        assert trim is None
