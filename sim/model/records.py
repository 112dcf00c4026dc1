"""What one replication emits: raw records, no statistics (and no SimPy)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.model.case import Case
from sim.scenario.schema import Scenario


@dataclass
class ReplicationRecords:
    """What one replication emits: raw records, no statistics."""

    scenario: Scenario
    warmup_day: float
    end_day: float
    referrals: dict[str, np.ndarray]
    cases: list[Case]
    timeseries: dict[str, np.ndarray]
    inspections: dict[str, dict[str, float]]
    trained_busy_days: float
    trained_available_days: float
    harm_events: int
    extra: dict[str, float] = field(default_factory=dict)
