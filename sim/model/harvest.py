"""What a finished simulation leaves for its records, with no way back to the model.

A finished model is a large cyclic graph (cases, officers, SimPy events referring to each
other). Its harvest holds only columns and figures, so the model can be freed, and the
memory handed back (:mod:`sim.model.memory`), before the case table is built and the
KPIs are computed: the two then never sit in memory together. Days are simulated days.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.model.case_columns import TABLE_COLUMNS, ClosedCases
from sim.model.memory import release_memory
from sim.model.records import ReplicationRecords
from sim.model.referral_tally import ReferralRecords
from sim.scenario.schema import Scenario


@dataclass
class Harvest:
    """The records of one replication before its case table is built.

    ``closed`` holds the closed cases' rows and ``still_open`` the columns of the cases
    open at the end; ``cases`` counts both; ``harm_per_day`` is the rate of further harm
    at the end of the run (measures may have changed it) and ``harm_rng`` the stream harm
    is drawn from.
    """

    scenario: Scenario
    warmup_day: float
    end_day: float
    referrals: ReferralRecords
    closed: ClosedCases
    still_open: dict[str, np.ndarray]
    timeseries: dict[str, np.ndarray]
    inspections: dict[str, dict[str, float]]
    trained_busy_days: float
    trained_available_days: float
    harm_per_day: float
    harm_rng: np.random.Generator | None
    cases: int

    def records(self) -> ReplicationRecords:
        """The replication's records; the closed rows and the open cases' columns move
        into its case table (call it once)."""
        still_open, self.still_open = self.still_open, {}
        table, at_large = self.closed.table(still_open, freed=self._release)
        del still_open
        table = self._with_harm(table, at_large)
        return ReplicationRecords(
            scenario=self.scenario,
            warmup_day=self.warmup_day,
            end_day=self.end_day,
            referrals=self.referrals,
            case_table=table,
            at_large=at_large,
            timeseries=self.timeseries,
            inspections=self.inspections,
            trained_busy_days=self.trained_busy_days,
            trained_available_days=self.trained_available_days,
            harm_events=int(table["harm_events"].sum()),
        )

    def _release(self) -> None:
        release_memory(self.cases, collect=False)  # columns were freed, not garbage

    def _with_harm(self, table: dict[str, np.ndarray], at_large: np.ndarray) -> dict:
        """The case table with ``harm_events``: further harm while suspects were at large,
        drawn in case order from each one's exposure (days) inside the measured period."""
        harm = np.zeros(at_large.size, np.int64)
        rng = self.harm_rng
        if self.harm_per_day > 0 and rng is not None:
            for i in np.flatnonzero(at_large).tolist():
                safeguarded = float(table["safeguarding_day"][i])
                end = safeguarded if not math.isnan(safeguarded) else self.end_day
                referred = float(table["referral_day"][i])
                exposure = min(end, self.end_day) - max(referred, self.warmup_day)
                if exposure > 0:
                    harm[i] = int(rng.poisson(self.harm_per_day * exposure))
        return {name: harm if name == "harm_events" else table[name] for name in TABLE_COLUMNS}
