"""A case's search warrant, from the officer's application back to the officer.

The steps, in order: supervisor authorisation (a queue of supervisors, highest risk
first) → the magistrate's delay → execution (a queue for a team) → digital forensics when
devices are seized (a queue for an examiner) → the case returns to its officer for the
investigation. The warrant counts as granted when the magistrate grants it; evidence is
secured when it is executed. Parameters are read at each step, so a measure that changes
them part-way applies to the steps still to come.

A :class:`Warrant` runs each step as a callback of the event that ends the step before,
not as a SimPy process: thousands of warrants can be in progress at once (7,269 at the end
of a 10-year baseline), and a process holds a generator, its frame and its own events for
each. The events, their days and their order on SimPy's schedule are those of the process
it replaces (started by an urgent event, as SimPy starts a process:
:func:`~sim.model.schedule.call_urgently`), so the draws and the records are the same to
the bit. Days are simulated days.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from sim.model.case import Case
from sim.model.schedule import call_after, call_now, call_urgently

if TYPE_CHECKING:
    from sim.model.engine import Model
    from sim.model.servers import ServerPool


class Warrant:
    """The warrant of ``case`` (its application is done), from now until the case goes
    back to its officer; nothing need hold it: the events of its steps do."""

    __slots__ = ("model", "case")

    def __init__(self, model: Model, case: Case) -> None:
        self.model, self.case = model, case
        call_urgently(model.env, self._authorise)  # as SimPy starts a process

    def _authorise(self, _event: object) -> None:
        model = self.model
        w = model.scenario.warrants
        days = w.authorisation_hours.sample(model.streams["warrants"]) / w.supervisor_hours_per_day
        self._queue(model.pools.supervisors, days, then=self._to_court)

    def _to_court(self, _event: object) -> None:
        model = self.model
        days = model.scenario.warrants.court_days.sample(model.streams["warrants"])
        call_after(model.env, days, self._granted)

    def _granted(self, _event: object) -> None:
        model, case = self.model, self.case
        case.warrant_granted_day = model.env._now
        days = model.scenario.warrants.execution_days.sample(model.streams["warrants"])
        self._queue(model.pools.execution_teams, days, then=self._executed)

    def _executed(self, _event: object) -> None:
        model, case = self.model, self.case
        case.warrant_executed_day = model.env._now
        model.pathway.secure_evidence(case)
        if not case.seizes_devices:
            model.pathway.continue_case(case)
            return
        days = model.scenario.warrants.forensics_days.sample(model.streams["forensics"])
        self._queue(model.pools.examiners, days, then=self._examined)

    def _queue(self, pool: ServerPool, days: float, then: Callable[[object], None]) -> None:
        """Queue the case at ``pool`` (by its triaged risk) for ``days`` of service; ``then``
        runs where the event of :meth:`ServerPool.serve`, which the process waited for, would
        run: called now when the service ends (:func:`~sim.model.schedule.call_now`)."""
        env = self.model.env
        pool.submit(self.case.triaged_risk, days, partial(call_now, env, then))

    def _examined(self, _event: object) -> None:
        model, case = self.model, self.case
        case.forensics_done_day = model.env._now
        model.pathway.continue_case(case)
