"""The table of hostile inputs: which command reads which bad file, and what the one line
of the error must name.

Files under ``tests/data/hostile/`` are small and committed (their first line says what is
wrong with them); big, binary, FIFO, device and symbolic-link inputs are made at run time
(see ``test_hostile_inputs.py``). In arguments, ``{H}`` is ``tests/data/hostile``, ``{S}``
is ``tests/data/small.yaml`` and ``{T}`` is the folder of inputs made at run time.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    """One hostile input: the command line, and what its one error line must contain."""

    id: str
    args: tuple[str, ...]
    names: tuple[str, ...]  # substrings of the error line: the file, and the key if any


def _scenario(name: str, *keys: str) -> tuple[str, tuple[str, ...]]:
    return f"{{H}}/scenarios/{name}.yaml", (f"{name}.yaml", *keys)


# scenario file -> keys the message must name (besides the file); every one is validated
SCENARIOS: dict[str, tuple[str, ...]] = {
    "referrals_inf": ("line 4", "finite"),
    "referrals_nan": ("line 4", "finite"),
    "referrals_minus_inf": ("line 4", "finite"),
    "referrals_overflow": ("line 4", "finite"),
    "referrals_bool": ("categories.online.referrals_per_year", "true/false"),
    "count_bool": ("officers.trained.count", "true/false"),
    "staff_bool": ("triage.staff", "true/false"),
    "seed_bool": ("run.seed", "true/false"),
    "sample_size_bool": ("inspections.0.sample_size", "true/false"),
    "risk_mix_bool": ("categories.online.risk_mix", "true/false"),
    "horizon_huge": ("work size", "not finite"),
    "horizon_inf": ("line 3", "finite"),
    "timeseries_tiny": ("work size", "--allow-large"),
    "officers_1e8": ("work size", "--allow-large"),
    "surge_huge": ("work size",),
    "growth_huge": ("work size",),
    "intakes_tiny": ("work size",),
    "backlog_1e8": ("work size",),
    "gamma_mean_huge": ("categories.family.investigation_hours.mean",),
    "gamma_cv_tiny": ("categories.family.investigation_hours.cv",),
    "fixed_nan": ("line 5", "finite"),
    "uniform_huge": ("warrants.execution_days.high",),
    "measure_add_inf": ("line 4", "finite"),
    "measure_add_huge": ("work size",),
    "measure_set_bool": ("triage.staff", "true/false"),
    "confusion_negative": ("self_assessment.confusion.good.requires_improvement", ">= 0"),
    "risk_mix_negative": ("categories.online.risk_mix.medium",),
    "duplicate_top_key": ("line 4", "'name' given twice"),
    "duplicate_nested_key": ("line 5", "'staff' given twice", "line 4"),
    "int_too_long": ("line 3", "unreadable value"),
    "deep_nesting": ("nesting",),
    "nesting_40": ("nesting",),
    "alias_bomb": ("values",),
    "extends_loop_a": ("extends", "loops back"),
    "extends_loop_b": ("extends", "loops back"),
    "extends_self": ("extends", "loops back"),
    "extends_missing": ("extends", "not found"),
    "extends_dev_zero": ("extends", "/dev/zero", "device"),
    "extends_folder": ("extends", "folder"),
    "extends_number": ("extends",),
    "top_level_list": ("mapping",),
    "bad_syntax": ("line 3",),
    "tab_indent": ("line 3",),
    "unknown_key": ("trige",),
    "text_for_number": ("categories.online.referrals_per_year",),
    "empty": ("name",),
    "python_tag": ("line 3",),
    "date_bad": ("line 3", "unreadable value", "2014-13-45"),
    "backlog_inf_age": ("inf_age.csv", "row 2", "age_days"),
    "backlog_nan_age": ("nan_age.csv", "row 2", "age_days"),
    "backlog_count_float": ("count_float.csv", "row 2", "count"),
    "backlog_missing_column": ("missing_column.csv", "'count'"),
    "backlog_huge_count": ("work size",),
    "backlog_missing_file": ("no_such.csv", "not found"),
    "backlog_folder": ("initial_backlog", "folder"),
    "backlog_unknown_risk": ("initial_backlog.0.risk",),
}
# the backlog cases name the CSV rather than the scenario that names it
_NAMES_CSV_ONLY = {
    "backlog_inf_age",
    "backlog_nan_age",
    "backlog_count_float",
    "backlog_missing_column",
    "backlog_missing_file",
    "backlog_folder",
}


def _scenario_names(name: str) -> tuple[str, ...]:
    keys = SCENARIOS[name]
    return keys if name in _NAMES_CSV_ONLY else (f"{name}.yaml", *keys)


FAST = ("--reps", "1", "--workers", "1")

VALIDATE = [
    Case(f"validate-{n}", ("validate", f"{{H}}/scenarios/{n}.yaml"), _scenario_names(n))
    for n in SCENARIOS
]
# the same files through the commands that run them
RUN = [
    Case(f"run-{n}", ("run", f"{{H}}/scenarios/{n}.yaml", *FAST), _scenario_names(n))
    for n in (
        "referrals_inf",
        "referrals_bool",
        "count_bool",
        "horizon_huge",
        "timeseries_tiny",
        "officers_1e8",
        "surge_huge",
        "gamma_mean_huge",
        "measure_add_inf",
        "measure_add_huge",
        "duplicate_top_key",
        "confusion_negative",
        "deep_nesting",
        "extends_loop_a",
        "extends_dev_zero",
        "backlog_inf_age",
        "backlog_huge_count",
    )
]
WARMUP = [
    Case(f"warmup-{n}", ("warmup", f"{{H}}/scenarios/{n}.yaml", *FAST), _scenario_names(n))
    for n in ("referrals_nan", "staff_bool", "officers_1e8", "alias_bomb", "backlog_nan_age")
]
COMPARE = [
    Case(f"compare-{n}", ("compare", "{S}", f"{{H}}/scenarios/{n}.yaml", *FAST), _scenario_names(n))
    for n in ("referrals_inf", "count_bool", "surge_huge", "duplicate_nested_key", "int_too_long")
]
SWEEP_VARY = [
    Case(
        f"sweep-vary-{n}",
        ("sweep", f"{{H}}/scenarios/{n}.yaml", "--vary", "triage.staff=1:3", *FAST),
        _scenario_names(n),
    )
    for n in ("referrals_minus_inf", "seed_bool", "extends_self", "python_tag")
]
SET_OPTIONS = [
    Case("set-inf", ("validate", "{S}", "--set", "triage.staff=.inf"), ("small.yaml", "--set")),
    Case(
        "set-nan",
        ("run", "{S}", "--set", "categories.online.referrals_per_year=nan", *FAST),
        ("small.yaml", "categories.online.referrals_per_year", "finite"),
    ),
    Case(
        "set-bool",
        ("run", "{S}", "--set", "officers.trained.count=true", *FAST),
        ("small.yaml", "officers.trained.count", "true/false"),
    ),
    Case(
        "set-overflow",
        ("validate", "{S}", "--set", "categories.online.referrals_per_year=1e400"),
        ("small.yaml", "categories.online.referrals_per_year"),
    ),
    Case(
        "days-huge",
        ("run", "{S}", "--days", "1e308", *FAST),
        ("small.yaml", "work size", "not finite"),
    ),
    Case(
        "days-huge-warmup",
        ("warmup", "{S}", "--days", "1e308", *FAST),
        ("small.yaml", "work size"),
    ),
    Case(
        "days-huge-compare",
        ("compare", "{S}", "{S}", "--days", "1e12", *FAST),
        ("small.yaml", "work size", "--allow-large"),
    ),
    Case("days-inf", ("run", "{S}", "--days", "inf", *FAST), ("run.horizon_days", "finite")),
]
TARGETS = [
    Case(
        f"calibrate-{n}",
        ("calibrate", "{S}", "--targets", f"{{H}}/targets/{n}.yaml", *extra, "--out", "cal"),
        (f"{n}.yaml", *keys),
    )
    for n, extra, keys in (
        ("value_nan", ("--free", "triage.staff=1:3"), ("line 3", "finite")),
        ("tolerance_inf", ("--free", "triage.staff=1:3"), ("line 3", "finite")),
        ("value_bool", ("--free", "triage.staff=1:3"), ("targets.0.value",)),
        ("duplicate_key", ("--free", "triage.staff=1:3"), ("line 5", "'value' given twice")),
        ("free_inf", (), ("line 5", "finite")),
        ("free_text_inf", (), ("free.triage.staff", "finite")),
        ("settings_bool", ("--free", "triage.staff=1:3"), ("settings.replications",)),
        ("settings_days_huge", (), ("work size", "not finite")),
        ("deep_nesting", ("--free", "triage.staff=1:3"), ("nesting",)),
    )
]
SWEEP_FILES = [
    Case(f"sweep-file-{n}", ("sweep", f"{{H}}/sweeps/{n}.yaml", *FAST), names)
    for n, names in (
        ("range_inf", ("range_inf.yaml", "triage.staff", "finite")),
        ("days_inf", ("days_inf.yaml", "line 5", "finite")),
        ("days_huge", ("days_huge.yaml", "work size")),
        ("reps_bool", ("reps_bool.yaml", "reps")),
        ("duplicate_key", ("duplicate_key.yaml", "line 5", "'vary' given twice")),
        ("set_bool", ("set_bool.yaml", "set", "officers.trained.count", "true/false")),
        ("hostile_scenario", ("referrals_inf.yaml", "finite")),
        ("vary_huge_officers", ("vary_huge_officers.yaml", "work size", "--allow-large")),
    )
]

FILE_CASES = VALIDATE + RUN + WARMUP + COMPARE + SWEEP_VARY + SET_OPTIONS + TARGETS + SWEEP_FILES
