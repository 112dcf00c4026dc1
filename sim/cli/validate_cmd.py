"""`sim validate`: check scenario files without running them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sim.cli.common import EXIT_BAD_INPUT, SetOpt, console, err_console
from sim.errors import InputError
from sim.experiment.work_size import check_work_size
from sim.scenario import Scenario, load_scenario

EXAMPLES = """
Examples:

  sim validate scenarios/*.yaml

  sim validate scenarios/baseline.yaml --set triage.staff=0
"""


def _check(path: Path, set_: list[str], allow_large: bool) -> Scenario:
    """Load ``path`` and estimate its run's work; any failure as one :class:`InputError`."""
    try:
        sc = load_scenario(path, overrides=set_)
        check_work_size(sc, allow_large=allow_large, source=str(path))
    except InputError:
        raise
    except RecursionError:
        raise InputError("nesting too deep to check", file=str(path)) from None
    except Exception as exc:  # noqa: BLE001 - validate reports every file, never a traceback
        text = " ".join(str(exc).split())
        raise InputError(f"cannot check: {type(exc).__name__}: {text}", file=str(path)) from None
    return sc


def validate_command(
    files: Annotated[list[Path], typer.Argument(help="Scenario YAML files.", show_default=False)],
    set_: SetOpt = None,
    allow_large: Annotated[
        bool,
        typer.Option(
            "--allow-large", help="Accept scenarios whose work-size estimate is over its limit."
        ),
    ] = False,
) -> None:
    """Check scenario files: keys, types, ranges, cross-references and the work a run of
    each would be (see `sim run --allow-large`).

    Prints one line per file; exits 2 if any file is invalid.
    """
    failed = 0
    for path in files:
        try:
            sc = _check(path, set_ or [], allow_large)
        except InputError as exc:
            message = " ".join(str(exc).split())
            err_console.print(
                f"[bold red]invalid:[/] {escape(message)}", highlight=False, soft_wrap=True
            )
            failed += 1
            continue
        console.print(
            f"[green]ok[/] {escape(str(path))}: {sc.name} ({len(sc.categories)} categories, "
            f"{len(sc.measures)} measures, {len(sc.inspections)} inspections)",
            highlight=False,
            soft_wrap=True,
        )
    if failed:
        raise typer.Exit(EXIT_BAD_INPUT)
