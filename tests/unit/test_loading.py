"""Scenario loading: extends, overrides, validation errors that name file, key and expectation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import sim
from sim.errors import InputError
from sim.scenario.keypaths import parse_assignment as parse_override
from sim.scenario.validation import parameter_path_problem


def write(tmp_path: Path, name: str, data: dict | str) -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return path


def small_data(small_path: Path) -> dict:
    return yaml.safe_load(small_path.read_text())


def test_baseline_loads(baseline_path):
    sc = sim.load_scenario(baseline_path)
    assert sc.name == "baseline"
    assert list(sc.risk_levels) == ["high", "medium", "low"]
    assert sc.officers.trained.count > 0


def test_scenario_is_immutable(small):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="frozen"):
        small.triage.staff = 99  # type: ignore[misc]


def test_extends_merges_mappings_and_replaces_values(tmp_path, small_path):
    base = write(tmp_path, "base.yaml", small_data(small_path))
    child = write(
        tmp_path,
        "child.yaml",
        {"extends": "base.yaml", "name": "child", "triage": {"staff": 5}},
    )
    sc = sim.load_scenario(child)
    assert sc.name == "child"
    assert sc.triage.staff == 5
    # untouched siblings survive the merge
    assert sc.triage.under_grade_rate == sim.load_scenario(base).triage.under_grade_rate


def test_extends_missing_parent_is_an_error(tmp_path):
    child = write(tmp_path, "child.yaml", {"extends": "nope.yaml", "name": "x"})
    with pytest.raises(InputError, match=r"child.yaml: extends: file 'nope.yaml' not found"):
        sim.load_scenario(child)
    # a file copied away from its parent: the message says where the parent was looked for
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    copied = write(moved, "copy.yaml", {"extends": "../scenarios/baseline.yaml", "name": "x"})
    expected = tmp_path / "scenarios" / "baseline.yaml"
    with pytest.raises(InputError, match=f"looked for {re.escape(str(expected))}: a path is read"):
        sim.load_scenario(copied)


def test_overrides_mapping_and_strings(small_path):
    a = sim.load_scenario(small_path, overrides={"triage.staff": 7})
    b = sim.load_scenario(small_path, overrides=["triage.staff=7"])
    assert a.triage.staff == b.triage.staff == 7


def test_override_of_default_value_not_in_file(small_path):
    sc = sim.load_scenario(small_path, overrides=["warrants.supervisor_hours_per_day=4"])
    assert sc.warrants.supervisor_hours_per_day == 4


def test_override_can_set_null(small_path):
    sc = sim.load_scenario(small_path, overrides=["allocation.untrained_after_days=null"])
    assert sc.allocation.untrained_after_days is None


@pytest.mark.parametrize(
    ("override", "pattern"),
    [
        ("nonexistent.key=3", r"small.yaml: --set: nonexistent.key: no key 'nonexistent'"),
        ("triage.stuff=3", r"triage.stuff: no key 'stuff' in triage \(expected one of: hours"),
        ("triage.staff=-1", r"triage.staff: expected greater than or equal to 0 \(got -1\)"),
        ("triage.staff=abc", r"triage.staff: expected a valid integer"),
        ("inspections.5.day=3", r"inspections.5.day: no such list index '5'"),
    ],
)
def test_bad_overrides_name_the_key(small_path, override, pattern):
    with pytest.raises(InputError, match=pattern):
        sim.load_scenario(small_path, overrides=[override])


def test_override_needs_equals_sign():
    with pytest.raises(InputError, match="expected key.path=value"):
        parse_override("triage.staff")


@pytest.mark.parametrize(
    ("mutate", "pattern"),
    [
        (lambda d: d["triage"].update(undergrade_rate=0.1), r"triage.undergrade_rate: unknown key"),
        # a close spelling of an optional key of the same section is suggested
        (
            lambda d: d.setdefault("run", {}).update(replicatons=3),
            r"run.replicatons: unknown key; did you mean 'replications'\?$",
        ),
        (lambda d: d.update(hazzards={}), r"hazzards: unknown key; did you mean 'hazards'\?$"),
        (
            lambda d: d["categories"]["online"].update(warant_rate=0.1),
            r"categories.online.warant_rate: unknown key; did you mean 'warrant_rate'\?$",
        ),
        (
            lambda d: d["categories"]["online"]["investigation_hours"].update(cvv=0.5),
            r"investigation_hours.cvv: unknown key; did you mean 'cv'\?$",
        ),
        (  # nothing close: no guess
            lambda d: d["triage"].update(colour="red"),
            r"triage.colour: unknown key \(check the spelling; `sim schema` lists the keys\)$",
        ),
        (lambda d: d["triage"].update(staff="many"), r"triage.staff: expected a valid integer"),
        (
            lambda d: d["officers"]["trained"].update(abstraction_rate=1.5),
            r"officers.trained.abstraction_rate: expected less than 1",
        ),
        (
            lambda d: d["categories"]["online"]["risk_mix"].update(high=0.9),
            r"categories.online.risk_mix: expected shares summing to 1",
        ),
        (
            lambda d: d["categories"]["online"]["case_rate"].update(extreme=1.0),
            r"categories.online.case_rate.extreme: not a risk level",
        ),
        (
            lambda d: d["categories"]["online"].update(investigation_hours={"kind": "weibull"}),
            r"categories.online.investigation_hours: expected kind to be one of",
        ),
        (
            lambda d: d["categories"]["online"].update(
                investigation_hours={"kind": "lognormal", "mean": 3}
            ),
            r"categories.online.investigation_hours.cv: required key is missing",
        ),
        (lambda d: d.pop("triage"), r"small.yaml: triage: required key is missing"),
        (
            lambda d: d.update(measures=[{"name": "m", "day": 5, "set": {"triage.stafff": 3}}]),
            r"measures.0.set.triage.stafff: no such scenario parameter",
        ),
        (
            lambda d: (
                d["grading"]
                if "grading" in d
                else d.update(grading={"rules": {"late_lunch": {"grade": "inadequate"}}})
            ),
            r"unknown rule 'late_lunch'",
        ),
    ],
)
def test_invalid_files_give_one_line_errors(tmp_path, small_path, mutate, pattern):
    data = small_data(small_path)
    mutate(data)
    path = write(tmp_path, "small.yaml", data)
    with pytest.raises(InputError, match=pattern) as info:
        sim.load_scenario(path)
    assert "\n" not in str(info.value)
    assert str(path) in str(info.value)


def test_yaml_syntax_error_names_line(tmp_path):
    path = write(tmp_path, "broken.yaml", "name: x\ntriage: [unclosed\n")
    with pytest.raises(InputError, match=r"broken.yaml: line \d+"):
        sim.load_scenario(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        sim.load_scenario(tmp_path / "none.yaml")


def test_top_level_must_be_mapping(tmp_path):
    path = write(tmp_path, "list.yaml", "- a\n- b\n")
    with pytest.raises(InputError, match="expected a mapping"):
        sim.load_scenario(path)


def test_with_changes_returns_new_object(small):
    changed = sim.with_changes(small, {"triage.staff": 9})
    assert changed.triage.staff == 9
    assert small.triage.staff == 2
    with pytest.raises(InputError, match="no key"):
        sim.with_changes(small, {"triage.bogus": 1})


def test_distributions_know_mean_and_variance():
    from sim.scenario.distributions import Exponential, Fixed, Gamma, Lognormal, Uniform

    assert Exponential(mean=3).variance == 9
    assert Fixed(value=2).variance == 0
    assert Lognormal(mean=4, cv=0.5).variance == pytest.approx(4.0)
    assert Gamma(mean=4, cv=0.5).variance == pytest.approx(4.0)
    assert Uniform(low=0, high=6).variance == pytest.approx(3.0)


@pytest.mark.parametrize(
    "dist",
    [
        {"kind": "exponential", "mean": 3.0},
        {"kind": "lognormal", "mean": 3.0, "cv": 0.8},
        {"kind": "gamma", "mean": 3.0, "cv": 0.5},
        {"kind": "uniform", "low": 1.0, "high": 5.0},
    ],
)
def test_distribution_samples_match_stated_moments(dist):
    import numpy as np
    from pydantic import TypeAdapter

    from sim.scenario.distributions import Distribution

    d = TypeAdapter(Distribution).validate_python(dist)
    rng = np.random.default_rng(1)
    x = np.array([d.sample(rng) for _ in range(40_000)])
    # 5 standard errors of the mean
    assert abs(x.mean() - d.mean) < 5 * np.sqrt(d.variance / x.size)
    assert x.var() == pytest.approx(d.variance, rel=0.1)


def test_parameter_reference_is_up_to_date():
    """docs/parameters.md is generated by `sim schema --markdown`; regenerate when it fails."""
    from sim.scenario.reference import parameters_markdown

    path = Path(__file__).parents[2] / "docs" / "parameters.md"
    assert path.read_text(encoding="utf-8") == parameters_markdown()


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("officers.trained.count", None),
        ("categories.any_name.case_rate.high", None),  # mapping keys are the scenario's own
        ("triage.hours.mean", None),  # a distribution: its kind decides, not the schema
        ("inspections.0.day", None),
        (
            "officers.trained.cont",
            "no such scenario parameter; did you mean 'officers.trained.count'?",
        ),
        (
            "hazzards.harm_per_day",
            "no such scenario parameter; did you mean 'hazards.harm_per_day'?",
        ),
        ("zzz", "no such scenario parameter"),
    ],
)
def test_parameter_paths_are_checked_against_the_schema(path, problem):
    assert parameter_path_problem(path) == problem
