"""`sim validate`: check scenario files without running them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sim.calibrate.targets import read_targets
from sim.cli.common import EXIT_BAD_INPUT, SetOpt, console, err_console
from sim.cli.options import RUN_OPTIONS, grouped
from sim.cli.schedule_notes import check_schedule, print_warnings
from sim.errors import InputError
from sim.experiment.settings import RunSettings
from sim.experiment.work_size import check_work_size
from sim.scenario import Scenario, load_scenario
from sim.scenario.schedule import period_label
from sim.scenario.yaml_io import read_yaml_mapping
from sim.search.levers import read_levers
from sim.search.packages import grid_size

EXAMPLES = """
Examples:

  sim validate scenarios/*.yaml

  sim validate scenarios/baseline.yaml --set triage.staff=0

  sim validate scenarios/measures/*.yaml --days 365 --warmup 90 --strict
"""


def _check(path: Path, set_: list[str], given: RunSettings) -> Scenario:
    """Load ``path`` with the run options and estimate its run's work; any failure as one
    :class:`InputError`."""
    try:
        sc = given.apply(load_scenario(path, overrides=set_))
        check_work_size(sc, allow_large=bool(given.allow_large), source=str(path))
    except InputError:
        raise
    except RecursionError:
        raise InputError("nesting too deep to check", file=str(path)) from None
    except Exception as exc:  # noqa: BLE001 - validate reports every file, never a traceback
        text = " ".join(str(exc).split())
        raise InputError(f"cannot check: {type(exc).__name__}: {text}", file=str(path)) from None
    return sc


def _other_kind(path: Path) -> str | None:
    """``levers`` or ``targets`` when ``path`` is a levers file (top-level ``levers:``) or
    a calibration targets file (``targets:`` and no ``categories:``), else ``None`` (read
    as a scenario, whose errors say what is wrong)."""
    try:  # the guarded reader: no FIFO, no huge or hostile YAML
        data = read_yaml_mapping(path)
    except (InputError, RecursionError):
        return None
    if "categories" in data:
        return None
    return "levers" if "levers" in data else "targets" if "targets" in data else None


def _check_other(path: Path, kind: str) -> str:
    """Check a levers or targets file; what to print after ``ok PATH:``."""
    if kind == "levers":
        levers = read_levers(path)
        return (
            f"levers file for sim search ({len(levers.levers)} levers, a grid of "
            f"{grid_size(levers):,} packages, costs in {levers.currency} a year)"
        )
    targets = read_targets(path)
    return f"calibration targets for sim calibrate ({len(targets.targets)} targets)"


@grouped
def validate_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="Scenario (or levers, targets) YAML files.", show_default=False),
    ],
    set_: SetOpt = None,
    given: RunSettings = RUN_OPTIONS.only("days", "warmup", "until", "strict", "allow_large"),
) -> None:
    """Check scenario files: keys, types, ranges, cross-references and the work a run of
    each would be (see `sim run --allow-large`). A levers file (`levers:`, for sim search)
    or a calibration targets file (`targets:`, for sim calibrate) is checked as what it is.

    Prints one line per file with its calendar; warns (or with --strict refuses) when a
    measure, inspection or surge starts after the run's end (for the run --days, --warmup
    or --until describe, else the file's own). Exits 2 if any file is invalid.
    """
    failed = 0
    for path in files:
        kind = _other_kind(path)
        try:
            if kind is not None:
                what = _check_other(path, kind)
                console.print(
                    f"[green]ok[/] {escape(str(path))}: {what}", highlight=False, soft_wrap=True
                )
                continue
            sc = _check(path, set_ or [], given)
            schedule = check_schedule(sc, given, source=path)
        except InputError as exc:
            message = " ".join(str(exc).split())
            err_console.print(
                f"[bold red]invalid:[/] {escape(message)}", highlight=False, soft_wrap=True
            )
            failed += 1
            continue
        console.print(
            f"[green]ok[/] {escape(str(path))}: {_describe(sc)}", highlight=False, soft_wrap=True
        )
        print_warnings(schedule)
    if failed:
        raise typer.Exit(EXIT_BAD_INPUT)


def _describe(sc: Scenario) -> str:
    return (
        f"{sc.name} ({len(sc.categories)} categories, {len(sc.measures)} measures, "
        f"{len(sc.inspections)} inspections); {period_label(sc)}"
    )
