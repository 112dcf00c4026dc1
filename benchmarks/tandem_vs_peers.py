"""Benchmark: a 2-stage M/M/c tandem run by the model, a bare SimPy pipeline and Ciw.

The network: Poisson referrals at ``LAM`` = 8 a day; triage by 3 servers with exponential
service of mean 0.3 days (rho 0.8); every referral becomes a case for 12 officers with
exponential service of mean 1.2 days (rho 0.8). About 40,000 referrals (5,000 days).

- **model**: the ``sim verify`` textbook configuration with a triage stage
  (:func:`sim.verify.textbook_scenario`), simulated and reduced to its KPIs;
- **bare SimPy**: a process per referral through two ``simpy.Resource`` stages;
- **Ciw**: the same network in Ciw (a test dependency).

The three run interleaved in one process, in rotating order, for several rounds (seed =
round number); each round gives referrals per second for each and the per-round ratios
``model/bare`` and ``model/ciw`` (time per referral of the model over the other's; below 1
means the model is faster). Medians (and min/max) over rounds are reported, never one
absolute time, since the machine may be loaded. Times are the process's CPU time
(``time.process_time``), which other processes' load disturbs far less than wall time
(recorded too, in the CSV). Each one's mean sojourn (arrival to end of
officer service, arrivals after the warm-up) is printed against Jackson theory
(Erlang-C sojourns of the two stages summed), so a fast wrong model cannot win.

With ``--processes N`` the rounds run in N fresh processes, one after another, and the
ratios are also given across processes: min/median/max of each process's median ratio.

The same tandem counted in instructions, which the machine's load cannot move:
``benchmarks/tandem_instructions.py``.

Run:  python benchmarks/tandem_vs_peers.py [--rounds 5] [--label before]
      python benchmarks/tandem_vs_peers.py --processes 5 --rounds 3 --label processes
Writes ``benchmarks/results/tandem_vs_peers[_LABEL].json`` and ``.csv``.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import simpy

from sim.experiment.kpis import compute_kpis
from sim.experiment.model_build import model_build
from sim.model import replication_seed, simulate
from sim.stats import theory
from sim.verify import exponential_hours, textbook_scenario

HERE = Path(__file__).parent
LAM = 8.0  # referrals a day
TRIAGE = (0.3, 3)  # (mean service days, servers): rho = 8 × 0.3 / 3 = 0.8
OFFICERS = (1.2, 12)  # rho = 8 × 1.2 / 12 = 0.8
WARMUP_DAYS = 100.0


def jackson_sojourn() -> float:
    """Mean sojourn of the tandem by theory (sum of the M/M/c sojourns), days."""
    return sum(theory.mmc_w(LAM, 1.0 / s, c) for s, c in (TRIAGE, OFFICERS))


def run_model(days: float, seed: int) -> tuple[int, float]:
    """The model: simulate and compute the KPIs; (referrals, mean sojourn in days)."""
    scenario = textbook_scenario(
        "tandem_bench",
        [LAM],
        exponential_hours(OFFICERS[0]),
        OFFICERS[1],
        triage=(TRIAGE[1], exponential_hours(TRIAGE[0])),
        warmup_days=WARMUP_DAYS,
        horizon_days=days - WARMUP_DAYS,
        replications=1,
        seed=seed,
    )
    records = simulate(scenario, replication_seed(seed, 0))
    kpis = compute_kpis(records)
    return records.referrals.simulated, kpis["end_to_end_days_mean"]


def run_bare(days: float, seed: int) -> tuple[int, float]:
    """A bare SimPy tandem (one process per referral); (referrals, mean sojourn in days)."""
    env = simpy.Environment()
    rng = np.random.default_rng(seed)
    triage = simpy.Resource(env, capacity=TRIAGE[1])
    officers = simpy.Resource(env, capacity=OFFICERS[1])
    sojourns: list[float] = []
    arrived = 0

    def referral():
        start = env.now
        with triage.request() as req:
            yield req
            yield env.timeout(rng.exponential(TRIAGE[0]))
        with officers.request() as req:
            yield req
            yield env.timeout(rng.exponential(OFFICERS[0]))
        if start >= WARMUP_DAYS:
            sojourns.append(env.now - start)

    def arrivals():
        nonlocal arrived
        while True:
            yield env.timeout(rng.exponential(1.0 / LAM))
            arrived += 1
            env.process(referral())

    env.process(arrivals())
    env.run(until=days)
    return arrived, float(np.mean(sojourns))


def run_ciw(days: float, seed: int) -> tuple[int, float]:
    """The tandem in Ciw; (referrals, mean sojourn in days of those who finished)."""
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=LAM), None],
        service_distributions=[
            ciw.dists.Exponential(rate=1.0 / TRIAGE[0]),
            ciw.dists.Exponential(rate=1.0 / OFFICERS[0]),
        ],
        number_of_servers=[TRIAGE[1], OFFICERS[1]],
        routing=[[0.0, 1.0], [0.0, 0.0]],
    )
    ciw.seed(seed)
    q = ciw.Simulation(network)
    q.simulate_until_max_time(days)
    records = q.get_all_records()
    arrival = {r.id_number: r.arrival_date for r in records if r.node == 1}
    sojourns = [
        r.exit_date - arrival[r.id_number]
        for r in records
        if r.node == 2 and arrival[r.id_number] >= WARMUP_DAYS
    ]
    return int(q.nodes[0].number_of_individuals), float(np.mean(sojourns))


CONTENDERS: dict[str, Callable[[float, int], tuple[int, float]]] = {
    "model": run_model,
    "bare_simpy": run_bare,
    "ciw": run_ciw,
}


def timed(fn: Callable[[float, int], tuple[int, float]], days: float, seed: int) -> dict:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    referrals, sojourn = fn(days, seed)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"seconds": cpu, "wall_seconds": wall, "referrals": referrals, "sojourn_days": sojourn}


def measure(rounds: int, days: float) -> list[dict[str, dict]]:
    """``rounds`` rounds, each running every contender once (order rotating)."""
    names = list(CONTENDERS)
    out = []
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        out.append({name: timed(CONTENDERS[name], days, seed=r + 1) for name in order})
    return out


def _spread(values: list[float], digits: int) -> dict[str, float]:
    return {
        "min": round(min(values), digits),
        "median": round(statistics.median(values), digits),
        "max": round(max(values), digits),
    }


def summarise(rows: list[dict[str, dict]], days: float) -> dict:
    """Referrals/s, sojourns and per-round ratios (median, min, max over rounds)."""
    w = jackson_sojourn()
    result: dict = {"network": _network(days), "theory_sojourn_days": round(w, 4)}
    for name in CONTENDERS:
        rates = [row[name]["referrals"] / row[name]["seconds"] for row in rows]
        sojourns = [row[name]["sojourn_days"] for row in rows]
        result[name] = {
            "referrals_per_cpu_second": _spread(rates, 0),
            "sojourn_days_mean": round(statistics.mean(sojourns), 4),
            "sojourn_error_vs_theory": round(statistics.mean(sojourns) / w - 1.0, 4),
        }
    for peer in ("bare_simpy", "ciw"):
        ratios = [
            (row["model"]["seconds"] / row["model"]["referrals"])
            / (row[peer]["seconds"] / row[peer]["referrals"])
            for row in rows
        ]
        result[f"time_per_referral_model_over_{peer}"] = _spread(ratios, 3)
    result["rounds"] = len(rows)
    result["model_build"] = model_build()
    result["python"] = platform.python_version()
    result["machine"] = platform.machine()
    return result


def _network(days: float) -> dict:
    return {
        "arrival_rate_per_day": LAM,
        "triage": {"mean_service_days": TRIAGE[0], "servers": TRIAGE[1]},
        "officers": {"mean_service_days": OFFICERS[0], "servers": OFFICERS[1]},
        "simulated_days": days,
        "warmup_days": WARMUP_DAYS,
    }


def write(result: dict, rows: list[dict[str, dict]], stem: Path) -> None:
    stem.parent.mkdir(parents=True, exist_ok=True)
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    with stem.with_suffix(".csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["round", "contender", "cpu_seconds", "wall_seconds", "referrals",
                      "referrals_per_cpu_second", "sojourn_days"])  # fmt: skip
        for r, row in enumerate(rows):
            for name, m in row.items():
                rate = f"{m['referrals'] / m['seconds']:.0f}"
                out.writerow([r, name, f"{m['seconds']:.4f}", f"{m['wall_seconds']:.4f}",
                              m["referrals"], rate, f"{m['sojourn_days']:.5f}"])  # fmt: skip


RATIOS = ("time_per_referral_model_over_bare_simpy", "time_per_referral_model_over_ciw")


def in_fresh_processes(args: argparse.Namespace) -> list[list[dict[str, dict]]]:
    """The rounds of ``args.processes`` fresh processes of this script, one after another."""
    command = [sys.executable, __file__, "--child", "--rounds", str(args.rounds)]
    command += ["--referrals", str(args.referrals)]
    found = []
    for p in range(args.processes):
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        found.append(json.loads(done.stdout))
        print(f"process {p + 1} of {args.processes} done", file=sys.stderr, flush=True)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--referrals", type=int, default=40_000, help="about this many")
    parser.add_argument("--label", default="", help="suffix of the results files")
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="fresh processes, each running --rounds rounds; the ratios are then also given "
        "across processes (min/median/max of each process's median)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    days = args.referrals / LAM
    if args.child:  # one of --processes: its rounds, as JSON, to the parent
        print(json.dumps(measure(args.rounds, days)))
        return
    if args.processes > 1:
        per_process = in_fresh_processes(args)
        rows = [row for found in per_process for row in found]
        result = summarise(rows, days)
        medians = [summarise(found, days) for found in per_process]
        result["processes"] = args.processes
        result["across_processes"] = {
            key: _spread([m[key]["median"] for m in medians], 3) for key in RATIOS
        }
    else:
        rows = measure(args.rounds, days)
        result = summarise(rows, days)
    name = "tandem_vs_peers" + (f"_{args.label}" if args.label else "")
    write(result, rows, HERE / "results" / name)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
