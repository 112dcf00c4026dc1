"""The report of a search: the cost–probability chart and every package, the levers and
their costs, and how the search ran."""

from __future__ import annotations

import math
from typing import Any

from sim.report.document import Report, Section, Table
from sim.report.figures_search import search_figure
from sim.report.headline_search import money, refined_text, search_headline, targets_text
from sim.report.search_input import SearchInput
from sim.report.sections_run import some
from sim.report.suppress import Suppression


def _share(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) and math.isfinite(value) else "–"


def package_table(found: SearchInput) -> Table:
    """Every package, cheapest first: cost, tally, probability, Wilson interval, status."""
    best = found.best
    chosen = best["label"] if best is not None else None
    level = found.options.get("level", 0.95)
    rows = []
    for r in found.cheapest_first():
        n = int(r["replications"]) if math.isfinite(r["replications"]) else 0
        low, high = r.get("wilson_low"), r.get("wilson_high")
        interval = f"{_share(low)}–{_share(high)}" if n else "–"
        status = str(r["status"]) + (" (chosen)" if r["label"] == chosen else "")
        successes = r.get("successes")
        rows.append(
            [
                r["label"],
                f"{r['cost_per_year']:,.0f}",
                str(n),
                str(int(successes)) if n and isinstance(successes, float) else "–",
                _share(r.get("probability")) if n else "–",
                interval,
                status,
            ]
        )
    columns = [
        "package",
        f"cost a year ({found.currency or 'currency not recorded'})",
        "replications",
        "meeting every target",
        "probability",
        f"Wilson {float(level):.0%} interval",
        "status",
    ]
    return Table(columns, rows, "Every package, cheapest first (search.csv)")


def lever_table(found: SearchInput) -> Table:
    """Each lever's levels in the packages and, when the levers file is at hand, its costs
    with their sources."""
    rows = []
    for name in found.lever_names:
        levels = sorted({r[name] for r in found.rows if isinstance(r.get(name), float)})
        shown = ", ".join(f"{v:g}" for v in levels) or "–"
        lever = found.levers.levers.get(name) if found.levers is not None else None
        if lever is None:
            rows.append([name, "", shown, "not recorded", ""])
            continue
        for i, c in enumerate(lever.costs):
            what = f" ({c.what})" if c.what else ""
            each = "per level" if c.per == "level" else "while on"
            cost = f"{money(c.per_year, found.currency)} a year {each}{what}"
            first = i == 0
            rows.append(
                [
                    name if first else "",
                    lever.description if first else "",
                    shown if first else "",
                    cost,
                    c.source,
                ]
            )
    columns = ["lever", "description", "levels in the packages", "cost", "source"]
    return Table(columns, rows, "Levers and their costs")


def ran_paragraphs(found: SearchInput) -> list[str]:
    """How the search ran: its settings, spend and time, and its method."""
    m, o = found.manifest, found.options
    budget = o.get("budget")
    cap = (
        f"packages costing more than {money(budget, found.currency)} a year left out; "
        if budget
        else ""
    )
    timings = m.get("timings") or {}
    wall = timings.get("wall_seconds")
    return [
        f"Targets: {targets_text(found)}, every one in the same replication, with probability "
        f"≥ {found.probability:g}; Wilson intervals at {float(o.get('level', 0.95)):.0%}.",
        f"Replications: {m.get('replications')} of a budget of {o.get('max_reps')} "
        f"({m.get('replications_simulated')} simulated, {m.get('replications_resumed')} "
        f"resumed; {o.get('screening')} per package in screening, at most "
        f"{o.get('package_cap')} per package, rounds of {o.get('round_reps')}); a brute-force "
        f"search of every grid package to the cap would take {m.get('brute_force_replications')}.",
        f"Packages: {m.get('packages_simulated')} of {m.get('candidate_packages')} candidates"
        f"{refined_text(m)} simulated, {m.get('grid_packages')} in the grid ({cap}at most "
        f"{o.get('max_packages')} candidates); {m.get('feasible_packages')} feasible; "
        f"{'settled' if m.get('settled') else 'not settled'}"
        + (
            "; the answer is locally minimal (every package one step cheaper ruled out)."
            if m.get("locally_minimal")
            else "."
        ),
        f"Scenario {m.get('scenario')}, levers file {m.get('levers_file')}, seed {m.get('seed')}, "
        f"{float(m.get('horizon_days', 0)):g} days after a {float(m.get('warmup_days', 0)):g}-day "
        f"warm-up, until {m.get('until') or 'the end of the horizon'}"
        + (f"; {wall:.1f} s of wall time." if isinstance(wall, int | float) else "."),
        f"Method: {m.get('method', 'not recorded')}.",
    ]


SUPPRESS_NOTE = (
    "--suppress-below {}: a search's counts are of replications, not of cases or referrals, "
    "so nothing is hidden."
)


def search_report(found: SearchInput, sup: Suppression) -> Report:
    """A search folder's report (``sup`` has nothing to hide: the counts are of
    replications, not of cases)."""
    chart = Section(
        "Cost against probability",
        [
            "Each simulated package at its cost a year and the share of its replications "
            "meeting every target; packages never simulated are in the table only."
        ],
        figures=some(search_figure(found)),
        tables=[package_table(found)],
    )
    levers = Section("Levers and costs", [found.levers_note], tables=[lever_table(found)])
    sections = [chart, levers, Section("How the search ran", ran_paragraphs(found))]
    notes = [SUPPRESS_NOTE.format(sup.below)] if sup.active else []
    title = f"Search over {found.manifest.get('scenario', 'a scenario')}"
    return Report("search", title, search_headline(found), sections, notes)
