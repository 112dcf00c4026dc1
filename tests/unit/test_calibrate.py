"""`sim.calibrate` and its targets: parsing, checking, recovering a known parameter."""

from __future__ import annotations

import math

import pytest

import sim
from sim.calibrate.fitting import objective_value
from sim.calibrate.targets import (
    CalibrationTarget,
    FreeParameter,
    FreeRange,
    check_targets,
    parse_bounds,
    parse_free_option,
    parse_targets,
    read_targets,
    resolve_free,
)
from sim.errors import InputError

REPS, SEED, DAYS = 2, 3, 200  # short runs: an evaluation takes well under a second


@pytest.fixture(scope="module")
def start(small: sim.Scenario) -> sim.Scenario:
    """small.yaml with 5 trained detectives of an establishment of 12."""
    return sim.with_changes(
        small, {"officers.trained.count": 5, "officers.trained.establishment": 12}
    )


def kpi_mean(scenario: sim.Scenario, changes: dict, kpi: str) -> float:
    result = sim.run(
        sim.with_changes(scenario, changes), replications=REPS, seed=SEED, horizon_days=DAYS
    )
    return result.summary[kpi]["mean"]


# --- targets files -----------------------------------------------------------------------


def test_targets_list_and_mapping_forms_agree():
    as_list = parse_targets(
        [{"kpi": "referrals", "value": 100, "tolerance": 5, "source": "demand  table\n row 2"}]
    )
    as_map = parse_targets({"referrals": {"value": 100, "tolerance": 5}})
    assert as_list == [CalibrationTarget("referrals", 100.0, 5.0, 1.0, "demand table row 2")]
    assert [(t.kpi, t.value, t.tolerance, t.weight) for t in as_map] == [
        ("referrals", 100.0, 5.0, 1.0)
    ]


@pytest.mark.parametrize(
    ("entry", "key", "words"),
    [
        ({"kpi": "referrals", "value": 1}, "targets.0", "missing 'tolerance'"),
        ({"kpi": "referrals", "value": 1, "tolerance": 0}, "targets.0.tolerance", "> 0"),
        ({"kpi": "referrals", "value": "x", "tolerance": 1}, "targets.0.value", "a number"),
        ({"kpi": "referrals", "value": 1, "tolerance": 1, "weight": -1}, "targets.0.weight", ">="),
        ({"kpi": "referrals", "value": 1, "tolerance": 1, "tol": 2}, "targets.0", "'tol'"),
    ],
)
def test_bad_target_entries_name_the_key(entry, key, words):
    with pytest.raises(InputError) as err:
        parse_targets([entry], file="t.yaml")
    assert str(err.value).startswith(f"t.yaml: {key}: ") and words in str(err.value)


def test_duplicate_and_weightless_targets_are_errors():
    twice = [{"kpi": "referrals", "value": v, "tolerance": 1} for v in (1, 2)]
    with pytest.raises(InputError, match="second target for KPI 'referrals'"):
        parse_targets(twice)
    with pytest.raises(InputError, match="weight > 0"):
        parse_targets([{"kpi": "referrals", "value": 1, "tolerance": 1, "weight": 0}])


