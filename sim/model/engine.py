"""One replication of the case pathway: the parts wired together and run.

The model reads an immutable :class:`~sim.scenario.schema.Scenario` (replaced, not changed,
when a measure takes effect), draws from named random streams, and emits records. It
never prints, reads files or computes statistics. Its parts:

- :class:`~sim.model.pathway.Pathway`: a case's path from referral to closure;
- :class:`~sim.model.cases.CaseBook`: opening, counting and grading cases;
- :class:`~sim.model.allocator.Allocator` and :class:`~sim.model.officers.Officer`: who
  works on what;
- :class:`~sim.model.workforce.Workforce`: officers joining, leaving and training;
- :class:`Pools`: triage staff (the :class:`~sim.model.triage_desk.TriageDesk`, which also
  runs the referral arrivals), supervisors, execution teams, forensic examiners;
- :class:`~sim.model.observation.Observer`: time series, inspections, records;
- referral arrivals (:mod:`sim.model.arrivals`) and measures (:mod:`sim.model.measures`).

Days are simulated days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from sim.model.allocator import Allocator
from sim.model.arrivals import arrival_process
from sim.model.cases import CaseBook
from sim.model.harvest import Harvest
from sim.model.measures import measures_process
from sim.model.memory import cyclic_collector_paused, keep_large_blocks_mapped, release_memory
from sim.model.observation import Observer
from sim.model.pathway import Pathway
from sim.model.records import ReplicationRecords
from sim.model.servers import ServerPool
from sim.model.settings import Settings
from sim.model.streams import Streams
from sim.model.triage_desk import DeskEnvironment, TriageDesk
from sim.model.workforce import Workforce
from sim.scenario.schema import Scenario


@dataclass
class Pools:
    """The stages served by pools of identical staff (sizes can change with measures)."""

    triage: TriageDesk
    supervisors: ServerPool
    execution_teams: ServerPool
    examiners: ServerPool

    @classmethod
    def for_scenario(cls, env: simpy.Environment, scenario: Scenario) -> Pools:
        w = scenario.warrants
        return cls(
            triage=TriageDesk(env, scenario.triage.staff),
            supervisors=ServerPool(env, w.supervisors),
            execution_teams=ServerPool(env, w.execution_teams),
            examiners=ServerPool(env, w.forensics_examiners),
        )

    def resize(self, scenario: Scenario) -> None:
        w = scenario.warrants
        self.triage.set_capacity(scenario.triage.staff)
        self.supervisors.set_capacity(w.supervisors)
        self.execution_teams.set_capacity(w.execution_teams)
        self.examiners.set_capacity(w.forensics_examiners)


class Model:
    """The case pathway for one replication."""

    def __init__(self, scenario: Scenario, streams: Streams) -> None:
        self.base_scenario = scenario
        self.risk_names = list(scenario.risk_levels)
        self.category_names = list(scenario.categories)
        self.scenario = scenario  # replaced by measures as they take effect
        self.streams = streams
        self.env = DeskEnvironment()
        self.warmup_day = scenario.run.warmup_days
        self.end_day = scenario.end_day

        self.pools = Pools.for_scenario(self.env, scenario)
        self.cases = CaseBook(self)
        self.pathway = Pathway(self)
        self.allocator = Allocator(self)
        self.workforce = Workforce(self)
        self.observer = Observer(self)

        self.workforce.start()
        for index in range(len(self.category_names)):
            self.pools.triage.start(arrival_process(self, index))
        self.observer.start()
        if scenario.measures:
            self.env.process(measures_process(self))
        self.cases.load_backlog()

    @property
    def scenario(self) -> Scenario:
        """The scenario in force (measures replace it as they take effect)."""
        return self._scenario

    @scenario.setter
    def scenario(self, scenario: Scenario) -> None:
        self._scenario = scenario
        self.settings = Settings(scenario, self.category_names, self.risk_names)

    def finish(self) -> Harvest:
        """Simulate to the end of the run and return what the records need, with Python's
        cyclic collector paused (:func:`~sim.model.memory.cyclic_collector_paused`)."""
        with cyclic_collector_paused():
            self.env.run(until=self.end_day + 1e-9)
            self.workforce.finish()
            return self.observer.harvest()

    def run(self) -> ReplicationRecords:
        """Simulate to the end of the run and return the records."""
        return self.finish().records()


def simulate(scenario: Scenario, seed: np.random.SeedSequence) -> ReplicationRecords:
    """Run one replication of ``scenario`` from ``seed`` (its
    :func:`~sim.model.streams.replication_seed`). A large model is freed, and its memory
    handed back, before its case table is built, and the closed rows' memory after, so that
    neither adds to what the KPIs then need.

    The random streams are made here and held by the model alone: their blocks of drawn
    numbers, were they held elsewhere, would outlive the model scattered through the memory
    it frees, and keep most of that memory from the system (one `sim run` of a 10-year
    baseline kept 6 to 9 MB more once the model was freed, with the streams held by the
    caller).
    """
    keep_large_blocks_mapped()
    with cyclic_collector_paused():  # until the model is collected: one pass over it, not two
        harvest = Model(scenario, Streams(seed)).finish()
        release_memory(harvest.cases)
        records = harvest.records()
        release_memory(harvest.cases, collect=False)  # the rows were freed, not garbage
    return records
