"""The committed JSON Schema: up to date, and every shipped scenario file passes it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from sim.scenario.json_schema import SCHEMA_FILE, scenario_json_schema
from sim.scenario.yaml_io import read_yaml_document

ROOT = Path(__file__).parent.parent.parent
SCENARIOS = sorted(
    p
    for p in (ROOT / "scenarios").rglob("*.yaml")
    if not p.name.endswith(("_targets.yaml", "levers.yaml"))  # levers: docs/levers.schema.json
)


def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((ROOT / SCHEMA_FILE).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _as_json(data: object) -> object:
    """The document as an editor sees it: YAML dates are strings."""
    return json.loads(json.dumps(data, default=lambda value: value.isoformat()))


def test_committed_schema_is_up_to_date():
    committed = (ROOT / SCHEMA_FILE).read_text(encoding="utf-8")
    assert committed == json.dumps(scenario_json_schema(), indent=2) + "\n", (
        f"regenerate it: sim schema --out {SCHEMA_FILE}"
    )


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_shipped_scenario_passes_the_schema_and_names_it(path):
    errors = list(_validator().iter_errors(_as_json(read_yaml_document(path))))
    assert errors == [], errors[0].message if errors else ""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    assert (path.parent / first.removeprefix(prefix)).resolve() == (ROOT / SCHEMA_FILE).resolve()


def test_partial_only_with_extends():
    validator = _validator()
    partial = {"extends": "../baseline.yaml", "triage": {"staff": 3}}
    assert list(validator.iter_errors(partial)) == []
    alone = {"name": "x", "triage": {"staff": 3}}
    assert any("required" in e.message for e in validator.iter_errors(alone))
    misspelt = {"extends": "b.yaml", "triage": {"staf": 3}}
    assert any("staf" in e.message for e in validator.iter_errors(misspelt))


def test_days_may_be_dates_but_not_other_text():
    validator = _validator()
    doc = {"extends": "b.yaml", "measures": [{"name": "m", "day": "2016-11-25"}]}
    assert list(validator.iter_errors(doc)) == []
    doc["measures"][0]["day"] = "soon"
    assert list(validator.iter_errors(doc)) != []
