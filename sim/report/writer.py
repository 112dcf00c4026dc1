"""Writing a report: ``report.html`` and ``figures/NAME.svg`` and ``.png`` (for slides),
either into the folder the report is about or into a report folder of its own."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from sim.errors import InputError
from sim.output.folders import OutputTarget, claim
from sim.report.document import Report
from sim.report.html import render

REPORT_FILE = "report.html"
FIGURES = "figures"


def write_files(report: Report, folder: Path) -> Path:
    """Write ``report.html`` and ``figures/`` into ``folder`` (which exists); the page."""
    figures = folder / FIGURES
    figures.mkdir(exist_ok=True)
    for fig in report.figures:
        (figures / f"{fig.name}.svg").write_text(fig.svg(), encoding="utf-8")
        (figures / f"{fig.name}.png").write_bytes(fig.png())
    (folder / REPORT_FILE).write_text(render(report), encoding="utf-8")
    return folder / REPORT_FILE


def write_into(report: Report, folder: Path, *, force: bool) -> Path:
    """Add the report to the tool's own output folder ``folder``, replacing an earlier
    report only with ``force``. The new files are written beside and then moved in."""
    page = folder / REPORT_FILE
    if (page.exists() or (folder / FIGURES).exists()) and not force:
        raise InputError(
            "already has a report.html or figures/ (use --force to replace them, or --out)",
            file=str(folder),
        )
    tmp = Path(tempfile.mkdtemp(prefix=".report.tmp-", dir=folder))
    try:
        write_files(report, tmp)
        if (folder / FIGURES).exists():
            shutil.rmtree(folder / FIGURES)
        os.replace(tmp / FIGURES, folder / FIGURES)
        os.replace(tmp / REPORT_FILE, page)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return page


def write_folder(report: Report, target: OutputTarget, inputs: list[Path]) -> Path:
    """Write the report into a report folder of its own (see :mod:`sim.output.folders`)."""
    with claim(target, kind="report", inputs=inputs) as claimed, claimed.writing() as tmp:
        write_files(report, tmp)
    return target.path / REPORT_FILE
