"""Candidate packages: combinations of lever levels, their yearly cost and their scenario.

A package gives each lever one of its options (off, or one of its levels). The candidates
are the whole grid of options when it has at most ``max_packages`` combinations; otherwise a
space-filling subset of that size, chosen reproducibly from ``seed``: the cheapest and the
costliest package, then the rows of a maximin Latin hypercube on the options (each lever's
options equally often; of :data:`TRIES` random such designs, the one whose closest pair of
points, options scaled to [0, 1], is farthest apart). Packages over a cost ``budget``
(money per year) are then left out, so a budget can leave fewer candidates.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.errors import InputError
from sim.scenario.changes import scenario_to_dict
from sim.scenario.measures import check_measures
from sim.scenario.schema import Scenario
from sim.scenario.validation import validate
from sim.search.levers import LeversFile

TRIES = 200
"""Balanced random designs tried when choosing a space-filling subset."""


@dataclass(frozen=True)
class Package:
    """One candidate: each lever's level (``None``: off) and the cost, money per year."""

    index: int
    levels: tuple[float | None, ...]
    cost_per_year: float

    def named(self, names: list[str]) -> dict[str, float | None]:
        return dict(zip(names, self.levels, strict=True))

    def label(self, names: list[str]) -> str:
        """``lever=level`` for each lever that is on (``none`` for no measure at all)."""
        on = [f"{n}={_number(v)}" for n, v in zip(names, self.levels, strict=True) if v is not None]
        return ", ".join(on) or "none"


def _number(value: float) -> str:
    return f"{value:g}"


def package_cost(levers: LeversFile, levels: tuple[float | None, ...]) -> float:
    """Money per year of the package that sets each lever to ``levels`` (in file order)."""
    return float(sum(lv.cost(x) for lv, x in zip(levers.levers.values(), levels, strict=True)))


def grid_size(levers: LeversFile) -> int:
    return math.prod(len(lv.options()) for lv in levers.levers.values())


def grid_cell(levers: LeversFile, levels: tuple[float | None, ...]) -> int:
    """The package's place in the whole grid of options (mixed radix, first lever most
    significant): the same package has the same cell however the search reached it, so
    kept replications are matched to packages by cell."""
    cell = 0
    for lever, level in zip(levers.levers.values(), levels, strict=True):
        options = lever.options()
        cell = cell * len(options) + options.index(level)
    return cell


def _grid(levers: LeversFile) -> list[tuple[int, ...]]:
    return list(itertools.product(*(range(len(lv.options())) for lv in levers.levers.values())))


def _balanced(sizes: list[int], count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` rows in which each lever's options appear equally often (a Latin hypercube
    on the options), in a random order per lever."""
    cols = [rng.permutation(np.resize(np.arange(s), count)) for s in sizes]
    return np.stack(cols, axis=1)


def _min_distance(rows: np.ndarray, scale: np.ndarray) -> float:
    points = rows / scale
    gaps = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=2)
    gaps[np.diag_indices(len(points))] = np.inf
    return float(gaps.min())


def _space_filling(
    sizes: list[int], count: int, rng: np.random.Generator, keep: list[tuple[int, ...]]
) -> list[tuple[int, ...]]:
    """``keep``, then rows of the best of :data:`TRIES` balanced designs by maximin
    distance (options scaled to [0, 1]), repeats and ``keep`` left out."""
    scale = np.array([max(1, s - 1) for s in sizes], dtype=float)
    best, best_gap = None, -1.0
    for _ in range(TRIES):
        rows = _balanced(sizes, max(1, count - len(keep)), rng)
        gap = _min_distance(np.vstack([rows, np.array(keep)]), scale) if keep else 0.0
        if gap > best_gap:
            best, best_gap = rows, gap
    chosen = list(dict.fromkeys(keep))
    for row in best if best is not None else []:
        point = tuple(int(v) for v in row)
        if point not in chosen:
            chosen.append(point)
    return chosen[:count]


def make_packages(
    levers: LeversFile, *, max_packages: int, seed: int, budget: float | None = None
) -> list[Package]:
    """The candidate packages, cheapest first (ties in grid order); see the module docstring.

    Raises :class:`InputError` when no package is within ``budget`` (money per year).
    """
    options = [lv.options() for lv in levers.levers.values()]
    sizes = [len(o) for o in options]

    def cost(idx: tuple[int, ...]) -> float:
        return package_cost(levers, tuple(o[i] for o, i in zip(options, idx, strict=True)))

    def affordable(idx: tuple[int, ...]) -> bool:
        return budget is None or cost(idx) <= budget

    if math.prod(sizes) <= max_packages:
        chosen = [i for i in _grid(levers) if affordable(i)]
    else:
        rng = np.random.default_rng(seed)
        cheapest = tuple(
            0 if lv.optional else int(np.argmin([lv.cost(x) for x in lv.options()]))
            for lv in levers.levers.values()
        )
        costliest = tuple(
            int(np.argmax([lv.cost(x) for x in lv.options()])) for lv in levers.levers.values()
        )
        design = _space_filling(sizes, max_packages, rng, [cheapest, costliest])
        chosen = [i for i in design if affordable(i)]
    if not chosen:
        raise InputError(
            f"no package of these levers costs at most the budget ({budget:g} a year)",
            key="--budget",
        )
    ranked = sorted(chosen, key=lambda i: (cost(i), i))
    return [
        Package(n, tuple(o[i] for o, i in zip(options, idx, strict=True)), cost(idx))
        for n, idx in enumerate(ranked)
    ]


def package_measures(levers: LeversFile, package: Package) -> list[dict[str, Any]]:
    """The scenario measures (as mappings) of ``package``: one per lever that is on."""
    return [
        lever.measure.measure(name, level)
        for (name, lever), level in zip(levers.levers.items(), package.levels, strict=True)
        if level is not None
    ]


def package_scenario(
    base: Scenario, levers: LeversFile, package: Package, *, source: str
) -> Scenario:
    """``base`` with the package's measures added after its own; checked like a scenario
    file (every measure's paths, and the scenario at full strength), errors naming
    ``source`` (the levers file) and the package."""
    data = scenario_to_dict(base)
    first = len(data.get("measures", []))
    data["measures"] = [*data.get("measures", []), *package_measures(levers, package)]
    names = list(levers.levers)
    where = f"{source} (package {package.label(names)})"
    try:
        scenario = validate(data, source=where)
        check_measures(scenario, source=where)
    except InputError as err:
        on = [name for name, level in zip(names, package.levels, strict=True) if level is not None]
        raise InputError(err.message, file=err.file, key=_lever_key(err.key, first, on)) from None
    return scenario


def _lever_key(key: str | None, first: int, on: list[str]) -> str | None:
    """A package scenario's key path ``measures.<i>.<rest>`` as the levers file's
    ``levers.<name>.measure.<rest>`` when measure ``i`` is a lever's (the ``first``
    measures are the base scenario's, then one per lever that is ``on``)."""
    parts = (key or "").split(".", 2)
    if len(parts) >= 2 and parts[0] == "measures" and parts[1].isdigit():
        i = int(parts[1]) - first
        if 0 <= i < len(on):
            return ".".join(["levers", on[i], "measure", *parts[2:]])
    return key
