"""`sim search`: the cheapest package of levers meeting targets with a stated probability."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sim.cli.common import (
    JsonOpt,
    ScenarioArg,
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
from sim.experiment.settings import RunSettings
from sim.report.headline_search import refined_text
from sim.scenario import load_scenario
from sim.search.definition import SearchOptions, SearchResult
from sim.search.searcher import RoundReport, search

EXAMPLES = """
Examples:

  sim search scenarios/baseline.yaml --levers scenarios/levers.yaml --target
  'followup_12m_substandard_rate<0.5' --probability 0.8 --until followup_12m

  sim search scenarios/baseline.yaml --levers scenarios/levers.yaml --target
  'followup_12m_substandard_rate<0.5' --target 'allocation_days_mean<5' --budget 5000000

An interrupted search keeps its finished replications in OUT.partial/: the same command
again (same scenario, levers, seed and period) takes them from there.
"""

SEARCH_RUN_OPTIONS = RUN_OPTIONS.but(
    "reps",
    Annotated[
        int | None,
        typer.Option("--reps", "-r", min=1, help="Screening replications per package (n0)."),
    ],
    3,
)
SEARCH_OUTPUT = output_options(
    "Results folder (default: results/ followed by the scenario's name and -search).",
    FORCE_HELP,
)

LeversOpt = Annotated[
    Path,
    typer.Option("--levers", "-l", help="Levers file (YAML): measures, levels, costs."),
]
TargetOpt = Annotated[
    list[str],
    typer.Option(
        "--target",
        "-t",
        help="KPI<value (or <=, >, >=; KPI@PERIOD for one inspection or year): every one "
        "must be met. Repeatable.",
        show_default=False,
    ),
]


def _search_options(**given: float | int | None) -> dict[str, float | int | None]:
    return given


SEARCH_OPTIONS = OptionGroup(
    (
        option(
            "probability",
            Annotated[
                float,
                typer.Option(
                    "--probability", "-p", help="Share of replications that must meet every target."
                ),
            ],
            SearchOptions.probability,
        ),
        option(
            "budget",
            Annotated[
                float | None,
                typer.Option("--budget", help="Leave out packages costing more than this a year."),
            ],
        ),
        option(
            "max_reps",
            Annotated[
                int,
                typer.Option("--max-reps", min=1, help="Replications the whole search may run."),
            ],
            SearchOptions.max_reps,
        ),
        option(
            "package_cap",
            Annotated[
                int, typer.Option("--package-reps", min=1, help="Most replications of one package.")
            ],
            SearchOptions.package_cap,
        ),
        option(
            "max_packages",
            Annotated[
                int,
                typer.Option(
                    "--packages",
                    min=1,
                    help="Candidate packages: a space-filling subset when the grid is larger.",
                ),
            ],
            SearchOptions.max_packages,
        ),
        option(
            "round_reps",
            Annotated[
                int,
                typer.Option(
                    "--round-reps",
                    min=1,
                    help="Replications per sequential round (a multiple of the workers keeps "
                    "them busy).",
                ),
            ],
            SearchOptions.round_reps,
        ),
        option(
            "level",
            Annotated[
                float, typer.Option("--level", help="Confidence level of the Wilson intervals.")
            ],
            SearchOptions.level,
        ),
        option(
            "refine",
            Annotated[
                bool,
                typer.Option(
                    "--refine/--no-refine",
                    help="Add the cheaper neighbours (one lever one step lower, or off) of "
                    "the cheapest package that looks enough, walking down the grid.",
                ),
            ],
            SearchOptions.refine,
        ),
    ),
    _search_options,
)
"""``--probability --budget --max-reps --package-reps --packages --round-reps --level
--refine`` → the :class:`SearchOptions` fields they set."""


def round_line(report: RoundReport) -> None:
    """One progress line per round, with the estimate of the replications still needed."""
    counts = ", ".join(f"{n} {s}" for s, n in sorted(report.statuses.items()))
    best = report.best
    step = "screening" if report.round == 0 else f"round {report.round}"
    err_console.print(
        f"{step}: {report.spent}/{report.budget} replications, about {report.remaining} "
        f"more; {counts}" + (f"; cheapest feasible so far: {best}" if best else ""),
        highlight=False,
        soft_wrap=True,
    )


@handle_errors
@grouped
def search_command(
    scenario: ScenarioArg,
    levers: LeversOpt,
    target: TargetOpt,
    chosen: dict = SEARCH_OPTIONS,
    set_: SetOpt = None,
    given: RunSettings = SEARCH_RUN_OPTIONS,
    output: OutputChoice = SEARCH_OUTPUT,
    as_json: JsonOpt = False,
) -> None:
    """Find the cheapest package of levers whose probability of meeting every target is at
    least --probability: screening, elimination and rounds of replications where they decide
    the answer, all under common random numbers.

    Writes search.csv (every package), front.csv (cost–probability front), best.yaml (the
    chosen package, runnable with sim run) and manifest.json.
    """
    sc = load_scenario(scenario, overrides=set_ or [])
    options = SearchOptions(**chosen, screening=given.replications or SearchOptions.screening)
    run_settings = given.but(replications=None)
    schedule = check_schedule(run_settings.apply(sc), run_settings, source=scenario)
    out = output.out or Path("results") / f"{sc.name}-search"
    folder = output_target(out, output.force, "search", {scenario, levers})
    with progress_bar(f"{sc.name}: search", options.max_reps) as progress:
        result = search(
            sc,
            levers,
            target,
            out=folder,
            options=options,
            settings=run_settings.but(progress=progress),
            on_round=round_line,
        )
    if output.report:
        report_into(Path(result.out), suppress_below=output.suppress_below)
    print_warnings(schedule + result.manifest.get("warnings", []))
    if result.manifest.get("until_from_targets"):
        err_console.print(
            f"note: replications ran until {result.manifest['until']}, the latest inspection "
            "the targets name (what follows cannot change its KPIs; --days or --until "
            "sets another end)",
            highlight=False,
            soft_wrap=True,
        )
    if as_json:
        print_json(result.to_dict())
        return
    console.print(front_table(result))
    err_console.print(result.manifest["claim"], highlight=False, soft_wrap=True)
    m = result.manifest
    err_console.print(
        f"wrote {result.out}/ in {m['timings']['wall_seconds']:.1f} s: {m['packages_simulated']} "
        f"of {m['candidate_packages']}{refined_text(m)} packages simulated "
        f"({m['grid_packages']} in the grid), {m['replications']} replications "
        f"({m['replications_resumed']} resumed)",
        highlight=False,
        soft_wrap=True,
    )


def front_table(result: SearchResult) -> Table:
    """The cost–probability front, the chosen package marked."""
    p = result.options.probability
    table = Table(
        title=f"cost–probability front (P = share of replications meeting every target; "
        f"required {p:g})",
        title_justify="left",
    )
    for col in ("package", "cost a year", "reps", "P", "Wilson interval", "status"):
        table.add_column(col, justify="left" if col in ("package", "status") else "right")
    best = result.best
    for row in result.front:
        mark = " ◀ chosen" if row["package"] == best else ""
        table.add_row(
            row["label"],
            f"{row['cost_per_year']:,.0f}",
            str(row["replications"]),
            fmt(row["probability"]),
            f"{fmt(row['wilson_low'])} – {fmt(row['wilson_high'])}",
            row["status"] + mark,
        )
    return table
