"""Textbook queueing formulas the engine is validated against: pure functions, no SimPy.

Units: arrival rates ``lam`` and service rates ``mu`` are per day (per server for ``mu``);
waiting and sojourn times are in days; ``a = lam / mu`` is the offered load in Erlangs and
``rho = lam / (c mu)`` the utilisation of ``c`` servers. Every function raises
``ValueError`` for an unstable queue (``rho >= 1``) or a non-positive rate, rather than
returning a meaningless number.

References: Gross, Shortle, Thompson and Harris, *Fundamentals of Queueing Theory* (4th ed.):
Erlang C and M/M/c (§2.3), Cobham's non-preemptive priority formula (§3.4), the
Pollaczek–Khinchine formula for M/G/1 (§5.1), Jackson networks (§4.2).
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def _check(lam: float, mu: float, c: int) -> float:
    if lam < 0 or mu <= 0:
        raise ValueError("expected lam >= 0 and mu > 0")
    if c < 1 or int(c) != c:
        raise ValueError("expected a whole number of servers c >= 1")
    rho = lam / (c * mu)
    if rho >= 1:
        raise ValueError(f"unstable queue: utilisation rho = {rho:.3g} >= 1")
    return rho


def erlang_b(c: int, a: float) -> float:
    """Erlang's loss formula B(c, a): the blocking probability of M/M/c/c.

    Computed by the stable recursion B(k) = a B(k-1) / (k + a B(k-1)), B(0) = 1.
    ``a`` is the offered load in Erlangs (``lam / mu``).
    """
    if c < 0 or a < 0:
        raise ValueError("expected c >= 0 and a >= 0")
    b = 1.0
    for k in range(1, int(c) + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(c: int, a: float) -> float:
    """Erlang's delay formula C(c, a): the probability an arrival to M/M/c waits.

    ``a`` is the offered load in Erlangs; requires ``a < c``. Uses
    C = B / (1 - (a / c)(1 - B)) with B the Erlang B value.
    """
    if a >= c:
        raise ValueError(f"unstable queue: offered load {a:g} >= servers {c}")
    b = erlang_b(c, a)
    return b / (1.0 - (a / c) * (1.0 - b))


def mmc_wq(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue of M/M/c, days: Wq = C(c, a) / (c mu - lam)."""
    _check(lam, mu, c)
    return erlang_c(c, lam / mu) / (c * mu - lam)


def mmc_w(lam: float, mu: float, c: int) -> float:
    """Mean sojourn (wait plus service) of M/M/c, days: W = Wq + 1 / mu."""
    return mmc_wq(lam, mu, c) + 1.0 / mu


def mmc_wait_cdf(t: float, lam: float, mu: float, c: int) -> float:
    """P(Wq <= t) for M/M/c, FCFS: 1 - C(c, a) exp(-(c mu - lam) t), ``t`` in days."""
    _check(lam, mu, c)
    if t < 0:
        return 0.0
    return 1.0 - erlang_c(c, lam / mu) * math.exp(-(c * mu - lam) * t)


def mmc_wait_quantile(q: float, lam: float, mu: float, c: int) -> float:
    """The ``q`` quantile of the M/M/c (FCFS) wait in queue, days (0 when ``q <= 1 - C``)."""
    _check(lam, mu, c)
    if not 0 < q < 1:
        raise ValueError("expected 0 < q < 1")
    waits = erlang_c(c, lam / mu)
    if 1.0 - q >= waits:
        return 0.0
    return math.log(waits / (1.0 - q)) / (c * mu - lam)


def cobham_wq(lams: Sequence[float], mu: float, c: int) -> list[float]:
    """Mean wait in queue by class for non-preemptive priority M/M/c (Cobham, 1954).

    Classes are listed highest priority first, all with the same exponential service rate
    ``mu`` per day; within a class service is first come, first served. With
    ``sigma_k = sum(lams[:k + 1]) / (c mu)``::

        Wq_k = C(c, a) / (c mu) / ((1 - sigma_{k-1}) (1 - sigma_k))

    where ``a = sum(lams) / mu``. Returns one mean wait per class, days.
    """
    lam = float(sum(lams))
    _check(lam, mu, c)
    head = erlang_c(c, lam / mu) / (c * mu)
    out, sigma_prev = [], 0.0
    for lam_k in lams:
        sigma = sigma_prev + lam_k / (c * mu)
        out.append(head / ((1.0 - sigma_prev) * (1.0 - sigma)))
        sigma_prev = sigma
    return out


def pk_wq(lam: float, mean: float, variance: float) -> float:
    """Mean wait in queue of M/G/1 (Pollaczek–Khinchine), days.

    ``mean`` and ``variance`` are those of the service time (days, days²)::

        Wq = lam E[S^2] / (2 (1 - rho)),  E[S^2] = variance + mean^2,  rho = lam mean
    """
    if mean <= 0 or variance < 0:
        raise ValueError("expected a positive mean and a non-negative variance")
    rho = _check(lam, 1.0 / mean, 1)
    return lam * (variance + mean**2) / (2.0 * (1.0 - rho))


def jackson_tandem_w(lam: float, stages: Sequence[tuple[float, int]]) -> list[float]:
    """Mean sojourn at each stage of a tandem of M/M/c stations (a Jackson network), days.

    ``stages`` lists ``(mu, c)`` per station, in order. By Burke's theorem each station's
    departures are Poisson with rate ``lam``, so station i is an M/M/c_i queue with sojourn
    ``mmc_w(lam, mu_i, c_i)``, and the end-to-end mean is the sum.
    """
    return [mmc_w(lam, mu, c) for mu, c in stages]


def little_l(lam: float, w: float) -> float:
    """Little's law: mean number in a system L = lam W (``lam`` per day, ``w`` in days)."""
    if lam < 0 or w < 0:
        raise ValueError("expected lam >= 0 and w >= 0")
    return lam * w
