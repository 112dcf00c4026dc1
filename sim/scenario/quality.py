"""Quality: hazards of waiting, supervision, inspectors' grading rules, the force's
own audit and inspections."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sim.scenario.calendar import Day
from sim.scenario.frozen import Frozen

GRADES = ("good", "requires_improvement", "inadequate")  # best first
Grade = Literal["good", "requires_improvement", "inadequate"]
BadGrade = Literal["requires_improvement", "inadequate"]


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
    day: Day = Field(ge=0, description="simulated day of the inspection, or its date (YYYY-MM-DD)")
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
