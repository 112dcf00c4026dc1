"""The arguments of a comparison: results folders read, scenarios run with shared settings.

Used by :mod:`sim.compare`. A results folder gives its replications as written by
``sim run``; a scenario (file or object) is run with the same seed, replications, horizon and
warm-up as the others, so replication ``r`` of every run shares random numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import InputError
from sim.experiment.kpis import kpi_specs
from sim.experiment.runner import RunResult, run
from sim.experiment.settings import RunSettings
from sim.experiment.work_size import check_work_size
from sim.output.results import kpi_columns, read_results_folder
from sim.scenario import Scenario, load_scenario

Source = str | Path | Scenario | RunResult


@dataclass
class Arm:
    """One argument of the comparison: its run settings, KPIs and replications."""

    source: str
    kind: str  # "results", "scenario" or "run"
    scenario: str
    seed: int
    indices: list[int]
    horizon_days: float
    warmup_days: float
    specs: dict[str, tuple[str, str]]  # KPI → (better, description), in report order
    values: dict[str, np.ndarray]  # KPI → values in ``indices`` order; empty until run
    label: str = ""
    pending: Scenario | None = None  # a scenario still to run, with its run settings
    measure_days: list[float] = field(default_factory=list)  # each measure's start day

    @property
    def end_day(self) -> float:
        """The run's last simulated day (warm-up plus horizon), days from day 0."""
        return self.warmup_days + self.horizon_days

    @property
    def measures_never_started(self) -> bool:
        """The scenario has measures and every one starts on or after the run's end."""
        return bool(self.measure_days) and min(self.measure_days) >= self.end_day


def _days_of(measures: Any) -> list[float]:
    """Start days of measures given as a scenario's list or a manifest's list of dicts."""
    days = []
    for measure in measures if isinstance(measures, list) else []:
        day = measure.get("day") if isinstance(measure, dict) else getattr(measure, "day", None)
        try:
            value = float(day)
        except (TypeError, ValueError):
            continue
        if math.isfinite(value):
            days.append(value)
    return days


def _load_folder(path: Path) -> Arm:
    folder = read_results_folder(path)
    specs = {
        name: (str(s.get("better", "none")), str(s.get("description", "")))
        for name, s in folder.kpis.items()
    }
    return Arm(
        source=str(path),
        kind="results",
        scenario=str(folder.summary.get("scenario", folder.manifest.get("scenario", path.name))),
        seed=int(folder.manifest["seed"]),
        indices=[int(r["replication"]) for r in folder.rows],
        horizon_days=float(folder.manifest["horizon_days"]),
        warmup_days=float(folder.manifest["warmup_days"]),
        specs=specs,
        values=kpi_columns(folder),
        measure_days=_days_of(
            (folder.manifest.get("resolved_scenario") or {}).get("measures")
            if isinstance(folder.manifest.get("resolved_scenario"), dict)
            else None
        ),
    )


def _from_run(result: RunResult, source: str, kind: str) -> Arm:
    reps = sorted(result.replications, key=lambda r: r.index)
    return Arm(
        source=source,
        kind=kind,
        scenario=result.scenario.name,
        seed=int(result.seed),
        indices=[r.index for r in reps],
        horizon_days=float(result.scenario.run.horizon_days),
        warmup_days=float(result.scenario.run.warmup_days),
        specs={s.name: (s.better, s.description) for s in result.specs},
        values={
            s.name: np.array([r.kpis[s.name] for r in reps], dtype=float) for s in result.specs
        },
        measure_days=_days_of(list(result.scenario.measures)),
    )


def _classify(source: Source) -> tuple[str, Any]:
    """("results", path) | ("scenario", (source text, Scenario)) | ("run", RunResult)."""
    if isinstance(source, RunResult):
        return "run", source
    if isinstance(source, Scenario):
        return "scenario", (f"<scenario {source.name}>", source)
    path = Path(source)
    if path.is_dir():
        return "results", path
    if path.is_file():
        if path.suffix.lower() in (".json", ".csv"):
            raise InputError(
                "expected a results folder or a scenario YAML file (give the folder, not a "
                "file in it)",
                file=str(path),
            )
        return "scenario", (str(path), load_scenario(path))
    raise InputError("no such results folder or scenario file", file=str(path))


def _settings(loaded: list[tuple[str, Any]], overrides: dict[str, Any]) -> dict[str, Any]:
    """Run settings for the scenarios to run: options, else the first existing run's,
    else the baseline scenario's."""
    reference: Arm | None = next((v for k, v in loaded if k != "scenario"), None)
    if reference is not None:
        base: dict[str, Any] = {
            "seed": reference.seed,
            "replications": len(reference.indices),
            "first_replication": min(reference.indices),
            "horizon_days": reference.horizon_days,
            "warmup_days": reference.warmup_days,
            "from": reference.source,
        }
    else:
        sc: Scenario = loaded[0][1][1]
        base = {
            "seed": sc.run.seed,
            "replications": sc.run.replications,
            "first_replication": 0,
            "horizon_days": sc.run.horizon_days,
            "warmup_days": sc.run.warmup_days,
            "from": loaded[0][1][0],
        }
    given = {k: v for k, v in overrides.items() if v is not None}
    if given:
        base.update(given)
        base["from"] = f"{base['from']} and options ({', '.join(sorted(given))})"
    return base


def _labels(arms: list[Arm]) -> None:
    """Scenario names, or the argument itself where two arguments share a name."""
    names = [a.scenario for a in arms]
    seen: dict[str, int] = {}
    for arm in arms:
        label = arm.scenario if names.count(arm.scenario) == 1 else arm.source
        seen[label] = seen.get(label, 0) + 1
        arm.label = label if seen[label] == 1 else f"{label} ({seen[label]})"


