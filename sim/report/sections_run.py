"""The report of one results folder: headline, charts, KPI tables, the model."""

from __future__ import annotations

from pathlib import Path

from sim.report.document import Report, Section, Table
from sim.report.figures_kpis import grades_figure, waits_figure
from sim.report.figures_run import backlog_figure, inspection_figure, staff_figure
from sim.report.headline import run_headline
from sim.report.inputs import RunInput
from sim.report.model_sections import model_sections
from sim.report.numbers import date_of, shown
from sim.report.suppress import Suppression

INSPECTION_COLUMNS = ("substandard", "inadequate", "serious_concern")


def some(*figures) -> list:
    """The figures that could be drawn (a chart needs data the folder may not have)."""
    return [f for f in figures if f is not None]


def inspection_table(runs: list[RunInput], sup: Suppression) -> Table:
    """Graded shares at every inspection, one row per scenario × inspection."""
    rows = []
    for run in runs:
        for insp in run.scenario.inspections:
            cells = [
                shown(run.kpi(f"{insp.name}_{c}_rate"), "x_rate", sup, insp.sample_size)
                for c in INSPECTION_COLUMNS
            ]
            if all(c == "–" for c in cells):
                continue
            when = date_of(run.scenario.run.start_date, insp.day)
            rows.append([run.label, insp.name, when, str(insp.sample_size), *cells])
    columns = [
        "scenario",
        "inspection",
        "date",
        "sample (cases)",
        "substandard",
        "inadequate",
        "serious concern",
    ]
    return Table(columns, rows, "Inspections: graded shares of the audited sample (95% CI)")


def kpi_table(run: RunInput, sup: Suppression) -> Table:
    """Every KPI of the run with its 95% interval and description."""
    base = (run.kpi("cases_opened") or {}).get("mean")
    described = {k["name"]: k.get("description", "") for k in run.folder.manifest.get("kpis", [])}
    rows = [
        [name, shown(k, name, sup, base), described.get(name, k.get("description", ""))]
        for name, k in run.folder.kpis.items()
    ]
    return Table(["KPI", "mean (95% CI)", "what it measures"], rows, "All KPIs")


def results_report(run: RunInput, sup: Suppression, base: Path) -> Report:
    """The report of one run."""
    sections = [
        Section(
            "Open cases over time",
            [
                "Cases open at each stage, week by week: the mean "
                "across replications with a band holding 95% of them."
            ],
            figures=some(backlog_figure(run, sup)),
        ),
        Section("Staff in post and vacancies", figures=some(staff_figure(run))),
        Section(
            "Inspections",
            figures=some(inspection_figure([run], sup)),
            tables=[inspection_table([run], sup)],
        ),
        Section("Waiting times against targets", figures=some(waits_figure(run))),
        Section("Grades and the reasons for them", figures=some(grades_figure(run, sup))),
        Section("All KPIs", tables=[kpi_table(run, sup)]),
        *model_sections(run.scenario, run.folder.manifest, base),
    ]
    notes = [sup.note()] if sup.active else []
    title = f"{run.label}: simulation report"
    return Report("results", title, run_headline(run, sup), sections, notes)