def test_targets_file_with_free_and_settings(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(
        "targets:\n"
        "  allocation_days_mean: {value: 5, tolerance: 1e-1, source: assumed}\n"
        "free:\n"
        "  officers.trained.count: 4:12       # base-60 in YAML 1.1; must stay 4..12\n"
        "  triage.under_grade_rate: [0, 0.2]\n"
        "settings: {replications: 4, seed: 0, method: powell}\n"
    )
    spec = read_targets(path)
    assert spec.targets[0].tolerance == pytest.approx(0.1)
    assert {p: (r.low, r.high) for p, r in spec.free.items()} == {
        "officers.trained.count": (4, 12),
        "triage.under_grade_rate": (0, 0.2),
    }
    assert spec.settings == {"replications": 4, "seed": 0, "method": "powell"}
    path.write_text("targets: {referrals: {value: 1, tolerance: 1}}\nsettings: {seeds: 2}\n")
    with pytest.raises(InputError, match="settings.seeds: unknown setting"):
        read_targets(path)


def test_unknown_kpi_gets_a_hint_and_a_late_inspection_is_explained(small):
    targets = parse_targets([{"kpi": "allocaton_days_mean", "value": 1, "tolerance": 1}])
    with pytest.raises(InputError) as err:
        check_targets(targets, small, file="t.yaml")
    assert str(err.value).startswith("t.yaml: targets.0.kpi: unknown KPI 'allocaton_days_mean'")
    assert "allocation_days_mean" in str(err.value)
    late = parse_targets([{"kpi": "inspection_substandard_rate", "value": 1, "tolerance": 1}])
    short = sim.with_changes(small, {"run.horizon_days": 50})
    with pytest.raises(InputError, match="lengthen --days"):
        check_targets(late, short, file="t.yaml", full=small)


# --- free parameters ------------------------------------------------------------------------


def test_free_bounds_parsing():
    assert parse_bounds("0:0.5", file="f", key="k") == (0, 0.5)
    assert parse_free_option("a.b=1:3") == FreeRange("a.b", 1, 3, "--free", "a.b")
    for bad in ("3:1", "1:1", "1", "a:b", [1, 2, 3]):
        with pytest.raises(InputError):
            parse_bounds(bad, file="f", key="k")


def test_free_parameters_checked_against_scenario(small):
    (count, rate) = resolve_free(
        small,
        [FreeRange("officers.trained.count", 3.6, 9.2), FreeRange("triage.under_grade_rate", 0, 1)],
    )
    assert (count.low, count.high, count.integer) == (4, 9, True)
    assert rate.integer is False
    with pytest.raises(InputError, match="--free: officers.trained.cnt: not a parameter"):
        resolve_free(
            small, [FreeRange("officers.trained.cnt", 1, 2, "--free", "officers.trained.cnt")]
        )
    with pytest.raises(InputError, match="expected a numeric parameter"):
        resolve_free(small, [FreeRange("officers.trained", 1, 2)])
    with pytest.raises(InputError, match="the scenario rejects 2"):
        resolve_free(small, [FreeRange("triage.under_grade_rate", 0, 2)])
    with pytest.raises(InputError, match="whole bounds"):
        resolve_free(small, [FreeRange("officers.trained.count", 4.2, 4.4)])


def test_unit_box_maps_to_rounded_values():
    count = FreeParameter("x", 4, 12, integer=True)
    assert [count.value_at(u) for u in (0, 0.5, 1)] == [4, 8, 12]
    assert all(count.value_at(count.position(v)) == v for v in range(4, 13))
    rate = FreeParameter("y", 0.0, 0.3)
    assert rate.value_at(1 / 3) == 0.1 and rate.position(0.15) == pytest.approx(0.5)


def test_a_mean_exactly_at_the_tolerance_edge_is_within():
    from sim.calibrate.fitting import _table

    (row,) = _table([CalibrationTarget("a", 0.5, 0.05)], {"a": {"mean": 0.45, "n": 2}})
    assert row["within_tolerance"] and row["z"] == pytest.approx(-1)


def test_objective_weights_and_penalises_missing_kpis():
    targets = [CalibrationTarget("a", 10, 2, 1.0), CalibrationTarget("b", 0.5, 0.1, 3.0)]
    assert objective_value(targets, {"a": 12, "b": 0.4}) == pytest.approx(1 + 3)
    assert objective_value(targets, {"a": 12, "b": math.nan}) > 1e5


# --- calibrations ----------------------------------------------------------------------------


def test_recovers_a_known_parameter_value(start):
    kpi = "allocation_days_mean"
    value = kpi_mean(start, {"officers.trained.count": 8}, kpi)
    tolerance = max(0.5, 0.15 * value)
    targets = [{"kpi": kpi, "value": value, "tolerance": tolerance, "source": "count 8"}]
    cal = sim.calibrate(
        start,
        targets,
        ["officers.trained.count=4:12"],
        replications=REPS,
        seed=SEED,
        horizon_days=DAYS,
        max_evals=12,
    )
    assert cal.all_targets_met, cal.verdict
    assert cal.history[0]["officers.trained.count"] == 5  # started from the scenario's value
    assert cal.objective < cal.history[0]["objective"]
    (row,) = cal.table
    assert abs(row["mean"] - value) <= tolerance and row["within_tolerance"]
    assert row["ci_low"] <= row["mean"] <= row["ci_high"] and row["n"] == REPS
    # the fitted scenario keeps its own run settings and, run as calibrated, gives the table
    fitted = cal.fitted_scenario
    assert fitted.officers.trained.count == cal.fitted_values["officers.trained.count"]
    assert fitted.run == start.run
    assert kpi_mean(fitted, {}, kpi) == row["mean"]
    # cached: no parameter vector is simulated twice
    points = [h["officers.trained.count"] for h in cal.history]
    assert len(points) == len(set(points)) <= 12


def test_impossible_pair_is_reported_not_met(start):
    targets = [
        {"kpi": "allocation_days_mean", "value": 0.0, "tolerance": 0.5},
        {"kpi": "detective_vacancy_rate", "value": 0.6, "tolerance": 0.02},
    ]
    cal = sim.calibrate(
        start,
        targets,
        {"officers.trained.count": (4, 12)},
        replications=REPS,
        seed=SEED,
        horizon_days=DAYS,
        max_evals=10,
    )
    assert not cal.all_targets_met
    assert cal.to_dict()["all_targets_met"] is False
    missed = [r["kpi"] for r in cal.table if not r["within_tolerance"]]
    assert missed and cal.verdict.startswith(f"{len(missed)} of 2 targets outside tolerance")
    assert all(name in cal.verdict for name in missed)


@pytest.mark.parametrize("method", ["powell", "differential-evolution"])
def test_other_methods_respect_the_budget_and_are_reproducible(start, method):
    args = dict(
        targets=[{"kpi": "allocation_days_mean", "value": 5.0, "tolerance": 1.0}],
        free={"officers.trained.count": (4, 12), "triage.under_grade_rate": (0.0, 0.2)},
        replications=REPS,
        seed=SEED,
        horizon_days=DAYS,
        max_evals=6,
        method=method,
    )
    first = sim.calibrate(start, **args)
    assert len(first.history) <= 6
    again = sim.calibrate(start, **args)
    assert again.history == first.history and again.fitted_values == first.fitted_values


def test_fitted_header_goes_after_the_modeline_and_replaces_an_earlier_one():
    from sim.calibrate.files import _with_header

    header = ["# Fitted by `sim calibrate` on today:", "# Reproduce the achieved numbers: x", ""]
    earlier = [
        "# Fitted by `sim calibrate` on 2026-11-28 19:24 UTC:",
        "#   sim calibrate a.yaml -t t.yaml",
        "# Reproduce the achieved numbers: sim run fitted.yaml --seed 1 --reps 5",
        "",
    ]
    own = ["# the force's own comment", "name: a", ""]
    modeline = ["# yaml-language-server: $schema=../docs/scenario.schema.json"]
    refitted = _with_header(header, "\n".join(modeline + earlier + own))
    assert refitted == "\n".join(modeline + header + own)
    assert _with_header(header, "\n".join(own)) == "\n".join(header + own)
    # a comment that merely starts like a header but never ends like one is kept
    unfinished = ["# Fitted by `sim calibrate` by hand", *own]
    assert _with_header(header, "\n".join(unfinished)) == "\n".join(header + unfinished)
