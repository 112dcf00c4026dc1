"""Copies of a scenario with changes (for sweeps, overrides and measures)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.errors import InputError
from sim.scenario.schema import Scenario


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain YAML-able data (aliases such as ``mean`` used)."""
    return scenario.model_dump(mode="json", by_alias=True, exclude_none=False)


def get_path(data: Any, path: str, *, source: str = "scenario") -> Any:
    """Value at dotted ``path`` in nested dicts/lists; :class:`InputError` if absent."""
    node = data
    parts = path.split(".")
    for i, part in enumerate(parts):
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise InputError(
                    f"no such list index {part!r} (the list has {len(node)} items)",
                    file=source,
                    key=path,
                )
            node = node[int(part)]
        elif isinstance(node, dict):
            if part not in node:
                where = ".".join(parts[:i]) or "the top level"
                choices = ", ".join(sorted(node)) if len(node) <= 20 else "see `sim schema`"
                raise InputError(
                    f"no key {part!r} in {where} (expected one of: {choices})",
                    file=source,
                    key=path,
                )
            node = node[part]
        else:
            raise InputError(
                f"{'.'.join(parts[:i])} is a single value, not a section", file=source, key=path
            )
    return node


def with_changes(
    scenario: Scenario, changes: Mapping[str, Any], *, source: str = "--set"
) -> Scenario:
    """A new scenario equal to ``scenario`` but for ``changes`` (key path → value).

    Every path must already exist in the resolved scenario, so a misspelt path is an error
    rather than a silently ignored setting.
    """
    from sim.scenario.loader import set_path, validate

    data = scenario_to_dict(scenario)
    for path, value in changes.items():
        get_path(data, path, source=source)
        set_path(data, path, value, source=source)
    return validate(data, source=source)


def apply_overrides(scenario: Scenario, overrides: list[tuple[str, Any]], *, file: str) -> Scenario:
    """Apply ``--set`` overrides; errors name the file and the option."""
    if not overrides:
        return scenario
    data = scenario_to_dict(scenario)
    from sim.scenario.loader import set_path, validate

    for path, value in overrides:
        get_path(data, path, source=f"{file}: --set")
        set_path(data, path, value, source=f"{file}: --set")
    return validate(data, source=f"{file}: --set")


def check_measures(scenario: Scenario, *, source: str) -> None:
    """Each measure's ``set``/``add`` paths must name existing numeric parameters."""
    data = scenario_to_dict(scenario)
    for i, measure in enumerate(scenario.measures):
        for verb in ("set", "add"):
            for path in getattr(measure, verb):
                key = f"measures.{i}.{verb}.{path}"
                try:
                    current = get_path(data, path, source=source)
                except InputError:
                    raise InputError("no such scenario parameter", file=source, key=key) from None
                if isinstance(current, dict | list):
                    raise InputError(
                        "expected the path of a single value, not a section", file=source, key=key
                    )
                if verb == "add" and not isinstance(current, int | float):
                    raise InputError("add: expected a numeric parameter", file=source, key=key)
                if path.startswith(("run.", "risk_levels", "measures", "inspections", "initial_")):
                    raise InputError(
                        "a measure cannot change run settings, risk levels, inspections, "
                        "measures or the starting backlog",
                        file=source,
                        key=key,
                    )
    # the scenario as every measure leaves it at full strength must still be valid
    final = scenario
    for measure in scenario.measures:
        final = apply_measure(final, measure, 1.0, source=source)


def apply_measure(
    scenario: Scenario, measure: Any, strength: float, *, source: str = "measure"
) -> Scenario:
    """Scenario with ``measure`` applied at ``strength`` in [0, 1] (its ramp position).

    ``set`` values move linearly from the current value to the target; ``add`` values add
    ``strength × amount``. Integer parameters are rounded; booleans and nulls switch at
    strength > 0.
    """
    data = scenario_to_dict(scenario)
    changes: dict[str, Any] = {}
    for path, target in measure.set.items():
        current = get_path(data, path, source=source)
        changes[path] = interpolate(current, target, strength)
    for path, amount in measure.add.items():
        current = get_path(data, path, source=source)
        changes[path] = interpolate(current, current + amount, strength)
    if not changes:
        return scenario
    return with_changes(scenario, changes, source=f"{source}: measure {measure.name!r}")


def interpolate(current: Any, target: Any, strength: float) -> Any:
    """The value ``strength`` (0..1) of the way from ``current`` to ``target``.

    Integers stay integers (rounded); booleans and nulls switch at strength > 0.
    """
    if isinstance(target, bool) or target is None or current is None:
        return target if strength > 0 else current
    value = current + (target - current) * strength
    if isinstance(current, int) and not isinstance(current, bool):
        return int(round(value))
    return value
