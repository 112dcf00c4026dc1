"""Fit free scenario parameters to target KPI values with common random numbers.

The objective is ``sum(weight * ((mean - value) / tolerance) ** 2)`` over the targets,
``mean`` being the KPI's mean across replications. Every evaluation uses the same seed, so
two parameter vectors are compared on the same random numbers and the objective changes
only through the parameters. The optimiser (scipy) works in the unit box ``[0, 1]^k``;
each point maps to rounded parameter values (integers stay integers), and evaluations are
cached by those values. The best point evaluated is returned, with a table of target
against achieved and the optimiser's history.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.calibrate.frames import CalibrationFrames
from sim.calibrate.optimiser import BudgetSpent, optimise
from sim.calibrate.targets import (
    METHODS,
    CalibrationTarget,
    FreeParameter,
    FreeRange,
    TargetsFile,
    check_targets,
    merge_free,
    parse_bounds,
    parse_targets,
    read_targets,
    resolve_free,
)
from sim.errors import InputError
from sim.experiment.runner import run
from sim.experiment.settings import RunSettings
from sim.experiment.work_size import check_work_size
from sim.scenario.changes import scenario_to_dict, with_changes
from sim.scenario.keypaths import get_path
from sim.scenario.schema import Scenario
from sim.stats.summary import t_interval

MISSING_PENALTY = 1e6  # objective term of a target whose KPI measured nothing
INVALID_PENALTY = 1e12  # objective of a parameter combination the scenario rejects
DEFAULT_MAX_EVALS = 40


@dataclass
class Calibration(CalibrationFrames):
    """A finished calibration (see :func:`calibrate`); plain data, JSON-able via ``to_dict``,
    and DataFrames via ``targets_frame()`` and ``history_frame()``."""

    scenario: Scenario
    fitted_scenario: Scenario
    free: list[FreeParameter]
    targets: list[CalibrationTarget]
    start_values: dict[str, float | int]
    fitted_values: dict[str, float | int]
    objective: float
    table: list[dict[str, Any]]
    history: list[dict[str, Any]]
    method: str
    seed: int
    replications: int
    horizon_days: float
    max_evals: int
    stop_reason: str
    wall_seconds: float
    notes: list[str] = field(default_factory=list)
    targets_file: str | None = None

    @property
    def all_targets_met(self) -> bool:
        return all(row["within_tolerance"] for row in self.table)

    @property
    def verdict(self) -> str:
        """One plain sentence: all targets met, or which are not."""
        missed = [r for r in self.table if not r["within_tolerance"]]
        n = len(self.table)
        if not missed:
            return f"All {n} targets within tolerance at the best point found."
        parts = [
            f"{r['kpi']} (mean {_g(r['mean'])}, target {_g(r['value'])} ± {_g(r['tolerance'])})"
            for r in missed
        ]
        return (
            f"{len(missed)} of {n} targets outside tolerance at the best point found: "
            + "; ".join(parts)
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``calibration.json`` document."""
        return {
            "scenario": self.scenario.name,
            "targets_file": self.targets_file,
            "method": self.method,
            "seed": self.seed,
            "replications": self.replications,
            "horizon_days": self.horizon_days,
            "max_evals": self.max_evals,
            "evaluations": len(self.history),
            "stop_reason": self.stop_reason,
            "objective": self.objective,
            "all_targets_met": self.all_targets_met,
            "verdict": self.verdict,
            "notes": self.notes,
            "free": [
                {
                    "path": p.path,
                    "low": p.low,
                    "high": p.high,
                    "integer": p.integer,
                    "start": self.start_values[p.path],
                    "fitted": self.fitted_values[p.path],
                }
                for p in self.free
            ],
            "fitted_values": self.fitted_values,
            "targets": self.table,
            "history": self.history,
            "wall_seconds": self.wall_seconds,
        }


def _g(value: Any) -> str:
    return "nan" if value is None else f"{value:.4g}"


def objective_value(
    targets: Sequence[CalibrationTarget], means: Mapping[str, float | None]
) -> float:
    """``sum(weight * z**2)``, ``z = (mean - value) / tolerance``; a missing mean is penalised."""
    total = 0.0
    for t in targets:
        mean = means.get(t.kpi)
        if mean is None or math.isnan(mean):
            total += t.weight * MISSING_PENALTY
        else:
            total += t.weight * ((mean - t.value) / t.tolerance) ** 2
    return total


