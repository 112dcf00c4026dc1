"""`sim app` in a real browser: started as a user starts it, driven by Playwright in
Debian's headless chromium. A lever is moved, a quick run made, the headline and every
figure checked, and the downloaded scenario validated and run with `sim run`, which must
give the page's numbers exactly.

Set ``SIM_APP_SCREENSHOT=FILE`` to keep the page's screenshot (the README's is made with
``SIM_APP_SCREENSHOT=docs/images/app.png``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from tests.chromium import needs_chromium
from tests.processes import free_port, sim_cmd, start_sim, stop_group, wait_serving

DATA = Path(__file__).resolve().parents[1] / "data"
LEVERS = Path(__file__).resolve().parent / "levers_small.yaml"
KPI = "inspection_substandard_rate"

pytestmark = needs_chromium("drive the page in a real browser")


def _serve(cwd: Path, scenario: Path):
    """``sim app`` on ``scenario`` and a small levers file, on a free port, from ``cwd``."""
    pytest.importorskip("streamlit", reason="pip install -e '.[app]'")
    port = free_port()
    args = ["app", str(scenario), "--levers", str(LEVERS), "--port", str(port)]
    server = start_sim([*args, "-w", "1"], cwd, own_group=True)
    try:
        wait_serving(port, server)
        yield {"url": f"http://127.0.0.1:{port}/", "cwd": cwd, "server": server}
    finally:
        stop_group(server)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``sim app`` on tests/data/small.yaml."""
    yield from _serve(tmp_path_factory.mktemp("app"), DATA / "small.yaml")


@pytest.fixture(scope="module")
def served_long(tmp_path_factory):
    """``sim app`` on tests/data/small.yaml run for 3,000 days instead of 300, so a full run
    lasts long enough to be cancelled part-way: with the model compiled, the 10 replications
    of 300 days could all end between two redraws of the page, and the test waited for a
    count that never showed."""
    cwd = tmp_path_factory.mktemp("app-long")
    text = (DATA / "small.yaml").read_text()
    assert text.count("horizon_days: 300") == 1
    scenario = cwd / "small_long.yaml"
    scenario.write_text(text.replace("horizon_days: 300", "horizon_days: 3000"))
    yield from _serve(cwd, scenario)


def test_server_listens_on_localhost_only(served):
    text = (served["cwd"] / "sim.stderr").read_text() + (served["cwd"] / "sim.stdout").read_text()
    assert "127.0.0.1" in text
    urls = re.findall(r"https?://[^\s]+", text)
    assert urls and all("127.0.0.1" in u for u in urls), urls


def _images(page) -> list[dict]:
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMain"] img')]
              .filter(e => e.closest('[data-testid="stTabs"] [role="tabpanel"]:not([hidden])'))
              .map(e => ({w: e.getBoundingClientRect().width, natural: e.naturalWidth,
                          h: e.naturalHeight}))"""
    )


def test_quick_run_in_the_browser_matches_sim_run(served, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1300, "height": 2400}, accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(served["url"], wait_until="load")
    page.get_by_text("What if: small").wait_for(timeout=120_000)
    # move the first lever (more detectives) two steps: off → 4 → 8
    slider = page.locator('[data-testid="stSlider"] input').first
    slider.focus()
    slider.press("ArrowRight")
    slider.press("ArrowRight")
    page.get_by_text("8 · £520k a year").first.wait_for(timeout=30_000)
    page.get_by_text("Estimated run time").wait_for(timeout=30_000)
    started = time.monotonic()
    page.get_by_role("button", name="Run").click()
    page.get_by_text("The answer").wait_for(timeout=300_000)
    seconds = time.monotonic() - started
    headline = page.locator("p.headline").first.inner_text()
    assert headline.startswith("The small-package scenario takes the inspection from"), headline
    page.get_by_text("Cost of the package").wait_for(timeout=60_000)
    page.get_by_text("£520k a year", exact=True).wait_for(timeout=60_000)
    page.get_by_role("button", name="Report (HTML)").wait_for(timeout=60_000)
    page.wait_for_timeout(1500)  # images decode
    images = _images(page)
    assert len(images) >= 4, images
    for image in images:
        assert image["natural"] > 0 and image["h"] > 0 and image["w"] > 100, image
    shown = _page_means(page.locator('[data-testid="stCode"]').first.inner_text())
    with page.expect_download() as info:
        page.get_by_role("button", name="Scenario (YAML)").click()
    scenario = tmp_path / "package.yaml"
    info.value.save_as(scenario)
    _screenshot(page, tmp_path)
    page.close()
    assert errors == []
    assert sim_cmd("validate", scenario).returncode == 0
    done = sim_cmd("run", scenario, "-w", "1", "--json", "--out", tmp_path / "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["kpis"][KPI]["mean"] == shown["small-package"]
    print(f"sim app quick mode, small scenario: Run to results {seconds:.1f} s")


def _page_means(text: str) -> dict[str, float]:
    """``{scenario: mean}`` from the page's numbers block (``NAME: KPI mean X (n=N)``)."""
    found = re.findall(rf"^(\S+): {KPI} mean (\S+) \(n=(\d+)\)$", text, flags=re.M)
    assert len(found) == 2, text
    return {name: float(mean) for name, mean, _ in found}


def _screenshot(page, tmp_path: Path) -> None:
    shot = tmp_path / "app.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
    keep = os.environ.get("SIM_APP_SCREENSHOT")
    if keep:
        Path(keep).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, keep)


def test_a_run_can_be_cancelled_and_leaves_nothing_half_written(served_long, browser):
    served = served_long
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    page.goto(served["url"], wait_until="load")
    page.get_by_text("What if: small").wait_for(timeout=120_000)
    page.get_by_text("full: 10 replications").click()
    page.get_by_text("Estimated run time").wait_for(timeout=30_000)
    page.get_by_role("button", name="Run").click()
    # under load two replications can finish between two redraws of the page
    page.get_by_text(re.compile(r"\b[1-9] of 10 replications")).first.wait_for(timeout=300_000)
    page.get_by_role("button", name="Cancel").click()
    page.get_by_text("Run cancelled.").wait_for(timeout=120_000)
    assert page.get_by_role("button", name="Run").is_enabled()
    page.close()
    # a finished run may be cached (whole); the cancelled one left nothing, not even a
    # hidden temporary folder (no cache folder at all when nothing had finished)
    cache = served["cwd"] / "results" / "app-cache"
    folders = [p for p in cache.iterdir() if p.is_dir()] if cache.exists() else []
    assert all((p / "summary.json").is_file() for p in folders), folders
    assert not any(p.name.startswith(".") for p in folders)


def test_the_about_tab_describes_the_model_and_its_assumptions(served, browser):
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    page.goto(served["url"], wait_until="load")
    page.get_by_role("tab", name="About the model").click()
    for heading in ("Model: objectives", "Model: logic (the pathway)", "Model: experimentation"):
        page.get_by_text(heading).wait_for(timeout=60_000)
    page.get_by_text("Assumptions register", exact=False).first.wait_for(timeout=30_000)
    assert "STRESS-DES" in page.inner_text("body")
    page.close()
