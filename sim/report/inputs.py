"""What a report is built from: a results, comparison, sweep, calibration or search folder, read
back and checked (a folder of another kind is refused with an :class:`InputError`)."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import InputError
from sim.experiment.settings import RunSettings
from sim.output.results import ResultsFolder, is_results_folder, read_results_folder
from sim.scenario import Scenario, load_scenario

KINDS = ("results", "comparison", "sweep", "calibration", "search")


@dataclass
class RunInput:
    """A results folder with its scenario and weekly series (column → values).

    A scenario file a comparison ran has no folder of its own: its ``folder`` then holds
    the comparison's summaries of it and no replication rows or series."""

    folder: ResultsFolder
    scenario: Scenario
    series: dict[str, np.ndarray] = field(default_factory=dict)
    name: str = ""

    @property
    def label(self) -> str:
        """The name a comparison gave it, else the scenario's name."""
        return self.name or self.scenario.name

    def values(self, kpi: str) -> np.ndarray | None:
        """The KPI in each replication (from ``replications.csv``), or ``None``."""
        rows = self.folder.rows
        if not rows or kpi not in rows[0]:
            return None
        return np.array([r[kpi] for r in rows], dtype=float)

    def kpi(self, name: str) -> dict[str, Any] | None:
        """A KPI's summary (``mean``, ``ci_low``, ``ci_high``, ``n``), or ``None``."""
        return self.folder.kpis.get(name)


def read_csv_rows(file: Path) -> list[dict[str, Any]]:
    """A CSV file's rows; numeric cells as floats, empty cells as ``nan``."""
    if not file.is_file():
        raise InputError("missing file", file=str(file))
    with file.open(newline="", encoding="utf-8") as f:
        return [{k: _cell(v) for k, v in row.items()} for row in csv.DictReader(f)]


def _cell(text: str | None) -> Any:
    if text is None or text == "":
        return math.nan
    try:
        return float(text)
    except ValueError:
        return text


def read_series(path: Path) -> dict[str, np.ndarray]:
    """``timeseries.csv``'s numeric columns (``day`` and ``NAME_mean/_low/_high``; text
    columns such as ``scenario`` and ``date`` left out); empty if none."""
    file = path / "timeseries.csv"
    if not file.is_file():
        return {}
    rows = read_csv_rows(file)
    if not rows:
        return {}
    numeric = [k for k in rows[0] if all(isinstance(r[k], float) for r in rows)]
    return {k: np.array([r[k] for r in rows], dtype=float) for k in numeric}


def read_run(path: str | Path) -> RunInput:
    """A results folder written by ``sim run``, with its scenario and series."""
    folder = read_results_folder(path)
    scenario = load_scenario(folder.path / "scenario.yaml")
    return RunInput(folder, scenario, read_series(folder.path))


def folder_kind(path: str | Path) -> str:
    """``results``, ``comparison``, ``sweep``, ``calibration`` or ``search``;
    :class:`InputError` else."""
    path = Path(path)
    if not path.is_dir():
        raise InputError(f"not a folder (give {FOLDERS})", file=str(path))
    if is_results_folder(path):
        return "results"
    if (path / "comparison.json").is_file():
        return "comparison"
    if (path / "sensitivity.csv").is_file() and (path / "points.csv").is_file():
        return "sweep"
    if (path / "calibration.csv").is_file():
        return "calibration"
    if is_search_folder(path):
        return "search"
    raise InputError(f"not {FOLDERS} written by this tool", file=str(path))


FOLDERS = "a results, comparison, sweep, calibration or search folder"


def is_search_folder(path: Path) -> bool:
    """A folder ``sim search`` wrote: ``search.csv`` and a manifest of kind ``search``."""
    if not (path / "search.csv").is_file() or not (path / "manifest.json").is_file():
        return False
    try:
        manifest = read_json(path / "manifest.json")
    except InputError:
        return False
    return isinstance(manifest, dict) and manifest.get("kind") == "search"


def read_json(file: Path) -> Any:
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read JSON ({exc})", file=str(file)) from None


def comparison_runs(
    comparison: dict[str, Any], base: Path, manifest: dict[str, Any] | None = None
) -> list[RunInput]:
    """What a comparison was made from, one per scenario in its order: the results folders,
    and the scenario files it ran (with the comparison's run settings and KPI summaries);
    empty when any of them is no longer at hand. ``manifest`` is the comparison folder's."""
    runs = []
    for s in comparison.get("scenarios", []):
        source = Path(str(s.get("source", "")))
        found = [c for c in (source, base / source) if c.exists()]
        if s.get("kind") == "results" and found and is_results_folder(found[0]):
            run = read_run(found[0])
            run.name = str(s.get("label") or "")
        elif s.get("kind") == "scenario" and found and found[0].is_file():
            run = _scenario_run(s, found[0], manifest or {})
        else:
            return []
        runs.append(run)
    return runs


def _scenario_run(s: dict[str, Any], file: Path, manifest: dict[str, Any]) -> RunInput:
    """A scenario file a comparison ran: the file with the comparison's run settings, and
    the comparison's KPI summaries of it (no replication rows, no series)."""
    settings = RunSettings(
        replications=int(s["replications"]),
        seed=int(s["seed"]),
        horizon_days=float(s["horizon_days"]),
        warmup_days=float(s["warmup_days"]),
    )
    scenario = settings.apply(load_scenario(file))
    header = {
        "replications": int(s["replications"]),
        "seed": int(s["seed"]),
        "command": manifest.get("command"),
        "versions": manifest.get("versions"),
    }
    folder = ResultsFolder(file, header, {"scenario": s["label"], "kpis": s["kpis"]}, [])
    return RunInput(folder, scenario, {}, str(s["label"]))
