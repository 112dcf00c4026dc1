"""A search's results folder: ``search.csv``, ``front.csv``, ``best.yaml``, ``manifest.json``.

Written whole through the claimed folder (:mod:`sim.output.folders`); the work folder of
finished replications is removed once the folder is in place.

- ``search.csv``: one row per candidate package (levels of each lever, ``off`` when not
  used), cost per year, replications, successes, probability, Wilson bounds, status and
  each target's own share;
- ``front.csv``: the cost–probability Pareto front (same columns);
- ``best.yaml``: the chosen package as a complete scenario (the base with the package's
  measures and the run settings of the search): ``sim run best.yaml`` runs it;
- ``manifest.json``: settings, counts, the answer in words and the method;
- ``replications/``: every replication's KPIs (one JSON file each), which a search run again
  into this folder with ``--force`` reuses (:class:`sim.search.evaluation.SearchStore`).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sim.output.files import write_csv, write_json, write_scenario
from sim.output.manifest import manifest_header
from sim.scenario.changes import with_changes
from sim.scenario.schema import Scenario
from sim.search.definition import SearchResult
from sim.search.evaluation import SearchStore
from sim.search.tables import ROW_FIELDS


def row_fields(result: SearchResult) -> list[str]:
    names = result.definition.lever_names
    shares = [f"share {t.text}" for t in result.targets]
    first, rest = list(ROW_FIELDS[:2]), list(ROW_FIELDS[2:])
    return ["scenario", *first, *names, *rest, *shares]


def best_scenario(result: SearchResult) -> Scenario | None:
    """The chosen package's scenario, named and described for ``best.yaml``."""
    scenario, row = result.best_scenario, result.best_row
    if scenario is None or row is None:
        return None
    changes = {
        "name": f"{result.definition.scenario.name}-search-best",
        "description": f"sim search: {result.manifest.get('claim', row['label'])}",
    }
    return with_changes(scenario, changes, source="best.yaml")


def write_search_folder(result: SearchResult, folder: Path, command: Any) -> None:
    """Every file of a search's results folder into ``folder`` (which exists)."""
    scenario = {"scenario": result.definition.scenario.name}
    fields = row_fields(result)
    write_csv(folder / "search.csv", [scenario | r for r in result.packages], fields)
    write_csv(folder / "front.csv", [scenario | r for r in result.front], fields)
    files = ["search.csv", "front.csv", "manifest.json"]
    best = best_scenario(result)
    if best is not None:
        write_scenario(folder / "best.yaml", best)
        files.append("best.yaml")
    write_json(
        folder / "manifest.json",
        {**manifest_header("search", command), **result.manifest, "files": sorted(files)},
    )


def finish(store: SearchStore, result: SearchResult) -> Path:
    """Write the results folder whole, then drop the work folder."""
    with store.claimed.writing() as tmp:
        write_search_folder(result, tmp, store.claimed.target.command)
        store.keep(tmp)
    shutil.rmtree(store.work, ignore_errors=True)
    return store.claimed.path
