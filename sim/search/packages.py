"""Candidate packages: combinations of lever levels, their yearly cost and their scenario.

A package gives each lever one of its options (off, or one of its levels). The candidates
are the whole grid of options when it has at most ``max_packages`` combinations; otherwise a
space-filling subset of that size, chosen reproducibly from ``seed``: the cheapest and the
costliest package, then greedily the grid point farthest (maximin distance on the options'
positions scaled to [0, 1]) from those already chosen, out of a seeded random pool.
Packages over a cost ``budget`` (money per year) are left out before choosing.
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

POOL_SIZE = 4000
"""Grid points drawn at random as the pool a space-filling subset is chosen from."""


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


def _grid(levers: LeversFile) -> list[tuple[int, ...]]:
    return list(itertools.product(*(range(len(lv.options())) for lv in levers.levers.values())))


def _pool(sizes: list[int], rng: np.random.Generator) -> list[tuple[int, ...]]:
    total = math.prod(sizes)
    if total <= POOL_SIZE:
        return list(itertools.product(*(range(s) for s in sizes)))
    draws = np.stack([rng.integers(0, s, POOL_SIZE) for s in sizes], axis=1)
    return sorted({tuple(int(v) for v in row) for row in draws})


def _maximin(
    pool: list[tuple[int, ...]], sizes: list[int], first: list[tuple[int, ...]], count: int
) -> list[tuple[int, ...]]:
    """``first``, then greedily the pool point farthest from every point chosen so far."""
    scale = np.array([max(1, s - 1) for s in sizes], dtype=float)
    points = np.array(pool, dtype=float) / scale
    chosen = list(dict.fromkeys(first))
    nearest = np.full(len(pool), np.inf)
    for c in chosen:
        nearest = np.minimum(nearest, np.linalg.norm(points - np.array(c) / scale, axis=1))
    while len(chosen) < count and np.isfinite(nearest).any() and nearest.max() > 0:
        pick = int(np.argmax(nearest))
        chosen.append(pool[pick])
        nearest = np.minimum(nearest, np.linalg.norm(points - points[pick], axis=1))
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
        pool = [i for i in _pool(sizes, rng) if affordable(i)]
        extremes = sorted({min(pool, key=cost), max(pool, key=cost)}) if pool else []
        chosen = _maximin(pool, sizes, extremes, max_packages) if pool else []
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
    data["measures"] = [*data.get("measures", []), *package_measures(levers, package)]
    names = list(levers.levers)
    where = f"{source} (package {package.label(names)})"
    scenario = validate(data, source=where)
    check_measures(scenario, source=where)
    return scenario
