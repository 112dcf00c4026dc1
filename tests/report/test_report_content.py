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
