"""Capacity: triage staff, investigating officers, allocation, warrants, the workforce."""

from __future__ import annotations

from pydantic import Field, model_validator

from sim.scenario.calendar import Day
from sim.scenario.distributions import Distribution, Exponential, Fixed
from sim.scenario.frozen import Frozen


class Triage(Frozen):
    """The multi-agency safeguarding hub: triage staff grade each referral's risk."""

    staff: int = Field(ge=0, description="triage staff on duty at any time (around the clock)")
    hours: Distribution = Field(
        default_factory=lambda: Exponential(mean=0.5),
        description="staff time to triage one referral, hours",
    )
    under_grade_rate: float = Field(
        0.0, ge=0, le=1, description="chance a referral is graded one level below its true risk"
    )
    under_grade_load_rate: float = Field(
        0.0,
        ge=0,
        description="extra under-grading chance per referral waiting per staff member on duty",
    )


class OfficerGroup(Frozen):
    """Officers of one kind (trained detectives or untrained officers)."""

    count: int = Field(ge=0, description="officers in post at day 0")
    establishment: int | None = Field(
        None, ge=0, description="funded posts; vacancies = establishment − in post (default count)"
    )
    caseload_cap: int = Field(ge=1, description="most cases one officer holds at once")
    productive_hours_per_day: float = Field(
        gt=0, le=24, description="hours a day available for casework before abstraction"
    )
    abstraction_rate: float = Field(
        0.0, ge=0, lt=1, description="share of productive time taken for other priorities"
    )
    practice_lapse_rate: float = Field(
        0.0, ge=0, le=1, description="chance a case this officer handles has a practice failure"
    )
    practice_lapse_load_rate: float = Field(
        0.0,
        ge=0,
        le=1,
        description="extra practice-failure chance per case the officer already holds when "
        "given this one (heavy caseloads cut corners)",
    )
    new_officer_lapse_rate: float | None = Field(
        None,
        ge=0,
        le=1,
        description="practice-failure chance of an officer new to this group (a recruit, a "
        "transfer added by a measure, a newly qualified detective) on joining; it falls in a "
        "straight line to practice_lapse_rate over learning_days (default: no learning effect)",
    )
    learning_days: float = Field(
        0.0,
        ge=0,
        description="days for a new officer's practice-failure chance to fall to the group's "
        "practice_lapse_rate, days (0: no learning effect)",
    )

    @model_validator(mode="after")
    def _learning_needs_both(self) -> OfficerGroup:
        if (self.new_officer_lapse_rate is None) != (self.learning_days == 0):
            raise ValueError(
                "new_officer_lapse_rate and learning_days go together: give both "
                "(learning_days > 0) or neither"
            )
        return self


class Officers(Frozen):
    work_session_hours: float | None = Field(
        None,
        gt=0,
        description="hours an officer works on one case before picking the highest-priority "
        "work again; null: each chunk of work is done in one go (non-preemptive)",
    )
    trained: OfficerGroup
    untrained: OfficerGroup = Field(
        default_factory=lambda: OfficerGroup(count=0, caseload_cap=1, productive_hours_per_day=6)
    )


class Allocation(Frozen):
    untrained_after_days: float | None = Field(
        None,
        ge=0,
        description="days a case waits for a trained detective before an untrained officer may "
        "take it; omit (null) for never",
    )


class Warrants(Frozen):
    """Application, authorisation, court, execution and digital forensics."""

    application_hours: Distribution = Field(
        default_factory=lambda: Fixed(value=4.0), description="officer work, hours"
    )
    supervisors: int = Field(5, ge=1, description="supervisors who authorise applications")
    authorisation_hours: Distribution = Field(
        default_factory=lambda: Fixed(value=1.0), description="supervisor time, hours"
    )
    supervisor_hours_per_day: float = Field(
        8.0, gt=0, le=24, description="supervisor hours a day spent authorising"
    )
    court_days: Distribution = Field(
        default_factory=lambda: Fixed(value=2.0), description="magistrate delay, days"
    )
    execution_teams: int = Field(5, ge=1, description="teams that execute warrants")
    execution_days: Distribution = Field(
        default_factory=lambda: Fixed(value=1.0), description="team time to execute one warrant"
    )
    forensics_rate: float = Field(
        1.0, ge=0, le=1, description="share of executed warrants seizing devices"
    )
    forensics_examiners: int = Field(10, ge=1, description="digital forensics examiners")
    forensics_days: Distribution = Field(
        default_factory=lambda: Exponential(mean=10.0),
        description="examiner time for one case's devices, days",
    )


class Training(Frozen):
    """The course that turns untrained officers into trained detectives."""

    course_places: int = Field(0, ge=0, description="untrained officers taken per intake")
    intake_interval_days: float = Field(91.0, gt=0, description="days between intakes")
    first_intake_day: Day = Field(
        0.0, ge=0, description="simulated day of the first intake, or its date (YYYY-MM-DD)"
    )
    course_days: float = Field(365.0, gt=0, description="intake to accreditation, days")
    time_away_rate: float = Field(
        0.2, ge=0, lt=1, description="share of a trainee's productive time spent on the course"
    )


class Workforce(Frozen):
    """Attrition, recruitment and training over time."""

    attrition_per_year: float = Field(
        0.0, ge=0, description="leaving rate per officer per year (exponential time in post)"
    )
    recruitment_lag_days: float = Field(
        180.0, ge=0, description="vacancy to replacement in post, days"
    )
    recruit_trained_rate: float = Field(
        0.0,
        ge=0,
        le=1,
        description="share of trained-post vacancies filled by an already-trained detective; "
        "the rest are filled by an untrained officer",
    )
    training: Training = Field(default_factory=Training)
