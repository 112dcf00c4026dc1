"""Little's law, L = lambda W, for open police cases.

On the baseline the open-case backlog is not stationary (referrals grow and the workforce
changes), so the law is checked in its exact sample-path form over the measured window
[w, e] (Stidham; El-Taha and Stidham): with N(t) the open cases,

    (1 / T) ∫ N dt = lambda W + R / T,

where lambda = cases opened in the window / T, W = their mean time open up to e (cases
still open at e count until e), and R = the time inside the window of the cases already
open at w. The left side is taken from the engine's own weekly open-case counter (the
stage counts), the right side from the case records (triage and closing days), so the check
ties the two independent bookkeepings together. Before that, the counter must equal the
records' count at every weekly sample, exactly. The steady-state form L = lambda W is
checked on a stable textbook queue against theory.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import sim
from sim.stats import theory
from sim.stats.summary import t_interval
from sim.verify import exponential_hours, textbook_scenario, tolerance
from tests.validation.textbook import (
    FAMILY,
    SEED,
    WORKERS,
    count_open,
    open_case_intervals,
    time_average_open,
)

# weekly samples approximate the time integral (a Riemann sum): on the baseline, with
# thousands of open cases changing slowly, 1% is ample; a small textbook queue changes
# faster than weekly, so there the exact time-average is used instead
SAMPLING_TOLERANCE = 0.01


def check_sample_path_little(
    rep, warmup: float, end_day: float, weekly_rel: float | None = SAMPLING_TOLERANCE
) -> dict[str, float]:
    start, end = open_case_intervals(rep.cases)
    ts = rep.timeseries
    counted = ts["open_cases"] - ts["triage_open"]
    days = ts["day"]
    mismatched = [
        (d, int(n), count_open(start, end, d))
        for d, n in zip(days, counted, strict=True)
        if count_open(start, end, d) != n
    ]
    assert not mismatched, f"engine open-case counter differs from the records: {mismatched[:5]}"

    span = end_day - warmup
    inside = (days >= warmup) & (days < end_day)
    l_weekly = float(np.mean(counted[inside]))
    l_exact = time_average_open(start, end, warmup, end_day)
    opened = (start >= warmup) & (start < end_day)
    lam = np.count_nonzero(opened) / span
    w = float(np.mean(np.minimum(end[opened], end_day) - start[opened]))
    before = (start < warmup) & (end > warmup)
    residual = float(np.sum(np.minimum(end[before], end_day) - warmup))
    rhs = lam * w + residual / span
    print(
        f"\nreplication {rep.index}: L weekly {l_weekly:.2f}, L exact {l_exact:.2f}, "
        f"lambda W + R/T = {lam:.3f} × {w:.2f} + {residual / span:.2f} = {rhs:.2f}; "
        f"steady-state lambda W alone {lam * w:.2f} ({lam * w / l_weekly - 1:+.1%})"
    )
    assert l_exact == pytest.approx(rhs, rel=1e-9)  # the identity, on the records alone
    if weekly_rel is not None:
        assert l_weekly == pytest.approx(rhs, rel=weekly_rel)
    return {"L": l_exact, "L_weekly": l_weekly, "lambda": lam, "W": w}


def _baseline_little(baseline_path, horizon_days: float, replications: int) -> None:
    sc = sim.load_scenario(baseline_path, overrides={"run.horizon_days": horizon_days})
    result = sim.run(sc, replications=replications, seed=SEED, workers=WORKERS, case_log=True)
    for rep in result.replications:
        check_sample_path_little(rep, sc.run.warmup_days, sc.end_day)


def test_little_sample_path_on_shortened_baseline(baseline_path):
    _baseline_little(baseline_path, horizon_days=365, replications=2)


@pytest.mark.slow
def test_little_sample_path_on_full_baseline(baseline_path):
    sc = sim.load_scenario(baseline_path)
    _baseline_little(baseline_path, sc.run.horizon_days, replications=4)


def test_little_steady_state_on_textbook_queue():
    lam, c, days = 2.4, 3, 5_000.0
    sc = textbook_scenario(
        "little", [lam], exponential_hours(1.0), c, warmup_days=500, horizon_days=days
    )
    result = sim.run(sc, replications=10, seed=SEED, workers=WORKERS, case_log=True)
    levels = []
    for rep in result.replications:
        measured = check_sample_path_little(rep, sc.run.warmup_days, sc.end_day, None)
        levels.append(measured["L"])
    s = t_interval(levels)
    expected = theory.little_l(lam, theory.mmc_w(lam, 1.0, c))
    tol = tolerance(s["std"], s["n"], expected, FAMILY)
    print(
        f"\nM/M/3 rho 0.8 open cases: theory L = lambda W = {expected:.4g}, simulated "
        f"{s['mean']:.4g} (95% CI {s['ci_low']:.4g} to {s['ci_high']:.4g}), ±{tol:.3g}"
    )
    assert math.isclose(s["mean"], expected, abs_tol=tol)
