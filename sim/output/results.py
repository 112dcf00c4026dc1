"""The results folder of a run: written whole or not at all, and read back.

A run writes ``manifest.json``, ``scenario.yaml``, ``summary.json``, ``summary.csv``,
``replications.csv``, ``timeseries.csv`` (mean and band across replications),
``replication_timeseries.csv`` (each replication's series) and, when the case log is on,
``cases.csv`` (through :mod:`sim.output.folders`, so an interrupted or failed run leaves
nothing and only the tool's own folders are ever replaced). Every CSV starts with a
``scenario`` column and has a date column beside every day column (``run.start_date`` is
day 0); the manifest gives the warm-up and measured period as days and dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.errors import InputError
from sim.experiment.dates import period_dates, with_date_fields, with_dates
from sim.experiment.runner import RunResult, summary_dict
from sim.output.files import write_csv, write_json, write_scenario
from sim.output.folders import Claim, OutputTarget, claim
from sim.output.manifest import manifest_header
from sim.scenario.changes import scenario_to_dict
from sim.scenario.textfile import CSV_LIMIT_BYTES, JSON_LIMIT_BYTES, read_text_file
from sim.stats.summary import percentile_band

if TYPE_CHECKING:
    import pandas as pd

SUMMARY_FIELDS = (
    "scenario", "kpi", "mean", "std", "ci_low", "ci_high", "n", "better", "description",
)  # fmt: skip


def run_manifest(result: RunResult, command: Sequence[str] | None = None) -> dict[str, Any]:
    """The ``manifest.json`` document of a run."""
    sc = result.scenario
    wall = [r.wall_seconds for r in result.replications]
    rate = result.referrals_simulated / result.wall_seconds if result.wall_seconds else None
    period = period_dates(sc.run.start_date, sc.run.warmup_days, sc.run.horizon_days)
    return {
        **manifest_header("results", command),
        "scenario": sc.name,
        "seed": result.seed,
        "replications": len(result.replications),
        "horizon_days": sc.run.horizon_days,
        "warmup_days": sc.run.warmup_days,
        "start_date": sc.run.start_date.isoformat(),
        "end_date": period["measured"]["end_date"],
        "periods": period,
        "timings": {
            "wall_seconds": result.wall_seconds,
            "replication_seconds_total": sum(wall),
            "replication_seconds_max": max(wall) if wall else None,
            "workers": result.workers,
            "referrals_simulated": result.referrals_simulated,
            "referrals_per_second": rate,
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
        return [], ["scenario", "day", "date"]
    length = min(len(s["day"]) for s in series)
    names = [k for k in series[0] if k != "day"]
    fields = ["day"]
    columns: dict[str, np.ndarray] = {"day": series[0]["day"][:length]}
    for name in names:
        stacked = np.vstack([s[name][:length] for s in series])
        mean, low, high = percentile_band(stacked)
        columns[f"{name}_mean"], columns[f"{name}_low"], columns[f"{name}_high"] = mean, low, high
        fields += [f"{name}_mean", f"{name}_low", f"{name}_high"]
    start, name = result.scenario.run.start_date, result.scenario.name
    rows = [
        {"scenario": name, **with_dates({f: float(columns[f][i]) for f in fields}, start)}
        for i in range(length)
    ]
    return rows, ["scenario", *with_date_fields(fields)]


def replication_timeseries_rows(result: RunResult) -> tuple[list[dict[str, Any]], list[str]]:
    """Each replication's sampled series: one row per replication × sampling day."""
    start, name = result.scenario.run.start_date, result.scenario.name
    rows: list[dict[str, Any]] = []
    fields: list[str] = ["day"]
    for rep in result.replications:
        series = rep.timeseries
        if "day" not in series:
            continue
        fields = ["day", *(k for k in series if k != "day")]
        for i in range(len(series["day"])):
            values = {k: float(series[k][i]) for k in fields}
            rows.append({"scenario": name, "replication": rep.index, **with_dates(values, start)})
    return rows, ["scenario", "replication", *with_date_fields(fields)]


