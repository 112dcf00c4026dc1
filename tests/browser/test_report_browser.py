"""The run and comparison reports (of results folders, and of scenario files as
``sim compare a.yaml b.yaml --report`` writes it) opened in a real browser (Debian's
chromium, driven by Playwright for Python): no console errors, every figure drawn with a
size, every section heading present, and a full-page screenshot for a person to look at.

Set ``SIM_REPORT_SCREENSHOTS=DIR`` to also write the screenshots to DIR (the README's are
made with ``SIM_REPORT_SCREENSHOTS=docs/images``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.report import build_report
from tests.chromium import keep_screenshot, needs_chromium, open_page
from tests.report_data import DATA, SHORT, package_file, sim_invoke

pytestmark = needs_chromium("open the reports in a real browser")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """report.html of a run, of a comparison of two results folders (the run against one with
    more detectives) and of a comparison of scenario files (small.yaml against a package)."""
    root = tmp_path_factory.mktemp("browser")
    small = str(DATA / "small.yaml")
    base, more = root / "base", root / "more"
    sim_invoke("run", small, *SHORT, "--out", str(base), "--report")
    sim_invoke(
        "run",
        small,
        *SHORT,
        "--out",
        str(more),
        "--set",
        "officers.trained.count=16",
        "--set",
        "name=more",
    )
    sim_invoke("report", str(base), str(more), "--out", str(root / "compare"))
    package = str(package_file(root))
    sim_invoke("compare", small, package, *SHORT, "--out", str(root / "files"), "--report")
    return {
        "run": base / "report.html",
        "compare": root / "compare" / "report.html",
        "compare-files": root / "files" / "report.html",
    }


def _sizes(page) -> list[dict]:
    return page.evaluate(
        """() => [...document.querySelectorAll('img, svg')]
              .filter(e => !e.parentElement.closest('svg'))
              .map(e => ({tag: e.tagName, w: e.getBoundingClientRect().width,
                          h: e.getBoundingClientRect().height,
                          natural: e.tagName === 'IMG' ? e.naturalWidth : null,
                          drawn: e.tagName === 'IMG' ? e.naturalHeight > 0 :
                            [...e.querySelectorAll('path')].some(
                              p => p.getBBox().width > 0 && p.getBBox().height > 0),
                          label: e.getAttribute('aria-label') || e.getAttribute('alt')}))"""
    )


@pytest.mark.parametrize("kind", ["run", "compare", "compare-files"])
def test_report_renders_in_chromium(pages, browser, kind, tmp_path):
    path = pages[kind]
    report = build_report(_inputs(path))
    titles = [s.title for s in report.sections]
    page, errors = open_page(browser, path.as_uri(), 1100, 900)
    assert errors == []
    figures = _sizes(page)
    assert len(figures) == len(report.figures) >= 3
    for f in figures:
        assert f["w"] > 100 and f["h"] > 50 and f["drawn"], f
        assert f["natural"] is None or f["natural"] > 0, f
        assert f["label"], f
    headings = page.eval_on_selector_all("h2", "hs => hs.map(h => h.textContent.trim())")
    assert headings[0] == "The answer"
    assert headings[1:] == titles
    if kind != "run":
        assert "Inspections over time" in titles and "Model: implementation" in titles
        answer = page.inner_text("#headline p.answer")
        assert answer.startswith("The ") and " scenario takes the inspection from " in answer
    keep_screenshot(page, tmp_path / f"report-{kind}.png", full_page=True)
    page.close()


def _inputs(page: Path) -> list[Path]:
    """The folders a report page was made from (its own folder, or the results folders)."""
    if page.parent.name == "compare":
        return [page.parent.parent / "base", page.parent.parent / "more"]
    return [page.parent]


def test_figures_are_also_files_for_slides(pages):
    for path in pages.values():
        assert (path.parent / "figures").is_dir()
        assert {p.suffix for p in (path.parent / "figures").iterdir()} == {".svg", ".png"}
