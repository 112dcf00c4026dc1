"""The first screen of a comparison: the best scenario's effect on the KPI that matters
(the substandard share at the first inspection a year after the measures), whether any
other scenario, such as a single measure, does it too, and how often a simulated inspection
meets the target."""

from __future__ import annotations

from typing import Any

from sim.report.figures_compare import cases_opened, chosen_kpis
from sim.report.headline import (
    FEW_REPLICATIONS,
    Headline,
    inspection_words,
    run_scale,
    run_warnings,
)
from sim.report.inputs import RunInput
from sim.report.numbers import number, quantity, shown
from sim.report.suppress import Suppression

VERDICT_WORDS = {
    "better": "an improvement",
    "worse": "a deterioration",
    "no detectable difference": "no detectable difference",
}
OPERATOR_WORDS = {"<": "under", "<=": "at or under", ">": "over", ">=": "at or over"}
DEFAULT_TARGET = ("<", 0.5)
"""Without a ``--target`` on it, an inspection's substandard share is judged against 50%."""
SUFFIX = "_substandard_rate"


def primary_kpi(comparison: dict[str, Any], runs: list[RunInput]) -> str | None:
    """The KPI the headline is about: the substandard share at the first inspection a year
    or more after the scenarios' first measure (else the latest inspection, else the first
    chart KPI)."""
    kpis = chosen_kpis(comparison)
    names = {k["kpi"] for k in comparison.get("kpis", [])}
    measures = [m.day for run in runs for m in run.scenario.measures]
    inspections = sorted(runs[0].scenario.inspections, key=lambda i: i.day) if runs else []
    measured = [i for i in inspections if f"{i.name}{SUFFIX}" in names]
    if measured:
        after = [i for i in measured if measures and i.day >= min(measures) + 365]
        return f"{(after or measured)[0 if after else -1].name}{SUFFIX}"
    return kpis[0] if kpis else None


def _target(comparison: dict[str, Any], kpi: str) -> tuple[str, float, dict[str, Any]] | None:
    """``(operator, threshold, {label: (met, n)})`` of a ``--target`` on ``kpi``; else the
    default 50% for a substandard share (replication counts filled in later), else None."""
    for t in comparison.get("targets") or []:
        if t["kpi"] == kpi:
            met = {s["scenario"]: (s["met"], s["n"]) for s in t["scenarios"]}
            return t["operator"], float(t["threshold"]), met
    if kpi.endswith(SUFFIX):
        return (*DEFAULT_TARGET, {})
    return None


def _meets(value: Any, operator: str, threshold: float) -> bool:
    if not isinstance(value, int | float):
        return False
    return {
        "<": value < threshold,
        "<=": value <= threshold,
        ">": value > threshold,
        ">=": value >= threshold,
    }[operator]


def _count(run: RunInput | None, kpi: str, operator: str, threshold: float) -> tuple | None:
    """Replications of a results folder meeting the condition, ``(met, n)``, or None."""
    values = run.values(kpi) if run is not None else None
    if values is None:
        return None
    finite = [v for v in values if v == v]
    return sum(_meets(v, operator, threshold) for v in finite), len(finite)


def _best(comparison: dict[str, Any], arms: list[dict[str, Any]], kpi: str) -> dict:
    better = next((k["better"] for k in comparison["kpis"] if k["kpi"] == kpi), "lower")
    means = [(a["kpis"].get(kpi) or {}).get("mean") for a in arms]
    scored = [(m, a) for m, a in zip(means, arms, strict=True) if isinstance(m, int | float)]
    if not scored:
        return arms[0]
    pick = max if better == "higher" else min
    return pick(scored, key=lambda x: x[0])[1]


def _others_clause(best: dict, others: list[dict], runs: dict[str, RunInput], cond) -> str:
    """Whether the other scenarios reach the threshold: ``no single measure does it``."""
    kpi, operator, threshold = cond
    if not others:
        return ""
    meeting = [a["label"] for a in others if _meets(_mean(a, kpi), operator, threshold)]
    if not _meets(_mean(best, kpi), operator, threshold):
        return f"; no scenario brings it {OPERATOR_WORDS[operator]} {number(threshold, kpi)}"
    if meeting:
        verb = "does" if len(meeting) == 1 else "do"
        return f"; {', '.join(meeting)} {verb} it too"
    single = all(
        a["label"] in runs and len(runs[a["label"]].scenario.measures) <= 1 for a in others
    )
    return "; no single measure does it" if single else "; no other scenario does it"


def _mean(arm: dict[str, Any], kpi: str) -> Any:
    return (arm["kpis"].get(kpi) or {}).get("mean")


