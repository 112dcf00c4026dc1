"""Sensitivity sweeps: a design of scenario variants, each replicated, as tidy tables.

Every point of a sweep is the base scenario with some values changed
(:func:`sim.with_changes`) and runs with the same seed, so replication ``r`` of every point
shares random numbers (common random numbers). Each (point, replication) pair is one
independent task on the executor (in this process, local processes or a Dask cluster);
results are sorted by point and replication, so the tables are bit-identical whatever
runs them. Points with identical values are simulated once.

With ``out``, each finished task is kept in ``OUT.partial/`` as it completes; running the
same sweep again computes only the missing tasks, and the results folder appears whole
when every task is done (see :mod:`sim.sweep.store`).
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import InputError
from sim.experiment.kpis import KpiSpec, kpi_specs
from sim.experiment.runner import ReplicationTask, run_replication
from sim.experiment.settings import RunSettings
from sim.experiment.work_size import check_estimate, combined, estimate
from sim.output.folders import OutputTarget, claim
from sim.output.interrupts import Interrupted
from sim.scenario.changes import scenario_to_dict, with_changes
from sim.scenario.schema import Scenario
from sim.stats.summary import t_interval
from sim.sweep.definition import SweepDefinition, SweepPlan, SweepResult
from sim.sweep.design import make_design, make_parameter, parse_vary
from sim.sweep.sensitivity import BOOTSTRAP, oat_rows, rank_rows, sobol_rows
from sim.sweep.store import SweepStore

VarySpec = Mapping[str, Any] | Sequence[str]


@dataclass(frozen=True)
class SweepTask:
    point: int
    replication: int
    scenario: Scenario
    seed: int


def run_sweep_task(task: SweepTask) -> dict[str, Any]:
    """Simulate one (point, replication) and keep its KPIs (runs in a worker)."""
    result = run_replication(ReplicationTask(task.scenario, task.seed, task.replication))
    return {
        "point": task.point,
        "replication": task.replication,
        "kpis": {k: float(v) for k, v in result.kpis.items()},
        "wall_seconds": result.wall_seconds,
    }


def _vary_items(vary: VarySpec) -> list[tuple[str, Any]]:
    if isinstance(vary, Mapping):
        return [(str(k), v) for k, v in vary.items()]
    if isinstance(vary, str):
        vary = [vary]
    return [parse_vary(v) for v in vary]


def define_sweep(
    scenario: Scenario,
    vary: VarySpec,
    method: str = "oat",
    *,
    samples: int | None = None,
    levels: int | None = None,
    settings: RunSettings | None = None,
    source: str = "--vary",
) -> SweepDefinition:
    """Check every varied path against ``scenario`` and read its range or values.

    The base scenario takes the run settings (replications per point, seed, horizon,
    warm-up); errors name ``source`` (``--vary`` or the sweep file).
    """
    base = (settings or RunSettings()).but(case_log=None).apply(scenario)
    data = scenario_to_dict(base)
    items = _vary_items(vary)
    paths = [p for p, _ in items]
    for p in paths:
        if paths.count(p) > 1:
            raise InputError("varied more than once", file=source, key=p)
    params = tuple(make_parameter(data, path, spec, source=source) for path, spec in items)
    return SweepDefinition(base, params, method, samples, levels)


def make_plan(definition: SweepDefinition, *, source: str = "sweep") -> SweepPlan:
    """Build and validate every point's scenario before anything runs."""
    d = definition
    points = make_design(d.method, d.parameters, samples=d.samples, levels=d.levels, seed=d.seed)
    first: dict[str, int] = {}
    canonical, scenarios = [], {}
    for i, point in enumerate(points):
        key = json.dumps([point.values[p.path] for p in d.parameters], default=str)
        if key not in first:
            first[key] = i
            scenarios[i] = with_changes(d.scenario, point.values, source=f"{source}: point {i}")
        canonical.append(first[key])
    return SweepPlan(definition, points, canonical, scenarios)


