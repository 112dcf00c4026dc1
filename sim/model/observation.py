"""What a replication observes: weekly series, inspections, and what its records need.

Observation reads the model and never changes the cases' paths: the time-series process
samples open cases by stage and staff in post at a fixed step; each inspection process
wakes on its day and grades a sample (:mod:`sim.model.inspection`); at the end, what the
records need is harvested (:mod:`sim.model.harvest`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.case_columns import still_open_columns
from sim.model.enums import Stage
from sim.model.harvest import Harvest
from sim.model.inspection import run_inspection
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
        while env._now <= model.end_day:
            staff = model.workforce.counts()
            row = {
                "day": env._now,
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
    def harvest(self) -> Harvest:
        """What the finished run leaves for its records (no reference back to the model)."""
        model = self.model
        book = model.cases
        open_cases = [c for c in book.opened if c.is_open]
        still_open = still_open_columns(open_cases, model.allocator.dormant_waiting())
        harm_per_day = model.scenario.hazards.harm_per_day
        return Harvest(
            scenario=model.base_scenario,
            warmup_day=model.warmup_day,
            end_day=model.end_day,
            referrals=book.referrals.records(),
            closed=book.closed,
            still_open=still_open,
            timeseries={k: np.asarray(v) for k, v in self.timeseries.items()},
            inspections=self.inspections,
            trained_busy_days=model.workforce.trained_busy_days,
            trained_available_days=model.workforce.trained_days_in_window(),
            harm_per_day=harm_per_day,
            harm_rng=model.streams["harm"] if harm_per_day > 0 else None,
            cases=len(book.closed) + still_open["id"].size,
        )
