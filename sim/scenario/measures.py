"""What a measure changes: its parameters, their values at full strength, and the ramp.

The model applies a measure with these functions as the measure's day comes, and loading a
scenario checks every measure with the same functions, so a measure that would fail during
a run is refused before it starts.
"""

from __future__ import annotations

from typing import Any

from sim.errors import InputError
from sim.scenario.changes import scenario_to_dict, with_changes
from sim.scenario.keypaths import get_path
from sim.scenario.schema import Measure, Scenario
from sim.scenario.validation import parameter_path_problem

FORBIDDEN_PREFIXES = ("run.", "risk_levels", "measures", "inspections", "initial_")


def measure_targets(
    scenario: Scenario, measure: Measure, *, source: str, index: int = 0
) -> dict[str, tuple[Any, Any]]:
    """``{path: (value now, value at full strength)}`` for every parameter ``measure`` moves.

    ``set`` gives the full-strength value; ``add`` adds its amount to the value now. Raises
    :class:`InputError` (key ``measures.<index>.<set|add>.<path>``) for a path that is not a
    single parameter, an ``add`` to a non-number, or a path a measure may not change.
    """
    data = scenario_to_dict(scenario)
    out: dict[str, tuple[Any, Any]] = {}
    for verb, changes in (("set", measure.set), ("add", measure.add)):
        for path, amount in changes.items():
            key = f"measures.{index}.{verb}.{path}"
            if path.startswith(FORBIDDEN_PREFIXES):
                raise InputError(
                    "a measure cannot change run settings, risk levels, inspections, "
                    "measures or the starting backlog",
                    file=source,
                    key=key,
                )
            try:
                current = get_path(data, path, source=source)
            except InputError:
                problem = parameter_path_problem(path) or "no such scenario parameter"
                raise InputError(problem, file=source, key=key) from None
            if isinstance(current, dict | list):
                raise InputError(
                    "expected the path of a single value, not a section", file=source, key=key
                )
            if verb == "add":
                if isinstance(current, bool) or not isinstance(current, int | float):
                    raise InputError("add: expected a numeric parameter", file=source, key=key)
                out[path] = (current, current + amount)
            else:
                out[path] = (current, amount)
    return out


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


def changes_at(targets: dict[str, tuple[Any, Any]], strength: float) -> dict[str, Any]:
    """The values of a measure's parameters at ``strength`` of its ramp."""
    return {path: interpolate(now, full, strength) for path, (now, full) in targets.items()}


def apply_measure(
    scenario: Scenario, measure: Measure, strength: float, *, source: str = "measure"
) -> Scenario:
    """``scenario`` with ``measure`` applied at ``strength`` in [0, 1] (its ramp position)."""
    targets = measure_targets(scenario, measure, source=source)
    return with_changes(
        scenario, changes_at(targets, strength), source=f"{source}: measure {measure.name!r}"
    )


def at_full_strength(scenario: Scenario, *, source: str) -> Scenario:
    """``scenario`` as its measures leave it at full strength, applied in time order;
    :class:`InputError` if a measure's path is bad or the result is not a valid scenario."""
    final = scenario
    for index, measure in enumerate(scenario.measures):
        measure_targets(scenario, measure, source=source, index=index)
    in_time_order = sorted(enumerate(scenario.measures), key=lambda pair: pair[1].day)
    for index, measure in in_time_order:
        targets = measure_targets(final, measure, source=source, index=index)
        final = with_changes(
            final, changes_at(targets, 1.0), source=f"{source}: measure {measure.name!r}"
        )
    return final


def check_measures(scenario: Scenario, *, source: str) -> None:
    """Every measure's paths are valid, and the scenario as the measures leave it at full
    strength, applied in their order, is still a valid scenario."""
    at_full_strength(scenario, source=source)
