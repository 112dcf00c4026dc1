"""Shared fixtures: small scenarios that run in well under a second per replication."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.model import build
from tests.chromium import ARGS, CHROMIUM

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With the model compiled, the ``source_model`` tests (which patch or subclass its
    internals, as a compiled model does not allow) are skipped here and run on its Python
    source by one test instead (tests/unit/test_compiled_model.py)."""
    if not build.COMPILED:
        return
    skip = pytest.mark.skip(reason="patches the model: run on its source by test_compiled_model")
    for item in items:
        if item.get_closest_marker("source_model"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def small_path() -> Path:
    return DATA / "small.yaml"


@pytest.fixture(scope="session")
def small(small_path: Path) -> sim.Scenario:
    return sim.load_scenario(small_path)


@pytest.fixture(scope="session")
def baseline_path() -> Path:
    return ROOT / "scenarios" / "baseline.yaml"


@pytest.fixture(scope="module")
def browser():
    """Debian's headless chromium through Playwright (tests/chromium.py), one per module."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()
