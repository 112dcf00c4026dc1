"""The assumptions register: each commented parameter of the scenario file, with its status.

The scenario files say where a value comes from in a comment on its line: ``[Sn]`` cites a
public source (docs/sources.md), ``calibrated`` marks a value fitted by ``sim calibrate``,
``assumed`` says why a value has no public source. The register reads those comments from
the file the run was made from (and the files it ``extends``), so it is never stale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

_LINE = re.compile(
    r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[\w.]+):\s*(?P<value>[^#]*?)\s*#\s*(?P<note>.*)$"
)
_KEY = re.compile(r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[\w.]+):")
_SOURCE = re.compile(r"\[S\d+\]")


@dataclass(frozen=True)
class Entry:
    """One parameter: its key path, value as written, status and the comment."""

    path: str
    value: str
    status: str
    note: str


def status_of(note: str) -> str:
    """``calibrated``, ``sourced``, ``assumed`` or ``note`` from a line's comment."""
    low = note.lower()
    if "calibrated" in low:
        return "calibrated"
    if _SOURCE.search(note):
        return "sourced"
    if "assumed" in low:
        return "assumed"
    return "note"


def register_of_text(text: str) -> list[Entry]:
    """The register of one scenario file's text (key paths from indentation)."""
    stack: list[tuple[int, str]] = []
    entries = []
    for line in text.splitlines():
        head = _KEY.match(line)
        if not head or line.lstrip().startswith("#"):
            continue
        indent = len(head["indent"]) + (len(head["dash"]) if head["dash"] else 0)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = ".".join([k for _, k in stack] + [head["key"]])
        stack.append((indent, head["key"]))
        found = _LINE.match(line)
        if found and found["value"] and found["note"]:
            entries.append(Entry(path, found["value"], status_of(found["note"]), found["note"]))
    return entries


def scenario_file_of(command: list[str] | None, base: Path) -> Path | None:
    """The scenario file named in a manifest's command, if it still exists."""
    for arg in (command or [])[2:]:
        if arg.endswith((".yaml", ".yml")):
            for candidate in (Path(arg), base / arg):
                if candidate.is_file():
                    return candidate
    return None


def register(path: Path | None, depth: int = 0) -> list[Entry]:
    """The register of a scenario file and the files it extends (a child's entry wins)."""
    if path is None or depth > 8:
        return []
    text = path.read_text(encoding="utf-8")
    entries = register_of_text(text)
    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        return entries
    parent = doc.get("extends") if isinstance(doc, dict) else None
    if isinstance(parent, str):
        seen = {e.path for e in entries}
        inherited = register((path.parent / parent).resolve(), depth + 1)
        entries += [e for e in inherited if e.path not in seen]
    return entries
