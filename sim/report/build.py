"""Which report a set of folders makes, built from what the folders hold."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim.compare.comparison import compare
from sim.errors import InputError
from sim.report.document import Report
from sim.report.inputs import comparison_runs, folder_kind, read_csv_rows, read_json, read_run
from sim.report.search_input import read_search
from sim.report.sections_analyses import (
    SweepDesign,
    calibration_report,
    comparison_report,
    sweep_report,
)
from sim.report.sections_run import results_report
from sim.report.sections_search import search_report
from sim.report.suppress import Suppression
from sim.scenario import load_scenario


def build_report(
    folders: Sequence[str | Path], *, suppress_below: int = 0, base: Path | None = None
) -> Report:
    """The report of one results, comparison, sweep, calibration or search folder, or the
    comparison page of several results folders (the first is the baseline).

    ``suppress_below`` hides counts under that number (0: none). ``base`` is the folder
    relative paths in the folders' manifests are read from (default: the current one).
    Raises :class:`InputError` for a folder of no known kind, or several folders that are
    not all results folders.
    """
    paths = [Path(f) for f in folders]
    if not paths:
        raise InputError("give at least one folder")
    base = base or Path.cwd()
    sup = Suppression(suppress_below)
    kinds = [folder_kind(p) for p in paths]
    if len(paths) > 1:
        if any(k != "results" for k in kinds):
            raise InputError(
                "several folders make a comparison page: give results folders "
                "only (from sim run), the baseline first"
            )
        comparison = compare([str(p) for p in paths])
        runs = [read_run(p) for p in paths]
        for run, s in zip(runs, comparison["scenarios"], strict=True):
            run.name = s["label"]
        return comparison_report(comparison, runs, sup, base)
    path, kind = paths[0], kinds[0]
    if kind == "results":
        return results_report(read_run(path), sup, base)
    if kind == "comparison":
        comparison = read_json(path / "comparison.json")
        manifest = read_json(path / "manifest.json") if (path / "manifest.json").is_file() else {}
        runs = comparison_runs(comparison, base, manifest)
        return comparison_report(comparison, runs, sup, base)
    if kind == "sweep":
        manifest = read_json(path / "manifest.json")
        rows = read_csv_rows(path / "sensitivity.csv")
        design = SweepDesign(
            read_csv_rows(path / "points.csv"),
            read_csv_rows(path / "summary.csv") if (path / "summary.csv").is_file() else [],
        )
        return sweep_report(manifest, rows, design, load_scenario(path / "scenario.yaml"), base)
    if kind == "search":
        return search_report(read_search(path, base), sup)
    doc = read_json(path / "calibration.json")
    return calibration_report(doc, read_csv_rows(path / "calibration.csv"))
