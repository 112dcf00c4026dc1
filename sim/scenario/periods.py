"""Named periods of the measured window, in days, over which flow KPIs are also reported.

A scenario may name periods (``periods: {before: [1000, 1059], after_1y: [1059, 2017-11-25]}``);
each bound is a day number or an ISO date, which :func:`day_number` turns into days since
``run.start_date`` (day 0). Without ``periods:`` there is one period per calendar year of the
measured window [warm-up, end], named by the year and clipped to the window. Pure functions,
no SimPy.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from sim.scenario.calendar import as_date, day_of

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario

PERIOD_NAME = re.compile(r"^[A-Za-z0-9_]+$")


def day_number(value: float | dt.date, start_date: dt.date) -> float:
    """A day given as a number (days since day 0) or an ISO date, as days since day 0 (dates
    read as everywhere else in a scenario: :func:`sim.scenario.calendar.as_date`)."""
    date = as_date(value)
    return float(value) if date is None else float(day_of(date, start_date))


def calendar_years(start_date: dt.date, lo: float, hi: float) -> dict[str, tuple[float, float]]:
    """One period per calendar year touching [lo, hi] (days), named by the year, clipped.
    Years past the calendar's last (9999; only absurd horizons reach it, and the work-size
    check refuses those) have no period."""
    last_day = (dt.date(dt.MAXYEAR, 1, 1) - start_date).days
    first = (start_date + dt.timedelta(days=min(lo, last_day))).year
    last = (start_date + dt.timedelta(days=min(hi, last_day))).year
    out: dict[str, tuple[float, float]] = {}
    for year in range(first, min(last + 1, dt.MAXYEAR)):
        a = max(lo, day_number(dt.date(year, 1, 1), start_date))
        b = min(hi, day_number(dt.date(year + 1, 1, 1), start_date))
        if b > a:
            out[str(year)] = (a, b)
    return out


def resolve_periods(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """The scenario's periods as ``{name: (start_day, end_day)}``, in days since day 0."""
    run = scenario.run
    if scenario.periods is None:
        return calendar_years(run.start_date, run.warmup_days, scenario.end_day)
    return {
        name: (day_number(a, run.start_date), day_number(b, run.start_date))
        for name, (a, b) in scenario.periods.items()
    }


def check_periods(scenario: Scenario) -> None:
    """Raise ``ValueError("periods.NAME: ...")`` for a bad name, order or bound."""
    if scenario.periods is None:
        return
    lo, hi = scenario.run.warmup_days, scenario.end_day
    for name, (a, b) in resolve_periods(scenario).items():
        if not PERIOD_NAME.match(name):
            raise ValueError(f"periods.{name}: expected a name of letters, digits and underscores")
        if not a < b:
            raise ValueError(f"periods.{name}: expected start before end, got days {a:g}, {b:g}")
        if a < lo or b > hi:
            raise ValueError(
                f"periods.{name}: days {a:g} to {b:g} are not inside the measured window, "
                f"days {lo:g} (end of warm-up) to {hi:g} (end)"
            )
