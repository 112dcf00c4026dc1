"""What one replication emits: raw records, no statistics (and no SimPy)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.model.referral_tally import ReferralRecords
from sim.scenario.schema import Scenario


@dataclass
class ReplicationRecords:
    """What one replication emits: raw records, no statistics.

    ``referrals`` are counts and triage waits by window of days (no row per referral);
    ``case_table`` is columns (numpy arrays), one row per police case in the order cases
    were opened (ids). Days are simulated days.
    """

    scenario: Scenario
    warmup_day: float
    end_day: float
    referrals: ReferralRecords
    case_table: dict[str, np.ndarray]
    at_large: np.ndarray  # per case: a suspect at large (exposure to further harm)
    timeseries: dict[str, np.ndarray]
    inspections: dict[str, dict[str, float]]
    trained_busy_days: float
    trained_available_days: float
    harm_events: int
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def cases(self) -> list[CaseRow]:
        """The case table as one read-only row per case (built on demand)."""
        return [CaseRow(self, i) for i in range(len(self.case_table["id"]))]


class CaseRow:
    """One row of a replication's case table, read by attribute (``row.closed_day``)."""

    __slots__ = ("_records", "_i")

    def __init__(self, records: ReplicationRecords, i: int) -> None:
        self._records, self._i = records, i

    def __getattr__(self, name: str) -> Any:
        if name == "at_large":
            return bool(self._records.at_large[self._i])
        if name == "rules_broken":
            text = self._records.case_table["rules_broken"][self._i]
            return tuple(text.split(";")) if text else ()
        try:
            value = self._records.case_table[name][self._i]
        except KeyError:
            raise AttributeError(name) from None
        return value.item() if isinstance(value, np.generic) else value

    @property
    def is_open(self) -> bool:
        """Not closed by the end of the run."""
        return math.isnan(self.closed_day)
