"""The search procedure as pure bookkeeping: tallies, statuses, the next replications.

No simulation happens here: :class:`Procedure` is told how many replications of each
package met every target and says which replications to run next, so the rules can be
tested with any stand-in for the model. Probabilities are shares of replications meeting
every target, with Wilson score intervals at ``level``. Statuses, in this order:

- ``infeasible``: the interval's upper bound is below the required probability;
- ``feasible``: its lower bound is at or above it;
- ``dominated``: undecided, and some package at most as costly is feasible, so it cannot
  be the cheapest feasible one. (A package that is costlier and clearly no more probable
  than another, its upper bound at or below the other's lower bound, is this case too: an
  undecided package's upper bound is at least p*, so the other one is feasible.)
- ``undecided``: none of these (also a package not yet run).

Rounds after the screening give replications to the *open* packages (undecided, cheaper
than the cheapest feasible one, under ``package_cap``). The *incumbent*, the cheapest open
package whose share is at or above the probability, comes first: confirmed, it bounds the
answer's cost, and every costlier package becomes dominated. Then every cheaper open
package, cheapest first. Each gets the replications after which its Wilson bound would
cross the probability if its share stayed as it is (:meth:`Procedure.needed`), until the
round is full. Costlier packages get none while an incumbent exists. See
``docs/search.md`` for how this relates to OCBA and feasibility determination.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np

from sim.stats.paired import wilson_interval

FEASIBLE, INFEASIBLE, DOMINATED, UNDECIDED = "feasible", "infeasible", "dominated", "undecided"


@dataclass
class Tally:
    """Replications run of one package and how many met every target."""

    n: int = 0
    met: int = 0

    def add(self, met: bool) -> None:
        self.n += 1
        self.met += int(bool(met))


@dataclass
class Procedure:
    """Statuses and allocation for packages with these yearly ``costs`` (see the module)."""

    costs: list[float]
    probability: float
    level: float = 0.95
    package_cap: int = 40
    screening: int = 1  # replications a package not yet run needs first
    tallies: list[Tally] = field(default_factory=list)
    max_reps: int | None = None  # replications the whole search may run (None: no cap)

    def __post_init__(self) -> None:
        if not self.tallies:
            self.tallies = [Tally() for _ in self.costs]

    @property
    def budget_left(self) -> int | None:
        """Replications the search may still run (``None``: no cap)."""
        return None if self.max_reps is None else self.max_reps - sum(t.n for t in self.tallies)

    def add(self, cost: float) -> int:
        """A new candidate costing ``cost`` a year, not yet run; returns its index."""
        self.costs.append(cost)
        self.tallies.append(Tally())
        return len(self.costs) - 1

    def interval(self, i: int) -> tuple[float, float]:
        """Wilson bounds of package ``i`` (0 and 1 before any replication)."""
        t = self.tallies[i]
        w = wilson_interval(t.met, t.n, self.level)
        return (0.0, 1.0) if t.n == 0 else (w["ci_low"], w["ci_high"])

    def _base_status(self, i: int) -> str:
        low, high = self.interval(i)
        if self.tallies[i].n and high < self.probability:
            return INFEASIBLE
        if self.tallies[i].n and low >= self.probability:
            return FEASIBLE
        return UNDECIDED

    def statuses(self) -> list[str]:
        base = [self._base_status(i) for i in range(len(self.costs))]
        feasible_costs = [c for c, s in zip(self.costs, base, strict=True) if s == FEASIBLE]
        cheapest = min(feasible_costs, default=math.inf)
        return [
            DOMINATED if s == UNDECIDED and self.costs[i] >= cheapest else s
            for i, s in enumerate(base)
        ]

    def best(self) -> int | None:
        """The cheapest feasible package (ties: the higher share), or ``None``."""
        feasible = [i for i, s in enumerate(self.statuses()) if s == FEASIBLE]
        if not feasible:
            return None
        return min(feasible, key=lambda i: (self.costs[i], -self._share(i), i))

    def _share(self, i: int) -> float:
        t = self.tallies[i]
        return t.met / t.n if t.n else math.nan

    def open_packages(self) -> list[int]:
        """Undecided packages that could still be the answer and may get replications,
        cheapest first."""
        statuses = self.statuses()
        best = self.best()
        limit = math.inf if best is None else self.costs[best]
        return sorted(
            (
                i
                for i, s in enumerate(statuses)
                if s == UNDECIDED and self.costs[i] < limit and self.tallies[i].n < self.package_cap
            ),
            key=lambda i: (self.costs[i], i),
        )

    def blocking(self) -> list[int]:
        """Undecided packages cheaper than the best (or any, with no best): while one is
        left the answer is not settled."""
        statuses = self.statuses()
        best = self.best()
        limit = math.inf if best is None else self.costs[best]
        return [i for i, s in enumerate(statuses) if s == UNDECIDED and self.costs[i] < limit]

    def expected_feasible(self, i: int) -> bool:
        """Whether the package's share so far is at or above the probability."""
        t = self.tallies[i]
        return t.n > 0 and t.met / t.n >= self.probability

    def needed(self, i: int) -> int:
        """Further replications after which package ``i`` would be classified if its share
        stayed as it is: the smallest ``n`` whose Wilson bound crosses the probability (at
        least 1, at most the cap); ``screening`` for a package not yet run."""
        t = self.tallies[i]
        if t.n == 0:
            return max(1, min(self.screening, self.package_cap))
        if t.n >= self.package_cap:
            return 0
        crossing = self._crossing(i)
        return max(1, (self.package_cap if crossing is None else crossing) - t.n)

    def _crossing(self, i: int) -> int | None:
        """The number of replications at which package ``i``'s Wilson bound would cross
        the probability if its share stayed as it is (``None``: not within the cap)."""
        t = self.tallies[i]
        share = t.met / t.n
        n = np.arange(t.n + 1, self.package_cap + 1, dtype=float)
        z = _z(self.level)
        centre = (share + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z * np.sqrt(share * (1 - share) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
        if share >= self.probability:
            crossed = centre - half >= self.probability
        else:
            crossed = centre + half < self.probability
        hits = np.flatnonzero(crossed)
        return int(n[hits[0]]) if hits.size else None

    def confirmable(self, i: int) -> bool:
        """Whether package ``i`` looks feasible (share at or above the probability) and,
        its share staying as it is, would be shown feasible within its cap and the budget
        left (:attr:`budget_left`, when set)."""
        if not self.expected_feasible(i):
            return False
        crossing = self._crossing(i)
        if crossing is None:
            return False
        return self.budget_left is None or crossing - self.tallies[i].n <= self.budget_left

    def incumbent(self) -> int | None:
        """The cheapest open package that looks feasible and can be confirmed within its
        cap and the budget left (:meth:`confirmable`): the one that, confirmed, would bound
        the answer's cost; failing that, the cheapest open package whose share is at or
        above the probability (``None``: no such package). A package that met the targets
        in 10 of 11 replications cannot reach a Wilson lower bound of 0.8 within 40, so a
        costlier one at 3 of 3 is confirmed first."""
        open_ = self.open_packages()
        for i in open_:
            if self.confirmable(i):
                return i
        return next((i for i in open_ if self.expected_feasible(i)), None)

    def order(self) -> list[int]:
        """Open packages in the order rounds serve them: the incumbent first, then every
        cheaper open package, cheapest first (costlier ones wait: if the incumbent proves
        feasible they are dominated)."""
        open_ = self.open_packages()
        lead = self.incumbent()
        if lead is None:
            return open_
        return [lead, *(i for i in open_ if self.costs[i] < self.costs[lead])]

    def allocate(self, replications: int) -> dict[int, int]:
        """Package → extra replications for the next round (at most ``replications``):
        packages in :meth:`order`, each given what :meth:`needed` says, until the round is
        full."""
        plan: dict[int, int] = {}
        left = replications
        for i in self.order():
            if left <= 0:
                break
            extra = min(self.needed(i), self.package_cap - self.tallies[i].n, left)
            if extra > 0:
                plan[i] = extra
                left -= extra
        return plan

    def remaining_estimate(self) -> int:
        """Replications the search still seems to need (a rough guide for progress): the
        screening of packages not yet run, then what the packages in :meth:`order` need."""
        total = sum(self.needed(i) for i, t in enumerate(self.tallies) if t.n == 0)
        for i in self.order():
            if self.tallies[i].n:
                total += min(self.needed(i), self.package_cap - self.tallies[i].n)
        return total


@functools.cache
def _z(level: float) -> float:
    from scipy import stats

    return float(stats.norm.ppf(0.5 + level / 2))
