"""One self-contained HTML page: figures inline as SVG, no network, no JavaScript; prints
on A4 with no figure split across pages."""

from __future__ import annotations

import datetime as dt
import re
from html import escape

from sim.report.document import Report, Section, Table
from sim.report.plotting import Figure

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #111;
  max-width: 52rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; line-height: 1.45; }
h1 { font-size: 1.5rem; margin: 0.5rem 0; }
h2 { font-size: 1.15rem; border-bottom: 1px solid #999; padding-bottom: 0.2rem;
  margin-top: 2rem; break-after: avoid; }
.headline { border: 2px solid #111; padding: 0.8rem 1rem; margin: 1rem 0; }
.headline h2 { margin-top: 0; }
.headline p.answer { font-size: 1.1rem; margin: 0.3rem 0; }
.headline p.scale { color: #333; font-size: 0.9rem; }
.warnings { border-left: 4px solid #111; background: #f2f2f2; padding: 0.4rem 0.8rem; }
.warnings li { margin: 0.2rem 0; }
figure { margin: 1rem 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 0.85rem; color: #333; }
table { border-collapse: collapse; font-size: 0.8rem; margin: 0.8rem 0; break-inside: auto; }
th, td { border: 1px solid #bbb; padding: 0.15rem 0.4rem; text-align: left; vertical-align: top; }
th { background: #eee; }
caption { text-align: left; font-weight: bold; padding: 0.2rem 0; }
tr { break-inside: avoid; }
nav ol { columns: 2; font-size: 0.9rem; }
footer { margin-top: 2rem; font-size: 0.8rem; color: #444; }
@page { size: A4; margin: 15mm; }
@media print { body { max-width: none; padding: 0; } nav { display: none; }
  h2 { break-before: auto; } a { color: inherit; text-decoration: none; } }
"""


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def svg_with_alt(figure: Figure) -> str:
    """The figure's SVG with ``role="img"``, an ``aria-label`` and a ``<title>``."""
    svg = figure.svg()
    alt = escape(figure.alt, quote=True)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{alt}" ', 1)
    end = svg.index(">", svg.index("<svg")) + 1
    return f"{svg[:end]}<title>{alt}</title>{svg[end:]}"


def figure_html(figure: Figure) -> str:
    return (
        f'<figure id="fig-{figure.name}">{svg_with_alt(figure)}'
        f"<figcaption><b>{escape(figure.title)}.</b> {escape(figure.alt)} "
        f"(figures/{figure.name}.svg, .png)</figcaption></figure>"
    )


def table_html(table: Table) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in table.rows
    )
    caption = f"<caption>{escape(table.caption)}</caption>" if table.caption else ""
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def section_html(section: Section) -> str:
    parts = [f'<section id="{slug(section.title)}"><h2>{escape(section.title)}</h2>']
    parts += [f"<p>{escape(p)}</p>" for p in section.paragraphs]
    parts += [figure_html(f) for f in section.figures]
    parts += [table_html(t) for t in section.tables]
    return "".join(parts) + "</section>"


def headline_html(report: Report) -> str:
    h = report.headline
    answer = "".join(f'<p class="answer">{escape(s)}</p>' for s in h.sentences)
    parts = [
        f'<section class="headline" id="headline"><h2>The answer</h2>{answer}',
        f'<p class="scale">{escape(h.scale)}</p>',
    ]
    if h.warnings:
        items = "".join(f"<li>{escape(w)}</li>" for w in h.warnings)
        parts.append(f'<div class="warnings"><b>Warnings</b><ul>{items}</ul></div>')
    parts += [f"<p>{escape(n)}</p>" for n in report.notes]
    return "".join(parts) + "</section>"


def render(report: Report, created: dt.datetime | None = None) -> str:
    """The whole page as text."""
    created = created or dt.datetime.now(dt.UTC)
    toc = "".join(
        f'<li><a href="#{slug(s.title)}">{escape(s.title)}</a></li>' for s in report.sections
    )
    body = "".join(section_html(s) for s in report.sections)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{escape(report.title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body>"
        f"<header><h1>{escape(report.title)}</h1></header>"
        f"{headline_html(report)}<nav><b>Contents</b><ol>{toc}</ol></nav>{body}"
        f"<footer>Written by caseflow-sim ({report.kind} report) on "
        f"{created:%Y-%m-%d %H:%M} UTC. Figures are also in figures/ as SVG and PNG.</footer>"
        "</body></html>\n"
    )
