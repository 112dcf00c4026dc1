"""`sim.compare`: paired and Welch differences against hand computations, Holm, targets,
refusals, and comparisons of real runs of the small scenario."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as sps

import sim
from sim.compare.comparison import BETTER, NO_DIFFERENCE, NO_DIRECTION, TOO_FEW, WORSE
from sim.compare.conditions import parse_condition
from sim.compare.files import CSV_FIELDS, write_comparison
from sim.errors import InputError
from sim.output.results import write_results
from sim.stats.paired import holm_adjust, paired_difference, welch_difference, wilson_interval

# A tiny replications table: the baseline and a scenario sharing seeds (rows pair up).
BASE = {
    "wait_days": [10.0, 12.0, 9.0, 11.0, 14.0],
    "good_rate": [0.50, 0.55, 0.40, 0.60, 0.45],
    "cases": [100.0, 110.0, 95.0, 105.0, 120.0],
}
MEASURES = {
    "wait_days": [8.0, 11.0, 9.0, 9.0, 12.5],
    "good_rate": [0.52, 0.56, 0.43, 0.61, 0.47],
    "cases": [101.0, 108.0, 97.0, 104.0, 121.0],
}
BETTER_DIRECTION = {"wait_days": "lower", "good_rate": "higher", "cases": "none"}


def make_folder(
    path: Path,
    values: dict[str, list[float]],
    *,
    seed: int = 7,
    indices: list[int] | None = None,
    horizon_days: float = 100.0,
    warmup_days: float = 10.0,
    name: str = "tiny",
    better: dict[str, str] | None = None,
) -> Path:
    """A results folder as `sim run` writes it, with the replications given."""
    better = better or BETTER_DIRECTION
    n = len(next(iter(values.values())))
    indices = list(range(n)) if indices is None else indices
    path.mkdir(parents=True)
    kpis = {
        k: {"mean": float(np.nanmean(v)), "better": better[k], "description": k}
        for k, v in values.items()
    }
    (path / "summary.json").write_text(
        json.dumps({"scenario": name, "replications": n, "kpis": kpis})
    )
    (path / "manifest.json").write_text(
        json.dumps(
            {
                "scenario": name,
                "seed": seed,
                "replications": n,
                "horizon_days": horizon_days,
                "warmup_days": warmup_days,
            }
        )
    )
    lines = [",".join(["replication", *values])]
    for row, index in enumerate(indices):
        cells = ["" if math.isnan(values[k][row]) else repr(values[k][row]) for k in values]
        lines.append(",".join([str(index), *cells]))
    (path / "replications.csv").write_text("\n".join(lines) + "\n")
    return path


def row(result: dict, kpi: str, scenario: str | None = None) -> dict:
    rows = [
        r
        for r in result["comparisons"]
        if r["kpi"] == kpi and (scenario is None or r["scenario"] == scenario)
    ]
    assert len(rows) == 1
    return rows[0]


# ---------------------------------------------------------------- hand computations


def test_paired_interval_matches_hand_computation(tmp_path):
    a = make_folder(tmp_path / "a", BASE)
    b = make_folder(tmp_path / "b", MEASURES, name="measures")
    result = sim.compare(a, b)
    r = row(result, "wait_days")
    assert r["method"] == "paired" and result["scenarios"][1]["method"] == "paired"

    d = np.array(MEASURES["wait_days"]) - np.array(BASE["wait_days"])  # -2 -1 0 -2 -1.5
    n = d.size
    mean = d.sum() / n
    sd = math.sqrt(((d - mean) ** 2).sum() / (n - 1))
    half = sps.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    p = 2 * sps.t.sf(abs(mean) / (sd / math.sqrt(n)), n - 1)
    assert r["n"] == 5
    assert r["difference"] == pytest.approx(-1.3, abs=1e-12)
    assert r["difference"] == pytest.approx(mean, rel=1e-12)
    assert r["difference_ci_low"] == pytest.approx(mean - half, rel=1e-12)
    assert r["difference_ci_high"] == pytest.approx(mean + half, rel=1e-12)
    assert r["p_value"] == pytest.approx(p, rel=1e-9)
    assert r["p_value"] == pytest.approx(
        sps.ttest_rel(MEASURES["wait_days"], BASE["wait_days"]).pvalue
    )
    assert r["relative_change"] == pytest.approx(mean / np.mean(BASE["wait_days"]))
    assert r["baseline_mean"] == pytest.approx(11.2) and r["mean"] == pytest.approx(9.9)
    # Variance reduction: the unpaired (Welch) half-width over the paired one.
    welch = welch_difference(BASE["wait_days"], MEASURES["wait_days"])
    assert r["unpaired_half_width"] == pytest.approx(welch["half_width"])
    assert r["narrower_factor"] == pytest.approx(welch["half_width"] / half)
    # Positively correlated replications: pairing narrows the interval a lot.
    assert r["narrower_factor"] > 2


def test_welch_when_seeds_differ(tmp_path):
    a = make_folder(tmp_path / "a", BASE, seed=1)
    b = make_folder(tmp_path / "b", MEASURES, seed=2, name="measures")
    result = sim.compare(a, b)
    s = result["scenarios"][1]
    assert s["method"] == "welch" and "seeds differ" in s["method_reason"]
    r = row(result, "wait_days")
    x, y = np.array(BASE["wait_days"]), np.array(MEASURES["wait_days"])
    va, vb = x.var(ddof=1) / x.size, y.var(ddof=1) / y.size
    df = (va + vb) ** 2 / (va**2 / (x.size - 1) + vb**2 / (y.size - 1))
    half = sps.t.ppf(0.975, df) * math.sqrt(va + vb)
    assert r["method"] == "welch"
    assert r["difference"] == pytest.approx(y.mean() - x.mean())
    assert r["difference_ci_low"] == pytest.approx(y.mean() - x.mean() - half)
    assert r["difference_ci_high"] == pytest.approx(y.mean() - x.mean() + half)
    assert r["p_value"] == pytest.approx(sps.ttest_ind(y, x, equal_var=False).pvalue)
    assert r["narrower_factor"] is None and r["paired_half_width"] is None


def test_welch_when_replications_differ_with_same_seed(tmp_path):
    a = make_folder(tmp_path / "a", BASE)
    b = make_folder(tmp_path / "b", MEASURES, indices=[5, 6, 7, 8, 9], name="measures")
    s = sim.compare(a, b)["scenarios"][1]
    assert s["method"] == "welch" and "different replications" in s["method_reason"]


def test_nan_values_pair_only_finite_replications():
    nan = math.nan
    a = [1.0, nan, 3.0, 4.0, 6.0]
    b = [2.0, 2.0, nan, 5.0, 8.0]
    r = paired_difference(a, b)
    d = np.array([1.0, 1.0, 2.0])  # replications 0, 3, 4
    assert r["n"] == 3
    assert r["difference"] == pytest.approx(d.mean())
    half = sps.t.ppf(0.975, 2) * d.std(ddof=1) / math.sqrt(3)
    assert r["ci_high"] - r["difference"] == pytest.approx(half)
    assert paired_difference([nan, 1.0], [2.0, nan])["p_value"] is None


def test_zero_spread_of_differences():
    same = paired_difference([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert same["difference"] == 0 and same["p_value"] == 1.0
    assert same["ci_low"] == same["ci_high"] == 0
    shifted = paired_difference([1.0, 2.0, 3.0], [2.0, 3.0, 4.0])
    assert shifted["difference"] == 1.0 and shifted["p_value"] == 0.0
    assert welch_difference([5.0, 5.0], [5.0, 5.0])["p_value"] == 1.0


def test_holm_on_a_hand_example():
    # Sorted: 0.005×4 = 0.02, 0.01×3 = 0.03, 0.03×2 = 0.06, 0.04×1 = 0.04 → max so far 0.06.
    assert holm_adjust([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm_adjust([0.5, 0.9]) == pytest.approx([1.0, 1.0])
    assert holm_adjust([]) == []


def test_verdicts_use_holm_across_kpis_and_scenarios(tmp_path):
    a = make_folder(tmp_path / "a", BASE)
    b = make_folder(tmp_path / "b", MEASURES, name="measures")
    worse = {k: [v + 3.0 for v in BASE[k]] for k in BASE}
    worse["good_rate"] = [v - 0.1 for v in BASE["good_rate"]]
    c = make_folder(tmp_path / "c", worse, name="worse")
    result = sim.compare([a, b, c])
    rows = [r for r in result["comparisons"] if r["better"] != "none"]
    assert result["multiple_testing"]["tests"] == len(rows) == 4
    assert [r["p_adjusted"] for r in rows] == pytest.approx(
        holm_adjust([r["p_value"] for r in rows])
    )
    # "cases" has no better direction: a difference and p-value, no verdict, not in the family.
    cases = row(result, "cases", "measures")
    assert cases["verdict"] == NO_DIRECTION and cases["p_adjusted"] is None
    assert cases["p_value"] is not None
    # Every replication of "worse" waits 3 days longer and is 0.1 less often good.
    assert row(result, "wait_days", "worse")["verdict"] == WORSE
    assert row(result, "good_rate", "worse")["verdict"] == WORSE
    # The measures cut waits (raw p 0.025, the largest of the 4: Holm multiplies it by 1)
    # and raise the good rate (raw p 0.0013, third smallest: multiplied by 2).
    wait = row(result, "wait_days", "measures")
    good = row(result, "good_rate", "measures")
    assert wait["verdict"] == BETTER and good["verdict"] == BETTER
    assert wait["p_adjusted"] == pytest.approx(wait["p_value"])
    assert good["p_adjusted"] == pytest.approx(2 * good["p_value"])
    # Holm changes verdicts: two raw p-values of 0.035 (below 0.05) become 0.07 (2 × 0.035,
    # being the 3rd and 4th smallest of 4), so no detectable difference.
    weak = dict(
        MEASURES, wait_days=[9.0, 10.0, 8.9, 9.5, 13.4], good_rate=[0.51, 0.57, 0.401, 0.615, 0.456]
    )
    d = make_folder(tmp_path / "d", weak, name="weak")
    result = sim.compare(a, d, c)
    for kpi in ("wait_days", "good_rate"):
        r = row(result, kpi, "weak")
        assert r["p_value"] == pytest.approx(0.03528, abs=1e-5)
        assert r["p_adjusted"] == pytest.approx(2 * r["p_value"])
        assert r["verdict"] == NO_DIFFERENCE


def test_targets_share_of_replications_with_wilson_interval(tmp_path):
    a = make_folder(tmp_path / "a", BASE)
    b = make_folder(tmp_path / "b", MEASURES, name="measures")
    result = sim.compare(a, b, targets=["good_rate>=0.5", "wait_days < 10"])
    good, wait = result["targets"]
    assert good["target"] == "good_rate>=0.5" and good["operator"] == ">="
    base, measures = good["scenarios"]
    assert (base["met"], base["n"]) == (3, 5)  # 0.50, 0.55, 0.60
    assert (measures["met"], measures["n"]) == (3, 5)  # 0.52, 0.56, 0.61
    assert base["probability"] == pytest.approx(0.6)
    w = wilson_interval(3, 5)
    assert (base["ci_low"], base["ci_high"]) == pytest.approx((w["ci_low"], w["ci_high"]))
    assert [s["met"] for s in wait["scenarios"]] == [1, 3]


def test_wilson_interval_hand_values():
    w = wilson_interval(3, 10)
    assert w["share"] == 0.3
    assert (w["ci_low"], w["ci_high"]) == pytest.approx((0.1078, 0.6032), abs=1e-4)
    zero = wilson_interval(0, 5)
    assert zero["ci_low"] == 0 and zero["ci_high"] == pytest.approx(0.4345, abs=1e-4)
    assert wilson_interval(0, 0)["share"] is None


@pytest.mark.parametrize("text", ["good_rate=0.5", "good_rate<", "<0.5", "good rate<1", "x<abc"])
def test_bad_target_is_refused(text):
    with pytest.raises(InputError, match="--target"):
        parse_condition(text)


def test_target_parses_operators():
    t = parse_condition(" inspection_substandard_rate <= 0.5 ")
    assert (t.kpi, t.operator, t.threshold) == ("inspection_substandard_rate", "<=", 0.5)
    assert list(t.met(np.array([0.4, 0.5, 0.6]))) == [True, True, False]


# ---------------------------------------------------------------- refusals


def test_refuses_fewer_than_two(tmp_path):
    a = make_folder(tmp_path / "a", BASE)
    with pytest.raises(InputError, match="at least two"):
        sim.compare(a)


def test_refuses_folder_that_is_not_results(tmp_path):
    a = make_folder(tmp_path / "a", BASE)
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="empty: not a results folder"):
        sim.compare(a, tmp_path / "empty")
    with pytest.raises(InputError, match="missing: no such results folder or scenario file"):
        sim.compare(a, tmp_path / "missing")


@pytest.mark.parametrize("key", ["horizon_days", "warmup_days"])
def test_refuses_different_horizons(tmp_path, key):
    a = make_folder(tmp_path / "a", BASE)
    b = make_folder(tmp_path / "b", MEASURES, **{key: 50.0})
    with pytest.raises(InputError, match=f"b: {key} 50 differs from the baseline's"):
        sim.compare(a, b)


def test_refuses_different_kpi_sets_unless_asked(tmp_path):
    a = make_folder(tmp_path / "a", BASE)
    fewer = {k: v for k, v in MEASURES.items() if k != "good_rate"}
    b = make_folder(tmp_path / "b", fewer, name="measures")
    with pytest.raises(InputError, match="only in the baseline: good_rate"):
        sim.compare(a, b)
    result = sim.compare(a, b, common_kpis=True)
    assert [k["kpi"] for k in result["kpis"]] == ["wait_days", "cases"]
    assert result["kpis_left_out"] == {"tiny": ["good_rate"]}


def test_refuses_unknown_kpis(tmp_path):
    a = make_folder(tmp_path / "a", BASE)
    b = make_folder(tmp_path / "b", MEASURES)
    with pytest.raises(InputError, match="no KPI nope"):
        sim.compare(a, b, targets=["nope<1"])
    with pytest.raises(InputError, match="--kpi: no KPI nope"):
        sim.compare(a, b, kpis=["nope"])


def test_labels_are_unique_and_files_written(tmp_path):
    a = make_folder(tmp_path / "a", BASE)
    b = make_folder(tmp_path / "b", MEASURES)  # same scenario name as the baseline
    result = sim.compare(a, b, kpis=["wait_days"])
    assert [s["label"] for s in result["scenarios"]] == [str(a), str(b)]
    assert [r["kpi"] for r in result["comparisons"]] == ["wait_days"]
    out = write_comparison(result, tmp_path / "cmp")
    assert json.loads((out / "comparison.json").read_text()) == result
    csv = (out / "comparison.csv").read_text().splitlines()
    assert csv[0].split(",") == list(CSV_FIELDS) and len(csv) == 2
    assert "## " in (out / "comparison.md").read_text()
    with pytest.raises(InputError, match="already exists"):
        write_comparison(result, out)
    write_comparison(result, out, force=True)
    with pytest.raises(InputError, match="not a comparison folder"):
        write_comparison(result, a, force=True)
    assert (a / "summary.json").is_file()


# ---------------------------------------------------------------- real runs


def test_scenario_compared_with_itself_shows_no_difference(small_path):
    result = sim.compare(small_path, small_path, replications=3, workers=2)
    assert result["scenarios"][1]["method"] == "paired"
    checked = 0
    for r in result["comparisons"]:
        if r["n"] == 0:
            continue  # nothing measured in any replication
        assert r["difference"] == 0, r["kpi"]
        assert r["relative_change"] in (0, None), r["kpi"]
        if r["better"] == "none":
            assert r["verdict"] == NO_DIRECTION
        elif r["n"] < 2:
            assert r["verdict"] == TOO_FEW
        else:
            assert r["verdict"] == NO_DIFFERENCE, r["kpi"]
            assert r["p_value"] == 1.0 and r["difference_ci_low"] == r["difference_ci_high"] == 0
            checked += 1
    assert checked >= 30


def test_results_folder_and_scenario_file_pair_up(tmp_path, small, small_path):
    """A scenario file run against a results folder inherits its seed, replications and
    horizon, so the same scenario gives identical replications."""
    folder = tmp_path / "base"
    write_results(sim.run(small, replications=3, seed=5, horizon_days=150, workers=2), folder)
    assert (small.run.seed, small.run.horizon_days) != (5, 150)
    result = sim.compare(folder, small_path, workers=2)
    s = result["scenarios"][1]
    assert (s["seed"], s["replications"], s["horizon_days"]) == (5, 3, 150)
    assert s["method"] == "paired" and s["kind"] == "scenario"
    assert all(r["difference"] in (0, None) for r in result["comparisons"])


def test_fewer_officers_is_detected_as_worse(tmp_path, small):
    trained = small.officers.trained.count
    fewer = sim.with_changes(small, {"officers.trained.count": max(1, trained // 4)})
    base_run = sim.run(small, replications=5, workers=2)
    result = sim.compare(
        base_run,
        fewer,
        kpis=["allocation_days_mean", "end_to_end_days_mean", "referrals"],
        workers=2,
    )
    assert result["run_settings"]["seed"] == base_run.seed
    assert result["scenarios"][1]["method"] == "paired"
    # Arrivals do not depend on officers: common random numbers give the same referrals.
    assert row(result, "referrals")["difference"] == 0
    assert row(result, "allocation_days_mean")["verdict"] == WORSE
    assert row(result, "end_to_end_days_mean")["verdict"] == WORSE
