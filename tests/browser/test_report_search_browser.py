"""The report of a search (``sim search ... --report`` on the toy of tests/search) opened in
a real browser (Debian's chromium through Playwright): no console errors, the chart drawn
with a real size, the headings and the headline present, and a screenshot of the first
screen.

Set ``SIM_REPORT_SCREENSHOTS=DIR`` to also write the screenshot to DIR (docs/images's
report-search.png is made with ``SIM_REPORT_SCREENSHOTS=docs/images``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.report import build_report
from tests.chromium import keep_screenshot, needs_chromium, open_page
from tests.search_folder import run_toy_search

pytestmark = needs_chromium("open the search report in a real browser")


@pytest.fixture(scope="module")
def search_page(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser-search") / "toy-search"
    run_toy_search(out, "--report")
    return out / "report.html"


def test_search_report_renders_in_chromium(search_page, browser, tmp_path):
    report = build_report([search_page.parent])
    page, errors = open_page(browser, search_page.as_uri(), 1000, 1250)
    assert errors == []
    charts = page.evaluate(
        """() => [...document.querySelectorAll('figure > svg')].map(e => {
              const box = e.getBoundingClientRect();
              const drawn = [...e.querySelectorAll('path')].filter(
                  p => p.getBBox().width > 0 && p.getBBox().height > 0).length;
              const marks = e.querySelectorAll('use').length;
              return {w: box.width, h: box.height, drawn, marks,
                      label: e.getAttribute('aria-label')};
           })"""
    )
    assert len(charts) == 1
    chart = charts[0]
    assert chart["w"] > 500 and chart["h"] > 200 and chart["drawn"] > 4, chart
    assert chart["marks"] >= 15, chart  # a marker for each simulated package, and more
    assert chart["label"].startswith("Each of 15 simulated packages")
    headings = page.eval_on_selector_all("h2", "hs => hs.map(h => h.textContent.trim())")
    assert headings == [
        "The answer",
        "Cost against probability",
        "Levers and costs",
        "How the search ran",
    ]
    assert headings[1:] == [s.title for s in report.sections]
    answer = page.inner_text("#headline p.answer")
    assert answer.startswith("The cheapest package shown to meet ")
    assert "is prevention=3, at GBP 150,000 a year" in answer
    assert page.eval_on_selector_all("table tbody tr", "rows => rows.length") >= 15
    keep_screenshot(page, tmp_path / "report-search.png")
    page.close()
