"""The starting backlog as a CSV file: open cases at day 0 by category, risk and stage."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.scenario.textfile import CSV_LIMIT_BYTES, read_text_file

BACKLOG_COLUMNS = ("category", "risk", "stage", "count", "age_days")


def read_backlog_csv(path: Path) -> list[dict[str, Any]]:
    """Read open cases at day 0 from a CSV with columns category, risk, stage, count, age_days.

    Values are checked against the scenario when it is validated; here only the shape of
    the file and its numbers are checked, with errors naming the file and the row. The
    file is UTF-8 (a byte-order mark, as Excel writes, is accepted) of at most
    :data:`~sim.scenario.textfile.CSV_LIMIT_BYTES` bytes.
    """
    text = read_text_file(path, limit_bytes=CSV_LIMIT_BYTES, key="initial_backlog")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in BACKLOG_COLUMNS if c not in header and c != "age_days"]
    if missing:
        raise InputError(
            f"missing column {missing[0]!r} (expected {', '.join(BACKLOG_COLUMNS)})",
            file=str(path),
        )
    try:
        return [_row(row, path, line) for line, row in enumerate(reader, start=2)]
    except csv.Error as exc:
        raise InputError(f"unreadable CSV ({exc})", file=str(path)) from None


def _row(row: dict[str, str], path: Path, line: int) -> dict[str, Any]:
    entry: dict[str, Any] = {c: (row.get(c) or "").strip() for c in ("category", "risk", "stage")}
    for column, kind in (("count", int), ("age_days", float)):
        raw = (row.get(column) or "").strip()
        if column == "age_days" and raw == "":
            continue
        try:
            entry[column] = kind(raw)
            if not math.isfinite(entry[column]):
                raise ValueError(raw)
        except ValueError:
            expected = "a whole number" if kind is int else "a number"
            raise InputError(
                f"expected {expected}, got {raw!r}", file=f"{path}: row {line}", key=column
            ) from None
    return entry
