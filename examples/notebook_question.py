# %% [markdown]
# # Would the package bring the substandard rate under 50% at the 12-month follow-up?
#
# A notebook-style script (cells start with `# %%`; VS Code, Spyder and Jupytext run them one
# at a time). It answers, from the shipped scenarios and with DataFrames:
#
# 1. Would the package of measures (`scenarios/measures/package.yaml`) bring the share of
#    substandard cases under 50% at the follow-up inspection a year after the report
#    (`followup_12m`, 2017-11-25)?
# 2. Which single measure (the other files of `scenarios/measures/`) matters most?
#
# Every scenario runs with the same seed and replications, so they share random numbers and
# their differences from the baseline are paired. The run stops the day after the
# follow-up: nothing later changes the answer.
#
#     python examples/notebook_question.py
#
# Settings (environment variables): `CASEFLOW_EXAMPLE_REPS` (replications per scenario,
# default 3: few, so intervals are wide; 10 or more for an answer you would report),
# `CASEFLOW_EXAMPLE_WORKERS` (default: one per core; with Python's forkserver or spawn start
# method, from 3.14, run it in a notebook or with 1 worker), `CASEFLOW_EXAMPLE_FAST=1`: a
# smoke test on a tiny compressed timeline (measures on day 30, the follow-up 60 days later,
# four scenarios, 2 replications). Its numbers answer nothing; it checks that the cells run.
#
# A full run takes about 6.5 s of one core per replication and scenario (10 scenarios):
# 128 s of wall time and 194 s of CPU for the default 3 replications on 2 cores
# (2026-12-04; about 45 s a replication and scenario before the speed work).

# %%
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd

import sim

ROOT = Path(__file__).resolve().parent.parent
FAST = os.environ.get("CASEFLOW_EXAMPLE_FAST") == "1"
REPS = int(os.environ.get("CASEFLOW_EXAMPLE_REPS", "2" if FAST else "3"))
WORKERS = int(os.environ.get("CASEFLOW_EXAMPLE_WORKERS", "1" if FAST else "0")) or None
SEED = 2016
FOLLOWUP = "followup_12m"
KPI = f"{FOLLOWUP}_substandard_rate"
THRESHOLD = 0.5
pd.set_option("display.width", 120)

# %% [markdown]
# ## The scenarios
#
# The baseline, the package, and each single measure on its own.


# %%
def compressed(scenario: sim.Scenario, first_day: float = 30, year: float = 60) -> sim.Scenario:
    """FAST mode only: measures from ``first_day``, one year squeezed into ``year`` days and
    the follow-up inspection alone, a compressed year after the measures (days)."""
    report_day, followup = 1059.0, next(i for i in scenario.inspections if i.name == FOLLOWUP)
    factor = year / 365.0
    measures = [
        m.model_dump(mode="json", exclude_none=True)
        | {"day": first_day + (m.day - report_day) * factor, "ramp_days": m.ramp_days * factor}
        for m in scenario.measures
    ]
    inspection = {
        "name": FOLLOWUP,
        "day": first_day + (followup.day - report_day) * factor,
        "sample_size": followup.sample_size,
        "lookback_days": followup.lookback_days * factor,
    }
    return sim.with_changes(
        scenario, {"measures": measures, "inspections": [inspection], "run.warmup_days": 0}
    )


baseline = sim.load_scenario(ROOT / "scenarios" / "baseline.yaml")
package = sim.load_scenario(ROOT / "scenarios" / "measures" / "package.yaml")
singles = [
    sim.load_scenario(path)
    for path in sorted((ROOT / "scenarios" / "measures").glob("*.yaml"))
    if path.stem != "package"
]
if FAST:
    baseline, package = compressed(baseline), compressed(package)
    singles = [compressed(s) for s in singles[:2]]
print("single measures:", ", ".join(s.name for s in singles))

# %% [markdown]
# ## When: from dates to simulated days
#
# Day 0 is `run.start_date`. The run covers the warm-up and ends the day after the
# follow-up inspection.

