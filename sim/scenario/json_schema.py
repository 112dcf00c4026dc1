"""The JSON Schema of scenario files, for editors and for checking files outside the tool."""

from __future__ import annotations

from typing import Any

from sim.scenario.schema import Scenario


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file."""
    schema = Scenario.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "caseflow-sim scenario"
    schema.setdefault("properties", {})["extends"] = {
        "type": "string",
        "description": "another scenario file this one changes (path relative to this file)",
    }
    return schema
