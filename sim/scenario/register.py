"""The assumptions register of a scenario: every parameter with its value, unit and status.

Status: *sourced* (a comment cites a row of docs/sources.md as ``[Sn]``, or says ``source:
...``), *calibrated* (a targets file beside the scenario fits it in its ``free:``, or a
comment says calibrated) or *assumed* (a comment says so, nothing cites it, or the key is
not written at all and takes the schema default). Run settings (replications, seed,
sampling step, case log) and the labels of inspections and measures are not listed. The
comment read is the one in the file
that sets the key, following ``extends:``: a measure file's own keys carry its comments and
inherited keys the base file's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.scenario.annotations import KeyComment, KeyPath, Note, note_for, read_comments
from sim.scenario.changes import scenario_to_dict
from sim.scenario.loader import extends_chain, load_scenario
from sim.scenario.reference import unit_of
from sim.scenario.sources_doc import SourceRow, find_sources_file, read_sources
from sim.scenario.yaml_io import read_yaml_mapping

STATUSES = ("sourced", "calibrated", "assumed")
_NOT_PARAMETERS = {"name", "description"}
# how to run, not what the model assumes; labels
_SETTINGS = {
    ("run", "replications"),
    ("run", "seed"),
    ("run", "timeseries_interval_days"),
    ("run", "case_log"),
}


@dataclass(frozen=True)
class Calibration:
    """A targets file that fits some key paths (``free:``) to its target KPIs."""

    file: Path
    free: frozenset[str]
    kpis: tuple[str, ...]


@dataclass(frozen=True)
class Parameter:
    """One row of the register. ``file``/``line`` locate the comment read (None: none)."""

    key: str
    value: Any
    unit: str
    status: str
    detail: str
    sources: tuple[SourceRow, ...] = ()
    file: str | None = None
    line: int | None = None
    calibration: Calibration | None = None


@dataclass(frozen=True)
class Register:
    """Every parameter of a resolved scenario, with the sources file used (None: none)."""

    scenario: str
    name: str
    parameters: tuple[Parameter, ...]
    sources_file: Path | None
    counts: dict[str, int] = field(default_factory=dict)


def read_calibration(path: Path) -> Calibration:
    """The ``free:`` key paths and target KPIs of a targets file."""
    data = read_yaml_mapping(path, what="targets keys")
    if "targets" not in data and "free" not in data:
        raise InputError("not a targets file (expected targets: and free:)", file=str(path))
    free = data.get("free") or {}
    targets = data.get("targets") or []
    if not isinstance(free, Mapping) or not isinstance(targets, list):
        raise InputError("expected targets: a list and free: a mapping", file=str(path))
    kpis = tuple(str(t.get("kpi")) for t in targets if isinstance(t, Mapping))
    return Calibration(path, frozenset(str(k) for k in free), kpis)


def flatten(data: Any, prefix: KeyPath = ()) -> Iterable[tuple[KeyPath, Any]]:
    """Every leaf value of nested mappings and lists by key path (empty sections skipped)."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from flatten(value, (*prefix, str(key)))
    elif isinstance(data, list) and data and all(isinstance(v, Mapping) for v in data):
        for i, value in enumerate(data):
            yield from flatten(value, (*prefix, str(i)))
    elif not (isinstance(data, list | dict) and not data):
        yield prefix, data


@dataclass(frozen=True)
class _File:
    path: Path
    comments: dict[KeyPath, KeyComment]
    calibrations: tuple[Calibration, ...]


def _owner(files: list[_File], key: KeyPath) -> _File | None:
    """The file that writes ``key`` (the first in ``extends:`` order); None: a default."""
    for f in files:
        if key in f.comments:
            return f
        for depth in range(len(key) - 1, 0, -1):
            entry = f.comments.get(key[:depth])
            if entry is not None and (entry.scalar or entry.sequence):
                return f if entry.scalar else None
    return None


def _named(tags: Iterable[str], sources: dict[str, SourceRow]) -> tuple[SourceRow, ...]:
    return tuple(sources.get(t, SourceRow(t, "", None)) for t in tags)


