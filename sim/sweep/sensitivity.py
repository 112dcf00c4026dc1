"""Sensitivity measures from a sweep's KPI values: pure functions, no SimPy.

Inputs are arrays ``y[point, replication]`` of one KPI. Replication ``r`` of every point
shares random numbers (common random numbers), which the estimators below exploit: effects
are estimated from paired differences across replications.

- **One at a time** (:func:`oat_rows`): each moved point against the base point, the paired
  difference per replication with a t-interval: the bars of a tornado chart.
- **Sobol indices** (:func:`sobol_indices`): first-order (Saltelli 2010) and total-order
  (Jansen) estimators on Saltelli's A, B, AB_i design, computed on the replication means
  of each point with the replication noise taken out:

  * each product or square of point means is corrected by its noise part, estimated from
    the spread across replications (``E[x̄ȳ] = E[x]E[y] + cov(x, y)/R``);
  * the KPI's variance over the design is the variance of the A and B point means less the
    noise part, estimated from the point × replication interaction mean square (which also
    holds when common random numbers correlate the noise across points);
  * ``noise_share`` is the share of one replication's variance over the design that is
    replication noise (within-point variance / (design variance + within-point variance)).

  With one replication there is no noise estimate: the indices are the plain estimators,
  identical to ``scipy.stats.sobol_indices`` given the same A, B, AB values, and
  ``noise_share`` is ``nan``. Intervals are percentile bootstraps over the design's rows.
- **Rank correlations** (:func:`rank_rows`, grid and lhs): Spearman's rho between each
  numeric parameter and each KPI's point mean.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.stats.summary import t_interval

BOOTSTRAP = 1000


@dataclass(frozen=True)
class SobolEstimate:
    """Indices of k parameters for one KPI; ``*_ci`` are (k, 2) interval bounds."""

    first: np.ndarray
    first_ci: np.ndarray
    total: np.ndarray
    total_ci: np.ndarray
    variance: float
    noise_variance: float
    noise_share: float
    rows: int


def _row_terms(ya: np.ndarray, yb: np.ndarray, yab: np.ndarray) -> dict[str, np.ndarray]:
    """Per-row quantities whose (weighted) means give every estimate.

    ``ya``, ``yb``: (N, R); ``yab``: (k, N, R).
    """
    r = ya.shape[1]
    ma, mb, mab = ya.mean(-1), yb.mean(-1), yab.mean(-1)  # (N,), (N,), (k, N)
    d = mab - ma  # (k, N)
    diff_ab = yab - ya  # (k, N, R)
    if r > 1:
        cov_b = ((yb - mb[:, None]) * (diff_ab - d[..., None])).sum(-1) / (r - 1)
        var_d = diff_ab.var(-1, ddof=1)
    else:
        cov_b = var_d = np.zeros_like(d)
    za, zb = ya - ma[:, None], yb - mb[:, None]
    return {
        "first": (mb * d - cov_b / r).T,  # (N, k)
        "d": d.T,
        "total": (0.5 * (d**2 - var_d / r)).T,
        "centre": (ma + mb) / 2,
        "m_sum": ma + mb,
        "m_sq": ma**2 + mb**2,
        "z_sum": za + zb,  # (N, R)
        "z_sq": (za**2).sum(-1) + (zb**2).sum(-1),
        "within": (ya.var(-1, ddof=1) + yb.var(-1, ddof=1)) / 2 if r > 1 else np.zeros_like(ma),
    }


def _estimates(w: np.ndarray, t: dict[str, np.ndarray], r: int) -> tuple[np.ndarray, ...]:
    """(first, total, variance) for each row of weights ``w`` (B, N), each summing to N."""
    n = w.shape[1]

    def mean(x: np.ndarray) -> np.ndarray:
        return (w @ x) / n

    centre = mean(t["centre"])
    first = mean(t["first"]) - centre[:, None] * mean(t["d"])
    total = mean(t["total"])
    var0 = mean(t["m_sq"]) / 2 - (mean(t["m_sum"]) / 2) ** 2
    if r > 1:
        p = 2 * n
        zbar = (w @ t["z_sum"]) / p
        ss = w @ t["z_sq"] - p * (zbar**2).sum(-1)
        var = var0 - ss / (p * (r - 1) * r)  # (p-1)/p × interaction mean square / r
    else:
        var = var0
    return first, total, var, var0


def sobol_indices(
    ya: np.ndarray,
    yb: np.ndarray,
    yab: np.ndarray,
    *,
    bootstrap: int = BOOTSTRAP,
    level: float = 0.95,
    rng: np.random.Generator | None = None,
) -> SobolEstimate:
    """First- and total-order Sobol indices with noise correction and bootstrap intervals.

    Parameters
    ----------
    ya, yb:
        KPI values at the A and B points, shape (N, R): N design rows, R replications.
    yab:
        KPI values at the AB_i points, shape (k, N, R).
    bootstrap:
        Resamples of the design rows for the percentile intervals (0: no intervals).
    rng:
        Generator for the resampling (seeded by the caller for reproducible intervals).

    Rows with a ``nan`` anywhere are left out. Indices are ``nan`` when fewer than two rows
    remain or the design variance left after the noise is not positive; a KPI that is
    constant over the whole design has indices 0.
    """
    ya, yb, yab = (np.asarray(x, dtype=float) for x in (ya, yb, yab))
    k = yab.shape[0]
    keep = np.isfinite(ya).all(-1) & np.isfinite(yb).all(-1) & np.isfinite(yab).all((0, 2))
    ya, yb, yab = ya[keep], yb[keep], yab[:, keep]
    n, r = ya.shape
    nan_k = np.full(k, np.nan)
    if n < 2:
        return SobolEstimate(
            nan_k,
            np.full((k, 2), np.nan),
            nan_k,
            np.full((k, 2), np.nan),
            np.nan,
            np.nan,
            np.nan,
            int(n),
        )
    t = _row_terms(ya, yb, yab)
    first, total, var, var0 = (x[0] for x in _estimates(np.ones((1, n)), t, r))
    within = float(t["within"].mean()) if r > 1 else np.nan
    noise_share = within / (max(var, 0.0) + within) if r > 1 and within > 0 else np.nan
    if r > 1 and within == 0:
        noise_share = 0.0
    if var0 == 0:  # constant over the design: no parameter has any effect
        zeros = np.zeros(k)
        return SobolEstimate(
            zeros, np.zeros((k, 2)), zeros, np.zeros((k, 2)), 0.0, within, noise_share, int(n)
        )
    s1, st = _ratio(first, var), _ratio(total, var)
    s1_ci = st_ci = np.full((k, 2), np.nan)
    if bootstrap > 0:
        rng = rng if rng is not None else np.random.default_rng(0)
        idx = rng.integers(0, n, size=(bootstrap, n))
        w = np.zeros((bootstrap, n))
        np.add.at(w, (np.arange(bootstrap)[:, None], idx), 1.0)
        bf, bt, bv, _ = _estimates(w, t, r)
        q = [50 * (1 - level), 50 * (1 + level)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-nan columns stay nan
            s1_ci = np.nanpercentile(_ratio(bf, bv[:, None]), q, axis=0).T
            st_ci = np.nanpercentile(_ratio(bt, bv[:, None]), q, axis=0).T
    return SobolEstimate(s1, s1_ci, st, st_ci, float(var), within, float(noise_share), int(n))


def _ratio(num: np.ndarray, var: Any) -> np.ndarray:
    var = np.asarray(var, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(var > 0, num / np.where(var > 0, var, 1.0), np.nan)


def change_from_base(y: np.ndarray, y_base: np.ndarray) -> dict[str, Any]:
    """Mean and t-interval of ``y - y_base`` (a point minus the base point, paired by
    replication) over replications where both are measured."""
    diff = np.asarray(y, dtype=float) - np.asarray(y_base, dtype=float)
    return t_interval(diff[np.isfinite(diff)])


def _mean(y: np.ndarray) -> float:
    y = y[np.isfinite(y)]
    return float(y.mean()) if y.size else float("nan")


def oat_rows(
    points: Sequence[Any], values: Mapping[str, np.ndarray], kpis: Sequence[str]
) -> list[dict[str, Any]]:
    """One row per moved point × KPI: its value, mean, and paired change from the base.

    ``points`` are the oat design's points (the first is the base); ``values[kpi]`` has
    shape (points, replications).
    """
    rows = []
    for i, point in enumerate(points):
        if point.block == "base":
            continue
        for kpi in kpis:
            y = values[kpi]
            delta = change_from_base(y[i], y[0])
            rows.append(
                {
                    "parameter": point.varied,
                    "level": point.block,
                    "value": point.values[point.varied],
                    "base_value": points[0].values[point.varied],
                    "kpi": kpi,
                    "base_mean": _mean(y[0]),
                    "mean": _mean(y[i]),
                    "delta": delta["mean"],
                    "delta_ci_low": delta["ci_low"],
                    "delta_ci_high": delta["ci_high"],
                    "n": delta["n"],
                    "point": i,
                }
            )
    return rows


def sobol_rows(
    points: Sequence[Any],
    params: Sequence[str],
    values: Mapping[str, np.ndarray],
    kpis: Sequence[str],
    *,
    bootstrap: int = BOOTSTRAP,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """One row per KPI × parameter with S1 and ST and their intervals."""
    blocks = np.array([p.block for p in points])
    varied = np.array([p.varied or "" for p in points])
    a, b = np.flatnonzero(blocks == "A"), np.flatnonzero(blocks == "B")
    ab = [np.flatnonzero((blocks == "AB") & (varied == name)) for name in params]
    rows = []
    for n_kpi, kpi in enumerate(kpis):
        y = np.asarray(values[kpi], dtype=float)
        rng = np.random.default_rng(np.random.SeedSequence([seed, n_kpi]))
        est = sobol_indices(y[a], y[b], np.stack([y[i] for i in ab]), bootstrap=bootstrap, rng=rng)
        for j, name in enumerate(params):
            rows.append(
                {
                    "kpi": kpi,
                    "parameter": name,
                    "S1": float(est.first[j]),
                    "S1_ci_low": float(est.first_ci[j, 0]),
                    "S1_ci_high": float(est.first_ci[j, 1]),
                    "ST": float(est.total[j]),
                    "ST_ci_low": float(est.total_ci[j, 0]),
                    "ST_ci_high": float(est.total_ci[j, 1]),
                    "variance": float(est.variance),
                    "noise_variance": float(est.noise_variance),
                    "noise_share": float(est.noise_share),
                    "rows": est.rows,
                }
            )
    return rows


def rank_rows(
    points: Sequence[Any],
    params: Sequence[Any],
    values: Mapping[str, np.ndarray],
    kpis: Sequence[str],
) -> list[dict[str, Any]]:
    """Spearman's rho of each numeric parameter with each KPI's point mean."""
    rows = []
    for kpi in kpis:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            means = np.nanmean(np.asarray(values[kpi], dtype=float), axis=1)
        for p in params:
            if p.kind == "values":
                continue
            x = np.array([pt.values[p.path] for pt in points], dtype=float)
            ok = np.isfinite(means)
            rho = p_value = float("nan")
            if ok.sum() >= 3 and np.ptp(x[ok]) > 0 and np.ptp(means[ok]) > 0:
                from scipy import stats as sps  # here: scipy.stats is slow to import

                res = sps.spearmanr(x[ok], means[ok])
                rho, p_value = float(res.statistic), float(res.pvalue)
            rows.append(
                {
                    "kpi": kpi,
                    "parameter": p.path,
                    "spearman_rho": rho,
                    "p_value": p_value,
                    "points": int(ok.sum()),
                }
            )
    return rows
