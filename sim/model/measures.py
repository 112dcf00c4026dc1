"""Measures: levers switched on at a day and ramped, applied by replacing the scenario.

Each measure captures the values of its parameters when it starts and moves them linearly
to their targets over ``ramp_days`` in weekly steps (one step when ``ramp_days`` is 0).
After each step the model reacts to what changed: staff pools are resized, officers hired,
allocation re-run. Everything else is read from the current scenario where it is used. When
two measures change the same parameter, the one applied later wins.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from sim.model.enums import HIGHEST_RISK, Chunk, Group
from sim.scenario.changes import with_changes
from sim.scenario.measures import changes_at, measure_targets
from sim.scenario.schema import Measure, Scenario

if TYPE_CHECKING:
    from sim.model.engine import Model

RAMP_STEP_DAYS = 7.0


def measures_process(model: Model):
    """SimPy process starting one sub-process per measure."""
    for measure in model.scenario.measures:
        model.env.process(_one_measure(model, measure))
    yield model.env.timeout(0)


def _one_measure(model: Model, measure: Measure):
    env = model.env
    yield env.timeout(measure.day)
    # the same function checked this measure when the scenario was loaded
    targets = measure_targets(model.scenario, measure, source=f"measure {measure.name!r}")
    if measure.action == "review_open_high_risk":
        review_open_high_risk(model)
    if not targets:
        return
    steps = max(1, math.ceil(measure.ramp_days / RAMP_STEP_DAYS))
    for k in range(1, steps + 1):
        apply_changes(model, changes_at(targets, k / steps), measure)
        if k < steps:
            yield env.timeout(measure.ramp_days / steps)


def apply_changes(model: Model, changes: dict[str, Any], measure: Measure) -> None:
    """Replace the model's scenario and let the stages react."""
    old = model.scenario
    new = with_changes(old, changes, source=f"measure {measure.name!r}")
    for group in Group:  # the pace and the session length may change from the next session
        for officer in model.allocator.officers[group]:
            officer.cut()
    model.scenario = new
    react(model, old, new)


def react(model: Model, old: Scenario, new: Scenario) -> None:
    """Resize pools, hire officers and re-run allocation after a change of parameters."""
    model.pools.resize(new)
    for group in Group:
        delta = getattr(new.officers, group.label).count - getattr(old.officers, group.label).count
        if delta:
            model.workforce.change_count(group, delta)
    if old.allocation.untrained_after_days != new.allocation.untrained_after_days:
        model.allocator.policy_changed()
    model.allocator.rebuild()
    model.allocator.allocate()


def review_open_high_risk(model: Model) -> None:
    """Review every open case whose true risk is the highest level.

    The review corrects an under-graded triage (re-prioritising a waiting case) and takes
    the first safeguarding action now where none has been taken.
    """
    now = model.env._now
    for case in model.cases.open_now():
        if case.true_risk != HIGHEST_RISK or not case.is_open:
            continue
        if case.triaged_risk != case.true_risk:
            officer = getattr(case, "officer", None)  # a packed case has none
            if officer is not None:
                officer.cut()  # its priority at the next session's end changes
            case.triaged_risk = case.true_risk
            model.allocator.reprioritise(case)
        if math.isnan(case.safeguarding_day):
            case.safeguarding_day = now
            if case.pending and case.pending[0] is Chunk.SAFEGUARDING:
                case.safeguarding_hours = 0.0
    model.allocator.allocate()
