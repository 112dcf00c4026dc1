"""A finished model is freed, and its memory handed back, before its records are built."""

from __future__ import annotations

import gc
import platform
import weakref

import pytest

import sim
from sim.experiment import runner
from sim.model import Model, Streams, case_columns, engine, memory, replication_seed
from sim.model import harvest as harvest_module
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
    released = engine.simulate(small, _streams(small))
    assert_same_records(released, kept)
    assert small.hazards.harm_per_day > 0 and kept.harm_events > 0  # the harm draws checked
    columns = len(case_columns.NUMERIC_COLUMNS)
    assert calls == [0] * (2 + columns), "handed back after the model, each column, the table"


def _streams_alive_at_records(monkeypatch, run) -> list[bool]:
    """Whether the streams made for ``run(make_streams)`` were still alive, after a full
    collection, when the replication's records began (once the model was freed)."""
    made: list[weakref.ref] = []
    alive = []
    original = harvest_module.Harvest.records

    def records(self):
        gc.collect()
        alive.append(made[0]() is not None)
        return original(self)

    def make_streams(seed) -> Streams:
        new = Streams(seed)
        made.append(weakref.ref(new))
        return new

    monkeypatch.setattr(harvest_module.Harvest, "records", records)
    run(make_streams)
    return alive


def test_simulate_holds_no_streams_once_the_model_is_freed(small, monkeypatch):
    """The streams' blocks of drawn numbers would outlive the model, scattered through the
    memory it frees: once the model is freed, nothing may hold them (the caller passes
    them without keeping them)."""
    seed = replication_seed(small.run.seed, 0)
    alive = _streams_alive_at_records(monkeypatch, lambda make: engine.simulate(small, make(seed)))
    assert alive == [False], "the streams outlived the model"


def test_a_replication_task_holds_no_streams_once_the_model_is_freed(small, monkeypatch):
    """The runner hands its streams to the model without keeping them."""

    def run(make):
        monkeypatch.setattr(runner, "Streams", make)
        return runner.run_replication(runner.ReplicationTask(small, small.run.seed, 0))

    assert _streams_alive_at_records(monkeypatch, run) == [False], "the streams outlived the model"


def test_the_harvest_holds_no_unpacked_row(small):
    """Closed rows still held as tuples would keep the model's float objects alive."""
    harvest = Model(small, _streams(small)).finish()
    assert len(harvest.closed) > 0
    assert harvest.closed.unpacked == 0


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
