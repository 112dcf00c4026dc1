"""What a search is: its settings, its definition (what decides replications' numbers) and
its result with typed tables."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.compare.conditions import Condition
from sim.scenario.changes import scenario_to_dict
from sim.scenario.schema import Scenario
from sim.search.levers import LeversFile
from sim.search.packages import Package, package_cost, package_scenario
from sim.sweep.definition import computing_versions

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class SearchOptions:
    """How a search decides and how much it may spend.

    ``probability``: the share of replications meeting every target the answer must reach;
    ``level``: the Wilson intervals' confidence level; ``screening``: replications per
    package in the first pass (n0); ``max_reps``: replications of the whole search (its
    budget); ``package_cap``: most replications of one package; ``max_packages``: candidates
    (a space-filling subset of the grid when it is larger); ``budget``: most money per year
    a package may cost (``None``: no cap); ``round_reps``: replications per sequential round
    (the same wherever they run, so the answer never depends on the workers); ``refine``:
    add cheaper neighbours of the package that is enough (:mod:`sim.search.descent`).
    """

    probability: float = 0.8
    level: float = 0.95
    screening: int = 3
    max_reps: int = 112
    package_cap: int = 40
    max_packages: int = 8
    budget: float | None = None
    round_reps: int = 4
    refine: bool = True


@dataclass
class SearchDefinition:
    """What decides the numbers of every replication: the base scenario (run settings
    applied: seed, horizon, warm-up), the levers and the candidate packages.

    The first ``initial`` packages are the candidates chosen before anything runs;
    refinement (:mod:`sim.search.descent`) appends more with :meth:`add`.
    """

    scenario: Scenario
    levers: LeversFile
    packages: list[Package]
    scenarios: list[Scenario]  # one per package, measures added
    source: str = "levers"
    initial: int = -1

    def __post_init__(self) -> None:
        self.packages, self.scenarios = list(self.packages), list(self.scenarios)
        if self.initial < 0:
            self.initial = len(self.packages)

    def add(self, levels: tuple[float | None, ...]) -> Package:
        """Append the package with these levels (and its checked scenario)."""
        package = Package(len(self.packages), levels, package_cost(self.levers, levels))
        scenario = package_scenario(self.scenario, self.levers, package, source=self.source)
        self.packages.append(package)
        self.scenarios.append(scenario)
        return package

    @property
    def seed(self) -> int:
        return self.scenario.run.seed

    @property
    def lever_names(self) -> list[str]:
        return list(self.levers.levers)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.name,
            "seed": self.seed,
            "levers": self.lever_names,
            "packages": [list(p.levels) for p in self.packages[: self.initial]],
        }

    def digest(self) -> str:
        """A hash of the levers, the candidates' resolved scenarios, the seed and the
        versions computing them: a resumed search reuses replications only when this is
        unchanged (packages added by refinement follow from the levers and the base)."""
        versions = computing_versions()
        doc = {
            "definition": self.to_dict(),
            "levers": self.levers.model_dump(mode="json"),
            "scenarios": [scenario_to_dict(s) for s in self.scenarios[: self.initial]],
            "versions": versions,
        }
        return sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class SearchResult:
    """A finished search: every package's row, the cost–probability front, the answer.

    ``packages`` and ``front`` are lists of row dicts (as in ``search.csv`` and
    ``front.csv``); ``best`` is the index of the chosen package (``None``: none found);
    ``settled`` says whether every cheaper package was ruled out (``False`` when the
    replication budget or the per-package cap ran out first).
    """

    definition: SearchDefinition
    options: SearchOptions
    targets: list[Condition]
    packages: list[dict[str, Any]]
    front: list[dict[str, Any]]
    best: int | None
    settled: bool
    manifest: dict[str, Any] = field(default_factory=dict)
    out: Path | None = None

    @property
    def best_row(self) -> dict[str, Any] | None:
        return None if self.best is None else self.packages[self.best]

    @property
    def best_scenario(self) -> Scenario | None:
        """The chosen package's scenario (the base with its measures), runnable."""
        return None if self.best is None else self.definition.scenarios[self.best]

    def packages_frame(self) -> pd.DataFrame:
        """``search.csv`` as a DataFrame, one row per package."""
        import pandas as pd

        return pd.DataFrame(self.packages)

    def front_frame(self) -> pd.DataFrame:
        """``front.csv`` as a DataFrame: the cost–probability Pareto front."""
        import pandas as pd

        return pd.DataFrame(self.front)

    def to_dict(self) -> dict[str, Any]:
        return {
            "best": self.best_row,
            "settled": self.settled,
            "targets": [t.text for t in self.targets],
            "packages": self.packages,
            "front": self.front,
            "manifest": self.manifest,
        }
