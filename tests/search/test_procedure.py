"""The search procedure with a stand-in for the model: packages whose true probability of
meeting the target is set by construction, so the right answer is known."""

from __future__ import annotations

import hashlib

import pytest

from sim.errors import InputError
from sim.search import search
from sim.search.levers import read_levers
from sim.search.packages import grid_cell, make_packages
from sim.search.procedure import DOMINATED, FEASIBLE, INFEASIBLE, UNDECIDED, Procedure, Tally

from .conftest import TARGET

# true P(target met) by prevention level (off, 1, 2, 3, 4); triage does not matter
TRUE_P = {None: 0.0, 1.0: 0.05, 2.0: 0.4, 3.0: 0.97, 4.0: 0.99}


def _uniform(*parts: object) -> float:
    digest = hashlib.sha256(repr(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


class Bernoulli:
    """An executor that does not simulate: replication r of package p meets the target with
    the package's true probability (a KPI of 0 meets ``KPI<2000``, 5000 does not)."""

    def __init__(self, seed: int, levels: dict[int, float | None]) -> None:
        self.seed, self.levels, self.runs = seed, levels, 0

    def map_indexed(self, fn, tasks):
        for i, task in enumerate(tasks):
            self.runs += 1
            p = TRUE_P[self.levels[task.point]]
            met = _uniform(self.seed, task.point, task.replication) < p
            kpis = {"referrals_per_year_category_family": 0.0 if met else 5000.0}
            yield i, {"point": task.point, "replication": task.replication, "kpis": kpis}


def _levels(toy_levers) -> dict[int, float | None]:
    """Prevention level by grid cell (tasks name their package by its cell)."""
    levers = read_levers(toy_levers)
    packages = make_packages(levers, max_packages=16, seed=5)
    return {grid_cell(levers, p.levels): p.levels[0] for p in packages}


def _search(toy, toy_levers, seed, **kw):
    executor = Bernoulli(seed, _levels(toy_levers))
    return search(toy, toy_levers, [TARGET], executor=executor, **kw), executor


def test_statuses_follow_the_wilson_bounds_and_costs():
    proc = Procedure([0.0, 1.0, 2.0, 3.0], probability=0.8)
    proc.tallies = [Tally(3, 0), Tally(16, 16), Tally(3, 3), Tally(0, 0)]
    # 0/3: upper bound 0.56 < 0.8; 16/16: lower 0.806 >= 0.8; costlier ones are dominated
    assert proc.statuses() == [INFEASIBLE, FEASIBLE, DOMINATED, DOMINATED]
    assert proc.best() == 1 and proc.blocking() == []
    proc.tallies[1] = Tally(15, 15)  # lower bound 0.796: not yet feasible
    assert proc.statuses() == [INFEASIBLE, UNDECIDED, UNDECIDED, UNDECIDED]
    assert proc.needed(1) == 1  # one more success would make it feasible
    assert proc.allocate(4) == {1: 1}  # cheapest first, and it is expected to be feasible


def test_allocation_serves_the_incumbent_then_cheaper_packages():
    proc = Procedure([1.0, 2.0, 3.0, 4.0], probability=0.8, package_cap=10)
    proc.tallies = [Tally(3, 2), Tally(3, 3), Tally(3, 3), Tally(3, 2)]
    # package 1 (3/3) is the incumbent: served first, up to the cap; then package 0, cheaper
    # (2/3, below 0.8); packages 2 and 3, costlier, wait
    assert proc.incumbent() == 1 and proc.order() == [1, 0]
    assert proc.allocate(30) == {1: 7, 0: 7}
    assert proc.allocate(2) == {1: 2}
    proc.tallies[1] = Tally(4, 2)  # none looks feasible: every open one, cheapest first
    proc.tallies[2] = Tally(4, 2)
    assert proc.incumbent() is None and proc.order() == [0, 1, 2, 3]
    assert proc.statuses() == ["undecided"] * 4 and list(proc.allocate(30)) == [0, 1, 2, 3]


def test_the_incumbent_is_one_that_can_still_be_confirmed():
    proc = Procedure([1.0, 2.0, 3.0], probability=0.8, package_cap=40)
    proc.tallies = [Tally(11, 10), Tally(3, 3), Tally(3, 3)]
    # 10 of 11 looks feasible but, staying at 0.909, its Wilson lower bound is 0.78 at 40
    # replications: it cannot be confirmed, so the cheapest one at 3 of 3 is served first
    assert proc.expected_feasible(0) and not proc.confirmable(0) and proc.confirmable(1)
    assert proc.incumbent() == 1 and proc.order() == [1, 0]
    proc.max_reps = 17 + 12  # 17 run, 12 left; 3 of 3 needs 13 more (16 of 16: 0.806)
    assert proc.budget_left == 12
    assert not proc.confirmable(1) and proc.incumbent() == 0  # none fits: the cheapest
    proc.max_reps = 17 + 13
    assert proc.incumbent() == 1


@pytest.mark.parametrize("seed", range(10))
def test_the_search_finds_the_cheapest_package_known_to_be_feasible(toy, toy_levers, seed):
    res, executor = _search(toy, toy_levers, seed, max_reps=400, package_cap=60)
    assert res.settled
    assert res.best_row["label"] == "prevention=3"  # the cheapest with true P >= 0.8
    assert res.best_row["wilson_low"] >= 0.8 and res.best_row["status"] == FEASIBLE
    # every package claimed feasible truly has P >= 0.8, every one ruled out is below or
    # costlier than the answer
    for row in res.packages:
        if row["status"] == FEASIBLE:
            assert row["prevention"] in (3.0, 4.0)
    assert executor.runs == res.manifest["replications"] < res.manifest["brute_force_replications"]


def test_a_spent_budget_is_said_not_hidden(toy, toy_levers):
    # the whole grid screened at 3 replications a package takes 45 of the 46
    res, executor = _search(toy, toy_levers, 1, max_reps=46, max_packages=16)
    assert executor.runs == 46 and not res.settled and res.best is None
    assert "replication budget or the per-package cap ran out first" in res.manifest["claim"]
    assert {r["status"] for r in res.packages} >= {UNDECIDED}


def test_money_budget_leaves_out_costlier_packages(toy, toy_levers):
    res, _ = _search(toy, toy_levers, 2, budget=100000)
    assert max(r["cost_per_year"] for r in res.packages) <= 100000
    assert res.best is None and res.settled  # prevention=3 costs 150,000: nothing affordable
    with pytest.raises(InputError, match="budget"):
        _search(toy, toy_levers, 2, budget=-1)


def test_a_large_grid_gets_a_reproducible_space_filling_subset(toy_levers):
    levers = read_levers(toy_levers)
    one = make_packages(levers, max_packages=6, seed=3)
    two = make_packages(levers, max_packages=6, seed=3)
    assert [p.levels for p in one] == [p.levels for p in two]
    assert len({p.levels for p in one}) == 6
    costs = [p.cost_per_year for p in one]
    assert costs == sorted(costs) and costs[0] == 0 and costs[-1] == 285000  # both extremes
    assert {p.levels[0] for p in one} >= {None, 4.0}


def test_unknown_target_kpi_and_bad_options_are_input_errors(toy, toy_levers):
    with pytest.raises(InputError, match="no KPI nonsense"):
        search(toy, toy_levers, ["nonsense<1"], executor=Bernoulli(0, {}))
    with pytest.raises(InputError, match="--probability"):
        search(toy, toy_levers, [TARGET], probability=1.5)
    with pytest.raises(InputError, match="--target") as err:
        search(toy, toy_levers, ["substandard_rate=1"])
    assert err.value.key == "--target"
    with pytest.raises(InputError, match="at least one target"):
        search(toy, toy_levers, [])
