"""scenarios/national.yaml: the baseline at 10× its referrals and staff, valid and runnable."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.scenario.keypaths import get_path

ROOT = Path(__file__).resolve().parents[2]
SCALED = (
    "triage.staff",
    "officers.trained.count",
    "officers.trained.establishment",
    "officers.untrained.count",
    "warrants.supervisors",
    "warrants.execution_teams",
    "warrants.forensics_examiners",
    "workforce.training.course_places",
)
UNSCALED = (
    "officers.trained.caseload_cap",
    "triage.under_grade_load_rate",
    "workforce.attrition_per_year",
    "run.warmup_days",
    "run.horizon_days",
)


@pytest.fixture(scope="module")
def pair():
    return (
        sim.load_scenario(ROOT / "scenarios" / "baseline.yaml"),
        sim.load_scenario(ROOT / "scenarios" / "national.yaml"),
    )


def test_national_is_the_baseline_with_ten_times_referrals_and_staff(pair):
    baseline, national = pair
    assert national.name == "national"
    assert national.categories.keys() == baseline.categories.keys()
    for name, category in baseline.categories.items():
        assert national.categories[name].referrals_per_year == 10 * category.referrals_per_year
        assert national.categories[name].growth_rate_per_year == category.growth_rate_per_year
    base, nat = baseline.model_dump(), national.model_dump()
    for key in SCALED:
        assert get_path(nat, key) == 10 * get_path(base, key), key
    for key in UNSCALED:
        assert get_path(nat, key) == get_path(base, key), key
    assert national.inspections == baseline.inspections


def test_national_runs_a_few_days_with_about_ten_times_the_referrals(pair):
    days = {"replications": 1, "seed": 7, "workers": 1, "warmup_days": 2, "horizon_days": 3}
    baseline, national = (sim.run(s, **days) for s in pair)
    small, large = (r.replications[0].referrals_simulated for r in (baseline, national))
    # Poisson counts: about 1,100 against 11,000 in 5 days; the ratio is 10 within ±10%
    assert 9 < large / small < 11
    assert (
        national.summary["referrals_per_year"]["mean"]
        > 8 * baseline.summary["referrals_per_year"]["mean"]
    )
