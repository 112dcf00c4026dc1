"""Golden results of the regression scenario: exact KPIs of each replication.

``tests/data/regression.yaml`` is small but every mechanism of the model fires in it. Its
per-replication KPIs and weekly-series totals are stored in ``golden/regression.json``;
``test_golden.py`` recomputes them and asks for bit-identical numbers, so any change to the
model, the random streams or the KPI arithmetic shows up.

A change that alters them on purpose is made by regenerating the file with::

    python -m tests.regression.update_golden          # shows what would change
    python -m tests.regression.update_golden --write  # writes it

and the printed differences (and the file's diff) are reviewed in the commit.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

import sim

HERE = Path(__file__).parent
SCENARIO = HERE.parent / "data" / "regression.yaml"
GOLDEN = HERE / "golden" / "regression.json"


def _number(value: float) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


def compute() -> dict[str, Any]:
    """The golden document for the current code: one entry per replication."""
    scenario = sim.load_scenario(SCENARIO)
    result = sim.run(scenario, workers=1)
    reps = []
    for rep in result.replications:
        series = {
            name: {"total": _number(np.sum(values)), "last": _number(values[-1])}
            for name, values in rep.timeseries.items()
        }
        reps.append(
            {
                "replication": rep.index,
                "referrals_simulated": rep.referrals_simulated,
                "kpis": {name: _number(value) for name, value in rep.kpis.items()},
                "timeseries": series,
            }
        )
    return {
        "scenario": scenario.name,
        "seed": scenario.run.seed,
        "replications": reps,
    }


def load() -> dict[str, Any]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Every value that differs: (where, stored, computed)."""
    out: list[tuple[str, Any, Any]] = []

    def walk(a: Any, b: Any, where: str) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b), key=str):
                walk(a.get(key, "<missing>"), b.get(key, "<missing>"), f"{where}.{key}")
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                walk(x, y, f"{where}[{i}]")
        elif a != b:
            out.append((where.lstrip("."), a, b))

    walk(old, new, "")
    return out


def dump(doc: dict[str, Any]) -> str:
    # json writes floats with repr, so they read back bit-identical
    return json.dumps(doc, indent=1, sort_keys=False) + "\n"
