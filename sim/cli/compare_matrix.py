"""The overview matrix of ``sim compare`` on a terminal: as many KPI columns as fit.

Cells are never wrapped: KPI columns that do not fit the terminal go into a further matrix
with the same rows; KPI names in the header break at their underscores.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from sim.compare.matrix import cell_text, correction_line, legend, row_label
from sim.compare.verdicts import MARKS

_STYLE = {MARKS["better"]: "green", MARKS["worse"]: "red"}


def _tokens(kpi: str) -> list[str]:
    """The KPI name cut after each underscore: ``a_b_c`` → ``a_``, ``b_``, ``c``."""
    parts = kpi.split("_")
    return [p + "_" for p in parts[:-1]] + parts[-1:]


def header(kpi: str, width: int) -> str:
    """The KPI name on lines of at most ``width`` characters, broken after underscores."""
    lines: list[str] = []
    for token in _tokens(kpi):
        if lines and len(lines[-1]) + len(token) <= width:
            lines[-1] += token
        else:
            lines.append(token)
    return "\n".join(lines)


def _column_width(result: dict[str, Any], index: int) -> int:
    """Widest cell of a KPI column, at least 8 and at least its longest name part."""
    kpi = result["matrix"]["kpis"][index]
    cells = [len(cell_text(row["cells"][index])) for row in result["matrix"]["rows"]]
    return max([8, *cells, *(len(t) for t in _tokens(kpi))])


def _label_width(result: dict[str, Any]) -> int:
    return max([len("scenario"), *(len(row_label(r)) for r in result["matrix"]["rows"])])


def _table(result: dict[str, Any], columns: list[int]) -> Table:
    matrix = result["matrix"]
    table = Table()
    table.add_column("scenario", no_wrap=True, width=_label_width(result))
    for i in columns:
        width = _column_width(result, i)
        table.add_column(
            header(matrix["kpis"][i], width), justify="right", no_wrap=True, width=width
        )
    for row in matrix["rows"]:
        texts = []
        for i in columns:
            text = cell_text(row["cells"][i])
            style = _STYLE.get(row["cells"][i]["mark"])
            texts.append(f"[{style}]{text}[/]" if style else text)
        table.add_row(row_label(row), *texts)
    return table


def matrix_tables(result: dict[str, Any], console: Console) -> list[Table]:
    """The matrix split into tables no wider than the console (at least one KPI each)."""
    matrix = result["matrix"]
    chunks: list[list[int]] = []
    used = 0  # characters of the current table: edges, padding, widths
    for i in range(len(matrix["kpis"])):
        extra = _column_width(result, i) + 3  # a border and a space each side
        if chunks and used + extra <= console.width:
            chunks[-1].append(i)
            used += extra
        else:
            chunks.append([i])
            used = 1 + (_label_width(result) + 3) + extra
    return [_table(result, chunk) for chunk in chunks]


def matrix_title(result: dict[str, Any]) -> str:
    """The line above the matrix: the baseline and the KPI that orders the rows."""
    return f"difference from {result['baseline']}, best first on {result['matrix']['order_by']}"


def matrix_footer(result: dict[str, Any]) -> list[str]:
    """The legend and the line on Holm's correction and ``--kpi``."""
    return [*legend(result["matrix"]), correction_line(result, short=True)]
