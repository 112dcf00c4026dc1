"""Sequential replications: stop when precise enough, equal a fixed run, respect the cap."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.errors import InputError
from sim.experiment.precision import describe, run_to_precision
from sim.verify import exponential_hours, textbook_scenario


@pytest.fixture(scope="module")
def mm1() -> sim.Scenario:
    return textbook_scenario(
        "mm1", [0.5], exponential_hours(1.0), 1, warmup_days=50, horizon_days=400
    )


def test_reaches_the_precision_and_equals_a_fixed_run(mm1):
    result = run_to_precision(mm1, precision=0.05, kpis=["end_to_end_days_mean"], workers=2)
    info = result.extra["sequential"]
    n = len(result.replications)
    assert info["reached"] and not info["hit_cap"] and info["stopped"] == "precision"
    assert info["replications"] == n and n > 5  # needs more than the first batch
    s = result.summary["end_to_end_days_mean"]
    assert (s["ci_high"] - s["ci_low"]) / 2 <= 0.05 * s["mean"]
    assert [r.index for r in result.replications] == list(range(n))
    assert result.scenario.run.replications == n
    fixed = sim.run(mm1, replications=n, workers=2)
    for name in result.kpi_names:
        np.testing.assert_array_equal(result.kpi_values(name), fixed.kpi_values(name))
    assert result.extra["warmup"] == fixed.extra["warmup"]
    assert "reached ±5%" in describe(info)


def test_stops_at_the_cap(mm1):
    result = run_to_precision(mm1, precision=0.001, max_replications=4, workers=2)
    info = result.extra["sequential"]
    assert len(result.replications) == 4
    assert info["hit_cap"] and not info["reached"]
    assert "cap of 4" in describe(info)


def test_stops_early_when_unstable():
    overloaded = textbook_scenario(
        "over", [1.5], exponential_hours(1.0), 1, warmup_days=20, horizon_days=300
    )
    result = run_to_precision(overloaded, precision=0.01, max_replications=50, workers=2)
    assert result.extra["sequential"]["stopped"] == "unstable"
    assert len(result.replications) == 5


def test_bad_arguments(mm1):
    with pytest.raises(InputError, match="unknown KPI"):
        run_to_precision(mm1, kpis=["no_such_kpi"])
    with pytest.raises(InputError):
        run_to_precision(mm1, precision=0.0)
    with pytest.raises(InputError):
        run_to_precision(mm1, max_replications=1)
