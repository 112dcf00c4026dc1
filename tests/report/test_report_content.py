"""What the report says: the headline from the numbers, warnings, the model described from
the scenario, and small numbers suppressed."""

from __future__ import annotations

import json
from pathlib import Path

from sim.report import build_report, write_files
from sim.report.suppress import Suppression
from sim.scenario.register import describe


def test_results_headline_states_the_inspection_scale_and_warnings(folders):
    report = build_report([folders["base"]])
    h = report.headline
    summary = json.loads((folders["base"] / "summary.json").read_text())
    rate = summary["kpis"]["inspection_substandard_rate"]["mean"]
    assert h.sentences[0].startswith("At the inspection on 20 July 2014, ")
    assert f"{rate:.0%} (95% CI" in h.sentences[0]
    assert "of the 60 audited cases are graded substandard" in h.sentences[0]
    assert h.scale.startswith("2 replications of 31 January 2014 to 19 August 2014")
    assert any("Only 2 replications: too few for a verdict" in w for w in h.warnings)


def test_measures_after_the_end_are_a_warning(folders, tmp_path):
    report = build_report([folders["base"]])
    assert not any("not simulated" in w for w in report.headline.warnings)
    # the same folder with its inspection moved past the end of the run
    copy = tmp_path / "late"
    copy.mkdir()
    for f in folders["base"].iterdir():
        if f.is_file():
            (copy / f.name).write_bytes(f.read_bytes())
    text = (copy / "scenario.yaml").read_text().replace("day: 200.0", "day: 900.0")
    (copy / "scenario.yaml").write_text(text)
    late = build_report([copy])
    assert any("not simulated: inspection" in w for w in late.headline.warnings)


def test_model_sections_come_from_the_scenario(folders):
    report = build_report([folders["base"]])
    titles = [s.title for s in report.sections]
    for part in ("objectives", "logic", "data", "experimentation", "implementation"):
        assert any(t.startswith("Model: " + part) for t in titles), part
    data = next(s for s in report.sections if s.title.startswith("Model: data"))
    resources = next(t for t in data.tables if t.caption == "Resources and their sizes")
    assert ["trained detectives", "12", "up to 8 cases each"] in resources.rows


def test_report_register_is_the_describe_register(tmp_path):
    """The report's assumptions table is sim describe's register, rows the file writes."""
    from sim.report.model_sections import data
    from sim.scenario import load_scenario

    baseline = Path(__file__).parents[2] / "scenarios" / "baseline.yaml"
    sc = load_scenario(baseline)
    section = data(sc, {"command": ["sim", "run", str(baseline)]}, tmp_path)
    table = section.tables[-1]
    register = describe(baseline)
    written = [p for p in register.parameters if p.file is not None]
    assert len(table.rows) == len(written) > 10
    assert {r[0] for r in table.rows} == {p.key for p in written}


def test_suppression_hides_small_counts_and_shares_built_on_them():
    sup = Suppression(10)
    assert sup.hides_count(3) and not sup.hides_count(0) and not sup.hides_count(10)
    assert sup.hides_share(0.05, 100)  # 5 cases
    assert not sup.hides_share(0.5, 100)
    assert sup.hides_share(0.9, 8)  # the base itself is under 10
    assert not Suppression(0).hides_count(1)
    masked = sup.mask_counts([0, 4, 12])
    assert masked[0] == 0 and masked[2] == 12 and masked[1] != masked[1]


def test_suppress_below_reaches_tables_figures_and_headline(folders, tmp_path):
    summary = json.loads((folders["base"] / "summary.json").read_text())["kpis"]
    plain = write_files(build_report([folders["base"]]), tmp_path).read_text()
    hidden_dir = tmp_path / "hidden"
    hidden_dir.mkdir()
    report = build_report([folders["base"]], suppress_below=100_000)
    hidden = write_files(report, hidden_dir).read_text()
    referrals = f"{summary['referrals']['mean']:,.0f}"
    assert f"<td>referrals</td><td>{referrals}" in plain
    assert "<td>referrals</td><td>under 100000 (suppressed)" in hidden
    assert "under 100000 (suppressed) of the 60 audited cases" in report.headline.sentences[0]
    assert "are suppressed in tables and figures" in hidden
    grades = next(f for f in report.figures if f.name == "grades")
    notes = [t.get_text() for ax in grades.figure.axes for t in ax.texts]
    assert "under 100000 (suppressed)" in notes
    assert "under 100000 (suppressed)" in (hidden_dir / "figures" / "grades.svg").read_text()


