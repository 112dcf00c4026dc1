"""Reading scenario files: YAML, ``extends:`` inheritance, ``--set`` overrides, validation."""

from __future__ import annotations

import copy
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.scenario.backlog import read_backlog_csv
from sim.scenario.changes import with_changes
from sim.scenario.keypaths import parse_assignment
from sim.scenario.measures import check_measures
from sim.scenario.schema import Scenario
from sim.scenario.validation import validate
from sim.scenario.yaml_io import read_yaml_mapping

_MAX_EXTENDS_DEPTH = 10


def deep_merge(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``base`` with ``changes`` merged in: mappings merge, everything else replaces."""
    merged = copy.deepcopy(dict(base))
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _real(path: Path) -> Path:
    """``path`` absolute with symbolic links resolved (a link loop is left for the reader
    to report, rather than raising here)."""
    return Path(os.path.realpath(path))


def resolve_extends(path: Path, _chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read ``path`` and merge it over the file its ``extends:`` names, recursively.

    A file met twice in one chain (also through symbolic links) and a chain longer than
    ten files are refused, naming the file that extends.
    """
    data = read_yaml_mapping(path)
    backlog = data.get("initial_backlog")
    if isinstance(backlog, str):
        # a CSV named relative to the file that names it
        data["initial_backlog"] = str(_real(path.parent / backlog))
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str) or not parent.strip():
        raise InputError("expected a file path", file=str(path), key="extends")
    chain = (*_chain, _real(path))
    parent_path = _real(path.parent / parent)
    if parent_path in chain:
        loop = " -> ".join(p.name for p in (*chain[chain.index(parent_path) :], parent_path))
        raise InputError(f"extends loops back ({loop})", file=str(path), key="extends")
    if len(chain) > _MAX_EXTENDS_DEPTH:
        raise InputError(
            f"extends: chain longer than {_MAX_EXTENDS_DEPTH} files", file=str(path), key="extends"
        )
    if not os.path.lexists(parent_path):
        raise InputError(
            f"file {parent!r} not found (looked for {parent_path}: a path is read from the "
            "folder of the file that names it)",
            file=str(path),
            key="extends",
        )
    try:
        base = resolve_extends(parent_path, chain)
    except InputError as exc:
        if exc.file == str(parent_path):  # say which file named the bad one
            raise InputError(str(exc), file=str(path), key="extends") from None
        raise
    return _one_horizon(deep_merge(base, data), data)


def _one_horizon(merged: dict[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """A file giving ``run.end_date`` or ``run.horizon_days`` replaces the other one its
    parent gave (within one file, both must agree)."""
    run, own = merged.get("run"), child.get("run")
    if not isinstance(run, dict) or not isinstance(own, Mapping):
        return merged
    for mine, theirs in (("end_date", "horizon_days"), ("horizon_days", "end_date")):
        if mine in own and theirs not in own:
            run.pop(theirs, None)
    return merged


def _overrides(overrides: Mapping[str, Any] | Iterable[str] | None) -> dict[str, Any]:
    if overrides is None:
        return {}
    if isinstance(overrides, Mapping):
        return dict(overrides)
    return dict(parse_assignment(o, option="--set") for o in overrides)


def load_scenario(
    path: str | Path,
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
    *,
    overrides_source: str | None = None,
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
    overrides_source:
        Where the overrides come from, for messages (default: ``<path>: --set``).

    Raises
    ------
    InputError
        One line naming the file, the key path and what was expected.
    """
    path = Path(path)
    data = resolve_extends(path)
    if isinstance(data.get("initial_backlog"), str):
        data["initial_backlog"] = read_backlog_csv(Path(data["initial_backlog"]))
    scenario = validate(data, source=str(path))
    source = overrides_source or f"{path}: --set"
    scenario = with_changes(scenario, _overrides(overrides), source=source)
    check_measures(scenario, source=str(path))
    return scenario


def extends_chain(path: Path) -> list[Path]:
    """``path`` and the files its ``extends:`` names in turn, nearest first (resolved)."""
    chain = [Path(path).resolve()]
    while len(chain) <= _MAX_EXTENDS_DEPTH:
        parent = read_yaml_mapping(chain[-1]).get("extends")
        if not isinstance(parent, str):
            break
        chain.append((chain[-1].parent / parent).resolve())
    return chain
