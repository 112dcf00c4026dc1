"""The package chosen on the page: options, units, costs, start dates, the scenario."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sim.app.choice import Choice, choice_label, choice_package, choice_scenario, controls
from sim.errors import InputError
from sim.scenario import load_scenario
from sim.scenario.measures import at_full_strength
from sim.search.levers import read_levers

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
ROOT = HERE.parents[1]


@pytest.fixture(scope="module")
def small():
    return load_scenario(DATA / "small.yaml"), read_levers(HERE / "levers_small.yaml")


def test_controls_show_options_units_costs_and_start_dates(small):
    base, levers = small
    by_name = {c.name: c for c in controls(levers, base)}
    more = by_name["more_detectives"]
    assert more.options == (None, 4.0, 8.0)
    assert more.costs == (0.0, 4 * 65000.0, 8 * 65000.0)
    assert more.start == dt.date(2014, 3, 15)
    assert [more.option_text(o) for o in more.options] == ["off", "4", "8"]
    # a start given as a day number is shown as its date
    assert by_name["triage_staff"].start == base.run.start_date + dt.timedelta(days=90)
    review = by_name["review_high_risk"]
    assert review.unit == "on/off" and review.option_text(1.0) == "on"


def test_units_of_the_project_levers_come_from_the_schema():
    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    units = {c.name: c.unit for c in controls(read_levers(ROOT / "scenarios/levers.yaml"), base)}
    assert units["stop_abstraction"] == "share 0-1"
    assert units["more_detectives"] == "count"
    assert units["warrant_fast_track"] == "on/off"


def test_package_cost_is_the_sum_of_the_levers_costs(small):
    _, levers = small
    choice = Choice({"more_detectives": 8.0, "triage_staff": 2.0, "review_high_risk": None})
    package = choice_package(levers, choice)
    assert package.cost_per_year == 8 * 65000 + 2 * 247500
    assert choice_label(levers, choice) == "more_detectives=8, triage_staff=2"


def test_the_scenario_holds_one_measure_per_lever_that_is_on(small):
    base, levers = small
    choice = Choice({"more_detectives": 4.0, "triage_staff": None, "review_high_risk": 1.0})
    sc = choice_scenario(base, levers, choice, source="levers.yaml")
    assert sc.name == "small-package"
    assert [m.name for m in sc.measures] == ["more_detectives", "review_high_risk"]
    assert sc.measures[0].day == (dt.date(2014, 3, 15) - base.run.start_date).days
    full = at_full_strength(sc, source="test")
    assert full.officers.trained.count == base.officers.trained.count + 4


def test_a_start_date_moves_the_measure(small):
    base, levers = small
    when = dt.date(2014, 6, 1)
    choice = Choice(
        {"more_detectives": 8.0, "triage_staff": None, "review_high_risk": None},
        {"more_detectives": when},
    )
    sc = choice_scenario(base, levers, choice, source="levers.yaml")
    assert sc.measures[0].day == (when - base.run.start_date).days


def test_a_start_before_the_scenario_or_an_unknown_level_is_refused(small):
    base, levers = small
    early = Choice({"more_detectives": 8.0}, {"more_detectives": dt.date(2000, 1, 1)})
    with pytest.raises(InputError, match="before the scenario's first day"):
        choice_scenario(base, levers, early, source="levers.yaml")
    with pytest.raises(InputError, match="not an option"):
        choice_package(levers, Choice({"more_detectives": 5.0}))
    with pytest.raises(InputError, match="no lever named"):
        choice_package(levers, Choice({"fewer_detectives": 5.0}))
