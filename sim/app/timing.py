"""How long a run on the page will take, said before it starts.

The cost of a run is its replication-days (replications × simulated days, warm-up
included) times the seconds one replication-day takes on one core, divided among the
worker processes. That cost is measured on every run the page makes and kept per scenario
in ``timing.json`` in the cache folder; before the first run it comes from the work-size
estimate (:mod:`sim.experiment.work_size`: expected events at a typical events per second).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from sim.experiment.runner import RunResult
from sim.experiment.work_size import EVENTS_PER_SECOND, estimate
from sim.scenario.schema import Scenario

TIMING_FILE = "timing.json"
DRAWING_SECONDS = 10.0
"""Seconds to compare the two runs and draw the figures after them before any was
measured (3–5 s on ``tests/data/small.yaml``, about 20 s on the baseline on a busy
machine); measured on every run too, under ``NAME/drawing``."""


def replication_days(applied: Scenario) -> float:
    """Replications × simulated days (warm-up and horizon) of a run, replication-days."""
    return applied.run.replications * applied.end_day


def estimated_rate(applied: Scenario) -> float:
    """Seconds of one core per replication-day from the work-size estimate."""
    size = estimate(applied)
    return size.events / EVENTS_PER_SECOND / max(applied.end_day, 1.0)


def measured_rate(result: RunResult) -> float:
    """Seconds of one core per replication-day a finished run took."""
    days = len(result.replications) * result.scenario.end_day
    busy = sum(r.wall_seconds for r in result.replications)
    return busy / days if days else math.nan


def read_rates(root: Path) -> dict[str, float]:
    """Measured seconds per replication-day by scenario name (empty before any run)."""
    try:
        data = json.loads((root / TIMING_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.items() if isinstance(v, int | float)}


def record_rate(root: Path, name: str, rate: float) -> None:
    """Keep ``rate`` (seconds per replication-day, or seconds of drawing under
    :func:`drawing_key`) for ``name``: the mean of the last value and this one, so one slow
    run does not set the estimate alone."""
    if not math.isfinite(rate) or rate <= 0:
        return
    rates = read_rates(root)
    rates[name] = (rates[name] + rate) / 2 if name in rates else rate
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".{TIMING_FILE}.tmp"
    tmp.write_text(json.dumps(rates, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(root / TIMING_FILE)


def drawing_key(base_name: str) -> str:
    """The key of ``timing.json`` under which drawing seconds of ``base_name`` are kept."""
    return f"{base_name}/drawing"


def drawing_for(root: Path, base_name: str) -> float:
    """Seconds to compare and draw the figures of ``base_name``, as measured (or a guess)."""
    return read_rates(root).get(drawing_key(base_name), DRAWING_SECONDS)


def rate_for(root: Path, base_name: str, applied: Scenario) -> tuple[float, bool]:
    """(seconds per replication-day, measured?) for runs of the scenario ``base_name``."""
    rates = read_rates(root)
    if base_name in rates:
        return rates[base_name], True
    return estimated_rate(applied), False


def estimate_seconds(
    runs: list[Scenario], rate: float, workers: int, drawing: float = DRAWING_SECONDS
) -> float:
    """Wall seconds to run each scenario of ``runs`` (settings applied) one after the other,
    each on up to ``workers`` processes, at ``rate`` seconds per replication-day, then to
    compare and draw them (``drawing`` seconds)."""
    total = drawing
    for applied in runs:
        reps = applied.run.replications
        rounds = math.ceil(reps / max(1, min(workers, reps)))
        total += rounds * applied.end_day * rate
    return total
