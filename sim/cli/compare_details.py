"""The per-scenario table of ``sim compare``: the columns that fit, no cell ever wrapped.

Columns come in order of importance (KPI, difference with its interval, verdict, Holm
p-value, the two means, relative change, pairing, raw p-value) and are shown while the table
fits the terminal; headers may break between words, cells never break.
"""

from __future__ import annotations

import textwrap
from typing import Any

from rich.table import Table

from sim.cli.common import fmt
from sim.compare.files import method_text, narrower_text
from sim.compare.matrix import LEGEND
from sim.compare.verdicts import BETTER, MARKS, NO_DIFFERENCE, NO_DIRECTION, TOO_FEW, WORSE

_STYLE = {BETTER: "green", WORSE: "red"}
_SHORT = {
    BETTER: "▲ better",
    WORSE: "▼ worse",
    NO_DIFFERENCE: "· not detected",
    NO_DIRECTION: "n/a",
    TOO_FEW: "n/a (too few)",
}


def verdict_cell(row: dict[str, Any]) -> str:
    """``▲ better``, ``▼ worse``, ``· not detected (34)`` with replications that would
    detect it, ``n/a``."""
    text = _SHORT.get(row["verdict"], row["verdict"])
    if row.get("replications_needed") is not None:
        text += f" ({row['replications_needed']:,})"
    return text


def verdict_mark(row: dict[str, Any]) -> str:
    """The verdict as its matrix mark, for narrow terminals: ``▲``, ``▼``, ``· (34)``, ``n/a``."""
    mark = MARKS.get(row["verdict"], "n/a")
    needed = row.get("replications_needed")
    return mark if needed is None else f"{mark} ({needed:,})"


def _mean_pm(mean: Any, low: Any, high: Any, with_interval: bool) -> str:
    if mean is None:
        return "–"
    if low is None or not with_interval:
        return fmt(mean)
    return f"{fmt(mean)} ± {fmt((high - low) / 2, 2)}"


def _interval(value: Any, low: Any, high: Any) -> str:
    if value is None:
        return "–"
    return fmt(value) if low is None else f"{fmt(value)} ({fmt(low)}, {fmt(high)})"


def _plus_minus(row: dict[str, Any]) -> str:
    """``−3.28 ± 1.9``: the difference and its interval's half-width."""
    value, low, high = row["difference"], row["difference_ci_low"], row["difference_ci_high"]
    if value is None:
        return "–"
    return fmt(value) if low is None else f"{fmt(value)} ± {fmt((high - low) / 2, 2)}"


_DIFFERENCE_PM = ("difference ± half-width", _plus_minus)


def _change(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:+.0%}" if abs(value) >= 10 else f"{value:+.1%}"


def _p(value: Any) -> str:
    if value is None:
        return "–"
    return "<0.0001" if value < 1e-4 else f"{value:.4f}"


def _columns(result: dict[str, Any], label: str, wide: bool) -> list[tuple[str, Any]]:
    """(header, cell of a row) in the order shown."""
    level = f"{result['level']:.0%}"
    return [
        ("KPI", lambda r: r["kpi"]),
        (result["baseline"], lambda r: _mean_pm(*_triple(r, "baseline_mean"), wide)),
        (label, lambda r: _mean_pm(*_triple(r, "mean"), wide)),
        (f"difference ({level} CI)", lambda r: _interval(*_triple(r, "difference"))),
        ("change", lambda r: _change(r["relative_change"])),
        ("p", lambda r: _p(r["p_value"])),
        ("p Holm", lambda r: _p(r["p_adjusted"])),
        ("verdict (reps to detect)", verdict_cell),
        ("pairing", narrower_text),
    ]


_PRIORITY = (0, 7, 3, 6, 1, 2, 4, 8, 5)  # column positions, most important first


def _triple(row: dict[str, Any], value: str) -> tuple[Any, Any, Any]:
    """A value and its interval: ``mean``/``ci_low``/``ci_high`` and the prefixed ones."""
    prefix = {"mean": "", "baseline_mean": "baseline_", "difference": "difference_"}[value]
    return row[value], row[f"{prefix}ci_low"], row[f"{prefix}ci_high"]


def _sizes(headers: list[str], cells: list[list[str]]) -> list[int]:
    """Each column's width: its widest cell or the longest word of its header."""
    return [
        max([*(len(c) for c in column), *(len(w) for w in header.split())])
        for header, column in zip(headers, cells, strict=True)
    ]


def _fitting(sizes: list[int], width: int) -> list[int]:
    """Positions of the columns that fit ``width`` characters, in display order."""
    chosen: list[int] = []
    used = 1
    for position in _PRIORITY:
        if not chosen or used + sizes[position] + 3 <= width:
            chosen.append(position)
            used += sizes[position] + 3
    return sorted(chosen)


def _not_started(scenario: dict[str, Any]) -> str:
    if not scenario["measures_never_started"]:
        return ""
    return (
        f" (measures never started: run ends day {scenario['end_day']:g}, "
        f"first measure day {scenario['first_measure_day']:g})"
    )


def scenario_table(
    result: dict[str, Any], scenario: dict[str, Any], shown: set[str], width: int
) -> Table:
    """One scenario against the baseline, KPIs in ``shown``, at most ``width`` wide."""
    label = scenario["label"]
    columns = _columns(result, label, wide=width >= 170)
    rows = [r for r in result["comparisons"] if r["scenario"] == label and r["kpi"] in shown]
    cells = [[cell(r) for r in rows] for _, cell in columns]
    sizes = _sizes([h for h, _ in columns], cells)
    keep = _fitting(sizes, width)
    compact = False
    # Too narrow for the difference and the verdict: shorter forms of them, in turn.
    for position, column in ((3, _DIFFERENCE_PM), (7, ("verdict", verdict_mark))):
        if 3 in keep and 7 in keep:
            break
        columns[position] = column
        cells[position] = [column[1](r) for r in rows]
        sizes = _sizes([h for h, _ in columns], cells)
        keep = _fitting(sizes, width)
        compact = compact or position == 7
    tests = result["multiple_testing"]["tests"]
    table = Table(
        title=f"{label} vs {result['baseline']}: {method_text(scenario['method'])}, "
        f"{scenario['method_reason']}" + _not_started(scenario),
        title_justify="left",
        caption=f"verdicts at {result['alpha']:g} after Holm's correction across {tests} "
        + ("test" if tests == 1 else "tests")
        + ("" if len(keep) == len(columns) else "; more columns in a wider terminal, --json")
        + ("; pairing: how many times narrower the paired interval is" if 8 in keep else "")
        + (f". {LEGEND}" if compact else ""),
        caption_justify="left",
    )
    for position in keep:
        justify = "left" if position in (0, 7) else "right"
        header = textwrap.fill(columns[position][0], sizes[position])
        table.add_column(header, justify=justify, no_wrap=True, width=sizes[position])  # type: ignore[arg-type]
    for i, r in enumerate(rows):
        texts = [cells[p][i] for p in keep]
        style = _STYLE.get(r["verdict"])
        if style and 7 in keep:
            at = keep.index(7)
            texts[at] = f"[{style}]{texts[at]}[/]"
        table.add_row(*texts)
    return table
