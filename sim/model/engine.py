"""One replication of the case pathway as SimPy processes.

The model reads an immutable :class:`~sim.scenario.schema.Scenario` (replaced, not changed,
when a measure takes effect), draws from named random streams, and emits records. It
never prints, reads files or computes statistics.
"""

from __future__ import annotations

import math

import numpy as np
import simpy

from sim.model import arrivals, warrants, workforce
from sim.model.case import Case, Referral
from sim.model.grading import broken_rules, force_grade, grade
from sim.model.inspection import run_inspection
from sim.model.measures import measures_process
from sim.model.officers import Allocator, Officer
from sim.model.records import ReplicationRecords
from sim.model.servers import ServerPool
from sim.model.streams import Streams
from sim.scenario.schema import Scenario

HOURS_PER_DAY = 24.0


class Model:
    """The case pathway for one replication."""

    def __init__(self, scenario: Scenario, streams: Streams) -> None:
        self.base_scenario = scenario
        self.scenario = scenario
        self.streams = streams
        self.env = simpy.Environment()
        self.warmup_day = scenario.run.warmup_days
        self.end_day = scenario.end_day
        self.risk_names = list(scenario.risk_levels)
        self.category_names = list(scenario.categories)
        self.referrals: list[Referral] = []
        self.cases: list[Case] = []
        self.inspections: dict[str, dict[str, float]] = {}
        self.timeseries: dict[str, list[float]] = {}
        self._next_case_id = 0
        self._next_officer_id = 0
        self.trained_busy_days = 0.0
        self.in_triage = 0

        self.triage = ServerPool(self.env, scenario.triage.staff)
        self.supervisors = ServerPool(self.env, scenario.warrants.supervisors)
        self.execution_teams = ServerPool(self.env, scenario.warrants.execution_teams)
        self.examiners = ServerPool(self.env, scenario.warrants.forensics_examiners)
        self.stage_counts = {
            "allocation": 0,
            "officer": 0,
            "warrant": 0,
            "external": 0,
            "closed": 0,
        }

        self.allocator = Allocator(self)
        self.workforce = workforce.Workforce(self)
        self.workforce.start()
        for index in range(len(self.category_names)):
            self.env.process(arrivals.arrival_process(self, index))
        self.env.process(self._sample_timeseries())
        for inspection in scenario.inspections:
            if inspection.day <= self.end_day:
                self.env.process(self._inspect_at(inspection))
        if scenario.measures:
            self.env.process(measures_process(self))
        self._load_backlog()

    # officers ---------------------------------------------------------------
    def new_officer(self, trained: bool) -> Officer:
        officer = Officer(self, self._next_officer_id, trained)
        self._next_officer_id += 1
        self.allocator.add_officer(officer)
        return officer

    def record_work(self, officer: Officer, start: float, end: float) -> None:
        """Accumulate trained detectives' working time inside the measured period."""
        if officer.trained:
            overlap = min(end, self.end_day) - max(start, self.warmup_day)
            if overlap > 0:
                self.trained_busy_days += overlap

    def set_stage(self, case: Case, stage: str) -> None:
        """Move a case to ``stage``, keeping the open-case counts by stage."""
        if case.stage in self.stage_counts:  # a new case ("new") is in no count yet
            self.stage_counts[case.stage] -= 1
        case.stage = stage
        self.stage_counts[stage] += 1

    # triage -------------------------------------------------------------------
    def referral_arrives(self, referral: Referral) -> None:
        self.referrals.append(referral)
        self.in_triage += 1
        days = referral.triage_hours / HOURS_PER_DAY
        self.triage.submit(referral.true_risk, days, lambda: self._triaged(referral))

    def under_grade_chance(self) -> float:
        t = self.scenario.triage
        load = self.triage.queue_length / max(self.triage.capacity, 1)
        return min(1.0, t.under_grade_rate + t.under_grade_load_rate * load)

    def _triaged(self, referral: Referral) -> None:
        self.in_triage -= 1
        referral.triage_day = self.env.now
        risk = referral.true_risk
        if (
            referral.under_grade_draw < self.under_grade_chance()
            and risk < len(self.risk_names) - 1
        ):
            risk += 1
        referral.triaged_risk = risk
        category = self.scenario.categories[self.category_names[referral.category]]
        if referral.case_draw < category.case_rate[self.risk_names[risk]]:
            referral.is_case = True
            case = self._open_case(
                referral.category, referral.true_risk, risk, referral.referral_day
            )
            case.triage_day = referral.triage_day
            self.allocator.enqueue(case)
            self.allocator.allocate()

    # cases ------------------------------------------------------------------
    def _open_case(self, cat_index: int, true_risk: int, triaged: int, referral_day: float) -> Case:
        """Create a police case, drawing its attributes from the category's case stream."""
        name = self.category_names[cat_index]
        cat = self.scenario.categories[name]
        rng = self.streams[f"case:{name}"]
        u = rng.random(10)
        case = Case(
            id=self._next_case_id,
            category=cat_index,
            true_risk=true_risk,
            referral_day=referral_day,
            triaged_risk=triaged,
            triage_day=referral_day,
            complex=bool(u[0] < cat.complex_rate),
            needs_warrant=bool(u[1] < cat.warrant_rate),
            at_large=bool(u[2] < cat.offender_at_large_rate),
            seizes_devices=bool(u[3] < self.scenario.warrants.forensics_rate),
            lapse_draw=float(u[4]),
            review_draw=float(u[5]),
            catch_draw=float(u[6]),
            evidence_draw=float(u[7]),
            force_grade_draw=float(u[8]),
        )
        work = self.streams[f"work:{name}"]
        case.safeguarding_hours = cat.safeguarding_hours.sample(work)
        case.application_hours = self.scenario.warrants.application_hours.sample(work)
        case.investigation_hours = cat.investigation_hours.sample(work)
        case.external_wait_days = cat.external_wait_days.sample(self.streams[f"external:{name}"])
        if cat.custody is not None and u[9] < cat.custody.refused_bail_rate:
            custody = self.streams[f"custody:{name}"]
            case.custody_refused_bail = True
            case.custody_in_cells = bool(custody.random() >= cat.custody.transfer_accepted_rate)
            hours = cat.custody.hours_until_court.sample(custody)
            case.custody_cell_hours = hours if case.custody_in_cells else 0.0
        self._next_case_id += 1
        self.cases.append(case)
        return case

    def case_allocated(self, case: Case, officer: Officer) -> None:
        now = self.env.now
        first = case.allocations == 0
        case.allocations += 1
        if math.isnan(case.allocated_day):
            case.allocated_day = now
        if first:
            case.untrained_officer = not officer.trained
            case.practice_lapse = self._lapse(case, officer)
            if not case.pending:  # backlog cases already with an officer arrive with work set
                case.pending = ["safeguarding"]
                if case.needs_warrant:
                    case.pending.append("application")
                    case.warrant_needed_day = now
                case.pending.append("investigation")
                if not case.needs_warrant:
                    self.secure_evidence(case)
        else:
            case.reallocations += 1
            case.untrained_officer = case.untrained_officer or not officer.trained
        officer.give(case, case.pending[0])

    def _lapse(self, case: Case, officer: Officer) -> bool:
        group = officer.group
        others = max(0, len(officer.held) - 1)
        chance = min(1.0, group.practice_lapse_rate + group.practice_lapse_load_rate * others)
        if case.lapse_draw >= chance:
            return False
        sup = self.scenario.supervision
        caught = case.review_draw < sup.review_rate and case.catch_draw < sup.catch_rate
        return not caught

    def secure_evidence(self, case: Case) -> None:
        now = self.env.now
        case.evidence_secured_day = now
        hazard = self.scenario.hazards.evidence_loss_per_day
        p_lost = 1.0 - math.exp(-hazard * max(0.0, now - case.referral_day))
        case.evidence_lost = case.evidence_draw < p_lost

    def chunk_done(self, case: Case, chunk: str, officer: Officer) -> None:
        if case.pending and case.pending[0] == chunk:
            case.pending.pop(0)
        if chunk == "safeguarding" and math.isnan(case.safeguarding_day):
            case.safeguarding_day = self.env.now
        if chunk == "application":
            self.set_stage(case, "warrant")
            warrants.start_pipeline(self, case)
            return
        if chunk == "investigation":
            if case.external_wait_days > 0:
                # the officer keeps the case (and its slot) while others decide
                self.set_stage(case, "external")
                wait = self.env.timeout(case.external_wait_days)
                wait.callbacks.append(lambda _ev: self._close(case, case.officer))
            else:
                self._close(case, officer)
            return
        self.continue_case(case)

    def continue_case(self, case: Case) -> None:
        """Give the case's next chunk to its officer, or back to allocation if they left."""
        officer = case.officer
        if not case.pending:
            return
        if officer is not None and officer.active and case in officer.held:
            self.set_stage(case, "officer")
            officer.give(case, case.pending[0])
        else:
            if officer is not None:
                officer.held.discard(case)
            self.allocator.enqueue(case)
            self.allocator.allocate()

    def warrant_pipeline_done(self, case: Case) -> None:
        self.continue_case(case)

    def _close(self, case: Case, officer: Officer | None) -> None:
        case.closed_day = self.env.now
        self.set_stage(case, "closed")
        rules = broken_rules(case, self.scenario, case.closed_day)
        case.rules_broken = tuple(rules)
        case.grade, case.serious_concern = grade(rules, self.scenario)
        case.force_grade = force_grade(case.grade, case.force_grade_draw, self.scenario)
        if officer is None:
            return
        if officer.active:
            self.allocator.release(case, officer)
        else:
            officer.held.discard(case)

    def officer_leaves(self, officer: Officer) -> None:
        """Hand the leaver's cases back: waiting work to allocation; cases out with others
        (warrant pipeline, external decisions) go back to allocation only when they return."""
        for case in officer.take_back_cases():
            if case.stage in ("warrant", "external"):
                case.officer = None
            else:
                self.allocator.enqueue(case)
        self.allocator.remove_officer(officer)
        self.allocator.allocate()

    # starting backlog ----------------------------------------------------------
    def _load_backlog(self) -> None:
        """Open cases at day 0: waiting for an officer, or already with one.

        A case already with an officer counts as allocated, safeguarded and (if it needs a
        warrant) holding one on its referral day, as their real dates are unknown; only its
        investigation work remains. Such cases are allocated first, ahead of waiting ones.
        """
        entries = sorted(self.scenario.initial_backlog, key=lambda b: b.stage != "investigation")
        for entry in entries:
            cat_index = self.category_names.index(entry.category)
            risk = self.risk_names.index(entry.risk)
            for _ in range(entry.count):
                case = self._open_case(cat_index, risk, risk, -entry.age_days)
                if entry.stage == "investigation":
                    day = case.referral_day
                    case.allocated_day = case.safeguarding_day = case.evidence_secured_day = day
                    if case.needs_warrant:
                        case.warrant_needed_day = case.warrant_granted_day = day
                        case.warrant_executed_day = day
                    case.pending = ["investigation"]
                self.allocator.enqueue(case)
            self.allocator.allocate()

    # observation processes -------------------------------------------------------
    def _sample_timeseries(self):
        step = self.scenario.run.timeseries_interval_days
        series = self.timeseries
        while self.env.now <= self.end_day:
            stages = self.stage_counts
            open_cases = (
                stages["allocation"] + stages["officer"] + stages["warrant"] + stages["external"]
            )
            staff = self.workforce.counts()
            row = {
                "day": self.env.now,
                "triage_open": float(self.in_triage),
                "allocation_open": float(stages["allocation"]),
                "investigation_open": float(stages["officer"]),
                "warrant_open": float(stages["warrant"]),
                "external_open": float(stages["external"]),
                "open_cases": float(open_cases + self.in_triage),
                "trained_in_post": float(staff["trained"]),
                "untrained_in_post": float(staff["untrained"]),
                "trainees": float(staff["trainees"]),
                "trained_vacancy_rate": staff["trained_vacancy_rate"],
                "triage_staff": float(self.triage.capacity),
            }
            for key, value in row.items():
                series.setdefault(key, []).append(value)
            yield self.env.timeout(step)

    def _inspect_at(self, inspection):
        yield self.env.timeout(inspection.day)
        self.inspections[inspection.name] = run_inspection(self, inspection)

    # run ------------------------------------------------------------------------
    def run(self) -> ReplicationRecords:
        self.env.run(until=self.end_day + 1e-9)
        for officer in self.allocator.officers[True]:
            if officer.working_on is not None:  # a session still in progress at the end
                self.record_work(officer, officer.session_start, self.end_day)
        harm = self._harm_in_window()
        return ReplicationRecords(
            scenario=self.base_scenario,
            warmup_day=self.warmup_day,
            end_day=self.end_day,
            referrals=self._referral_arrays(),
            cases=self.cases,
            timeseries={k: np.asarray(v) for k, v in self.timeseries.items()},
            inspections=self.inspections,
            trained_busy_days=self.trained_busy_days,
            trained_available_days=self.workforce.trained_days_in_window(),
            harm_events=harm,
        )

    def _harm_in_window(self) -> int:
        """Further harm while suspects were at large, drawn from exposure inside the window."""
        rate = self.scenario.hazards.harm_per_day
        if rate <= 0:
            return 0
        rng = self.streams["harm"]
        total = 0
        for case in self.cases:
            if not case.at_large:
                continue
            end = case.safeguarding_day if not math.isnan(case.safeguarding_day) else self.end_day
            exposure = min(end, self.end_day) - max(case.referral_day, self.warmup_day)
            if exposure > 0:
                case.harm_events = int(rng.poisson(rate * exposure))
                total += case.harm_events
        return total

    def _referral_arrays(self) -> dict[str, np.ndarray]:
        refs = self.referrals
        return {
            "category": np.fromiter((r.category for r in refs), np.int32, len(refs)),
            "true_risk": np.fromiter((r.true_risk for r in refs), np.int32, len(refs)),
            "triaged_risk": np.fromiter((r.triaged_risk for r in refs), np.int32, len(refs)),
            "referral_day": np.fromiter((r.referral_day for r in refs), float, len(refs)),
            "triage_day": np.fromiter((r.triage_day for r in refs), float, len(refs)),
            "is_case": np.fromiter((r.is_case for r in refs), bool, len(refs)),
        }


def simulate(scenario: Scenario, streams: Streams) -> ReplicationRecords:
    """Run one replication of ``scenario`` with the given random streams."""
    return Model(scenario, streams).run()
