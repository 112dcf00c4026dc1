"""`sim report`: charts and one self-contained HTML page from output folders."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import err_console, handle_errors, output_target
from sim.cli.options import FORCE_HELP
from sim.errors import InputError

EXAMPLES = """
Examples:

  sim report results/baseline

  sim report results/baseline results/package --out results/package-report

  sim report results/compare          (a comparison folder from sim compare --out)

  sim report results/sweep            (a sweep folder: tornado or Sobol indices)

  sim report results/calibration --suppress-below 10

  sim report results/baseline-search  (a search folder: cost against probability)
"""


def report_into(folder: Path, *, suppress_below: int = 0) -> Path:
    """Add report.html and figures/ to an output folder this command just wrote; say so."""
    from sim.report import build_report, write_into  # loads matplotlib: only when asked

    started = time.perf_counter()
    page = write_into(build_report([folder], suppress_below=suppress_below), folder, force=True)
    _said(page, time.perf_counter() - started)
    return page


def _said(page: Path, seconds: float) -> None:
    size = page.stat().st_size / 1024
    err_console.print(f"wrote {page} ({size:,.0f} KB, {seconds:.1f} s)", highlight=False)


@handle_errors
def report_command(
    folders: Annotated[
        list[Path],
        typer.Argument(
            help="A results, comparison, sweep, calibration or search folder; several "
            "results folders (the baseline first) make a comparison page.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Report folder (default: report.html and figures/ go into the folder given; "
            "required for several folders).",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=FORCE_HELP)] = False,
    suppress_below: Annotated[
        int,
        typer.Option(
            "--suppress-below",
            min=0,
            help="Hide counts under this number (and shares computed from them) in tables "
            "and figures; 0 hides nothing.",
        ),
    ] = 0,
) -> None:
    """Write report.html (the answer in words, charts, the model described) and figures/.

    The page is one file with its figures inline (no network, no JavaScript); it prints on
    A4. The figures are also written as SVG and PNG files for slides.
    """
    if out is None and len(folders) > 1:
        raise InputError("several folders make a comparison page: give --out DIR for it")
    target = output_target(out, force, "report", folders) if out is not None else None
    from sim.report import build_report, write_folder, write_into

    started = time.perf_counter()
    report = build_report(folders, suppress_below=suppress_below)
    if target is None:
        page = write_into(report, folders[0], force=force)
    else:
        page = write_folder(report, target, list(folders))
    _said(page, time.perf_counter() - started)
