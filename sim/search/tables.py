"""A search's tables: one row per package, the cost–probability front, the answer."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.compare.conditions import Condition
from sim.search.definition import SearchDefinition, SearchOptions, SearchResult
from sim.search.descent import cheaper_neighbours
from sim.search.evaluation import Evaluator
from sim.search.packages import grid_size
from sim.search.procedure import FEASIBLE, INFEASIBLE, Procedure

ROW_FIELDS = (
    "package",
    "label",
    "cost_per_year",
    "replications",
    "successes",
    "probability",
    "wilson_low",
    "wilson_high",
    "status",
    "stage",
)


def _target_shares(
    evaluator: Evaluator, package: int, n: int, targets: list[Condition]
) -> dict[str, Any]:
    """Each target's share of the package's replications meeting it alone."""
    out: dict[str, Any] = {}
    for t in targets:
        values = np.array([evaluator.kpis((package, r)).get(t.kpi, math.nan) for r in range(n)])
        finite = np.isfinite(values)
        met = int(np.count_nonzero(t.met(values[finite]))) if finite.any() else 0
        out[f"share {t.text}"] = met / n if n else None
    return out


def package_rows(
    definition: SearchDefinition, proc: Procedure, evaluator: Evaluator, targets: list[Condition]
) -> list[dict[str, Any]]:
    """``search.csv``: every package's lever levels, cost, tally, interval and status."""
    names = definition.lever_names
    statuses = proc.statuses()
    rows = []
    for p, status in zip(definition.packages, statuses, strict=True):
        t = proc.tallies[p.index]
        low, high = proc.interval(p.index)
        rows.append(
            {
                "package": p.index,
                "label": p.label(names),
                **{n: ("off" if v is None else v) for n, v in p.named(names).items()},
                "cost_per_year": p.cost_per_year,
                "replications": t.n,
                "successes": t.met,
                "probability": t.met / t.n if t.n else None,
                "wilson_low": low if t.n else None,
                "wilson_high": high if t.n else None,
                "status": status,
                "stage": "candidate" if p.index < definition.initial else "refinement",
                **_target_shares(evaluator, p.index, t.n, targets),
            }
        )
    return rows


def pareto_front(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Packages no other beats on both cost (lower) and estimated probability (higher):
    cheapest first, each more probable than every cheaper one."""
    run = [r for r in rows if r["replications"]]
    run.sort(key=lambda r: (r["cost_per_year"], -r["probability"], r["package"]))
    front, best = [], -math.inf
    for row in run:
        if row["probability"] > best:
            front.append(row)
            best = row["probability"]
    return front


def locally_minimal(definition: SearchDefinition, proc: Procedure, best: int | None) -> bool:
    """Whether every one-step-cheaper neighbour of the chosen package (one lever one option
    lower, or off) was tried and ruled out as infeasible."""
    if best is None:
        return False
    statuses = proc.statuses()
    index = {p.levels: p.index for p in definition.packages}
    neighbours = cheaper_neighbours(definition.levers, definition.packages[best].levels)
    return all(n in index and statuses[index[n]] == INFEASIBLE for n in neighbours)


def claim_text(
    row: dict[str, Any] | None,
    options: SearchOptions,
    settled: bool,
    open_: list[str],
    minimal: bool = False,
) -> str:
    """The answer in words, with the confidence the procedure gives (``open_``: labels of
    the cheaper packages still undecided; ``minimal``: see :func:`locally_minimal`)."""
    p = options.probability
    if row is None:
        why = (
            "every package is ruled out"
            if settled
            else "the replication budget or the per-package cap ran out first"
        )
        return f"no package shown to meet every target with probability ≥ {p:g} ({why})"
    text = (
        f"package {row['label']} at {row['cost_per_year']:,.0f} a year: P(every target met) = "
        f"{row['probability']:.3g} ({row['successes']}/{row['replications']}), Wilson "
        f"{options.level:.0%} interval {row['wilson_low']:.3g}–{row['wilson_high']:.3g}, "
        f"so P ≥ {p:g} at that confidence"
    )
    if minimal:
        text += "; every package one step cheaper (one lever lower or off) is ruled out"
    if not settled:
        more = f" and {len(open_) - 3} more" if len(open_) > 3 else ""
        text += f"; not settled, cheaper packages still undecided: {'; '.join(open_[:3])}{more}"
    return text


def build_result(
    definition: SearchDefinition,
    options: SearchOptions,
    targets: list[Condition],
    proc: Procedure,
    evaluator: Evaluator,
    timing: dict[str, Any],
) -> SearchResult:
    rows = package_rows(definition, proc, evaluator, targets)
    best = proc.best()
    settled = not proc.blocking()
    spent = sum(t.n for t in proc.tallies)
    minimal = locally_minimal(definition, proc, best)
    manifest = {
        "kind": "search",
        "scenario": definition.scenario.name,
        "levers_file": definition.source,
        "levers": definition.lever_names,
        "currency": definition.levers.currency,
        "levers_definition": definition.levers.model_dump(mode="json"),
        "seed": definition.seed,
        "horizon_days": definition.scenario.run.horizon_days,
        "until": timing.get("until"),
        "warmup_days": definition.scenario.run.warmup_days,
        "targets": [t.text for t in targets],
        "options": {k: v for k, v in vars(options).items()},
        "grid_packages": grid_size(definition.levers),
        "candidate_packages": definition.initial,
        "refined_packages": len(definition.packages) - definition.initial,
        "locally_minimal": minimal,
        "packages_simulated": sum(1 for t in proc.tallies if t.n),
        "replications": spent,
        "replications_simulated": evaluator.simulated,
        "replications_resumed": evaluator.resumed,
        "brute_force_replications": grid_size(definition.levers) * options.package_cap,
        "rounds": timing["rounds"],
        "settled": settled,
        "best_package": best,
        "claim": claim_text(
            None if best is None else rows[best],
            options,
            settled,
            [rows[i]["label"] for i in proc.blocking()],
            minimal,
        ),
        "feasible_packages": sum(1 for r in rows if r["status"] == FEASIBLE),
        "definition_sha256": definition.digest(),
        "timings": {
            "wall_seconds": timing["wall_seconds"],
            "task_seconds_total": evaluator.task_seconds(),
        },
        "method": METHOD_NOTE,
    }
    return SearchResult(
        definition, options, targets, rows, pareto_front(rows), best, settled, manifest
    )


METHOD_NOTE = (
    "probability = share of replications meeting every target (a KPI without a value counts "
    "as not met); Wilson score intervals; screening pass of n0 replications per package, "
    "cheapest first, common random numbers (replication r of every package uses the same "
    "seed and index); infeasible: upper bound < p*; feasible: lower bound >= p*; dominated: "
    "undecided and costing at least a feasible package; rounds of a fixed size serve the "
    "open packages (undecided, cheaper than the cheapest feasible one, under the cap): first "
    "the cheapest whose share is >= p*, then every cheaper one, cheapest first, each given "
    "the replications after which its Wilson bound would cross p* at its current share "
    "(batched sequential allocation with plug-in estimates as in OCBA, Chen et al. 2000, for "
    "feasibility determination, Szechtman & Yucesan 2008; not their optimal allocation); "
    "stop when the cheapest feasible package is found and every cheaper one is infeasible, "
    "or when the budget or every open package's cap is spent; no correction for multiple "
    "looks or packages; refinement: while no incumbent waits to be confirmed, the cheaper "
    "neighbours (one lever one option lower, or off) of the cheapest feasible package are "
    "added and screened, largest saving first, two at a time, so each step down is confirmed "
    "before the next"
)
