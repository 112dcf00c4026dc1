"""`sim validate`: check scenario files without running them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import EXIT_BAD_INPUT, SetOpt, console, err_console
from sim.cli.options import RUN_OPTIONS, grouped
from sim.cli.schedule_notes import check_schedule, print_warnings
from sim.errors import InputError
from sim.experiment.settings import RunSettings
from sim.scenario import Scenario, load_scenario
from sim.scenario.schedule import period_label

EXAMPLES = """
Examples:

  sim validate scenarios/*.yaml

  sim validate scenarios/baseline.yaml --set triage.staff=0

  sim validate scenarios/measures/*.yaml --days 365 --warmup 90 --strict
"""


@grouped
def validate_command(
    files: Annotated[list[Path], typer.Argument(help="Scenario YAML files.", show_default=False)],
    set_: SetOpt = None,
    given: RunSettings = RUN_OPTIONS.only("days", "warmup", "until", "strict"),
) -> None:
    """Check scenario files: keys, types, ranges and cross-references.

    Prints one line per file with its calendar; warns (or with --strict refuses) when a
    measure, inspection or surge starts after the run's end (for the run --days, --warmup
    or --until describe, else the file's own). Exits 2 if any file is invalid.
    """
    failed = 0
    for path in files:
        try:
            sc = given.apply(load_scenario(path, overrides=set_ or []))
            schedule = check_schedule(sc, given, source=path)
        except InputError as exc:
            err_console.print(f"[bold red]invalid:[/] {exc}", highlight=False, soft_wrap=True)
            failed += 1
            continue
        console.print(f"[green]ok[/] {path}: {_describe(sc)}", highlight=False, soft_wrap=True)
        print_warnings(schedule)
    if failed:
        raise typer.Exit(EXIT_BAD_INPUT)


def _describe(sc: Scenario) -> str:
    return (
        f"{sc.name} ({len(sc.categories)} categories, {len(sc.measures)} measures, "
        f"{len(sc.inspections)} inspections); {period_label(sc)}"
    )
