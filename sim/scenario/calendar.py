"""Calendar dates and simulated days: day 0 is ``run.start_date``.

A scenario may give an ISO date (``2016-11-25``, a YAML date or a string) wherever it
expects a day (:data:`DAY_KEYS`); loading turns it into the day number
``(date - start_date).days`` before validation, so the model only ever sees days. Dates
name whole days: a measure dated 2016-11-25 starts at the beginning of that day.

``run.end_date`` is the last day the run covers, inclusive: it becomes
``horizon_days = (end_date - start_date).days + 1 - warmup_days``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import WithJsonSchema

from sim.errors import InputError

DEFAULT_START = dt.date(2014, 1, 1)
DEFAULT_WARMUP_DAYS = 365.0

DAY_KEYS = (
    ("measures", "day"),
    ("inspections", "day"),
    ("surges", "start_day"),
)
"""(list section, key) pairs whose items take a day or a date."""
FIRST_INTAKE_KEY = ("workforce", "training", "first_intake_day")
"""The one key outside those lists that takes a day or a date."""

DAY_JSON_SCHEMA = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "format": "date"},
    ]
}

Day = Annotated[float, WithJsonSchema(DAY_JSON_SCHEMA)]
"""A simulated day (≥ 0); in a file also an ISO date, turned into a day at load."""


def takes_a_date(loc: tuple) -> bool:
    """Whether the key at ``loc`` (a validation error's location: keys and list indices)
    takes a date as well as a day number."""
    keys = tuple(part for part in loc if not isinstance(part, int))
    if keys == FIRST_INTAKE_KEY:
        return True
    return len(keys) == 2 and len(loc) == 3 and keys in DAY_KEYS


def as_date(value: Any) -> dt.date | None:
    """``value`` as a calendar date if it is one (a date or an ISO ``YYYY-MM-DD`` string),
    else ``None``. Raises ``ValueError`` for a string shaped like a date that is not one."""
    if isinstance(value, dt.datetime):
        raise ValueError(f"expected a date without a time, got {value.isoformat()}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"not a calendar date (YYYY-MM-DD): {value!r}") from None
    return None


def day_of(date: dt.date, start: dt.date) -> int:
    """The simulated day (days since ``start``) that ``date`` begins."""
    return (date - start).days


def date_of(day: float, start: dt.date) -> dt.date:
    """The calendar date of the day holding simulated time ``day`` (days since ``start``)."""
    try:
        return start + dt.timedelta(days=math.floor(day))
    except (OverflowError, ValueError):
        raise InputError(f"day {day:g} is beyond the calendar (after {dt.date.max})") from None


def last_date(end_day: float, start: dt.date) -> dt.date:
    """The last calendar day a run ending at ``end_day`` covers (wholly or partly)."""
    return date_of(max(math.ceil(end_day) - 1, 0), start)


def day_label(day: float, start: dt.date) -> str:
    """``day 1059 (2016-11-25)``: a day number with its date, for people."""
    return f"day {day:g} ({date_of(day, start).isoformat()})"


def _start_of(data: Mapping[str, Any]) -> dt.date | None:
    run = data.get("run")
    value = run.get("start_date", DEFAULT_START) if isinstance(run, Mapping) else DEFAULT_START
    try:
        return as_date(value)
    except ValueError:
        return None  # validation reports the bad start_date


def _to_day(value: Any, start: dt.date, key: str) -> Any:
    """``value`` as a day number if it is a date; ``ValueError`` naming ``key`` if bad."""
    try:
        date = as_date(value)
    except ValueError as exc:
        raise ValueError(f"{key}: {exc}") from None
    if date is None:
        return value
    if date < start:
        raise ValueError(
            f"{key}: {date.isoformat()} is before run.start_date {start.isoformat()} (day 0)"
        )
    return day_of(date, start)


def _end_date_to_horizon(run: dict[str, Any], start: dt.date) -> None:
    """Replace ``run.end_date`` (inclusive) by the ``horizon_days`` it means, in place."""
    end = _to_day(run.pop("end_date"), start, "run.end_date")
    if end is None:
        return
    if not isinstance(end, int):
        raise ValueError(f"run.end_date: expected a date (YYYY-MM-DD), got {end!r}")
    warmup = run.get("warmup_days", DEFAULT_WARMUP_DAYS)
    if not isinstance(warmup, int | float) or isinstance(warmup, bool):
        return  # validation reports the bad warm-up
    horizon = end + 1 - warmup
    if horizon <= 0:
        raise ValueError(
            f"run.end_date: the run would end within the {warmup:g}-day warm-up "
            f"(end_date is day {end})"
        )
    given = run.get("horizon_days")
    if given is not None and given != horizon:
        raise ValueError(
            f"run.end_date: means horizon_days {horizon:g} (end_date − start_date + 1 − "
            f"warmup_days), but horizon_days is {given}; give one of them"
        )
    run["horizon_days"] = horizon


def _day_values(data: Mapping[str, Any]) -> list[Any]:
    """Every value of ``data`` that may be a date where a day is expected."""
    values = []
    for section, key in DAY_KEYS:
        items = data.get(section)
        if isinstance(items, list):
            values += [i[key] for i in items if isinstance(i, Mapping) and key in i]
    workforce = data.get("workforce")
    training = workforce.get("training") if isinstance(workforce, Mapping) else None
    if isinstance(training, Mapping):
        values.append(training.get("first_intake_day"))
    run = data.get("run")
    if isinstance(run, Mapping):
        values.append(run.get("end_date"))
    return values


def _has_dates(data: Mapping[str, Any]) -> bool:
    """Whether ``data`` may hold a date to convert (anything but numbers and nulls where
    days are expected); a quick test, as every change to a scenario validates it again."""
    return any(
        v is not None and (isinstance(v, bool) or not isinstance(v, int | float))
        for v in _day_values(data)
    )


def dates_to_days(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """``data`` (a scenario mapping) with every date where a day is expected made a day
    number, and ``run.end_date`` made ``run.horizon_days`` (a shallow copy; ``data`` is not
    changed). Raises ``ValueError`` whose message starts with the key path."""
    if not isinstance(data, Mapping) or not _has_dates(data):
        return data
    start = _start_of(data)
    if start is None:
        return data
    out = dict(data)
    run = out.get("run")
    if isinstance(run, Mapping) and run.get("end_date") is not None:
        out["run"] = dict(run)
        _end_date_to_horizon(out["run"], start)
    for section, key in DAY_KEYS:
        items = out.get(section)
        if not isinstance(items, list):
            continue
        converted = [
            {**item, key: _to_day(item[key], start, f"{section}.{i}.{key}")}
            if isinstance(item, Mapping) and key in item
            else item
            for i, item in enumerate(items)
        ]
        out[section] = converted
    _first_intake(out, start)
    return out


def _first_intake(data: dict[str, Any], start: dt.date) -> None:
    """``workforce.training.first_intake_day`` as a day number, in place (copying the
    sections it changes)."""
    workforce = data.get("workforce")
    training = workforce.get("training") if isinstance(workforce, Mapping) else None
    if isinstance(training, Mapping) and "first_intake_day" in training:
        key = ".".join(FIRST_INTAKE_KEY)
        day = _to_day(training["first_intake_day"], start, key)
        data["workforce"] = {**workforce, "training": {**training, "first_intake_day": day}}
