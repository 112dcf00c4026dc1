"""What a sweep is: its definition (base scenario, parameters, design), plan and result.

The definition decides a sweep's numbers (not where or how fast it runs); its hash names
the resumable work folder, so a sweep with another definition never resumes there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from hashlib import sha256
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.experiment.kpis import KpiSpec
from sim.scenario.changes import scenario_to_dict
from sim.scenario.schema import Scenario
from sim.sweep.design import DesignPoint, Parameter

if TYPE_CHECKING:
    import pandas as pd


def computing_versions() -> dict[str, str | None]:
    """The versions of the packages that compute a replication's numbers (``None`` when one
    is not installed): stored results are reused only while these are unchanged."""
    versions: dict[str, str | None] = {}
    for name in ("caseflow-sim", "numpy", "scipy", "simpy"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


@dataclass(frozen=True)
class SweepDefinition:
    """Everything that decides a sweep's numbers (not where or how fast it runs)."""

    scenario: Scenario  # the base, with run.replications and run.seed resolved
    parameters: tuple[Parameter, ...]
    method: str
    samples: int | None = None
    levels: int | None = None

    @property
    def replications(self) -> int:
        return self.scenario.run.replications

    @property
    def seed(self) -> int:
        return self.scenario.run.seed

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.name,
            "method": self.method,
            "parameters": [p.to_dict() for p in self.parameters],
            "samples": self.samples,
            "levels": self.levels,
            "replications": self.replications,
            "seed": self.seed,
        }

    def digest(self) -> str:
        """A hash of the definition, the resolved scenario and the versions that compute it."""
        versions = computing_versions()
        doc = {
            "definition": self.to_dict(),
            "scenario": scenario_to_dict(self.scenario),
            "versions": versions,
        }
        return sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class SweepPlan:
    """The design's points, and one validated scenario per distinct point."""

    definition: SweepDefinition
    points: list[DesignPoint]
    canonical: list[int]  # each point → the first point with the same values
    scenarios: dict[int, Scenario]

    @property
    def tasks(self) -> list[tuple[int, int]]:
        reps = range(self.definition.replications)
        return [(p, r) for p in sorted(self.scenarios) for r in reps]


@dataclass
class SweepResult:
    """A finished sweep's tables (lists of row dicts) and manifest."""

    definition: SweepDefinition
    points: list[dict[str, Any]]
    runs: list[dict[str, Any]]
    summary: list[dict[str, Any]]
    sensitivity: list[dict[str, Any]]
    kpis: list[KpiSpec]
    manifest: dict[str, Any] = field(default_factory=dict)
    out: Path | None = None

    @property
    def method(self) -> str:
        return self.definition.method

    @property
    def parameter_names(self) -> list[str]:
        return [p.path for p in self.definition.parameters]

    @property
    def kpi_names(self) -> list[str]:
        return [k.name for k in self.kpis]

    # DataFrames (see sim.sweep.frames; pandas is imported on the first call) -----------
    def points_frame(self) -> pd.DataFrame:
        """One row per point: its place in the design and its parameter values."""
        from sim.sweep import frames

        return frames.points_frame(self)

    def runs_frame(self) -> pd.DataFrame:
        """One row per point × replication: the parameters and every KPI (float)."""
        from sim.sweep import frames

        return frames.runs_frame(self)

    def summary_frame(self) -> pd.DataFrame:
        """One row per point × KPI: mean, sd, ci_low, ci_high (KPI's unit) and n."""
        from sim.sweep import frames

        return frames.summary_frame(self)

    def sensitivity_frame(self) -> pd.DataFrame:
        """The sensitivity table (oat changes, Sobol indices or rank correlations)."""
        from sim.sweep import frames

        return frames.sensitivity_frame(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "manifest": self.manifest,
            "points": self.points,
            "runs": self.runs,
            "summary": self.summary,
            "sensitivity": self.sensitivity,
        }
