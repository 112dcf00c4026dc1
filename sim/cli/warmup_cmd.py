"""`sim warmup`: how long a warm-up a scenario needs (MSER-5 on weekly open cases)."""

from __future__ import annotations

from typing import Annotated

import typer

from sim.cli.common import (
    JsonOpt,
    ScenarioArg,
    SetOpt,
    console,
    handle_errors,
    print_json,
    progress_bar,
)
from sim.cli.options import RUN_OPTIONS, grouped
from sim.cli.schedule_notes import check_schedule, print_warnings
from sim.experiment.runner import run
from sim.experiment.settings import RunSettings
from sim.experiment.work_size import check_work_size
from sim.scenario import load_scenario
from sim.scenario.calendar import date_of

EXAMPLES = """
Examples:

  sim warmup scenarios/baseline.yaml

  sim warmup scenarios/baseline.yaml --reps 3 --days 730 --workers 2

  sim warmup scenarios/baseline.yaml --set officers.trained.count=450 --json
"""


@handle_errors
@grouped
def warmup_command(
    scenario: ScenarioArg,
    set_: SetOpt = None,
    given: RunSettings = RUN_OPTIONS.only(
        "reps", "seed", "days", "until", "workers", "strict", "allow_large"
    ).but(
        "reps",
        Annotated[int, typer.Option("--reps", "-r", min=1, help="Replications to average.")],
        5,
    ),
    as_json: JsonOpt = False,
) -> None:
    """Suggest a warm-up for a scenario, beside the one it uses.

    Runs a few replications, averages their weekly open-case counts (from day 0) and applies
    MSER-5: the truncation point that minimises the squared standard error of the mean of
    what is kept. Writes nothing.
    """
    sc = load_scenario(scenario, overrides=set_ or [])
    sc = given.apply(sc)
    check_work_size(sc, allow_large=bool(given.allow_large), source=str(scenario))
    schedule = check_schedule(sc, given, source=scenario)
    with progress_bar(f"{sc.name}: warm-up", sc.run.replications) as progress:
        result = run(sc, given.but(progress=progress))
    info = {**result.extra["warmup"], "scenario": sc.name, "stability": result.extra["stability"]}
    print_warnings(schedule)
    if as_json:
        print_json(info)
        return
    suggested, start = info["suggested_days"], sc.run.start_date
    console.print(
        f"{sc.name}: suggested warm-up {suggested:g} days, measuring from "
        f"{date_of(suggested, start)} ({info['method']} on weekly {info['series']}, "
        f"{info['replications']} replications of {sc.end_day:g} days from {start}); the "
        f"scenario uses {sc.run.warmup_days:g} days",
        highlight=False,
    )
    if info["at_limit"]:
        console.print(
            "[yellow]note:[/] the series did not settle within the run (the suggestion is "
            "at the search limit, half the run): run longer with --days, or see below",
            highlight=False,
        )
    stab = info["stability"]
    if stab["unstable"]:
        console.print(
            f"[bold yellow]warning:[/] unstable: open cases grow by "
            f"{stab['growth_per_day']:.3g} a day: no warm-up makes this run steady",
            highlight=False,
        )
