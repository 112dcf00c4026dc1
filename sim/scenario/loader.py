"""Read scenario files: YAML, ``extends:`` inheritance, ``--set`` overrides, validation."""

from __future__ import annotations

import copy
import csv
import difflib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sim.errors import InputError
from sim.scenario.schema import Scenario

_DIST_TAGS = {"fixed", "exponential", "lognormal", "gamma", "uniform"}
_MAX_EXTENDS_DEPTH = 10


def read_yaml_document(path: Path, loader: type = yaml.SafeLoader) -> Any:
    """Parse the YAML file ``path`` (any document); :class:`InputError` naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", file=str(path)) from None
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - loaders passed in are safe ones
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "YAML"
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(f"{where}: {problem}", file=str(path)) from None


def read_yaml(path: Path) -> dict[str, Any]:
    """Read a YAML mapping from ``path``; raise :class:`InputError` naming the file."""
    data = read_yaml_document(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("expected a mapping of scenario keys at the top level", file=str(path))
    return data


def deep_merge(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``base`` with ``changes`` merged in: mappings merge, everything else replaces."""
    merged = copy.deepcopy(dict(base))
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def resolve_extends(path: Path, _depth: int = 0) -> dict[str, Any]:
    """Read ``path`` and merge it over the file its ``extends:`` names, recursively."""
    if _depth > _MAX_EXTENDS_DEPTH:
        raise InputError("extends: chain too deep (a cycle?)", file=str(path), key="extends")
    data = read_yaml(path)
    backlog = data.get("initial_backlog")
    if isinstance(backlog, str):
        # a CSV named relative to the file that names it
        data["initial_backlog"] = str((path.parent / backlog).resolve())
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise InputError("expected a file path", file=str(path), key="extends")
    parent_path = (path.parent / parent).resolve()
    if not parent_path.exists():
        raise InputError(f"file {parent!r} not found", file=str(path), key="extends")
    return deep_merge(resolve_extends(parent_path, _depth + 1), data)


def parse_override(text: str) -> tuple[str, Any]:
    """Parse ``key.path=value``; the value is read as a YAML scalar (``3``, ``0.5``, ``null``)."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise InputError(f"expected key.path=value, got {text!r}", key="--set")
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    return key, value


def set_path(data: dict[str, Any], path: str, value: Any, *, source: str = "--set") -> None:
    """Set ``value`` at dotted ``path`` in nested dicts/lists, creating mappings as needed."""
    parts = path.split(".")
    node: Any = data
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise InputError(
                    f"expected a list index below {len(node)}, got {part!r}",
                    file=source,
                    key=".".join(parts[: i + 1]),
                )
            if last:
                node[int(part)] = value
            else:
                node = node[int(part)]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                if node.get(part) is None:
                    node[part] = {}
                node = node[part]
        else:
            raise InputError(
                "expected a mapping to hold this key, found a value",
                file=source,
                key=".".join(parts[: i + 1]),
            )


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


BACKLOG_COLUMNS = ("category", "risk", "stage", "count", "age_days")


def read_backlog_csv(path: Path) -> list[dict[str, Any]]:
    """Read open cases at day 0 from a CSV with columns category, risk, stage, count, age_days.

    Values are checked against the scenario when it is validated; here only the shape of
    the file and its numbers are checked, with errors naming the file and the row.
    """
    if not path.is_file():
        raise InputError("file not found", file=str(path), key="initial_backlog")
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        missing = [c for c in BACKLOG_COLUMNS if c not in header and c != "age_days"]
        if missing:
            raise InputError(
                f"missing column {missing[0]!r} (expected {', '.join(BACKLOG_COLUMNS)})",
                file=str(path),
            )
        rows = []
        for line, row in enumerate(reader, start=2):
            entry: dict[str, Any] = {
                "category": row["category"].strip(),
                "risk": row["risk"].strip(),
                "stage": row["stage"].strip(),
            }
            for column, kind in (("count", int), ("age_days", float)):
                raw = (row.get(column) or "").strip()
                if column == "age_days" and raw == "":
                    continue
                try:
                    entry[column] = kind(raw)
                except ValueError:
                    expected = "a whole number" if kind is int else "a number"
                    raise InputError(
                        f"expected {expected}, got {raw!r}", file=f"{path}: row {line}", key=column
                    ) from None
            rows.append(entry)
    return rows


def _iter_overrides(overrides: Mapping[str, Any] | Iterable[str] | None) -> list[tuple[str, Any]]:
    if overrides is None:
        return []
    if isinstance(overrides, Mapping):
        return list(overrides.items())
    return [parse_override(o) for o in overrides]


def load_scenario(
    path: str | Path, overrides: Mapping[str, Any] | Iterable[str] | None = None
) -> Scenario:
    """Load, resolve and validate a scenario file.

    Parameters
    ----------
    path:
        The YAML file.
    overrides:
        Changes by key path, as a mapping (``{"triage.staff": 40}``) or as ``key=value``
        strings (``["triage.staff=40"]``), applied after ``extends:``. Each path must name
        an existing value of the resolved scenario (defaults included).

    Raises
    ------
    InputError
        One line naming the file, the key path and what was expected.
    """
    from sim.scenario.overrides import apply_overrides, check_measures

    path = Path(path)
    data = resolve_extends(path)
    if isinstance(data.get("initial_backlog"), str):
        data["initial_backlog"] = read_backlog_csv(Path(data["initial_backlog"]))
    scenario = validate(data, source=str(path))
    scenario = apply_overrides(scenario, _iter_overrides(overrides), file=str(path))
    check_measures(scenario, source=str(path))
    return scenario
