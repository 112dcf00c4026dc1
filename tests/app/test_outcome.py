"""A run of the page without the page: the cache, the report's headline and figures, the
downloads, and the same numbers from `sim run` on the downloaded scenario."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
import yaml

from sim.app.cache import cached_folder, is_cached, scenario_key
from sim.app.choice import Choice
from sim.app.jobs import Job
from sim.app.modes import FULL, QUICK
from sim.app.outcome import SHOWN_FIGURES, Request, run_request
from sim.app.timing import drawing_key, read_rates
from sim.experiment.runner import run
from sim.scenario import load_scenario
from sim.search.levers import read_levers

HERE = Path(__file__).resolve().parent
SMALL = HERE.parent / "data" / "small.yaml"
LEVERS = HERE / "levers_small.yaml"
TARGET = "inspection_substandard_rate<0.5"
KPI = "inspection_substandard_rate"


def _request(cache: Path, levels: dict, mode=QUICK) -> Request:
    return Request(
        load_scenario(SMALL), SMALL, read_levers(LEVERS), LEVERS,
        Choice(levels), mode, TARGET, cache, workers=1,
    )  # fmt: skip


class Recording(Job):
    """A job that keeps every progress text."""

    def __init__(self, work):
        super().__init__(work)
        self.texts: list[str] = []

    def step(self, text, done, total):
        self.texts.append(text)
        super().step(text, done, total)


def _run(request: Request):
    job = Recording(lambda j: run_request(request, j)).start()
    assert job.wait(300) and job.error is None, job.error
    return job.result


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    request = _request(cache, {"more_detectives": 8.0, "review_high_risk": 1.0})
    job = Recording(lambda j: run_request(request, j)).start()
    assert job.wait(300) and job.error is None, job.error
    return request, job.result, job.texts


def test_the_first_run_simulates_baseline_then_package(first):
    request, outcome, steps = first
    assert outcome.ran == ["baseline", "package"]
    assert steps[:2] == ["starting", "baseline: 0 of 2 replications"]
    assert "package: 2 of 2 replications" in steps
    assert request.to_run() == []
    rates = read_rates(request.cache)
    assert rates["small"] > 0 and rates[drawing_key("small")] > 0


def test_the_baseline_is_reused_and_a_package_asked_again_is_read_back(first):
    request, outcome, _ = first
    other = _request(request.cache, {"triage_staff": 2.0})
    assert [s.name for s in other.to_run()] == ["small-package"]
    again = _run(other)
    assert again.ran == ["package"]
    assert again.folders[0] == outcome.folders[0]
    assert _run(request).ran == []


def test_settings_make_another_cache_entry(first):
    request, _, _ = first
    base_quick, _ = request.scenarios()
    full = _request(request.cache, {"more_detectives": 8.0}, FULL)
    base_full, _ = full.scenarios()
    assert scenario_key(base_quick) != scenario_key(base_full)
    assert not is_cached(request.cache, base_full)
    assert cached_folder(request.cache, base_quick) == first[1].folders[0]


def test_the_outcome_shows_the_reports_headline_figures_cost_and_target(first):
    _, outcome, _ = first
    head = outcome.report.headline.sentences
    assert head[0].startswith("The small-package scenario takes the inspection from")
    assert "simulated inspections it is under 50%" in head[0]
    assert any(s.startswith("small-package: inspection_substandard_rate<0.5 in") for s in head)
    assert [t for t, _, _ in outcome.figures] == [
        "Differences from the baseline",
        "Inspection results over time",
        "Open cases over time: baseline",
        "Open cases over time: package",
    ]
    assert len(SHOWN_FIGURES) == 4
    for _, alt, png in outcome.figures:
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and alt
    assert outcome.cost_per_year == 8 * 65000 + 200000
    rows = outcome.target_rows()
    assert [r["scenario"] for r in rows] == ["small", "small-package"]
    assert all(0 <= r["probability"] <= 1 and r["n"] == 2 for r in rows)


def test_downloads_hold_the_results_and_the_report(first):
    _, outcome, _ = first
    names = zipfile.ZipFile(io.BytesIO(outcome.zip_bytes())).namelist()
    for part in ("baseline", "package"):
        assert f"{part}/summary.json" in names and f"{part}/scenario.yaml" in names
    assert "comparison.json" in names and "report.html" in names
    html = outcome.html
    assert "Open cases over time" in html and html.count("<svg") >= 4


def test_the_downloaded_scenario_gives_the_same_numbers_with_sim_run(first):
    _, outcome, _ = first
    data = yaml.safe_load(outcome.scenario_yaml)
    assert [m["name"] for m in data["measures"]] == ["more_detectives", "review_high_risk"]
    assert data["run"]["replications"] == 2
    path = Path(outcome.folders[1]).parent / "downloaded.yaml"
    path.write_text(outcome.scenario_yaml, encoding="utf-8")
    again = run(load_scenario(path), workers=1)
    page = next(s for s in outcome.comparison["scenarios"] if s["label"] == "small-package")
    assert again.summary[KPI]["mean"] == page["kpis"][KPI]["mean"]
    assert (
        again.kpi_values(KPI).tolist()
        == run(load_scenario(path), workers=1).kpi_values(KPI).tolist()
    )


def test_a_cancelled_run_leaves_no_results_folder(tmp_path):
    request = _request(tmp_path, {"triage_staff": 1.0}, FULL)
    job = Recording(lambda j: run_request(request, j)).start()
    while not job.texts:
        time.sleep(0.05)
    job.cancel()
    assert job.wait(30) and job.cancelled and job.result is None
    assert not any("10 of 10" in t for t in job.texts)
    assert [p for p in tmp_path.iterdir() if p.is_dir()] == []
