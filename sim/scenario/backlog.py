"""The starting backlog as a CSV file: open cases at day 0 by category, risk and stage."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sim.errors import InputError

BACKLOG_COLUMNS = ("category", "risk", "stage", "count", "age_days")


def read_backlog_csv(path: Path) -> list[dict[str, Any]]:
    """Read open cases at day 0 from a CSV with columns category, risk, stage, count, age_days.

    Values are checked against the scenario when it is validated; here only the shape of
    the file and its numbers are checked, with errors naming the file and the row.
    """
    if not path.is_file():
        raise InputError("file not found", file=str(path), key="initial_backlog")
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        missing = [c for c in BACKLOG_COLUMNS if c not in header and c != "age_days"]
        if missing:
            raise InputError(
                f"missing column {missing[0]!r} (expected {', '.join(BACKLOG_COLUMNS)})",
                file=str(path),
            )
        return [_row(row, path, line) for line, row in enumerate(reader, start=2)]


def _row(row: dict[str, str], path: Path, line: int) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "category": row["category"].strip(),
        "risk": row["risk"].strip(),
        "stage": row["stage"].strip(),
    }
    for column, kind in (("count", int), ("age_days", float)):
        raw = (row.get(column) or "").strip()
        if column == "age_days" and raw == "":
            continue
        try:
            entry[column] = kind(raw)
        except ValueError:
            expected = "a whole number" if kind is int else "a number"
            raise InputError(
                f"expected {expected}, got {raw!r}", file=f"{path}: row {line}", key=column
            ) from None
    return entry
