"""Named periods: validation, the calendar-year default and flow KPIs per period (KPI@PERIOD)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.calibrate.targets import check_targets, parse_targets
from sim.compare.conditions import parse_condition
from sim.errors import InputError
from sim.experiment.kpi_catalogue import NOT_PER_PERIOD, flow_specs, kpi_specs
from sim.scenario.periods import calendar_years, day_number, resolve_periods


def with_periods(tmp_path: Path, small_path: Path, periods: str) -> sim.Scenario:
    path = tmp_path / "periods.yaml"
    path.write_text(f"extends: {small_path}\nname: periods\nperiods: {periods}\n")
    return sim.load_scenario(path)


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def test_day_numbers_and_iso_dates_name_the_same_day():
    start = dt.date(2014, 1, 1)
    assert day_number(dt.date(2016, 11, 25), start) == 1059.0
    assert day_number(1059, start) == 1059.0


def test_default_is_one_period_per_calendar_year_clipped_to_the_window():
    start = dt.date(2014, 1, 1)
    assert calendar_years(start, 365, 1826) == {
        "2015": (365.0, 730.0),
        "2016": (730.0, 1096.0),  # 2016 is a leap year
        "2017": (1096.0, 1461.0),
        "2018": (1461.0, 1826.0),
    }
    assert calendar_years(start, 60, 400) == {"2014": (60.0, 365.0), "2015": (365.0, 400.0)}


def test_period_kpis_name_every_flow_kpi_but_no_stock(small: sim.Scenario):
    names = {s.name for s in kpi_specs(small)}
    (period,) = resolve_periods(small)  # warm-up 60, horizon 300: all inside 2014
    assert period == "2014"
    for spec in flow_specs(small):
        assert (f"{spec.name}@2014" in names) == (spec.name not in NOT_PER_PERIOD)
    assert "open_cases_end@2014" not in names
    assert "substandard_rate@2014" in names and "allocation_days_p90_risk_high@2014" in names


def test_one_period_covering_the_window_equals_the_window(tmp_path, small_path):
    sc = with_periods(tmp_path, small_path, "{all: [60, 2014-12-27]}")  # day 360
    assert resolve_periods(sc) == {"all": (60.0, 360.0)}
    result = sim.run(sc, replications=2, workers=1)
    checked = 0
    for rep in result.replications:
        for spec in flow_specs(sc):
            if spec.name in NOT_PER_PERIOD:
                continue
            assert same(rep.kpis[f"{spec.name}@all"], rep.kpis[spec.name]), spec.name
            checked += 1
    assert checked > 50


def test_two_halves_bracket_the_window(tmp_path, small_path):
    sc = with_periods(tmp_path, small_path, "{first: [60, 210], second: [210, 360]}")
    result = sim.run(sc, replications=2, workers=1)
    for rep in result.replications:
        k = rep.kpis
        for count in ("referrals", "cases_opened"):
            assert k[f"{count}@first"] + k[f"{count}@second"] == k[count]
        for name in ("substandard_rate", "allocation_days_mean", "end_to_end_days_mean"):
            lo, hi = sorted((k[f"{name}@first"], k[f"{name}@second"]))
            assert lo <= k[name] <= hi, name
            assert lo < hi  # the halves differ, so the check above can fail
        assert k["allocation_days_max"] == max(
            k["allocation_days_max@first"], k["allocation_days_max@second"]
        )
    per_year = np.mean([r.kpis["referrals_per_year@first"] for r in result.replications])
    assert per_year > 0


@pytest.mark.parametrize(
    ("periods", "expected"),
    [
        ("{late: [60, 400]}", "periods.late: days 60 to 400 are not inside the measured window"),
        ("{early: [10, 100]}", "periods.early: days 10 to 100 are not inside"),
        ("{back: [200, 100]}", "periods.back: expected start before end"),
        ("{back: [2014-08-01, 2014-07-01]}", "periods.back: expected start before end"),
        ("{bad-name: [100, 200]}", "periods.bad-name: expected a name of letters"),
        ("{one: [100]}", "periods.one"),
    ],
)
def test_bad_periods_are_refused_naming_the_key(tmp_path, small_path, periods, expected):
    with pytest.raises(InputError) as err:
        with_periods(tmp_path, small_path, periods)
    assert expected in str(err.value)


def test_conditions_accept_period_kpis():
    cond = parse_condition("substandard_rate@after_1y<0.5")
    assert (cond.kpi, cond.operator, cond.threshold) == ("substandard_rate@after_1y", "<", 0.5)
    assert parse_condition("allocation_days_p90@2016 >= 3").kpi == "allocation_days_p90@2016"
    with pytest.raises(InputError):
        parse_condition("substandard_rate@<0.5")


def test_compare_takes_period_kpis_when_named(small: sim.Scenario):
    base = sim.run(small, replications=2, workers=1)
    other = sim.run(
        sim.load_scenario(Path(__file__).parents[1] / "data" / "small.yaml", ["triage.staff=1"]),
        replications=2,
        workers=1,
    )
    default = sim.compare(base, other)
    assert default["kpis"] and not any("@" in k["kpi"] for k in default["kpis"])
    named = sim.compare(
        base,
        other,
        kpis=["substandard_rate@2014", "substandard_rate"],
        targets=["substandard_rate@2014<0.99"],
    )
    assert [k["kpi"] for k in named["kpis"]] == ["substandard_rate@2014", "substandard_rate"]
    rows = {r["kpi"]: r for r in named["comparisons"]}
    # the one period covers the window, so the two comparisons agree
    assert rows["substandard_rate@2014"]["difference"] == rows["substandard_rate"]["difference"]
    assert named["targets"][0]["target"] == "substandard_rate@2014<0.99"


def test_calibration_targets_accept_period_kpis(small: sim.Scenario):
    good = parse_targets({"substandard_rate@2014": {"value": 0.7, "tolerance": 0.05}})
    check_targets(good, small, file="targets.yaml")
    assert good[0].kpi == "substandard_rate@2014"
    bad = parse_targets({"substandard_rate@2099": {"value": 0.7, "tolerance": 0.05}})
    with pytest.raises(InputError, match="unknown KPI 'substandard_rate@2099'"):
        check_targets(bad, small, file="targets.yaml")
