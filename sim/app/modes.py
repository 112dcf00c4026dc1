"""Quick and full runs on the page, and the target a package is judged by.

Quick mode runs few replications and stops the run at the inspection the target is about
(``until``, as ``sim run --until followup_12m``): an answer in minutes, with wide
intervals. Full mode runs more replications over the scenario's whole horizon (or to that
inspection, when the horizon stops before it). Both take the scenario's own seed, so the
baseline and the package share random numbers and their differences are paired.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.compare.conditions import Condition, parse_condition
from sim.errors import InputError
from sim.experiment.settings import RunSettings
from sim.scenario.schema import Scenario

MAX_REPLICATIONS = 20
"""The most replications one run on the page may have (the page is for questions, not for
the final figures; ``sim run`` has no such cap)."""

DEFAULT_TARGET = "followup_12m_substandard_rate<0.5"
"""The target a package is judged by unless the page says otherwise."""


@dataclass(frozen=True)
class Mode:
    """How a run on the page is made: replications, and whether it stops at the target's
    inspection."""

    name: str
    replications: int
    shortened: bool
    label: str


QUICK = Mode("quick", 2, True, "quick: 2 replications, to the target's inspection")
FULL = Mode("full", 10, False, "full: 10 replications, the scenario's whole horizon")
MODES = {m.name: m for m in (QUICK, FULL)}


def default_target(scenario: Scenario) -> str:
    """:data:`DEFAULT_TARGET` when the scenario has the ``followup_12m`` inspection, else the
    same target on its latest inspection (or the overall substandard share)."""
    names = [i.name for i in sorted(scenario.inspections, key=lambda i: i.day)]
    if "followup_12m" in names or not names:
        return DEFAULT_TARGET if names else "substandard_rate<0.5"
    return f"{names[-1]}_substandard_rate<0.5"


def target_condition(text: str) -> Condition:
    """The target as a condition (``kpi<value``; operators < <= > >=)."""
    return parse_condition(text.replace(" ", ""))


def target_inspection(scenario: Scenario, kpi: str) -> str | None:
    """The inspection a KPI is about (``followup_12m_substandard_rate`` → ``followup_12m``),
    the longest name that fits; ``None`` for a KPI of no inspection."""
    names = sorted((i.name for i in scenario.inspections), key=len, reverse=True)
    return next((n for n in names if kpi.startswith(n + "_")), None)


def mode_settings(
    mode: Mode, scenario: Scenario, target: str, *, replications: int | None = None
) -> RunSettings:
    """The run settings of ``mode`` for ``scenario`` judged by ``target``; ``replications``
    overrides the mode's number (at most :data:`MAX_REPLICATIONS`)."""
    reps = mode.replications if replications is None else replications
    if not 2 <= reps <= MAX_REPLICATIONS:
        raise InputError(
            f"expected 2 to {MAX_REPLICATIONS} replications on the page, got {reps}",
            key="replications",
        )
    inspection = target_inspection(scenario, target_condition(target).kpi)
    until = None
    if inspection is not None:
        day = next(i.day for i in scenario.inspections if i.name == inspection)
        if mode.shortened or day >= scenario.end_day:
            until = inspection
    return RunSettings(replications=reps, until=until)
