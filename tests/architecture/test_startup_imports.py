"""What starting ``sim`` loads: the command line and the Python API start without the
heavy libraries only some commands need (matplotlib for reports, scipy for calibration
and theory, pandas for DataFrames), so that every command, and every worker forked from
it, starts faster and smaller. Each check runs in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("matplotlib", "scipy", "pandas", "dask", "distributed", "streamlit")


def _loaded_after(statement: str) -> set[str]:
    """The heavy top-level packages loaded by ``statement`` in a fresh interpreter."""
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {name for name in json.loads(out.stdout) if name in HEAVY}


@pytest.mark.parametrize(
    "statement",
    [
        "import sim.cli.app",  # every `sim` command
        "import sim",  # the Python API
        "import sim.report.headline_search",  # a light module of the report package
    ],
)
def test_starting_loads_no_heavy_library(statement):
    assert _loaded_after(statement) == set()


def test_the_report_names_load_on_first_use():
    assert "matplotlib" in _loaded_after("from sim.report import build_report")
    import sim.report

    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        sim.report.nothing  # noqa: B018
