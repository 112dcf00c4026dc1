"""Pieces every command shares: options, the one error path, progress, tables."""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from sim.cli.stopping import interrupted_line, replication_line
from sim.errors import InputError, RunError
from sim.experiment.failures import ReplicationError
from sim.output.folders import OutputTarget
from sim.output.interrupts import Interrupted, raising_on_signals

console = Console()
err_console = Console(stderr=True)

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2

ScenarioArg = Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        "-s",
        help="Override a scenario value by key path, e.g. --set triage.staff=12 (repeatable).",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout.")]


def command_line(name: str) -> tuple[str, ...]:
    """The command as typed, for manifests: ``sim NAME ARGS...``."""
    return ("sim", name, *sys.argv[2:])


def output_target(out: Path, force: bool, name: str, inputs: Iterable[Path] = ()) -> OutputTarget:
    """Where a command writes, with its command line and its input files."""
    return OutputTarget(Path(out), force, command_line(name), tuple(Path(i) for i in inputs))


def print_error(message: str) -> None:
    """Print ``error: MESSAGE`` as one line on stderr."""
    err_console.print(
        f"[bold red]error:[/] {escape(_one_line(message))}",
        highlight=False,
        markup=True,
        soft_wrap=True,
    )


def fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    """Print one error line and exit."""
    print_error(message)
    raise typer.Exit(code)


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The one error path: bad input exits 2, a failed run 1, each with one line."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with raising_on_signals():
            return _reporting_errors(fn, args, kwargs)

    return wrapper


def _reporting_errors(fn: Callable[..., Any], args: Any, kwargs: Any) -> Any:
    """Call ``fn``; a failure becomes one line on stderr and an exit status.

    SIGINT and SIGTERM (raised as :class:`Interrupted` by the handler around this call) exit
    128 + the signal number, after the folders being written were left as they were.
    """
    try:
        return fn(*args, **kwargs)
    except (typer.Exit, typer.Abort, SystemExit):
        raise
    except InputError as exc:
        fail(_one_line(str(exc)), EXIT_BAD_INPUT)
    except KeyboardInterrupt as exc:
        stopped = exc if isinstance(exc, Interrupted) else Interrupted(signal.SIGINT)
        line = interrupted_line(stopped)
        err_console.print(line, highlight=False, markup=False, soft_wrap=True)
        # the process ends now, its folders cleaned up and workers stopped: a process pool's
        # exit hook that trips over the stopped workers must not add a traceback to the line
        sys.unraisablehook = _silent
        raise typer.Exit(stopped.exit_status) from None
    except ReplicationError as exc:
        if os.environ.get("SIM_DEBUG"):
            raise
        fail(_one_line(replication_line(exc, sys.argv)), EXIT_FAILED)
    except RunError as exc:
        fail(f"run failed: {_one_line(str(exc))}", EXIT_FAILED)
    except Exception as exc:  # noqa: BLE001 - the CLI turns any failure into one line
        if os.environ.get("SIM_DEBUG"):
            raise
        fail(
            f"run failed: {type(exc).__name__}: {_one_line(str(exc))} "
            "(set SIM_DEBUG=1 for a traceback)",
            EXIT_FAILED,
        )


def _silent(_unraisable: Any) -> None:
    """An unraisable-exception hook that says nothing (used only once a command is ending)."""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def show_progress() -> bool:
    """Progress bars only on a terminal."""
    return sys.stderr.isatty()


@contextmanager
def progress_bar(description: str, total: int) -> Iterator[Callable[[int, int], None] | None]:
    """Yield a ``progress(done, total)`` callback drawing a bar, or ``None`` when piped."""
    if not show_progress():
        yield None
        return
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(description, total=total)

        def update(done: int, total_: int) -> None:
            bar.update(task, completed=done, total=total_)

        yield update


def fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if value != value:
            return "–"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.{digits}g}" if abs(value) < 1 else f"{value:,.{digits - 1}f}"
    return str(value)


def summary_table(title: str, summary: dict[str, dict[str, Any]], names: list[str]) -> Table:
    table = Table(title=title, title_justify="left")
    # KPI names are what scripts use: never cut them; the interval column wraps instead
    table.add_column("KPI", no_wrap=True, min_width=max((len(n) for n in names), default=3))
    table.add_column("mean", justify="right")
    table.add_column("95% CI", justify="right")
    table.add_column("n", justify="right")
    table.add_column("better")
    for name in names:
        s = summary[name]
        ci = "–" if s["ci_low"] is None else f"{fmt(s['ci_low'])} – {fmt(s['ci_high'])}"
        table.add_row(name, fmt(s["mean"]), ci, str(s["n"]), s["better"])
    return table


def print_json(data: Any) -> None:
    from sim.output.files import json_text

    sys.stdout.write(json_text(data))
