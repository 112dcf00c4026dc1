"""An inspection: a sample of cases drawn at a day and graded as inspectors grade them."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.model.case import Case
from sim.model.grading import broken_rules, force_grade, grade
from sim.scenario.schema import Inspection

if TYPE_CHECKING:
    from sim.model.engine import Model


def _allocate_counts(shares: list[float], n: int, sizes: list[int]) -> list[int]:
    """Split ``n`` draws across strata by ``shares`` (largest remainders), capped by size."""
    raw = [s * n for s in shares]
    counts = [min(int(math.floor(r)), size) for r, size in zip(raw, sizes, strict=True)]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - math.floor(raw[i]), reverse=True)
    short = n - sum(counts)
    while short > 0:
        grown = False
        for i in order:
            if short > 0 and counts[i] < sizes[i]:
                counts[i] += 1
                short -= 1
                grown = True
        if not grown:
            break
    return counts


def draw_sample(
    population: list[Case], inspection: Inspection, rng: np.random.Generator, categories: list[str]
) -> list[Case]:
    """Draw the inspection sample, stratified by category and open/closed where configured."""
    n = min(inspection.sample_size, len(population))
    strata: dict[tuple[int, bool], list[Case]] = {}
    for case in population:
        strata.setdefault((case.category, case.is_open), []).append(case)
    keys = sorted(strata)
    if inspection.category_mix is None and inspection.open_rate is None:
        chosen = rng.choice(len(population), size=n, replace=False)
        return [population[int(i)] for i in np.sort(chosen)]
    total = len(population)
    shares = []
    for cat, is_open in keys:
        size = len(strata[(cat, is_open)])
        cat_total = sum(len(strata[k]) for k in keys if k[0] == cat)
        mix = inspection.category_mix
        cat_share = mix.get(categories[cat], 0.0) if mix is not None else cat_total / total
        if inspection.open_rate is not None:
            within = inspection.open_rate if is_open else 1.0 - inspection.open_rate
        else:
            within = size / cat_total
        shares.append(cat_share * within)
    norm = sum(shares) or 1.0
    counts = _allocate_counts([s / norm for s in shares], n, [len(strata[k]) for k in keys])
    sample: list[Case] = []
    for key, k in zip(keys, counts, strict=True):
        members = strata[key]
        picked = rng.choice(len(members), size=k, replace=False)
        sample.extend(members[int(i)] for i in np.sort(picked))
    return sample


def _elapsed(start: float, end: float, day: float) -> float:
    """Days from start to end, or to the inspection day for a step not yet done."""
    return (end if end <= day else day) - start


def _tail(prefix: str, values: list[float]) -> dict[str, float]:
    if not values:
        return {f"{prefix}_{s}": math.nan for s in ("p90", "p95", "max")}
    x = np.asarray(values)
    return {
        f"{prefix}_p90": float(np.percentile(x, 90)),
        f"{prefix}_p95": float(np.percentile(x, 95)),
        f"{prefix}_max": float(np.max(x)),
    }


def _sample_tails(sample: list[Case], day: float) -> dict[str, float]:
    """The delays inspectors would read in the sampled files, as of the inspection day.

    Allocation delays of highest-risk cases, and warrant delays of cases needing one; a
    step not yet done counts the days it has waited so far.
    """
    allocation = [
        _elapsed(c.referral_day, c.allocated_day, day)
        for c in sample
        if c.true_risk == 0 and c.triage_day <= day
    ]
    warrant = [
        _elapsed(c.warrant_needed_day, c.warrant_granted_day, day)
        for c in sample
        if c.needs_warrant and c.warrant_needed_day <= day
    ]
    return {**_tail("high_risk_allocation_days", allocation), **_tail("warrant_days", warrant)}


def run_inspection(model: Model, inspection: Inspection) -> dict[str, float]:
    """Grade a sample of police cases referred in the look-back window before the day.

    Open cases are graded on what has happened so far. Returns shares of the sample (and of
    the dual-graded subsample, whose cases the force's own audit grades too).
    """
    day = model.env._now
    start = day - inspection.lookback_days
    population = model.cases.kept_referred_between(start, day)
    rng = model.streams[f"inspection:{inspection.name}"]
    sample = draw_sample(population, inspection, rng, model.category_names)
    n = len(sample)
    if n == 0:
        return {"sample_size": 0.0}
    grades: list[str] = []
    serious: list[bool] = []
    for case in sample:
        if case.is_open:
            g, s = grade(broken_rules(case, model.scenario, day), model.scenario)
        else:
            g, s = case.grade, case.serious_concern
        grades.append(g)
        serious.append(s)
    g_arr = np.array(grades)
    result = {
        "sample_size": float(n),
        "substandard_rate": float(np.mean(g_arr != "good")),
        "inadequate_rate": float(np.mean(g_arr == "inadequate")),
        "serious_concern_rate": float(np.mean(serious)),
        "open_rate": float(np.mean([c.is_open for c in sample])),
    }
    result.update(_sample_tails(sample, day))
    result["detective_vacancy_rate"] = model.workforce.counts()["trained_vacancy_rate"]
    m = min(inspection.dual_graded_size, n)
    if m > 0:
        subsample = rng.choice(n, size=m, replace=False)
        draws = rng.random(m)
        inspector = g_arr[subsample]
        force = np.array(
            [
                force_grade(g, float(u), model.scenario)
                for g, u in zip(inspector, draws, strict=True)
            ]
        )
        force_good = force == "good"
        agreed = float(np.mean(inspector[force_good] == "good")) if force_good.any() else math.nan
        result.update(
            {
                "dual_graded_size": float(m),
                "dual_force_good_rate": float(np.mean(force_good)),
                "dual_force_good_agreed_rate": agreed,
                "dual_force_inadequate_rate": float(np.mean(force == "inadequate")),
                "dual_substandard_rate": float(np.mean(inspector != "good")),
            }
        )
    return result
