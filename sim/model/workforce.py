"""Officers over time: hiring, attrition, recruitment after a lag, and the training pipeline.

A trained detective who leaves opens a vacancy in the trained establishment; after
``recruitment_lag_days`` it is filled by an already-trained detective with probability
``recruit_trained_rate``, otherwise it stays open until a trainee qualifies. An untrained
officer who leaves (or qualifies) is replaced by an untrained officer after the lag.
Every ``intake_interval_days`` up to ``course_places`` untrained officers start the course;
trainees keep their cases but lose ``time_away_rate`` of their time, and after
``course_days`` they become trained detectives.

It also keeps the two sides of detectives' utilisation inside the measured period: the
trained officer-days in post and the days they spent working on cases.
"""

from __future__ import annotations

import math
from functools import partial
from typing import TYPE_CHECKING

from sim.model.enums import Group
from sim.model.officers import Officer
from sim.model.schedule import call_after
from sim.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from sim.model.engine import Model


class Workforce:
    def __init__(self, model: Model) -> None:
        self.model = model
        officers = model.scenario.officers
        self.establishment = {
            group: (
                settings.establishment if settings.establishment is not None else settings.count
            )
            for group, settings in ((Group.TRAINED, officers.trained),
                                    (Group.UNTRAINED, officers.untrained))
        }  # fmt: skip
        self._rng = model.streams["workforce"]
        self._next_id = 0
        self._trained_days = 0.0  # trained officer-days in post inside the measured period
        self._busy_days: dict[int, float] = {}  # of which spent on cases, by officer id
        self._last = 0.0

    def start(self) -> None:
        officers = self.model.scenario.officers
        for _ in range(officers.trained.count):
            self.hire(Group.TRAINED, experienced=True)
        for _ in range(officers.untrained.count):
            self.hire(Group.UNTRAINED, experienced=True)
        self.model.env.process(self._intakes())

    def in_post(self, group: Group) -> int:
        return len(self.model.allocator.officers[group])

    def counts(self) -> dict[str, float]:
        trained = self.in_post(Group.TRAINED)
        est = self.establishment[Group.TRAINED]
        return {
            "trained": trained,
            "untrained": self.in_post(Group.UNTRAINED),
            "trainees": sum(o.trainee for o in self.model.allocator.officers[Group.UNTRAINED]),
            "trained_vacancy_rate": max(0.0, 1.0 - trained / est) if est > 0 else 0.0,
        }

    # utilisation inside the measured window ---------------------------------------
    def _account(self) -> None:
        m = self.model
        now = m.env._now
        lo, hi = max(self._last, m.warmup_day), min(now, m.end_day)
        if hi > lo:
            self._trained_days += self.in_post(Group.TRAINED) * (hi - lo)
        self._last = now

    def trained_days_in_window(self) -> float:
        self._account()
        return self._trained_days

    def record_work(self, officer: Officer, start: float, end: float) -> None:
        """Count a trained detective's work session (start and end in days) inside the
        measured period. The caller calls it for trained detectives only, each officer's
        sessions in the order they happened."""
        overlap = min(end, self.model.end_day) - max(start, self.model.warmup_day)
        if overlap > 0:
            busy = self._busy_days
            busy[officer.id] = busy.get(officer.id, 0.0) + overlap

    @property
    def trained_busy_days(self) -> float:
        """Trained detectives' days of work on cases inside the measured period: each
        officer's sessions summed in time order, the officers' totals summed exactly, so
        the total does not depend on how different officers' sessions interleave when they
        are booked (see :class:`~sim.model.officers.Officer`'s planned stretches)."""
        return math.fsum(self._busy_days.values())

    def finish(self) -> None:
        """At the end of the run: count work sessions still in progress."""
        for officer in self.model.allocator.officers[Group.TRAINED]:
            officer.settle_now()
            if officer.working_on is not None:
                self.record_work(officer, officer.session_start, self.model.end_day)

    # hiring and leaving --------------------------------------------------------------
    def hire(self, group: Group, *, experienced: bool = False) -> Officer:
        """A new officer in ``group``: new to the work (learning) unless ``experienced``
        (the officers in post at day 0)."""
        self._account()
        officer = Officer(self.model, self._next_id, group)
        if not experienced:
            officer.joined_day = self.model.env._now
        self._next_id += 1
        self.model.allocator.add_officer(officer)
        rate = self.model.scenario.workforce.attrition_per_year
        if rate > 0:
            tenure = self._rng.exponential(DAYS_PER_YEAR / rate)
            call_after(self.model.env, tenure, lambda _call: self._leave(officer))
        self.model.allocator.allocate()
        return officer

    def _leave(self, officer: Officer) -> None:
        if not officer.active:
            return
        self._account()
        post = officer.group
        self.model.pathway.officer_leaves(officer)
        self._recruit_later(post)

    def _recruit_later(self, post: Group) -> None:
        lag = self.model.scenario.workforce.recruitment_lag_days
        draw = self._rng.random()
        call_after(self.model.env, lag, lambda _call: self._fill(post, draw))

    def _fill(self, post: Group, draw: float) -> None:
        wf = self.model.scenario.workforce
        if post is Group.TRAINED:
            trained = draw < wf.recruit_trained_rate
            if trained and self.in_post(Group.TRAINED) < self.establishment[Group.TRAINED]:
                self.hire(Group.TRAINED)
        elif self.in_post(Group.UNTRAINED) < self.establishment[Group.UNTRAINED]:
            self.hire(Group.UNTRAINED)

    def change_count(self, group: Group, delta: int) -> None:
        """A measure changed the number in post: hire now, or leave by natural wastage."""
        self.establishment[group] = max(0, self.establishment[group] + delta)
        for _ in range(max(0, delta)):
            self.hire(group)

    # training --------------------------------------------------------------------------
    def _intakes(self):
        env = self.model.env
        training = self.model.scenario.workforce.training
        yield env.timeout(training.first_intake_day)
        while env._now < self.model.end_day:
            training = self.model.scenario.workforce.training
            untrained = self.model.allocator.officers[Group.UNTRAINED]
            candidates = [o for o in untrained if not o.trainee]
            for officer in candidates[: training.course_places]:
                officer.set_trainee(True)
                call_after(env, training.course_days, partial(self._qualify, officer))
            yield env.timeout(training.intake_interval_days)

    def _qualify(self, officer: Officer, _call: object) -> None:
        if not officer.active:
            return
        self._account()
        officer.set_trainee(False)
        self.model.allocator.move_officer(officer, Group.TRAINED)
        officer.joined_day = self.model.env._now  # newly qualified: learning the new work
        self._recruit_later(Group.UNTRAINED)
        self.model.allocator.allocate()
