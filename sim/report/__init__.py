"""Reports: charts and one self-contained HTML page from a results, comparison, sweep,
calibration or search folder (``sim report``, ``--report``).

The names below are imported on first use (PEP 562), so that importing a light module of
this package (``sim.report.headline_search``, say) does not load matplotlib: every ``sim``
command that writes no report starts without it (about 35 MB and 0.4 s less).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.report.build import build_report
    from sim.report.writer import write_files, write_folder, write_into

__all__ = ["build_report", "write_files", "write_folder", "write_into"]
_HOMES = {
    "build_report": "sim.report.build",
    "write_files": "sim.report.writer",
    "write_folder": "sim.report.writer",
    "write_into": "sim.report.writer",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'sim.report' has no attribute {name!r}")
    return getattr(import_module(home), name)
