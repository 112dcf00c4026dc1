"""The "About the model" tab: the STRESS-DES description of the report and the
assumptions register of ``sim describe``, for the scenario the page runs."""

from __future__ import annotations

from pathlib import Path

from sim.report.document import Section
from sim.report.model_sections import data, experimentation, logic, objectives
from sim.scenario.schema import Scenario


def model_summary(base: Scenario) -> str:
    """The tab's opening paragraph (Markdown)."""
    return (
        f"The page runs the scenario **{base.name}** as the baseline and the package chosen "
        "on the *What if* tab as the same scenario with one measure per lever that is on, "
        "both with the same seed, so their differences are paired replication by "
        "replication. Below is the model described in the STRESS-DES structure "
        "(objectives, logic, data, experimentation), with the assumptions register: every "
        "parameter of the scenario, its value and whether it is sourced, calibrated or "
        "assumed."
    )


def about_sections(base: Scenario, scenario_file: Path) -> list[Section]:
    """Objectives, logic (the pathway chart), data with the assumptions register read from
    ``scenario_file``'s comments, and experimentation at the scenario's own settings."""
    manifest = {
        "command": ["sim", "app", str(scenario_file)],
        "replications": base.run.replications,
        "seed": base.run.seed,
    }
    return [
        objectives(base),
        logic(base),
        data(base, manifest, Path.cwd()),
        experimentation(base, manifest),
    ]
