"""Validating a resolved scenario mapping, with errors as one line: file, key path, expected."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from sim.errors import InputError, close_spellings
from sim.scenario.calendar import takes_a_date
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
    if kind in ("float_parsing", "float_type") and takes_a_date(tuple(err.get("loc", ()))):
        msg = "expected a day number or a date (YYYY-MM-DD)"
    msg = msg.replace("Input should be ", "expected ")
    got = err.get("input")
    if kind not in ("value_error", "assertion_error") and not isinstance(got, dict | list):
        msg = f"{msg} (got {json.dumps(got, default=str)})"
    return key, msg


def _did_you_mean(unknown: Mapping[str, Any], errors: list[Mapping[str, Any]]) -> str | None:
    """'unknown key; did you mean X?' naming a required sibling key that is missing, or
    else a key of the same section spelt closely (``run.replicatons`` → ``replications``)."""
    loc = tuple(unknown.get("loc", ()))
    parent, name = loc[:-1], str(loc[-1])
    missing = [
        str(e["loc"][-1])
        for e in errors
        if e.get("type") == "missing" and tuple(e.get("loc", ()))[:-1] == parent
    ]
    close = difflib.get_close_matches(name, missing, n=1)
    if not close:
        close = close_spellings(name, _keys_at(parent))
    if close:
        return f"unknown key; did you mean {close[0]!r}?"
    return None


def parameter_path_problem(path: str) -> str | None:
    """What is wrong with ``path`` as the key path of a scenario parameter, as far as the
    schema alone can tell (mapping keys such as category names are the scenario's own, so
    any is accepted): ``'no such scenario parameter'``, with a close spelling where there
    is one; None when nothing is wrong that the schema shows."""
    parts = path.split(".")
    steps = tuple(int(p) if p.isdigit() else p for p in parts)  # as pydantic locates them
    for i, part in enumerate(parts):
        keys = _keys_at(steps[:i])
        if keys and part not in keys:
            close = close_spellings(part, keys)
            better = ".".join([*parts[:i], *close, *parts[i + 1 :]])
            return "no such scenario parameter" + (f"; did you mean {better!r}?" if close else "")
    return None


def _keys_at(loc: tuple[Any, ...]) -> list[str]:
    """The keys the scenario schema allows at key path ``loc`` (as pydantic reports it:
    list indices, mapping keys and distribution kinds included); none where it is not a
    section of named keys."""
    kind: Any = Scenario
    for part in loc:
        kind = _inside(kind, part)
        if kind is None:
            return []
    models = _models(kind)
    return list(_fields(models[0])) if len(models) == 1 else []


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    """A model's fields by the key a scenario file uses (its alias, if it has one)."""
    return {f.alias or name: f for name, f in model.model_fields.items()}


def _inside(kind: Any, part: Any) -> Any:
    """The type found at ``part`` inside a value of type ``kind`` (None: not known)."""
    models = _models(kind)
    if len(models) > 1:  # a distribution: pydantic names the kind it tried
        chosen = [m for m in models if part in get_args(m.model_fields["kind"].annotation)]
        return chosen[0] if chosen else None
    if models:
        field = _fields(models[0]).get(str(part))
        return field.annotation if field is not None else None
    args = [a for a in get_args(kind) if a is not type(None)]
    origin = get_origin(kind)
    if origin is dict and len(args) == 2:
        return args[1]
    if origin in (list, tuple) and args and isinstance(part, int):
        return args[0]
    if origin in (Union, UnionType) and len(args) == 1:
        return _inside(args[0], part)
    return None


def _models(kind: Any) -> list[type[BaseModel]]:
    """The pydantic models ``kind`` is (one), or may be (a union of them), else none."""
    while get_origin(kind) is Annotated:
        kind = get_args(kind)[0]
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return [kind]
    if get_origin(kind) in (Union, UnionType):
        inner = [_models(a) for a in get_args(kind) if a is not type(None)]
        if all(len(m) == 1 for m in inner):
            return [m[0] for m in inner]
    return []


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
