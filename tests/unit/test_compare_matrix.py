"""The overview matrix of a comparison: ordering, cells, replications needed to detect a
difference (power of the t-test), Wilson bounds without float noise, measures that never
started, and the matrix in the comparison files."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.compare.comparison import BETTER, NO_DIFFERENCE
from sim.compare.files import CSV_FIELDS, write_comparison
from sim.compare.matrix import cell_text, default_kpis, signed
from sim.scenario.schema import Measure
from sim.stats.paired import wilson_interval
from sim.stats.power import replications_needed, t_test_power
from tests.unit.test_compare import BASE, make_folder

# ---------------------------------------------------------------- power of the t-test


@pytest.mark.parametrize(
    ("effect", "welch", "expected"),
    [
        # Cohen (1988) / G*Power: two-sided, alpha 0.05, power 0.8
        (0.5, False, 34),  # one-sample or paired t, d = 0.5: n = 34 (power 0.808)
        (0.8, False, 15),  # paired, d = 0.8: n = 15
        (0.5, True, 64),  # two independent samples, d = 0.5: 64 per group
        (0.2, True, 394),  # two independent samples, d = 0.2: 394 per group
    ],
)
def test_replications_needed_textbook_values(effect, welch, expected):
    needed = replications_needed(effect, 1.0, 0.05, sd_other=1.0 if welch else None)
    assert needed == expected
    # The smallest such n: one fewer has power below 0.8.
    other = 1.0 if welch else None
    assert t_test_power(effect, 1.0, expected, 0.05, other) >= 0.8
    assert t_test_power(effect, 1.0, expected - 1, 0.05, other) < 0.8


def test_paired_power_at_34_matches_g_power():
    assert t_test_power(0.5, 1.0, 34, 0.05) == pytest.approx(0.8078, abs=5e-4)


def test_replications_needed_beyond_the_exact_search():
    # d = 0.02 needs about 19,600 pairs: the normal approximation plus z²/2 is then exact.
    needed = replications_needed(0.02, 1.0, 0.05)
    assert needed == 19625
    assert t_test_power(0.02, 1.0, needed, 0.05) >= 0.8 > t_test_power(0.02, 1.0, needed - 1, 0.05)


@pytest.mark.parametrize(
    ("difference", "sd", "alpha"),
    [
        # Few replications, a large shift and a strict level: scipy's far tail is nan here.
        (0.5778, 0.0631, 0.05 / 180),
        (12.3, 0.35, 0.05 / 180),
        (1.0, 0.2, 0.001),
        (0.3, 1.0, 0.05 / 27),
    ],
)
def test_replications_needed_is_the_smallest_with_power(difference, sd, alpha):
    needed = replications_needed(difference, sd, alpha)
    assert needed is not None and needed >= 2
    assert t_test_power(difference, sd, needed, alpha) >= 0.8
    if needed > 2:
        assert t_test_power(difference, sd, needed - 1, alpha) < 0.8
    for n in range(2, 12):  # a probability, never nan
        assert 0.0 <= t_test_power(difference, sd, n, alpha) <= 1.0


def test_replications_needed_scales_and_corrects():
    # Only the ratio of difference to standard deviation matters, not its sign or unit.
    assert replications_needed(-5.0, 10.0, 0.05) == replications_needed(0.5, 1.0, 0.05) == 34
    # A stricter level (Holm over 27 tests) needs more replications.
    assert replications_needed(0.5, 1.0, 0.05 / 27) > 34
    # No difference: never detectable; no spread: the smallest test detects it.
    assert replications_needed(0.0, 1.0, 0.05) is None
    assert replications_needed(0.1, 0.0, 0.05) == 2
    assert replications_needed(1e-9, 1.0, 0.05) is None  # beyond ten million
    with pytest.raises(ValueError):
        replications_needed(0.5, 1.0, 0.0)


# ---------------------------------------------------------------- Wilson bounds


@pytest.mark.parametrize("n", [3, 6, 7, 12, 14])
def test_wilson_lower_bound_is_exactly_zero_when_none_meet(n):
    # Without clipping these give 5.55e-17, 2.78e-17, ...
    w = wilson_interval(0, n)
    assert w["ci_low"] == 0.0 and 0 < w["ci_high"] < 1


@pytest.mark.parametrize("n", [10, 13, 25])
def test_wilson_upper_bound_is_exactly_one_when_all_meet(n):
    # Without clipping these give 0.9999999999999999.
    w = wilson_interval(n, n)
    assert w["ci_high"] == 1.0 and 0 < w["ci_low"] < 1


# ---------------------------------------------------------------- the matrix


QUIET = (0.0, 0.3, -0.2, 0.1, -0.2)  # relative noise of the shift, mean 0
NOISY = (0.0, 1.5, -1.0, 0.5, -1.0)


def shifted(shift: dict[str, float], noise: tuple[float, ...] = QUIET) -> dict[str, list[float]]:
    """BASE with each KPI moved by ``shift[kpi]`` (on average) with replication noise."""
    return {
        k: [v + shift.get(k, 0.0) * (1 + e) for v, e in zip(values, noise, strict=True)]
        for k, values in BASE.items()
    }


@pytest.fixture
def three(tmp_path) -> list[Path]:
    """A baseline and three scenarios: waits −3 days, −1 day (noisy), +2 days."""
    base = make_folder(tmp_path / "base", BASE)
    slower = make_folder(tmp_path / "slower", shifted({"wait_days": 2.0}), name="slower")
    best = make_folder(
        tmp_path / "best", shifted({"wait_days": -3.0, "good_rate": 0.05}), name="best"
    )
    some = make_folder(
        tmp_path / "some", shifted({"wait_days": -1.0, "good_rate": 0.02}, NOISY), name="some"
    )
    return [base, slower, best, some]


def test_rows_ordered_by_effect_on_first_kpi(three):
    result = sim.compare(three, kpis=["wait_days", "good_rate"])
    matrix = result["matrix"]
    assert matrix["kpis"] == ["wait_days", "good_rate"] and matrix["order_by"] == "wait_days"
    assert [r["scenario"] for r in matrix["rows"]] == ["best", "some", "slower"]
    # good_rate first: higher is better, so the largest increase leads.
    by_good = sim.compare(three, kpis=["good_rate", "wait_days"])["matrix"]
    assert by_good["rows"][0]["scenario"] == "best"
    best = matrix["rows"][0]["cells"][0]
    assert best["difference"] == pytest.approx(-3.0)
    assert best["verdict"] == BETTER and best["mark"] == "▲"


def test_cells_carry_the_comparison_rows(three):
    result = sim.compare(three)
    for row in result["matrix"]["rows"]:
        for cell in row["cells"]:
            (source,) = [
                r
                for r in result["comparisons"]
                if r["scenario"] == row["scenario"] and r["kpi"] == cell["kpi"]
            ]
            assert cell["difference"] == source["difference"]
            assert cell["verdict"] == source["verdict"]
            assert cell["replications_needed"] == source["replications_needed"]
    # Without --kpi the matrix shows KPIs with a better direction only.
    assert result["matrix"]["kpis"] == ["wait_days", "good_rate"]


def test_default_kpis_put_targets_and_inspections_first():
    kpis = [
        {"kpi": "referrals", "better": "none"},
        {"kpi": "allocation_days_mean", "better": "lower"},
        {"kpi": "substandard_rate", "better": "lower"},
        {"kpi": "inspection_substandard_rate", "better": "lower"},
        {"kpi": "rule_substandard_rate", "better": "lower"},
        {"kpi": "harm_events", "better": "lower"},
    ]
    assert default_kpis(kpis, ["harm_events"]) == [
        "harm_events",
        "inspection_substandard_rate",
        "substandard_rate",
        "allocation_days_mean",
    ]


def test_differences_keep_their_units():
    assert signed(-0.1234, "share") == "−12.3pp"
    assert signed(2.5, "days") == "+2.50d"
    assert signed(-17.0, "count") == "−17"
    assert signed(1234.0, "count") == "+1,234"
    assert signed(None, "days") == "–"
    cell = {"kpi": "wait_days", "difference": -0.5, "verdict": NO_DIFFERENCE}
    assert cell_text(cell | {"replications_needed": 12}) == "−0.50d · (12)"
    assert cell_text(cell | {"replications_needed": 123456}) == "−0.50d · (10k+)"


def test_replications_needed_for_undetected_differences(three):
    result = sim.compare(three)
    tests = result["multiple_testing"]["tests"]
    base = np.array(BASE["good_rate"])
    undetected = [r for r in result["comparisons"] if r["verdict"] == NO_DIFFERENCE]
    assert undetected
    for r in result["comparisons"]:
        if r["verdict"] != NO_DIFFERENCE or r["difference"] == 0:
            assert r["replications_needed"] is None
    # Hand check for one paired row: the standard deviation of the differences and Holm's
    # strictest level alpha / tests.
    r = next(r for r in undetected if r["kpi"] == "good_rate" and r["scenario"] == "some")
    other = np.array(shifted({"good_rate": 0.02}, NOISY)["good_rate"])
    sd = float(np.std(other - base, ddof=1))
    assert r["replications_needed"] == replications_needed(r["difference"], sd, 0.05 / tests)
    assert r["replications_needed"] > r["n"]


def with_measures(folder: Path, days: list[float]) -> Path:
    """Record measures starting on ``days`` in a results folder's manifest."""
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["resolved_scenario"] = {
        "measures": [{"name": f"m{i}", "day": d} for i, d in enumerate(days)]
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_measures_that_never_started_are_noted_and_marked(three):
    base, slower, best, some = three
    with_measures(best, [500.0, 120.0])  # run ends at day 110 (warm-up 10 + horizon 100)
    with_measures(some, [50.0, 900.0])  # one starts in the run
    with_measures(slower, [110.0])  # starts on the last day: never in effect
    result = sim.compare(three)
    assert (
        "measures in best never started: run ends day 110, first measure day 120"
        in (result["notes"])
    )
    assert (
        "measures in slower never started: run ends day 110, first measure day 110"
        in (result["notes"])
    )
    assert not any("some" in note for note in result["notes"])
    flags = {r["scenario"]: r["measures_never_started"] for r in result["matrix"]["rows"]}
    assert flags == {"best": True, "some": False, "slower": True}
    by_label = {s["label"]: s for s in result["scenarios"]}
    assert by_label["best"]["first_measure_day"] == 120 and by_label["best"]["end_day"] == 110
    assert by_label["small" if "small" in by_label else "tiny"]["measures_never_started"] is False


def test_scenario_objects_with_late_measures_are_flagged(small):
    late = sim.with_changes(small, {"name": "late"})
    late = late.model_copy(update={"measures": [Measure(name="x", day=1000, add={})]})
    result = sim.compare(small, late, replications=2, horizon_days=30, warmup_days=10)
    assert result["notes"] == [
        "measures in late never started: run ends day 40, first measure day 1000"
    ]
    assert result["matrix"]["rows"][0]["measures_never_started"] is True


def test_files_hold_the_matrix(three, tmp_path):
    with_measures(three[2], [500.0])
    result = sim.compare(three)
    out = write_comparison(result, tmp_path / "cmp")
    text = (out / "comparison.md").read_text()
    assert "## Overview: difference from tiny" in text
    assert "| best † |" in text and "Holm's correction over" in text
    assert text.index("## Overview") < text.index("## slower vs tiny")
    assert "measures in best never started" in text
    with (out / "comparison.csv").open() as f:
        reader = csv.DictReader(f)
        rows = list(reader)
    assert tuple(reader.fieldnames) == CSV_FIELDS
    # Earlier columns keep their place; the new ones come last.
    assert CSV_FIELDS[:21][-1] == "narrower_factor" and CSV_FIELDS[-1] == "matrix_cell"
    best = [r for r in rows if r["scenario"] == "best" and r["kpi"] == "wait_days"][0]
    assert best["matrix_rank"] == "1" and best["matrix_cell"].endswith("▲")
    assert best["measures_never_started"] == "True" or best["measures_never_started"] == "true"
    cases = [r for r in rows if r["kpi"] == "cases"]
    assert all(r["matrix_cell"] == "" for r in cases)
    data = json.loads((out / "comparison.json").read_text())
    assert data["matrix"] == result["matrix"]
    assert not math.isnan(float(best["difference"]))
