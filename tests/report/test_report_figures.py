"""Every kind of report builds its figures: produced, non-empty, valid SVG and PNG, with
alt text; the page names every section and needs nothing from the network."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from sim.report import build_report, write_files

SVG_NS = "{http://www.w3.org/2000/svg}svg"
EXPECTED = {
    "base": {"open-cases", "staff", "inspections", "waits", "grades", "pathway"},
    "comparison": {"forest", "matrix", "inspections", "pathway"},
    "files": {"forest", "matrix", "inspections", "pathway"},
    "oat": {"tornado", "main-effects", "pathway"},
    "sobol": {"sobol", "main-effects", "pathway"},
    "cal": {"calibration"},
}


@pytest.fixture(scope="module")
def reports(folders):
    return {kind: build_report([folders[kind]]) for kind in EXPECTED}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_kind_draws_its_figures_as_valid_svg_and_png(reports, kind):
    report = reports[kind]
    assert {f.name for f in report.figures} == EXPECTED[kind]
    for fig in report.figures:
        root = ET.fromstring(fig.svg())
        assert root.tag == SVG_NS
        assert float(root.get("width").removesuffix("pt")) > 100
        assert float(root.get("height").removesuffix("pt")) > 50
        assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 5, fig.name
        png = fig.png()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
        assert len(fig.alt) > 40 and fig.title


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_page_is_self_contained_with_every_section(reports, kind, tmp_path):
    report = reports[kind]
    page = write_files(report, tmp_path).read_text(encoding="utf-8")
    for section in report.sections:
        assert f">{section.title}</h2>" in page.replace("&amp;", "&")
    assert page.count("<svg ") == len(report.figures)
    assert page.count('role="img" aria-label="') == len(report.figures)
    assert "<script" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page), "a reference to the network"
    assert "break-inside: avoid" in page and "size: A4" in page
    for fig in report.figures:
        assert (tmp_path / "figures" / f"{fig.name}.svg").stat().st_size > 1000
        assert (tmp_path / "figures" / f"{fig.name}.png").stat().st_size > 1000


def test_several_results_folders_make_a_comparison_page(folders):
    report = build_report([folders["base"], folders["more"]])
    assert report.kind == "comparison"
    assert {f.name for f in report.figures} == EXPECTED["comparison"]
    assert report.headline.sentences[0].startswith("The more scenario takes the inspection from ")


def test_run_axes_carry_units_and_dates(reports):
    svg = {f.name: f for f in reports["base"].figures}
    for name in ("open-cases", "staff", "inspections"):
        axes = svg[name].figure.axes
        assert any("day 0 = 2014-01-01" in ax.get_xlabel() for ax in axes), name
        assert all(ax.get_ylabel() for ax in axes), name
    assert "(cases)" in svg["open-cases"].figure.axes[0].get_ylabel()


def test_inspection_figure_draws_each_audits_sampling_interval(reports, folders):
    from sim.report.figures_run import sampling_interval

    low, high = sampling_interval(0.5, 374)
    assert 0.44 < low < 0.46 and 0.54 < high < 0.56  # ±1.96·√(0.25/374) ≈ ±0.05
    small_low, small_high = sampling_interval(0.5, 60)
    assert small_high - small_low > high - low
    fig = next(f for f in reports["comparison"].figures if f.name == "inspections")
    ax = fig.figure.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["one audit's sampling interval", "small", "more"]
    bands = [c for c in ax.collections if c.get_label() == "one audit's sampling interval"]
    (segment,) = bands[0].get_segments()  # one inspection: one band per scenario
    summary = json.loads((folders["base"] / "summary.json").read_text())["kpis"]
    mean = summary["inspection_substandard_rate"]["mean"]
    assert segment[:, 1] == pytest.approx(sampling_interval(mean, 60))


def test_main_effects_show_each_parameters_means(folders, reports):
    from sim.report.figures_effects import effect_points
    from sim.report.inputs import read_csv_rows

    points = read_csv_rows(folders["oat"] / "points.csv")
    summary = {
        int(r["point"]): r
        for r in read_csv_rows(folders["oat"] / "summary.csv")
        if r["kpi"] == "substandard_rate"
    }
    effects = effect_points("officers.trained.count", points, summary)
    assert [e[0] for e in effects] == [8, 12, 14]  # low, base, high
    moved = {
        p["officers.trained.count"]: summary[int(p["point"])]["mean"]
        for p in points
        if p["varied"] == "officers.trained.count"
    }
    base = next(p for p in points if p["block"] == "base")
    assert effects[1][1] == pytest.approx(summary[int(base["point"])]["mean"])
    assert effects[0][1] == pytest.approx(moved[8])
    assert effects[2][1] == pytest.approx(moved[14])
    for _, mean, low, high in effects:
        assert low <= mean <= high
    fig = next(f for f in reports["sobol"].figures if f.name == "main-effects")
    assert [ax.get_xlabel() for ax in fig.figure.axes] == ["triage.staff", "officers.trained.count"]


def test_waits_show_each_stages_distribution_against_targets(reports, folders):
    summary = json.loads((folders["base"] / "summary.json").read_text())["kpis"]
    waits = next(f for f in reports["base"].figures if f.name == "waits")
    ax = waits.figure.axes[1]
    stages = [t.get_text() for t in ax.get_yticklabels()]
    assert stages == ["triage", "allocation", "first safeguarding", "warrant"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"mean", "90th percentile", "95th pct.", "target, high risk"} <= set(legend)
    drawn = {
        marker: [
            float(x) for line in ax.lines if line.get_marker() == marker for x in line.get_xdata()
        ]
        for marker in ("o", "s", "D")
    }
    for stage in ("allocation", "warrant"):
        assert any(x == pytest.approx(summary[f"{stage}_days_p90"]["mean"]) for x in drawn["s"])
        assert any(x == pytest.approx(summary[f"{stage}_days_p95"]["mean"]) for x in drawn["D"])
    assert any(x == pytest.approx(summary["safeguarding_days_mean"]["mean"]) for x in drawn["o"])
