"""Warnings for measures, inspections and surges the run never reaches (stderr)."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape

from sim.cli.common import err_console
from sim.compare.inputs import plan_arms
from sim.errors import InputError
from sim.experiment.settings import RunSettings
from sim.scenario import Scenario, load_scenario


def warn_schedule(
    scenario: Scenario, settings: RunSettings, source: Path | str | None = None
) -> list[str]:
    """Print ``warning: ...`` on stderr for each thing scheduled after the end of
    ``scenario`` (as ``settings`` leave it) and return the messages. Under ``--strict`` the
    first is an :class:`~sim.errors.InputError` instead (exit 2). ``source`` (a file)
    starts each line when given."""
    messages = settings.schedule_warnings(scenario, str(source) if source else None)
    prefix = f"{source}: " if source else ""
    for message in messages:
        err_console.print(
            f"[bold yellow]warning:[/] {escape(prefix + message)}",
            highlight=False,
            soft_wrap=True,
        )
    return messages


def warn_compared(sources: list[Path], given: RunSettings) -> RunSettings:
    """Warn (or refuse) for each scenario file ``sim compare`` will run, with the settings
    it will run them with; returns ``given`` with ``--until`` turned into the horizon it
    means for the first scenario file (every scenario runs with the same horizon)."""
    files = [s for s in sources if s.is_file()]
    if given.until is not None:
        if not files:
            raise InputError("sets up runs of scenario files; none given", key="--until")
        first = given.apply(load_scenario(files[0]))
        given = given.but(horizon_days=first.run.horizon_days, until=None)
    options = {
        "seed": given.seed,
        "replications": given.replications,
        "horizon_days": given.horizon_days,
        "warmup_days": given.warmup_days,
    }
    arms, _ = plan_arms(sources, options)
    for arm in arms:
        if arm.pending is not None:
            warn_schedule(arm.pending, given, source=arm.source)
    return given
