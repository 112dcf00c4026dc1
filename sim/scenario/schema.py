"""The scenario format: immutable, validated configuration objects.

Every field states its unit in its name (``_days``, ``_hours``, ``_rate`` for a share in
[0, 1], ``_per_year``) or in its description. Unknown keys are errors. Simulated time is
in days from the start of the run (day 0); ``run.start_date`` names that day in the
calendar for reports.

The model reads these objects and never changes them; sweeps and overrides build new
objects with :func:`sim.scenario.overrides.with_changes`.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.scenario.distributions import Distribution, Exponential, Fixed

GRADES = ("good", "requires_improvement", "inadequate")
Grade = Literal["good", "requires_improvement", "inadequate"]
BadGrade = Literal["requires_improvement", "inadequate"]


class Frozen(BaseModel):
    """Base for every scenario object: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class RunSettings(Frozen):
    horizon_days: float = Field(
        1095.0, gt=0, description="length of the measured period after warm-up, days"
    )
    warmup_days: float = Field(
        365.0, ge=0, description="simulated days discarded before measuring (day 0 = start)"
    )
    replications: int = Field(10, ge=1, le=10_000, description="independent replications")
    seed: int = Field(2016, ge=0, description="run seed; replication r uses spawn r of it")
    start_date: dt.date = Field(
        dt.date(2014, 1, 1), description="calendar date of simulated day 0, for reports"
    )
    timeseries_interval_days: float = Field(7.0, gt=0, description="time-series sampling step")
    case_log: bool = Field(False, description="write cases.csv, one row per graded case")


class RiskLevel(Frozen):
    """Time targets for one risk level. Risk levels are listed highest first."""

    triage_target_hours: float = Field(gt=0, description="referral to triage decision, hours")
    allocation_target_days: float = Field(gt=0, description="referral to investigating officer")
    safeguarding_target_days: float = Field(
        gt=0, description="referral to first safeguarding action"
    )
    warrant_target_days: float = Field(28.0, gt=0, description="warrant needed to granted")
    investigation_target_days: float = Field(
        365.0, gt=0, description="referral to case closed, days"
    )


class Custody(Frozen):
    """Children charged and refused bail: transfer to local-authority accommodation or cells."""

    refused_bail_rate: float = Field(
        ge=0, le=1, description="share of this category's cases that are charged and refused bail"
    )
    transfer_accepted_rate: float = Field(
        0.01, ge=0, le=1, description="share of transfer requests the local authority accepts"
    )
    hours_until_court: Distribution = Field(
        default_factory=lambda: Fixed(value=14.0),
        description="hours from charge to court appearance (time held), hours",
    )


class Category(Frozen):
    """One referral stream. Categories are data: any name, any number of them."""

    referrals_per_year: float = Field(ge=0, description="arrival rate at day 0, per year")
    growth_rate_per_year: float = Field(
        0.0, gt=-1, description="compound trend: rate × (1 + g)^(day / 365)"
    )
    seasonality_amplitude_rate: float = Field(
        0.0, ge=0, lt=1, description="rate × (1 + a cos(2π(day - peak)/365))"
    )
    seasonality_peak_day: float = Field(0.0, ge=0, lt=365, description="day of the year")
    risk_mix: dict[str, float] = Field(description="true-risk shares, by risk level; sum to 1")
    case_rate: dict[str, float] = Field(
        description="share of triaged referrals that become police cases, by triaged risk; "
        "the rest end at triage"
    )
    warrant_rate: float = Field(0.0, ge=0, le=1, description="share of cases needing a warrant")
    complex_rate: float = Field(
        0.0, ge=0, le=1, description="share of cases that need a trained detective to be done well"
    )
    offender_at_large_rate: float = Field(
        0.0, ge=0, le=1, description="share of cases with a suspect at large who may harm again"
    )
    safeguarding_hours: Distribution = Field(
        default_factory=lambda: Fixed(value=0.0),
        description="officer work before the first safeguarding action, hours",
    )
    investigation_hours: Distribution = Field(
        default_factory=lambda: Exponential(mean=20.0),
        description="officer work to investigate and close the case, hours",
    )
    external_wait_days: Distribution = Field(
        default_factory=lambda: Fixed(value=0.0),
        description="days the case then waits on others (charging advice, partner agencies, "
        "court file) while its officer still holds it, days",
    )
    custody: Custody | None = None


