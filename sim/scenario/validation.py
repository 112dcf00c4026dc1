"""Validating a resolved scenario mapping, with errors as one line: file, key path, expected."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from sim.errors import InputError
from sim.scenario.schema import Scenario

_DIST_TAGS = {"fixed", "exponential", "lognormal", "gamma", "uniform"}


def _format_loc(loc: Iterable[Any]) -> str:
    return ".".join(str(p) for p in loc if not (isinstance(p, str) and p in _DIST_TAGS))


def validation_message(err: Mapping[str, Any]) -> tuple[str, str]:
    """Turn one pydantic error into (key path, what was expected)."""
    key = _format_loc(err.get("loc", ()))
    kind = err.get("type", "")
    msg = str(err.get("msg", "invalid value"))
    if kind == "extra_forbidden":
        return key, "unknown key (check the spelling; `sim schema` lists the keys)"
    if kind == "missing":
        return key, "required key is missing"
    if kind == "union_tag_invalid":
        return key, "expected kind to be one of " + ", ".join(sorted(_DIST_TAGS))
    if kind == "union_tag_not_found":
        return key, "expected a distribution with a 'kind' key"
    msg = msg.removeprefix("Value error, ")
    msg = msg.replace("Input should be ", "expected ")
    got = err.get("input")
    if kind not in ("value_error", "assertion_error") and not isinstance(got, dict | list):
        msg = f"{msg} (got {json.dumps(got, default=str)})"
    return key, msg


def _did_you_mean(unknown: Mapping[str, Any], errors: list[Mapping[str, Any]]) -> str | None:
    """'unknown key; did you mean X?' when a required sibling key is missing."""
    loc = tuple(unknown.get("loc", ()))
    parent, name = loc[:-1], str(loc[-1])
    missing = [
        str(e["loc"][-1])
        for e in errors
        if e.get("type") == "missing" and tuple(e.get("loc", ()))[:-1] == parent
    ]
    close = difflib.get_close_matches(name, missing, n=1)
    if close:
        return f"unknown key; did you mean {close[0]!r}?"
    return None


def validate(data: Mapping[str, Any], *, source: str) -> Scenario:
    """Validate a resolved mapping into a :class:`Scenario`; errors name ``source``."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # a misspelt key shows up as "unknown" plus "missing": report the unknown one
        errors.sort(key=lambda e: e.get("type") != "extra_forbidden")
        first = errors[0]
        key, message = validation_message(first)
        if first.get("type") == "extra_forbidden":
            message = _did_you_mean(first, errors) or message
        if key:
            raise InputError(message, file=source, key=key) from None
        # model-level checks already carry the key path in their message
        raise InputError(message, file=source) from None
