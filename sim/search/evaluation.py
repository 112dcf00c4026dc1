"""Running a search's replications: common random numbers, the executor, the work folder.

Replication ``r`` of every package runs with the search's seed and index ``r``, so packages
share random numbers replication by replication (common random numbers, as in comparisons
and sweeps). Each (package, replication) is one sweep task (:func:`sim.sweep.sweeper.
run_sweep_task`) on the executor the run settings name; finished tasks are kept in the work
folder ``OUT.partial/`` (:class:`sim.sweep.store.SweepStore`), so a search run again into
the same folder takes them from there instead of simulating them again.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.compare.conditions import Condition
from sim.errors import InputError
from sim.experiment.settings import RunSettings
from sim.output.folders import Claim
from sim.search.definition import SearchDefinition
from sim.search.packages import grid_cell
from sim.sweep.store import SweepStore
from sim.sweep.sweeper import SweepTask, run_sweep_task

Key = tuple[int, int]  # (package, replication)


class UnderCap:
    """The kept replications worth loading: any package's (by grid cell), replication
    below ``cap``."""

    def __init__(self, cap: int) -> None:
        self.cap = cap

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and 0 <= key[1] < self.cap


def all_met(kpis: Mapping[str, float], targets: Sequence[Condition]) -> bool:
    """Whether one replication meets every target (a KPI with no value, ``nan``, does not)."""
    for target in targets:
        value = float(kpis.get(target.kpi, math.nan))
        if not math.isfinite(value) or not bool(target.met(value)):
            return False
    return True


KEPT = "replications"
"""Folder of a finished search's results folder keeping its replications (one JSON file
each, as in the work folder), so a search run again into it with ``force`` reuses them."""


class SearchStore(SweepStore):
    """The resumable work folder of a search (the sweep's, keyed by package).

    A finished search keeps its replications in ``OUT/replications/``; a search of the
    same packages, scenario and seed run again into ``OUT`` (with ``force``) starts from
    them, so raising ``--max-reps`` continues where the last run stopped.
    """

    def __init__(self, claimed: Claim, definition: SearchDefinition) -> None:
        try:
            super().__init__(claimed, definition)  # type: ignore[arg-type]
        except InputError as exc:
            raise InputError(
                "holds an unfinished search of other packages, scenario or seed (delete it, "
                "or use --force to discard it)",
                file=exc.file,
            ) from None
        kept = claimed.path / KEPT
        if not self.work.exists() and _digest_of(kept) == self.digest:
            self.work.mkdir(parents=True)
            shutil.copytree(kept, self.tasks)
            shutil.move(self.tasks / "definition.json", self.work / "definition.json")

    def keep(self, folder: Path) -> None:
        """Copy the finished replications into ``folder/replications/``."""
        if self.tasks.is_dir():
            shutil.copytree(self.tasks, folder / KEPT)
            shutil.copy2(self.work / "definition.json", folder / KEPT / "definition.json")


def _digest_of(kept: Path) -> str | None:
    try:
        return json.loads((kept / "definition.json").read_text("utf-8"))["sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


class Evaluator:
    """Runs (package, replication) tasks, or takes them from the work folder.

    Keys are (package index, replication); in the work folder a task is stored under the
    package's grid cell (:func:`sim.search.packages.grid_cell`), so refinement, which adds
    packages in an order that depends on the results, still finds each one's replications.
    """

    def __init__(
        self,
        definition: SearchDefinition,
        settings: RunSettings,
        store: SearchStore | None,
        cap: int,
    ) -> None:
        self.definition = definition
        self.settings = settings
        self.store = store
        self.kept = store.load(UnderCap(cap)) if store is not None else {}
        self.done: dict[Key, dict[str, Any]] = {}
        self.simulated = 0
        self.resumed = 0

    def run(self, keys: Sequence[Key], tick: Callable[[], None] | None = None) -> None:
        """Make sure every key in ``keys`` is done (kept ones are not run again)."""
        todo = []
        for key in keys:
            if key in self.done:
                continue
            cell = self._cell(key)
            if cell in self.kept:
                self.done[key] = self.kept[cell]
                self.resumed += 1
                if tick is not None:
                    tick()
            else:
                todo.append(key)
        if not todo:
            return
        d = self.definition
        package_of = {self._cell(key): key[0] for key in todo}
        jobs = [SweepTask(self._cell((p, r))[0], r, d.scenarios[p], d.seed) for p, r in todo]
        runner = self.settings.make_executor().map_indexed(run_sweep_task, jobs)
        try:
            for _, res in runner:
                cell = (res["point"], res["replication"])
                self.done[(package_of[cell], res["replication"])] = res
                self.simulated += 1
                if self.store is not None:
                    self.store.save(res)
                if tick is not None:
                    tick()
        finally:
            close = getattr(runner, "close", None)
            if close is not None:
                close()

    def _cell(self, key: Key) -> Key:
        """(grid cell, replication) of a (package, replication) key."""
        d = self.definition
        return (grid_cell(d.levers, d.packages[key[0]].levels), key[1])

    def kpis(self, key: Key) -> dict[str, float]:
        return self.done[key]["kpis"]

    def task_seconds(self) -> float:
        return float(sum(t.get("wall_seconds", 0.0) for t in self.done.values()))
