"""An inspection: a sample of cases drawn at a day and graded as inspectors grade them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.grading import broken_rules, force_grade, grade
from sim.scenario.schema import Inspection

if TYPE_CHECKING:
    from sim.model.engine import Model


def run_inspection(model: Model, inspection: Inspection) -> dict[str, float]:
    """Grade a sample of police cases referred in the look-back window before the day.

    Open cases are graded on what has happened so far. Returns shares of the sample (and of
    the dual-graded subsample, whose cases the force's own audit grades too).
    """
    day = model.env.now
    start = day - inspection.lookback_days
    population = [c for c in model.cases if start <= c.referral_day < day]
    rng = model.streams[f"inspection:{inspection.name}"]
    n = min(inspection.sample_size, len(population))
    if n == 0:
        return {"sample_size": 0.0}
    chosen = rng.choice(len(population), size=n, replace=False)
    chosen.sort()
    grades: list[str] = []
    serious: list[bool] = []
    for i in chosen:
        case = population[int(i)]
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
        "open_rate": float(np.mean([population[int(i)].is_open for i in chosen])),
    }
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
        result.update(
            {
                "dual_graded_size": float(m),
                "dual_force_good_rate": float(np.mean(force_good)),
                "dual_force_good_agreed_rate": (
                    float(np.mean(inspector[force_good] == "good"))
                    if force_good.any()
                    else float("nan")
                ),
                "dual_force_inadequate_rate": float(np.mean(force == "inadequate")),
                "dual_substandard_rate": float(np.mean(inspector != "good")),
            }
        )
    return result
