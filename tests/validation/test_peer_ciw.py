"""The same queues in Ciw, a peer simulator: waiting-time distributions must agree.

Two-sample Kolmogorov–Smirnov tests compare the allocation waits of this model with Ciw's
waits for the same network (p > 0.01 passes). Waits of successive customers are strongly
autocorrelated, which would make the KS p-values far too small; each sample therefore keeps
every ``stride``-th customer in arrival order, a stride past the lag where the
autocorrelation has died out (measured: below 0.05 at lag 50 for M/M/2 at rho 0.7), and
pools several independent replications. The waits have an atom at 0 (no wait), which only
makes the KS test conservative. Both samples are also tested against the exact M/M/c wait
distribution, 1 - C exp(-(c mu - lam) t).
"""

from __future__ import annotations

import pytest
from scipy import stats

import sim
from sim.stats import theory
from sim.verify import exponential_hours, textbook_scenario
from tests.validation.textbook import SEED, WORKERS, ciw_waits, thinned_waits

P_MIN = 0.01


def ours(rates, servers, *, warmup, horizon, reps, stride, risk=None):
    sc = textbook_scenario(
        "peer", rates, exponential_hours(1.0), servers, warmup_days=warmup, horizon_days=horizon
    )
    result = sim.run(sc, replications=reps, seed=SEED, workers=WORKERS, case_log=True)
    return thinned_waits(result, start=warmup, end=warmup + horizon - 100, stride=stride, risk=risk)


def peer(rates, servers, *, warmup, horizon, reps, stride, cls=None):
    return ciw_waits(
        rates,
        1.0,
        servers,
        seeds=range(1, reps + 1),
        horizon=warmup + horizon,
        start=warmup,
        end=warmup + horizon - 100,
        stride=stride,
        cls=cls,
    )


def test_mmc_waits_match_ciw_and_theory():
    lam, c = 1.4, 2
    kw = {"warmup": 200.0, "horizon": 6_000.0, "reps": 8, "stride": 50}
    a, b = ours([lam], c, **kw), peer([lam], c, **kw)
    assert min(a.size, b.size) > 1000
    ks = stats.ks_2samp(a, b)
    print(
        f"\nM/M/2 rho 0.7: n = {a.size} vs {b.size}, KS D = {ks.statistic:.4f}, p = {ks.pvalue:.3f}"
    )
    assert ks.pvalue > P_MIN
    # against theory: P(wait > 0) is Erlang C, and a positive wait is exponential with rate
    # c mu - lam (the atom at 0 is tested apart, since KS assumes a continuous law)
    waits_share = theory.erlang_c(c, lam)
    for name, sample in (("caseflow", a), ("ciw", b)):
        waited = sample[sample > 0]
        share = stats.binomtest(waited.size, sample.size, waits_share)
        one = stats.kstest(waited, stats.expon(scale=1.0 / (c - lam)).cdf)
        print(
            f"{name} vs theory: waited {waited.size / sample.size:.3f} (C = {waits_share:.3f}, "
            f"p = {share.pvalue:.3f}); positive waits KS D = {one.statistic:.4f}, "
            f"p = {one.pvalue:.3f}"
        )
        if name == "caseflow":  # Ciw's own fit is printed, not judged: it is the referee
            assert share.pvalue > P_MIN
            assert one.pvalue > P_MIN


def test_priority_class_waits_match_ciw():
    # strides from the measured autocorrelation of each class's waits (below 0.06 at lag
    # 20 for the high class and lag 80 for the low class)
    rates, c = [0.6, 1.0], 2
    # 16 replications: with 8, one long busy period can move a class's pooled waits enough
    # to fail at the 1% level (seed 2016 under the arrival draws of 2026-12-03: high class
    # mean 0.555 days against Cobham's 0.508 and Ciw's 0.500, p = 0.004; seeds 1 to 13
    # gave p 0.36 to 0.96 and a mean of 0.507)
    warmup, horizon, reps = 300.0, 14_000.0, 16
    sc = textbook_scenario(
        "peer", rates, exponential_hours(1.0), c, warmup_days=warmup, horizon_days=horizon
    )
    result = sim.run(sc, replications=reps, seed=SEED, workers=WORKERS, case_log=True)
    end = warmup + horizon - 100
    for risk, stride in ((0, 20), (1, 100)):
        a = thinned_waits(result, start=warmup, end=end, stride=stride, risk=risk)
        b = ciw_waits(
            rates,
            1.0,
            c,
            seeds=range(1, reps + 1),
            horizon=warmup + horizon,
            start=warmup,
            end=end,
            stride=stride,
            cls=risk,
        )
        ks = stats.ks_2samp(a, b)
        print(
            f"\npriority class {risk}: n = {a.size} vs {b.size}, "
            f"D = {ks.statistic:.4f}, p = {ks.pvalue:.3f}"
        )
        assert min(a.size, b.size) > 1000
        assert ks.pvalue > P_MIN


@pytest.mark.slow
def test_mmc_waits_match_ciw_at_high_load():
    lam, c = 2.7, 3  # rho 0.9: autocorrelation lasts longer, so a longer stride
    kw = {"warmup": 1000.0, "horizon": 30_000.0, "reps": 8, "stride": 400}
    a, b = ours([lam], c, **kw), peer([lam], c, **kw)
    ks = stats.ks_2samp(a, b)
    print(f"\nM/M/3 rho 0.9: n = {a.size} vs {b.size}, D = {ks.statistic:.4f}, p = {ks.pvalue:.3f}")
    assert ks.pvalue > P_MIN
