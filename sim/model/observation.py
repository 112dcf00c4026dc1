"""What a replication observes: weekly series, inspections, harm, and its records.

Observation reads the model and never changes the cases' paths: the time-series process
samples open cases by stage and staff in post at a fixed step; each inspection process
wakes on its day and grades a sample (:mod:`sim.model.inspection`); at the end, further
harm is drawn from each at-large case's exposure inside the measured period and the
records are assembled.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.model.case_columns import TABLE_COLUMNS, still_open_columns
from sim.model.enums import Stage
from sim.model.inspection import run_inspection
from sim.model.records import ReplicationRecords
from sim.scenario.schema import Inspection

if TYPE_CHECKING:
    from sim.model.engine import Model


class Observer:
    def __init__(self, model: Model) -> None:
        self.model = model
        self.timeseries: dict[str, list[float]] = {}
        self.inspections: dict[str, dict[str, float]] = {}

    def start(self) -> None:
        env = self.model.env
        env.process(self._sample_timeseries())
        for inspection in self.model.scenario.inspections:
            if inspection.day <= self.model.end_day:
                env.process(self._inspect_at(inspection))

    def _sample_timeseries(self):
        model = self.model
        env, book = model.env, model.cases
        step = model.scenario.run.timeseries_interval_days
        series = self.timeseries
        while env.now <= model.end_day:
            staff = model.workforce.counts()
            row = {
                "day": env.now,
                "triage_open": float(book.in_triage),
                "allocation_open": float(book.open_in(Stage.ALLOCATION)),
                "investigation_open": float(book.open_in(Stage.OFFICER)),
                "warrant_open": float(book.open_in(Stage.WARRANT)),
                "external_open": float(book.open_in(Stage.EXTERNAL)),
                "open_cases": float(book.open_cases() + book.in_triage),
                "trained_in_post": float(staff["trained"]),
                "untrained_in_post": float(staff["untrained"]),
                "trainees": float(staff["trainees"]),
                "trained_vacancy_rate": staff["trained_vacancy_rate"],
                "triage_staff": float(model.pools.triage.capacity),
            }
            for key, value in row.items():
                series.setdefault(key, []).append(value)
            yield env.timeout(step)

    def _inspect_at(self, inspection: Inspection):
        yield self.model.env.timeout(inspection.day)
        self.inspections[inspection.name] = run_inspection(self.model, inspection)

    # the end of the run -----------------------------------------------------------------
    def records(self) -> ReplicationRecords:
        model = self.model
        book = model.cases
        still_open = still_open_columns(
            [c for c in book.opened if c.is_open], model.allocator.dormant_waiting()
        )
        table, at_large = book.closed.table(still_open)
        table = self._with_harm(table, at_large)
        return ReplicationRecords(
            scenario=model.base_scenario,
            warmup_day=model.warmup_day,
            end_day=model.end_day,
            referrals=book.referral_log.arrays(),
            case_table=table,
            at_large=at_large,
            timeseries={k: np.asarray(v) for k, v in self.timeseries.items()},
            inspections=self.inspections,
            trained_busy_days=model.workforce.trained_busy_days,
            trained_available_days=model.workforce.trained_days_in_window(),
            harm_events=int(table["harm_events"].sum()),
        )

    def _with_harm(self, table: dict[str, np.ndarray], at_large: np.ndarray) -> dict:
        """The case table with ``harm_events``: further harm while suspects were at large,
        drawn in case order from each one's exposure (days) inside the measured period."""
        model = self.model
        harm = np.zeros(at_large.size, np.int64)
        rate = model.scenario.hazards.harm_per_day
        if rate > 0:
            rng = model.streams["harm"]
            for i in np.flatnonzero(at_large).tolist():
                safeguarded = float(table["safeguarding_day"][i])
                end = safeguarded if not math.isnan(safeguarded) else model.end_day
                referred = float(table["referral_day"][i])
                exposure = min(end, model.end_day) - max(referred, model.warmup_day)
                if exposure > 0:
                    harm[i] = int(rng.poisson(rate * exposure))
        return {name: harm if name == "harm_events" else table[name] for name in TABLE_COLUMNS}
