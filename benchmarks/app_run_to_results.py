"""How long the what-if page (``sim app``) takes from pressing Run to showing the answer.

Starts ``sim app`` on the baseline and the shipped levers file, in a fresh folder (so its
cache, ``results/app-cache/``, starts empty), and drives the page in Debian's chromium
(Playwright, no browser downloaded) in quick mode, three times:

1. 100 more detectives: the baseline and the package both run;
2. 75 more detectives: only the package runs (the baseline is cached);
3. 100 more detectives again: both are cached (comparing and drawing only).

Each time it records the page's own estimate shown before Run and the wall seconds from
the click to the answer. Writes ``benchmarks/results/app_run_to_results.json`` and ``.md``
(``--print`` only prints). Needs ``pip install -e '.[test]'`` (Streamlit, Playwright) and
``/usr/bin/chromium``.

    python benchmarks/app_run_to_results.py
    python benchmarks/app_run_to_results.py --workers 2 --print
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from whole_process import ROOT, machine, publish  # noqa: E402

sys.path.insert(0, str(ROOT))

# the browser tests' chromium, flags and way of serving the page
from tests.chromium import ARGS as CHROMIUM_ARGS  # noqa: E402
from tests.chromium import CHROMIUM  # noqa: E402
from tests.processes import free_port, start_sim, stop_group, wait_serving  # noqa: E402

LEVERS = ROOT / "scenarios" / "levers.yaml"
LEVER = "more_detectives"
"""The lever moved between runs: the first of the levers file, so the page's first slider."""
RUN_TIMEOUT_MS = 60 * 60 * 1000


def _steps_to(level: float) -> int:
    """Slider steps from :data:`LEVER`'s leftmost option to ``level`` (the page shows the
    levers file's options in order, "off" first for an optional lever)."""
    from sim.search.levers import read_levers

    levers = read_levers(LEVERS).levers
    if next(iter(levers)) != LEVER:
        raise SystemExit(f"{LEVERS}: expected {LEVER} as the first lever (the first slider)")
    return list(levers[LEVER].options()).index(level)


def _set_detectives(page, level: int) -> None:
    """Put :data:`LEVER` (more detectives, the first slider) at ``level``."""
    slider = page.locator('[data-testid="stSlider"] input').first
    slider.focus()
    slider.press("Home")
    for _ in range(_steps_to(level)):
        slider.press("ArrowRight")
    page.get_by_text(f"{level} · £", exact=False).first.wait_for(timeout=30_000)


def _estimate_text(page) -> str:
    """The page's estimate shown above Run."""
    page.wait_for_timeout(1500)  # the estimate follows the slider on the next redraw
    for text in ("Estimated run time", "Both runs are in the cache"):
        found = page.get_by_text(text, exact=False)
        if found.count():
            return " ".join(found.first.inner_text().split())
    return ""


def _run(page) -> float:
    """Press Run; wall seconds until the answer is shown."""
    started = time.monotonic()
    page.get_by_role("button", name="Run").click()
    page.get_by_role("button", name="Cancel").wait_for(timeout=60_000)
    page.get_by_text("The answer").wait_for(timeout=RUN_TIMEOUT_MS)
    return time.monotonic() - started


def measure(workers: int | None) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory(prefix="app-bench-") as tmp:
        port = free_port()
        args = ["app", str(ROOT / "scenarios/baseline.yaml"), "--levers", str(LEVERS),
                "--port", str(port), *(["--workers", str(workers)] if workers else [])]  # fmt: skip
        server = start_sim(args, Path(tmp), own_group=True)  # output in tmp/sim.std*
        try:
            wait_serving(port, server, timeout=180)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1300, "height": 2400})
                page.goto(f"http://127.0.0.1:{port}/", wait_until="load")
                page.get_by_text("What if: baseline").wait_for(timeout=180_000)
                for level, what in (
                    (100, "baseline and package run"),
                    (75, "package runs, baseline cached"),
                    (100, "both cached"),
                ):
                    _set_detectives(page, level)
                    estimate = _estimate_text(page)
                    seconds = _run(page)
                    row = {"more_detectives": level, "what": what, "estimate_shown": estimate}
                    rows.append({**row, "wall_seconds": round(seconds, 1)})
                    print(f"{what}: {seconds:.1f} s ({estimate})", flush=True)
                browser.close()
        finally:
            stop_group(server)
    return rows


def markdown(record: dict) -> str:
    lines = [
        "# What-if page: from Run to the answer, quick mode on the baseline",
        "",
        "A fresh app cache; the first lever (more detectives) moved between runs.",
        "",
        "| run | more detectives | page's estimate before Run | wall s |",
        "|---|---|---|---|",
    ]
    for row in record["runs"]:
        lines.append(
            f"| {row['what']} | {row['more_detectives']} | {row['estimate_shown']} "
            f"| {row['wall_seconds']} |"
        )
    lines += ["", f"Machine: {json.dumps(record['machine'])}", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=None, help="sim app --workers")
    parser.add_argument("--print", action="store_true", help="print only, write nothing")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit(f"needs {CHROMIUM} (Debian: apt-get install chromium)")
    record = {"runs": measure(args.workers), "machine": machine()}
    text = markdown(record)
    publish("app_run_to_results", record, text, args.print)


if __name__ == "__main__":
    main()
