"""Writing the files of an output folder: JSON, CSV and YAML, the same way everywhere.

Numbers are written so they read back bit-identical (``repr`` of floats); ``nan`` is an empty
CSV cell and ``null`` in JSON; numpy scalars become Python numbers.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim.scenario.changes import scenario_to_dict
from sim.scenario.schema import Scenario


def json_safe(value: Any) -> Any:
    """JSON-safe data: ``nan`` → ``None``, numpy scalars → Python, tuples → lists."""
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def json_text(data: Any) -> str:
    """``data`` as indented JSON text (see :func:`json_safe`)."""
    return json.dumps(json_safe(data), indent=2, allow_nan=False) + "\n"


def write_json(path: Path, data: Any) -> None:
    path.write_text(json_text(data), encoding="utf-8")


def csv_value(value: Any) -> Any:
    """A CSV cell: empty for ``None`` and ``nan``, floats by ``repr``."""
    if value is None:
        return ""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    return value


def write_csv(path: Path, rows: Iterable[Mapping[str, Any]], fields: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: csv_value(row.get(k)) for k in fields})


def write_scenario(path: Path, scenario: Scenario) -> None:
    """The resolved scenario as a YAML file that loads back as the same scenario."""
    text = yaml.safe_dump(scenario_to_dict(scenario), sort_keys=False)
    path.write_text(text, encoding="utf-8")
