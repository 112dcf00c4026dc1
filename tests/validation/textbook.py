"""Helpers for the validation suite: textbook runs, judging, waits for KS tests, open cases.

The textbook scenarios and the pass rule live in :mod:`sim.verify` (so ``sim verify`` and
this suite use the same code); theory formulas in :mod:`sim.theory`. Tests here run the same
kinds of checks longer than ``sim verify`` does, and more of them.

The pass rule: ``|mean - theory| <= t(1 - 0.05 / (2 FAMILY), n - 1) × SE + 1% of theory``.
``FAMILY`` counts every check in this suite, so the whole suite (not each check) has about a
5% chance of one false failure; the 1% covers the bias a finite run has (empty start,
unfinished waits at the end), which the long warm-ups keep far below that. Whether theory is
inside the plain 95% interval is printed for each check (run pytest with ``-s`` to see it).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.experiment.runner import RunResult
from sim.experiment.settings import RunSettings
from sim.verify import Check, CheckResult, run_checks

FAMILY = 40  # about the number of checks in tests/validation (default and slow together)
SEED = 2016
WORKERS = 2


def check_all(checks: Sequence[Check], seed: int = SEED) -> list[CheckResult]:
    """Run and judge ``checks``; assert they all pass, with a readable message if not."""
    results = run_checks(checks, RunSettings(seed=seed, workers=WORKERS), family_size=FAMILY)
    lines = [describe(r) for r in results]
    print("\n" + "\n".join(lines))
    assert all(r.passed for r in results), "theory outside tolerance:\n" + "\n".join(lines)
    return results


def describe(r: CheckResult) -> str:
    verdict = "pass" if r.passed else "FAIL"
    inside = "in 95% CI" if r.in_ci else "outside 95% CI"
    return (
        f"{verdict} {r.name} [{r.queue}; {r.quantity}]: theory {r.theory:.4g}, simulated "
        f"{r.mean:.4g} (95% CI {r.ci_low:.4g} to {r.ci_high:.4g}, n={r.n}, {inside}), "
        f"tolerance ±{r.tolerance:.3g} ({r.tolerance / abs(r.theory):.1%})"
    )


def thinned_waits(
    result: RunResult, *, start: float, end: float, stride: int, risk: int | None = None
) -> np.ndarray:
    """Allocation waits (days) of cases referred in [start, end), every ``stride``-th in
    referral order within each replication, pooled across replications.

    Consecutive waits are strongly autocorrelated; keeping every ``stride``-th (a stride past
    the lag where the autocorrelation has died out) makes the sample close to independent,
    as the Kolmogorov–Smirnov test assumes. The run needs ``case_log=True``.
    """
    out = []
    for rep in result.replications:
        t = rep.cases
        assert t is not None, "run with case_log=True"
        order = np.argsort(t["referral_day"], kind="stable")
        ref, alloc = t["referral_day"][order], t["allocated_day"][order]
        keep = (ref >= start) & (ref < end)
        if risk is not None:
            keep &= t["true_risk"][order] == risk
        waits = (alloc - ref)[keep]
        assert not np.isnan(waits).any(), "a case referred before `end` was never allocated"
        out.append(waits[::stride])
    return np.concatenate(out)


def ciw_waits(
    rates: Sequence[float],
    mu: float,
    servers: int,
    *,
    seeds: Sequence[int],
    horizon: float,
    start: float,
    end: float,
    stride: int,
    cls: int | None = None,
) -> np.ndarray:
    """The same queue in Ciw (the peer simulator): waits of arrivals in [start, end).

    ``rates`` are Poisson arrival rates per day of priority classes, highest first
    (non-preemptive priority, Ciw's default), all served at rate ``mu`` by ``servers``.
    Thinned and pooled as :func:`thinned_waits`. Ciw keeps a record when a customer
    finishes, so ``end`` must leave time for everyone arriving before it to finish.
    """
    import ciw

    names = [f"Class {k}" for k in range(len(rates))]
    network = ciw.create_network(
        arrival_distributions={
            n: [ciw.dists.Exponential(rate=r)] for n, r in zip(names, rates, strict=True)
        },
        service_distributions={n: [ciw.dists.Exponential(rate=mu)] for n in names},
        priority_classes={n: k for k, n in enumerate(names)},
        number_of_servers=[servers],
    )
    out = []
    for seed in seeds:
        ciw.seed(seed)
        q = ciw.Simulation(network)
        q.simulate_until_max_time(horizon)
        recs = sorted(q.get_all_records(), key=lambda r: r.arrival_date)
        waits = [
            r.waiting_time
            for r in recs
            if start <= r.arrival_date < end and (cls is None or r.customer_class == names[cls])
        ]
        out.append(np.asarray(waits[::stride], dtype=float))
    return np.concatenate(out)


def open_case_intervals(cases: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Each police case's open interval [start, end), days, from the case table.

    A case is open from its triage decision (day 0 for a starting-backlog case) until it
    closes; a case still open at the end has ``end = inf``.
    """
    start = np.maximum(cases["triage_day"], 0.0)
    end = np.where(np.isnan(cases["closed_day"]), np.inf, cases["closed_day"])
    return start, end


def count_open(start: np.ndarray, end: np.ndarray, day: float) -> int:
    """Cases open at ``day`` according to their records."""
    return int(np.count_nonzero((start <= day) & (day < end)))


def time_average_open(start: np.ndarray, end: np.ndarray, lo: float, hi: float) -> float:
    """Exact time-average number of open cases over [lo, hi] from the records."""
    overlap = np.clip(np.minimum(end, hi) - np.maximum(start, lo), 0.0, None)
    return float(overlap.sum() / (hi - lo))
