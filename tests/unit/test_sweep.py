"""Sweeps: designs, estimators, the tables, workers, resuming and input errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps
from scipy.stats import qmc

import sim
from sim.errors import InputError
from sim.experiment.executors import SerialExecutor
from sim.scenario.changes import scenario_to_dict
from sim.sweep.design import make_design, make_parameter, parse_vary
from sim.sweep.sensitivity import oat_rows, sobol_indices

FILES = ("points.csv", "runs.csv", "summary.csv", "sensitivity.csv")


@pytest.fixture(scope="module")
def short(small) -> sim.Scenario:
    """The small scenario over 100 days, 2 replications: about 0.05 s a run."""
    return sim.with_changes(small, {"run.horizon_days": 100, "run.replications": 2})


@pytest.fixture(scope="module")
def data(small) -> dict:
    return scenario_to_dict(small)


def param(data, text):
    path, spec = parse_vary(text)
    return make_parameter(data, path, spec, source="--vary")


# ---------------------------------------------------------------- parameters and designs


def test_integer_parameters_stay_integers_rounded_and_deduplicated(data):
    p = param(data, "triage.staff=1:3")
    assert p.kind == "int" and p.base == 2
    assert p.levels(4) == [1, 2, 3]  # linspace 1, 1.67, 2.33, 3 rounds to 1, 2, 2, 3
    assert all(type(v) is int for v in p.levels(4))
    assert p.levels() == [1, 3]
    assert param(data, "officers.trained.count=2:10:3").levels() == [2, 5, 8]


def test_float_ranges_and_values(data):
    p = param(data, "hazards.harm_per_day=0.1:0.3:0.1")
    assert p.kind == "float" and p.levels() == [0.1, 0.2, 0.3]
    v = param(data, "allocation.untrained_after_days=5,10,null")
    assert v.kind == "values" and v.levels() == [5.0, 10.0, None]  # float parameter: 5 → 5.0
    assert param(data, "warrants.court_days.kind=exponential,fixed").values == (
        "exponential",
        "fixed",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("triage.stafff=1:3", "no key 'stafff'"),
        ("triage=1:3", "not a section"),
        ("triage.staff=3:1", "low < high"),
        ("triage.staff=1.5:3", "whole-number"),
        ("triage.staff=1:3:0", "step > 0"),
        ("triage.staff=abc", "expected 'lo:hi[:step]'"),
        ("triage.staff=1:x", "expected a finite number"),
        ("triage.staff=4,4", "two or more different values"),
        ("run.seed=1:5", "cannot vary"),
        ("name=a,b", "cannot vary"),
    ],
)
def test_bad_vary_specs_are_one_line_errors(data, text, message):
    with pytest.raises(InputError) as err:
        param(data, text)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert str(err.value).startswith("--vary: ")


def test_range_of_a_non_numeric_parameter_is_an_error(data):
    with pytest.raises(InputError, match="list the values"):
        param(data, "warrants.court_days.kind=1:3")


def test_grid_is_the_full_factorial(data):
    ps = [param(data, "triage.staff=1:3:1"), param(data, "allocation.untrained_after_days=5,null")]
    points = make_design("grid", ps)
    assert len(points) == 3 * 2
    assert {
        (p.values["triage.staff"], p.values["allocation.untrained_after_days"]) for p in points
    } == {(s, u) for s in (1, 2, 3) for u in (5.0, None)}
    with pytest.raises(InputError, match="--levels"):
        make_design("grid", [param(data, "triage.staff=1:3")])
    assert len(make_design("grid", [param(data, "triage.staff=1:5")], levels=3)) == 3


def test_oat_moves_one_parameter_at_a_time_around_the_scenario(data):
    ps = [param(data, "triage.staff=1:4"), param(data, "hazards.harm_per_day=0.0005:0.002")]
    points = make_design("oat", ps)
    assert len(points) == 1 + 2 + 2
    base = {"triage.staff": 2, "hazards.harm_per_day": 0.001}
    assert points[0].block == "base" and points[0].values == base
    for p in points[1:]:
        moved = [k for k in base if p.values[k] != base[k]]
        assert moved == [p.varied]
    assert [p.block for p in points[1:3]] == ["low", "high"]
    assert points[1].values["triage.staff"] == 1 and points[2].values["triage.staff"] == 4


def test_lhs_counts_bounds_strata_and_seed(data):
    ps = [param(data, "hazards.harm_per_day=0.001:0.003"), param(data, "triage.staff=1:4")]
    points = make_design("lhs", ps, samples=20, seed=7)
    assert len(points) == 20
    x = np.array([p.values["hazards.harm_per_day"] for p in points])
    assert x.min() >= 0.001 and x.max() <= 0.003
    # one point in each of the 20 equal strata: the Latin hypercube property
    strata = np.floor((x - 0.001) / 0.002 * 20).astype(int)
    assert sorted(strata) == list(range(20))
    staff = [p.values["triage.staff"] for p in points]
    assert set(staff) == {1, 2, 3, 4} and all(type(s) is int for s in staff)
    assert make_design("lhs", ps, samples=20, seed=7) == points
    assert make_design("lhs", ps, samples=20, seed=8) != points
    with pytest.raises(InputError, match="--samples"):
        make_design("lhs", ps)


def test_sobol_design_is_a_b_and_ab_matrices(data):
    ps = [
        param(data, "hazards.harm_per_day=0.001:0.003"),
        param(data, "triage.staff=1:4"),
        param(data, "allocation.untrained_after_days=5,10,null"),
    ]
    n = 16
    points = make_design("sobol", ps, samples=n, seed=3)
    assert len(points) == n * (len(ps) + 2)
    a = [p for p in points if p.block == "A"]
    b = [p for p in points if p.block == "B"]
    assert len(a) == len(b) == n
    for p in (q for q in points if q.block == "AB"):
        expected = {**a[p.row].values, p.varied: b[p.row].values[p.varied]}
        assert p.values == expected
    assert all(0.001 <= p.values["hazards.harm_per_day"] <= 0.003 for p in points)
    assert {p.values["allocation.untrained_after_days"] for p in a + b} <= {5.0, 10.0, None}


# ---------------------------------------------------------------- estimators


def _ishigami_design(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    u = qmc.Sobol(d=6, rng=1).random(n)
    a, b = -np.pi + 2 * np.pi * u[:, :3], -np.pi + 2 * np.pi * u[:, 3:]
    ab = np.stack([np.where(np.arange(3) == i, b, a) for i in range(3)])

    def f(x):
        return (
            np.sin(x[..., 0])
            + 7 * np.sin(x[..., 1]) ** 2
            + 0.1 * x[..., 2] ** 4 * np.sin(x[..., 0])
        )

    return f(a), f(b), f(ab)


def test_sobol_indices_equal_scipy_without_noise():
    fa, fb, fab = _ishigami_design(512)
    ours = sobol_indices(fa[:, None], fb[:, None], fab[..., None], bootstrap=200)
    ref = sps.sobol_indices(func={"f_A": fa[None], "f_B": fb[None], "f_AB": fab[:, None]}, n=512)
    np.testing.assert_allclose(ours.first, ref.first_order, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.total, ref.total_order, rtol=1e-10, atol=1e-12)
    assert np.all(ours.first_ci[:, 0] <= ours.first) and np.all(ours.first <= ours.first_ci[:, 1])
    assert math.isnan(ours.noise_share)
    # analytic Ishigami values: S1 = .314, .442, 0; ST = .558, .442, .244
    np.testing.assert_allclose(ours.total, [0.558, 0.442, 0.244], atol=0.05)


def test_sobol_noise_is_separated_from_the_parameters_effect():
    fa, fb, fab = _ishigami_design(1024)
    rng = np.random.default_rng(5)
    reps = 4
    common = rng.normal(0, 2, reps)  # shared by every point: common random numbers

    def noisy(f):
        return f[..., None] + common + rng.normal(0, 3, f.shape + (reps,))

    ya, yb, yab = noisy(fa), noisy(fb), noisy(fab)
    corrected = sobol_indices(ya, yb, yab, bootstrap=0)
    naive = sobol_indices(
        ya.mean(-1, keepdims=True),
        yb.mean(-1, keepdims=True),
        yab.mean(-1, keepdims=True),
        bootstrap=0,
    )
    truth = sobol_indices(fa[:, None], fb[:, None], fab[..., None], bootstrap=0)
    assert np.abs(corrected.total - truth.total).sum() < np.abs(naive.total - truth.total).sum()
    assert corrected.variance == pytest.approx(truth.variance, rel=0.1)
    # within-point variance 3² + 2² = 13 against a design variance of about 13.8
    assert corrected.noise_share == pytest.approx(13 / (13 + truth.variance), abs=0.05)


def test_constant_kpi_has_zero_indices_and_oat_rows_pair_replications():
    y = np.ones((4, 2))
    est = sobol_indices(y, y, np.ones((2, 4, 2)), bootstrap=10)
    assert np.all(est.first == 0) and np.all(est.total == 0)

    class P:
        def __init__(self, block, varied, values):
            self.block, self.varied, self.values = block, varied, values

    pts = [P("base", None, {"x": 1}), P("high", "x", {"x": 2})]
    values = {"k": np.array([[1.0, 5.0], [2.0, 6.5]])}
    (row,) = oat_rows(pts, values, ["k"])
    assert row["delta"] == pytest.approx(1.25) and row["n"] == 2
    assert row["base_mean"] == 3.0 and row["mean"] == 4.25 and row["value"] == 2


# ---------------------------------------------------------------- sweeps


def test_oat_points_are_plain_runs_with_common_random_numbers(short):
    res = sim.sweep(short, {"triage.staff": "1:4", "officers.trained.count": "4:8"}, "oat")
    assert len(res.points) == 5 and len(res.runs) == 10
    assert {r["point"] for r in res.runs} == set(range(5))
    base = sim.run(short)
    moved = sim.run(sim.with_changes(short, {"officers.trained.count": 4}))
    for r in range(2):
        row0 = next(x for x in res.runs if x["point"] == 0 and x["replication"] == r)
        row3 = next(x for x in res.runs if x["point"] == 3 and x["replication"] == r)
        assert row0["triage.staff"] == 2 and row3["officers.trained.count"] == 4
        for k, v in base.replications[r].kpis.items():
            assert row0[k] == v or (math.isnan(v) and math.isnan(row0[k]))
        assert row3["allocation_days_mean"] == moved.replications[r].kpis["allocation_days_mean"]
    summary = [s for s in res.summary if s["point"] == 0 and s["kpi"] == "allocation_days_mean"]
    assert summary[0]["mean"] == base.summary["allocation_days_mean"]["mean"]
    tornado = [s for s in res.sensitivity if s["kpi"] == "allocation_days_mean"]
    assert [(s["parameter"], s["level"]) for s in tornado] == [
        ("triage.staff", "low"),
        ("triage.staff", "high"),
        ("officers.trained.count", "low"),
        ("officers.trained.count", "high"),
    ]
    # fewer trained detectives lengthen the wait to allocation
    assert tornado[2]["delta"] > 0


def test_identical_points_are_simulated_once(short):
    ran = []

    class Counting(SerialExecutor):
        def map_indexed(self, fn, tasks):
            ran.extend(tasks)
            yield from super().map_indexed(fn, tasks)

    # triage.staff's base value 2 is also its low level: that point is the base point
    res = sim.sweep(short, {"triage.staff": "2:3"}, "oat", executor=Counting())
    assert len(res.points) == 3 and len(ran) == 2 * 2
    assert res.manifest["distinct_points"] == 2
    rows = {(r["point"], r["replication"]): r for r in res.runs}
    assert rows[(1, 0)]["allocation_days_mean"] == rows[(0, 0)]["allocation_days_mean"]


def test_one_and_two_workers_give_identical_tables(short):
    vary = {"triage.staff": "1:4", "officers.trained.count": "4:8"}
    one = sim.sweep(short, vary, "sobol", samples=4, workers=1)
    two = sim.sweep(short, vary, "sobol", samples=4, workers=2)
    assert len(one.points) == 16 and one.sensitivity
    for table in ("points", "runs", "summary", "sensitivity"):
        assert repr(getattr(one, table)) == repr(getattr(two, table)), table


def test_lhs_writes_rank_correlations(short, tmp_path):
    res = sim.sweep(short, ["officers.trained.count=4:10"], "lhs", samples=6, out=tmp_path / "o")
    rho = next(r for r in res.sensitivity if r["kpi"] == "allocation_days_mean")
    assert rho["spearman_rho"] < 0  # more detectives, shorter waits
    header = (tmp_path / "o" / "sensitivity.csv").read_text().splitlines()[0]
    assert header == "scenario,kpi,parameter,spearman_rho,p_value,points"


class Interrupted(Exception):
    pass


class StopsAfter(SerialExecutor):
    """Runs ``n`` tasks, then fails, as a killed run would stop."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.seen = 0

    def map_indexed(self, fn, tasks):
        self.seen = len(tasks)
        for i, result in super().map_indexed(fn, tasks):
            if i == self.n:
                raise Interrupted
            yield i, result