def test_units_are_singular_for_one():
    from sim.report.numbers import quantity

    assert quantity(1, "days") == "1 day"
    assert quantity(1.0, "days") == "1 day"
    assert quantity(2, "days") == "2 days"
    assert quantity(1.5, "days") == "1.5 days"
    assert quantity(1, "replications") == "1 replication"
    assert quantity(0, "hours") == "0 hours"


def test_a_one_day_target_is_one_day(folders, tmp_path):
    copy = tmp_path / "one-day"
    copy.mkdir()
    for f in folders["base"].iterdir():
        if f.is_file():
            (copy / f.name).write_bytes(f.read_bytes())
    text = (copy / "scenario.yaml").read_text()
    (copy / "scenario.yaml").write_text(
        text.replace("allocation_target_days: 2.0", "allocation_target_days: 1.0", 1)
    )
    report = build_report([copy])
    wait = next(s for s in report.headline.sentences if "for an officer" in s)
    assert wait.endswith("(target 1 day).")
    page = write_files(report, tmp_path).read_text()
    assert " 1 days" not in page and " 1 replications" not in page


def test_comparison_of_scenario_files_has_inspections_and_the_model(folders):
    report = build_report([folders["files"]])
    titles = [s.title for s in report.sections]
    assert titles[:3] == [
        "Differences from the baseline",
        "Scenario × KPI matrix",
        "Inspections over time",
    ]
    assert sum(t.startswith("Model: ") for t in titles) == 5
    inspections = next(s for s in report.sections if s.title == "Inspections over time")
    assert [r[0] for r in inspections.tables[0].rows] == ["small", "package"]
    comparison = json.loads((folders["files"] / "comparison.json").read_text())
    package = next(s for s in comparison["scenarios"] if s["label"] == "package")
    rate = package["kpis"]["inspection_substandard_rate"]["mean"]
    assert inspections.tables[0].rows[1][4].startswith(f"{rate:.0%} (95% CI")
    objectives = next(s for s in report.sections if s.title == "Model: objectives")
    assert (
        "Scenarios compared: small (no measures); package: more_detectives (11 April 2014), "
        "triage_staff (11 April 2014)." in objectives.paragraphs[-1]
    )
    h = report.headline
    assert h.sentences[0].startswith("The package scenario takes the inspection")
    under = "" if rate < 0.5 else "not "
    assert h.sentences[0].endswith(f"; on average it is {under}under 50%.")  # no replications
    assert h.scale.startswith("Each scenario: 2 replications of 31 January 2014")
    assert h.warnings[0].startswith("small, package: Only 2 replications: too few")
    # compare --report wrote the same page into the comparison folder
    assert "Model: implementation" in (folders["files"] / "report.html").read_text()


def _with_arm(comparison: dict, label: str, kpi: str, mean: float) -> dict:
    """The comparison with one more scenario, a copy of the last with ``kpi``'s mean set."""
    import copy

    c = copy.deepcopy(comparison)
    arm = copy.deepcopy(c["scenarios"][-1]) | {"label": label}
    arm["kpis"][kpi] = arm["kpis"][kpi] | {"mean": mean}
    c["scenarios"].append(arm)
    row = next(r for r in c["comparisons"] if r["kpi"] == kpi) | {"scenario": label, "mean": mean}
    c["comparisons"].append(row)
    return c


