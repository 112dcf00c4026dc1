"""The shipped baseline reproduces the 2016 inspection figures (scenarios/baseline_targets.yaml).

Runs the baseline with its calibration seed up to shortly after the inspection and checks
every target's mean against its tolerance (about two binomial standard errors of the
inspectors' sample), using the same settings the calibration used.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import sim

ROOT = Path(__file__).parents[2]


def _targets():
    data = yaml.safe_load((ROOT / "scenarios" / "baseline_targets.yaml").read_text())
    return data["targets"], data.get("settings", {})


TARGETS, SETTINGS = _targets()


@pytest.fixture(scope="module")
def baseline_result():
    scenario = sim.load_scenario(ROOT / "scenarios" / "baseline.yaml")
    return sim.run(
        scenario,
        replications=SETTINGS.get("replications", 3),
        seed=SETTINGS.get("seed", scenario.run.seed),
        horizon_days=SETTINGS.get("days"),
        workers=2,
    )


@pytest.mark.parametrize("target", TARGETS, ids=[t["kpi"] for t in TARGETS])
def test_baseline_meets_calibration_target(baseline_result, target):
    mean = baseline_result.summary[target["kpi"]]["mean"]
    assert mean is not None
    assert abs(mean - target["value"]) <= target["tolerance"], (
        f"{target['kpi']}: {mean:.4g} vs target {target['value']} ± {target['tolerance']}"
    )
