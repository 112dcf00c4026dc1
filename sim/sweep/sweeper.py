"""Sensitivity sweeps: a design of scenario variants, each replicated, as tidy tables.

Every point of a sweep is the base scenario with some values changed
(:func:`sim.with_changes`) and runs with the same seed, so replication ``r`` of every point
shares random numbers (common random numbers). Each (point, replication) pair is one
independent task on the executor (in this process, local processes or a Dask cluster);
results are sorted by point and replication, so the tables are bit-identical whatever
runs them. Points with identical values are simulated once.

With ``out``, each finished task is kept in ``OUT.partial/`` as it completes; running the
same sweep again computes only the missing tasks, and the results folder appears whole
when every task is done (see :mod:`sim.sweep_store`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from hashlib import sha256
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import InputError
from sim.experiment.executors import Executor, default_workers, make_executor
from sim.experiment.kpis import KpiSpec, kpi_specs
from sim.experiment.runner import ReplicationTask, resolve_run_settings, run_replication
from sim.scenario.changes import scenario_to_dict, with_changes
from sim.scenario.schema import Scenario
from sim.stats.summary import t_interval
from sim.sweep.design import DesignPoint, Parameter, make_design, make_parameter, parse_vary
from sim.sweep.sensitivity import BOOTSTRAP, oat_rows, rank_rows, sobol_rows

VarySpec = Mapping[str, Any] | Sequence[str]


@dataclass(frozen=True)
class SweepDefinition:
    """Everything that decides a sweep's numbers (not where or how fast it runs)."""

    scenario: Scenario  # the base, with run.replications and run.seed resolved
    parameters: tuple[Parameter, ...]
    method: str
    samples: int | None = None
    levels: int | None = None

    @property
    def replications(self) -> int:
        return self.scenario.run.replications

    @property
    def seed(self) -> int:
        return self.scenario.run.seed

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.name,
            "method": self.method,
            "parameters": [p.to_dict() for p in self.parameters],
            "samples": self.samples,
            "levels": self.levels,
            "replications": self.replications,
            "seed": self.seed,
        }

    def digest(self) -> str:
        """A hash of the definition, the resolved scenario and the versions that compute it."""
        versions = {}
        for name in ("caseflow-sim", "numpy", "scipy", "simpy"):
            try:
                versions[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                versions[name] = None
        doc = {
            "definition": self.to_dict(),
            "scenario": scenario_to_dict(self.scenario),
            "versions": versions,
        }
        return sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


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


@dataclass
class SweepResult:
    """A finished sweep's tables (lists of row dicts) and manifest."""

    definition: SweepDefinition
    points: list[dict[str, Any]]
    runs: list[dict[str, Any]]
    summary: list[dict[str, Any]]
    sensitivity: list[dict[str, Any]]
    kpis: list[KpiSpec]
    manifest: dict[str, Any] = field(default_factory=dict)
    out: Path | None = None

    @property
    def method(self) -> str:
        return self.definition.method

    @property
    def parameter_names(self) -> list[str]:
        return [p.path for p in self.definition.parameters]

    @property
    def kpi_names(self) -> list[str]:
        return [k.name for k in self.kpis]

    def to_dict(self) -> dict[str, Any]:
        return {
            "manifest": self.manifest,
            "points": self.points,
            "runs": self.runs,
            "summary": self.summary,
            "sensitivity": self.sensitivity,
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
    replications: int | None = None,
    seed: int | None = None,
    source: str = "--vary",
) -> SweepDefinition:
    """Check every varied path against ``scenario`` and read its range or values."""
    base = resolve_run_settings(scenario, replications=replications, seed=seed)
    data = scenario_to_dict(base)
    items = _vary_items(vary)
    paths = [p for p, _ in items]
    for p in paths:
        if paths.count(p) > 1:
            raise InputError("varied more than once", file=source, key=p)
    params = tuple(make_parameter(data, path, spec, source=source) for path, spec in items)
    return SweepDefinition(base, params, method, samples, levels)


@dataclass
class SweepPlan:
    """The design's points, and one validated scenario per distinct point."""

    definition: SweepDefinition
    points: list[DesignPoint]
    canonical: list[int]  # each point → the first point with the same values
    scenarios: dict[int, Scenario]

    @property
    def tasks(self) -> list[tuple[int, int]]:
        reps = range(self.definition.replications)
        return [(p, r) for p in sorted(self.scenarios) for r in reps]


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


def _executor_label(executor: Executor | None, workers: int | None, address: str | None) -> str:
    if executor is not None:
        return type(executor).__name__
    if address:
        return f"dask ({address})"
    workers = default_workers() if workers is None else workers
    return "serial" if workers <= 1 else f"local processes ({workers})"


def sweep(
    scenario: Scenario,
    vary: VarySpec,
    method: str = "oat",
    *,
    samples: int | None = None,
    levels: int | None = None,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = 1,
    address: str | None = None,
    executor: Executor | None = None,
    out: str | Path | None = None,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    bootstrap: int = BOOTSTRAP,
    command: list[str] | None = None,
    source: str = "--vary",
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
    replications, seed:
        Replications per point and the run seed (default: the scenario's).
    workers, address, executor:
        Local processes (1: this process; ``None``: one per core), a Dask scheduler
        address, or an executor object.
    out, force:
        Write the results folder (resumable through ``OUT.partial/``); ``force``
        overwrites a finished folder and discards an unfinished sweep of another definition.
    progress:
        Called as ``progress(done, total)`` over the (point, replication) tasks.
    bootstrap:
        Resamples for the Sobol intervals.

    Returns
    -------
    SweepResult
        ``.points``, ``.runs``, ``.summary``, ``.sensitivity`` and ``.manifest``; never prints.
    """
    from sim.sweep.store import SweepStore

    started = time.perf_counter()
    definition = define_sweep(
        scenario,
        vary,
        method,
        samples=samples,
        levels=levels,
        replications=replications,
        seed=seed,
        source=source,
    )
    plan = make_plan(definition, source=source)
    store = SweepStore(Path(out), definition, force=force) if out is not None else None
    tasks = plan.tasks
    done = store.load(set(tasks)) if store else {}
    resumed = len(done)
    todo = [t for t in tasks if t not in done]
    if progress is not None:
        progress(resumed, len(tasks))
    if todo:
        jobs = [SweepTask(p, r, plan.scenarios[p], definition.seed) for p, r in todo]
        runner = (executor or make_executor(workers, address)).map_indexed(run_sweep_task, jobs)
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
    specs, tables = build_tables(plan, done, bootstrap=bootstrap)
    manifest = {
        "kind": "sweep",
        **definition.to_dict(),
        "horizon_days": definition.scenario.run.horizon_days,
        "warmup_days": definition.scenario.run.warmup_days,
        "points": len(plan.points),
        "distinct_points": len(plan.scenarios),
        "tasks": len(tasks),
        "tasks_resumed": resumed,
        "definition_sha256": definition.digest(),
        "timings": {
            "wall_seconds": time.perf_counter() - started,
            "task_seconds_total": sum(done[t]["wall_seconds"] for t in tasks),
            "executor": _executor_label(executor, workers, address),
        },
        "kpis": [{"name": s.name, "better": s.better, "description": s.description} for s in specs],
        "sensitivity_method": SENSITIVITY_NOTES[definition.method],
    }
    result = SweepResult(definition, kpis=specs, manifest=manifest, **tables)
    if store is not None:
        result.out = store.finish(result, command=command)
    return result


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
