"""`sim sweep`: a sensitivity sweep of a scenario into a results folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sim.cli.common import (
    JsonOpt,
    SetOpt,
    console,
    err_console,
    fmt,
    handle_errors,
    output_target,
    print_json,
    progress_bar,
)
from sim.cli.options import (
    FORCE_HELP,
    RUN_OPTIONS,
    OptionGroup,
    OutputChoice,
    grouped,
    option,
    output_options,
)
from sim.cli.report_cmd import report_into
from sim.cli.schedule_notes import check_schedule, print_warnings
from sim.errors import InputError
from sim.experiment.kpis import kpi_specs
from sim.experiment.settings import RunSettings
from sim.experiment.work_size import check_work_size
from sim.scenario import load_scenario
from sim.scenario.keypaths import parse_assignment
from sim.sweep.design import METHODS, parse_vary
from sim.sweep.store import is_sweep_file, read_sweep_file
from sim.sweep.sweeper import SweepResult, define_sweep, run_sweep

EXAMPLES = """
Examples:

  sim sweep scenarios/baseline.yaml --vary triage.staff=6:12 --vary officers.trained.count=350:450

  sim sweep scenarios/baseline.yaml -m grid --vary triage.staff=6:12:2 --vary
  allocation.untrained_after_days=7,14,null --reps 5

  sim sweep scenarios/baseline.yaml -m sobol --samples 64 --vary triage.staff=6:12 --vary
  officers.trained.count=350:450 --vary warrants.court_days.mean=2:10 --workers 2

  sim sweep sweep.yaml            (a sweep file: scenario, vary, method, samples, reps, seed, out)

  sim sweep sweep.yaml --address tcp://scheduler:8786     (on a Dask cluster)

An interrupted sweep keeps its finished runs in OUT.partial/: the same command again
computes only the rest.
"""

DEFAULT_KPIS = ("allocation_days_mean", "substandard_rate")


@dataclass(frozen=True)
class DesignChoice:
    """``--method``, ``--samples`` and ``--levels`` as given (``None`` when not given)."""

    method: str | None
    samples: int | None
    levels: int | None


DESIGN_OPTIONS = OptionGroup(
    (
        option(
            "method",
            Annotated[
                str | None,
                typer.Option("--method", "-m", help="grid, oat, lhs or sobol (default: oat)."),
            ],
        ),
        option(
            "samples",
            Annotated[
                int | None,
                typer.Option(
                    "--samples",
                    "-n",
                    help="lhs: points; sobol: base rows (points = n × (params + 2)).",
                ),
            ],
        ),
        option(
            "levels",
            Annotated[
                int | None,
                typer.Option("--levels", "-k", help="Levels per range without a step (grid, oat)."),
            ],
        ),
    ),
    DesignChoice,
)

VaryOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--vary",
        "-v",
        help="Parameter to vary: key.path=lo:hi[:step] (a range) or key.path=a,b,c (values). "
        "Repeatable.",
        show_default=False,
    ),
]


def _settings(target: Path, vary: list[str], set_: list[str]) -> tuple[dict[str, Any], str]:
    """Merge a sweep file (if ``target`` is one) with the command-line options."""
    cli_vary = dict(parse_vary(v) for v in vary)
    cli_set = dict(parse_assignment(s) for s in set_)
    if target.is_file() and is_sweep_file(target):
        settings = read_sweep_file(target)
        settings["vary"] = {**settings["vary"], **cli_vary}
        settings["set"] = {**(settings.get("set") or {}), **cli_set}
        return settings, str(target) if not cli_vary else f"{target} + --vary"
    return {"scenario": target, "vary": cli_vary, "set": cli_set}, "--vary"


@handle_errors
@grouped
def sweep_command(
    target: Annotated[
        Path,
        typer.Argument(
            help="Scenario YAML, or a sweep file (YAML with scenario: and vary:).",
            show_default=False,
        ),
    ],
    vary: VaryOpt = None,
    design: DesignChoice = DESIGN_OPTIONS,
    set_: SetOpt = None,
    given: RunSettings = RUN_OPTIONS,
    output: OutputChoice = output_options(
        "Results folder (default: results/ followed by the scenario's name and the method).",
        FORCE_HELP,
    ),
    kpi: Annotated[
        list[str] | None,
        typer.Option("--kpi", help="KPI to show in the table (repeatable; all are written)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run a sensitivity sweep: every point × replication, on local processes or Dask.

    Writes points.csv, runs.csv (one row per point × replication; runs.parquet too when
    pyarrow is installed), summary.csv, sensitivity.csv, manifest.json, scenario.yaml and
    sweep.yaml, and prints the sensitivity of the chosen KPIs.
    """
    settings, source = _settings(target, vary or [], set_ or [])
    method = design.method or settings.get("method") or "oat"
    samples, levels = design.samples, design.levels
    if method not in METHODS:
        raise InputError(f"expected one of {', '.join(METHODS)}, got {method!r}", key="--method")
    for name, value in (("--samples", samples), ("--levels", levels)):
        if value is not None and value < 2:
            raise InputError(f"expected 2 or more, got {value}", key=name)
    sc = load_scenario(
        settings["scenario"],
        overrides=settings.get("set") or {},
        overrides_source=None if source == "--vary" else f"{source}: set",
    )
    from_file = RunSettings(
        replications=settings.get("reps"),
        seed=settings.get("seed"),
        horizon_days=settings.get("days"),
        warmup_days=settings.get("warmup"),
    )
    run_settings = given.fill(from_file)
    definition = define_sweep(
        sc,
        settings["vary"],
        method,
        samples=samples if samples is not None else settings.get("samples"),
        levels=levels if levels is not None else settings.get("levels"),
        settings=run_settings,
        source=source,
    )
    allow_large = bool(run_settings.allow_large)  # one point first: absurd horizons have no dates
    check_work_size(definition.scenario, allow_large=allow_large, source=str(target))
    schedule = check_schedule(definition.scenario, run_settings, source=settings["scenario"])
    known = {s.name for s in kpi_specs(definition.scenario)}
    shown = list(kpi or DEFAULT_KPIS)
    for name in shown:
        if name not in known:
            raise InputError(f"no such KPI {name!r} (`sim run --all` lists them)", key="--kpi")
    default_out = Path("results") / f"{sc.name}-{method}"
    out = output.out or (Path(settings["out"]) if settings.get("out") else None) or default_out
    folder = output_target(out, output.force, "sweep", {Path(settings["scenario"]), target})
    with progress_bar(f"{sc.name}: {method} sweep", 1) as progress:
        result = run_sweep(
            definition, run_settings.but(progress=progress), out=folder, source=source
        )
    if output.report:
        report_into(Path(result.out), suppress_below=output.suppress_below)
    print_warnings(schedule)
    if as_json:
        print_json(result.to_dict())
        return
    for name in shown:
        console.print(sensitivity_table(result, name))
    m = result.manifest
    err_console.print(
        f"wrote {result.out}/ in {m['timings']['wall_seconds']:.1f} s: {m['points']} points × "
        f"{result.definition.replications} replications ({m['tasks']} runs of "
        f"{m['distinct_points']} distinct points, {m['tasks_resumed']} resumed)",
        highlight=False,
    )


