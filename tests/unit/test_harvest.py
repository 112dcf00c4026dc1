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
from tests.conftest import DATA, ROOT
from tests.records import assert_same_records

pytestmark = pytest.mark.source_model  # patches or subclasses the model's internals


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
    """Closed rows that held the model's float objects would keep them alive, scattered
    through the memory the model frees: rows are packed as bytes as the cases close, so
    not even a block still to be appended to the columns holds one."""
    model = Model(small, _streams(small))
    model.env.run(until=small.end_day)
    closed = model.cases.closed
    assert 0 < closed._in_block == len(closed) < case_columns._CHUNK  # all in the block
    assert _floats_reachable(closed) == 0
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


_FREED_ARRAYS = """
import sys
import numpy as np
from sim.model.memory import keep_large_blocks_mapped

def resident_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6

if sys.argv[1] == "fixed":
    assert keep_large_blocks_mapped()
big = np.full(3_750_000, 2.0)  # 30 MB, mapped on its own; freeing it raises glibc's bound
del big
before = resident_mb()
arrays, kept = [], []
for _ in range(16):
    arrays.append(np.ones(125_000))  # 1 MB each, as a case table's column
    kept.append(np.ones(512))  # 4 KB each, left between them
del arrays
print(resident_mb() - before)
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc only")
def test_large_arrays_go_back_to_the_system_once_freed():
    """16 MB of arrays freed after a larger one was: glibc's moving bound keeps all of it
    resident, scattered between small live blocks; the fixed bound none of it."""
    import os
    import subprocess
    import sys

    # glibc's defaults: a MALLOC_* variable in the environment turns its moving bound off.
    # dask's local clusters put MALLOC_TRIM_THRESHOLD_ in their own process's environment,
    # so a test that ran one earlier in the same process made the control show 0.0
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "GLIBC_"))}

    def kept_mb(mode: str) -> float:
        run = subprocess.run(
            [sys.executable, "-c", _FREED_ARRAYS, mode],
            capture_output=True, text=True, check=True, env=env,
        )  # fmt: skip
        return float(run.stdout)

    assert kept_mb("moving") > 12.0, "the control no longer shows glibc keeping the memory"
    assert kept_mb("fixed") < 2.0
    assert memory.keep_large_blocks_mapped() is True


def test_a_replication_fixes_the_bound_before_its_model_is_built(small, monkeypatch):
    order = []
    monkeypatch.setattr(engine, "keep_large_blocks_mapped", lambda: order.append("bound"))
    built = engine.Model.__init__

    def init(self, *args, **kwargs):
        order.append("model")
        built(self, *args, **kwargs)

    monkeypatch.setattr(engine.Model, "__init__", init)
    engine.simulate(small, replication_seed(small.run.seed, 0))
    assert order == ["bound", "model"]


def test_the_collector_is_paused_while_a_model_runs_and_restored_after(small):
    seen: list[tuple[str, bool]] = []
    model = Model(small, _streams(small))
    for owner, name in ((model.env, "run"), (model.observer, "harvest")):
        real = getattr(owner, name)

        def noting(*args, _real=real, _name=name, **kwargs):
            seen.append((_name, gc.isenabled()))
            return _real(*args, **kwargs)

        setattr(owner, name, noting)
    try:
        assert gc.isenabled()
        model.finish()
        assert seen == [("run", False), ("harvest", False)]
        assert gc.isenabled(), "the collector was left off"
        gc.disable()
        Model(small, _streams(small)).finish()
        assert not gc.isenabled(), "the caller's choice to keep it off was overridden"
    finally:
        gc.enable()


def test_the_collector_comes_back_when_the_run_fails(small, monkeypatch):
    model = Model(small, _streams(small))
    monkeypatch.setattr(model.workforce, "finish", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        model.finish()
    assert gc.isenabled()


def test_a_running_model_makes_next_to_no_cyclic_garbage():
    """The reason the collector may be paused: were a change to leave a cycle behind per
    case or per event, a long run would hold all of it until the end. The garbage is
    counted before the collector is back on: its first pass would find it first."""
    sc = sim.load_scenario(ROOT / "scenarios" / "measures" / "package.yaml")
    sc = sim.with_changes(sc, {"run.horizon_days": 200.0, "run.warmup_days": 100.0})
    with memory.cyclic_collector_paused():
        model = Model(sc, _streams(sc))
        gc.collect()
        model.finish()
        garbage = gc.collect()  # the model is still referenced: only its lost cycles count
    assert model.cases.opened and garbage < 100, f"{garbage} objects of cyclic garbage"


def test_a_replication_keeps_the_collector_paused_until_its_model_is_collected(small, monkeypatch):
    """Turned back on at the end of the run, the collector would walk the whole model once
    more just before the release collects it."""
    seen = []
    real = engine.release_memory

    def noting(cases, **kwargs):
        seen.append(gc.isenabled())
        return real(cases, **kwargs)

    monkeypatch.setattr(engine, "release_memory", noting)
    engine.simulate(small, replication_seed(small.run.seed, 0))
    assert seen == [False, False]
    assert gc.isenabled()


_IMPORTS_DURING_A_RUN = """
import sys
import sim
from sim.model import engine, replication_seed

scenario = sim.with_changes(sim.load_scenario(sys.argv[1]), {"run.horizon_days": 400.0})
assert scenario.inspections, "the check needs an inspection (np.percentile)"
before = set(sys.modules)
engine.simulate(scenario, replication_seed(scenario.run.seed, 0))
print(" ".join(sorted(set(sys.modules) - before)))
"""


def test_a_replication_imports_no_module_once_the_model_is_imported():
    """A module imported in the middle of a run (numpy imports numpy.random and numpy.ma
    on first use) leaves its objects among the model's, keeping the memory around them
    from the system once the model is freed."""
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-c", _IMPORTS_DURING_A_RUN, str(DATA / "small.yaml")],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    assert run.stdout.split() == []
