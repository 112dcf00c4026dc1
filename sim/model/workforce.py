"""Officers over time: attrition, recruitment after a lag, and the training pipeline.

A trained detective who leaves opens a vacancy in the trained establishment; after
``recruitment_lag_days`` it is filled by an already-trained detective with probability
``recruit_trained_rate``, otherwise it stays open until a trainee qualifies. An untrained
officer who leaves (or qualifies) is replaced by an untrained officer after the lag.
Every ``intake_interval_days`` up to ``course_places`` untrained officers start the course;
trainees keep their cases but lose ``time_away_rate`` of their time, and after
``course_days`` they become trained detectives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model.engine import Model
    from sim.model.officers import Officer


class Workforce:
    def __init__(self, model: Model) -> None:
        self.model = model
        officers = model.scenario.officers
        self.establishment = {
            True: officers.trained.establishment
            if officers.trained.establishment is not None
            else officers.trained.count,
            False: officers.untrained.establishment
            if officers.untrained.establishment is not None
            else officers.untrained.count,
        }
        self._rng = model.streams["workforce"]
        self._trained_days = 0.0
        self._last = 0.0

    def start(self) -> None:
        officers = self.model.scenario.officers
        for _ in range(officers.trained.count):
            self.hire(True)
        for _ in range(officers.untrained.count):
            self.hire(False)
        self.model.env.process(self._intakes())

    def in_post(self, trained: bool) -> int:
        return len(self.model.allocator.officers[trained])

    def counts(self) -> dict[str, float]:
        trained = self.in_post(True)
        est = self.establishment[True]
        return {
            "trained": trained,
            "untrained": self.in_post(False),
            "trainees": sum(o.trainee for o in self.model.allocator.officers[False]),
            "trained_vacancy_rate": max(0.0, 1.0 - trained / est) if est > 0 else 0.0,
        }

    # trained officer-days inside the measured window, for utilisation
    def _account(self) -> None:
        m = self.model
        now = m.env.now
        lo, hi = max(self._last, m.warmup_day), min(now, m.end_day)
        if hi > lo:
            self._trained_days += self.in_post(True) * (hi - lo)
        self._last = now

    def trained_days_in_window(self) -> float:
        self._account()
        return self._trained_days

    def hire(self, trained: bool) -> Officer:
        self._account()
        officer = self.model.new_officer(trained)
        rate = self.model.scenario.workforce.attrition_per_year
        if rate > 0:
            tenure = self._rng.exponential(365.0 / rate)
            timer = self.model.env.timeout(tenure)
            timer.callbacks.append(lambda _ev: self._leave(officer))
        self.model.allocator.allocate()
        return officer

    def _leave(self, officer: Officer) -> None:
        if not officer.active:
            return
        self._account()
        was_trained = officer.trained
        self.model.officer_leaves(officer)
        self._recruit_later(was_trained)

    def _recruit_later(self, trained_post: bool) -> None:
        lag = self.model.scenario.workforce.recruitment_lag_days
        draw = self._rng.random()
        timer = self.model.env.timeout(lag)
        timer.callbacks.append(lambda _ev: self._fill(trained_post, draw))

    def _fill(self, trained_post: bool, draw: float) -> None:
        wf = self.model.scenario.workforce
        if trained_post:
            if draw < wf.recruit_trained_rate and self.in_post(True) < self.establishment[True]:
                self.hire(True)
        elif self.in_post(False) < self.establishment[False]:
            self.hire(False)

    def change_count(self, trained: bool, delta: int) -> None:
        """A measure changed the number in post: hire now, or leave by natural wastage."""
        self.establishment[trained] = max(0, self.establishment[trained] + delta)
        for _ in range(max(0, delta)):
            self.hire(trained)

    def _intakes(self):
        env = self.model.env
        training = self.model.scenario.workforce.training
        yield env.timeout(training.first_intake_day)
        while env.now < self.model.end_day:
            training = self.model.scenario.workforce.training
            places = training.course_places
            candidates = [o for o in self.model.allocator.officers[False] if not o.trainee]
            for officer in candidates[:places]:
                officer.trainee = True
                timer = env.timeout(training.course_days)
                timer.callbacks.append(lambda _ev, o=officer: self._qualify(o))
            yield env.timeout(training.intake_interval_days)

    def _qualify(self, officer: Officer) -> None:
        if not officer.active:
            return
        self._account()
        officer.trainee = False
        self.model.allocator.move_officer(officer, trained=True)
        self._recruit_later(False)
        self.model.allocator.allocate()
