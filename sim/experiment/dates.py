"""Calendar dates of simulated days: ``run.start_date`` is day 0.

Days are simulated days since the start of the run (possibly fractional); a day's date is
the calendar date it falls on (``start_date + floor(day)`` days). Column names pair up:
``day`` ↔ ``date`` and ``referral_day`` ↔ ``referral_date``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

from sim.scenario.calendar import date_of


def date_of_day(start: dt.date, day: float | None) -> dt.date | None:
    """The calendar date of simulated ``day`` (days since ``start``); ``None`` if undefined."""
    if day is None or not math.isfinite(float(day)):
        return None
    return date_of(float(day), start)


def iso_date_of_day(start: dt.date, day: float | None) -> str:
    """:func:`date_of_day` as ``YYYY-MM-DD``; an empty string when undefined."""
    date = date_of_day(start, day)
    return "" if date is None else date.isoformat()


def is_day_column(name: str) -> bool:
    """Whether a column holds simulated days: ``day`` or ``*_day``."""
    return name == "day" or name.endswith("_day")


def date_column(name: str) -> str:
    """The date column beside day column ``name``: ``day`` → ``date``, ``x_day`` → ``x_date``."""
    return "date" if name == "day" else name[: -len("day")] + "date"


def with_date_fields(fields: Iterable[str]) -> list[str]:
    """``fields`` with a date column inserted after every day column."""
    out: list[str] = []
    for name in fields:
        out.append(name)
        if is_day_column(name):
            out.append(date_column(name))
    return out


def with_dates(row: Mapping[str, Any], start: dt.date) -> dict[str, Any]:
    """``row`` with the ISO date of every day column added (empty when the day is undefined)."""
    out = dict(row)
    for name, value in row.items():
        if is_day_column(name):
            out[date_column(name)] = iso_date_of_day(start, value)
    return out


def period_dates(start: dt.date, warmup_days: float, horizon_days: float) -> dict[str, Any]:
    """The warm-up and the measured period as days and dates.

    Warm-up: day 0 to ``warmup_days``; measured: ``warmup_days`` to ``warmup_days +
    horizon_days`` (each end is the first day not included). Days in simulated days.
    """
    end = warmup_days + horizon_days
    spans = {"warmup": (0.0, float(warmup_days)), "measured": (float(warmup_days), float(end))}
    return {
        name: {
            "start_day": lo,
            "end_day": hi,
            "start_date": iso_date_of_day(start, lo),
            "end_date": iso_date_of_day(start, hi),
        }
        for name, (lo, hi) in spans.items()
    }
