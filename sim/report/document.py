"""A report as data: sections of paragraphs, tables and figures, rendered by
:mod:`sim.report.html`."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.report.headline import Headline
from sim.report.plotting import Figure


@dataclass
class Table:
    """A table: column headings and rows of cell texts, with an optional caption."""

    columns: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass
class Section:
    """A titled part of the report, in reading order: paragraphs, then figures, then tables."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class Report:
    """A whole report: its kind (``results``, ``comparison``, ...), title, headline, sections."""

    kind: str
    title: str
    headline: Headline
    sections: list[Section]
    notes: list[str] = field(default_factory=list)

    @property
    def figures(self) -> list[Figure]:
        return [f for s in self.sections for f in s.figures]