# %%
start = baseline.run.start_date
followup_day = next(i.day for i in baseline.inspections if i.name == FOLLOWUP)
warmup = baseline.run.warmup_days
horizon = followup_day + 1 - warmup  # measured days, to the day after the follow-up
first_measure = min(m.day for m in package.measures)


def date(day: float) -> dt.date:
    return start + dt.timedelta(days=int(day))


print(f"day 0 = {start}; measures from day {first_measure:g} ({date(first_measure)});")
print(f"{FOLLOWUP} on day {followup_day:g} ({date(followup_day)}); run to {date(warmup + horizon)}")

# %% [markdown]
# ## Run the baseline and the package, then compare every scenario
#
# `sim.run` keeps each replication (for time series); `sim.compare` runs the single
# measures with the same settings, so all are paired with the baseline.

# %%
settings = {"replications": REPS, "seed": SEED, "warmup_days": warmup, "horizon_days": horizon}
base_run = sim.run(baseline, workers=WORKERS, **settings)
package_run = sim.run(package, workers=WORKERS, **settings)
comparison = sim.compare(
    [base_run, package_run, *singles],
    kpis=[KPI],
    targets=[f"{KPI}<{THRESHOLD}"],
    workers=WORKERS,
)
frame = comparison.comparison_frame()
kpi_rows = frame[frame["row"] == "kpi"]
table = kpi_rows[["scenario", "mean", "ci_low", "ci_high", "difference", "verdict"]]
print(table.sort_values("difference", na_position="first").to_string(index=False))

# %% [markdown]
# ## 1. The package at the follow-up inspection
#
# The mean share substandard with its 95% interval, and the share of replications in
# which the inspection would find it under 50% (with a Wilson interval).

# %%
pkg = kpi_rows.set_index("scenario").loc[package.name]
targets = comparison.targets_frame().set_index("scenario")
chance = targets.loc[package.name]
if pkg["ci_high"] < THRESHOLD:
    answer = "yes: the whole interval is under"
elif pkg["ci_low"] >= THRESHOLD:
    answer = "no: the whole interval is at or over"
else:
    answer = "undecided at these replications: the interval straddles"
print(
    f"package: {KPI} = {pkg['mean']:.3f} ({pkg['ci_low']:.3f} to {pkg['ci_high']:.3f}), "
    f"baseline {kpi_rows.iloc[0]['mean']:.3f}; {answer} {THRESHOLD:g}."
)
print(
    f"under {THRESHOLD:g} in {chance['met']} of {chance['n']} replications "
    f"(probability {chance['probability']:.2f}, {chance['ci_low']:.2f} to {chance['ci_high']:.2f})"
)

# %% [markdown]
# ## 2. Which single measure matters most
#
# The single measure with the largest fall from the baseline; its interval against the
# runner-up's says whether the ranking is settled at these replications.

# %%
single_rows = kpi_rows[kpi_rows["scenario"].isin([s.name for s in singles])]
ranked = single_rows.sort_values("difference").reset_index(drop=True)
best, second = ranked.iloc[0], ranked.iloc[1]
settled = best["difference_ci_high"] < second["difference_ci_low"]
if not best["difference"] < 0:
    print("no single measure lowers the substandard rate at these replications")
print(
    f"largest fall: {best['scenario']}, difference {best['difference']:+.3f} "
    f"({best['difference_ci_low']:+.3f} to {best['difference_ci_high']:+.3f}), {best['verdict']}"
)
print(
    f"runner-up: {second['scenario']}, {second['difference']:+.3f}; ranking "
    + ("settled (intervals apart)" if settled else "not settled (intervals overlap)")
)

# %% [markdown]
# ## Open cases over time, by date
#
# Per-replication time series with dates; the mean across replications each quarter shows
# the backlog before and after the measures.

# %%
series = pd.concat([base_run.timeseries_frame(), package_run.timeseries_frame()])
quarterly = (
    series.groupby(["scenario", pd.Grouper(key="date", freq="QS")])["open_cases"]
    .mean()
    .unstack("scenario")
)
print(quarterly.round(0).tail(8).to_string())
