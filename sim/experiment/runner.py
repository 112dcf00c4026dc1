"""Replications of a scenario: seeding, executors, collecting KPIs.

Replication ``r`` of a run with seed ``s`` uses the streams of
``SeedSequence(s).spawn(r + 1)[r]``, whatever the executor or the number of workers, so
two scenarios run with the same seed share random numbers (common random numbers).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.experiment.executors import Executor, make_executor
from sim.experiment.kpis import KpiSpec, case_table, compute_kpis, kpi_specs
from sim.model import Streams, replication_seed, simulate
from sim.scenario.changes import with_changes
from sim.scenario.schema import Scenario
from sim.stats.stability import diagnostics
from sim.stats.summary import t_interval


@dataclass(frozen=True)
class ReplicationTask:
    scenario: Scenario
    seed: int
    index: int
    case_log: bool = False


@dataclass
class ReplicationResult:
    """One replication's KPIs, weekly series and (optionally) its case table."""

    index: int
    kpis: dict[str, float]
    timeseries: dict[str, np.ndarray]
    cases: dict[str, np.ndarray] | None
    wall_seconds: float
    referrals_simulated: int


def run_replication(task: ReplicationTask) -> ReplicationResult:
    """Simulate one replication and reduce it to KPIs (runs in a worker)."""
    started = time.perf_counter()
    streams = Streams(replication_seed(task.seed, task.index))
    records = simulate(task.scenario, streams)
    kpis = compute_kpis(records)
    cases = case_table(records) if task.case_log else None
    return ReplicationResult(
        index=task.index,
        kpis=kpis,
        timeseries=records.timeseries,
        cases=cases,
        wall_seconds=time.perf_counter() - started,
        referrals_simulated=int(records.referrals["referral_day"].size),
    )


@dataclass
class RunResult:
    """A finished run: the resolved scenario, each replication, and the summary."""

    scenario: Scenario
    seed: int
    specs: list[KpiSpec]
    replications: list[ReplicationResult]
    wall_seconds: float
    workers: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def kpi_names(self) -> list[str]:
        return [s.name for s in self.specs]

    def kpi_values(self, name: str) -> np.ndarray:
        """One KPI across replications, in replication order."""
        return np.array([r.kpis[name] for r in self.replications], dtype=float)

    @property
    def summary(self) -> dict[str, dict[str, Any]]:
        """``{kpi: {mean, std, ci_low, ci_high, n, better, description}}``.

        Every KPI is a count, a duration or a share, so its interval is clipped to its
        possible range (≥ 0, and ≤ 1 for ``_rate`` KPIs): with few replications a plain
        t-interval can otherwise cross those bounds.
        """
        out: dict[str, dict[str, Any]] = {}
        for spec in self.specs:
            s = clip_interval(t_interval(self.kpi_values(spec.name)), spec.name)
            out[spec.name] = {**s, "better": spec.better, "description": spec.description}
        return out

    def replication_rows(self) -> list[dict[str, Any]]:
        """One row per replication: its index and every KPI."""
        return [{"replication": r.index, **r.kpis} for r in self.replications]

    @property
    def referrals_simulated(self) -> int:
        return sum(r.referrals_simulated for r in self.replications)


def clip_interval(summary: dict[str, Any], name: str) -> dict[str, Any]:
    """The summary with its interval clipped to the KPI's possible range."""
    upper = 1.0 if name.endswith("_rate") or name == "detective_utilisation" else None
    for key in ("ci_low", "ci_high"):
        value = summary.get(key)
        if value is None:
            continue
        value = max(0.0, value)
        summary[key] = min(upper, value) if upper is not None else value
    return summary


def resolve_run_settings(
    scenario: Scenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    horizon_days: float | None = None,
    warmup_days: float | None = None,
    case_log: bool | None = None,
) -> Scenario:
    """The scenario with run settings replaced where given (so results record them)."""
    changes: dict[str, Any] = {}
    for path, value in (
        ("run.replications", replications),
        ("run.seed", seed),
        ("run.horizon_days", horizon_days),
        ("run.warmup_days", warmup_days),
        ("run.case_log", case_log),
    ):
        if value is not None:
            changes[path] = value
    return with_changes(scenario, changes, source="run options") if changes else scenario


def run(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = 1,
    *,
    horizon_days: float | None = None,
    warmup_days: float | None = None,
    case_log: bool | None = None,
    executor: Executor | None = None,
    address: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    first_replication: int = 0,
) -> RunResult:
    """Run replications of ``scenario`` and summarise them.

    Parameters
    ----------
    scenario:
        A loaded scenario (see :func:`sim.load_scenario`).
    replications, seed, horizon_days, warmup_days, case_log:
        Override the scenario's ``run`` settings.
    workers:
        Local processes (1 runs in this process; ``None`` uses one per core).
    executor, address:
        Run elsewhere: an executor object, or a Dask scheduler address.
    progress:
        Called as ``progress(done, total)`` after each replication.
    first_replication:
        Index of the first replication (to extend an earlier run with new replications).

    Returns
    -------
    RunResult
        Per-replication KPIs and their summary; never prints.
    """
    scenario = resolve_run_settings(
        scenario,
        replications=replications,
        seed=seed,
        horizon_days=horizon_days,
        warmup_days=warmup_days,
        case_log=case_log,
    )
    n = scenario.run.replications
    tasks = [
        ReplicationTask(scenario, scenario.run.seed, first_replication + i, scenario.run.case_log)
        for i in range(n)
    ]
    executor = executor or make_executor(workers, address)
    started = time.perf_counter()
    results: list[ReplicationResult | None] = [None] * n
    for done, (i, result) in enumerate(executor.map_indexed(run_replication, tasks), start=1):
        results[i] = result
        if progress is not None:
            progress(done, n)
    result = RunResult(
        scenario=scenario,
        seed=scenario.run.seed,
        specs=kpi_specs(scenario),
        replications=[r for r in results if r is not None],
        wall_seconds=time.perf_counter() - started,
        workers=workers,
    )
    # suggested warm-up (MSER-5) and backlog growth, from the weekly open-case series
    result.extra.update(diagnostics(result))
    return result


def summary_dict(result: RunResult) -> dict[str, Any]:
    """The ``summary.json`` document."""
    return {
        "scenario": result.scenario.name,
        "replications": len(result.replications),
        "seed": result.seed,
        "horizon_days": result.scenario.run.horizon_days,
        "warmup_days": result.scenario.run.warmup_days,
        "kpis": result.summary,
    }


def kpi_table(result: RunResult, names: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Summary rows for display: name, mean, interval, n, better."""
    rows = []
    for name, s in result.summary.items():
        if names is not None and name not in names:
            continue
        rows.append({"kpi": name, **s})
    return rows
