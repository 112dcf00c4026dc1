"""First-screen sentences of a sweep and a calibration."""

from __future__ import annotations

from typing import Any

from sim.report.figures_analyses import sweep_kpi
from sim.report.headline import Headline
from sim.report.numbers import number, quantity


def sweep_headline(manifest: dict[str, Any], rows: list[dict[str, Any]]) -> Headline:
    """The parameter that moves the KPI most (one at a time) or explains most variance."""
    sentences = []
    column = "delta" if manifest.get("method") != "sobol" else "ST"
    kpi = sweep_kpi(rows, column)
    if kpi is not None:
        mine = [r for r in rows if r["kpi"] == kpi]
        top = max(mine, key=lambda r: abs(r[column]))
        if column == "delta":
            sentences.append(
                f"Of the parameters varied, {top['parameter']} moves {kpi} most: at "
                f"{top['value']} it changes by {number(top['delta'], kpi)} "
                f"(95% CI {number(top['delta_ci_low'], kpi)} to "
                f"{number(top['delta_ci_high'], kpi)})."
            )
        else:
            sentences.append(
                f"{top['parameter']} explains the largest share of the variance of {kpi} "
                f"(total Sobol index {top['ST']:.2f})."
            )
    scale = (
        f"{manifest.get('method')} sweep of {len(manifest.get('parameters', []))} parameters: "
        f"{quantity(manifest.get('points', 0), 'points')} × "
        f"{quantity(manifest.get('replications', 0), 'replications')}, "
        f"{quantity(manifest.get('horizon_days', 0), 'days')} after a "
        f"{manifest.get('warmup_days', 0):g}-day warm-up."
    )
    return Headline(sentences, scale, [])


def calibration_headline(doc: dict[str, Any]) -> Headline:
    """The verdict and the fitted values."""
    fitted = ", ".join(f"{k} = {v}" for k, v in (doc.get("fitted_values") or {}).items())
    sentences = [str(doc.get("verdict", ""))]
    if fitted:
        sentences.append(f"Fitted: {fitted}.")
    scale = (
        f"{quantity(doc.get('evaluations', 0), 'evaluations')} of "
        f"{quantity(doc.get('replications', 0), 'replications')}, "
        f"{quantity(doc.get('horizon_days', 0), 'days')} each ({doc.get('method')}; "
        f"{doc.get('stop_reason')})."
    )
    warnings = [] if doc.get("all_targets_met") else ["Not every target is met."]
    return Headline(sentences, scale, warnings + list(doc.get("notes") or []))
