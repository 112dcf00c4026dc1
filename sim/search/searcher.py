"""``sim.search``: the cheapest package of levers meeting every target with a probability.

1. **Candidates**: the packages of the levers file (:mod:`sim.search.packages`), each the
   base scenario with the package's measures added, all checked before anything runs.
2. **Screening**: ``screening`` replications of every package, cheapest first, under common
   random numbers (:mod:`sim.search.evaluation`).
3. **Elimination and allocation**: packages whose Wilson interval lies below the
   probability are infeasible, those costing at least a feasible one are dominated; the
   rest get replications in rounds where they decide the answer: first the cheapest
   package that looks feasible, then every cheaper one, cheapest first
   (:mod:`sim.search.procedure`).
4. **Stop** when the cheapest feasible package is known and every cheaper one is ruled out
   (``settled``), or when no package can get more replications (the budget or every
   package's cap is spent): the result says which.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.compare.conditions import Condition, parse_condition
from sim.errors import InputError
from sim.experiment.kpi_catalogue import INSPECTION_KPIS
from sim.experiment.kpis import kpi_specs
from sim.experiment.settings import RunSettings
from sim.experiment.work_size import check_estimate, estimate
from sim.output.folders import OutputTarget, claim
from sim.output.interrupts import Interrupted
from sim.scenario.schema import Scenario
from sim.search.definition import SearchDefinition, SearchOptions, SearchResult
from sim.search.descent import Descent
from sim.search.evaluation import Evaluator, SearchStore, all_met
from sim.search.files import finish
from sim.search.levers import LeversFile, read_levers
from sim.search.packages import make_packages, package_scenario
from sim.search.procedure import Procedure
from sim.search.tables import build_result


@dataclass(frozen=True)
class RoundReport:
    """Where a search stands after a round, for progress lines.

    ``spent``: replications done (resumed included); ``remaining``: a rough estimate of
    those still needed, at most the budget left; ``statuses``: status → packages; ``best``:
    the cheapest feasible package so far, as ``lever=level, ...``.
    """

    round: int
    spent: int
    budget: int
    remaining: int
    statuses: dict[str, int]
    best: str | None


RoundCallback = Callable[[RoundReport], None]

SCREEN_BATCH = 8
"""Screening replications between two progress reports (about)."""

_OPTION_NAMES = {f.name for f in dataclasses.fields(SearchOptions)}


def define_search(
    scenario: Scenario,
    levers: LeversFile | str | Path,
    options: SearchOptions,
    settings: RunSettings,
) -> SearchDefinition:
    """Apply the run settings to ``scenario`` and build every candidate package's scenario.

    Raises :class:`InputError` for a bad levers file, a measure the scenario refuses, or no
    package within the budget.
    """
    source = str(levers) if not isinstance(levers, LeversFile) else "levers"
    lev = levers if isinstance(levers, LeversFile) else read_levers(levers)
    base = settings.but(case_log=None, replications=None).apply(scenario)
    packages = make_packages(
        lev, max_packages=options.max_packages, seed=base.run.seed, budget=options.budget
    )
    scenarios = tuple(package_scenario(base, lev, p, source=source) for p in packages)
    return SearchDefinition(base, lev, tuple(packages), scenarios, source)


def until_targets(
    settings: RunSettings, scenario: Scenario, targets: Sequence[Condition]
) -> RunSettings:
    """``settings`` with ``until`` the latest inspection the targets name, when every target
    is an inspection's KPI (``followup_12m_substandard_rate``) and neither a horizon nor
    ``until`` is given: what happens after that inspection cannot change those KPIs, so
    the replications stop there (and are shorter)."""
    if settings.until is not None or settings.horizon_days is not None or not targets:
        return settings
    keys = {key for key, _, _ in INSPECTION_KPIS}
    named = []
    for target in targets:
        found = [
            i
            for i in scenario.inspections
            if target.kpi.startswith(f"{i.name}_") and target.kpi[len(i.name) + 1 :] in keys
        ]
        if not found or "@" in target.kpi:
            return settings
        named.append(max(found, key=lambda i: len(i.name)))
    return settings.but(until=max(named, key=lambda i: i.day).name)


def check_targets(targets: Sequence[Condition], scenario: Scenario) -> None:
    """Every target names a KPI the scenario reports (``KPI@PERIOD`` included)."""
    if not targets:
        raise InputError(
            "expected at least one target, e.g. 'substandard_rate<0.5'", key="--target"
        )
    names = {s.name for s in kpi_specs(scenario)}
    for target in targets:
        if target.kpi not in names:
            raise InputError(
                f"{target.text!r}: no KPI {target.kpi} in this scenario "
                "(`sim run --all` lists them; per period: KPI@PERIOD)",
                key="--target",
            )


def _check_options(options: SearchOptions) -> None:
    checks = [
        ("--probability", 0 < options.probability < 1, "a probability between 0 and 1"),
        ("--level", 0 < options.level < 1, "a confidence level between 0 and 1"),
        ("--reps", options.screening >= 1, "1 or more screening replications"),
        ("--max-reps", options.max_reps >= 1, "a replication budget of 1 or more"),
        ("--package-reps", options.package_cap >= options.screening, "at least --reps"),
        ("--packages", options.max_packages >= 1, "1 or more packages"),
        ("--round-reps", options.round_reps >= 1, "1 or more replications a round"),
    ]
    for key, ok, what in checks:
        if not ok:
            raise InputError(f"expected {what}", key=key)


def search(
    scenario: Scenario,
    levers: LeversFile | str | Path,
    targets: Sequence[str | Condition],
    *,
    out: str | Path | OutputTarget | None = None,
    options: SearchOptions | None = None,
    settings: RunSettings | None = None,
    on_round: RoundCallback | None = None,
    **keywords: Any,
) -> SearchResult:
    """Find the cheapest package of ``levers`` whose probability of meeting every target is
    at least ``probability`` (see the module docstring for the procedure).

    ``keywords`` are :class:`SearchOptions` fields (``probability=0.8``, ``max_reps``,
    ``budget``, ...), run settings as for :func:`sim.run` (``seed``, ``until``,
    ``workers``, ``address``, ``executor``, ``progress``) and ``force``. ``out`` writes
    ``search.csv``, ``front.csv``, ``best.yaml`` and ``manifest.json`` there; an
    interrupted search keeps its replications in ``OUT.partial/`` and the same call resumes.
    Returns a :class:`SearchResult` (``packages_frame()``, ``front_frame()``); never prints.
    """
    force = bool(keywords.pop("force", False))
    picked = {k: keywords.pop(k) for k in list(keywords) if k in _OPTION_NAMES}
    opts = dataclasses.replace(options or SearchOptions(), **picked)
    _check_options(opts)
    conditions = [parse_condition(t) for t in targets]
    given = RunSettings.merge(settings, keywords)
    run_settings = until_targets(given, scenario, conditions)
    definition = define_search(scenario, levers, opts, run_settings)
    check_targets(conditions, definition.scenario)
    notes = {
        "warnings": schedule_warnings(definition, run_settings),
        "until_from_targets": run_settings.until != given.until,
    }
    size = dataclasses.replace(estimate(definition.scenarios[-1]), replications=opts.max_reps)
    check_estimate(size, allow_large=bool(run_settings.allow_large), source=definition.source)
    target = OutputTarget.of(out, force=force)
    if target is None:
        return _execute(definition, opts, conditions, run_settings, None, (on_round, notes))
    with claim(target, kind="search") as claimed:
        store = SearchStore(claimed, definition)
        try:
            result = _execute(definition, opts, conditions, run_settings, store, (on_round, notes))
        except Interrupted as exc:  # the finished replications stay, for a re-run to resume
            if store.work.is_dir():
                exc.kept.append(store.work)
            raise
        result.out = finish(store, result)
        return result


def schedule_warnings(definition: SearchDefinition, settings: RunSettings) -> list[str]:
    """Lever measures that start after the run's end, once each, naming the levers file
    (the base scenario's own are left to its caller); under ``strict`` the first one is an
    :class:`InputError`."""
    lenient = settings.but(strict=False)
    own = set(lenient.schedule_warnings(definition.scenario))
    messages: list[str] = []
    for scenario in definition.scenarios:
        for message in lenient.schedule_warnings(scenario):
            if message not in messages and message not in own:
                messages.append(message)
    if settings.strict and messages:
        more = f" (and {len(messages) - 1} more)" if len(messages) > 1 else ""
        raise InputError(messages[0] + more, file=definition.source, key="--strict")
    return [f"{definition.source}: {m}" for m in messages]


def _execute(
    definition: SearchDefinition,
    options: SearchOptions,
    targets: list[Condition],
    settings: RunSettings,
    store: SearchStore | None,
    reporting: tuple[RoundCallback | None, dict[str, Any]],
) -> SearchResult:
    """Screen, run the rounds, and build the result (``reporting``: the round callback and
    notes for the manifest)."""
    on_round, notes = reporting
    started = time.perf_counter()
    n = len(definition.packages)
    proc = Procedure(
        [p.cost_per_year for p in definition.packages],
        options.probability,
        options.level,
        options.package_cap,
        options.screening,
        max_reps=options.max_reps,
    )
    evaluator = Evaluator(definition, settings, store, options.package_cap)
    loop = _Loop(proc, evaluator, targets, options, settings, on_round)
    loop.screen(range(n))
    loop.rounds()
    result = build_result(
        definition,
        options,
        targets,
        proc,
        evaluator,
        {
            "rounds": loop.round,
            "wall_seconds": time.perf_counter() - started,
            "until": settings.until,
        },
    )
    result.manifest.update(notes)
    return result


class _Loop:
    """The screening pass and the sequential rounds, spending at most the budget."""

    def __init__(self, proc, evaluator, targets, options, settings, on_round) -> None:
        self.proc, self.evaluator, self.targets = proc, evaluator, targets
        self.options, self.settings, self.on_round = options, settings, on_round
        self.round = 0
        self.spent = 0
        self.round_reps = options.round_reps
        levers = evaluator.definition.levers
        self.descent = Descent(levers) if options.refine else None

    @property
    def left(self) -> int:
        return self.options.max_reps - self.spent

    def _tick(self) -> None:
        self.spent += 1
        if self.settings.progress is not None:
            total = self.spent + min(self.left, self._remaining())
            self.settings.progress(self.spent, max(total, self.spent))

    def _remaining(self) -> int:
        """Replications the search still seems to need: the procedure's estimate and the
        screening of the anchor's neighbours not yet tried."""
        anchor = self._anchor()
        queued = 0
        if self.descent is not None and anchor is not None:
            levels = self.evaluator.definition.packages[anchor].levels
            queued = self.descent.queued(levels) * self.options.screening
        return self.proc.remaining_estimate() + queued

    def _anchor(self) -> int | None:
        """The incumbent, or the cheapest feasible package when there is none."""
        anchor = self.proc.incumbent()
        return self.proc.best() if anchor is None else anchor

    def _run(self, plan: list[tuple[int, int]]) -> None:
        """Run ``(package, extra replications)`` and add each replication to the tallies."""
        keys = [(p, self.proc.tallies[p].n + k) for p, extra in plan for k in range(extra)]
        keys = keys[: self.left]
        self.evaluator.run(keys, self._tick)
        for key in keys:
            met = all_met(self.evaluator.kpis(key), self.targets)
            self.proc.tallies[key[0]].add(met)
        self._report()

    def _report(self) -> None:
        if self.on_round is None:
            return
        counts: dict[str, int] = {}
        for s in self.proc.statuses():
            counts[s] = counts.get(s, 0) + 1
        best = self.proc.best()
        self.on_round(
            RoundReport(
                self.round,
                self.spent,
                self.options.max_reps,
                min(self.left, self._remaining()),
                counts,
                None if best is None else self._label(best),
            )
        )

    def _label(self, package: int) -> str:
        d = self.evaluator.definition
        return d.packages[package].label(d.lever_names)

    def screen(self, packages: Sequence[int]) -> None:
        """``screening`` replications of each of ``packages`` (in that order), reported in
        batches of at least :data:`SCREEN_BATCH` replications."""
        per = max(1, SCREEN_BATCH // self.options.screening)
        for first in range(0, len(packages), per):
            if self.left <= 0:
                break
            self._run([(p, self.options.screening) for p in packages[first : first + per]])

    def rounds(self) -> None:
        """Refinement steps and sequential rounds until settled or out of replications.
        Each step down is confirmed before the next: refinement adds the cheaper
        neighbours of the cheapest feasible package only while no incumbent waits to be
        confirmed, so a search cut short by the budget still names a package shown to be
        enough."""
        while self.left > 0:
            if self.descent is not None and self.proc.incumbent() is None and self._refine():
                continue
            if not self.proc.blocking():
                break
            plan = self.proc.allocate(min(self.round_reps, self.left))
            if not plan:
                break
            self.round += 1
            self._run(sorted(plan.items()))

    def _refine(self) -> bool:
        """Add and screen the next cheaper neighbours of the cheapest feasible package (see
        :mod:`sim.search.descent`); ``False`` when there is none or none is left."""
        anchor = self.proc.best()  # refinement runs only when no incumbent waits
        if anchor is None:
            return False
        d = self.evaluator.definition
        known = {p.levels for p in d.packages}
        batch = self.descent.next_batch(d.packages[anchor].levels, known)
        if not batch:
            return False
        added = [self.proc.add(d.add(levels).cost_per_year) for levels in batch]
        self.screen(added)
        return True
