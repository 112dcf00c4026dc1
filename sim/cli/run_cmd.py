"""`sim run`: replications of a scenario into a results folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import (
    JsonOpt,
    ScenarioArg,
    SetOpt,
    console,
    err_console,
    handle_errors,
    output_target,
    print_json,
    progress_bar,
    summary_table,
)
from sim.cli.options import (
    FORCE_HELP,
    RUN_FROM_OPTIONS,
    OptionGroup,
    OutputChoice,
    grouped,
    option,
    output_options,
)
from sim.cli.report_cmd import report_into
from sim.cli.schedule_notes import check_schedule, print_warnings
from sim.errors import InputError
from sim.experiment.kpis import CORE_KPIS
from sim.experiment.precision import DEFAULT_MAX_REPLICATIONS, describe, run_to_precision
from sim.experiment.runner import RunResult, run, summary_dict
from sim.experiment.settings import RunSettings
from sim.experiment.work_size import check_work_size
from sim.output.folders import claim
from sim.output.results import write_claimed_results
from sim.scenario import Scenario, load_scenario
from sim.scenario.schedule import inspections_label, period_label
from sim.stats.stability import warning_text

EXAMPLES = """
Examples:

  sim run scenarios/baseline.yaml

  sim run scenarios/baseline.yaml --reps 20 --seed 7 --workers 2 --out results/b20

  sim run scenarios/baseline.yaml --set triage.staff=12 --set officers.trained.count=450

  sim run scenarios/measures/package.yaml --until followup_12m --reps 5

  sim run scenarios/baseline.yaml --until 2017-12-01 --warmup 180

  sim run scenarios/baseline.yaml --json > summary.json

  sim run scenarios/baseline.yaml --precision 0.05 --precision-kpis allocation_days_mean

  sim run scenarios/baseline.yaml --address tcp://scheduler:8786   (or set SIM_DASK_ADDRESS)
