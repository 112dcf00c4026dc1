"""Flat memory: closed cases become table rows; objects are kept only where still needed."""

from __future__ import annotations

import math

import numpy as np
import pytest

import sim
from sim.model import Model, Streams, replication_seed
from sim.model.case_columns import TABLE_COLUMNS
from sim.model.cases import CaseBook
from tests.conftest import DATA


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
