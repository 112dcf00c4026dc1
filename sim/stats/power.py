"""Replications needed to detect a difference: the power of a two-sided t-test.

Pure functions, no SimPy, no I/O. For a mean difference ``δ`` estimated from ``n``
replications with standard error ``se(n)`` and ``df(n)`` degrees of freedom, a two-sided
t-test at level ``α`` rejects with probability (its power)

    power(n) = P(T' > t) + P(T' < -t),   t = t_{1-α/2, df(n)},  T' ~ t'(df(n), δ / se(n))

where ``t'`` is the noncentral t distribution. Paired differences (common random numbers):
``se(n) = s_d / √n`` and ``df = n - 1`` with ``s_d`` the standard deviation of the
per-replication differences. Independent replications (Welch), ``n`` per scenario:
``se(n) = √((s_a² + s_b²) / n)`` and the Welch–Satterthwaite
``df = (n - 1)(s_a² + s_b²)² / (s_a⁴ + s_b⁴)``. :func:`replications_needed` is the smallest
``n`` (at least 2) with ``power(n) ≥`` the power asked for, searched from the normal
approximation ``n ≈ (z_{1-α/2} + z_{power})² (s_d² or s_a² + s_b²) / δ²``; above 10,000
replications the approximation plus ``z_{1-α/2}² / 2`` is returned without the exact search.
"""

from __future__ import annotations

import math

LIMIT = 10_000_000  # replications; beyond this the answer is "practically never"
EXACT_UP_TO = 10_000  # replications; above, the normal approximation (error well under 1%)


def t_test_power(
    difference: float, sd: float, n: int, alpha: float, sd_other: float | None = None
) -> float:
    """Power of the two-sided t-test at level ``alpha`` with ``n`` replications.

    ``difference`` and the standard deviations are in the KPI's unit. ``sd`` is the standard
    deviation of paired differences, or, with ``sd_other``, of the baseline's replications
    (Welch, ``n`` per scenario).
    """
    from scipy import stats as sps  # here, not at import: seconds of CLI start-up

    if n < 2:
        return 0.0
    if sd_other is None:
        se, df = sd / math.sqrt(n), n - 1.0
    else:
        va, vb = sd**2, sd_other**2
        se = math.sqrt((va + vb) / n)
        df = (n - 1.0) * (va + vb) ** 2 / (va**2 + vb**2) if va + vb > 0 else n - 1.0
    if se == 0:
        return 1.0 if difference != 0 else alpha
    critical = float(sps.t.ppf(1 - alpha / 2, df))
    shift = abs(difference) / se
    upper = _finite_or(sps.nct.sf(critical, df, shift), 1 - sps.nct.cdf(critical, df, shift))
    # The far tail underflows to nan in scipy for large shifts with few degrees of freedom.
    lower = _finite_or(sps.nct.cdf(-critical, df, shift), 1 - sps.nct.sf(-critical, df, shift))
    power = _finite_or(upper, float(sps.norm.sf(critical - shift))) + _finite_or(lower, 0.0)
    return min(1.0, max(0.0, power))


def _finite_or(value: float, fallback: float) -> float:
    """``value`` if it is a finite number, else ``fallback``."""
    value = float(value)
    return value if math.isfinite(value) else float(fallback)


def replications_needed(
    difference: float,
    sd: float,
    alpha: float,
    power: float = 0.8,
    sd_other: float | None = None,
) -> int | None:
    """Smallest number of replications (≥ 2) at which the t-test detects ``difference``.

    Paired when ``sd_other`` is ``None`` (``sd``: standard deviation of the paired
    differences), else Welch with ``n`` replications per scenario (``sd``, ``sd_other``: the
    two scenarios' standard deviations); all in the KPI's unit. ``alpha`` is the two-sided
    level of the one test (after any multiple-testing correction). ``None`` when the
    difference is 0 or not finite, or when more than ten million replications would be needed.
    """
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError(f"alpha and power must be in (0, 1), got {alpha} and {power}")
    values = [difference, sd] + ([] if sd_other is None else [sd_other])
    if difference == 0 or not all(math.isfinite(v) for v in values):
        return None

    from scipy import stats as sps

    # Normal approximation, then exact steps with the noncentral t (a few at most).
    z = float(sps.norm.ppf(1 - alpha / 2) + sps.norm.ppf(power))
    variance = sd**2 + (0.0 if sd_other is None else sd_other**2)
    approximate = z**2 * variance / difference**2
    if approximate > EXACT_UP_TO:
        # t ≈ normal here; the usual correction for estimating the variance (+ z²/2).
        needed = math.ceil(approximate + float(sps.norm.ppf(1 - alpha / 2)) ** 2 / 2)
        return needed if needed <= LIMIT else None
    n = max(2, math.ceil(approximate))
    while t_test_power(difference, sd, n, alpha, sd_other) < power:
        n += 1
    while n > 2 and t_test_power(difference, sd, n - 1, alpha, sd_other) >= power:
        n -= 1
    return n
