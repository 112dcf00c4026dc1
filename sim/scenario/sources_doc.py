"""The source rows of ``docs/sources.md``: id (``S4``), short title and confidence.

Scenario comments cite a row as ``[S4]``; a row starts with ``**S4. Title.**`` and states
``Confidence: H`` (or M, L, M–H) somewhere in its paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_ROW = re.compile(r"^\*\*(S\d+)\.\s+(.+?)\*\*", re.MULTILINE | re.DOTALL)
_CONFIDENCE = re.compile(r"Confidence:\s*([HML](?:\s*[–-]\s*[HML])?)")


@dataclass(frozen=True)
class SourceRow:
    """One row of the sources file: ``id`` such as ``S4``, its title and confidence."""

    id: str
    title: str
    confidence: str | None


def parse_sources(text: str) -> dict[str, SourceRow]:
    """Every ``**Sn. title**`` row of the text, by id, in order of appearance."""
    rows: dict[str, SourceRow] = {}
    matches = list(_ROW.finditer(text))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = text[match.end() : end]
        confidence = _CONFIDENCE.search(body)
        title = " ".join(match.group(2).split()).rstrip(".")
        rows[match.group(1)] = SourceRow(
            match.group(1), title, confidence.group(1) if confidence else None
        )
    return rows


def find_sources_file(start: Path) -> Path | None:
    """``docs/sources.md`` in ``start``'s folder or the nearest folder above it, else the
    project's own (beside the installed package); None when there is none."""
    start = start.resolve()
    folders = [start if start.is_dir() else start.parent]
    folders += list(folders[0].parents)
    folders.append(Path(__file__).resolve().parents[2])
    for folder in folders:
        candidate = folder / "docs" / "sources.md"
        if candidate.is_file():
            return candidate
    return None


def read_sources(path: Path | None) -> dict[str, SourceRow]:
    """The rows of the sources file at ``path``; empty when there is no file."""
    if path is None or not path.is_file():
        return {}
    return parse_sources(path.read_text(encoding="utf-8"))