def _as_targets(targets: Any) -> tuple[list[CalibrationTarget], TargetsFile | None]:
    if isinstance(targets, str | Path):
        spec = read_targets(targets)
        return spec.targets, spec
    items = list(targets)
    if all(isinstance(t, CalibrationTarget) for t in items):
        return items, None
    return parse_targets(items, file="targets"), None


def _as_free(free: Any, spec: TargetsFile | None) -> list[FreeRange]:
    from_file = spec.free if spec is not None else {}
    if free is None:
        return list(from_file.values())
    if isinstance(free, Mapping):
        items = []
        for path, bounds in free.items():
            lo, hi = parse_bounds(bounds, file="free", key=path)
            items.append(FreeRange(path, lo, hi, "free", path))
    else:
        items = [
            FreeRange(i.path, i.low, i.high, "free", i.path) if isinstance(i, FreeParameter) else i
            for i in free
        ]
    return list(merge_free(from_file, items).values())


def calibrate(
    scenario: Scenario,
    targets: str | Path | Sequence[CalibrationTarget | Mapping[str, Any]],
    free: Mapping[str, Any] | Sequence[str | FreeParameter] | None = None,
    *,
    max_evals: int | None = None,
    method: str | None = None,
    settings: RunSettings | None = None,
    **options: Any,
) -> Calibration:
    """Fit ``free`` parameters of ``scenario`` so its KPIs meet ``targets``.

    Parameters
    ----------
    scenario:
        The scenario to fit (its values are the starting point, clipped to the bounds).
    targets:
        A targets file (its ``free:`` and ``settings:`` are used where the arguments are
        ``None``), or a list of :class:`~sim.calibrate.targets.CalibrationTarget` or ``{kpi, value,
        tolerance, weight, source}`` mappings.
    free:
        ``{path: (low, high)}``, ``["path=low:high", ...]`` or FreeParameter objects;
        extends and overrides the targets file's ``free:``.
    max_evals:
        Most simulated parameter points (cached repeats are free); default 40.
    method:
        ``nelder-mead`` (default), ``powell`` or ``differential-evolution``.
    settings, **options:
        Run settings of every evaluation, as for :func:`sim.run` (default: the targets
        file's ``settings:``, then the scenario's ``run``); every evaluation uses the same
        seed. ``progress`` is called as ``progress(evaluations, max_evals)``.

    Returns
    -------
    Calibration
        The fitted scenario (the given scenario's run settings kept), fitted values, the
        target-against-achieved table at the best point, the history; never prints.
    """
    started = time.perf_counter()
    problem = _Problem.build(scenario, targets, free, max_evals, method, settings, options)
    objective = _Objective(problem)
    x0 = np.array([p.position(problem.start[p.path]) for p in problem.params])
    stop_reason = optimise(
        objective, x0, problem.method, problem.max_evals, problem.run_scenario.run.seed
    )
    history = objective.history
    if all("error" in h for h in history):
        raise InputError(history[0]["error"])
    best = min(history, key=lambda h: (h["objective"], h["evaluation"]))
    fitted = {p.path: best[p.path] for p in problem.params}
    run_sc = problem.run_scenario
    return Calibration(
        scenario=scenario,
        fitted_scenario=with_changes(scenario, fitted, source=f"{problem.source}: fitted values"),
        free=problem.params,
        targets=problem.targets,
        start_values=problem.start,
        fitted_values=fitted,
        objective=best["objective"],
        table=_table(problem.targets, best["summary"]),
        history=[_history_row(h, problem.targets) for h in history],
        method=problem.method,
        seed=run_sc.run.seed,
        replications=run_sc.run.replications,
        horizon_days=run_sc.run.horizon_days,
        max_evals=problem.max_evals,
        stop_reason=stop_reason,
        wall_seconds=time.perf_counter() - started,
        notes=_bound_notes(problem.params, fitted),
        targets_file=problem.targets_file,
    )


def _bound_notes(params: Sequence[FreeParameter], fitted: Mapping[str, Any]) -> list[str]:
    return [
        f"{p.path} = {fitted[p.path]:g} is at its {end} bound: the best fit may lie outside "
        "the range"
        for p in params
        for end, bound in (("lower", p.value_at(0.0)), ("upper", p.value_at(1.0)))
        if fitted[p.path] == bound
    ]


