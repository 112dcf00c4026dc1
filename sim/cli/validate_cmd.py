"""`sim validate`: check scenario files without running them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import EXIT_BAD_INPUT, SetOpt, console, err_console
from sim.errors import InputError
from sim.scenario import load_scenario

EXAMPLES = """
Examples:

  sim validate scenarios/*.yaml

  sim validate scenarios/baseline.yaml --set triage.staff=0
"""


def validate_command(
    files: Annotated[list[Path], typer.Argument(help="Scenario YAML files.", show_default=False)],
    set_: SetOpt = None,
) -> None:
    """Check scenario files: keys, types, ranges and cross-references.

    Prints one line per file; exits 2 if any file is invalid.
    """
    failed = 0
    for path in files:
        try:
            sc = load_scenario(path, overrides=set_ or [])
        except InputError as exc:
            err_console.print(f"[bold red]invalid:[/] {exc}", highlight=False, soft_wrap=True)
            failed += 1
            continue
        console.print(
            f"[green]ok[/] {path}: {sc.name} ({len(sc.categories)} categories, "
            f"{len(sc.measures)} measures, {len(sc.inspections)} inspections)",
            highlight=False,
            soft_wrap=True,
        )
    if failed:
        raise typer.Exit(EXIT_BAD_INPUT)
