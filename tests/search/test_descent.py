"""Refinement: from a few candidates, the search walks down to the cheapest package that is
enough, one lever one step at a time (see sim/search/descent.py)."""

from __future__ import annotations

import pytest

import sim
from sim.search.descent import BATCH, Descent, cheaper_neighbours
from sim.search.levers import read_levers
from sim.search.packages import grid_cell, grid_size, package_cost

from .conftest import TARGET
from .test_procedure import _search


def test_neighbours_are_one_step_cheaper_largest_saving_first(toy_levers):
    levers = read_levers(toy_levers)  # prevention off/1..4 at 50k a level; triage off/1/2
    # prevention 4 (200k) and triage 2 (2 × 40k + 5k): each lever one option lower or off
    assert cheaper_neighbours(levers, (4.0, 2.0)) == [
        (None, 2.0),  # saves 200k
        (4.0, None),  # saves 85k
        (3.0, 2.0),  # saves 50k
        (4.0, 1.0),  # saves 40k
    ]
    assert cheaper_neighbours(levers, (1.0, None)) == [(None, None)]  # one step is off
    assert cheaper_neighbours(levers, (None, None)) == []
    for levels in [(4.0, 2.0), (2.0, 1.0)]:
        for other in cheaper_neighbours(levers, levels):
            assert package_cost(levers, other) < package_cost(levers, levels)
            assert sum(a != b for a, b in zip(other, levels, strict=True)) == 1


def test_each_anchor_offers_its_neighbours_once_skipping_known_ones(toy_levers):
    descent = Descent(read_levers(toy_levers))
    top = (4.0, 2.0)
    assert descent.queued(top) == 4
    assert descent.next_batch(top, known={top, (None, 2.0)}) == [(4.0, None), (3.0, 2.0)]
    assert len(descent.next_batch(top, known={top})) <= BATCH
    assert descent.next_batch(top, known={top}) == []
    assert descent.queued(top) == 0  # every neighbour offered


def test_grid_cells_number_every_package_once(toy_levers):
    levers = read_levers(toy_levers)
    options = [lv.options() for lv in levers.levers.values()]
    cells = {grid_cell(levers, (a, b)) for a in options[0] for b in options[1]}
    assert cells == set(range(grid_size(levers)))


@pytest.mark.parametrize("seed", range(8))
def test_refinement_walks_from_four_candidates_to_the_known_answer(toy, toy_levers, seed):
    # 4 candidates of a 15-package grid (the cheapest, the costliest and two more): only
    # refinement can reach prevention=3 alone, the cheapest package with true P >= 0.8
    res, executor = _search(toy, toy_levers, seed, max_reps=400, package_cap=60, max_packages=4)
    m = res.manifest
    assert m["candidate_packages"] <= 4 and m["refined_packages"] >= 2
    assert res.best_row["label"] == "prevention=3" and res.best_row["wilson_low"] >= 0.8
    assert m["locally_minimal"] and "one step cheaper" in m["claim"]
    stages = {r["stage"] for r in res.packages}
    assert stages == {"candidate", "refinement"}
    assert executor.runs == m["replications"] < m["brute_force_replications"]


def test_without_refinement_the_answer_is_only_among_the_candidates(toy, toy_levers):
    res, _ = _search(toy, toy_levers, 0, max_reps=400, package_cap=60, max_packages=4)
    plain, _ = _search(
        toy, toy_levers, 0, max_reps=400, package_cap=60, max_packages=4, refine=False
    )
    assert plain.manifest["refined_packages"] == 0
    assert plain.best_row["cost_per_year"] > res.best_row["cost_per_year"]
    assert {r["stage"] for r in plain.packages} == {"candidate"}


def test_a_real_refined_search_finds_the_answer_and_resumes_by_cell(toy, toy_levers, tmp_path):
    out = tmp_path / "refined"
    kw = dict(probability=0.8, workers=1, max_packages=3, max_reps=120, out=out)
    first = sim.search(toy, toy_levers, [TARGET], **kw)
    assert first.best_row["label"] == "prevention=3" and first.manifest["locally_minimal"]
    again = sim.search(toy, toy_levers, [TARGET], force=True, **kw)
    # every replication comes back from the kept ones, matched by grid cell
    assert again.manifest["replications_simulated"] == 0
    assert again.manifest["replications_resumed"] == first.manifest["replications"]
    assert again.packages == first.packages


@pytest.mark.parametrize("seed", range(6))
def test_a_short_budget_still_names_a_package_shown_to_be_enough(toy, toy_levers, seed):
    # every step down is confirmed before the next, so a budget that runs out mid-walk
    # leaves the last confirmed package as the answer, never nothing
    res, _ = _search(toy, toy_levers, seed, max_reps=40, package_cap=60, max_packages=4)
    best = res.best_row
    assert best is not None and best["wilson_low"] >= 0.8 and best["status"] == "feasible"
    assert best["prevention"] in (3.0, 4.0)  # true P 0.97 or 0.99
