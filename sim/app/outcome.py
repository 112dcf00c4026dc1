"""One run of the page: the chosen package against the cached baseline, and all it shows.

:func:`run_request` runs (or reads from the cache) the baseline and the package under the
same settings, compares them with the target (:func:`sim.compare.compare`: paired
differences, Holm verdicts, the share of replications meeting the target with a Wilson
interval) and builds the comparison report of :mod:`sim.report`, whose headline and
figures the page shows. Nothing here draws a chart of its own.
"""

from __future__ import annotations

import dataclasses
import io
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.app.cache import is_cached, run_cached
from sim.app.choice import Choice, choice_package, choice_scenario
from sim.app.jobs import Job
from sim.app.modes import Mode, mode_settings
from sim.app.timing import drawing_key, measured_rate, record_rate
from sim.compare.comparison import compare
from sim.experiment.executors import LocalProcessExecutor, default_workers
from sim.report.document import Report, Section
from sim.report.figures_run import backlog_figure
from sim.report.html import render
from sim.report.inputs import read_run
from sim.report.plotting import Figure
from sim.report.sections_analyses import comparison_report
from sim.report.suppress import Suppression
from sim.scenario.schema import Scenario
from sim.search.levers import LeversFile

SHOWN_FIGURES = ("forest", "inspections", "open-cases-baseline", "open-cases-package")
"""The report's figures the page shows, in this order (the HTML report has them all)."""


@dataclass(frozen=True)
class Request:
    """What the page asks for: the package, the mode, the target and where runs go."""

    base: Scenario
    scenario_file: Path
    levers: LeversFile
    levers_file: Path
    choice: Choice
    mode: Mode
    target: str
    cache: Path
    workers: int | None = None
    replications: int | None = None

    def scenarios(self) -> tuple[Scenario, Scenario]:
        """(baseline, package) with the mode's run settings applied."""
        settings = mode_settings(self.mode, self.base, self.target, replications=self.replications)
        package = choice_scenario(self.base, self.levers, self.choice, source=str(self.levers_file))
        return settings.apply(self.base), settings.apply(package)

    def to_run(self) -> list[Scenario]:
        """The scenarios a run would simulate (those not in the cache)."""
        return [s for s in self.scenarios() if not is_cached(self.cache, s)]


@dataclass
class Outcome:
    """What the page shows after a run (figures as PNG images) and offers to download."""

    label: str
    cost_per_year: float
    currency: str
    report: Report
    comparison: dict[str, Any]
    figures: list[tuple[str, str, bytes]]  # (title, alt text, PNG)
    folders: tuple[Path, Path]  # baseline, package results folders
    ran: list[str]  # scenarios simulated now (the others came from the cache)

    @property
    def scenario_yaml(self) -> str:
        """The package's scenario, resolved with its run settings: ``sim run`` on it gives
        the same numbers."""
        return (self.folders[1] / "scenario.yaml").read_text(encoding="utf-8")

    @property
    def html(self) -> str:
        return render(self.report)

    def target_rows(self) -> list[dict[str, Any]]:
        """Per scenario: the target, the share of replications meeting it and its interval."""
        return [
            {"target": t["target"], **s} for t in self.comparison["targets"] for s in t["scenarios"]
        ]

    def zip_bytes(self) -> bytes:
        """``baseline/`` and ``package/`` results folders, ``comparison.json`` and
        ``report.html``, as one zip file."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for name, folder in zip(("baseline", "package"), self.folders, strict=True):
                for file in sorted(folder.rglob("*")):
                    if file.is_file():
                        z.write(file, f"{name}/{file.relative_to(folder)}")
            z.writestr("comparison.json", _json(self.comparison))
            z.writestr("report.html", self.html)
        return buffer.getvalue()


def _json(data: Any) -> str:
    import json

    return json.dumps(data, indent=2, default=str) + "\n"


def _ensure(request: Request, applied: Scenario, job: Job, what: str) -> tuple[Path, bool]:
    reps = applied.run.replications
    job.step(f"{what}: 0 of {reps} replications", 0, reps)

    def progress(done: int, total: int) -> None:
        job.step(f"{what}: {done} of {total} replications", done, total)

    workers = request.workers or default_workers()

    folder, result = run_cached(
        request.cache,
        applied,
        executor=LocalProcessExecutor(workers, cancelled=job.cancel_event),
        progress=progress,
        command=("sim", "app", str(request.scenario_file)),
    )
    if result is not None:
        record_rate(request.cache, request.base.name, measured_rate(result))
    return folder, result is not None


def _named(figure: Figure | None, name: str, title: str) -> Figure | None:
    return None if figure is None else dataclasses.replace(figure, name=name, title=title)


def build_outcome(request: Request, folders: tuple[Path, Path], ran: list[str]) -> Outcome:
    """Compare the two results folders with the target and build the report."""
    comparison = compare([str(f) for f in folders], targets=[request.target])
    runs = [read_run(f) for f in folders]
    sup = Suppression(0)
    report = comparison_report(comparison, runs, sup, Path.cwd())
    backlog = [
        _named(backlog_figure(run, sup), f"open-cases-{kind}", f"Open cases over time: {kind}")
        for run, kind in zip(runs, ("baseline", "package"), strict=True)
    ]
    report.sections.insert(
        3, Section("Open cases over time", figures=[f for f in backlog if f is not None])
    )
    by_name = {f.name: f for f in report.figures}
    figures = [
        (by_name[n].title, by_name[n].alt, by_name[n].png()) for n in SHOWN_FIGURES if n in by_name
    ]
    package = choice_package(request.levers, request.choice)
    return Outcome(
        label=package.label(list(request.levers.levers)),
        cost_per_year=package.cost_per_year,
        currency=request.levers.currency,
        report=report,
        comparison=dict(comparison),
        figures=figures,
        folders=folders,
        ran=ran,
    )


def run_request(request: Request, job: Job) -> Outcome:
    """Run what is not cached (baseline first; ``job`` gets the progress and may cancel),
    then compare and build the outcome."""
    baseline, package = request.scenarios()
    ran = []
    folders = []
    for applied, what in ((baseline, "baseline"), (package, "package")):
        folder, simulated = _ensure(request, applied, job, what)
        folders.append(folder)
        if simulated:
            ran.append(what)
    job.step("comparing and drawing the figures", 0, 1)
    started = time.perf_counter()
    outcome = build_outcome(request, (folders[0], folders[1]), ran)
    record_rate(request.cache, drawing_key(request.base.name), time.perf_counter() - started)
    return outcome
