"""`sim verify`: check this installation against queueing theory."""

from __future__ import annotations

from typing import Annotated

import typer
from rich import box
from rich.table import Table

from sim.cli.common import (
    EXIT_FAILED,
    JsonOpt,
    console,
    fmt,
    handle_errors,
    print_json,
    progress_bar,
)
from sim.cli.options import RUN_OPTIONS, grouped
from sim.experiment.settings import RunSettings
from sim.verify import run_checks, select_checks

EXAMPLES = """
Examples:

  sim verify

  sim verify --workers 2 --json > verify.json

  sim verify --only mm1 --only tandem
"""


@handle_errors
@grouped
def verify_command(
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            help="Run only the checks whose name starts with this (repeatable), e.g. mm1.",
            show_default=False,
        ),
    ] = None,
    given: RunSettings = RUN_OPTIONS.only("seed", "workers"),
    as_json: JsonOpt = False,
) -> None:
    """Run the model configured as textbook queues and compare it with theory.

    Each check runs replications of a textbook configuration (M/M/c, priority classes,
    M/D/1, M/G/1, a two-stage tandem) and compares a KPI's mean with the theory value.
    A check passes when |mean - theory| is within its tolerance: a Bonferroni-corrected
    t-interval over the replications plus 1% of theory for the finite run's bias. Takes
    under a minute on two cores. Exits 0 when every check passes, 1 otherwise.
    """
    checks = select_checks(only)
    scenarios = len({c.scenario.name for c in checks})
    with progress_bar("verify: textbook queues", scenarios) as progress:
        results = run_checks(checks, given.but(progress=progress))
    failed = [r for r in results if not r.passed]
    if as_json:
        print_json({"passed": not failed, "checks": [r.as_dict() for r in results]})
    else:
        table = Table(
            title="sim verify: the model as textbook queues, against theory (days)",
            title_justify="left",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
        )
        for col, justify in (
            ("check", "left"),
            ("theory", "right"),
            ("mean", "right"),
            ("95% CI", "right"),
            ("±tol", "right"),
            ("result", "left"),
        ):
            table.add_column(col, justify=justify, no_wrap=True)
        queue = None
        for r in results:
            if r.queue != queue:
                queue = r.queue
                table.add_row(f"[bold]{queue}[/]", end_section=False)
            table.add_row(
                f"  {r.quantity}",
                fmt(r.theory, 4),
                fmt(r.mean, 4),
                f"{fmt(r.ci_low)}–{fmt(r.ci_high)}",
                fmt(r.tolerance, 3),
                "[green]pass[/]" if r.passed else f"[bold red]FAIL[/] {r.name}",
            )
        console.print(table)
        n = results[0].n if results else 0
        console.print(
            f"{len(results) - len(failed)} of {len(results)} checks passed "
            f"({n} replications each; ±tol: |mean - theory| allowed, a Bonferroni t-interval "
            "plus 1% of theory)",
            highlight=False,
        )
    if failed:
        raise typer.Exit(EXIT_FAILED)
