"""The model configured as textbook queues against queueing theory.

Erlang C (M/M/c) at loads up to rho = 0.9, Cobham's non-preemptive priority classes,
Pollaczek–Khinchine (M/D/1 and M/lognormal/1) and a Jackson tandem with routing out at
triage. The pass rule is in ``textbook.py``. The default runs take about a minute on two
cores; the ``slow`` versions run four times longer with twice the replications.
"""

from __future__ import annotations

import pytest

from sim.stats import theory
from sim.verify import (
    Check,
    md1_checks,
    mlognormal1_checks,
    mmc_checks,
    priority_checks,
    tandem_checks,
)
from tests.validation.textbook import check_all


def with_p90(checks: list[Check], lam: float, c: int) -> list[Check]:
    """Add the 90th percentile of the M/M/c wait (per replication, then averaged)."""
    sc = checks[0].scenario
    p90 = theory.mmc_wait_quantile(0.9, lam, 1.0, c)
    return [
        *checks,
        Check(
            f"{sc.name}_p90", checks[0].queue, "Wq 90th percentile", sc, "allocation_days_p90", p90
        ),
    ]


MMC = [(1, 0.5, 10_000), (2, 0.7, 5_000), (3, 0.8, 5_000), (5, 0.9, 5_000)]


@pytest.mark.parametrize(("c", "rho", "days"), MMC)
def test_mmc_erlang_c(c, rho, days):
    checks = mmc_checks(c, rho, warmup_days=500, horizon_days=days, replications=10)
    check_all(with_p90(checks, rho * c, c))


@pytest.mark.slow
@pytest.mark.parametrize(("c", "rho", "days"), MMC)
def test_mmc_erlang_c_long(c, rho, days):
    checks = mmc_checks(c, rho, warmup_days=1000, horizon_days=4 * days, replications=20)
    check_all(with_p90(checks, rho * c, c))


def test_priority_cobham_one_server_three_classes():
    check_all(priority_checks(1, [0.2, 0.3, 0.3], warmup_days=500, horizon_days=8_000))


def test_priority_cobham_three_servers():
    check_all(priority_checks(3, [0.6, 0.9, 0.9], warmup_days=500, horizon_days=4_000))


@pytest.mark.slow
def test_priority_cobham_long():
    check_all(
        priority_checks(3, [0.6, 0.9, 0.9], warmup_days=1000, horizon_days=16_000, replications=20)
    )


def test_mg1_pollaczek_khinchine():
    check_all(
        [
            *md1_checks(0.8, warmup_days=500, horizon_days=10_000),
            *mlognormal1_checks(0.7, 1.5, warmup_days=500, horizon_days=10_000),
        ]
    )


@pytest.mark.slow
def test_mg1_pollaczek_khinchine_long():
    check_all(
        [
            *md1_checks(0.9, warmup_days=2000, horizon_days=40_000, replications=20),
            *mlognormal1_checks(0.7, 2.0, warmup_days=1000, horizon_days=40_000, replications=20),
        ]
    )


def test_jackson_tandem_with_routing():
    # 2 triage staff (mean 0.8 days) then 3 officers (mean 1.6 days); a quarter of referrals
    # end at triage, so the officers see Poisson arrivals at 1.5 a day (Burke)
    check_all(
        tandem_checks(2.0, (0.8, 2), (1.6, 3), case_rate=0.75, warmup_days=500, horizon_days=5_000)
    )


@pytest.mark.slow
def test_jackson_tandem_long():
    check_all(
        tandem_checks(
            2.0,
            (0.8, 2),
            (1.6, 3),
            case_rate=0.75,
            warmup_days=1000,
            horizon_days=20_000,
            replications=20,
        )
    )
