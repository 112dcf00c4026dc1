"""DataFrames of runs, results folders, comparisons, sweeps and calibrations: types, shapes,
and values equal to the result objects and to the files written."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest
from pandas.api import types

import sim

REPS, SEED = 3, 5


@pytest.fixture(scope="module")
def short(small: sim.Scenario) -> sim.Scenario:
    """small.yaml over 30 + 120 days, starting 2016-02-27 (so dates cross a leap day)."""
    return sim.with_changes(
        small,
        {"run.warmup_days": 30, "run.horizon_days": 120, "run.start_date": "2016-02-27"},
    )


@pytest.fixture(scope="module")
def result(short: sim.Scenario) -> sim.RunResult:
    return sim.run(short, replications=REPS, seed=SEED, workers=1, case_log=True)


@pytest.fixture(scope="module")
def folder(result: sim.RunResult, tmp_path_factory: pytest.TempPathFactory):
    path = sim.write_results(result, tmp_path_factory.mktemp("frames") / "run")
    return sim.load_results(path)


def read_csv_rows(path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------- a run and its folder


def test_summary_frame_is_one_typed_row_per_kpi(result):
    frame = result.summary_frame()
    assert list(frame["kpi"]) == result.kpi_names
    for column in ("mean", "sd", "ci_low", "ci_high"):
        assert frame[column].dtype == np.float64, column
    assert frame["n"].dtype == np.int64
    assert set(frame["scenario"]) == {"small"}
    for row in frame.itertuples():
        s = result.summary[row.kpi]
        assert row.n == s["n"] == REPS
        for mine, theirs in (("mean", "mean"), ("sd", "std"), ("ci_low", "ci_low")):
            expected = math.nan if s[theirs] is None else s[theirs]
            assert getattr(row, mine) == pytest.approx(expected, nan_ok=True)


def test_replications_frame_has_int_indices_and_float_kpis(result):
    frame = result.replications_frame()
    assert frame.shape == (REPS, 3 + len(result.kpi_names))
    assert frame["replication"].dtype == np.int64 and frame["seed"].dtype == np.int64
    assert list(frame["replication"]) == [0, 1, 2] and set(frame["seed"]) == {SEED}
    assert all(frame[k].dtype == np.float64 for k in result.kpi_names)
    for name in ("allocation_days_mean", "referrals"):
        np.testing.assert_array_equal(frame[name].to_numpy(), result.kpi_values(name))


def test_timeseries_frame_has_rows_per_replication_and_dates(result, short):
    frame = result.timeseries_frame()
    samples = len(result.replications[0].timeseries["day"])
    assert len(frame) == REPS * samples
    assert types.is_datetime64_any_dtype(frame["date"])
    assert list(frame.columns[:4]) == ["scenario", "replication", "day", "date"]
    first = frame[frame["replication"] == 1]
    np.testing.assert_array_equal(
        first["open_cases"].to_numpy(), result.replications[1].timeseries["open_cases"]
    )
    # day 0 is the start date; 7 days after 2016-02-27 is 2016-03-05 (a leap year)
    assert first["date"].iloc[0] == pd.Timestamp("2016-02-27")
    assert first["day"].iloc[1] == 7.0 and first["date"].iloc[1] == pd.Timestamp("2016-03-05")
    assert short.run.start_date == dt.date(2016, 2, 27)


def test_folder_frames_equal_the_run_frames(result, folder):
    pd.testing.assert_frame_equal(folder.summary_frame(), result.summary_frame())
    pd.testing.assert_frame_equal(folder.replications_frame(), result.replications_frame())
    pd.testing.assert_frame_equal(folder.timeseries_frame(), result.timeseries_frame())


def test_csvs_have_a_scenario_column_and_dates_beside_days(folder, result):
    for name in ("summary.csv", "replications.csv", "timeseries.csv", "cases.csv"):
        rows = read_csv_rows(folder.path / name)
        assert rows and {r["scenario"] for r in rows} == {"small"}, name
    band = read_csv_rows(folder.path / "timeseries.csv")
    assert [band[0]["day"], band[0]["date"]] == ["0.0", "2016-02-27"]
    cases = read_csv_rows(folder.path / "cases.csv")
    header = list(cases[0])
    for day in [c for c in header if c.endswith("_day")]:
        date = day[:-3] + "date"
        assert header.index(date) == header.index(day) + 1
    case = cases[0]
    start = dt.date(2016, 2, 27)
    assert case["referral_date"] == str(start + dt.timedelta(days=int(float(case["referral_day"]))))
    unset = [c for c in cases if c["closed_day"] == ""]
    assert all(c["closed_date"] == "" for c in unset)
    summary = {r["kpi"]: r for r in read_csv_rows(folder.path / "summary.csv")}
    assert float(summary["referrals"]["mean"]) == result.summary["referrals"]["mean"]


def test_manifest_gives_the_periods_as_dates(folder):
    manifest = json.loads((folder.path / "manifest.json").read_text())
    periods = manifest["periods"]
    assert periods["warmup"] == {
        "start_day": 0.0,
        "end_day": 30.0,
        "start_date": "2016-02-27",
        "end_date": "2016-03-28",
    }
    assert periods["measured"]["start_date"] == "2016-03-28"
    assert periods["measured"]["end_date"] == manifest["end_date"] == "2016-07-26"


def test_an_old_folder_without_the_new_columns_still_reads(folder, tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    for name in ("manifest.json", "summary.json"):
        (old / name).write_text((folder.path / name).read_text())
    rows = read_csv_rows(folder.path / "replications.csv")
    fields = [f for f in rows[0] if f != "scenario"]
    with (old / "replications.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    back = sim.load_results(old)
    pd.testing.assert_frame_equal(back.replications_frame(), folder.replications_frame())
    assert [r["replication"] for r in back.rows] == [0.0, 1.0, 2.0]
    with pytest.raises(sim.InputError, match="replication_timeseries.csv"):
        back.timeseries_frame()
    # a comparison reads both the new and the old folder
    comparison = sim.compare(folder.path, old)
    assert comparison["scenarios"][1]["method"] == "paired"
    differences = [r["difference"] for r in comparison["comparisons"]]
    assert differences and all(d in (0.0, None) for d in differences)


# ---------------------------------------------------------------- a comparison


@pytest.fixture(scope="module")
def comparison(result, short):
    faster = sim.with_changes(short, {"triage.staff": 4})
    kpis = ["allocation_days_mean", "referrals"]
    return sim.compare(result, faster, targets=["allocation_days_mean<1"], kpis=kpis)


def test_comparison_frame_flattens_kpis_and_targets(comparison):
    frame = comparison.comparison_frame()
    kpis, targets = frame[frame["row"] == "kpi"], frame[frame["row"] == "target"]
    assert len(kpis) == 2 * 2 and len(targets) == 2
    assert frame["baseline"].dtype == bool and frame["n"].dtype == np.int64
    for column in ("mean", "difference", "p_adjusted", "probability", "threshold"):
        assert frame[column].dtype == np.float64, column
    base = kpis[kpis["baseline"]]
    assert base["difference"].isna().all() and len(base) == 2
    for r in comparison["comparisons"]:
        (row,) = kpis[(kpis["scenario"] == r["scenario"]) & (kpis["kpi"] == r["kpi"])].itertuples()
        assert row.difference == pytest.approx(r["difference"])
        assert row.verdict == r["verdict"] and row.mean == pytest.approx(r["mean"])
    (target,) = comparison["targets"]
    for s in target["scenarios"]:
        (row,) = targets[targets["scenario"] == s["scenario"]].itertuples()
        assert (row.met, row.n, row.threshold) == (s["met"], s["n"], 1.0)
        assert row.probability == pytest.approx(s["probability"])
        assert row.target == "allocation_days_mean<1"
    pd.testing.assert_frame_equal(
        comparison.targets_frame(), targets.reset_index(drop=True), check_dtype=True
    )


def test_comparison_is_still_the_json_dict(comparison):
    assert isinstance(comparison, dict)
    assert json.loads(json.dumps(comparison)) == dict(comparison)


# ---------------------------------------------------------------- a sweep and a calibration


@pytest.fixture(scope="module")
def swept(short, tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "s"
    vary = {"triage.staff": "1:3", "officers.trained.count": "4:8"}
    return sim.sweep(short, vary, "oat", replications=2, seed=SEED, workers=1, out=out), out


def test_sweep_frames_match_the_tables_and_files(swept):
    res, out = swept
    points, runs = res.points_frame(), res.runs_frame()
    assert len(points) == len(res.points) == 5 and len(runs) == 10
    assert points["point"].dtype == "Int64" and runs["replication"].dtype == "Int64"
    assert all(runs[k].dtype == np.float64 for k in res.kpi_names)
    np.testing.assert_array_equal(runs["referrals"].to_numpy(), [r["referrals"] for r in res.runs])
    assert list(runs["triage.staff"]) == [r["triage.staff"] for r in res.runs]
    summary = res.summary_frame()
    assert len(summary) == 5 * len(res.kpi_names) and summary["sd"].dtype == np.float64
    sens = res.sensitivity_frame()
    assert len(sens) == len(res.sensitivity) and sens["delta"].dtype == np.float64
    for name, frame in (("points.csv", points), ("runs.csv", runs), ("sensitivity.csv", sens)):
        rows = read_csv_rows(out / name)
        assert len(rows) == len(frame) and {r["scenario"] for r in rows} == {"small"}, name
        assert set(frame["scenario"]) == {"small"}


def test_calibration_frames(short, tmp_path):
    kpi = "allocation_days_mean"
    targets = [{"kpi": kpi, "value": 0.5, "tolerance": 0.5, "source": "made up"}]
    cal = sim.calibrate(
        short, targets, ["triage.staff=1:3"], replications=2, seed=SEED, max_evals=3
    )
    table, history = cal.targets_frame(), cal.history_frame()
    assert len(table) == 1 and table["within_tolerance"].dtype == bool
    assert table["mean"].iloc[0] == pytest.approx(cal.table[0]["mean"])
    assert table["n"].iloc[0] == 2 and table["source"].iloc[0] == "made up"
    assert len(history) == len(cal.history) and history["evaluation"].dtype == "Int64"
    assert history["objective"].dtype == np.float64
    assert list(history["objective"]) == pytest.approx([h["objective"] for h in cal.history])
    assert list(history[kpi]) == pytest.approx([h[kpi] for h in cal.history])
