"""The page's runs, kept as results folders under ``results/app-cache/``.

A run is known by the scenario it ran with its run settings applied (seed, replications,
warm-up, horizon): the folder ``NAME-KEY``, KEY a hash of that resolved scenario. The
baseline under the same settings is therefore run once and reused by every package, and a
package asked for again is read back instead of run again. Folders are written whole
through :mod:`sim.output.folders` (a lock against two pages writing the same one, a
temporary folder renamed into place), so an interrupted run leaves nothing half written.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sim.experiment.executors import Executor
from sim.experiment.runner import RunResult, run
from sim.experiment.settings import Progress, RunSettings
from sim.output.folders import OutputTarget
from sim.output.results import is_results_folder, write_results
from sim.scenario.changes import scenario_to_dict
from sim.scenario.schema import Scenario

CACHE_FOLDER = Path("results") / "app-cache"
"""Where the page keeps its runs, relative to the folder ``sim app`` was started in."""


def scenario_key(applied: Scenario) -> str:
    """16 hex digits identifying a resolved scenario and its run settings."""
    text = json.dumps(scenario_to_dict(applied), sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def cached_folder(root: Path, applied: Scenario) -> Path:
    """The folder a run of ``applied`` (settings already applied) is kept in."""
    return root / f"{applied.name}-{scenario_key(applied)}"


def is_cached(root: Path, applied: Scenario) -> bool:
    return is_results_folder(cached_folder(root, applied))


def run_cached(
    root: Path,
    applied: Scenario,
    *,
    executor: Executor | None = None,
    progress: Progress | None = None,
    command: tuple[str, ...] = ("sim", "app"),
) -> tuple[Path, RunResult | None]:
    """The results folder of ``applied``: read from the cache, or run (by ``executor``;
    default: one local process per core) and written there, ``command`` recorded in its
    manifest. The run's result, or ``None`` when it came from the cache."""
    folder = cached_folder(root, applied)
    if is_results_folder(folder):
        return folder, None
    result = run(applied, RunSettings(executor=executor, progress=progress))
    target = OutputTarget(folder, force=True, command=command)
    write_results(result, target)
    return folder, result
