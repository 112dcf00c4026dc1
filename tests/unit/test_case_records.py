"""Flat memory: closed cases become table rows; objects are kept only where still needed."""

from __future__ import annotations

import gc
import math
import struct
import types
from operator import attrgetter

import numpy as np
import pytest

import sim
from sim.model import Model, Streams, case_columns, replication_seed
from sim.model.allocator import Allocator, _case_of
from sim.model.case import Case
from sim.model.case_columns import TABLE_COLUMNS, open_columns
from sim.model.cases import CaseBook
from sim.model.dormant import NAMES, Dormant
from sim.model.enums import Stage
from sim.model.queue_order import KEY_SIZE
from tests.conftest import DATA

pytestmark = pytest.mark.source_model  # patches or subclasses the model's internals


def _run(scenario, prune: bool, monkeypatch) -> tuple[Model, sim.model.ReplicationRecords]:
    if not prune:
        monkeypatch.setattr(CaseBook, "prune", lambda self: None)
    model = Model(scenario, Streams(replication_seed(scenario.run.seed, 0)))
    return model, model.run()


@pytest.fixture(scope="module")
def long_small():
    sc = sim.load_scenario(DATA / "small.yaml")
    return sim.with_changes(sc, {"run.horizon_days": 1500.0})


def test_pruned_book_gives_the_same_records(long_small, monkeypatch):
    kept_model, kept = _run(long_small, prune=False, monkeypatch=monkeypatch)
    monkeypatch.undo()
    model, records = _run(long_small, prune=True, monkeypatch=monkeypatch)
    assert list(records.case_table) == list(TABLE_COLUMNS)
    for name in TABLE_COLUMNS:
        a, b = records.case_table[name], kept.case_table[name]
        assert a.dtype == b.dtype, name
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), name
    assert records.inspections == kept.inspections
    assert records.harm_events == kept.harm_events
    # without pruning the book holds every case; with it, far fewer objects remain
    assert len(kept_model.cases.opened) == len(records.case_table["id"])
    assert len(model.cases.opened) < len(records.case_table["id"]) / 3


def test_book_keeps_open_cases_and_the_coming_inspections_window(long_small):
    sc = long_small
    model = Model(sc, Streams(replication_seed(sc.run.seed, 0)))
    model.env.run(until=120.0)
    model.cases.prune()
    inspection = sc.inspections[0]
    keep_from = inspection.day - inspection.lookback_days
    for case in model.cases.opened:
        assert case.is_open or case.referral_day >= keep_from
    ids = [c.id for c in model.cases.opened]
    assert ids == sorted(ids)
    model.env.run(until=inspection.day + 1.0)  # no inspection to come: only open cases
    model.cases.prune()
    assert model.cases.opened and all(c.is_open for c in model.cases.opened)


def test_case_rows_read_like_cases(long_small):
    sc = sim.with_changes(long_small, {"run.horizon_days": 200.0})
    records = Model(sc, Streams(replication_seed(1, 0))).run()
    rows = records.cases
    assert len(rows) == records.case_table["id"].size
    closed = [r for r in rows if not r.is_open]
    assert closed and all(r.grade for r in closed)
    assert all(isinstance(r.rules_broken, tuple) for r in rows)
    assert all(math.isnan(r.closed_day) == r.is_open for r in rows)
    assert sum(r.at_large for r in rows) == int(records.at_large.sum())
    with pytest.raises(AttributeError):
        _ = rows[0].no_such_field


@pytest.fixture(scope="module")
def overloaded_small():
    """The small force with too few detectives: a backlog grows for 1,500 days."""
    sc = sim.load_scenario(DATA / "small.yaml")
    return sim.with_changes(
        sc, {"run.horizon_days": 1500.0, "officers.trained.count": 6, "officers.untrained.count": 1}
    )


def _swept_run(
    scenario, sweep: bool, monkeypatch
) -> tuple[Model, sim.model.ReplicationRecords, int]:
    """One replication with stale heap entries swept often (or never); and the sweeps."""
    sweeps = [0]
    original = Allocator._drop_stale

    def counted(self):
        before = (len(self._waiting), len(self._eligible))
        original(self)
        sweeps[0] += (len(self._waiting), len(self._eligible)) != before

    monkeypatch.setattr(Allocator, "SWEEP_AT_LEAST", 20)
    monkeypatch.setattr(CaseBook, "PRUNE_AT_LEAST", 20)
    monkeypatch.setattr(Allocator, "_drop_stale", counted if sweep else lambda self: None)
    model = Model(scenario, Streams(replication_seed(scenario.run.seed, 0)))
    records = model.run()
    monkeypatch.undo()
    return model, records, sweeps[0]


