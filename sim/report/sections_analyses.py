"""The reports of a comparison, a sweep and a calibration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.report.document import Report, Section, Table
from sim.report.figures_analyses import calibration_figure, sobol_figure, sweep_kpi, tornado_figure
from sim.report.figures_compare import chosen_kpis, forest_figure, matrix_figure
from sim.report.figures_run import inspection_figure
from sim.report.headline_analyses import calibration_headline, compare_headline, sweep_headline
from sim.report.inputs import RunInput
from sim.report.model_sections import model_sections
from sim.report.numbers import number, with_ci
from sim.report.sections_run import inspection_table, some
from sim.report.suppress import Suppression
from sim.scenario import Scenario


def _difference_table(comparison: dict[str, Any]) -> Table:
    kpis = set(chosen_kpis(comparison, limit=40))
    rows = [
        [
            r["kpi"],
            r["scenario"],
            with_ci(
                {
                    "mean": r["baseline_mean"],
                    "ci_low": r["baseline_ci_low"],
                    "ci_high": r["baseline_ci_high"],
                },
                r["kpi"],
            ),
            with_ci({"mean": r["mean"], "ci_low": r["ci_low"], "ci_high": r["ci_high"]}, r["kpi"]),
            f"{number(r['difference'], r['kpi'])} ({number(r['difference_ci_low'], r['kpi'])} to "
            f"{number(r['difference_ci_high'], r['kpi'])})",
            str(r.get("verdict") or ""),
        ]
        for r in comparison["comparisons"]
        if r["kpi"] in kpis
    ]
    columns = [
        "KPI",
        "scenario",
        "baseline (95% CI)",
        "scenario (95% CI)",
        "difference (95% CI)",
        "verdict",
    ]
    return Table(columns, rows, "Differences from the baseline (comparison.csv has every KPI)")


def comparison_report(
    comparison: dict[str, Any], runs: list[RunInput], sup: Suppression, base: Path
) -> Report:
    """A comparison of scenarios with the baseline; the model of the baseline run."""
    sections = [
        Section(
            "Differences from the baseline",
            figures=some(forest_figure(comparison)),
            tables=[_difference_table(comparison)],
        ),
        Section("Scenario × KPI matrix", figures=some(matrix_figure(comparison))),
    ]
    if runs:
        sections.append(
            Section(
                "Inspections over time",
                figures=some(inspection_figure(runs, sup)),
                tables=[inspection_table(runs, sup)],
            )
        )
        sections += model_sections(runs[0].scenario, runs[0].folder.manifest, base)
    else:
        sections.append(
            Section(
                "Inspections over time",
                [
                    "The comparison's results folders "
                    "are not at hand: compare results folders to see them."
                ],
            )
        )
    names = ", ".join(s["label"] for s in comparison["scenarios"])
    notes = [sup.note()] if sup.active else []
    return Report(
        "comparison", f"Comparison: {names}", compare_headline(comparison, runs), sections, notes
    )


def sweep_report(
    manifest: dict[str, Any], rows: list[dict[str, Any]], sc: Scenario, base: Path
) -> Report:
    """A sweep's sensitivity: tornado (one at a time) or Sobol indices."""
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
    sections = [
        Section("Sensitivity", figures=some(figure), tables=[table]),
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
