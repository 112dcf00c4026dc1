"""Quick and full run settings, the default target, and the run-time estimate."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.app.modes import (
    DEFAULT_TARGET,
    FULL,
    MAX_REPLICATIONS,
    QUICK,
    default_target,
    mode_settings,
    target_inspection,
)
from sim.app.timing import DRAWING_SECONDS, estimate_seconds, rate_for, read_rates, record_rate
from sim.errors import InputError
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(ROOT / "scenarios" / "baseline.yaml")


@pytest.fixture(scope="module")
def small():
    return load_scenario(ROOT / "tests" / "data" / "small.yaml")


def test_default_target_is_the_12_month_followup_when_there_is_one(baseline, small):
    assert default_target(baseline) == DEFAULT_TARGET == "followup_12m_substandard_rate<0.5"
    assert default_target(small) == "inspection_substandard_rate<0.5"


def test_the_target_names_its_inspection(baseline):
    assert target_inspection(baseline, "followup_12m_substandard_rate") == "followup_12m"
    assert target_inspection(baseline, "inspection_substandard_rate") == "inspection"
    assert target_inspection(baseline, "substandard_rate") is None


def test_quick_mode_stops_at_the_targets_inspection_full_mode_does_not(baseline):
    quick = mode_settings(QUICK, baseline, DEFAULT_TARGET)
    assert (quick.replications, quick.until) == (2, "followup_12m")
    applied = quick.apply(baseline)
    day = next(i.day for i in baseline.inspections if i.name == "followup_12m")
    assert day < applied.end_day < baseline.end_day
    full = mode_settings(FULL, baseline, DEFAULT_TARGET)
    assert (full.replications, full.until) == (10, None)
    assert full.apply(baseline).end_day == baseline.end_day


def test_replications_are_capped(baseline):
    assert mode_settings(QUICK, baseline, DEFAULT_TARGET, replications=5).replications == 5
    with pytest.raises(InputError, match="replications"):
        mode_settings(FULL, baseline, DEFAULT_TARGET, replications=MAX_REPLICATIONS + 1)


def test_estimate_counts_replication_days_and_rounds_of_workers(small):
    applied = mode_settings(QUICK, small, "inspection_substandard_rate<0.5").apply(small)
    days, draw = applied.end_day, DRAWING_SECONDS
    assert estimate_seconds([applied], 0.01, workers=1) == pytest.approx(2 * days * 0.01 + draw)
    assert estimate_seconds([applied], 0.01, workers=4) == pytest.approx(days * 0.01 + draw)
    both = estimate_seconds([applied, applied], 0.01, workers=2)
    assert both == pytest.approx(2 * days * 0.01 + draw)
    assert estimate_seconds([], 0.01, workers=2) == draw


def test_measured_rate_replaces_the_first_guess(tmp_path, small):
    guess, measured = rate_for(tmp_path, "small", small)
    assert guess > 0 and not measured
    record_rate(tmp_path, "small", 0.004)
    record_rate(tmp_path, "small", 0.002)
    record_rate(tmp_path, "other", float("nan"))
    assert read_rates(tmp_path) == {"small": pytest.approx(0.003)}
    assert rate_for(tmp_path, "small", small) == (pytest.approx(0.003), True)