def cases_rows(result: RunResult) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per case and replication, with the date of every day column."""
    sc = result.scenario
    cats, risks = list(sc.categories), list(sc.risk_levels)
    rows: list[dict[str, Any]] = []
    fields: list[str] = []
    for rep in result.replications:
        if rep.cases is None:
            continue
        table = rep.cases
        fields = ["scenario", "replication", *with_date_fields(table)]
        for i in range(len(table["id"])):
            row: dict[str, Any] = {"scenario": sc.name, "replication": rep.index}
            for key, col in table.items():
                value = col[i]
                if key == "category":
                    value = cats[int(value)]
                elif key in ("true_risk", "triaged_risk"):
                    value = risks[int(value)]
                row[key] = value
            rows.append(with_dates(row, sc.run.start_date))
    return rows, fields


def write_results(
    result: RunResult,
    out: str | Path | OutputTarget,
    *,
    force: bool = False,
    inputs: Iterable[Path] = (),
    extra_files: Mapping[str, str] | None = None,
) -> Path:
    """Write the results folder ``out`` whole, or raise and leave nothing behind.

    ``out`` is a folder path or an :class:`~sim.output.folders.OutputTarget` (which also
    carries ``force`` and the command for the manifest). Raises :class:`InputError` when the
    folder may not be written (it exists and ``force`` is false; it is not the tool's; it
    holds one of ``inputs``; another run holds it).
    """
    target = OutputTarget.of(out, force=force)
    assert target is not None
    with claim(target, kind="results", inputs=inputs) as claimed:
        return write_claimed_results(claimed, result, extra_files=extra_files)


def write_claimed_results(
    claimed: Claim, result: RunResult, *, extra_files: Mapping[str, str] | None = None
) -> Path:
    """Write the results of ``result`` into a folder claimed before the run started."""
    with claimed.writing() as tmp:
        write_json(tmp / "manifest.json", run_manifest(result, claimed.target.command))
        write_scenario(tmp / "scenario.yaml", result.scenario)
        write_json(tmp / "summary.json", summary_dict(result))
        name = result.scenario.name
        write_csv(
            tmp / "summary.csv",
            ({"scenario": name, "kpi": k, **v} for k, v in result.summary.items()),
            list(SUMMARY_FIELDS),
        )
        write_csv(
            tmp / "replications.csv",
            ({"scenario": name, **row} for row in result.replication_rows()),
            ["scenario", "replication", *result.kpi_names],
        )
        rows, fields = timeseries_rows(result)
        write_csv(tmp / "timeseries.csv", rows, fields)
        rows, fields = replication_timeseries_rows(result)
        write_csv(tmp / "replication_timeseries.csv", rows, fields)
        if result.scenario.run.case_log:
            rows, fields = cases_rows(result)
            write_csv(tmp / "cases.csv", rows, fields)
        for name, text in (extra_files or {}).items():
            (tmp / name).write_text(text, encoding="utf-8")
    return claimed.path


# reading --------------------------------------------------------------------------------
def is_results_folder(path: str | Path) -> bool:
    path = Path(path)
    return (
        path.is_dir() and (path / "summary.json").is_file() and (path / "manifest.json").is_file()
    )


@dataclass(frozen=True)
class ResultsFolder:
    """A results folder as read back: its manifest, summary and replication rows."""

    path: Path
    manifest: dict[str, Any]
    summary: dict[str, Any]
    rows: list[dict[str, float]]  # replications.csv, sorted by replication index

    @property
    def kpis(self) -> dict[str, dict[str, Any]]:
        return self.summary["kpis"]

    @property
    def scenario_name(self) -> str:
        return str(self.summary.get("scenario", self.manifest.get("scenario", self.path.name)))

    @property
    def start_date(self) -> dt.date:
        """Calendar date of day 0 (2014-01-01, the scenario default, if the manifest has none)."""
        text = self.manifest.get("start_date") or "2014-01-01"
        try:
            return dt.date.fromisoformat(str(text))
        except ValueError:
            file = str(self.path / "manifest.json")
            raise InputError("not a date", file=file, key="start_date") from None

    # DataFrames (pandas is imported on the first call) ----------------------------------
    def summary_frame(self) -> pd.DataFrame:
        """``summary.json`` as a DataFrame, one row per KPI (see :mod:`sim.experiment.frames`)."""
        from sim.experiment import frames

        return frames.summary_frame(self.kpis, self.scenario_name)

    def replications_frame(self) -> pd.DataFrame:
        """``replications.csv``: ``replication``, ``seed`` (int) and every KPI (float)."""
        from sim.experiment import frames

        seed = int(self.manifest["seed"])
        return frames.replications_frame(self.rows, list(self.kpis), self.scenario_name, seed)

    def timeseries_frame(self) -> pd.DataFrame:
        """``replication_timeseries.csv``: one row per replication × sampling day, with
        ``day`` and ``date`` (datetime64). Folders written before that file existed have
        only the band across replications and raise :class:`InputError`."""
        import pandas as pd

        from sim.experiment import frames

        file = self.path / "replication_timeseries.csv"
        if not file.is_file():
            raise InputError(
                "no replication_timeseries.csv (written by an older version; run it again)",
                file=str(self.path),
            )
        return frames.from_table(pd.read_csv(file), self.start_date)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a finite number")


def _read_json(file: Path) -> Any:
    """A results folder's JSON file; ``NaN`` and ``Infinity`` (never written) are refused."""
    text = read_text_file(file, limit_bytes=JSON_LIMIT_BYTES)
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON ({exc.msg})", file=str(file)) from None
    except (ValueError, RecursionError) as exc:
        message = "nesting too deep" if isinstance(exc, RecursionError) else str(exc)
        raise InputError(f"invalid JSON ({message})", file=str(file)) from None


