"""The first screen: the answer in plain words, the run's scale and its warnings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sim.report.inputs import RunInput
from sim.report.numbers import date_of, quantity, shown, with_ci
from sim.report.suppress import Suppression
from sim.stats.stability import warning_text

FEW_REPLICATIONS = 5
"""Below this many replications the report warns that intervals are too wide for a verdict."""


@dataclass
class Headline:
    """What a reader sees first: ``sentences`` (the answer), ``scale``, ``warnings``."""

    sentences: list[str]
    scale: str
    warnings: list[str] = field(default_factory=list)


def last_inspection(run: RunInput) -> Any | None:
    """The latest inspection the run measured (its substandard KPI exists), or ``None``."""
    found = [i for i in run.scenario.inspections if run.kpi(f"{i.name}_substandard_rate")]
    return max(found, key=lambda i: i.day) if found else None


def run_scale(run: RunInput) -> str:
    """``10 replications, 1 January 2015 to 1 January 2018 (…), seed 2016``."""
    r = run.scenario.run
    reps = run.folder.manifest.get("replications", len(run.folder.rows))
    return (
        f"{quantity(reps, 'replications')} of {date_of(r.start_date, r.warmup_days)} to "
        f"{date_of(r.start_date, r.warmup_days + r.horizon_days)} "
        f"({quantity(r.horizon_days, 'days')} "
        f"measured after a {r.warmup_days:g}-day warm-up from {date_of(r.start_date, 0)}), "
        f"seed {run.folder.manifest.get('seed')}."
    )


def run_warnings(run: RunInput) -> list[str]:
    """Unstable backlog, too few replications, measures or inspections after the run's end,
    a warm-up shorter than the one the data suggest."""
    extra = run.folder.manifest.get("extra") or {}
    out = []
    unstable = warning_text(extra.get("stability") or {})
    if unstable:
        out.append(unstable)
    reps = int(run.folder.manifest.get("replications", len(run.folder.rows)))
    if reps < FEW_REPLICATIONS:
        out.append(
            f"Only {quantity(reps, 'replications')}: too few for a verdict; the intervals are wide "
            f"(use --reps {FEW_REPLICATIONS * 2} or more)."
        )
    r = run.scenario.run
    end = r.warmup_days + r.horizon_days
    late = [m.name for m in (*run.scenario.measures, *run.scenario.inspections) if m.day > end]
    if late:
        out.append(
            f"After the run's end ({date_of(r.start_date, end)}), so not simulated: "
            f"{', '.join(late)}."
        )
    w = extra.get("warmup") or {}
    if w.get("suggested_days") is not None and w["suggested_days"] > w.get("used_days", 0):
        out.append(
            f"The warm-up used ({quantity(w['used_days'], 'days')}) is shorter than the "
            f"{quantity(w['suggested_days'], 'days')} {w.get('method', '')} suggests."
        )
    return out


def run_headline(run: RunInput, sup: Suppression) -> Headline:
    """The answer of one run: the latest inspection's grades, waits and the backlog."""
    sc = run.scenario
    base = (run.kpi("cases_opened") or {}).get("mean")
    sentences = []
    insp = last_inspection(run)
    if insp is not None:
        rate = shown(run.kpi(f"{insp.name}_substandard_rate"), "x_rate", sup, insp.sample_size)
        sentences.append(
            f"At the {inspection_words(insp.name)} on {date_of(sc.run.start_date, insp.day)}, "
            f"{rate} of the {insp.sample_size} audited cases are graded substandard."
        )
    top = next(iter(sc.risk_levels))
    wait = run.kpi(f"allocation_days_mean_risk_{top}")
    if wait:
        target = sc.risk_levels[top].allocation_target_days
        sentences.append(
            f"{top.capitalize()}-risk cases wait {with_ci(wait, 'allocation_days_mean')} for "
            f"an officer on average (target {quantity(target, 'days')})."
        )
    sub = run.kpi("substandard_rate")
    if sub:
        sentences.append(
            f"{shown(sub, 'substandard_rate', sup, base)} of closed cases are substandard; "
            f"{shown(run.kpi('open_cases_end'), 'open_cases_end', sup, None)} cases are open "
            "at the end."
        )
    return Headline(sentences, run_scale(run), run_warnings(run))


def inspection_words(name: str) -> str:
    """``followup_12m`` → ``12-month follow-up inspection``; ``spot_check`` → ``spot check
    inspection``; ``inspection`` stays as it is."""
    followup = re.fullmatch(r"follow_?up_?(\d+)m", name)
    if followup:
        return f"{followup.group(1)}-month follow-up inspection"
    words = name.replace("_", " ")
    return words if "inspection" in words else f"{words} inspection"
