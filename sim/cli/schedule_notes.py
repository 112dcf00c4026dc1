"""Warnings for measures, inspections and surges the run never reaches (stderr).

A command checks before it simulates (:func:`check_schedule`: under ``--strict`` a scheduled
thing after the run's end is an error, exit 2, before anything runs or is written) and
prints the warnings once its work is done (:func:`print_warnings`), beside its other notes,
so a later input error stays the one line it is.
"""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape

from sim.cli.common import err_console
from sim.compare.inputs import plan_arms, plan_options
from sim.errors import InputError
from sim.experiment.settings import RunSettings
from sim.experiment.work_size import check_work_size
from sim.scenario import Scenario, load_scenario


def check_schedule(
    scenario: Scenario, settings: RunSettings, source: Path | str | None = None
) -> list[str]:
    """A message for each thing scheduled after the end of ``scenario`` (as ``settings``
    leave it), starting with ``source`` (a file) when given. Under ``--strict`` the first is
    an :class:`~sim.errors.InputError` instead (exit 2)."""
    prefix = f"{source}: " if source else ""
    return [prefix + m for m in _after_end(scenario, settings, source)]


def _after_end(scenario: Scenario, settings: RunSettings, source: Path | str | None) -> list[str]:
    """:func:`check_schedule`'s messages without the file; an error names ``source``."""
    try:
        return settings.schedule_warnings(scenario, str(source) if source else None)
    except InputError as exc:
        if exc.file is None and source is not None:  # name the file the days come from
            raise InputError(exc.message, file=str(source), key=exc.key) from None
        raise


def once_each(found: list[tuple[str, str]]) -> list[str]:
    """One line per distinct message of ``found`` ((file, message) pairs, in order), naming
    the files it holds for: ten scenarios compared with the same inspection after their
    common end give one line, not ten."""
    files_of: dict[str, list[str]] = {}
    for source, message in found:
        files_of.setdefault(message, []).append(source)
    lines = []
    for message, files in files_of.items():
        if len(files) == 1:
            lines.append(f"{files[0]}: {message}")
            continue
        more = f" and {len(files) - 2} more" if len(files) > 2 else ""
        lines.append(f"{', '.join(files[:2])}{more} ({len(files)} scenario files): {message}")
    return lines


def print_warnings(messages: list[str]) -> None:
    """``warning: ...`` on stderr, one line each."""
    for message in messages:
        err_console.print(
            f"[bold yellow]warning:[/] {escape(message)}", highlight=False, soft_wrap=True
        )


def check_compared(sources: list[Path], given: RunSettings) -> tuple[RunSettings, list[str]]:
    """:func:`check_schedule` for each scenario file ``sim compare`` will run, with the
    settings it will run them with. Returns ``given`` with ``--until`` turned into the
    horizon it means for the first scenario file (every scenario runs with the same
    horizon), and the messages, each once (:func:`once_each`)."""
    files = [s for s in sources if s.is_file()]
    if given.until is not None:
        if not files:
            raise InputError("sets up runs of scenario files; none given", key="--until")
        first = given.apply(load_scenario(files[0]))
        given = given.but(horizon_days=first.run.horizon_days, until=None)
    options = plan_options(given)
    arms, _ = plan_arms(sources, options)
    found: list[tuple[str, str]] = []
    for arm in arms:
        if arm.pending is not None:  # the work size first: an absurd horizon has no dates
            check_work_size(arm.pending, allow_large=bool(given.allow_large), source=arm.source)
            found += [(str(arm.source), m) for m in _after_end(arm.pending, given, arm.source)]
    return given, once_each(found)