def test_interrupted_sweep_resumes_to_the_same_files(short, tmp_path):
    vary = {"triage.staff": "1:4", "officers.trained.count": "4:8"}
    whole = sim.sweep(short, vary, "oat", out=tmp_path / "whole")
    out = tmp_path / "resumed"
    with pytest.raises(Interrupted):
        sim.sweep(short, vary, "oat", out=out, executor=StopsAfter(3))
    partial = out.with_name("resumed.partial")
    assert not out.exists() and len(list((partial / "tasks").glob("*.json"))) == 3
    rest = StopsAfter(10**6)
    again = sim.sweep(short, vary, "oat", out=out, executor=rest)
    assert rest.seen == 10 - 3 and again.manifest["tasks_resumed"] == 3
    assert not partial.exists()
    for name in FILES:
        assert (out / name).read_bytes() == (whole.out / name).read_bytes(), name


def test_resume_refuses_a_changed_definition(short, tmp_path):
    out = tmp_path / "s"
    with pytest.raises(Interrupted):
        sim.sweep(short, {"triage.staff": "1:4"}, out=out, executor=StopsAfter(2))
    with pytest.raises(InputError, match="different definition"):
        sim.sweep(short, {"triage.staff": "1:5"}, out=out)
    with pytest.raises(InputError, match="different definition"):
        sim.sweep(short, {"triage.staff": "1:4"}, out=out, replications=3)
    res = sim.sweep(short, {"triage.staff": "1:5"}, out=out, force=True)
    assert res.manifest["tasks_resumed"] == 0 and (out / "runs.csv").is_file()
    with pytest.raises(InputError, match="already exists"):
        sim.sweep(short, {"triage.staff": "1:5"}, out=out)


