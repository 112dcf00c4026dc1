"""Refinement: candidates added around the package that is enough, one step cheaper each.

When the grid is larger than the candidates, the cheapest package that is enough among
them is rarely the cheapest of the grid. Refinement walks down from it. The *anchor* is the
cheapest feasible package, and it offers its neighbours only while no incumbent waits to be
confirmed (the search's loop decides when). Its *cheaper neighbours* are the packages that
differ from it in one lever only, set one option lower (the next level down, or off from
its lowest level) or off, and cost strictly less; they are added to the candidates in
order of the money they save (largest first), :data:`BATCH` at a time, and screened like
any candidate. When one of them meets the targets in every screening replication it
becomes the incumbent and is confirmed before the walk goes on from it; when none does,
the anchor's next neighbours are added. Each anchor's neighbours are added at most once, so
the walk ends; a package whose cheaper neighbours are all ruled out (infeasible) is
*locally minimal*: lowering any one lever by one step or dropping it fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.search.levers import LeversFile
from sim.search.packages import package_cost

BATCH = 2
"""Neighbours added (and screened) at a time: a fixed number, so the walk, and the answer,
never depend on the number of workers."""

Levels = tuple[float | None, ...]


def cheaper_neighbours(levers: LeversFile, levels: Levels) -> list[Levels]:
    """The packages one step cheaper than ``levels``: for each lever that is on, the next
    option down and off (when the lever is optional), if they cost strictly less; largest
    saving first (ties: lever order, then the smaller step)."""
    cost = package_cost(levers, levels)
    found: dict[Levels, tuple[float, int, int]] = {}
    for i, lever in enumerate(levers.levers.values()):
        if levels[i] is None:
            continue
        options = lever.options()
        here = options.index(levels[i])
        downs = [options[here - 1]] if here > 0 else []
        if lever.optional and None not in downs:
            downs.append(None)
        for step, option in enumerate(downs):
            other = (*levels[:i], option, *levels[i + 1 :])
            saving = cost - package_cost(levers, other)
            if saving > 0 and other not in found:
                found[other] = (-saving, i, step)
    return sorted(found, key=lambda other: found[other])


@dataclass
class Descent:
    """Which neighbours of each anchor are still to be added (see the module)."""

    levers: LeversFile
    pending: dict[Levels, list[Levels]] = field(default_factory=dict)

    def next_batch(self, anchor: Levels, known: set[Levels]) -> list[Levels]:
        """Up to :data:`BATCH` cheaper neighbours of ``anchor`` not yet among the
        candidates (``known``); ``[]`` when every one has been added. (They cost less than
        the anchor, so a budget the anchor meets they meet too.)"""
        if anchor not in self.pending:
            self.pending[anchor] = cheaper_neighbours(self.levers, anchor)
        queue = self.pending[anchor]
        batch: list[Levels] = []
        while queue and len(batch) < BATCH:
            other = queue.pop(0)
            if other not in known:
                batch.append(other)
        return batch

    def queued(self, anchor: Levels) -> int:
        """Neighbours of ``anchor`` still to be offered (all of them before its first
        batch); some may turn out to be candidates already."""
        if anchor in self.pending:
            return len(self.pending[anchor])
        return len(cheaper_neighbours(self.levers, anchor))
