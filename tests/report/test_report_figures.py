"""Every kind of report builds its figures: produced, non-empty, valid SVG and PNG, with
alt text; the page names every section and needs nothing from the network."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from sim.report import build_report, write_files

SVG_NS = "{http://www.w3.org/2000/svg}svg"
EXPECTED = {
    "base": {"open-cases", "staff", "inspections", "waits", "grades", "pathway"},
    "comparison": {"forest", "matrix", "inspections", "pathway"},
    "oat": {"tornado", "pathway"},
    "sobol": {"sobol", "pathway"},
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
    assert report.headline.sentences[0].startswith("more takes inspection substandard rate")


def test_run_axes_carry_units_and_dates(reports):
    svg = {f.name: f for f in reports["base"].figures}
    for name in ("open-cases", "staff", "inspections"):
        axes = svg[name].figure.axes
        assert any("day 0 = 2014-01-01" in ax.get_xlabel() for ax in axes), name
        assert all(ax.get_ylabel() for ax in axes), name
    assert "(cases)" in svg["open-cases"].figure.axes[0].get_ylabel()
