"""The warrant pipeline after the officer's application.

Supervisor authorisation (a queue of supervisors, highest risk first) → magistrate delay →
execution (a queue for a team) → digital forensics for seized devices (a queue for an
examiner) → back to the officer for the investigation. The warrant counts as granted when
the magistrate grants it; evidence is secured when it is executed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.case import Case

if TYPE_CHECKING:
    from sim.model.engine import Model


def start_pipeline(model: Model, case: Case) -> None:
    """Send the case's application to a supervisor, then on through the pipeline."""
    w = model.scenario.warrants
    rng = model.streams["warrants"]
    auth_days = w.authorisation_hours.sample(rng) / w.supervisor_hours_per_day
    model.supervisors.submit(case.triaged_risk, auth_days, lambda: _authorised(model, case))


def _authorised(model: Model, case: Case) -> None:
    rng = model.streams["warrants"]
    court = model.env.timeout(model.scenario.warrants.court_days.sample(rng))
    court.callbacks.append(lambda _ev: _granted(model, case))


def _granted(model: Model, case: Case) -> None:
    case.warrant_granted_day = model.env.now
    rng = model.streams["warrants"]
    days = model.scenario.warrants.execution_days.sample(rng)
    model.execution_teams.submit(case.triaged_risk, days, lambda: _executed(model, case))


def _executed(model: Model, case: Case) -> None:
    case.warrant_executed_day = model.env.now
    model.secure_evidence(case)
    if case.seizes_devices:
        rng = model.streams["forensics"]
        days = model.scenario.warrants.forensics_days.sample(rng)
        model.examiners.submit(case.triaged_risk, days, lambda: _examined(model, case))
    else:
        model.warrant_pipeline_done(case)


def _examined(model: Model, case: Case) -> None:
    case.forensics_done_day = model.env.now
    model.warrant_pipeline_done(case)
