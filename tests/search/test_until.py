"""A search whose targets are all inspection KPIs runs only until the latest of those
inspections (unless told otherwise): later events cannot change them."""

from __future__ import annotations

import sim
from sim.compare.conditions import parse_condition
from sim.experiment.settings import RunSettings
from sim.search.searcher import until_targets


def _until(scenario, *targets, **settings):
    conditions = [parse_condition(t) for t in targets]
    return until_targets(RunSettings(**settings), scenario, conditions).until


def test_until_is_the_latest_inspection_the_targets_name(small):
    two = sim.with_changes(
        small,
        {"inspections": [
            {"name": "inspection", "day": 200, "sample_size": 60, "lookback_days": 150},
            {"name": "inspection_2", "day": 250, "sample_size": 60, "lookback_days": 150},
        ]},
    )  # fmt: skip
    assert _until(two, "inspection_substandard_rate<0.5") == "inspection"
    # the longest inspection name that fits wins: inspection_2_..., not inspection_...
    assert _until(two, "inspection_2_substandard_rate<0.5") == "inspection_2"
    assert _until(two, "inspection_open_rate<1", "inspection_2_inadequate_rate<1") == (
        "inspection_2"
    )
    # a whole-window KPI, a period's KPI, or a horizon given: no change
    assert _until(two, "inspection_substandard_rate<0.5", "substandard_rate<0.5") is None
    assert _until(two, "substandard_rate@2014<0.5") is None
    assert _until(two, "inspection_substandard_rate<0.5", horizon_days=300) is None
    assert _until(two, "inspection_substandard_rate<0.5", until="inspection_2") == "inspection_2"


def test_stopping_at_the_inspection_leaves_its_kpis_unchanged(small):
    whole = sim.run(small, replications=2, workers=1)
    short = sim.run(small, replications=2, workers=1, until="inspection")
    assert short.scenario.run.horizon_days < whole.scenario.run.horizon_days
    for name in ("inspection_substandard_rate", "inspection_inadequate_rate"):
        assert [r.kpis[name] for r in whole.replications] == [
            r.kpis[name] for r in short.replications
        ]
