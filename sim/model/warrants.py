"""A case's search warrant, from the officer's application back to the officer.

One SimPy process per warrant, read top to bottom: supervisor authorisation (a queue of
supervisors, highest risk first) → the magistrate's delay → execution (a queue for a team)
→ digital forensics when devices are seized (a queue for an examiner) → the case returns
to its officer for the investigation. The warrant counts as granted when the magistrate
grants it; evidence is secured when it is executed. Parameters are read at each step, so a
measure that changes them part-way applies to the steps still to come.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.case import Case

if TYPE_CHECKING:
    from sim.model.engine import Model


def warrant_pipeline(model: Model, case: Case):
    """SimPy process: the warrant of ``case`` (its application is done)."""
    env, pools = model.env, model.pools
    rng = model.streams["warrants"]
    w = model.scenario.warrants
    authorisation_days = w.authorisation_hours.sample(rng) / w.supervisor_hours_per_day
    yield pools.supervisors.serve(case.triaged_risk, authorisation_days)

    yield env.timeout(model.scenario.warrants.court_days.sample(rng))
    case.warrant_granted_day = env.now

    execution_days = model.scenario.warrants.execution_days.sample(rng)
    yield pools.execution_teams.serve(case.triaged_risk, execution_days)
    case.warrant_executed_day = env.now
    model.pathway.secure_evidence(case)

    if case.seizes_devices:
        forensics_days = model.scenario.warrants.forensics_days.sample(model.streams["forensics"])
        yield pools.examiners.serve(case.triaged_risk, forensics_days)
        case.forensics_done_day = env.now
    model.pathway.continue_case(case)
