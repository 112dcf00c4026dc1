"""The comments of a scenario file by key path, and what they say about a value's status.

A key's comment is the one at the end of its line or, failing that, the block of comment
lines just above it. A comment shared by several keys on one line (a flow mapping such as
``{mean: 5, cv: 1.3}  # assumed mean; cv calibrated``) is split at ``;`` and a key keeps
the parts that name it, or else the parts that name none of the other keys (a
distribution's ``kind`` keeps the whole comment). A comment that
says nothing about status leaves the question to the enclosing section's comment.

Status words: ``[S4]`` (a row of docs/sources.md, also ``[S6]-[S8]``) or ``source: text``
means sourced, ``calibrated`` calibrated, ``assumed`` assumed; the first one wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from sim.scenario.yaml_io import YamlLoader, read_yaml_document

KeyPath = tuple[str, ...]

_TAG = re.compile(r"\[S(\d+)\](?:\s*[-–]\s*\[S(\d+)\])?")
_SOURCE_TEXT = re.compile(r"\bsources?\s*:\s*(.+)", re.IGNORECASE)
_CALIBRATED = re.compile(r"\bcalibrated\b", re.IGNORECASE)
_ASSUMED = re.compile(r"\bassumed\b", re.IGNORECASE)


@dataclass(frozen=True)
class Note:
    """What a comment says: ``status`` (sourced, calibrated, assumed or None for nothing),
    the cited source ids, the free-text source (``source: my survey``) and the text."""

    status: str | None
    tags: tuple[str, ...]
    source_text: str | None
    text: str


@dataclass(frozen=True)
class KeyComment:
    """One key of a file: its line (1-based), its node kind and its comment."""

    line: int
    scalar: bool
    sequence: bool
    comment: str | None
    others_on_line: tuple[str, ...]


def cited_tags(text: str) -> tuple[str, ...]:
    """The source ids cited in ``text``, ranges expanded (``[S6]-[S8]`` → S6, S7, S8)."""
    tags: list[str] = []
    for match in _TAG.finditer(text):
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        for n in range(first, max(first, last) + 1):
            if f"S{n}" not in tags:
                tags.append(f"S{n}")
    return tuple(tags)


def read_note(text: str) -> Note:
    """The status a comment gives (the earliest status word), with its citations."""
    found = []
    for status, pattern in (
        ("sourced", _TAG),
        ("sourced", _SOURCE_TEXT),
        ("calibrated", _CALIBRATED),
        ("assumed", _ASSUMED),
    ):
        match = pattern.search(text)
        if match:
            found.append((match.start(), status))
    status = min(found)[1] if found else None
    free = _SOURCE_TEXT.search(text)
    source_text = free.group(1).strip() if free and not _TAG.search(free.group(1)) else None
    return Note(status, cited_tags(text), source_text, text)


def _inline_comment(line: str) -> str | None:
    quote = None
    for i, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[i + 1 :].strip() or None
    return None


def _comment_above(lines: list[str], index: int) -> str | None:
    block: list[str] = []
    i = index - 1
    while i >= 0 and lines[i].strip().startswith("#"):
        block.insert(0, lines[i].strip().lstrip("#").strip())
        i -= 1
    return " ".join(block) or None


def _walk(node, prefix: KeyPath, out: dict[KeyPath, tuple[int, yaml.Node]]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = (*prefix, str(key.value))
            out[path] = (key.start_mark.line, value)
            _walk(value, path, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            path = (*prefix, str(i))
            out[path] = (item.start_mark.line, item)
            _walk(item, path, out)


def read_comments(path: Path) -> dict[KeyPath, KeyComment]:
    """Every key path written in the file ``path`` (not its ``extends:``), with comments."""
    read_yaml_document(path)  # errors on unreadable or invalid YAML name the file
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    root = yaml.compose(text, Loader=YamlLoader)
    nodes: dict[KeyPath, tuple[int, yaml.Node]] = {}
    if root is not None:
        _walk(root, (), nodes)
    names_by_line: dict[int, list[str]] = {}
    for key, (line, node) in nodes.items():
        if not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            names_by_line.setdefault(line, []).append(key[-1])
    comments: dict[KeyPath, KeyComment] = {}
    for key, (line, node) in nodes.items():
        comment = _inline_comment(lines[line]) or _comment_above(lines, line)
        others = tuple(n for n in names_by_line.get(line, []) if n != key[-1])
        comments[key] = KeyComment(
            line + 1,
            isinstance(node, yaml.ScalarNode),
            isinstance(node, yaml.SequenceNode),
            comment,
            others,
        )
    return comments


def _own_part(comment: str, name: str, others: tuple[str, ...]) -> str | None:
    """The ``;``-separated parts of a comment shared on one line that concern ``name``."""
    if not others or name == "kind":
        return comment
    parts = [p.strip() for p in comment.split(";") if p.strip()]

    def names(part: str, word: str) -> bool:
        return re.search(rf"(?<![\w.]){re.escape(word)}(?![\w])", part) is not None

    mine = [p for p in parts if names(p, name)]
    if not mine:
        mine = [p for p in parts if not any(names(p, o) for o in others)]
    return "; ".join(mine) or None


def note_for(comments: dict[KeyPath, KeyComment], key: KeyPath) -> tuple[Note, int] | None:
    """The status note for ``key`` from its own comment or its nearest section's, with the
    line it is on; None when no comment on the way up says anything about status."""
    for depth in range(len(key), 0, -1):
        entry = comments.get(key[:depth])
        if entry is None or entry.comment is None:
            continue
        text = _own_part(entry.comment, key[depth - 1], entry.others_on_line)
        if text is None:
            continue
        note = read_note(text)
        if note.status is not None:
            return note, entry.line
    return None
