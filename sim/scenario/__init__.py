"""Scenario files: schema, loading, overrides."""

from sim.scenario.loader import load_scenario
from sim.scenario.overrides import apply_measure, scenario_to_dict, with_changes
from sim.scenario.schema import Scenario

__all__ = ["Scenario", "apply_measure", "load_scenario", "scenario_to_dict", "with_changes"]