def _from_note(note: Note, sources: dict[str, SourceRow]) -> tuple[str, tuple[SourceRow, ...]]:
    """The detail shown for a note: the cited rows with titles, or the note's own text."""
    rows = _named(note.tags, sources)
    if note.status != "sourced":
        return note.text, rows
    if note.source_text and not rows:
        return note.source_text, rows
    return "; ".join(f"[{r.id}] {r.title}".strip() for r in rows), rows


def _fitting(owner: _File, dotted: str) -> Calibration | None:
    """The first of the owner's targets files whose ``free:`` names ``dotted``."""
    return next((c for c in owner.calibrations if dotted in c.free), None)


def _fitted_beside(owner: _File, key: KeyPath) -> str | None:
    """A key written on the same line as ``key`` that one of the owner's targets fits."""
    entry = owner.comments.get(key)
    for other in entry.others_on_line if entry else ():
        sibling = ".".join((*key[:-1], other))
        if _fitting(owner, sibling) is not None:
            return sibling
    return None


def _parameter(key: KeyPath, value: Any, files: list[_File], sources: dict) -> Parameter:
    dotted, unit = ".".join(key), unit_of(key)
    owner = _owner(files, key)
    if owner is None:
        return Parameter(dotted, value, unit, "assumed", "default (not in the file)")
    found = note_for(owner.comments, key)
    own = owner.comments.get(key)
    note, line = found if found else (None, own.line if own else None)
    where = {"file": str(owner.path), "line": line}
    calibration = _fitting(owner, dotted)
    if calibration is not None:
        kpis = calibration.kpis
        shown = ", ".join(kpis[:3]) + (", ..." if len(kpis) > 3 else "")
        detail = f"{calibration.file.name}: {len(kpis)} targets ({shown})"
        rows = _named(note.tags, sources) if note else ()
        return Parameter(
            dotted, value, unit, "calibrated", detail, rows, **where, calibration=calibration
        )
    sibling = _fitted_beside(owner, key)
    if note is not None and note.status == "calibrated" and sibling:
        return Parameter(
            dotted, value, unit, "assumed", f"not fitted itself ({sibling} is)", **where
        )
    if note is None:
        return Parameter(dotted, value, unit, "assumed", "no source cited", **where)
    detail, rows = _from_note(note, sources)
    return Parameter(dotted, value, unit, note.status, detail, rows, **where)


def _files(path: Path, targets: Iterable[Path]) -> list[_File]:
    explicit = tuple(read_calibration(Path(t)) for t in targets)
    files = []
    for f in extends_chain(path):
        beside = f.parent / f"{f.stem}_targets.yaml"
        calibrations = explicit or ((read_calibration(beside),) if beside.is_file() else ())
        files.append(_File(f, read_comments(f), calibrations))
    return files


def describe(
    path: str | Path, targets: Iterable[Path] = (), sources_file: Path | None = None
) -> Register:
    """The register of the scenario file ``path``.

    ``targets`` are targets files whose ``free:`` key paths count as calibrated (default: a
    ``NAME_targets.yaml`` beside each file of the ``extends:`` chain). ``sources_file`` is
    docs/sources.md (default: found above the scenario, else the project's own); without
    one, sources show their ``[Sn]`` ids only.
    """
    path = Path(path)
    scenario = load_scenario(path)
    files = _files(path, targets)
    sources_file = sources_file or find_sources_file(path)
    sources = read_sources(sources_file)
    data = {k: v for k, v in scenario_to_dict(scenario).items() if k not in _NOT_PARAMETERS}
    parameters = tuple(
        _parameter(k, v, files, sources)
        for k, v in flatten(data)
        if k not in _SETTINGS and not (k[-1] == "name" and k[-2].isdigit())
    )
    counts = {s: sum(p.status == s for p in parameters) for s in STATUSES}
    counts["default"] = sum(p.file is None for p in parameters)
    return Register(str(path), scenario.name, parameters, sources_file, counts)
