"""Replications of a scenario: seeding, executors, collecting KPIs.

Replication ``r`` of a run with seed ``s`` uses the streams of
``SeedSequence(s).spawn(r + 1)[r]``, whatever the executor or the number of workers, so
two scenarios run with the same seed share random numbers (common random numbers).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.experiment.diagnostics import diagnostics
from sim.experiment.failures import ReplicationError
from sim.experiment.kpis import KpiSpec, case_table, compute_kpis, kpi_specs
from sim.experiment.settings import RunSettings
from sim.experiment.work_size import check_work_size
from sim.model import replication_seed, simulate
from sim.scenario.schema import Scenario
from sim.stats.summary import t_interval

if TYPE_CHECKING:
    import pandas as pd


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
    try:
        seed = replication_seed(task.seed, task.index)
        records = simulate(task.scenario, seed)  # frees the model before its records
        kpis = compute_kpis(records)
        cases = case_table(records) if task.case_log else None
    except Exception as exc:  # named with its index and seed, so it can be run alone
        detail = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
        raise ReplicationError(task.index, task.seed, task.scenario.name, detail) from exc
    return ReplicationResult(
        index=task.index,
        kpis=kpis,
        timeseries=records.timeseries,
        cases=cases,
        wall_seconds=time.perf_counter() - started,
        referrals_simulated=records.referrals.simulated,
    )


@dataclass
class RunResult:
    """A finished run: the resolved scenario, each replication, and the summary."""

    scenario: Scenario
    seed: int
    specs: list[KpiSpec]
    replications: list[ReplicationResult]
    wall_seconds: float
    workers: str | None = None  # where the replications ran, in words
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

    # DataFrames (pandas is imported on the first call) ----------------------------------
    def summary_frame(self) -> pd.DataFrame:
        """The summary as a DataFrame, one row per KPI (see :mod:`sim.experiment.frames`)."""
        from sim.experiment import frames

        return frames.summary_frame(self.summary, self.scenario.name)

    def replications_frame(self) -> pd.DataFrame:
        """One row per replication: ``replication``, ``seed`` (int) and every KPI (float)."""
        from sim.experiment import frames

        rows = self.replication_rows()
        return frames.replications_frame(rows, self.kpi_names, self.scenario.name, self.seed)

    def timeseries_frame(self) -> pd.DataFrame:
        """One row per replication × sampling day, with ``day`` and ``date`` (datetime64)."""
        from sim.experiment import frames

        series = [(r.index, r.timeseries) for r in self.replications]
        return frames.timeseries_frame(series, self.scenario.name, self.scenario.run.start_date)


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


def run(scenario: Scenario, settings: RunSettings | None = None, **options: Any) -> RunResult:
    """Run replications of ``scenario`` and summarise them.

    Parameters
    ----------
    scenario:
        A loaded scenario (see :func:`sim.load_scenario`).
    settings, **options:
        A :class:`~sim.experiment.settings.RunSettings`, and/or its fields as keywords
        (``replications``, ``seed``, ``horizon_days``, ``warmup_days``, ``case_log``,
        ``workers``, ``address``, ``executor``, ``progress``, ``first_replication``,
        ``until`` (a date or inspection name the run must cover, instead of a horizon),
        ``strict``, ``allow_large``); unset ones fall back to the scenario's ``run:`` section
        and one worker per core. A run over the work-size limit is refused before its first
        event (see :mod:`sim.experiment.work_size`) unless ``allow_large``.

    Returns
    -------
    RunResult
        Per-replication KPIs and their summary; never prints. ``extra["schedule_warnings"]``
        lists the measures, inspections and surges that start after the run's end (they
        never happen); with ``strict`` they are an :class:`~sim.errors.InputError` instead.
    """
    settings = RunSettings.merge(settings, options)
    scenario = settings.apply(scenario)
    check_work_size(scenario, allow_large=bool(settings.allow_large))
    schedule_warnings = settings.schedule_warnings(scenario)
    n = scenario.run.replications
    first = settings.first_replication
    tasks = [
        ReplicationTask(scenario, scenario.run.seed, first + i, scenario.run.case_log)
        for i in range(n)
    ]
    started = time.perf_counter()
    results: list[ReplicationResult | None] = [None] * n
    runner = settings.make_executor().map_indexed(run_replication, tasks)
    try:
        for done, (i, result) in enumerate(runner, start=1):
            results[i] = result
            if settings.progress is not None:
                settings.progress(done, n)
    finally:  # a loop left early (a signal, a failure) stops the workers at once
        close = getattr(runner, "close", None)
        if close is not None:
            close()
    result = RunResult(
        scenario=scenario,
        seed=scenario.run.seed,
        specs=kpi_specs(scenario),
        replications=[r for r in results if r is not None],
        wall_seconds=time.perf_counter() - started,
        workers=settings.executor_label(),
    )
    # suggested warm-up (MSER-5) and backlog growth, from the weekly open-case series
    result.extra.update(diagnostics(result))
    # measures, inspections and surges after the run's end (never silent; for manifests)
    result.extra["schedule_warnings"] = schedule_warnings
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