@dataclass
class _Problem:
    """What a calibration fits, to what, with which settings: everything checked."""

    run_scenario: Scenario  # the scenario with the evaluations' run settings
    targets: list[CalibrationTarget]
    params: list[FreeParameter]
    start: dict[str, Any]
    method: str
    max_evals: int
    settings: RunSettings
    source: str
    targets_file: str | None

    @classmethod
    def build(
        cls,
        scenario: Scenario,
        targets: Any,
        free: Any,
        max_evals: int | None,
        method: str | None,
        settings: RunSettings | None,
        options: Mapping[str, Any],
    ) -> _Problem:
        target_list, spec = _as_targets(targets)
        from_file = spec.settings if spec is not None else {}
        source = spec.path if spec is not None else "targets"
        run_settings = RunSettings.merge(settings, options).fill(
            RunSettings(
                replications=from_file.get("replications"),
                seed=from_file.get("seed"),
                horizon_days=from_file.get("days"),
            )
        )
        max_evals = int(max_evals or from_file.get("max_evals") or DEFAULT_MAX_EVALS)
        method = (method or from_file.get("method") or "nelder-mead").lower()
        if method not in METHODS:
            raise InputError(
                f"expected one of: {', '.join(METHODS)} (got {method!r})", key="method"
            )
        if max_evals < 1:
            raise InputError(f"expected at least 1 (got {max_evals})", key="max_evals")
        run_sc = run_settings.but(case_log=None).apply(scenario)
        check_work_size(
            run_sc,
            allow_large=bool(run_settings.allow_large),
            source=f"scenario {scenario.name!r} with {source}",
        )
        check_targets(target_list, run_sc, file=source, full=scenario)
        params = resolve_free(run_sc, _as_free(free, spec))
        data = scenario_to_dict(scenario)
        start = {p.path: get_path(data, p.path) for p in params}
        path = spec.path if spec is not None else None
        return cls(
            run_sc, target_list, params, start, method, max_evals, run_settings, source, path
        )


class _Objective:
    """The function the optimiser minimises: simulate a parameter point, score it.

    Every point runs the same replications with the same seed (common random numbers);
    points are cached by their rounded values, and the budget counts simulated points only.
    """

    def __init__(self, problem: _Problem) -> None:
        self.problem = problem
        self.cache: dict[tuple, dict[str, Any]] = {}
        self.history: list[dict[str, Any]] = []
        s = problem.settings
        self.where = RunSettings(
            workers=s.workers,
            address=s.address,
            executor=s.make_executor(),
            allow_large=s.allow_large,
        )

    def __call__(self, u: np.ndarray) -> float:
        problem = self.problem
        values = {p.path: p.value_at(x) for p, x in zip(problem.params, u, strict=True)}
        key = tuple(values.values())
        if key in self.cache:
            return self.cache[key]["objective"]
        if len(self.history) >= problem.max_evals:
            raise BudgetSpent
        entry: dict[str, Any] = {"evaluation": len(self.history), **values}
        try:
            sc = with_changes(
                problem.run_scenario, values, source=f"{problem.source}: free parameters"
            )
        except InputError as exc:
            entry.update(objective=INVALID_PENALTY, error=str(exc), summary={})
        else:
            result = run(sc, self.where)
            summary = {t.kpi: t_interval(result.kpi_values(t.kpi)) for t in problem.targets}
            means = {k: s["mean"] for k, s in summary.items()}
            entry.update(objective=objective_value(problem.targets, means), summary=summary)
        self.cache[key] = entry
        self.history.append(entry)
        if problem.settings.progress is not None:
            problem.settings.progress(len(self.history), problem.max_evals)
        return entry["objective"]


def _table(
    targets: Sequence[CalibrationTarget], summary: Mapping[str, Mapping[str, Any]]
) -> list[dict]:
    rows = []
    for t in targets:
        s = summary.get(t.kpi, {})
        mean = s.get("mean")
        z = None if mean is None else (mean - t.value) / t.tolerance
        rows.append(
            {
                "kpi": t.kpi,
                "value": t.value,
                "tolerance": t.tolerance,
                "weight": t.weight,
                "mean": mean,
                "ci_low": s.get("ci_low"),
                "ci_high": s.get("ci_high"),
                "n": s.get("n", 0),
                "z": z,
                # the slack keeps a mean exactly at the edge (0.45 vs 0.5 ± 0.05) inside
                "within_tolerance": z is not None and abs(z) <= 1.0 + 1e-9,
                "source": t.source,
            }
        )
    return rows


def _history_row(entry: Mapping[str, Any], targets: Sequence[CalibrationTarget]) -> dict[str, Any]:
    row = {k: v for k, v in entry.items() if k != "summary"}
    for t in targets:
        row[t.kpi] = entry["summary"].get(t.kpi, {}).get("mean")
    return row