def read_manifest(path: Path) -> dict[str, Any]:
    """``manifest.json`` of a results folder, with its run settings checked."""
    file = path / "manifest.json"
    data = _read_json(file)
    if not isinstance(data, dict):
        raise InputError("expected a JSON object", file=str(file))
    for key in ("seed", "horizon_days", "warmup_days"):
        if isinstance(data.get(key), bool) or not isinstance(data.get(key), int | float):
            raise InputError("missing or not a number", file=str(file), key=key)
    return data


TEXT_COLUMNS = frozenset({"scenario"})
"""Columns of ``replications.csv`` that hold text (left out of the rows read back)."""


def read_replications(path: str | Path) -> list[dict[str, float]]:
    """``replications.csv`` as a list of rows (KPI → value, ``nan`` for empty).

    The ``scenario`` column (absent from folders written by older versions) is left out.
    """
    file = Path(path) / "replications.csv"
    if not file.is_file():
        raise InputError("missing replications.csv", file=str(file.parent))
    text = read_text_file(file, limit_bytes=CSV_LIMIT_BYTES)
    rows = []
    try:
        for line, row in enumerate(csv.DictReader(io.StringIO(text, newline="")), start=2):
            rows.append(_numbers(row, line, file))
    except csv.Error as exc:
        raise InputError(f"unreadable CSV ({exc})", file=str(file)) from None
    return rows


def _numbers(row: Mapping[Any, Any], line: int, file: Path) -> dict[str, float]:
    """One replications.csv row as numbers: finite, or ``nan`` for an empty cell (text
    columns such as ``scenario`` left out)."""
    out: dict[str, float] = {}
    for key, raw in row.items():
        if key in TEXT_COLUMNS:
            continue
        value = math.nan
        if raw != "":
            try:
                value = float(raw)
            except (TypeError, ValueError):
                value = math.inf  # refused below, with the same message
            if key is None or not math.isfinite(value):
                raise InputError(
                    f"row {line}: expected finite numbers, got {raw!r}", file=str(file), key=key
                )
        out[key] = value
    return out


def read_results_folder(path: str | Path) -> ResultsFolder:
    """Read and check a results folder written by ``sim run``."""
    path = Path(path)
    if not is_results_folder(path):
        raise InputError(
            "not a results folder (no summary.json and manifest.json; write one with sim run)",
            file=str(path),
        )
    manifest = read_manifest(path)
    summary = _read_json(path / "summary.json")
    kpis = summary.get("kpis") if isinstance(summary, dict) else None
    if not isinstance(kpis, dict) or not kpis:
        raise InputError("no KPIs", file=str(path / "summary.json"), key="kpis")
    rows = read_replications(path)
    csv_file = str(path / "replications.csv")
    if not rows:
        raise InputError("no replications", file=csv_file)
    if any(not math.isfinite(r.get("replication", math.nan)) for r in rows):
        raise InputError("missing replication index", file=csv_file, key="replication")
    rows.sort(key=lambda r: r["replication"])
    missing = [name for name in kpis if name not in rows[0]]
    if missing:
        raise InputError(f"no column for KPI {', '.join(missing[:3])}", file=csv_file)
    return ResultsFolder(path, manifest, summary, rows)


def kpi_columns(folder: ResultsFolder) -> dict[str, np.ndarray]:
    """Each KPI across the folder's replications, in replication order."""
    return {name: np.array([r[name] for r in folder.rows], dtype=float) for name in folder.kpis}


def load_results(folder: str | Path) -> ResultsFolder:
    """A results folder written by ``sim run`` or :func:`write_results`, read back.

    Its ``.summary_frame()``, ``.replications_frame()`` and ``.timeseries_frame()`` give the
    same DataFrames as the :class:`~sim.experiment.runner.RunResult` that wrote it.
    """
    return read_results_folder(folder)
