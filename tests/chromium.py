"""Debian's chromium for the tests that open pages in a real browser (Playwright for Python
drives it; no browser is downloaded). The ``browser`` fixture is in tests/conftest.py."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def needs_chromium(what: str) -> pytest.MarkDecorator:
    """Skip, with the way to install it, when the system's chromium is absent."""
    return pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="no /usr/bin/chromium: install Debian's chromium (apt-get install chromium; "
        f".ci/run does it as root) to {what}",
    )


def open_page(browser, uri: str, width: int, height: int):
    """A new page of ``width`` × ``height`` pixels at ``uri`` (loaded), and the list its
    console errors and uncaught page errors are collected into."""
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(uri, wait_until="load")
    return page, errors


def keep_screenshot(page, path: Path, *, full_page: bool = False) -> None:
    """Save a screenshot of ``page`` to ``path`` (checked to hold a real picture) and, when
    ``SIM_REPORT_SCREENSHOTS`` names a folder, copy it there (how docs/images is remade)."""
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 20_000
    keep = os.environ.get("SIM_REPORT_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / path.name)
