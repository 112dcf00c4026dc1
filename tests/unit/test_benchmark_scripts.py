"""The benchmark scripts that run the model still run against today's model API: they are
not part of the default run otherwise, and one fell behind a change of the referral
records unnoticed. Tiny horizons; the figures themselves are not checked here."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

BENCHMARKS = ROOT / "benchmarks"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_model_vs_bare_runs_and_counts_the_referrals(tmp_path: Path):
    out = tmp_path / "model_vs_bare.json"
    script = BENCHMARKS / "model_vs_bare.py"
    done = subprocess.run(
        [sys.executable, str(script), "--days", "5", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    assert result["model"]["referrals"] > 1000 and result["bare_simpy"]["referrals"] > 1000


def test_tandem_model_runs_near_theory():
    tandem = _module("tandem_vs_peers")
    referrals, sojourn = tandem.run_model(200.0, 3)
    assert referrals > 500
    assert 0.5 * tandem.jackson_sojourn() < sojourn < 2 * tandem.jackson_sojourn()


def test_app_benchmark_finds_its_lever_and_levels_in_the_shipped_levers_file():
    # the page's first slider must be more detectives, options off, 25, 50, 75, 100
    app = _module("app_run_to_results")
    assert (app._steps_to(100), app._steps_to(75)) == (4, 3)
    record = {"runs": [{"what": "both cached", "more_detectives": 100,
                        "estimate_shown": "about 2 s", "wall_seconds": 2.8}],
              "machine": {"cores": 2}}  # fmt: skip
    assert "| both cached | 100 | about 2 s | 2.8 |" in app.markdown(record)
