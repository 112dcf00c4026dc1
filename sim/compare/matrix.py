"""The overview of a comparison: scenario × KPI, each cell a difference and a verdict mark.

:func:`build_matrix` turns the rows of :func:`sim.compare.compare` into one matrix (JSON-ready)
with rows ordered by their effect on the first KPI (best first); :func:`cell_text` and
:func:`matrix_markdown` write it for people. Differences keep the KPI's unit: shares (``*_rate``)
in percentage points, durations in days (``d``) or hours (``h``), counts as plain numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from sim.compare.verdicts import MARKS, NO_DIFFERENCE

NOT_STARTED = "†"
LEGEND = "▲ better  ▼ worse  · no detectable difference  (n) replications to detect it"
NOT_STARTED_LEGEND = f"{NOT_STARTED} measures never started (see the note)"
# KPIs shown by default after any target KPIs and inspection substandard rates.
HEADLINE = ("substandard_rate", "allocation_days_mean", "open_cases_end", "harm_events")
MINUS = "\N{MINUS SIGN}"


def unit_of(kpi: str) -> str:
    """``share``, ``days``, ``hours`` or ``count``, from the KPI's name."""
    if kpi.endswith("_rate"):
        return "share"
    if "_days" in kpi or kpi.startswith("days"):
        return "days"
    if "_hours" in kpi:
        return "hours"
    return "count"


def signed(value: float | None, unit: str) -> str:
    """A difference with its sign and unit: ``−12.3pp``, ``+4.1d``, ``+0.5h``, ``−17``."""
    if value is None or not math.isfinite(value):
        return "–"
    suffix = {"share": "pp", "days": "d", "hours": "h"}.get(unit, "")
    if unit == "share":
        value *= 100  # percentage points
    size = abs(value)
    if unit == "share":
        text = f"{value:+.1f}"
    elif size >= 100 or (unit == "count" and value == round(value)):
        text = f"{value:+,.0f}"
    else:
        text = f"{value:+.1f}" if size >= 10 else f"{value:+.2f}"
    return text.replace("-", MINUS) + suffix


def needed_text(needed: int | None) -> str:
    """``(34)``: replications that would detect the difference; ``(10k+)`` beyond 9,999."""
    if needed is None:
        return ""
    return f"({needed})" if needed < 10_000 else "(10k+)"


def cell_text(cell: dict[str, Any]) -> str:
    """One cell as printed: difference, verdict mark and, where undetected, ``(n)``."""
    parts = [signed(cell["difference"], unit_of(cell["kpi"])), MARKS.get(cell["verdict"], "")]
    if cell["verdict"] == NO_DIFFERENCE:
        parts.append(needed_text(cell["replications_needed"]))
    return " ".join(p for p in parts if p)


def default_kpis(kpis: Sequence[dict[str, Any]], target_kpis: Sequence[str]) -> list[str]:
    """Targets' KPIs, then each inspection's substandard rate, then :data:`HEADLINE` KPIs.

    Only KPIs with a better direction that the comparison has; the first four KPIs with a
    direction when none of these is there.
    """
    directed = [k["kpi"] for k in kpis if k["better"] in ("lower", "higher")]
    inspections = [
        k
        for k in directed
        if k.endswith("_substandard_rate") and not k.startswith("rule_") and "_dual_" not in k
    ]
    chosen = [k for k in target_kpis if k in directed] + inspections
    chosen += [k for k in HEADLINE if k in directed]
    return list(dict.fromkeys(chosen)) or directed[:4]


def _effect(cell: dict[str, Any], better: str) -> float:
    """Sort key: the improvement first, undefined differences last."""
    value = cell["difference"]
    if value is None:
        return math.inf
    return -value if better == "higher" else value


def build_matrix(comparison: dict[str, Any], kpis: Sequence[str]) -> dict[str, Any]:
    """Scenario × KPI cells from a comparison's rows, best on the first KPI first.

    Returns ``{"kpis", "order_by", "rows"}``; each row has ``scenario``,
    ``measures_never_started`` and ``cells`` (``kpi``, ``difference``, ``verdict``, ``mark``,
    ``replications_needed``, in the KPI's unit).
    """
    better = {k["kpi"]: k["better"] for k in comparison["kpis"]}
    by_key = {(r["scenario"], r["kpi"]): r for r in comparison["comparisons"]}
    rows = []
    for s in comparison["scenarios"][1:]:
        cells = []
        for kpi in kpis:
            r = by_key[(s["label"], kpi)]
            cells.append(
                {
                    "kpi": kpi,
                    "difference": r["difference"],
                    "verdict": r["verdict"],
                    "mark": MARKS.get(r["verdict"], ""),
                    "replications_needed": r["replications_needed"],
                }
            )
        rows.append(
            {
                "scenario": s["label"],
                "measures_never_started": s["measures_never_started"],
                "cells": cells,
            }
        )
    if kpis:
        rows.sort(key=lambda row: _effect(row["cells"][0], better[kpis[0]]))
    return {"kpis": list(kpis), "order_by": kpis[0] if kpis else None, "rows": rows}


def legend(matrix: dict[str, Any]) -> list[str]:
    """The legend of the marks: one line, and one for :data:`NOT_STARTED` if a row has it."""
    flagged = any(row["measures_never_started"] for row in matrix["rows"])
    return [LEGEND] + ([NOT_STARTED_LEGEND] if flagged else [])


def row_label(row: dict[str, Any]) -> str:
    """The scenario, marked :data:`NOT_STARTED` when its measures never started."""
    return row["scenario"] + (f" {NOT_STARTED}" if row["measures_never_started"] else "")


def correction_line(comparison: dict[str, Any], *, short: bool = False) -> str:
    """How many tests Holm's correction covers, and what ``--kpi`` does to it.

    ``short``: at most 80 characters for a terminal.
    """
    tests = comparison["multiple_testing"]["tests"]
    scenarios = len(comparison["scenarios"]) - 1
    kpis = sum(1 for k in comparison["kpis"] if k["better"] in ("lower", "higher"))
    tested = f"{tests} {_plural(tests, 'test')}"
    across = f"{scenarios} {_plural(scenarios, 'scenario')}"
    if short:
        kpi_count = f"{kpis} {_plural(kpis, 'KPI')}"
        return f"Holm over {tested} ({kpi_count} × {across}); fewer --kpi → milder correction"
    return (
        f"Verdicts use Holm's correction over {tested} ({kpis} KPIs with a better direction "
        f"× {across}): --kpi compares fewer KPIs, so fewer tests and a milder correction"
    )


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


def matrix_markdown(comparison: dict[str, Any]) -> list[str]:
    """The matrix as a Markdown section, with its legend and the correction line."""
    matrix = comparison["matrix"]
    if not matrix["rows"] or not matrix["kpis"]:
        return []
    lines = [
        "",
        f"## Overview: difference from {comparison['baseline']}",
        "",
        f"Rows ordered by the effect on {matrix['order_by']} (best first). "
        f"{'; '.join(legend(matrix))}. "
        "Shares in percentage points (pp), durations in days (d) or hours (h).",
        "",
        "| scenario | " + " | ".join(matrix["kpis"]) + " |",
        "|---|" + "---:|" * len(matrix["kpis"]),
    ]
    for row in matrix["rows"]:
        cells = " | ".join(cell_text(c) for c in row["cells"])
        lines.append(f"| {row_label(row)} | {cells} |")
    lines += ["", correction_line(comparison) + "."]
    return lines