def test_bad_input_fails_before_anything_runs(short, tmp_path):
    class Never(SerialExecutor):
        def map_indexed(self, fn, tasks):
            raise AssertionError("ran")

    out = tmp_path / "x"
    for vary in ({"triage.stafff": "1:3"}, {"triage.staff": "-2:3"}):
        with pytest.raises(InputError) as err:
            sim.sweep(short, vary, "oat", out=out, executor=Never())
        assert "triage.staf" in str(err.value)
    with pytest.raises(InputError, match="varied more than once"):
        sim.sweep(short, ["triage.staff=1:2", "triage.staff=3:4"], executor=Never())
    with pytest.raises(InputError, match="grid, oat, lhs, sobol"):
        sim.sweep(short, {"triage.staff": "1:3"}, "tornado", executor=Never())
    assert list(tmp_path.iterdir()) == []


def test_results_folder_files(short, tmp_path):
    res = sim.sweep(
        short, {"allocation.untrained_after_days": "5,null"}, "grid", out=tmp_path / "g"
    )
    names = {p.name for p in (tmp_path / "g").iterdir()}
    assert names >= {*FILES, "manifest.json", "scenario.yaml", "sweep.yaml"}
    points = (tmp_path / "g" / "points.csv").read_text().splitlines()
    assert points == [
        "scenario,point,block,row,varied,allocation.untrained_after_days",
        "small,0,design,0,,5.0",
        "small,1,design,1,,null",
    ]
    runs = (tmp_path / "g" / "runs.csv").read_text().splitlines()
    assert len(runs) == 1 + 2 * 2 and runs[0].startswith("scenario,point,replication,allocation.")
    assert res.manifest["definition_sha256"] and res.manifest["tasks"] == 4
    try:
        import pyarrow  # noqa: F401

        assert "runs.parquet" in names
    except ImportError:
        assert "runs.parquet" not in names
