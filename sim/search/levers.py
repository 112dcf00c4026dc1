"""Levers files: the measures a search may combine, their levels and their yearly costs.

A levers file (``levers.yaml``) names each lever once::

    currency: GBP
    levers:
      more_detectives:
        description: trained detectives posted in from the report
        measure:
          day: 2016-11-25            # a simulated day, or an ISO date
          ramp_days: 180
          add: {officers.trained.count: level}
        levels: [25, 50, 100]        # or {low: 25, high: 100, step: 25}
        costs:
          - {per_year: 65000, per: level, source: "assumed: a detective-year, fully loaded"}

A lever's ``measure`` is a template of a scenario measure: each value in ``set`` or ``add``
is a number, ``level`` (the lever's level) or ``{times_level: k, plus: c}`` (``k × level +
c``). A package sets each lever to one of its levels, or leaves it off (unless
``optional: false``). Costs are money per year (the file's currency): ``per: level``
multiplies ``per_year`` by the level, ``per: lever`` counts it once while the lever is on.
Every cost says where its figure comes from (``source``), or that it is assumed (a source
starting with "assumed").

Files are validated like scenarios: one line naming the file, the key path and what was
expected.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from sim.errors import InputError
from sim.scenario.frozen import Frozen
from sim.scenario.validation import parameter_path_problem, validation_message
from sim.scenario.yaml_io import read_yaml_mapping

SCHEMA_FILE = "docs/levers.schema.json"
"""Where the committed JSON Schema of levers files lives, relative to the project root."""

MAX_LEVELS = 50
"""Most levels one lever may have (a range is expanded to its levels)."""


class Linear(Frozen):
    """A value that grows with the lever's level: ``times_level × level + plus``."""

    times_level: float = Field(description="multiplier of the level")
    plus: float = Field(0.0, description="added to the product")

    def at(self, level: float) -> float:
        return self.times_level * level + self.plus


Template = float | Literal["level"] | Linear


def template_value(template: Template, level: float) -> float:
    """The value a measure template gives at ``level``."""
    if isinstance(template, Linear):
        return template.at(level)
    if template == "level":
        return level
    return float(template)


class MeasureTemplate(Frozen):
    """A scenario measure with ``level`` in place of the numbers a package chooses."""

    day: float | dt.date = Field(
        description="simulated day it starts (≥ 0), or its date (YYYY-MM-DD)"
    )
    ramp_days: float = Field(0.0, ge=0, description="days to reach full strength, linearly")
    set: dict[str, Template] = Field(
        default_factory=dict, description="key path → new value: a number, level or linear"
    )
    add: dict[str, Template] = Field(
        default_factory=dict, description="key path → amount added: a number, level or linear"
    )
    action: Literal["review_open_high_risk"] | None = Field(
        None, description="a one-off action on its day"
    )

    @field_validator("day")
    @classmethod
    def _day_not_negative(cls, value: float | dt.date) -> float | dt.date:
        if isinstance(value, float) and value < 0:
            raise ValueError("expected a day of 0 or more, or a date")
        return value

    @field_validator("set", "add")
    @classmethod
    def _parameters(cls, value: dict[str, Template]) -> dict[str, Template]:
        for path in value:
            problem = parameter_path_problem(path)
            if problem is not None:
                raise ValueError(f"{path}: {problem}")
        return value

    @model_validator(mode="after")
    def _does_something(self) -> MeasureTemplate:
        if not (self.set or self.add or self.action):
            raise ValueError("measure: expected set, add or action")
        return self

    def measure(self, name: str, level: float) -> dict[str, Any]:
        """The scenario measure (as a mapping) this template gives at ``level``."""
        day = self.day.isoformat() if isinstance(self.day, dt.date) else self.day
        out: dict[str, Any] = {"name": name, "day": day, "ramp_days": self.ramp_days}
        for verb in ("set", "add"):
            changes = getattr(self, verb)
            if changes:
                out[verb] = {p: template_value(t, level) for p, t in changes.items()}
        if self.action is not None:
            out["action"] = self.action
        return out


class LevelRange(Frozen):
    """Levels from ``low`` to ``high`` (inclusive) in steps of ``step``."""

    low: float = Field(description="first level")
    high: float = Field(description="last level (included when on a step)")
    step: float = Field(gt=0, description="distance between levels")

    @model_validator(mode="after")
    def _ordered(self) -> LevelRange:
        if self.high < self.low:
            raise ValueError("levels: expected high ≥ low")
        if (self.high - self.low) / self.step + 1 > MAX_LEVELS:
            raise ValueError(f"levels: expected at most {MAX_LEVELS} levels")
        return self

    def values(self) -> list[float]:
        count = int(math.floor((self.high - self.low) / self.step + 1e-9)) + 1
        return [round(self.low + i * self.step, 12) for i in range(count)]


