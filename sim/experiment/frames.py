"""pandas DataFrames of results: typed tables for notebooks.

Every frame has a ``scenario`` column, numbers as ``float64`` (counts and indices as
``int64``), and beside every day column (simulated days since ``run.start_date``) a date
column as ``datetime64`` (the calendar date the day falls on). The builders take plain data
(summaries, rows, series), so a finished run, a results folder read back and the analyses
all give the same frames. pandas is imported here only, and only when a frame is asked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.experiment.dates import date_column, is_day_column

SUMMARY_NUMBERS = ("mean", "sd", "ci_low", "ci_high")


def typed(
    frame: pd.DataFrame, floats: Iterable[str] = (), ints: Iterable[str] = ()
) -> pd.DataFrame:
    """``frame`` with ``floats`` as ``float64`` (``None`` → ``nan``) and ``ints`` as ``int64``."""
    kinds = {c: "float64" for c in floats if c in frame} | {c: "int64" for c in ints if c in frame}
    return frame.astype(kinds) if kinds else frame


def add_date_columns(frame: pd.DataFrame, start: dt.date) -> pd.DataFrame:
    """``frame`` with a ``datetime64`` date column after every day column (``NaT`` if no day)."""
    out = frame.copy()
    for name in [c for c in frame.columns if is_day_column(str(c))]:
        target = date_column(str(name))
        days = np.floor(pd.to_numeric(out[name], errors="coerce").to_numpy(dtype=float))
        dates = pd.Timestamp(start) + pd.to_timedelta(days, unit="D")
        if target in out:
            out = out.drop(columns=target)
        out.insert(out.columns.get_loc(name) + 1, target, dates)
    return out


def summary_frame(kpis: Mapping[str, Mapping[str, Any]], scenario: str) -> pd.DataFrame:
    """One row per KPI: ``scenario``, ``kpi``, ``mean``, ``sd``, ``ci_low``, ``ci_high``
    (in the KPI's unit), ``n`` (replications), ``better`` and ``description``."""
    rows = [
        {
            "scenario": scenario,
            "kpi": name,
            "mean": s.get("mean"),
            "sd": s.get("std", s.get("sd")),
            "ci_low": s.get("ci_low"),
            "ci_high": s.get("ci_high"),
            "n": int(s.get("n") or 0),
            "better": str(s.get("better", "none")),
            "description": str(s.get("description", "")),
        }
        for name, s in kpis.items()
    ]
    columns = ["scenario", "kpi", *SUMMARY_NUMBERS, "n", "better", "description"]
    return typed(pd.DataFrame(rows, columns=columns), SUMMARY_NUMBERS, ["n"])


def replications_frame(
    rows: Sequence[Mapping[str, Any]], kpi_names: Sequence[str], scenario: str, seed: int
) -> pd.DataFrame:
    """One row per replication: ``scenario``, ``replication`` and the run's ``seed`` (int),
    then every KPI (float, in its own unit; ``nan`` where a replication measured nothing)."""
    table = [
        {
            "scenario": scenario,
            "replication": int(r["replication"]),
            "seed": int(seed),
            **{k: r.get(k) for k in kpi_names},
        }
        for r in rows
    ]
    columns = ["scenario", "replication", "seed", *kpi_names]
    frame = pd.DataFrame(table, columns=columns)
    frame = typed(frame, kpi_names, ["replication", "seed"])
    return frame.sort_values("replication", ignore_index=True)


def timeseries_frame(
    series: Iterable[tuple[int, Mapping[str, Sequence[float]]]], scenario: str, start: dt.date
) -> pd.DataFrame:
    """One row per replication × sampling day: ``scenario``, ``replication``, ``day``
    (simulated days), ``date`` (datetime64) and every series (open cases, staff in post,
    vacancy rates, ...) as float."""
    parts = []
    names: list[str] = []
    for index, values in series:
        part = pd.DataFrame({k: np.asarray(v, dtype=float) for k, v in values.items()})
        names = names or [c for c in part.columns if c != "day"]
        part.insert(0, "replication", int(index))
        parts.append(part)
    if not parts:
        frame = pd.DataFrame(columns=["replication", "day"])
    else:
        frame = pd.concat(parts, ignore_index=True)
    frame.insert(0, "scenario", scenario)
    frame = typed(frame, ["day", *names], ["replication"])
    return add_date_columns(frame, start)


def from_table(frame: pd.DataFrame, start: dt.date) -> pd.DataFrame:
    """A per-replication time-series table read from CSV, typed as :func:`timeseries_frame`."""
    data = frame.drop(columns=[c for c in ("date", "scenario") if c in frame])
    scenario = str(frame["scenario"].iloc[0]) if "scenario" in frame and len(frame) else ""
    groups = [
        (int(index), {c: part[c].to_numpy() for c in data.columns if c != "replication"})
        for index, part in data.groupby("replication", sort=True)
    ]
    return timeseries_frame(groups, scenario, start)


def table_frame(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    scenario: str,
    *,
    ints: Iterable[str] = (),
    keep: Iterable[str] = (),
) -> pd.DataFrame:
    """Row dicts as a frame with a leading ``scenario`` column.

    ``ints`` become ``Int64`` (nullable integers), ``keep`` keep the type pandas infers
    (text, parameter values); every other column is ``float64`` (``None`` → ``nan``).
    """
    ints, keep = set(ints), set(keep)
    frame = pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=list(columns))
    frame.insert(0, "scenario", scenario)
    floats = [c for c in columns if c not in ints | keep]
    frame = typed(frame, floats)
    kinds = {c: "Int64" for c in columns if c in ints}
    return frame.astype(kinds) if kinds else frame