def _kpi_union(scenarios: Sequence[Scenario]) -> list[KpiSpec]:
    seen: dict[str, KpiSpec] = {}
    for sc in scenarios:
        for spec in kpi_specs(sc):
            seen.setdefault(spec.name, spec)
    return list(seen.values())


def build_tables(
    plan: SweepPlan, done: Mapping[tuple[int, int], Mapping[str, Any]], *, bootstrap: int
) -> tuple[list[KpiSpec], dict[str, list[dict[str, Any]]]]:
    """The points, runs, summary and sensitivity tables from every task's KPIs."""
    d = plan.definition
    names = [p.path for p in d.parameters]
    specs = _kpi_union([plan.scenarios[i] for i in sorted(plan.scenarios)])
    kpis = [s.name for s in specs]
    reps = d.replications
    values = {k: np.full((len(plan.points), reps), np.nan) for k in kpis}
    points, runs, summary = [], [], []
    for i, point in enumerate(plan.points):
        params = {n: point.values[n] for n in names}
        points.append(
            {"point": i, "block": point.block, "row": point.row, "varied": point.varied, **params}
        )
        for r in range(reps):
            task_kpis = done[(plan.canonical[i], r)]["kpis"]
            row = {k: float(task_kpis.get(k, np.nan)) for k in kpis}
            runs.append({"point": i, "replication": r, **params, **row})
            for k in kpis:
                values[k][i, r] = row[k]
        for k in kpis:
            summary.append({"point": i, **params, "kpi": k, **t_interval(values[k][i])})
    if d.method == "oat":
        sensitivity = oat_rows(plan.points, values, kpis)
    elif d.method == "sobol":
        sensitivity = sobol_rows(plan.points, names, values, kpis, bootstrap=bootstrap, seed=d.seed)
    else:
        sensitivity = rank_rows(plan.points, d.parameters, values, kpis)
    return specs, {"points": points, "runs": runs, "summary": summary, "sensitivity": sensitivity}


def sweep(
    scenario: Scenario,
    vary: VarySpec,
    method: str = "oat",
    *,
    samples: int | None = None,
    levels: int | None = None,
    out: str | Path | OutputTarget | None = None,
    settings: RunSettings | None = None,
    **options: Any,
) -> SweepResult:
    """Run a sensitivity sweep of ``scenario`` and return its tables.

    Parameters
    ----------
    scenario:
        The base scenario (see :func:`sim.load_scenario`).
    vary:
        ``{path: spec}`` or ``["path=spec", ...]``. A spec is ``"lo:hi[:step]"``,
        ``{"low": lo, "high": hi, "step": s}`` or a ``(lo, hi[, step])`` tuple for a
        numeric range; ``"a,b,c"`` or a list for explicit values.
    method:
        ``"grid"`` (needs steps or ``levels``), ``"oat"`` (one at a time around the
        scenario's own values), ``"lhs"`` or ``"sobol"`` (need ``samples``; Sobol runs
        ``samples × (parameters + 2)`` points).
    samples, levels:
        Points of an lhs design / base rows of a Sobol design; grid levels per numeric
        parameter without a step.
    out:
        Write the results folder there (resumable through ``OUT.partial/``): a path, or an
        :class:`~sim.output.folders.OutputTarget`. ``force=True`` among the keywords
        overwrites a finished folder and discards an unfinished sweep of another definition.
    settings, **options:
        Run settings as for :func:`sim.run` (``replications`` per point, ``seed``,
        ``workers``, ``address``, ``executor``, ``progress`` over the point × replication
        tasks).

    Returns
    -------
    SweepResult
        ``.points``, ``.runs``, ``.summary``, ``.sensitivity`` and ``.manifest``; never prints.
    """
    target = OutputTarget.of(out, force=bool(options.pop("force", False)))
    run_settings = RunSettings.merge(settings, options)
    definition = define_sweep(
        scenario, vary, method, samples=samples, levels=levels, settings=run_settings
    )
    return run_sweep(definition, run_settings, out=target)


