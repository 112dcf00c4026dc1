"""`sim app`: the what-if page (Streamlit), served on this machine only."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import err_console, handle_errors
from sim.cli.options import RUN_OPTIONS, grouped
from sim.errors import InputError
from sim.experiment.settings import RunSettings
from sim.scenario import load_scenario
from sim.search.levers import read_levers

EXAMPLES = """
Examples:

  pip install -e '.[app]'

  sim app

  sim app scenarios/baseline.yaml --levers scenarios/levers.yaml --port 8600
"""

PAGE = Path(__file__).resolve().parents[1] / "app" / "page.py"
"""The Streamlit script of the page."""
NEEDS_EXTRA = "sim app needs the app extra: pip install -e '.[app]'"
CACHE = Path("results") / "app-cache"
"""Where the page keeps its runs (the baseline once per settings, and each package)."""


def streamlit_command(scenario: Path, levers: Path, port: int, workers: int | None) -> list[str]:
    """The command that serves the page: on 127.0.0.1 only, headless (no browser opened),
    no usage statistics sent, not in development mode."""
    page_args = ["--scenario", str(scenario.resolve()), "--levers", str(levers.resolve())]
    page_args += ["--cache", str(CACHE.resolve())]
    if workers is not None:
        page_args += ["--workers", str(workers)]
    return [
        sys.executable, "-m", "streamlit", "run", str(PAGE),
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
        "--server.fileWatcherType", "none",
        "--client.toolbarMode", "minimal",
        "--", *page_args,
    ]  # fmt: skip


@handle_errors
@grouped
def app_command(
    scenario: Annotated[
        Path, typer.Argument(help="Baseline scenario YAML file.", show_default=True)
    ] = Path("scenarios/baseline.yaml"),
    levers: Annotated[
        Path,
        typer.Option("--levers", "-l", help="Levers file (YAML): measures, levels, costs."),
    ] = Path("scenarios/levers.yaml"),
    port: Annotated[
        int, typer.Option("--port", "-p", min=1, max=65535, help="Port on 127.0.0.1.")
    ] = 8501,
    settings: RunSettings = RUN_OPTIONS.only("workers"),
) -> None:
    """Serve the what-if page on http://127.0.0.1:PORT (this machine only): the levers as
    controls with their costs, a quick or full run against the cached baseline, the
    report's headline and figures, and downloads of the scenario, results and report.
    Runs are kept in results/app-cache/. Stop with Ctrl+C."""
    if importlib.util.find_spec("streamlit") is None:
        raise InputError(NEEDS_EXTRA)
    load_scenario(scenario)  # bad files fail here, in one line, not on the page
    read_levers(levers)
    err_console.print(f"serving the page on http://127.0.0.1:{port} (Ctrl+C stops it)")
    command = streamlit_command(scenario, levers, port, settings.workers)
    try:
        status = subprocess.run(command, check=False).returncode
    except KeyboardInterrupt:
        status = 0
    if status not in (0, -2, 130):
        raise typer.Exit(status)
