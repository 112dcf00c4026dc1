"""Tiny output folders of every kind for the report tests (tests/data/small.yaml, two
replications, a short horizon that still reaches the scenario's inspection on day 200)."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from sim.cli.app import app
from sim.experiment.dask_executor import ADDRESS_ENV

DATA = Path(__file__).parent / "data"
SHORT = ["--reps", "2", "--days", "200", "--warmup", "30", "-w", "1"]


def sim_invoke(*args: str) -> str:
    """Run a ``sim`` command in this process; its output; fail the test on a non-zero exit."""
    result = CliRunner().invoke(app, list(args), env={ADDRESS_ENV: None, "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def package_file(root: Path) -> Path:
    """A scenario file extending small.yaml with two measures from day 100 (a package)."""
    file = root / "package.yaml"
    file.write_text(
        yaml.safe_dump(
            {
                "extends": str(DATA / "small.yaml"),
                "name": "package",
                "measures": [
                    {"name": "more_detectives", "day": 100, "add": {"officers.trained.count": 6}},
                    {"name": "triage_staff", "day": 100, "add": {"triage.staff": 1}},
                ],
            }
        )
    )
    return file


def build_folders(root: Path) -> dict[str, Path]:
    """``base`` and ``more`` results folders, a ``comparison`` of them and one of scenario
    files (``files``: small.yaml against a package, with --report), an ``oat`` and a
    ``sobol`` sweep and a ``calibration`` folder under ``root``."""
    small = str(DATA / "small.yaml")
    names = ("base", "more", "comparison", "files", "oat", "sobol", "cal")
    f = {name: root / name for name in names}
    sim_invoke("run", small, *SHORT, "--out", str(f["base"]))
    sim_invoke(
        "run",
        small,
        *SHORT,
        "--out",
        str(f["more"]),
        "--set",
        "officers.trained.count=16",
        "--set",
        "name=more",
    )
    sim_invoke("compare", str(f["base"]), str(f["more"]), "--out", str(f["comparison"]))
    package = str(package_file(root))
    sim_invoke("compare", small, package, *SHORT, "--out", str(f["files"]), "--report")
    vary = ["--vary", "triage.staff=1:3", "--vary", "officers.trained.count=8:14"]
    quick = ["--reps", "2", "--days", "60", "-w", "1"]
    sim_invoke("sweep", small, *vary, *quick, "--out", str(f["oat"]))
    sim_invoke(
        "sweep", small, "-m", "sobol", "--samples", "8", *vary, *quick, "--out", str(f["sobol"])
    )
    targets = root / "targets.yaml"
    targets.write_text(
        yaml.safe_dump(
            {
                "targets": [
                    {"kpi": "allocation_days_mean", "value": 1.0, "tolerance": 0.5},
                    {"kpi": "referrals", "value": 600, "tolerance": 100},
                ],
                "settings": {"replications": 2, "seed": 3},
                "free": {"officers.trained.count": "6:14"},
            }
        )
    )
    sim_invoke(
        "calibrate",
        small,
        "-t",
        str(targets),
        "--days",
        "60",
        "--max-evals",
        "4",
        "-w",
        "1",
        "-o",
        str(f["cal"]),
    )
    return f