def test_sweeping_stale_queue_entries_gives_the_same_records(overloaded_small, monkeypatch):
    _, kept, _ = _swept_run(overloaded_small, sweep=False, monkeypatch=monkeypatch)
    model, records, sweeps = _swept_run(overloaded_small, sweep=True, monkeypatch=monkeypatch)
    assert sweeps >= 5  # the sweep really ran, many times, while cases waited
    assert model.cases.open_in(Stage.ALLOCATION) > 200  # and the backlog really grew
    for name in TABLE_COLUMNS:
        a, b = records.case_table[name], kept.case_table[name]
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), name
    assert records.inspections == kept.inspections
    # the heaps hold the waiting cases and few others: no closed case stays behind
    stale = [e for h in (model.allocator._waiting, model.allocator._eligible) for e in h
             if _case_of(e).stage is not Stage.ALLOCATION]  # fmt: skip
    waiting = model.cases.open_in(Stage.ALLOCATION)
    assert len(stale) <= max(20, waiting // 4) + 1


def _cases_reachable_from(root: object) -> int:
    """The open or closed cases reachable from ``root`` (not through modules, classes or
    module globals), wherever the model holds them: case book, queues, officers, events,
    closures; as ``Case`` objects or packed (a :class:`Dormant` not yet taken)."""
    seen: set[int] = set()
    stack, found = [root], 0
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, (type, types.ModuleType)):
            continue
        if isinstance(obj, dict) and "__builtins__" in obj:  # a module's globals
            continue
        seen.add(id(obj))
        found += isinstance(obj, Case) or (isinstance(obj, Dormant) and obj.is_open)
        stack.extend(gc.get_referents(obj))
    return found


