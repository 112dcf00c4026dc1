"""The results folder: written whole or not at all, and read back.

A run writes ``manifest.json``, ``scenario.yaml``, ``summary.json``, ``summary.csv``,
``replications.csv``, ``timeseries.csv`` and, when the case log is on, ``cases.csv``. Files
are first written to a temporary folder beside the target, which is then renamed into
place, so an interrupted or failed run never leaves half a folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import platform
import sys
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim.errors import InputError
from sim.experiment.runner import RunResult, summary_dict
from sim.output.folders import atomic_folder
from sim.scenario.changes import scenario_to_dict
from sim.stats.summary import percentile_band

RESULT_FILES = (
    "manifest.json",
    "scenario.yaml",
    "summary.json",
    "summary.csv",
    "replications.csv",
    "timeseries.csv",
)
SUMMARY_FIELDS = ("kpi", "mean", "std", "ci_low", "ci_high", "n", "better", "description")
DEPENDENCIES = ("simpy", "numpy", "scipy", "pydantic", "pyyaml", "typer", "rich")


def package_versions() -> dict[str, str]:
    """Versions of this package, Python and the dependencies, for the manifest."""
    versions = {"python": platform.python_version()}
    for name in ("caseflow-sim", *DEPENDENCIES):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _clean(value: Any) -> Any:
    """JSON-safe: nan → None, numpy scalars → Python."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(_clean(data), indent=2, allow_nan=False) + "\n", encoding="utf-8")


def write_csv(path: Path, rows: Iterable[Mapping[str, Any]], fields: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _csv_value(row.get(k)) for k in fields})


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    return value


def manifest(result: RunResult, command: list[str] | None = None) -> dict[str, Any]:
    """The ``manifest.json`` document."""
    sc = result.scenario
    wall = [r.wall_seconds for r in result.replications]
    return {
        "scenario": sc.name,
        "seed": result.seed,
        "replications": len(result.replications),
        "horizon_days": sc.run.horizon_days,
        "warmup_days": sc.run.warmup_days,
        "start_date": sc.run.start_date.isoformat(),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": command if command is not None else sys.argv,
        "versions": package_versions(),
        "timings": {
            "wall_seconds": result.wall_seconds,
            "replication_seconds_total": sum(wall),
            "replication_seconds_max": max(wall) if wall else None,
            "workers": result.workers,
            "referrals_simulated": result.referrals_simulated,
            "referrals_per_second": (
                result.referrals_simulated / result.wall_seconds if result.wall_seconds else None
            ),
        },
        "kpis": [
            {"name": s.name, "better": s.better, "description": s.description} for s in result.specs
        ],
        "extra": result.extra,
        "resolved_scenario": scenario_to_dict(sc),
    }


def timeseries_rows(result: RunResult) -> tuple[list[dict[str, Any]], list[str]]:
    """Weekly series with mean and 2.5–97.5% band across replications."""
    series = [r.timeseries for r in result.replications]
    if not series or "day" not in series[0]:
        return [], ["day"]
    length = min(len(s["day"]) for s in series)
    names = [k for k in series[0] if k != "day"]
    fields = ["day"]
    columns: dict[str, np.ndarray] = {"day": series[0]["day"][:length]}
    for name in names:
        stacked = np.vstack([s[name][:length] for s in series])
        mean, low, high = percentile_band(stacked)
        columns[f"{name}_mean"], columns[f"{name}_low"], columns[f"{name}_high"] = mean, low, high
        fields += [f"{name}_mean", f"{name}_low", f"{name}_high"]
    rows = [{f: float(columns[f][i]) for f in fields} for i in range(length)]
    return rows, fields


def _cases_rows(result: RunResult) -> tuple[list[dict[str, Any]], list[str]]:
    sc = result.scenario
    cats, risks = list(sc.categories), list(sc.risk_levels)
    rows: list[dict[str, Any]] = []
    fields: list[str] = []
    for rep in result.replications:
        if rep.cases is None:
            continue
        table = rep.cases
        fields = ["replication", *table]
        for i in range(len(table["id"])):
            row = {"replication": rep.index}
            for key, col in table.items():
                value = col[i]
                if key == "category":
                    value = cats[int(value)]
                elif key in ("true_risk", "triaged_risk"):
                    value = risks[int(value)]
                row[key] = value
            rows.append(row)
    return rows, fields


def write_results(
    result: RunResult,
    out: str | Path,
    *,
    force: bool = False,
    command: list[str] | None = None,
    extra_files: Mapping[str, str] | None = None,
) -> Path:
    """Write the results folder ``out`` whole, or raise and leave nothing behind.

    Raises :class:`InputError` if ``out`` exists and ``force`` is false.
    """
    out = Path(out)
    if out.exists() and not force:
        raise InputError(
            "results folder already exists (use --force to overwrite, or --out)", file=str(out)
        )
    with atomic_folder(out) as tmp:
        write_json(tmp / "manifest.json", manifest(result, command))
        (tmp / "scenario.yaml").write_text(
            yaml.safe_dump(scenario_to_dict(result.scenario), sort_keys=False), encoding="utf-8"
        )
        write_json(tmp / "summary.json", summary_dict(result))
        write_csv(
            tmp / "summary.csv",
            ({"kpi": k, **v} for k, v in result.summary.items()),
            list(SUMMARY_FIELDS),
        )
        write_csv(
            tmp / "replications.csv",
            result.replication_rows(),
            ["replication", *result.kpi_names],
        )
        rows, fields = timeseries_rows(result)
        write_csv(tmp / "timeseries.csv", rows, fields)
        if result.scenario.run.case_log:
            rows, fields = _cases_rows(result)
            write_csv(tmp / "cases.csv", rows, fields)
        for name, text in (extra_files or {}).items():
            (tmp / name).write_text(text, encoding="utf-8")
    return out


def is_results_folder(path: str | Path) -> bool:
    path = Path(path)
    return (
        path.is_dir() and (path / "summary.json").is_file() and (path / "manifest.json").is_file()
    )


def read_summary(path: str | Path) -> dict[str, Any]:
    """``summary.json`` of a results folder."""
    path = Path(path)
    if not is_results_folder(path):
        raise InputError("not a results folder (no summary.json and manifest.json)", file=str(path))
    try:
        return json.loads((path / "summary.json").read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON ({exc.msg})", file=str(path / "summary.json")) from None


def read_manifest(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if not is_results_folder(path):
        raise InputError("not a results folder (no summary.json and manifest.json)", file=str(path))
    return json.loads((path / "manifest.json").read_text(encoding="utf-8"))


def read_replications(path: str | Path) -> list[dict[str, float]]:
    """``replications.csv`` as a list of rows (KPI → value, ``nan`` for empty)."""
    path = Path(path) / "replications.csv"
    if not path.is_file():
        raise InputError("missing replications.csv", file=str(path.parent))
    with path.open(newline="", encoding="utf-8") as f:
        rows = []
        for row in csv.DictReader(f):
            rows.append({k: (float(v) if v != "" else math.nan) for k, v in row.items()})
    return rows
