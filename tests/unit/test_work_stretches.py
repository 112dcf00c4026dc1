"""Officers plan the sessions of a chunk ahead as one stretch; nothing they do changes."""

from __future__ import annotations

import gc

import pytest
import simpy

import sim
from sim.model import Model, Streams, replication_seed
from sim.model.officers import Officer
from tests.conftest import DATA
from tests.records import assert_same_records

pytestmark = pytest.mark.source_model  # patches or subclasses the model's internals


def _run(scenario, plan_ahead: bool, monkeypatch) -> tuple[sim.model.ReplicationRecords, int]:
    monkeypatch.setattr(Officer, "plan_ahead", plan_ahead)
    model = Model(scenario, Streams(replication_seed(scenario.run.seed, 0)))
    records = model.run()
    return records, next(model.env._eid)  # the SimPy events scheduled


@pytest.mark.parametrize(
    ("name", "changes"),
    [("regression.yaml", {}), ("small.yaml", {"officers.work_session_hours": 3.0})],
)
def test_stretches_give_the_records_of_one_session_at_a_time(name, changes, monkeypatch):
    """The regression scenario has leavers, training courses, measures that change
    officers' pace and a review that re-grades cases being worked: every cut of a stretch."""
    scenario = sim.with_changes(sim.load_scenario(DATA / name), changes)
    assert scenario.officers.work_session_hours
    plain, plain_events = _run(scenario, False, monkeypatch)
    planned, planned_events = _run(scenario, True, monkeypatch)
    assert_same_records(planned, plain)
    assert planned_events < 0.9 * plain_events, (planned_events, plain_events)


def _processes_alive(scenario) -> int:
    model = Model(scenario, Streams(replication_seed(scenario.run.seed, 0)))
    model.env.run(until=50.0)
    gc.collect()
    live = [o for o in gc.get_objects() if isinstance(o, simpy.Process) and o.env is model.env]
    return sum(p.is_alive for p in live)


def test_an_officer_is_no_simpy_process():
    """Officers run as callbacks of the events they wait for: doubling the officers leaves
    the number of SimPy processes alive unchanged."""
    scenario = sim.load_scenario(DATA / "regression.yaml")
    doubled = sim.with_changes(
        scenario, {"officers.trained.count": 20, "officers.untrained.count": 8}
    )
    assert _processes_alive(doubled) == _processes_alive(scenario)
