"""The work-size estimate: close to what a run simulates, and refusing only absurd runs."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sim.errors import InputError
from sim.experiment.runner import run
from sim.experiment.work_size import (
    MAX_EVENTS,
    MAX_OBJECTS,
    check_work_size,
    combined,
    estimate,
)
from sim.scenario import load_scenario
from sim.scenario.changes import with_changes

DATA = Path(__file__).resolve().parents[1] / "data"
ROOT = DATA.parents[1]


def test_expected_referrals_match_a_run(small_path):
    sc = load_scenario(small_path)
    size = estimate(sc)
    result = run(sc, replications=2, workers=1)
    simulated = result.referrals_simulated / 2
    assert simulated == pytest.approx(size.referrals, rel=0.1)


def test_trend_and_surge_follow_their_formulas(small_path):
    sc = load_scenario(small_path)
    base = estimate(sc).referrals
    grown = estimate(with_changes(sc, {"categories.family.growth_rate_per_year": 1.0}))
    end = sc.end_day
    r = math.log(2) / 365
    family = 3000 / 365
    assert grown.referrals - base == pytest.approx(family * (math.expm1(r * end) / r - end))
    surged = _with_surge(small_path, {"surges": [{"start_day": 10, "days": 30, "multiplier": 3}]})
    total = (300 + 3000) / 365
    assert estimate(surged).referrals - base == pytest.approx(total * 2 * 30)


def _with_surge(small_path: Path, data: dict):
    from sim.scenario.changes import scenario_to_dict
    from sim.scenario.validation import validate

    doc = scenario_to_dict(load_scenario(small_path))
    doc.update(data)
    return validate(doc, source="test")


def test_shipped_scenarios_are_well_under_the_limits():
    for path in [DATA / "small.yaml", ROOT / "scenarios" / "baseline.yaml"]:
        size = check_work_size(load_scenario(path))
        assert size.total_events < MAX_EVENTS / 5 and size.objects < MAX_OBJECTS / 100


def test_absurd_runs_are_refused_unless_allowed(small_path):
    sc = load_scenario(small_path)
    many = with_changes(
        sc, {"officers.trained.count": 10**7, "officers.trained.establishment": 10**7}
    )
    with pytest.raises(InputError, match="--allow-large"):
        check_work_size(many, source="x.yaml")
    assert check_work_size(many, allow_large=True).objects > MAX_OBJECTS
    endless = with_changes(sc, {"run.horizon_days": 1e308})
    with pytest.raises(InputError, match="not finite"):
        check_work_size(endless, allow_large=True)  # never allowed


def test_a_measure_is_counted_at_full_strength(small_path):
    sc = load_scenario(small_path)
    flood = _with_surge(
        small_path,
        {
            "measures": [
                {"name": "f", "day": 10, "add": {"categories.online.referrals_per_year": 1e9}}
            ]
        },
    )
    assert estimate(flood).referrals > 1e8 * sc.end_day / 365
    with pytest.raises(InputError, match="work size"):
        run(flood, replications=1, workers=1)


def test_combined_adds_events_and_keeps_the_largest_replication(small_path):
    a = estimate(load_scenario(small_path))
    both = combined([a, a])
    assert both.total_events == pytest.approx(2 * a.total_events)
    assert both.replications == 2 * a.replications and both.objects == a.objects