def lead_sentence(
    comparison: dict[str, Any], runs: list[RunInput], kpi: str, sup: Suppression
) -> str:
    """The best scenario's change in ``kpi``, the others against the threshold, and how
    many simulated inspections (replications) meet it."""
    arms = [s for s in comparison["scenarios"] if not s.get("baseline")]
    base = next(s for s in comparison["scenarios"] if s.get("baseline"))
    best = _best(comparison, arms, kpi)
    by_label = {run.label: run for run in runs}
    opened = cases_opened(comparison)
    before = shown(base["kpis"].get(kpi), kpi, sup, opened.get(base["label"]))
    after = shown(best["kpis"].get(kpi), kpi, sup, opened.get(best["label"]))
    if kpi.endswith(SUFFIX):
        what = f"the {inspection_words(kpi.removesuffix(SUFFIX))}"
        if " (95% CI" in before:
            before = before.replace(" (95% CI", " substandard (95% CI", 1)
        elif not before.startswith(("under ", "–")):  # no interval; not hidden or undefined
            before += " substandard"
    else:
        what = kpi.replace("_", " ")
    row = _row(comparison, best["label"], kpi)
    verdict = VERDICT_WORDS.get(row.get("verdict"), row.get("verdict") or "not tested")
    text = f"The {best['label']} scenario takes {what} from {before} to {after}, {verdict}"
    target = _target(comparison, kpi)
    if target is None or "suppressed" in after:
        return text + "."
    operator, threshold, met = target
    others = [a for a in arms if a is not best]
    text += _others_clause(best, others, by_label, (kpi, operator, threshold))
    counted = met.get(best["label"]) or _count(
        by_label.get(best["label"]), kpi, operator, threshold
    )
    words = f"{OPERATOR_WORDS[operator]} {number(threshold, kpi)}"
    if counted is not None:
        runs_word = "simulated inspections" if kpi.endswith(SUFFIX) else "simulated runs"
        text += f"; in {counted[0]} of {counted[1]} {runs_word} it is {words}"
    elif not others:  # no replication values (scenario files compared without --target)
        meets = _meets(_mean(best, kpi), operator, threshold)
        text += f"; on average it is {'' if meets else 'not '}{words}"
    return text + "."


def _row(comparison: dict[str, Any], label: str, kpi: str) -> dict[str, Any]:
    return next(
        (r for r in comparison["comparisons"] if r["scenario"] == label and r["kpi"] == kpi),
        {},
    )


def _other_sentence(comparison: dict[str, Any], arm: dict[str, Any], kpi: str, sup) -> str:
    base = next(s for s in comparison["scenarios"] if s.get("baseline"))
    opened = cases_opened(comparison)
    before = shown(base["kpis"].get(kpi), kpi, sup, opened.get(base["label"]))
    after = shown(arm["kpis"].get(kpi), kpi, sup, opened.get(arm["label"]))
    row = _row(comparison, arm["label"], kpi)
    verdict = VERDICT_WORDS.get(row.get("verdict"), row.get("verdict") or "not tested")
    return f"{arm['label']}: from {before} to {after}, {verdict}."


def _grouped_warnings(runs: list[RunInput]) -> list[str]:
    """Each run's warnings, once per text: ``baseline, package: Only 2 replications…``."""
    labels: dict[str, list[str]] = {}
    for run in runs:
        for w in run_warnings(run):
            labels.setdefault(w, []).append(run.label)
    return [f"{', '.join(names)}: {w}" for w, names in labels.items()]


def compare_headline(
    comparison: dict[str, Any], runs: list[RunInput], sup: Suppression | None = None
) -> Headline:
    """The lead sentence (see :func:`lead_sentence`), one short sentence for each other
    scenario, the targets, the run's scale and the warnings."""
    sup = sup or Suppression()
    kpi = primary_kpi(comparison, runs)
    sentences = []
    if kpi:
        sentences.append(lead_sentence(comparison, runs, kpi, sup))
        arms = [s for s in comparison["scenarios"] if not s.get("baseline")]
        best = _best(comparison, arms, kpi)
        sentences += [_other_sentence(comparison, a, kpi, sup) for a in arms if a is not best]
    for t in comparison.get("targets") or []:
        for s in t["scenarios"]:
            sentences.append(
                f"{s['scenario']}: {t['target']} in {s['met']} of {s['n']} simulated runs."
            )
    first = comparison["scenarios"][0]
    if runs:
        scale = f"Each scenario: {run_scale(runs[0])}"
    else:
        scale = (
            f"{quantity(first['replications'], 'replications')} per scenario, "
            f"{quantity(first['horizon_days'], 'days')} after a "
            f"{first['warmup_days']:g}-day warm-up."
        )
    warnings = _grouped_warnings(runs)
    if not runs and int(first["replications"]) < FEW_REPLICATIONS:
        warnings.append(
            f"Only {quantity(first['replications'], 'replications')}: too few for a verdict."
        )
    warnings += list(comparison.get("notes") or [])
    return Headline(sentences, scale, warnings)
