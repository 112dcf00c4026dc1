"""Scheduled things the run never reaches: measures, inspections and surges dated after
the end of the run.

The model runs until ``scenario.end_day`` (warm-up plus horizon, in days) and handles
events at that day; anything starting later never happens, so its KPIs vanish or its
lever never moves. :func:`after_end` names each one so the commands can say so (or refuse
under ``--strict``) instead of dropping it in silence.
"""

from __future__ import annotations

import math

from sim.errors import InputError
from sim.scenario.calendar import as_date, date_of, day_label, day_of, last_date
from sim.scenario.schema import Scenario


def run_end_label(scenario: Scenario) -> str:
    """``day 455 (end of 2015-03-31)``: where the run stops, for messages."""
    end, start = scenario.end_day, scenario.run.start_date
    return f"day {end:g} (end of {last_date(end, start).isoformat()})"


def after_end(scenario: Scenario) -> list[str]:
    """One message per measure, inspection or surge that starts after the run ends."""
    end, start = scenario.end_day, scenario.run.start_date
    scheduled = [
        *(("measure", m.name, m.day) for m in scenario.measures),
        *(("inspection", i.name, i.day) for i in scenario.inspections),
        *(
            ("surge", f"{n} ({s.category or 'all categories'})", s.start_day)
            for n, s in enumerate(scenario.surges)
        ),
    ]
    stops = run_end_label(scenario)
    return [
        f"{kind} {name!r} starts on {day_label(day, start)}, after the run ends at {stops}: "
        f"it never happens (run longer, e.g. --until {last_date(day + 1, start).isoformat()})"
        for kind, name, day in scheduled
        if day > end
    ]


def end_day_until(scenario: Scenario, until: str) -> float:
    """The end day of a run that covers ``until``: an ISO date (that whole day) or the name
    of an inspection (its day), plus one day. Raises :class:`InputError` naming ``--until``."""
    start = scenario.run.start_date
    try:
        date = as_date(until)
    except ValueError as exc:
        raise InputError(str(exc), key="--until") from None
    if date is not None:
        if date < start:
            raise InputError(
                f"{date.isoformat()} is before run.start_date {start.isoformat()} (day 0)",
                key="--until",
            )
        return day_of(date, start) + 1
    days = {i.name: i.day for i in scenario.inspections}
    if until not in days:
        names = ", ".join(days) or "none in this scenario"
        raise InputError(
            f"expected a date (YYYY-MM-DD) or an inspection name ({names}), got {until!r}",
            key="--until",
        )
    return math.floor(days[until]) + 1


def horizon_until(scenario: Scenario, until: str) -> float:
    """``horizon_days`` for a run of ``scenario`` (with its warm-up) that covers ``until``
    (see :func:`end_day_until`)."""
    end = end_day_until(scenario, until)
    horizon = end - scenario.run.warmup_days
    if horizon <= 0:
        raise InputError(
            f"{until} (run end day {end:g}) falls within the {scenario.run.warmup_days:g}-day "
            "warm-up; give a later date or a shorter --warmup",
            key="--until",
        )
    return horizon


def period_label(scenario: Scenario) -> str:
    """``1461 days (2015-01-01 to 2018-12-31) after 365 days warm-up (from 2014-01-01)``:
    the measured period with its first and last calendar days (inclusive)."""
    run, start = scenario.run, scenario.run.start_date
    first = date_of(run.warmup_days, start).isoformat()
    last = last_date(scenario.end_day, start).isoformat()
    return (
        f"{run.horizon_days:g} days ({first} to {last}) after {run.warmup_days:g} days "
        f"warm-up (from {start.isoformat()})"
    )


def inspections_label(scenario: Scenario) -> str:
    """``inspection day 821 (2016-04-01), followup_3m day 1150 (2017-02-24)``, or ``""``."""
    start = scenario.run.start_date
    return ", ".join(f"{i.name} {day_label(i.day, start)}" for i in scenario.inspections)
