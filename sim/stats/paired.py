"""Statistics for comparing scenarios: pure functions, no SimPy, no I/O.

* :func:`paired_difference`: the mean of per-replication differences with a t interval, for
  replications that share random numbers (same seed, same replication index).
* :func:`welch_difference`: the difference of two independent means (Welch's t).
* :func:`holm_adjust`: Holm's step-down adjustment of p-values.
* :func:`wilson_interval`: an interval for a share of replications.

``nan`` values (a KPI with nothing to measure in a replication) are left out: a paired
comparison keeps only the replications where both values are finite. Degenerate cases give
plain numbers rather than ``nan``: when the differences have zero spread the interval is the
difference itself and the p-value is 1 if the difference is 0 (identical results), 0
otherwise (every replication moved by exactly the same amount). With fewer than two values
on a side there is no interval and no p-value (``None``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

PAIRED, WELCH = "paired", "welch"


def _finite(values: Sequence[float] | np.ndarray) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    return x[np.isfinite(x)]


def _no_test(method: str, n: int, difference: float | None) -> dict[str, Any]:
    return {
        "method": method,
        "n": n,
        "difference": difference,
        "ci_low": None,
        "ci_high": None,
        "half_width": None,
        "p_value": None,
    }


def _t_test(
    method: str, n: int, difference: float, se: float, df: float, level: float
) -> dict[str, Any]:
    """Interval and two-sided p-value of ``difference`` with standard error ``se``."""
    if se > 0:
        from scipy import stats as sps  # here, not at import: seconds of CLI start-up

        half = float(sps.t.ppf(0.5 + level / 2, df)) * se
        p = float(2 * sps.t.sf(abs(difference) / se, df))
    else:
        half = 0.0
        p = 1.0 if difference == 0 else 0.0
    return {
        "method": method,
        "n": n,
        "difference": difference,
        "ci_low": difference - half,
        "ci_high": difference + half,
        "half_width": half,
        "p_value": p,
    }


def paired_difference(
    baseline: Sequence[float] | np.ndarray,
    other: Sequence[float] | np.ndarray,
    level: float = 0.95,
) -> dict[str, Any]:
    """``other - baseline`` from replications paired by position.

    Returns ``{"method": "paired", "n", "difference", "ci_low", "ci_high", "half_width",
    "p_value"}``; ``n`` counts the pairs where both values are finite.
    """
    a = np.asarray(baseline, dtype=float)
    b = np.asarray(other, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired samples differ in length ({a.size} and {b.size})")
    both = np.isfinite(a) & np.isfinite(b)
    d = b[both] - a[both]
    n = int(d.size)
    if n == 0:
        return _no_test(PAIRED, 0, None)
    mean = float(np.mean(d))
    if n < 2:
        return _no_test(PAIRED, n, mean)
    se = float(np.std(d, ddof=1)) / math.sqrt(n)
    return _t_test(PAIRED, n, mean, se, n - 1, level)


def welch_difference(
    baseline: Sequence[float] | np.ndarray,
    other: Sequence[float] | np.ndarray,
    level: float = 0.95,
) -> dict[str, Any]:
    """``mean(other) - mean(baseline)`` for independent samples (Welch's t).

    Same keys as :func:`paired_difference`, with ``"method": "welch"`` and ``n`` the smaller
    of the two sample sizes.
    """
    a, b = _finite(baseline), _finite(other)
    n = int(min(a.size, b.size))
    if n == 0:
        return _no_test(WELCH, 0, None)
    difference = float(np.mean(b) - np.mean(a))
    if n < 2:
        return _no_test(WELCH, n, difference)
    va, vb = float(np.var(a, ddof=1)) / a.size, float(np.var(b, ddof=1)) / b.size
    se = math.sqrt(va + vb)
    # Welch–Satterthwaite degrees of freedom; with one side constant this is that of the other.
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1)) if se > 0 else 1.0
    return _t_test(WELCH, n, difference, se, df, level)


def holm_adjust(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the order given.

    The ``i``-th smallest of ``m`` p-values is multiplied by ``m - i + 1`` (``i`` from 1),
    capped at 1, and made non-decreasing along the sorted order. Rejecting where the adjusted
    p-value is below ``alpha`` controls the family-wise error rate at ``alpha``.
    """
    p = np.asarray(p_values, dtype=float)
    m = p.size
    if m == 0:
        return []
    order = np.argsort(p, kind="stable")
    scaled = np.minimum(1.0, p[order] * (m - np.arange(m)))
    adjusted = np.empty(m)
    adjusted[order] = np.maximum.accumulate(scaled)
    return [float(v) for v in adjusted]


def wilson_interval(successes: int, n: int, level: float = 0.95) -> dict[str, Any]:
    """Share ``successes / n`` with Wilson's score interval.

    Returns ``{"share", "ci_low", "ci_high", "n"}`` (``None`` values when ``n`` is 0). Bounds
    within float rounding of 0 or 1 (such as ``5.55e-17`` when no replication meets it) are
    exactly 0 and 1.
    """
    if n <= 0:
        return {"share": None, "ci_low": None, "ci_high": None, "n": 0}
    from scipy import stats as sps

    z = float(sps.norm.ppf(0.5 + level / 2))
    share = successes / n
    denom = 1 + z**2 / n
    centre = (share + z**2 / (2 * n)) / denom
    half = z * math.sqrt(share * (1 - share) / n + z**2 / (4 * n**2)) / denom
    return {
        "share": share,
        "ci_low": _snap(centre - half),
        "ci_high": _snap(centre + half),
        "n": n,
    }


def _snap(bound: float, tolerance: float = 1e-12) -> float:
    """A share's bound in [0, 1], with float noise next to 0 or 1 removed."""
    if bound < tolerance:
        return 0.0
    if bound > 1 - tolerance:
        return 1.0
    return bound
