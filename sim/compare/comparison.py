"""Compare scenarios against a baseline: differences with intervals, verdicts, targets.

:func:`compare` takes results folders (written by ``sim run``), scenario files, loaded
scenarios or :class:`~sim.runner.RunResult` objects; the first is the baseline. Scenarios
are run first with shared run settings (seed, replications, horizon, warm-up), so their
replications share random numbers with each other and, when the settings came from it, with
a results folder among the arguments.

For every KPI common to all arguments it gives each scenario's mean and t interval and, for
each non-baseline scenario, the difference from the baseline with an interval, the relative
change, raw and Holm-adjusted p-values and a verdict judged by the KPI's ``better``
direction. Differences are paired by replication when both runs used the same seed and the
same replication indices (common random numbers), Welch's otherwise. The returned data is
JSON-ready (``None`` where a value is undefined) and is exactly what ``sim compare --json``
prints; :func:`sim.compare_files.write_comparison` writes it as files.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.compare.conditions import Condition, parse_condition
from sim.compare.frames import Comparison
from sim.compare.inputs import (
    Arm,
    Source,
    kpi_names,
    plan_arms,
    plan_options,
    run_pending,
    some,
    span,
)
from sim.compare.matrix import build_matrix, default_kpis
from sim.compare.verdicts import BETTER, NO_DIFFERENCE, NO_DIRECTION, TOO_FEW, WORSE
from sim.errors import InputError
from sim.experiment.settings import RunSettings
from sim.output.files import json_safe
from sim.stats.paired import PAIRED, WELCH, holm_adjust, paired_difference, welch_difference
from sim.stats.paired import wilson_interval as _wilson
from sim.stats.power import replications_needed
from sim.stats.summary import t_interval

__all__ = ["BETTER", "NO_DIFFERENCE", "NO_DIRECTION", "TOO_FEW", "WORSE", "compare"]

# ---------------------------------------------------------------------------- statistics


def _pairing(base: Arm, arm: Arm) -> tuple[str, str]:
    """Paired when replications share random numbers: same seed, same replication indices."""
    if arm.seed != base.seed:
        return WELCH, f"seeds differ ({base.seed} and {arm.seed})"
    if arm.indices != base.indices or len(set(arm.indices)) != len(arm.indices):
        return WELCH, (
            f"same seed {arm.seed} but different replications "
            f"({span(base.indices)} and {span(arm.indices)})"
        )
    return PAIRED, f"same seed {arm.seed} and replications {span(arm.indices)}"


def _summary(values: np.ndarray, level: float) -> dict[str, Any]:
    s = t_interval(values, level)
    return {k: s[k] for k in ("mean", "std", "ci_low", "ci_high", "n")}


def _compare_kpi(name: str, base: Arm, arm: Arm, method: str, level: float) -> dict[str, Any]:
    a, b = base.values[name], arm.values[name]
    better = base.specs[name][0]
    sa, sb = _summary(a, level), _summary(b, level)
    unpaired = paired_half = factor = None
    if method == PAIRED:
        diff = paired_difference(a, b, level)
        both = np.isfinite(a) & np.isfinite(b)
        unpaired = welch_difference(a[both], b[both], level)["half_width"]
        paired_half = diff["half_width"]
        if unpaired is not None and paired_half is not None and paired_half > 0:
            factor = unpaired / paired_half
    else:
        diff = welch_difference(a, b, level)
    relative = None
    if diff["difference"] is not None and sa["mean"] not in (None, 0.0):
        relative = diff["difference"] / abs(sa["mean"])
    return {
        "kpi": name,
        "scenario": arm.label,
        "better": better,
        "method": method,
        "n": diff["n"],
        "baseline_mean": sa["mean"],
        "baseline_ci_low": sa["ci_low"],
        "baseline_ci_high": sa["ci_high"],
        "mean": sb["mean"],
        "ci_low": sb["ci_low"],
        "ci_high": sb["ci_high"],
        "difference": diff["difference"],
        "difference_ci_low": diff["ci_low"],
        "difference_ci_high": diff["ci_high"],
        "relative_change": relative,
        "p_value": diff["p_value"],
        "p_adjusted": None,
        "verdict": None,
        "unpaired_half_width": unpaired,
        "paired_half_width": paired_half,
        "narrower_factor": factor,
        "replications_needed": None,
    }


def _needed(rows: list[dict[str, Any]], arms: list[Arm], alpha: float, tests: int) -> None:
    """Replications that would detect each undetected difference at Holm's strictest level.

    For rows judged "no detectable difference" with a non-zero difference: the smallest
    number of replications per scenario at which a t-test at ``alpha / tests`` (the level of
    Holm's first step, so enough whatever the other tests give) has power 0.8 against the
    observed difference, from the observed standard deviation of the paired differences
    (Welch: of each scenario's replications).
    """
    base, by_label = arms[0], {arm.label: arm for arm in arms}
    for row in rows:
        if row["verdict"] != NO_DIFFERENCE or not row["difference"] or tests < 1:
            continue
        a, b = base.values[row["kpi"]], by_label[row["scenario"]].values[row["kpi"]]
        if row["method"] == PAIRED:
            both = np.isfinite(a) & np.isfinite(b)
            sd, other = float(np.std(b[both] - a[both], ddof=1)), None
        else:
            sd, other = (float(np.std(x[np.isfinite(x)], ddof=1)) for x in (a, b))
        row["replications_needed"] = replications_needed(
            row["difference"], sd, alpha / tests, sd_other=other
        )


def _verdicts(rows: list[dict[str, Any]], alpha: float) -> int:
    """Holm-adjust the p-values of KPIs with a better direction; set every verdict.

    Returns the size of the tested family.
    """
    family = [r for r in rows if r["better"] in ("lower", "higher") and r["p_value"] is not None]
    for row, adjusted in zip(family, holm_adjust([r["p_value"] for r in family]), strict=True):
        row["p_adjusted"] = adjusted
    for row in rows:
        if row["better"] not in ("lower", "higher"):
            row["verdict"] = NO_DIRECTION
        elif row["p_value"] is None:
            row["verdict"] = TOO_FEW
        elif row["p_adjusted"] < alpha and row["difference"] != 0:
            lower = row["difference"] < 0
            row["verdict"] = BETTER if lower == (row["better"] == "lower") else WORSE
        else:
            row["verdict"] = NO_DIFFERENCE
    return len(family)


def _targets(targets: list[Condition], arms: list[Arm], level: float) -> list[dict[str, Any]]:
    out = []
    for target in targets:
        per = []
        for arm in arms:
            x = arm.values[target.kpi]
            x = x[np.isfinite(x)]
            met = int(np.count_nonzero(target.met(x)))
            w = _wilson(met, int(x.size), level)
            per.append(
                {
                    "scenario": arm.label,
                    "met": met,
                    "n": int(x.size),
                    "probability": w["share"],
                    "ci_low": w["ci_low"],
                    "ci_high": w["ci_high"],
                }
            )
        out.append(
            {
                "target": target.text,
                "kpi": target.kpi,
                "operator": target.operator,
                "threshold": target.threshold,
                "scenarios": per,
            }
        )
    return out


# ---------------------------------------------------------------------------- the API


def compare(
    *sources: Source | Sequence[Source],
    targets: Sequence[str | Condition] = (),
    kpis: Sequence[str] | None = None,
    common_kpis: bool = False,
    level: float = 0.95,
    settings: RunSettings | None = None,
    **options: Any,
) -> Comparison:
    """Compare scenarios with a baseline (the first source).

    Parameters
    ----------
    *sources:
        Results folders, scenario files, :class:`~sim.Scenario` or
        :class:`~sim.RunResult` objects (or one list of them); at least two.
    settings, **options:
        Run settings (:class:`~sim.experiment.settings.RunSettings` and/or its fields as
        keywords). ``replications``, ``seed``, ``horizon_days`` and ``warmup_days`` set up
        the scenarios to run: by default they come from the first source that is already a
        run (so the new runs pair with it), else from the baseline scenario's ``run``
        section; the same settings are used for every scenario. ``workers``, ``address``,
        ``executor`` say where they run; ``progress(done, total)`` counts replications.
    targets:
        Conditions such as ``"inspection_substandard_rate<0.5"``: for each scenario, the
        share of replications meeting it, with a Wilson interval.
    common_kpis:
        Compare only the KPIs every source reports instead of refusing different KPI sets.
    kpis:
        Compare only these KPIs (in this order), which are also the matrix's columns; fewer
        tests make Holm's correction less severe. By default every KPI of the whole measured
        window (a period's KPIs, ``substandard_rate@2017``, only when named here) and the
        matrix shows the headline ones (:func:`sim.compare.matrix.default_kpis`).
    level:
        Confidence level of the intervals; verdicts test at ``1 - level`` after Holm's
        correction across all KPI × scenario tests.

    Returns
    -------
    Comparison
        A JSON-ready dict: ``baseline``, ``scenarios`` (each with its source, seed,
        replications, method, per-KPI summaries, run end day, first measure day and whether
        its measures never started), ``comparisons`` (one row per KPI × non-baseline
        scenario, with ``replications_needed`` where a difference was not detected),
        ``targets``, ``kpis``, ``kpis_left_out``, ``multiple_testing``, ``notes`` and
        ``matrix`` (scenario × KPI overview, see :mod:`sim.compare.matrix`);
        ``.comparison_frame()`` gives it as one DataFrame.

    Raises
    ------
    InputError
        Fewer than two sources, a folder that is not a results folder, different horizons
        or warm-ups, different KPI sets (unless ``common_kpis``), an unknown target KPI.
    """
    if len(sources) == 1 and isinstance(sources[0], list | tuple):
        sources = tuple(sources[0])
    if len(sources) < 2:
        raise InputError(
            "compare needs at least two results folders or scenario files (baseline first)"
        )
    if not 0 < level < 1:
        raise InputError(f"level must be between 0 and 1, got {level}")
    parsed_targets = [parse_condition(t) for t in targets]

    run_settings = RunSettings.merge(settings, options)
    options = plan_options(run_settings)
    arms, settings_used = plan_arms(sources, options)
    names, left_out = kpi_names(arms, common_kpis)
    _check_conditions(parsed_targets, names)
    names = _chosen_kpis(names, kpis)
    notes = _ignored_notes(options, settings_used)
    run_pending(arms, run_settings)
    scenarios, rows = _scenario_rows(arms, names, level)
    alpha = round(1 - level, 12)
    family = _verdicts(rows, alpha)
    _needed(rows, arms, alpha, family)
    notes += _not_started_notes(arms)
    base = arms[0]
    result = {
        "baseline": base.label,
        "level": level,
        "alpha": alpha,
        "scenarios": scenarios,
        "kpis": [
            {"kpi": n, "better": base.specs[n][0], "description": base.specs[n][1]} for n in names
        ],
        "kpis_left_out": left_out,
        "comparisons": rows,
        "multiple_testing": {
            "method": "holm",
            "tests": family,
            "note": "verdicts use Holm-adjusted p-values across every KPI × scenario test of a "
            "KPI with a better direction; difference intervals are not adjusted",
        },
        "targets": _targets(parsed_targets, arms, level),
        "run_settings": (
            {k: settings_used[k] for k in settings_used if k != "first_replication"}
            | {"replication_indices": _first_reps(settings_used)}
            if settings_used
            else None
        ),
        "notes": notes,
    }
    chosen = names if kpis else default_kpis(result["kpis"], [t.kpi for t in parsed_targets])
    result["matrix"] = build_matrix(result, chosen)
    return Comparison(json_safe(result))


def _ignored_notes(options: dict[str, Any], settings_used: dict[str, Any] | None) -> list[str]:
    """A note when run settings were given but every argument is already a run."""
    given = [k for k, v in options.items() if v is not None]
    if settings_used is not None or not given:
        return []
    return [
        f"{', '.join(given)} ignored: they set up runs of scenario files, and every "
        "argument is already a run"
    ]


def _not_started_notes(arms: list[Arm]) -> list[str]:
    """A note for each argument whose measures all start on or after its run's end."""
    return [
        f"measures in {arm.label} never started: run ends day {arm.end_day:g}, "
        f"first measure day {min(arm.measure_days):g}"
        for arm in arms
        if arm.measures_never_started
    ]


def _check_conditions(conditions: Sequence[Condition], names: list[str]) -> None:
    for condition in conditions:
        if condition.kpi not in names:
            raise InputError(
                f"{condition.text!r}: no KPI {condition.kpi} in every argument "
                f"(e.g. {some(names, 4)})",
                key="--target",
            )


def _chosen_kpis(names: list[str], kpis: Sequence[str] | None) -> list[str]:
    """``kpis`` (each reported by every argument) in their order, or every whole-window KPI
    (a period's KPIs, ``KPI@PERIOD``, only when named, so they do not enlarge Holm's family
    by default)."""
    if not kpis:
        return [n for n in names if "@" not in n]
    unknown = [k for k in kpis if k not in names]
    if unknown:
        raise InputError(
            f"no KPI {some(unknown, 3)} in every argument (e.g. {some(names, 4)})", key="--kpi"
        )
    return list(dict.fromkeys(kpis))


def _scenario_rows(
    arms: list[Arm], names: list[str], level: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each argument's summaries, and one comparison row per KPI × non-baseline argument."""
    base = arms[0]
    scenarios: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for position, arm in enumerate(arms):
        method, reason = (None, "baseline") if position == 0 else _pairing(base, arm)
        scenarios.append(
            {
                "label": arm.label,
                "scenario": arm.scenario,
                "source": arm.source,
                "kind": arm.kind,
                "baseline": position == 0,
                "seed": arm.seed,
                "replications": len(arm.indices),
                "replication_indices": span(arm.indices),
                "horizon_days": arm.horizon_days,
                "warmup_days": arm.warmup_days,
                "method": method,
                "method_reason": reason,
                "end_day": arm.end_day,
                "first_measure_day": min(arm.measure_days) if arm.measure_days else None,
                "measures_never_started": arm.measures_never_started,
                "kpis": {name: _summary(arm.values[name], level) for name in names},
            }
        )
        if position:
            rows.extend(_compare_kpi(name, base, arm, method, level) for name in names)
    return scenarios, rows


def _first_reps(settings: dict[str, Any]) -> str:
    first, n = int(settings["first_replication"]), int(settings["replications"])
    return f"{first}–{first + n - 1}"
