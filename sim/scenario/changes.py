"""Copies of a scenario with changes by key path (overrides, sweeps, calibration, measures).

Scenarios are immutable: a change makes a new, validated scenario. Every changed path must
already exist in the resolved scenario (defaults included), so a misspelt path is an error
rather than a silently ignored setting.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.scenario.keypaths import set_path
from sim.scenario.schema import Scenario
from sim.scenario.validation import validate


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain YAML-able data (aliases such as ``mean`` used)."""
    return scenario.model_dump(mode="json", by_alias=True, exclude_none=False)


def with_changes(
    scenario: Scenario, changes: Mapping[str, Any], *, source: str = "--set"
) -> Scenario:
    """A new scenario equal to ``scenario`` but for ``changes`` (key path → value).

    Errors name ``source`` (the option, file or measure the changes come from).
    """
    if not changes:
        return scenario
    data = scenario_to_dict(scenario)
    for path, value in changes.items():
        set_path(data, path, value, source=source)
    return validate(data, source=source)
