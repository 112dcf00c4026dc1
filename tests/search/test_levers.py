"""Levers files: the shipped one, its JSON Schema, and bad files refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

import sim
from sim.errors import InputError
from sim.experiment.settings import RunSettings
from sim.search.definition import SearchOptions
from sim.search.levers import SCHEMA_FILE, levers_schema_text, read_levers
from sim.search.packages import _lever_key, grid_size
from sim.search.searcher import define_search, schedule_warnings
from tests.processes import sim_cmd

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "scenarios" / "levers.yaml"


def _as_editor_sees(path: Path) -> object:
    """A YAML file as JSON data (dates as ISO text), as an editor checks it."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return json.loads(json.dumps(data, default=lambda value: value.isoformat()))


def test_committed_schema_is_up_to_date_and_the_shipped_files_pass_it(toy_levers):
    committed = (ROOT / SCHEMA_FILE).read_text(encoding="utf-8")
    assert committed == levers_schema_text(), "run: sim schema --levers > docs/levers.schema.json"
    schema = json.loads(committed)
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in (SHIPPED, toy_levers):
        jsonschema.validate(_as_editor_sees(path), schema)
    assert SHIPPED.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../docs/levers.schema.json"
    )
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"levers": {"x": {"measure": {"day": 0}}}}, schema)


def test_shipped_levers_cover_the_measures_and_state_every_cost(baseline):
    levers = read_levers(SHIPPED)
    measures = {p.stem for p in (ROOT / "scenarios" / "measures").glob("*.yaml")} - {"package"}
    assert set(levers.levers) == measures  # one lever per measure file
    for lever in levers.levers.values():
        for cost in lever.costs:
            assert cost.source.strip(), "every cost says where it comes from"
            assert cost.assumed  # none of the shipped figures is from a published costing
    detective = levers.levers["more_detectives"].costs[0]
    assert 60000 <= detective.per_year <= 70000 and detective.per == "level"
    assert grid_size(levers) == 5 * 3**5 * 2**2  # detectives off or 25–100 in 25s


def test_every_shipped_package_builds_on_the_baseline(baseline):
    definition = define_search(
        baseline, SHIPPED, SearchOptions(max_packages=16), RunSettings(until="followup_12m")
    )
    assert len(definition.packages) == 16
    costs = [p.cost_per_year for p in definition.packages]
    assert costs == sorted(costs) and costs[0] == 0
    everything = definition.scenarios[-1]
    added = everything.measures[len(baseline.measures) :]
    assert {m.name for m in added} <= set(definition.lever_names) and len(added) >= 5
    day = next(m for m in added if m.name == "more_detectives").day
    assert day == 1059  # 2016-11-25 from the start date 2014-01-01


GOOD = """
levers:
  detectives:
    measure: {day: 0, add: {officers.trained.count: level}}
    levels: [1, 2]
    costs: [{per_year: 65000, source: "assumed"}]
"""

LEVER = "levers.detectives."
BAD = [  # (replace, with, key, part of the message)
    (GOOD, "levers: {}", "levers", "at least 1"),
    ('    costs: [{per_year: 65000, source: "assumed"}]\n', "", LEVER + "costs", "missing"),
    ('source: "assumed"', 'source: ""', LEVER + "costs.0.source", "at least 1"),
    ("per_year: 65000", "per_year: -1", LEVER + "costs.0.per_year", "greater than or equal"),
    ("levels: [1, 2]", "levels: []", LEVER + "levels", "at least one level"),
    ("levels: [1, 2]", "levels: [1, 1]", LEVER + "levels", "distinct"),
    ("levels: [1, 2]", "levels: {low: 3, high: 1, step: 1}", LEVER + "levels", "high ≥ low"),
    ("levels: [1, 2]", "levels: yes", LEVER + "levels", "a list of levels or a range"),
    ("costs:", "cost:", LEVER + "cost", "unknown key"),
    ("level}", "lvl}", LEVER + "measure.add.officers.trained.count", "a number, level, or"),
    ("day: 0", "day: -3", LEVER + "measure.day", "0 or more"),
    ("day: 0", "day: soon", LEVER + "measure.day", "a day number (0 or more) or a date"),
    (", add: {officers.trained.count: level}", "", LEVER + "measure", "set, add or action"),
    (  # a parameter the scenario schema has no place for, with the close spelling
        "officers.trained.count",
        "officers.trained.cont",
        LEVER + "measure.add",
        "officers.trained.cont: no such scenario parameter; did you mean 'officers.trained.count'?",
    ),
]


@pytest.mark.parametrize(("old", "new", "key", "message"), BAD)
def test_bad_levers_files_are_one_line_errors_naming_file_and_key(tmp_path, old, new, key, message):
    assert old in GOOD
    path = tmp_path / "levers.yaml"
    path.write_text(GOOD.replace(old, new), encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_levers(path)
    assert err.value.file == str(path) and err.value.key == key, str(err.value)
    assert message in err.value.message and "\n" not in str(err.value)


def test_a_measure_the_scenario_refuses_names_the_levers_file_and_lever(tmp_path, toy):
    """A category the scenario does not have: only the scenario can tell (the schema allows
    any category name), so the error comes when the packages are built, naming the lever's
    key in the levers file, not the package scenario's ``measures.<i>``."""
    path = tmp_path / "levers.yaml"
    path.write_text(GOOD.replace("officers.trained.count", "categories.nope.warrant_rate"), "utf-8")
    with pytest.raises(InputError, match="no such scenario parameter") as err:
        define_search(toy, path, SearchOptions(), RunSettings())
    assert str(path) in str(err.value) and "package" in str(err.value)
    assert err.value.key == LEVER + "measure.add.categories.nope.warrant_rate", str(err.value)


def test_package_keys_of_the_base_scenarios_own_measures_are_kept():
    on = ["detectives", "triage"]
    assert (
        _lever_key("measures.3.add.triage.staff", 2, on) == "levers.triage.measure.add.triage.staff"
    )
    assert _lever_key("measures.2.day", 2, on) == "levers.detectives.measure.day"
    assert _lever_key("measures.1.set.triage.staff", 2, on) == "measures.1.set.triage.staff"
    assert _lever_key("officers.trained.count", 2, on) == "officers.trained.count"
    assert _lever_key(None, 2, on) is None


def test_cli_bad_levers_file_exits_2_with_one_line(tmp_path, toy_path):
    path = tmp_path / "levers.yaml"
    path.write_text(GOOD.replace("per_year: 65000", "per_year: -1"), "utf-8")
    done = sim_cmd("search", toy_path, "--levers", path, "-t", "substandard_rate<0.5",
                   "--out", tmp_path / "o")  # fmt: skip
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "levers.detectives.costs.0.per_year" in lines[0]
    assert str(path) in lines[0] and not (tmp_path / "o").exists()


@pytest.fixture(scope="module")
def baseline() -> sim.Scenario:
    return sim.load_scenario(ROOT / "scenarios" / "baseline.yaml")


def test_levers_starting_after_the_run_are_warned_of_or_refused(baseline):
    settings = RunSettings(until="inspection")  # 2016-04-01: before every lever's day
    definition = define_search(baseline, SHIPPED, SearchOptions(max_packages=4), settings)
    messages = schedule_warnings(definition, settings)
    assert messages and all(m.startswith(str(SHIPPED)) for m in messages)
    assert any("more_detectives" in m for m in messages)
    with pytest.raises(InputError, match="more_detectives|after"):
        schedule_warnings(definition, settings.but(strict=True))
    later = RunSettings(until="followup_12m")
    assert schedule_warnings(define_search(baseline, SHIPPED, SearchOptions(), later), later) == []
