"""`sim calibrate`: fit free scenario parameters to target KPIs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sim.calibrate.files import write_claimed_calibration
from sim.calibrate.fitting import DEFAULT_MAX_EVALS, Calibration, calibrate
from sim.calibrate.targets import METHODS, read_targets
from sim.cli.common import (
    JsonOpt,
    ScenarioArg,
    console,
    err_console,
    fmt,
    handle_errors,
    output_target,
    print_json,
    progress_bar,
)
from sim.cli.options import FORCE_HELP, RUN_OPTIONS, OutputChoice, grouped, output_options
from sim.cli.report_cmd import report_into
from sim.cli.schedule_notes import check_schedule, print_warnings
from sim.errors import InputError
from sim.experiment.settings import RunSettings
from sim.experiment.work_size import check_work_size
from sim.output.folders import claim
from sim.scenario import load_scenario

EXAMPLES = """
Examples:

  sim calibrate scenarios/baseline.yaml -t scenarios/baseline_targets.yaml -o results/cal

  sim calibrate small.yaml -t targets.yaml -f officers.trained.count=4:12 -o results/c

  sim calibrate small.yaml -t targets.yaml -f triage.under_grade_rate=0:0.2
  --reps 4 --seed 7 --max-evals 30 --method powell -o results/c --force

A targets file is YAML: targets: a list of {kpi, value, tolerance, weight, source};
optional free: {path: low:high} and settings: {replications, seed, days, max_evals,
method}. Options on the command line win.
"""


@handle_errors
@grouped
def calibrate_command(
    scenario: ScenarioArg,
    targets: Annotated[
        Path,
        typer.Option("--targets", "-t", help="Targets YAML file."),
    ],
    free: Annotated[
        list[str] | None,
        typer.Option(
            "--free",
            "-f",
            help="A parameter to fit and its range, path=low:high (repeatable; extends the "
            "targets file's free:).",
            show_default=False,
        ),
    ] = None,
    given: RunSettings = RUN_OPTIONS.only(
        "reps", "seed", "workers", "days", "until", "address", "strict", "allow_large"
    ),
    max_evals: Annotated[
        int | None,
        typer.Option(
            "--max-evals",
            min=1,
            help=f"Most parameter points simulated (default {DEFAULT_MAX_EVALS}).",
        ),
    ] = None,
    method: Annotated[
        str | None,
        typer.Option(
            "--method", "-m", help=f"Optimiser: {', '.join(METHODS)} (default nelder-mead)."
        ),
    ] = None,
    output: OutputChoice = output_options("Output folder.", FORCE_HELP, required=True),
    as_json: JsonOpt = False,
) -> None:
    """Fit free parameters so the scenario's KPIs meet target values.

    Every evaluation runs the same replications with the same seed (common random
    numbers) and scores sum(weight × ((mean − value) / tolerance)²) over the targets.

    Writes fitted.yaml (the scenario with the fitted values), calibration.csv (target
    against achieved, with 95% intervals), history.csv and calibration.json. When the
    targets cannot all be met together it says which are not (exit status 0).
    """
    if method is not None and method.lower() not in METHODS:
        raise InputError(f"expected one of: {', '.join(METHODS)} (got {method!r})", key="--method")
    spec = read_targets(targets)
    sc = load_scenario(scenario)
    days_in_file = RunSettings(horizon_days=spec.settings.get("days"))
    planned = given.fill(days_in_file).apply(sc)
    days_from = targets if given.horizon_days is None and spec.settings.get("days") else scenario
    check_work_size(planned, allow_large=bool(given.allow_large), source=str(days_from))
    schedule = check_schedule(planned, given, source=scenario)
    budget = max_evals or spec.settings.get("max_evals") or DEFAULT_MAX_EVALS
    target = output_target(output.out, output.force, "calibrate", [scenario, targets])
    with claim(target, kind="calibration") as claimed:
        with progress_bar(f"{sc.name}: calibrating", budget) as progress:
            result = calibrate(
                sc,
                targets,
                free or [],
                max_evals=max_evals,
                method=method,
                settings=given.but(progress=progress),
            )
        write_claimed_calibration(claimed, result, scenario_path=scenario)
    if output.report:
        report_into(target.path, suppress_below=output.suppress_below)
    command = list(target.command or ())
    print_warnings(schedule)
    if as_json:
        doc = result.to_dict()
        doc["command"] = command
        print_json(doc)
        return
    console.print(targets_table(result))
    console.print(fitted_table(result))
    style = "green" if result.all_targets_met else "bold yellow"
    console.print(f"[{style}]{result.verdict}[/]", highlight=False, soft_wrap=True)
    for note in result.notes:
        console.print(f"note: {note}", highlight=False, soft_wrap=True)
    err_console.print(
        f"wrote {target.path}/ ({len(result.history)} evaluations, {result.stop_reason}, "
        f"{result.wall_seconds:.1f} s)",
        highlight=False,
    )


def targets_table(result: Calibration) -> Table:
    table = Table(
        title=(
            f"{result.scenario.name}: target against achieved ({result.replications} "
            f"replications, seed {result.seed}, {result.horizon_days:g} days)"
        ),
        title_justify="left",
    )
    table.add_column("KPI", overflow="fold")  # long names wrap rather than lose their end
    for name, justify in (
        ("target", "right"),
        ("± tolerance", "right"),
        ("achieved", "right"),
        ("95% CI", "right"),
        ("z", "right"),
        ("within", "left"),
    ):
        table.add_column(name, justify=justify)
    for row in result.table:
        ci = "–" if row["ci_low"] is None else f"{fmt(row['ci_low'])} – {fmt(row['ci_high'])}"
        z = "–" if row["z"] is None else f"{row['z']:+.2f}"
        within = "[green]yes[/]" if row["within_tolerance"] else "[red]no[/]"
        table.add_row(
            row["kpi"],
            fmt(row["value"]),
            fmt(row["tolerance"]),
            fmt(row["mean"]),
            ci,
            z,
            within,
        )
    return table


def fitted_table(result: Calibration) -> Table:
    table = Table(title="fitted parameters", title_justify="left")
    for name, justify in (("parameter", "left"), ("start", "right"), ("fitted", "right")):
        table.add_column(name, justify=justify)
    table.add_column("range", justify="right")
    for p in result.free:
        table.add_row(
            p.path,
            f"{result.start_values[p.path]:g}",
            f"{result.fitted_values[p.path]:g}",
            f"{p.low:g} – {p.high:g}",
        )
    return table
