"""A search folder (``sim search``) read back for its report: the manifest, every package
(``search.csv``), the cost–probability front (``front.csv``), and the levers file the search
named when it is still at hand and still gives the packages' costs."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.report.inputs import read_csv_rows, read_json
from sim.search.levers import LeversFile, parse_levers, read_levers

COST_TOLERANCE = 0.01
"""Money a year by which a package's cost from the levers file may differ from search.csv's
(rounding) before the file counts as changed since the search."""


@dataclass
class SearchInput:
    """A search folder: ``manifest`` (manifest.json), ``rows`` (search.csv, one per package),
    ``front`` (front.csv); ``levers`` is the levers file when it is at hand and gives every
    package the cost search.csv records, else ``None`` with ``levers_note`` saying why."""

    manifest: dict[str, Any]
    rows: list[dict[str, Any]]
    front: list[dict[str, Any]]
    levers: LeversFile | None = None
    levers_note: str = ""

    @property
    def probability(self) -> float:
        """The probability every target must be met with (``--probability``)."""
        return float(self.options.get("probability", math.nan))

    @property
    def options(self) -> dict[str, Any]:
        return dict(self.manifest.get("options") or {})

    @property
    def lever_names(self) -> list[str]:
        return [str(n) for n in self.manifest.get("levers") or []]

    @property
    def currency(self) -> str:
        """The levers file's currency, or ``""`` when the folder gives no way to know it."""
        recorded = self.manifest.get("currency")
        if recorded:
            return str(recorded)
        return self.levers.currency if self.levers is not None else ""

    @property
    def best(self) -> dict[str, Any] | None:
        """The chosen package's row, or ``None`` when no package met the targets."""
        index = self.manifest.get("best_package")
        if index is None:
            return None
        return next((r for r in self.rows if _int(r.get("package")) == int(index)), None)

    def simulated(self) -> list[dict[str, Any]]:
        """The packages with at least one replication and an estimate, cheapest first."""
        run = [r for r in self.rows if _int(r.get("replications")) > 0 and _finite(r)]
        return sorted(run, key=lambda r: (r["cost_per_year"], _int(r.get("package"))))

    def cheapest_first(self) -> list[dict[str, Any]]:
        """Every package, cheapest first (ties in package order)."""
        return sorted(self.rows, key=lambda r: (r["cost_per_year"], _int(r.get("package"))))


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _finite(row: dict[str, Any]) -> bool:
    p = row.get("probability")
    return isinstance(p, float) and math.isfinite(p)


def read_search(path: Path, base: Path) -> SearchInput:
    """The search folder ``path``; a relative levers file is looked for beside ``base`` (the
    folder the search ran in) and as given."""
    manifest = read_json(path / "manifest.json")
    rows = read_csv_rows(path / "search.csv")
    for column in ("package", "label", "cost_per_year", "replications", "status"):
        if rows and column not in rows[0]:
            raise InputError(f"search.csv has no {column!r} column", file=str(path / "search.csv"))
    front = read_csv_rows(path / "front.csv") if (path / "front.csv").is_file() else []
    for row in rows + front:
        row["label"] = str(row.get("label", ""))
    found = SearchInput(manifest, rows, front)
    found.levers, found.levers_note = _levers(manifest, found, base)
    return found


def _levers(
    manifest: dict[str, Any], found: SearchInput, base: Path
) -> tuple[LeversFile | None, str]:
    """The levers as the search recorded them in its manifest; for an older folder, the
    levers file with a note on where it was read, or ``None`` and why not."""
    recorded = manifest.get("levers_definition")
    if isinstance(recorded, dict):
        try:
            levers = parse_levers(recorded, source="manifest.json levers_definition")
        except InputError as exc:
            return None, f"The levers recorded in manifest.json cannot be read ({exc})."
        return levers, "Costs and sources as the search recorded them (manifest.json)."
    name = manifest.get("levers_file")
    if not name:
        return None, "The search folder does not name its levers file."
    given = Path(str(name))
    at_hand = [p for p in (given, base / given) if p.is_file()]
    if not at_hand:
        return None, (
            f"The levers file {name} is not at hand (run sim report from the folder the "
            "search ran in to show the levers' costs and their sources); the search folder "
            "records each package's levels and total cost only."
        )
    try:
        levers = read_levers(at_hand[0])
    except InputError as exc:
        return None, f"The levers file {name} cannot be read now ({exc})."
    changed = _changed_costs(levers, found)
    if changed:
        return None, (
            f"The levers file {name} no longer gives the costs the search recorded (package "
            f"{changed}): it has changed since the search, so its costs are not shown."
        )
    return levers, (
        f"Costs and sources as read now from {name}, which still gives every package the "
        "cost the search recorded."
    )


def _changed_costs(levers: LeversFile, found: SearchInput) -> str:
    """The label of a package whose cost from ``levers`` differs from search.csv's, or ``""``."""
    names = found.lever_names
    if any(n not in levers.levers for n in names):
        return "levers " + ", ".join(n for n in names if n not in levers.levers)
    for row in found.rows:
        total = 0.0
        for n in names:
            level = row.get(n)
            total += levers.levers[n].cost(level if isinstance(level, float) else None)
        if abs(total - row["cost_per_year"]) > COST_TOLERANCE:
            return row["label"]
    return ""
