"""The scenario's settings that the model reads for every referral or case, as plain values.

Reading a setting of the scenario (a pydantic model) goes through Python's attribute hooks
of each object on the way (``scenario.officers.trained.caseload_cap``: three); a
:class:`Settings` holds the values themselves, read once from the scenario in force. The
model makes a new one whenever that scenario changes (:attr:`Model.scenario
<sim.model.engine.Model.scenario>`: a measure), so a read gives what the scenario says at
that moment, as before. Counted in the tandem benchmark from source (model code only), the
model read the scenario 56 times a referral before, and 8 with these (counted before the
triage hours' distribution moved here too).
"""

from __future__ import annotations

from typing import Any

from sim.model.blocks import Variate
from sim.scenario.schema import Scenario


class CategorySettings:
    """What opening a case of one category reads (rates are chances; the distributions are
    the scenario's, in hours or days)."""

    def __init__(self, category: Any) -> None:
        self.complex_rate: float = category.complex_rate
        self.warrant_rate: float = category.warrant_rate
        self.offender_at_large_rate: float = category.offender_at_large_rate
        self.safeguarding_hours = Variate(category.safeguarding_hours)
        self.investigation_hours = Variate(category.investigation_hours)
        self.external_wait_days = Variate(category.external_wait_days)
        self.custody: Any = category.custody


class GroupSettings:
    """What an officer of one group (trained or untrained) reads as they work."""

    def __init__(self, group: Any) -> None:
        self.caseload_cap: int = group.caseload_cap
        # productive casework hours a day after abstraction, as Officer.hours_per_day
        # computed them from the scenario (the same operations, so the same bits)
        self.pace: float = group.productive_hours_per_day * (1.0 - group.abstraction_rate)
        self.practice_lapse_rate: float = group.practice_lapse_rate
        self.practice_lapse_load_rate: float = group.practice_lapse_load_rate
        self.new_officer_lapse_rate: float | None = group.new_officer_lapse_rate
        self.learning_days: float = group.learning_days


class Settings:
    """The hot settings of one scenario (see the module's docstring)."""

    def __init__(
        self, scenario: Scenario, category_names: list[str], risk_names: list[str]
    ) -> None:
        officers = scenario.officers
        self.trained = GroupSettings(officers.trained)
        self.untrained = GroupSettings(officers.untrained)
        self.course_time_away_rate: float = scenario.workforce.training.time_away_rate
        self.work_session_hours: float | None = officers.work_session_hours
        self.untrained_after_days: float | None = scenario.allocation.untrained_after_days
        self.evidence_loss_per_day: float = scenario.hazards.evidence_loss_per_day
        self.forensics_rate: float = scenario.warrants.forensics_rate
        self.application_hours = Variate(scenario.warrants.application_hours)
        self.triage_hours = Variate(scenario.triage.hours)
        categories = [scenario.categories[name] for name in category_names]
        self.categories = [CategorySettings(c) for c in categories]
        # triage's case rate by category index and triaged risk index
        self.case_rates = [[c.case_rate[risk] for risk in risk_names] for c in categories]