def _ci(row: dict[str, Any], low: str, high: str) -> str:
    if row.get(low) is None or row[low] != row[low]:
        return "–"
    return f"{fmt(row[low])} – {fmt(row[high])}"


def sensitivity_table(result: SweepResult, kpi: str) -> Table:
    """One KPI's sensitivity: oat changes, Sobol indices or rank correlations."""
    rows = [r for r in result.sensitivity if r["kpi"] == kpi]
    if result.method == "oat":
        base = rows[0]["base_mean"] if rows else None
        table = Table(title=f"{kpi}: one at a time (base mean {fmt(base)})", title_justify="left")
        for col in ("parameter", "value", "mean", "change", "95% CI"):
            table.add_column(col, justify="left" if col == "parameter" else "right")
        swing: dict[str, float] = {}
        for r in rows:
            d = abs(r["delta"]) if r["delta"] is not None else 0.0
            swing[r["parameter"]] = max(swing.get(r["parameter"], 0.0), d)
        for r in sorted(rows, key=lambda r: -swing[r["parameter"]]):
            table.add_row(
                r["parameter"],
                fmt(r["value"]),
                fmt(r["mean"]),
                fmt(r["delta"]),
                _ci(r, "delta_ci_low", "delta_ci_high"),
            )
        return table
    if result.method == "sobol":
        noise = rows[0]["noise_share"] if rows else None
        table = Table(
            title=f"{kpi}: Sobol indices (replication noise share {fmt(noise)})",
            title_justify="left",
        )
        for col in ("parameter", "S1", "95% CI", "ST", "95% CI "):
            table.add_column(col, justify="left" if col == "parameter" else "right")
        for r in sorted(rows, key=lambda r: -(r["ST"] if r["ST"] == r["ST"] else -1)):
            table.add_row(
                r["parameter"],
                fmt(r["S1"]),
                _ci(r, "S1_ci_low", "S1_ci_high"),
                fmt(r["ST"]),
                _ci(r, "ST_ci_low", "ST_ci_high"),
            )
        return table
    table = Table(title=f"{kpi}: Spearman rank correlation", title_justify="left")
    for col in ("parameter", "rho", "p-value", "points"):
        table.add_column(col, justify="left" if col == "parameter" else "right")
    for r in rows:
        table.add_row(r["parameter"], fmt(r["spearman_rho"]), fmt(r["p_value"]), str(r["points"]))
    return table