def test_comparison_headline_says_whether_a_single_measure_does_it(folders, tmp_path):
    from sim.report.headline_compare import compare_headline
    from sim.report.inputs import read_run
    from sim.scenario import load_scenario
    from tests.report_data import package_file

    kpi = "inspection_substandard_rate"
    comparison = json.loads((folders["comparison"] / "comparison.json").read_text())
    base = next(s for s in comparison["scenarios"] if s["baseline"])["kpis"][kpi]["mean"]
    c = _with_arm(_with_arm(comparison, "package", kpi, 0.3), "single", kpi, 0.7)
    c["scenarios"][1]["kpis"][kpi]["mean"] = 0.6  # "more": above 50% too
    runs = [read_run(folders["base"]), read_run(folders["more"])]
    for run, label in zip(runs, ("small", "more"), strict=True):
        run.name = label
    single = read_run(folders["more"])
    single.name = "single"
    package = read_run(folders["more"])
    package.name = "package"
    package.scenario = load_scenario(package_file(tmp_path))  # two measures
    lead = compare_headline(c, [*runs, package, single]).sentences[0]
    assert lead.startswith("The package scenario takes the inspection from ")
    assert f"from {base:.0%} substandard (95% CI" in lead and " to 30% " in lead
    assert "; no single measure does it; in " in lead
    values = json.loads((folders["more"] / "summary.json").read_text())  # package's rows
    rows = (folders["more"] / "replications.csv").read_text().splitlines()
    assert lead.endswith(f" of {len(rows) - 1} simulated inspections it is under 50%.")
    assert values["kpis"][kpi]["n"] == len(rows) - 1
    # without the scenarios at hand it cannot tell a single measure from a package
    assert "; no other scenario does it" in compare_headline(c, []).sentences[0]
    # another scenario under 50% too
    c["scenarios"][1]["kpis"][kpi]["mean"] = 0.4
    assert "; more does it too" in compare_headline(c, []).sentences[0]
    # a target on the KPI gives the count of runs meeting it
    c["targets"] = [
        {
            "kpi": kpi,
            "operator": "<",
            "threshold": 0.35,
            "target": f"{kpi}<0.35",
            "scenarios": [{"scenario": "package", "met": 7, "n": 10}],
        }
    ]
    assert (
        compare_headline(c, [])
        .sentences[0]
        .endswith("; in 7 of 10 simulated inspections it is under 35%.")
    )


def test_suppress_below_reaches_comparison_tables_figures_and_headline(folders, tmp_path):
    report = build_report([folders["comparison"]], suppress_below=100_000)
    diff = next(s for s in report.sections if s.title == "Differences from the baseline")
    rows = {r[0]: r for r in diff.tables[0].rows}
    assert rows["open_cases_end"][2:5] == ["under 100000 (suppressed)"] * 3
    assert rows["allocation_days_mean"][2] != "under 100000 (suppressed)"  # waits stay
    assert "under 100000 (suppressed)" in report.headline.sentences[0]
    matrix = next(f for f in report.figures if f.name == "matrix")
    assert "suppressed" in [t.get_text() for t in matrix.figure.axes[0].texts]
    forest = next(f for f in report.figures if f.name == "forest")
    plain = next(f for f in build_report([folders["comparison"]]).figures if f.name == "forest")
    assert len(forest.figure.axes[0].lines) < len(plain.figure.axes[0].lines)
    page = write_files(report, tmp_path).read_text()
    assert "are suppressed in tables and figures" in page


def test_comparison_headline_names_the_grade_without_an_interval(folders):
    from sim.report.headline_compare import compare_headline

    kpi = "inspection_substandard_rate"
    comparison = json.loads((folders["comparison"] / "comparison.json").read_text())
    for s in comparison["scenarios"]:
        s["kpis"][kpi] |= {"ci_low": None, "ci_high": None}
    base, more = (s["kpis"][kpi]["mean"] for s in comparison["scenarios"])
    lead = compare_headline(comparison, []).sentences[0]
    assert f"takes the inspection from {base:.0%} substandard to {more:.0%}, " in lead