class Surge(Frozen):
    """A temporary multiplier on referral rates."""

    start_day: float = Field(ge=0, description="simulated day it starts")
    days: float = Field(gt=0, description="how long it lasts")
    multiplier: float = Field(ge=0, description="factor on the referral rate meanwhile")
    category: str | None = Field(None, description="one category, or all when omitted")


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
    first_intake_day: float = Field(0.0, ge=0, description="simulated day of the first intake")
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


class Supervision(Frozen):
    """Supervisors' reviews of open cases."""

    review_rate: float = Field(
        0.0, ge=0, le=1, description="share of cases a supervisor reviews before closure"
    )
    catch_rate: float = Field(
        0.5, ge=0, le=1, description="chance a review prevents a practice lapse"
    )


class Hazards(Frozen):
    """Hazards that grow with waiting, applied to exposure times (exact, no extra events)."""

    evidence_loss_per_day: float = Field(
        0.0,
        ge=0,
        description="hazard of losing evidence per day from referral until evidence is secured "
        "(warrant executed, or investigation started when no warrant is needed)",
    )
    harm_per_day: float = Field(
        0.0,
        ge=0,
        description="rate of further harm events per day while a suspect is at large "
        "(referral until the first safeguarding action)",
    )


class GradingRule(Frozen):
    grade: BadGrade = Field("requires_improvement", description="grade of a case breaking it")
    serious_concern: bool = Field(False, description="breaking it flags a serious concern")
    factor: float = Field(
        1.0, gt=0, description="for delay rules: breached when the delay exceeds factor × target"
    )


RULE_NAMES = (
    "late_triage",
    "late_allocation",
    "late_safeguarding",
    "late_warrant",
    "late_investigation",
    "untrained_complex",
    "evidence_lost",
    "under_graded",
    "practice_lapse",
)


def _default_rules() -> dict[str, GradingRule]:
    return {
        "late_triage": GradingRule(grade="requires_improvement"),
        "late_allocation": GradingRule(grade="requires_improvement", factor=1.0),
        "late_safeguarding": GradingRule(grade="inadequate", serious_concern=True, factor=2.0),
        "late_warrant": GradingRule(grade="requires_improvement"),
        "late_investigation": GradingRule(grade="requires_improvement"),
        "untrained_complex": GradingRule(grade="inadequate"),
        "evidence_lost": GradingRule(grade="inadequate"),
        "under_graded": GradingRule(grade="requires_improvement"),
        "practice_lapse": GradingRule(grade="requires_improvement"),
    }


class Grading(Frozen):
    """Inspectors' grading rules. A case takes the worst grade among the rules it breaks."""

    rules: dict[str, GradingRule] = Field(default_factory=_default_rules)

    @model_validator(mode="after")
    def _known_rules(self) -> Grading:
        unknown = sorted(set(self.rules) - set(RULE_NAMES))
        if unknown:
            raise ValueError(
                f"unknown rule {unknown[0]!r}; expected one of {', '.join(RULE_NAMES)}"
            )
        return self


class SelfAssessment(Frozen):
    """The force's own audit: the grade it gives, given the inspectors' grade (rows sum to 1)."""

    confusion: dict[Grade, dict[Grade, float]] = Field(
        default_factory=lambda: {g: {h: float(g == h) for h in GRADES} for g in GRADES},
        description="P(force grade | inspector grade)",
    )


class Inspection(Frozen):
    """An inspection draws a sample of cases at a day and grades them."""

    name: str = Field(
        pattern=r"^[a-z][a-z0-9_]*$", description="prefix of its KPIs (<name>_substandard_rate)"
    )
    day: float = Field(ge=0, description="simulated day of the inspection")
    sample_size: int = Field(374, ge=1, description="cases sampled")
    lookback_days: float = Field(
        180.0, gt=0, description="cases referred in this many days before the inspection"
    )
    dual_graded_size: int = Field(0, ge=0, description="cases also graded by the force's audit")
    category_mix: dict[str, float] | None = Field(
        None,
        description="share of the sample from each category (sums to 1); "
        "default: in proportion to the cases in the look-back window",
    )
    open_rate: float | None = Field(
        None,
        ge=0,
        le=1,
        description="share of the sample drawn from cases still open; default: in proportion",
    )


