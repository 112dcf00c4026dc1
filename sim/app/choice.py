"""The package chosen on the page: each lever's level and start date, as a scenario.

The page offers each lever's options (off, when the lever is optional, then its levels),
its unit, its yearly cost at each option (money per year, the levers file's currency) and
its start date. :func:`choice_scenario` turns a choice into the scenario that is run: the
base scenario with one measure per lever that is on, built by the search's own
:func:`~sim.search.packages.package_scenario`, so the page and ``sim search`` agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sim.errors import InputError
from sim.scenario.calendar import date_of
from sim.scenario.changes import with_changes
from sim.scenario.reference import unit_of
from sim.scenario.schema import Scenario
from sim.search.levers import Lever, LeversFile, Linear
from sim.search.packages import Package, package_cost, package_scenario

PACKAGE_SUFFIX = "-package"
"""Added to the base scenario's name to name the chosen package's scenario."""


@dataclass(frozen=True)
class LeverControl:
    """What the page shows for one lever: options (``None``: off), unit, costs, start."""

    name: str
    description: str
    unit: str
    options: tuple[float | None, ...]
    costs: tuple[float, ...]  # money per year at each option
    start: dt.date  # the levers file's start date of the measure
    sources: tuple[str, ...]  # where each cost figure comes from

    def option_text(self, option: float | None) -> str:
        """``off``, ``on`` (a lever with the single level 1 and no unit), or ``50 officers``."""
        if option is None:
            return "off"
        if self.unit == "on/off":
            return "on"
        return f"{option:g} {self.unit}".strip() if self.unit != "count" else f"{option:g}"


@dataclass(frozen=True)
class Choice:
    """Each lever's level (``None``: off) and, where changed, its start date."""

    levels: dict[str, float | None]
    starts: dict[str, dt.date] = field(default_factory=dict)


def lever_unit(lever: Lever) -> str:
    """The unit of a lever's level: that of the first key path it sets to the level (a
    count when the schema names no unit), ``on/off`` for a lever whose only level
    is 1 and whose measure uses no level."""
    for changes in (lever.measure.set, lever.measure.add):
        for path, template in changes.items():
            if template == "level" or isinstance(template, Linear):
                return unit_of(tuple(path.split("."))) or "count"
    return "on/off" if lever.level_values() == [1.0] else "count"


def lever_start(lever: Lever, scenario: Scenario) -> dt.date:
    """The date a lever's measure starts in the levers file (a day number as its date)."""
    day = lever.measure.day
    return day if isinstance(day, dt.date) else date_of(day, scenario.run.start_date)


def controls(levers: LeversFile, scenario: Scenario) -> list[LeverControl]:
    """One control per lever, in the levers file's order."""
    out = []
    for name, lever in levers.levers.items():
        options = tuple(lever.options())
        out.append(
            LeverControl(
                name=name,
                description=lever.description,
                unit=lever_unit(lever),
                options=options,
                costs=tuple(lever.cost(o) for o in options),
                start=lever_start(lever, scenario),
                sources=tuple(c.source for c in lever.costs),
            )
        )
    return out


def _levels(levers: LeversFile, choice: Choice) -> tuple[float | None, ...]:
    unknown = sorted(set(choice.levels) - set(levers.levers))
    if unknown:
        raise InputError(f"no lever named {unknown[0]!r} in the levers file", key="levers")
    out = []
    for name, lever in levers.levers.items():
        level = choice.levels.get(name)
        if level not in lever.options():
            shown = ", ".join("off" if o is None else f"{o:g}" for o in lever.options())
            raise InputError(f"{level!r} is not an option (expected one of {shown})", key=name)
        out.append(level)
    return tuple(out)


def choice_package(levers: LeversFile, choice: Choice) -> Package:
    """The chosen package with its cost (money per year)."""
    levels = _levels(levers, choice)
    return Package(0, levels, package_cost(levers, levels))


def with_starts(levers: LeversFile, starts: dict[str, dt.date], scenario: Scenario) -> LeversFile:
    """``levers`` with the measures of ``starts`` moved to those dates (none before the
    scenario's first day)."""
    changed = {}
    for name, lever in levers.levers.items():
        when = starts.get(name)
        if when is None or when == lever_start(lever, scenario):
            changed[name] = lever
            continue
        if when < scenario.run.start_date:
            raise InputError(
                f"starts on {when}, before the scenario's first day ({scenario.run.start_date})",
                key=name,
            )
        measure = lever.measure.model_copy(update={"day": when})
        changed[name] = lever.model_copy(update={"measure": measure})
    return levers.model_copy(update={"levers": changed})


def choice_scenario(base: Scenario, levers: LeversFile, choice: Choice, *, source: str) -> Scenario:
    """``base`` with the chosen package's measures, named ``BASE-package``; checked like a
    scenario file (errors name ``source``, the levers file)."""
    moved = with_starts(levers, choice.starts, base)
    package = choice_package(moved, choice)
    scenario = package_scenario(base, moved, package, source=source)
    return with_changes(scenario, {"name": base.name + PACKAGE_SUFFIX}, source=source)


def choice_label(levers: LeversFile, choice: Choice) -> str:
    """``lever=level`` for each lever that is on, ``none`` when none is."""
    return choice_package(levers, choice).label(list(levers.levers))