def test_closed_cases_leave_few_objects_behind(overloaded_small, monkeypatch):
    model, records, _ = _swept_run(overloaded_small, sweep=True, monkeypatch=monkeypatch)
    live = _cases_reachable_from(model)
    still_open = int(np.isnan(records.case_table["closed_day"]).sum())
    closed = records.case_table["id"].size - still_open
    assert closed > 1000
    assert live >= still_open  # the walk finds every open case the model holds
    assert live <= still_open + max(20, still_open // 8) + 1


def test_cases_waiting_for_their_first_officer_are_packed(overloaded_small, monkeypatch):
    model, records, _ = _swept_run(overloaded_small, sweep=True, monkeypatch=monkeypatch)
    waiting = model.cases.open_in(Stage.ALLOCATION)
    packed = model.allocator.dormant_waiting()
    objects = [c for c in model.cases.opened if c.is_open and c.stage is Stage.ALLOCATION]
    assert waiting > 200 and len(packed) + len(objects) == waiting
    assert all(c.allocations > 0 for c in objects)  # only handed-back cases are objects
    # the case table's rows of the packed cases are their packed values
    table = records.case_table
    row = {int(i): k for k, i in enumerate(table["id"])}
    for d in packed[:50]:
        values, k = d.values(), row[d.id]
        for name in ("category", "true_risk", "triaged_risk", "referral_day", "triage_day"):
            assert table[name][k] == values[name], name
        assert np.isnan(table["allocated_day"][k]) and table["grade"][k] == ""


def test_a_packed_case_comes_back_with_the_same_bits():
    rng = np.random.default_rng(5)
    case = Case(
        id=123_456_789,
        category=3,
        true_risk=2,
        referral_day=-41.0,
        triaged_risk=1,
        triage_day=float(rng.random() * 1e4),
        complex=True,
        at_large=True,
        lapse_draw=float(rng.random()),
        custody_refused_bail=True,
        investigation_hours=float(rng.lognormal(4, 1)),
        waiting_since=0.1 + 0.2,
    )
    back = Dormant.of_values(attrgetter(*NAMES)(case)).as_case()
    for name in NAMES:
        a, b = getattr(case, name), getattr(back, name)
        assert type(a) is type(b) and (a == b or (a != a and b != b)), name
        if isinstance(a, float):
            assert struct.pack("<d", a) == struct.pack("<d", b), name
    assert back.stage is Stage.ALLOCATION and back.pending == () and back.officer is None
    waiting = Dormant.of_values(attrgetter(*NAMES)(case))
    waiting.triaged_risk, waiting.safeguarding_day = 0, 7.5
    assert (waiting.triaged_risk, waiting.safeguarding_day, waiting.id) == (0, 7.5, 123_456_789)
    assert waiting.is_open and waiting.stage is Stage.ALLOCATION
    values = bytes(waiting[KEY_SIZE:])
    waiting.file(17)
    key = bytes(waiting[:KEY_SIZE])
    assert bytes(waiting[KEY_SIZE:]) == values, "the key is written before the values"
    waiting.taken()
    assert not waiting.is_open and waiting.stage is not Stage.ALLOCATION
    assert bytes(waiting) == key, "a taken case keeps its key: the heaps still compare by it"


def test_closed_case_rows_keep_every_value_exactly(long_small):
    sc = sim.with_changes(long_small, {"run.horizon_days": 400.0})
    model = Model(sc, Streams(replication_seed(3, 0)))
    model.env.run(until=model.end_day + 1e-9)
    objects = {c.id: c for c in model.cases.opened if not c.is_open}
    assert len(objects) > 100
    table, at_large = model.cases.closed.table(open_columns([]))
    for i, case_id in enumerate(table["id"].tolist()):
        case = objects.get(case_id)
        if case is None:
            continue
        for name in ("category", "triaged_risk", "referral_day", "closed_day", "grade",
                     "force_grade", "complex", "custody_cell_hours"):  # fmt: skip
            value = table[name][i]
            expected = getattr(case, name)
            assert value == expected or (value != value and expected != expected), name
        assert bool(at_large[i]) == case.at_large
        assert table["rules_broken"][i] == ";".join(case.rules_broken)
    # the rows moved into the table (their buffers are freed): a second table is refused
    with pytest.raises(RuntimeError, match="already moved"):
        model.cases.closed.table(open_columns([]))


def test_packed_cases_unpack_in_chunks_as_cases_would(overloaded_small, monkeypatch):
    """The columns of the cases still open, the packed ones unpacked 7 at a time, are the
    columns of the same cases as objects (each packed case made a ``Case`` again)."""
    model, _, _ = _swept_run(overloaded_small, sweep=True, monkeypatch=monkeypatch)
    objects = [c for c in model.cases.opened if c.is_open]
    packed = model.allocator.dormant_waiting()
    assert len(packed) > 3 * 7 and objects
    monkeypatch.setattr(case_columns, "_CHUNK", 7)
    columns = case_columns.still_open_columns(objects, packed)
    expected = open_columns(objects + [d.as_case() for d in packed])
    assert columns.keys() == expected.keys()
    for name, column in expected.items():
        got = columns[name]
        if name not in NAMES:  # the objects' rows only: the table fills in the defaults
            assert got.size == len(objects), name
            got = np.concatenate(case_columns._filled(name, got, column.size))
        assert column.dtype == got.dtype, name
        assert np.array_equal(column, got, equal_nan=column.dtype.kind == "f"), name


def test_a_requeued_packed_case_is_listed_once(overloaded_small):
    """A packed case re-queued with a new risk has two queue entries, but is one case."""
    model = Model(overloaded_small, Streams(replication_seed(overloaded_small.run.seed, 0)))
    model.env.run(until=600.0)
    before = model.allocator.dormant_waiting()
    assert len(before) > 20 and len({id(d) for d in before}) == len(before)
    moved = before[len(before) // 2]
    moved.triaged_risk = 0 if moved.triaged_risk else 1
    entries = len(model.allocator._waiting)
    model.allocator.reprioritise(moved)
    assert len(model.allocator._waiting) == entries + 1  # a second entry of the same case
    after = model.allocator.dormant_waiting()
    assert len(after) == len(before)  # each once (the push reordered the heap's list)
    assert sorted(map(id, after)) == sorted(map(id, before))


def _objects_reachable(root: object) -> int:
    """The objects reachable from ``root`` (classes and modules not followed)."""
    seen, todo = set(), [root]
    while todo:
        obj = todo.pop()
        if id(obj) in seen or isinstance(obj, type | types.ModuleType):
            continue
        seen.add(id(obj))
        todo.extend(gc.get_referents(obj))
    return len(seen)


def test_closed_cases_grow_the_columns_made_with_the_book():
    """Rows go into arrays made before the run: an array or string made in the middle of a
    run and kept would keep the memory around it from the system once the model is
    freed."""
    closed = case_columns.ClosedCases()
    case = Case(1, 0, 0, 2.5, 0, 2.5, closed_day=9.0, grade="good", force_grade="good")
    reachable = []
    for i in range(3 * case_columns._CHUNK):
        case.id = i
        case.rules_broken = ("late_allocation", "practice_lapse") if i % 2 else ()
        closed.add(case)
        if (i + 1) % case_columns._CHUNK == 0:
            reachable.append(_objects_reachable(closed))
    assert reachable[0] == reachable[1] == reachable[2], "each chunk of rows kept new objects"
    table, _ = closed.table(open_columns([]))
    assert table["id"].tolist() == list(range(3 * case_columns._CHUNK))
    assert table["rules_broken"][:3].tolist() == ["", "late_allocation;practice_lapse", ""]


def test_codes_of_broken_rules_read_back_in_the_order_grading_lists_them():
    from array import array

    from sim.scenario.schema import RULE_NAMES

    every = (1 << len(RULE_NAMES)) - 1
    texts = case_columns._rule_texts(array("H", [every, 0, 1 << 3, every]))
    assert texts.tolist() == [";".join(RULE_NAMES), "", RULE_NAMES[3], ";".join(RULE_NAMES)]
