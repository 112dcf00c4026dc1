"""The reports of a comparison, a sweep and a calibration."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.report.document import Report, Section, Table
from sim.report.figures_analyses import calibration_figure, sobol_figure, sweep_kpi, tornado_figure
from sim.report.figures_compare import (
    cases_opened,
    chosen_kpis,
    forest_figure,
    matrix_figure,
    suppressed,
)
from sim.report.figures_effects import main_effects_figure
from sim.report.figures_run import inspection_figure
from sim.report.headline_analyses import calibration_headline, sweep_headline
from sim.report.headline_compare import compare_headline
from sim.report.inputs import RunInput
from sim.report.model_sections import model_sections, scenarios_compared
from sim.report.numbers import number, shown, with_ci
from sim.report.sections_run import inspection_table, some
from sim.report.suppress import Suppression
from sim.scenario import Scenario


def _difference_table(comparison: dict[str, Any], sup: Suppression) -> Table:
    kpis = set(chosen_kpis(comparison, limit=40))
    gone = suppressed(comparison, sup)
    bases = cases_opened(comparison)
    rows = []
    for r in comparison["comparisons"]:
        if r["kpi"] not in kpis:
            continue
        kpi, label = r["kpi"], r["scenario"]
        before = {k: r[f"baseline_{k}"] for k in ("mean", "ci_low", "ci_high")}
        after = {k: r[k] for k in ("mean", "ci_low", "ci_high")}
        difference = (
            f"{number(r['difference'], kpi)} ({number(r['difference_ci_low'], kpi)} to "
            f"{number(r['difference_ci_high'], kpi)})"
        )
        rows.append(
            [
                kpi,
                label,
                shown(before, kpi, sup, bases.get(comparison["baseline"])),
                shown(after, kpi, sup, bases.get(label)),
                sup.text() if (label, kpi) in gone else difference,
                str(r.get("verdict") or ""),
            ]
        )
    columns = [
        "KPI",
        "scenario",
        "baseline (95% CI)",
        "scenario (95% CI)",
        "difference (95% CI)",
        "verdict",
    ]
    return Table(columns, rows, "Differences from the baseline (comparison.csv has every KPI)")


def _target_table(comparison: dict[str, Any]) -> Table:
    rows = [
        [
            t["target"],
            s["scenario"],
            f"{s['met']} of {s['n']}",
            with_ci(
                {"mean": s["probability"], "ci_low": s["ci_low"], "ci_high": s["ci_high"]}, "x_rate"
            ),
        ]
        for t in comparison["targets"]
        for s in t["scenarios"]
    ]
    columns = ["target", "scenario", "replications meeting it", "share (95% Wilson CI)"]
    return Table(columns, rows, "Targets: the share of simulated runs meeting each")


def comparison_report(
    comparison: dict[str, Any], runs: list[RunInput], sup: Suppression, base: Path
) -> Report:
    """A comparison of scenarios with the baseline; the model of the baseline run."""
    sections = [
        Section(
            "Differences from the baseline",
            figures=some(forest_figure(comparison, sup)),
            tables=[_difference_table(comparison, sup)],
        ),
        Section("Scenario × KPI matrix", figures=some(matrix_figure(comparison, sup))),
    ]
    if runs:
        sections.append(
            Section(
                "Inspections over time",
                figures=some(inspection_figure(runs, sup)),
                tables=[inspection_table(runs, sup)],
            )
        )
        model = model_sections(runs[0].scenario, runs[0].folder.manifest, base)
        model[0].paragraphs.append(scenarios_compared([(r.label, r.scenario) for r in runs]))
        sections += model
    else:
        sections.append(
            Section(
                "Inspections over time",
                [
                    "The results folders and scenario files the comparison was made from "
                    "are not at hand: run sim report from the folder the comparison was "
                    "run in to see the inspections and the model."
                ],
            )
        )
    if comparison.get("targets"):
        sections.insert(2, Section("Targets", tables=[_target_table(comparison)]))
    names = ", ".join(s["label"] for s in comparison["scenarios"])
    notes = [sup.note()] if sup.active else []
    return Report(
        "comparison",
        f"Comparison: {names}",
        compare_headline(comparison, runs, sup),
        sections,
        notes,
    )


@dataclass
class SweepDesign:
    """A sweep's ``points.csv`` and ``summary.csv`` rows (for the main-effect plots)."""

    points: list[dict[str, Any]]
    summary: list[dict[str, Any]]


def sweep_report(
    manifest: dict[str, Any],
    rows: list[dict[str, Any]],
    design: SweepDesign,
    sc: Scenario,
    base: Path,
) -> Report:
    """A sweep's sensitivity: tornado (one at a time) or Sobol indices, and main effects."""
    sobol = manifest.get("method") == "sobol"
    column = "ST" if sobol else "delta"
    kpi = sweep_kpi(rows, column)
    shown_rows = [r for r in rows if r["kpi"] == kpi]
    keys = [k for k in (shown_rows[0] if shown_rows else {}) if k not in ("kpi",)]
    table = Table(
        keys,
        [
            [number(r[k]) if isinstance(r[k], float) else str(r[k]) for k in keys]
            for r in shown_rows
        ],
        f"Sensitivity of {kpi} (sensitivity.csv)",
    )
    figure = sobol_figure(rows) if sobol else tornado_figure(rows)
    parameters = [
        str(p["path"]) if isinstance(p, dict) else str(p) for p in manifest.get("parameters", [])
    ]
    effects = main_effects_figure(kpi, parameters, design.points, design.summary)
    sections = [
        Section("Sensitivity", figures=some(figure), tables=[table]),
        Section(
            "Main effects",
            [
                "The KPI's mean at each value of each parameter: the slope is the "
                "parameter's effect, a flat line none."
            ],
            figures=some(effects),
        ),
        *model_sections(sc, manifest, base),
    ]
    return Report("sweep", f"Sweep of {sc.name}", sweep_headline(manifest, rows), sections)


def calibration_report(doc: dict[str, Any], rows: list[dict[str, Any]]) -> Report:
    """Targets against achieved values, with the fitted parameters."""
    table = Table(
        ["KPI", "target ± tolerance", "achieved (95% CI)", "within", "source"],
        [
            [
                r["kpi"],
                f"{number(r['value'], r['kpi'])} ± {number(r['tolerance'], r['kpi'])}",
                with_ci(r, r["kpi"]),
                str(r.get("within_tolerance")),
                str(r.get("source") or ""),
            ]
            for r in rows
        ],
        "Targets (calibration.csv)",
    )
    free = Table(
        ["parameter", "range", "start", "fitted"],
        [
            [f["path"], f"{f['low']} to {f['high']}", str(f.get("start")), str(f.get("fitted"))]
            for f in doc.get("free", [])
        ],
        "Fitted parameters",
    )
    sections = [
        Section(
            "Target against achieved", figures=some(calibration_figure(rows)), tables=[table, free]
        ),
    ]
    title = f"Calibration of {doc.get('scenario', 'a scenario')}"
    return Report("calibration", title, calibration_headline(doc), sections)