class Cost(Frozen):
    """One cost of a lever, money per year."""

    per_year: float = Field(ge=0, description="money per year (the file's currency)")
    per: Literal["level", "lever"] = Field(
        "level", description="level: per_year × the level; lever: once while the lever is on"
    )
    what: str = Field("", description="what is paid for, e.g. a detective-year")
    source: str = Field(min_length=1, description="where the figure comes from, or 'assumed: why'")

    @property
    def assumed(self) -> bool:
        return self.source.strip().lower().startswith("assumed")

    def at(self, level: float) -> float:
        """This cost at ``level``, money per year."""
        return self.per_year * (level if self.per == "level" else 1.0)


class Lever(Frozen):
    """One lever: its measure template, levels and costs."""

    description: str = Field("", description="free text for reports")
    measure: MeasureTemplate
    levels: list[float] | LevelRange = Field(description="a list of levels, or a range")
    optional: bool = Field(True, description="a package may leave the lever off")
    costs: list[Cost] = Field(min_length=1, description="money per year, each with its source")

    @field_validator("levels")
    @classmethod
    def _some_levels(cls, value: list[float] | LevelRange) -> list[float] | LevelRange:
        if isinstance(value, list):
            if not value:
                raise ValueError("expected at least one level")
            if len(value) > MAX_LEVELS:
                raise ValueError(f"expected at most {MAX_LEVELS} levels")
            if len(set(value)) != len(value):
                raise ValueError("expected distinct levels")
        return value

    def level_values(self) -> list[float]:
        """The lever's levels, in the file's order."""
        return self.levels.values() if isinstance(self.levels, LevelRange) else list(self.levels)

    def options(self) -> list[float | None]:
        """What a package may choose: off (``None``, when optional), then each level."""
        return ([None] if self.optional else []) + self.level_values()

    def cost(self, level: float | None) -> float:
        """Money per year at ``level`` (0 when off)."""
        return 0.0 if level is None else sum(c.at(level) for c in self.costs)


class LeversFile(Frozen):
    """A levers file: the currency its costs are in and the levers."""

    currency: str = Field("GBP", description="currency of every cost")
    description: str = Field("", description="free text")
    levers: dict[str, Lever] = Field(min_length=1, description="lever name → lever")

    @field_validator("levers")
    @classmethod
    def _names(cls, value: dict[str, Lever]) -> dict[str, Lever]:
        for name in value:
            if not name.replace("_", "").replace("-", "").isalnum():
                raise ValueError(f"lever name {name!r}: expected letters, digits, _ or -")
        return value


_BRANCHES = {"float", "int", "date", "Linear", "LevelRange", "literal['level']"}
_EITHER = {
    "levels": "expected a list of levels or a range {low, high, step}",
    "day": "expected a day number (0 or more) or a date (YYYY-MM-DD)",
}
_TEMPLATE = "expected a number, level, or {times_level: k, plus: c}"


def _branchless(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """A location without the union branch pydantic tried (``list[float]``, ``Linear``)."""
    return tuple(p for p in loc if not (isinstance(p, str) and (p in _BRANCHES or "[" in p)))


def _wrong_type(error: dict[str, Any]) -> bool:
    kind = str(error.get("type", ""))
    return kind.endswith(("_type", "_parsing")) or kind in ("literal_error", "missing")


def _first_error(errors: list[Any]) -> tuple[str, str]:
    """(key path, expected) of the error to report; for a value that fits no branch of a
    union, what the union accepts."""
    errors = sorted(errors, key=lambda e: e.get("type") != "extra_forbidden")
    where = _branchless(tuple(errors[0].get("loc", ())))
    same = [e for e in errors if _branchless(tuple(e.get("loc", ()))) == where]
    telling = [e for e in same if not _wrong_type(e)]
    chosen = dict(telling[0] if telling else same[0])
    chosen["loc"] = where
    key, message = validation_message(chosen)
    if not telling and len(same) > 1:
        parts = [str(p) for p in where]
        in_template = len(parts) >= 2 and parts[-2] in ("set", "add")
        message = _TEMPLATE if in_template else _EITHER.get(parts[-1], message)
    return key, message


def parse_levers(data: Any, *, source: str) -> LeversFile:
    """Validate a levers mapping; errors are one :class:`InputError` naming ``source``."""
    try:
        return LeversFile.model_validate(data)
    except ValidationError as exc:
        key, message = _first_error(list(exc.errors()))
        raise InputError(message, file=source, key=key or None) from None


def read_levers(path: str | Path) -> LeversFile:
    """Read and validate a levers file (see the module docstring for the format)."""
    path = Path(path)
    data = read_yaml_mapping(path, what="levers file keys (currency, levers)")
    return parse_levers(data, source=str(path))


def levers_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a levers file."""
    schema = LeversFile.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "caseflow-sim levers",
    }


def levers_schema_text() -> str:
    """:func:`levers_json_schema` as the text of ``docs/levers.schema.json``."""
    return json.dumps(levers_json_schema(), indent=2, ensure_ascii=False) + "\n"
