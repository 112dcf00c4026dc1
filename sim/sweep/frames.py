"""A sweep's tables as DataFrames (see :class:`~sim.sweep.definition.SweepResult`).

Each frame starts with ``scenario`` (the base scenario's name); parameter columns keep the
type pandas infers from their values (numbers, or text and booleans for listed values);
KPIs, means and intervals are ``float64`` in the KPI's unit; indices are integers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.experiment.frames import table_frame

if TYPE_CHECKING:
    import pandas as pd

    from sim.sweep.definition import SweepResult

TEXT = ("block", "varied", "kpi", "parameter", "level", "value", "base_value")
INTS = ("point", "row", "replication", "n", "rows", "points")


def _frame(result: SweepResult, rows: list[dict], columns: list[str]) -> pd.DataFrame:
    keep = [*TEXT, *result.parameter_names]
    name = result.definition.scenario.name
    return table_frame(rows, columns, name, ints=[c for c in INTS if c in columns], keep=keep)


def points_frame(result: SweepResult) -> pd.DataFrame:
    """One row per point: ``point``, ``block``, ``row``, ``varied`` and every parameter."""
    columns = ["point", "block", "row", "varied", *result.parameter_names]
    return _frame(result, result.points, columns)


def runs_frame(result: SweepResult) -> pd.DataFrame:
    """One row per point × replication: the parameters and every KPI."""
    columns = ["point", "replication", *result.parameter_names, *result.kpi_names]
    return _frame(result, result.runs, columns)


def summary_frame(result: SweepResult) -> pd.DataFrame:
    """One row per point × KPI: ``mean``, ``sd``, ``ci_low``, ``ci_high`` and ``n``."""
    rows = [{**r, "sd": r.get("std")} for r in result.summary]
    columns = ["point", *result.parameter_names, "kpi", "mean", "sd", "ci_low", "ci_high", "n"]
    return _frame(result, rows, columns)


def sensitivity_frame(result: SweepResult) -> pd.DataFrame:
    """``sensitivity.csv``: oat changes from the base, Sobol indices or rank correlations."""
    rows = result.sensitivity
    columns = list(rows[0]) if rows else ["kpi", "parameter"]
    return _frame(result, rows, columns)
