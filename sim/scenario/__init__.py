"""Scenario files: the format, loading, key paths, changes and measures.

Imports nothing of ``sim`` but :mod:`sim.errors` and :mod:`sim.units`.
"""

from sim.scenario.changes import scenario_to_dict, with_changes
from sim.scenario.loader import load_scenario
from sim.scenario.measures import apply_measure
from sim.scenario.schema import Scenario

__all__ = ["Scenario", "apply_measure", "load_scenario", "scenario_to_dict", "with_changes"]
