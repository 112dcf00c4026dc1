"""Benchmark: the full model against a bare SimPy pipeline fed the same referrals.

Measures, in one process and one run, the wall time of one replication of a scenario with
the full model and of a bare SimPy pipeline (Poisson arrivals per category at the same
rates, a triage ``simpy.Resource`` and an officers ``simpy.Resource``; no grading, no
statistics) that handles the same number of referrals. Reports referrals per second for
each and the ratio (model time / bare time), and writes them to
``benchmarks/results/model_vs_bare.json``.

Run:  python benchmarks/model_vs_bare.py [scenario.yaml] [--days D]
(or under ``/usr/bin/time -v`` for whole-process figures).
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import simpy

import sim
from sim.model import replication_seed, simulate

HERE = Path(__file__).parent


def bare_pipeline(scenario: sim.Scenario, seed: int) -> int:
    """A minimal SimPy pipeline with the scenario's arrival rates; returns referrals handled."""
    env = simpy.Environment()
    rng = np.random.default_rng(seed)
    triage = simpy.Resource(env, capacity=max(1, scenario.triage.staff))
    officers = simpy.Resource(env, capacity=max(1, scenario.officers.trained.count))
    handled = 0

    def referral(case_rate: float):
        nonlocal handled
        with triage.request() as req:
            yield req
            yield env.timeout(rng.exponential(scenario.triage.hours.mean / 24))
        handled += 1
        if rng.random() < case_rate:
            with officers.request() as req:
                yield req
                yield env.timeout(rng.exponential(1.0))

    def arrivals(rate_per_day: float, case_rate: float):
        while True:
            yield env.timeout(rng.exponential(1 / rate_per_day))
            env.process(referral(case_rate))

    for cat in scenario.categories.values():
        mean_case_rate = float(np.mean(list(cat.case_rate.values())))
        env.process(arrivals(cat.referrals_per_year / 365, mean_case_rate))
    env.run(until=scenario.end_day)
    return handled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="scenarios/baseline.yaml")
    parser.add_argument("--days", type=float, default=None, help="measured horizon, days")
    parser.add_argument("--out", default=str(HERE / "results" / "model_vs_bare.json"))
    args = parser.parse_args()

    scenario = sim.load_scenario(args.scenario)
    if args.days is not None:
        scenario = sim.with_changes(scenario, {"run.horizon_days": args.days})

    started = time.perf_counter()
    records = simulate(scenario, replication_seed(scenario.run.seed, 0))
    model_seconds = time.perf_counter() - started
    referrals = records.referrals.simulated

    started = time.perf_counter()
    handled = bare_pipeline(scenario, scenario.run.seed)
    bare_seconds = time.perf_counter() - started

    result = {
        "scenario": scenario.name,
        "simulated_days": scenario.end_day,
        "model": {
            "seconds": round(model_seconds, 3),
            "referrals": referrals,
            "referrals_per_second": round(referrals / model_seconds),
        },
        "bare_simpy": {
            "seconds": round(bare_seconds, 3),
            "referrals": handled,
            "referrals_per_second": round(handled / bare_seconds),
        },
        "time_ratio_model_over_bare_per_referral": round(
            (model_seconds / referrals) / (bare_seconds / handled), 2
        ),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
