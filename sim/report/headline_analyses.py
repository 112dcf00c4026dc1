"""First-screen sentences of a comparison, a sweep and a calibration."""

from __future__ import annotations

from typing import Any

from sim.report.figures_analyses import sweep_kpi
from sim.report.figures_compare import chosen_kpis
from sim.report.headline import FEW_REPLICATIONS, Headline, run_scale, run_warnings
from sim.report.inputs import RunInput
from sim.report.numbers import number, with_ci

VERDICT_WORDS = {
    "better": "an improvement",
    "worse": "a deterioration",
    "no detectable difference": "no detectable difference",
}


def _scenario_sentence(comparison: dict[str, Any], arm: dict[str, Any], kpi: str) -> str:
    base = next(s for s in comparison["scenarios"] if s.get("baseline"))
    before = with_ci(base["kpis"].get(kpi), kpi)
    after = with_ci(arm["kpis"].get(kpi), kpi)
    row = next(
        (r for r in comparison["comparisons"] if r["scenario"] == arm["label"] and r["kpi"] == kpi),
        {},
    )
    verdict = VERDICT_WORDS.get(row.get("verdict"), row.get("verdict") or "not tested")
    words = kpi.replace("_", " ")
    return f"{arm['label']} takes {words} from {before} to {after}: {verdict}."


def _target_sentences(comparison: dict[str, Any]) -> list[str]:
    out = []
    for t in comparison.get("targets") or []:
        for s in t["scenarios"]:
            out.append(f"{s['scenario']}: {t['target']} in {s['met']} of {s['n']} simulated runs.")
    return out


def primary_kpi(comparison: dict[str, Any], runs: list[RunInput]) -> str | None:
    """The KPI the headline is about: the substandard share at the first inspection a year
    or more after the scenarios' first measure (else the latest inspection, else the first
    chart KPI)."""
    kpis = chosen_kpis(comparison)
    names = {k["kpi"] for k in comparison.get("kpis", [])}
    measures = [m.day for run in runs for m in run.scenario.measures]
    inspections = sorted(runs[0].scenario.inspections, key=lambda i: i.day) if runs else []
    measured = [i for i in inspections if f"{i.name}_substandard_rate" in names]
    if measured:
        after = [i for i in measured if measures and i.day >= min(measures) + 365]
        return f"{(after or measured)[0 if after else -1].name}_substandard_rate"
    return kpis[0] if kpis else None


def compare_headline(comparison: dict[str, Any], runs: list[RunInput]) -> Headline:
    """Each scenario against the baseline on the first chosen KPI (the latest inspection's
    substandard share when there is one), the targets met and the warnings."""
    kpi = primary_kpi(comparison, runs)
    arms = [s for s in comparison["scenarios"] if not s.get("baseline")]
    sentences = [_scenario_sentence(comparison, a, kpi) for a in arms] if kpi else []
    sentences += _target_sentences(comparison)
    first = comparison["scenarios"][0]
    if runs:
        scale = run_scale(runs[0])
    else:
        scale = (
            f"{first['replications']} replications per scenario, {first['horizon_days']:g} "
            f"days after a {first['warmup_days']:g}-day warm-up."
        )
    warnings = []
    for run in runs:
        warnings += [f"{run.label}: {w}" for w in run_warnings(run)]
    if not runs and int(first["replications"]) < FEW_REPLICATIONS:
        warnings.append(f"Only {first['replications']} replications: too few for a verdict.")
    warnings += list(comparison.get("notes") or [])
    return Headline(sentences, scale, warnings)


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
        f"{manifest.get('points')} points × {manifest.get('replications')} replications, "
        f"{manifest.get('horizon_days', 0):g} days after a "
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
        f"{doc.get('evaluations')} evaluations of {doc.get('replications')} replications, "
        f"{doc.get('horizon_days', 0):g} days each ({doc.get('method')}; "
        f"{doc.get('stop_reason')})."
    )
    warnings = [] if doc.get("all_targets_met") else ["Not every target is met."]
    return Headline(sentences, scale, warnings + list(doc.get("notes") or []))