"""


@dataclass(frozen=True)
class PrecisionRequest:
    """``--precision``, ``--precision-kpis`` and ``--max-reps`` as given."""

    precision: float | None
    kpis: list[str] | None
    max_reps: int


def _precision(
    precision: float | None = None,
    precision_kpis: str | None = None,
    max_reps: int = DEFAULT_MAX_REPLICATIONS,
) -> PrecisionRequest:
    kpis = [k.strip() for k in precision_kpis.split(",")] if precision_kpis else None
    return PrecisionRequest(precision, kpis, max_reps)


PRECISION_OPTIONS = OptionGroup(
    (
        option(
            "precision",
            Annotated[
                float | None,
                typer.Option(
                    "--precision",
                    min=0.0001,
                    max=0.9999,
                    help="Add replications until each --precision-kpis 95% half-width is "
                    "within this share of its mean (0.05 = ±5%); --reps is then the starting "
                    "number (default 5).",
                    show_default=False,
                ),
            ],
            None,
        ),
        option(
            "precision_kpis",
            Annotated[
                str | None,
                typer.Option(
                    "--precision-kpis",
                    help="Comma-separated KPIs for --precision "
                    "(default: allocation_days_mean,end_to_end_days_mean).",
                    show_default=False,
                ),
            ],
            None,
        ),
        option(
            "max_reps",
            Annotated[
                int, typer.Option("--max-reps", min=2, help="Cap on replications for --precision.")
            ],
            DEFAULT_MAX_REPLICATIONS,
        ),
    ),
    _precision,
)


@handle_errors
@grouped
def run_command(
    scenario: ScenarioArg,
    set_: SetOpt = None,
    settings: RunSettings = RUN_FROM_OPTIONS,
    output: OutputChoice = output_options(
        "Results folder (default: results/ followed by the scenario name).", FORCE_HELP
    ),
    case_log: Annotated[
        bool, typer.Option("--case-log", help="Also write cases.csv, one row per case.")
    ] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Show every KPI, not just the headline ones.")
    ] = False,
    as_json: JsonOpt = False,
    precision: PrecisionRequest = PRECISION_OPTIONS,
) -> None:
    """Run a scenario's replications and write its results folder.

    Prints a KPI table with 95% confidence intervals and writes manifest.json,
    scenario.yaml, summary.json, summary.csv, replications.csv, timeseries.csv and
    replication_timeseries.csv (each CSV with a scenario column and dates beside days).
    """
    if precision.precision is not None and settings.first_replication:
        raise InputError("cannot be combined with --precision", key="--first-replication")
    sc = load_scenario(scenario, overrides=set_ or [])
    settings = settings.but(case_log=case_log or None)
    sc = settings.but(replications=None if precision.precision else settings.replications).apply(sc)
    check_work_size(sc, allow_large=bool(settings.allow_large), source=str(scenario))
    schedule = check_schedule(sc, settings, source=scenario)
    out = output.out or Path("results") / sc.name
    target = output_target(out, output.force, "run", [scenario])
    with claim(target, kind="results") as claimed:
        result = _simulate(sc, settings, precision)
        write_claimed_results(claimed, result)
    if output.report:
        report_into(target.path, suppress_below=output.suppress_below)
    if as_json:
        print_json(summary_dict(result))
        print_warnings(schedule)
        warning = warning_text(result.extra.get("stability", {}))
        if warning:  # on stderr, so stdout stays the summary
            err_console.print(f"[bold yellow]warning:[/] {warning}", highlight=False)
        return
    _print_summary(sc, result, show_all)
    rate = result.referrals_simulated / result.wall_seconds if result.wall_seconds else 0
    err_console.print(
        f"wrote {target.path}/ in {result.wall_seconds:.1f} s "
        f"({result.referrals_simulated:,} referrals, {rate:,.0f} referrals/s)",
        highlight=False,
    )
    for line in _notes(result.extra, sc):
        err_console.print(line, highlight=False, soft_wrap=True)
    print_warnings(schedule)


def _simulate(sc: Scenario, settings: RunSettings, precision: PrecisionRequest) -> RunResult:
    if precision.precision is None:
        with progress_bar(f"{sc.name}: replications", sc.run.replications) as progress:
            return run(sc, settings.but(replications=None, progress=progress))
    with progress_bar(f"{sc.name}: replications (cap)", precision.max_reps) as progress:
        return run_to_precision(
            sc,
            precision.precision,
            precision.kpis,
            precision.max_reps,
            settings.but(progress=progress),
        )


def _print_summary(sc: Scenario, result: RunResult, show_all: bool) -> None:
    core = {k.name for k in CORE_KPIS}
    headline_inspection = {
        f"{i.name}_{k}"
        for i in sc.inspections
        for k in ("substandard_rate", "inadequate_rate", "serious_concern_rate")
    }
    names = [n for n in result.kpi_names if show_all or n in core or n in headline_inspection]
    title = (
        f"{sc.name}: {len(result.replications)} replications, seed {result.seed}, "
        f"{period_label(sc)}"
    )
    console.print(summary_table(title, result.summary, names))
    hidden = len(result.kpi_names) - len(names)
    if hidden:
        err_console.print(
            f"{hidden} more KPIs (by risk level, category, rule, inspection detail, and per "
            "period as KPI@YEAR): --all shows them; summary.csv has them all",
            highlight=False,
        )


def _notes(extra: dict, sc: Scenario) -> list[str]:
    """Inspection dates, warm-up suggestion, replications needed and an unstable-run
    warning, one line each."""
    inspections = inspections_label(sc)
    lines = [f"inspections: {inspections}"] if inspections else []
    w = extra.get("warmup")
    if w and w.get("suggested_days") is not None:
        limit = " (no steady state found in the run)" if w["at_limit"] else ""
        lines.append(
            f"warm-up: used {w['used_days']:g} days; {w['method']} on weekly {w['series']} "
            f"suggests {w['suggested_days']:g} days{limit}"
        )
    if "sequential" in extra:
        lines.append(describe(extra["sequential"]))
    warning = warning_text(extra.get("stability", {}))
    if warning:
        lines.append(f"[bold yellow]warning:[/] {warning}")
    return lines
