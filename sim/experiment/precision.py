"""Sequential replications: add replications until the KPIs are precise enough.

The relative-precision procedure (Law, *Simulation Modeling and Analysis*, §9.4.1): run
``n0`` replications, then keep adding until every chosen KPI's 95% t-interval half-width
is at most ``precision`` × |its mean|, or a cap is reached. Replications are numbered
0, 1, 2, ... exactly as in a fixed run (batches use ``first_replication``), so a run that
stopped at ``n`` replications has the same numbers as ``sim.run(..., replications=n)``.

Batches respect the workers: each adds at least one replication per worker, and jumps to
the number the current intervals suggest (``n × (half-width / target)²``), but never more
than doubles the count at once, so the run overshoots little. It also stops, early, when
the backlog grows without bound (see :mod:`sim.stability`): more replications of an
unstable run only measure its run length more precisely.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

from sim.errors import InputError
from sim.experiment.diagnostics import diagnostics
from sim.experiment.kpis import kpi_specs
from sim.experiment.runner import RunResult, run
from sim.experiment.settings import RunSettings
from sim.scenario.schema import Scenario
from sim.stats.summary import half_width, t_interval

DEFAULT_KPIS = ("allocation_days_mean", "end_to_end_days_mean")
DEFAULT_MAX_REPLICATIONS = 100
DEFAULT_MIN_REPLICATIONS = 5


def relative_half_widths(result: RunResult, kpis: Sequence[str]) -> dict[str, float | None]:
    """Each KPI's 95% half-width over |mean| (0 when both are 0; ``None`` unmeasured)."""
    out: dict[str, float | None] = {}
    # the plain t-interval, not the clipped one the summary shows
    summary = {name: t_interval(result.kpi_values(name)) for name in kpis}
    for name in kpis:
        s = summary[name]
        hw = half_width(s)
        if s["mean"] is None or hw is None:
            out[name] = None
        elif hw == 0:
            out[name] = 0.0
        elif s["mean"] == 0:
            out[name] = math.inf
        else:
            out[name] = hw / abs(s["mean"])
    return out


def merge(first: RunResult, second: RunResult) -> RunResult:
    """One run from two batches of the same scenario and seed (replications in order)."""
    reps = sorted([*first.replications, *second.replications], key=lambda r: r.index)
    scenario = RunSettings(replications=len(reps)).apply(first.scenario)
    merged = RunResult(
        scenario=scenario,
        seed=first.seed,
        specs=first.specs,
        replications=reps,
        wall_seconds=first.wall_seconds + second.wall_seconds,
        workers=first.workers,
    )
    merged.extra.update(diagnostics(merged))
    return merged


def _next_batch(n: int, rel: dict[str, float | None], precision: float, workers: int) -> int:
    worst = max((r for r in rel.values() if r is not None), default=math.inf)
    if math.isfinite(worst) and worst > 0:
        wanted = math.ceil(n * (worst / precision) ** 2) - n
    else:
        wanted = n
    step = min(max(wanted, workers), n)  # never more than double at once
    return max(workers, math.ceil(step / workers) * workers)


def run_to_precision(
    scenario: Scenario,
    precision: float = 0.05,
    kpis: Sequence[str] | None = None,
    max_replications: int = DEFAULT_MAX_REPLICATIONS,
    settings: RunSettings | None = None,
    **options: Any,
) -> RunResult:
    """Run replications of ``scenario`` until the KPIs' intervals are within ``precision``.

    Parameters
    ----------
    precision:
        Target half-width of each KPI's 95% interval as a share of its mean (0.05 = ±5%).
    kpis:
        KPI names to judge (default: allocation and end-to-end mean days).
    max_replications:
        The cap; the run stops there whether or not the target is met.
    settings, **options:
        Run settings as for :func:`sim.run`; ``replications`` is the number run before the
        first judgement (default 5, at least 2, at most the cap), and ``progress`` is called
        as ``progress(done, max_replications)``.

    Returns
    -------
    RunResult
        As :func:`sim.run` for the replications run, with ``extra["sequential"]``:
        ``{"precision", "kpis", "replications", "max_replications", "reached", "hit_cap",
        "stopped", "relative_half_widths"}``; ``stopped`` is ``"precision"``, ``"cap"`` or
        ``"unstable"``.
    """
    if not 0 < precision < 1:
        raise InputError(f"expected a share in (0, 1), got {precision:g}", key="--precision")
    if max_replications < 2:
        raise InputError(f"expected at least 2, got {max_replications}", key="--max-reps")
    settings = RunSettings.merge(settings, options)
    n0 = settings.replications if settings.replications is not None else DEFAULT_MIN_REPLICATIONS
    n0 = max(2, min(n0, max_replications))
    scenario = settings.but(replications=None).apply(scenario)
    kpis = _checked_kpis(scenario, kpis)
    started = time.perf_counter()

    def batch(first: int, count: int) -> RunResult:
        def report(done: int, _total: int) -> None:
            if settings.progress is not None:
                settings.progress(first + done, max_replications)

        return run(scenario, settings.but(replications=count, first_replication=first,
                                          progress=report))  # fmt: skip

    result = batch(0, n0)
    while True:
        n = len(result.replications)
        rel = relative_half_widths(result, kpis)
        judged = [r for r in rel.values() if r is not None]
        reached = bool(judged) and all(r <= precision for r in judged)
        unstable = bool(result.extra.get("stability", {}).get("unstable"))
        if reached or unstable or n >= max_replications:
            break
        count = min(_next_batch(n, rel, precision, settings.worker_count), max_replications - n)
        result = merge(result, batch(n, count))
    stopped = "precision" if reached else "unstable" if unstable else "cap"
    result.wall_seconds = time.perf_counter() - started
    result.extra["sequential"] = {
        "precision": precision,
        "kpis": kpis,
        "replications": n,
        "max_replications": max_replications,
        "reached": reached,
        "hit_cap": stopped == "cap",
        "stopped": stopped,
        "relative_half_widths": rel,
    }
    return result


def _checked_kpis(scenario: Scenario, kpis: Sequence[str] | None) -> list[str]:
    names = [s.name for s in kpi_specs(scenario)]
    chosen = list(kpis or DEFAULT_KPIS)
    unknown = [k for k in chosen if k not in names]
    if unknown:
        raise InputError(
            f"unknown KPI {unknown[0]!r} (see the KPI names in summary.csv)",
            key="--precision-kpis",
        )
    return chosen


def describe(info: dict[str, Any]) -> str:
    """One line for people: how many replications and why the run stopped."""
    rel = info["relative_half_widths"]
    parts = ", ".join(
        f"{k} ±{v:.1%}" if v is not None else f"{k} unmeasured" for k, v in rel.items()
    )
    n, target = info["replications"], info["precision"]
    if info["stopped"] == "precision":
        return f"precision: {n} replications reached ±{target:.0%} ({parts})"
    if info["stopped"] == "unstable":
        return f"precision: stopped at {n} replications, the backlog grows without bound ({parts})"
    return (
        f"precision: hit the cap of {info['max_replications']} replications without "
        f"reaching ±{target:.0%} ({parts})"
    )
