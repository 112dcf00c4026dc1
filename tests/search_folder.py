"""A real search folder for the report tests: the toy search of tests/search (its answer is
prevention=3 at 150,000 a year, see tests/search/data/toy.yaml), run through the command
line with ``--report`` (about 5 s), and ways to alter a copy of it."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.report_data import sim_invoke

DATA = Path(__file__).parent / "search" / "data"
TARGET = "referrals_per_year_category_family<2000"


def run_toy_search(out: Path, *extra: str) -> str:
    """``sim search`` of the toy into ``out`` (one worker); its output."""
    return sim_invoke(
        "search",
        str(DATA / "toy.yaml"),
        "--levers",
        str(DATA / "toy_levers.yaml"),
        "--target",
        TARGET,
        "--probability",
        "0.8",
        "--workers",
        "1",
        "--packages",
        "16",  # the whole grid of 15
        "--out",
        str(out),
        *extra,
    )


def altered(
    folder: Path,
    dest: Path,
    *,
    rows: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None,
    manifest: dict[str, Any] | None = None,
) -> Path:
    """A copy of a search folder (without its report) with search.csv's rows passed through
    ``rows`` (text cells; a new key becomes a new column) and ``manifest`` merged in."""
    dest.mkdir(parents=True)
    for name in ("search.csv", "front.csv", "manifest.json", "best.yaml"):
        if (folder / name).is_file():
            shutil.copy(folder / name, dest / name)
    if rows is not None:
        with (dest / "search.csv").open(newline="", encoding="utf-8") as f:
            old = list(csv.DictReader(f))
        new = rows([dict(r) for r in old])
        fields = list(dict.fromkeys(k for r in (new or old) for k in r))
        with (dest / "search.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            writer.writerows(new)
    if manifest:
        doc = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
        (dest / "manifest.json").write_text(json.dumps({**doc, **manifest}), encoding="utf-8")
    return dest