def run_sweep(
    definition: SweepDefinition,
    settings: RunSettings,
    *,
    out: OutputTarget | None = None,
    source: str = "--vary",
) -> SweepResult:
    """Run every (point, replication) task of ``definition`` that is not already done."""
    plan = make_plan(definition, source=source)  # every point is checked before any claim
    check_plan_size(plan, settings, source=source)
    if out is None:
        return _execute(plan, settings, None)
    with claim(out, kind="sweep") as claimed:
        store = SweepStore(claimed, definition)
        try:
            return _execute(plan, settings, store)
        except Interrupted as exc:  # the finished tasks stay, for the same command to resume
            if store.work.is_dir():
                exc.kept.append(store.work)
            raise


def check_plan_size(plan: SweepPlan, settings: RunSettings, *, source: str) -> None:
    """Refuse a sweep whose total work is over the limit (see :mod:`sim.experiment.work_size`)."""
    per_point = Counter(p for p, _ in plan.tasks)
    sizes = [
        dataclasses.replace(estimate(plan.scenarios[p]), replications=n)
        for p, n in per_point.items()
    ]
    check_estimate(combined(sizes), allow_large=bool(settings.allow_large), source=source)


def _execute(plan: SweepPlan, settings: RunSettings, store: SweepStore | None) -> SweepResult:
    started = time.perf_counter()
    definition = plan.definition
    tasks = plan.tasks
    done = store.load(set(tasks)) if store else {}
    resumed = len(done)
    progress = settings.progress
    if progress is not None:
        progress(resumed, len(tasks))
    todo = [t for t in tasks if t not in done]
    if todo:
        jobs = [SweepTask(p, r, plan.scenarios[p], definition.seed) for p, r in todo]
        runner = settings.make_executor().map_indexed(run_sweep_task, jobs)
        try:
            for count, (_, res) in enumerate(runner, start=resumed + 1):
                done[(res["point"], res["replication"])] = res
                if store is not None:
                    store.save(res)
                if progress is not None:
                    progress(count, len(tasks))
        finally:
            close = getattr(runner, "close", None)
            if close is not None:
                close()
    specs, tables = build_tables(plan, done, bootstrap=BOOTSTRAP)
    manifest = _manifest(plan, done, settings, resumed, time.perf_counter() - started)
    manifest["kpis"] = [
        {"name": s.name, "better": s.better, "description": s.description} for s in specs
    ]
    result = SweepResult(definition, kpis=specs, manifest=manifest, **tables)
    if store is not None:
        result.out = store.finish(result)
    return result


def _manifest(
    plan: SweepPlan,
    done: Mapping[tuple[int, int], Mapping[str, Any]],
    settings: RunSettings,
    resumed: int,
    wall_seconds: float,
) -> dict[str, Any]:
    definition = plan.definition
    return {
        "kind": "sweep",
        **definition.to_dict(),
        "horizon_days": definition.scenario.run.horizon_days,
        "warmup_days": definition.scenario.run.warmup_days,
        "points": len(plan.points),
        "distinct_points": len(plan.scenarios),
        "tasks": len(plan.tasks),
        "tasks_resumed": resumed,
        "definition_sha256": definition.digest(),
        "timings": {
            "wall_seconds": wall_seconds,
            "task_seconds_total": sum(done[t]["wall_seconds"] for t in plan.tasks),
            "executor": settings.executor_label(),
        },
        "sensitivity_method": SENSITIVITY_NOTES[definition.method],
    }


SENSITIVITY_NOTES = {
    "oat": (
        "one at a time: each moved point minus the base point, paired by replication "
        "(common random numbers), mean and 95% t-interval"
    ),
    "sobol": (
        "Sobol indices on Saltelli's A/B/AB design: first order (Saltelli 2010), total order "
        "(Jansen), on replication means with the replication noise removed (products "
        "corrected by their across-replication covariance / R; variance less the point x "
        "replication interaction); noise_share = within-point variance / (design variance + "
        "within-point variance); 95% percentile bootstrap over design rows"
    ),
    "grid": "Spearman rank correlation of each numeric parameter with each KPI's point mean",
    "lhs": "Spearman rank correlation of each numeric parameter with each KPI's point mean",
}
