"""A warrant runs its steps as callbacks (:class:`sim.model.warrants.Warrant`), not as a
SimPy process. Nothing the model does may change: its records must be those of the same
steps run as a process, to the bit, in a scenario with forensics and a measure that changes
the magistrate's delay part-way."""

from __future__ import annotations

import gc

import pytest
import simpy

import sim
from sim.model import Model, Streams, pathway, replication_seed
from sim.model.enums import Stage
from sim.model.warrants import Warrant
from tests.conftest import DATA
from tests.records import assert_same_records

pytestmark = pytest.mark.source_model  # patches or subclasses the model's internals


def _as_process(model, case):
    """The warrant as the SimPy process it was before :class:`Warrant`."""
    env, pools = model.env, model.pools
    rng = model.streams["warrants"]
    w = model.scenario.warrants
    authorisation_days = w.authorisation_hours.sample(rng) / w.supervisor_hours_per_day
    yield pools.supervisors.serve(case.triaged_risk, authorisation_days)
    yield env.timeout(model.scenario.warrants.court_days.sample(rng))
    case.warrant_granted_day = env.now
    execution_days = model.scenario.warrants.execution_days.sample(rng)
    yield pools.execution_teams.serve(case.triaged_risk, execution_days)
    case.warrant_executed_day = env.now
    model.pathway.secure_evidence(case)
    if case.seizes_devices:
        forensics_days = model.scenario.warrants.forensics_days.sample(model.streams["forensics"])
        yield pools.examiners.serve(case.triaged_risk, forensics_days)
        case.forensics_done_day = env.now
    model.pathway.continue_case(case)


def _run(scenario, replication: int, warrant, monkeypatch):
    monkeypatch.setattr(pathway, "Warrant", warrant)
    model = Model(scenario, Streams(replication_seed(scenario.run.seed, replication)))
    return model.run()


@pytest.mark.parametrize("replication", [0, 1])
def test_warrants_give_the_records_of_a_process(replication, monkeypatch):
    scenario = sim.load_scenario(DATA / "regression.yaml")
    by_process = _run(
        scenario, replication, lambda m, c: m.env.process(_as_process(m, c)), monkeypatch
    )
    by_callbacks = _run(scenario, replication, Warrant, monkeypatch)
    table = by_callbacks.case_table
    assert (table["warrant_granted_day"] == table["warrant_granted_day"]).sum() > 20
    assert (table["warrant_executed_day"] == table["warrant_executed_day"]).sum() > 20
    assert_same_records(by_callbacks, by_process)


def _live_processes(warrant, monkeypatch) -> tuple[int, int]:
    """(SimPy processes alive, warrants in progress) on day 200 of the regression scenario."""
    monkeypatch.setattr(pathway, "Warrant", warrant)
    scenario = sim.load_scenario(DATA / "regression.yaml")
    model = Model(scenario, Streams(replication_seed(scenario.run.seed, 0)))
    model.env.run(until=200.0)
    gc.collect()
    live = [o for o in gc.get_objects() if isinstance(o, simpy.Process) and o.env is model.env]
    in_progress = model.cases.open_in(Stage.WARRANT)
    return sum(p.is_alive for p in live), in_progress


def test_a_warrant_in_progress_holds_no_process(monkeypatch):
    """Warrants in progress leave no SimPy process (nor its generator) behind: the model
    has as many processes alive as with no warrant in progress."""
    as_processes = lambda m, c: m.env.process(_as_process(m, c))  # noqa: E731
    with_processes, in_progress = _live_processes(as_processes, monkeypatch)
    without, in_progress_too = _live_processes(Warrant, monkeypatch)
    assert in_progress == in_progress_too > 5
    assert with_processes - without == in_progress