class Measure(Frozen):
    """A lever switched on at ``day`` and ramped linearly over ``ramp_days``.

    ``set`` gives new values for any numeric scenario parameter by key path; ``add`` adds to
    them. ``action`` runs a one-off action at ``day``.
    """

    name: str = Field(description="a label for reports")
    day: float = Field(ge=0, description="simulated day it starts")
    ramp_days: float = Field(0.0, ge=0, description="days to reach full strength, linearly")
    set: dict[str, float | int | bool | None] = Field(
        default_factory=dict, description="key path → new value"
    )
    add: dict[str, float] = Field(default_factory=dict, description="key path → amount added")
    action: Literal["review_open_high_risk"] | None = Field(
        None, description="a one-off action on its day"
    )


class BacklogEntry(Frozen):
    """Open cases present at day 0."""

    category: str = Field(description="a category name")
    risk: str = Field(description="a risk level name")
    stage: Literal["allocation", "investigation"] = Field(
        description="waiting for an officer, or already with one"
    )
    count: int = Field(ge=0, description="open cases")
    age_days: float = Field(0.0, ge=0, description="days since referral at day 0")


class Scenario(Frozen):
    """A force and its package of measures."""

    name: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", description="names the results folder"
    )
    description: str = Field("", description="free text for reports")
    run: RunSettings = Field(default_factory=RunSettings)
    risk_levels: dict[str, RiskLevel]
    categories: dict[str, Category]
    surges: list[Surge] = Field(default_factory=list)
    triage: Triage
    officers: Officers
    allocation: Allocation = Field(default_factory=Allocation)
    warrants: Warrants = Field(default_factory=Warrants)
    hazards: Hazards = Field(default_factory=Hazards)
    workforce: Workforce = Field(default_factory=Workforce)
    supervision: Supervision = Field(default_factory=Supervision)
    grading: Grading = Field(default_factory=Grading)
    self_assessment: SelfAssessment = Field(default_factory=SelfAssessment)
    inspections: list[Inspection] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)
    initial_backlog: list[BacklogEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        risks = list(self.risk_levels)
        if not risks:
            raise ValueError("risk_levels: expected at least one risk level")
        if not self.categories:
            raise ValueError("categories: expected at least one category")
        for name, cat in self.categories.items():
            for field in ("risk_mix", "case_rate"):
                shares = getattr(cat, field)
                missing = [r for r in risks if r not in shares]
                extra = [r for r in shares if r not in risks]
                if extra:
                    raise ValueError(
                        f"categories.{name}.{field}.{extra[0]}: not a risk level "
                        f"(expected one of {', '.join(risks)})"
                    )
                if missing:
                    raise ValueError(
                        f"categories.{name}.{field}: missing risk level {missing[0]!r}"
                    )
                for r, v in shares.items():
                    if not 0 <= v <= 1:
                        raise ValueError(
                            f"categories.{name}.{field}.{r}: expected a share in [0, 1], got {v}"
                        )
            total = sum(cat.risk_mix.values())
            if abs(total - 1) > 1e-6:
                raise ValueError(
                    f"categories.{name}.risk_mix: expected shares summing to 1, got {total:g}"
                )
        for i, s in enumerate(self.surges):
            if s.category is not None and s.category not in self.categories:
                raise ValueError(f"surges.{i}.category: unknown category {s.category!r}")
        for i, b in enumerate(self.initial_backlog):
            if b.category not in self.categories:
                raise ValueError(f"initial_backlog.{i}.category: unknown category {b.category!r}")
            if b.risk not in self.risk_levels:
                raise ValueError(f"initial_backlog.{i}.risk: unknown risk level {b.risk!r}")
        for g, row in self.self_assessment.confusion.items():
            total = sum(row.values())
            if abs(total - 1) > 1e-6:
                raise ValueError(
                    f"self_assessment.confusion.{g}: expected shares summing to 1, got {total:g}"
                )
        for i, insp in enumerate(self.inspections):
            if insp.category_mix is not None:
                unknown = [c for c in insp.category_mix if c not in self.categories]
                if unknown:
                    raise ValueError(
                        f"inspections.{i}.category_mix.{unknown[0]}: not a category "
                        f"(expected one of {', '.join(self.categories)})"
                    )
                total = sum(insp.category_mix.values())
                if abs(total - 1) > 1e-6 or min(insp.category_mix.values()) < 0:
                    raise ValueError(
                        f"inspections.{i}.category_mix: expected shares summing to 1, got {total:g}"
                    )
        names = [i.name for i in self.inspections]
        if len(set(names)) != len(names):
            raise ValueError("inspections: inspection names must be unique")
        return self

    @property
    def end_day(self) -> float:
        """Last simulated day (warm-up plus measured horizon)."""
        return self.run.warmup_days + self.run.horizon_days
