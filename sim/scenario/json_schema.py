"""The JSON Schema of scenario files, for editors and for checking files outside the tool.

A file with ``extends:`` is partial: it changes the file it names, and only the resolved
scenario must be complete. The schema therefore has two forms of every definition: the
complete one (``Scenario``), for files without ``extends:``, and a partial one
(``PartialScenario``, every ``Partial*`` definition) in which nothing is required, for
files with it. Days may be given as ISO dates (``2016-11-25``).

``docs/scenario.schema.json`` is this schema, committed so that shipped scenario files can
name it in their first line (``# yaml-language-server: $schema=...``).
"""

from __future__ import annotations

import copy
from typing import Any

from sim.scenario.schema import Scenario

SCHEMA_FILE = "docs/scenario.schema.json"
"""Where the committed schema lives, relative to the project root."""

_EXTENDS = {
    "type": "string",
    "description": "another scenario file this one changes (path relative to this file); "
    "with it, every key is optional",
}
_REF = "#/$defs/"


def _partial(node: Any) -> Any:
    """``node`` with nothing required and every definition reference made partial."""
    if isinstance(node, list):
        return [_partial(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "required" and isinstance(value, list):
            continue
        if key == "$ref" and isinstance(value, str) and value.startswith(_REF):
            out[key] = _REF + "Partial" + value.removeprefix(_REF)
        elif key == "properties" and isinstance(value, dict):
            out[key] = {name: _partial(v) for name, v in value.items()}
        else:
            out[key] = _partial(value)
    return out


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file, complete or (with ``extends``)
    partial."""
    complete = Scenario.model_json_schema(by_alias=True, mode="validation")
    defs = complete.pop("$defs", {})
    complete.setdefault("properties", {})["extends"] = _EXTENDS
    partial = _partial(complete)
    partial["required"] = ["extends"]
    all_defs = {
        "Scenario": complete,
        "PartialScenario": partial,
        **defs,
        **{"Partial" + name: _partial(copy.deepcopy(d)) for name, d in defs.items()},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "caseflow-sim scenario",
        "description": complete.get("description", ""),
        "type": "object",
        "if": {"required": ["extends"]},
        "then": {"$ref": _REF + "PartialScenario"},
        "else": {"$ref": _REF + "Scenario"},
        "$defs": all_defs,
    }
