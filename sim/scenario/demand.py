"""Demand: risk levels and their time targets, referral streams and surges."""

from __future__ import annotations

from pydantic import Field

from sim.scenario.calendar import Day
from sim.scenario.distributions import Distribution, Exponential, Fixed
from sim.scenario.frozen import Frozen


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

    start_day: Day = Field(ge=0, description="simulated day it starts, or its date (YYYY-MM-DD)")
    days: float = Field(gt=0, description="how long it lasts")
    multiplier: float = Field(ge=0, description="factor on the referral rate meanwhile")
    category: str | None = Field(None, description="one category, or all when omitted")