def _check_comparable(arms: list[Arm]) -> None:
    """Every argument's horizon and warm-up must match the baseline's."""
    base = arms[0]
    for arm in arms[1:]:
        for key in ("horizon_days", "warmup_days"):
            mine, theirs = getattr(arm, key), getattr(base, key)
            if not math.isclose(mine, theirs, rel_tol=1e-12, abs_tol=1e-9):
                raise InputError(
                    f"{key} {mine:g} differs from the baseline's {theirs:g} ({base.source}); "
                    "compare runs with the same horizon and warm-up",
                    file=arm.source,
                )


def kpi_names(arms: list[Arm], common_kpis: bool) -> tuple[list[str], dict[str, list[str]]]:
    """KPIs to compare (baseline order) and, per argument, those left out."""
    base = arms[0]
    shared = set(base.specs)
    for arm in arms[1:]:
        shared &= set(arm.specs)
        if common_kpis or set(arm.specs) == set(base.specs):
            continue
        only_base = [k for k in base.specs if k not in arm.specs]
        only_here = [k for k in arm.specs if k not in base.specs]
        parts = []
        if only_base:
            parts.append(f"only in the baseline: {some(only_base)}")
        if only_here:
            parts.append(f"only here: {some(only_here)}")
        raise InputError(
            f"KPIs differ from the baseline's ({base.source}): {'; '.join(parts)} "
            "(use --common-kpis to compare only the KPIs they share)",
            file=arm.source,
        )
    names = [k for k in base.specs if k in shared]
    if not names:
        raise InputError("no KPI is common to every argument", file=base.source)
    left_out = {a.label: [k for k in a.specs if k not in shared] for a in arms}
    return names, {k: v for k, v in left_out.items() if v}


def some(names: list[str], limit: int = 6) -> str:
    """The first ``limit`` names, then how many more."""
    more = len(names) - limit
    return ", ".join(names[:limit]) + (f" and {more} more" if more > 0 else "")


def span(indices: list[int]) -> str:
    """Replication indices as ``0–9`` when contiguous, else listed."""
    lo, hi = min(indices), max(indices)
    return f"{lo}–{hi}" if hi - lo + 1 == len(indices) else ", ".join(map(str, indices))


def _planned(text: str, scenario: Scenario, settings: dict[str, Any]) -> Arm:
    """A scenario to run, with the shared settings applied (so its KPIs are known)."""
    resolved = RunSettings(
        replications=int(settings["replications"]),
        seed=int(settings["seed"]),
        horizon_days=float(settings["horizon_days"]),
        warmup_days=float(settings["warmup_days"]),
        case_log=False,
    ).apply(scenario)
    first = int(settings["first_replication"])
    return Arm(
        source=text,
        kind="scenario",
        scenario=resolved.name,
        seed=resolved.run.seed,
        indices=list(range(first, first + resolved.run.replications)),
        horizon_days=float(resolved.run.horizon_days),
        warmup_days=float(resolved.run.warmup_days),
        specs={s.name: (s.better, s.description) for s in kpi_specs(resolved)},
        values={},
        pending=resolved,
        measure_days=_days_of(list(resolved.measures)),
    )


def plan_options(settings: RunSettings) -> dict[str, Any]:
    """What :func:`plan_arms` needs of the run settings (``None`` where not given)."""
    return {
        "seed": settings.seed,
        "replications": settings.replications,
        "horizon_days": settings.horizon_days,
        "warmup_days": settings.warmup_days,
    }


def plan_arms(
    sources: Sequence[Source], options: dict[str, Any]
) -> tuple[list[Arm], dict[str, Any] | None]:
    """Read every results folder and plan every scenario run, without running anything.

    ``options`` holds ``seed``, ``replications``, ``horizon_days``, ``warmup_days`` (``None``
    where not given). Returns the labelled arms and the settings the runs will use (``None``
    when nothing needs running). Raises :class:`InputError` for a source that is neither a
    results folder nor a scenario, and for different horizons or warm-ups.
    """
    loaded: list[tuple[str, Any]] = []
    for source in sources:
        kind, value = _classify(source)
        if kind == "results":
            loaded.append(("results", _load_folder(value)))
        elif kind == "run":
            loaded.append(("run", _from_run(value, f"<run {value.scenario.name}>", "run")))
        else:
            loaded.append(("scenario", value))
    settings = _settings(loaded, options) if any(k == "scenario" for k, _ in loaded) else None
    arms = [
        _planned(*value, settings) if kind == "scenario" else value  # type: ignore[arg-type]
        for kind, value in loaded
    ]
    _labels(arms)
    _check_comparable(arms)
    return arms, settings


def run_pending(arms: list[Arm], settings: RunSettings) -> None:
    """Run the planned scenarios in place, where ``settings`` say (workers, address,
    executor); ``settings.progress(done, total)`` counts replications over all of them."""
    pending = [a for a in arms if a.pending is not None]
    for arm in pending:  # every scenario is checked before the first one runs
        assert arm.pending is not None
        check_work_size(arm.pending, allow_large=bool(settings.allow_large), source=arm.source)
    total = sum(len(a.indices) for a in pending)
    offset = 0
    for arm in pending:
        assert arm.pending is not None

        def step(done: int, _n: int, before: int = offset) -> None:
            if settings.progress is not None:
                settings.progress(before + done, total)

        where = RunSettings(
            workers=settings.workers,
            address=settings.address,
            executor=settings.executor,
            progress=step,
            first_replication=min(arm.indices),
            allow_large=settings.allow_large,
        )
        result = run(arm.pending, where)
        done = _from_run(result, arm.source, arm.kind)
        arm.values, arm.indices, arm.pending = done.values, done.indices, None
        offset += len(arm.indices)
