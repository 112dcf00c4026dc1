"""The theory formulas themselves, against values computed another way or tabulated."""

from __future__ import annotations

import math

import pytest

from sim.stats import theory


def erlang_c_direct(c: int, a: float) -> float:
    """Erlang C from its textbook definition with factorials (fine for small c)."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


@pytest.mark.parametrize(("c", "a"), [(1, 0.5), (2, 1.4), (3, 2.4), (5, 4.5), (10, 9.0)])
def test_erlang_c_matches_its_definition(c, a):
    assert theory.erlang_c(c, a) == pytest.approx(erlang_c_direct(c, a), rel=1e-12)


def test_mm1_reduces_to_the_textbook_closed_forms():
    # M/M/1: Wq = rho / (mu - lam), W = 1 / (mu - lam)
    lam, mu = 0.8, 1.0
    assert theory.mmc_wq(lam, mu, 1) == pytest.approx(0.8 / 0.2)
    assert theory.mmc_w(lam, mu, 1) == pytest.approx(1 / 0.2)


def test_tabulated_mmc_value():
    # M/M/2 with lam = 1.8, mu = 1: C = 2 * 0.9^2 / (1 + 0.9) = 0.8526..., Wq = C / 0.2
    assert theory.erlang_c(2, 1.8) == pytest.approx(1.62 / 1.9, rel=1e-12)
    assert theory.mmc_wq(1.8, 1.0, 2) == pytest.approx(1.62 / 1.9 / 0.2, rel=1e-12)


def test_wait_quantile_inverts_the_cdf():
    t = theory.mmc_wait_quantile(0.9, 2.4, 1.0, 3)
    assert theory.mmc_wait_cdf(t, 2.4, 1.0, 3) == pytest.approx(0.9)
    # with little queueing the 90th percentile of the wait is 0
    assert theory.mmc_wait_quantile(0.9, 0.5, 1.0, 5) == 0.0


def test_cobham_with_one_class_is_erlang_c_and_conserves_work():
    assert theory.cobham_wq([2.4], 1.0, 3)[0] == pytest.approx(theory.mmc_wq(2.4, 1.0, 3))
    # with equal service rates, the arrival-weighted mean wait equals the FCFS wait
    rates = [0.6, 0.9, 0.9]
    waits = theory.cobham_wq(rates, 1.0, 3)
    mean = sum(r * w for r, w in zip(rates, waits, strict=True)) / sum(rates)
    assert mean == pytest.approx(theory.mmc_wq(sum(rates), 1.0, 3))
    assert waits == sorted(waits)


def test_pollaczek_khinchine_special_cases():
    # exponential service: M/M/1; deterministic: half of it
    assert theory.pk_wq(0.7, 1.0, 1.0) == pytest.approx(theory.mmc_wq(0.7, 1.0, 1))
    assert theory.pk_wq(0.7, 1.0, 0.0) == pytest.approx(theory.mmc_wq(0.7, 1.0, 1) / 2)


def test_jackson_tandem_and_little():
    w = theory.jackson_tandem_w(1.0, [(2.0, 1), (1.0, 2)])
    assert w == pytest.approx([theory.mmc_w(1.0, 2.0, 1), theory.mmc_w(1.0, 1.0, 2)])
    assert theory.little_l(2.0, 3.0) == 6.0


@pytest.mark.parametrize(
    "call",
    [
        lambda: theory.mmc_wq(1.0, 1.0, 1),
        lambda: theory.mmc_wq(3.1, 1.0, 3),
        lambda: theory.pk_wq(1.2, 1.0, 0.0),
        lambda: theory.cobham_wq([0.5, 0.6], 1.0, 1),
        lambda: theory.mmc_wq(0.5, 0.0, 1),
    ],
)
def test_unstable_or_invalid_queues_raise(call):
    with pytest.raises(ValueError):
        call()
