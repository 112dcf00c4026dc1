"""A finished model is freed, and its memory handed back, before its records are built."""

from __future__ import annotations

import gc
import platform
import types
import weakref

import pytest

import sim
from sim.model import Model, Streams, case_columns, engine, memory, replication_seed
from sim.model.harvest import Harvest
from tests.conftest import DATA
from tests.records import assert_same_records


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


def test_released_model_gives_the_same_records(small, monkeypatch):
    """simulate() frees the model between harvest and records; nothing it drew changes."""
    kept = Model(small, _streams(small)).run()
    calls = []
    monkeypatch.setattr(memory, "COLLECT_AFTER_CASES", 0)
    monkeypatch.setattr(memory, "_malloc_trim", lambda: lambda pad: calls.append(pad) or 1)
    released = engine.simulate(small, replication_seed(small.run.seed, 0))
    assert_same_records(released, kept)
    assert small.hazards.harm_per_day > 0 and kept.harm_events > 0  # the harm draws checked
    columns = len(case_columns.NUMERIC_COLUMNS)
    assert calls == [0] * (2 + columns), "handed back after the model, each column, the table"


def _floats_reachable(root: object) -> int:
    """The float objects reachable from ``root`` through the objects it refers to (classes
    and modules are not followed)."""
    seen, todo, floats = set(), [root], 0
    while todo:
        obj = todo.pop()
        if id(obj) in seen or isinstance(obj, type | types.ModuleType):
            continue
        seen.add(id(obj))
        if obj.__class__ is float:
            floats += 1
        else:
            todo.extend(gc.get_referents(obj))
    return floats


def test_simulate_holds_no_streams_once_the_model_is_freed(small, monkeypatch):
    """The streams' blocks of drawn numbers would outlive the model, scattered through the
    memory it frees: once the model is freed, nothing may hold them."""
    made: list[weakref.ref] = []
    alive = []
    original = Harvest.records

    def records(self):
        gc.collect()
        alive.append(made[0]() is not None)
        return original(self)

    def make_streams(seed) -> Streams:
        new = Streams(seed)
        made.append(weakref.ref(new))
        return new

    monkeypatch.setattr(Harvest, "records", records)
    monkeypatch.setattr(engine, "Streams", make_streams)
    engine.simulate(small, replication_seed(small.run.seed, 0))
    assert alive == [False], "the streams outlived the model"


def test_the_harvest_holds_no_float_of_the_model(small):
    """Closed rows still held as tuples would keep the model's float objects alive."""
    model = Model(small, _streams(small))
    model.env.run(until=small.end_day)
    assert 0 < len(model.cases.closed) < case_columns._CHUNK  # rows still held as tuples
    assert _floats_reachable(model.cases.closed) > 0
    harvest = model.finish()
    assert _floats_reachable(harvest.closed) == 0


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
