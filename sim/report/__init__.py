"""Reports: charts and one self-contained HTML page from a results, comparison, sweep,
calibration or search folder (``sim report``, ``--report``)."""

from sim.report.build import build_report
from sim.report.writer import write_files, write_folder, write_into

__all__ = ["build_report", "write_files", "write_folder", "write_into"]
