"""The scenario format: immutable, validated configuration objects.

Every field states its unit in its name (``_days``, ``_hours``, ``_rate`` for a share in
[0, 1], ``_per_year``) or in its description. Unknown keys are errors. Simulated time is
in days from the start of the run (day 0); ``run.start_date`` names that day in the
calendar for reports.

The model reads these objects and never changes them; sweeps and overrides build new
objects with :func:`sim.scenario.changes.with_changes`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, model_validator

from sim.scenario.calendar import DEFAULT_START, DEFAULT_WARMUP_DAYS, Day, dates_to_days
from sim.scenario.capacity import (
    Allocation,
    OfficerGroup,
    Officers,
    Training,
    Triage,
    Warrants,
    Workforce,
)
from sim.scenario.demand import Category, Custody, RiskLevel, Surge
from sim.scenario.frozen import Frozen
from sim.scenario.periods import check_periods
from sim.scenario.quality import (
    GRADES,
    RULE_NAMES,
    BadGrade,
    Grade,
    Grading,
    GradingRule,
    Hazards,
    Inspection,
    SelfAssessment,
    Supervision,
)

__all__ = [
    "GRADES",
    "RULE_NAMES",
    "Allocation",
    "BacklogEntry",
    "BadGrade",
    "Category",
    "Custody",
    "Frozen",
    "Grade",
    "Grading",
    "GradingRule",
    "Hazards",
    "Inspection",
    "Measure",
    "OfficerGroup",
    "Officers",
    "RiskLevel",
    "RunSection",
    "Scenario",
    "SelfAssessment",
    "Supervision",
    "Surge",
    "Training",
    "Triage",
    "Warrants",
    "Workforce",
]


class RunSection(Frozen):
    """The ``run:`` section: default run settings and the calendar."""

    horizon_days: float = Field(
        1095.0, gt=0, description="length of the measured period after warm-up, days"
    )
    warmup_days: float = Field(
        DEFAULT_WARMUP_DAYS,
        ge=0,
        description="simulated days discarded before measuring (day 0 = start)",
    )
    replications: int = Field(10, ge=1, le=10_000, description="independent replications")
    seed: int = Field(2016, ge=0, description="run seed; replication r uses spawn r of it")
    start_date: dt.date = Field(
        DEFAULT_START, description="calendar date of simulated day 0; dates elsewhere count from it"
    )
    end_date: dt.date | None = Field(
        None,
        description="last day the run covers, inclusive: an alternative to horizon_days, "
        "read at load as horizon_days = end_date - start_date + 1 - warmup_days",
    )
    timeseries_interval_days: float = Field(7.0, gt=0, description="time-series sampling step")
    case_log: bool = Field(False, description="write cases.csv, one row per graded case")


class Measure(Frozen):
    """A lever switched on at ``day`` and ramped linearly over ``ramp_days``.

    ``set`` gives new values for any numeric scenario parameter by key path; ``add`` adds to
    them. ``action`` runs a one-off action at ``day``.
    """

    name: str = Field(description="a label for reports")
    day: Day = Field(ge=0, description="simulated day it starts, or its date (YYYY-MM-DD)")
    ramp_days: float = Field(0.0, ge=0, description="days to reach full strength, linearly")
    set: dict[str, float | int | bool | None] = Field(
        default_factory=dict, description="key path → new value"
    )
    add: dict[str, float] = Field(default_factory=dict, description="key path → amount added")
    action: Literal["review_open_high_risk"] | None = Field(
        None, description="a one-off action on its day"
    )


class BacklogEntry(Frozen):
    """Open cases present at day 0."""

    category: str = Field(description="a category name")
    risk: str = Field(description="a risk level name")
    stage: Literal["allocation", "investigation"] = Field(
        description="waiting for an officer, or already with one"
    )
    count: int = Field(ge=0, description="open cases")
    age_days: float = Field(0.0, ge=0, description="days since referral at day 0")


class Scenario(Frozen):
    """A force and its package of measures."""

    name: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", description="names the results folder"
    )
    description: str = Field("", description="free text for reports")
    run: RunSection = Field(default_factory=RunSection)
    risk_levels: dict[str, RiskLevel]
    categories: dict[str, Category]
    surges: list[Surge] = Field(default_factory=list)
    triage: Triage
    officers: Officers
    allocation: Allocation = Field(default_factory=Allocation)
    warrants: Warrants = Field(default_factory=Warrants)
    hazards: Hazards = Field(default_factory=Hazards)
    workforce: Workforce = Field(default_factory=Workforce)
    supervision: Supervision = Field(default_factory=Supervision)
    grading: Grading = Field(default_factory=Grading)
    self_assessment: SelfAssessment = Field(default_factory=SelfAssessment)
    inspections: list[Inspection] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)
    initial_backlog: list[BacklogEntry] = Field(default_factory=list)
    periods: dict[str, tuple[float | dt.date, float | dt.date]] | None = Field(
        None,
        description=(
            "named periods of the measured window, name → [start, end] as day numbers or "
            "ISO dates; flow KPIs are also reported per period as KPI@NAME. Default: one "
            "per calendar year of the measured window, named by the year"
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _dates_to_days(cls, data: Any) -> Any:
        """Dates where days are expected become day numbers (see sim.scenario.calendar)."""
        return dates_to_days(data)

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        risks = list(self.risk_levels)
        if not risks:
            raise ValueError("risk_levels: expected at least one risk level")
        if not self.categories:
            raise ValueError("categories: expected at least one category")
        for name, cat in self.categories.items():
            for field in ("risk_mix", "case_rate"):
                shares = getattr(cat, field)
                missing = [r for r in risks if r not in shares]
                extra = [r for r in shares if r not in risks]
                if extra:
                    raise ValueError(
                        f"categories.{name}.{field}.{extra[0]}: not a risk level "
                        f"(expected one of {', '.join(risks)})"
                    )
                if missing:
                    raise ValueError(
                        f"categories.{name}.{field}: missing risk level {missing[0]!r}"
                    )
                for r, v in shares.items():
                    if not 0 <= v <= 1:
                        raise ValueError(
                            f"categories.{name}.{field}.{r}: expected a share in [0, 1], got {v}"
                        )
            total = sum(cat.risk_mix.values())
            if abs(total - 1) > 1e-6:
                raise ValueError(
                    f"categories.{name}.risk_mix: expected shares summing to 1, got {total:g}"
                )
        for i, s in enumerate(self.surges):
            if s.category is not None and s.category not in self.categories:
                raise ValueError(f"surges.{i}.category: unknown category {s.category!r}")
        for i, b in enumerate(self.initial_backlog):
            if b.category not in self.categories:
                raise ValueError(f"initial_backlog.{i}.category: unknown category {b.category!r}")
            if b.risk not in self.risk_levels:
                raise ValueError(f"initial_backlog.{i}.risk: unknown risk level {b.risk!r}")
        _check_confusion(self.self_assessment)
        for i, insp in enumerate(self.inspections):
            if insp.category_mix is not None:
                unknown = [c for c in insp.category_mix if c not in self.categories]
                if unknown:
                    raise ValueError(
                        f"inspections.{i}.category_mix.{unknown[0]}: not a category "
                        f"(expected one of {', '.join(self.categories)})"
                    )
                total = sum(insp.category_mix.values())
                if abs(total - 1) > 1e-6 or min(insp.category_mix.values()) < 0:
                    raise ValueError(
                        f"inspections.{i}.category_mix: expected shares summing to 1, got {total:g}"
                    )
        names = [i.name for i in self.inspections]
        if len(set(names)) != len(names):
            raise ValueError("inspections: inspection names must be unique")
        return self

    @model_validator(mode="after")
    def _check_periods(self) -> Scenario:
        check_periods(self)
        return self

    @property
    def end_day(self) -> float:
        """Last simulated day (warm-up plus measured horizon)."""
        return self.run.warmup_days + self.run.horizon_days


def _check_confusion(self_assessment: SelfAssessment) -> None:
    """Each row of the confusion matrix: probabilities >= 0 summing to 1."""
    for g, row in self_assessment.confusion.items():
        negative = [h for h, v in row.items() if v < 0]
        if negative:
            raise ValueError(
                f"self_assessment.confusion.{g}.{negative[0]}: expected a probability "
                f">= 0, got {row[negative[0]]:g}"
            )
        total = sum(row.values())
        if abs(total - 1) > 1e-6:
            raise ValueError(
                f"self_assessment.confusion.{g}: expected shares summing to 1, got {total:g}"
            )
