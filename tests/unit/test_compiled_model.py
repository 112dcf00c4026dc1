"""The compiled model (``setup.py``, :mod:`sim.model.build`) gives the numbers of its Python
source, bit for bit; an edited source runs instead of a stale compiled module; and the
white-box tests, which patch the model's internals, pass on the source.

The tests that compare the two builds need the model compiled (``pip install -e .``) and
are skipped, saying why, when it is not.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.model import build
from tests.conftest import DATA, ROOT

needs_compiled = pytest.mark.skipif(
    not build.COMPILED, reason=f"the model runs from its source: {build.WHY_NOT_COMPILED}"
)


def _source_env() -> dict[str, str]:
    return {**os.environ, "SIM_PURE_PYTHON": "1", "PYTHONPATH": str(ROOT)}


def _run_folder(out: Path, env: dict[str, str]) -> dict[str, bytes]:
    """``sim run`` of the regression scenario (a measure part-way, warrants, forensics) in a
    fresh process; the bytes of each file it writes but its manifest (which holds the time,
    the command and the build)."""
    command = [sys.executable, "-m", "sim.cli.app", "run", str(DATA / "regression.yaml")]
    command += ["--reps", "2", "--days", "400", "--seed", "5", "--workers", "1"]
    command += ["--out", str(out)]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    files = {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}
    assert "manifest.json" in files and len(files) > 3, sorted(files)
    del files["manifest.json"]
    return files


@needs_compiled
def test_the_compiled_model_gives_the_sources_numbers_to_the_bit(tmp_path):
    compiled = _run_folder(tmp_path / "compiled", {**os.environ, "PYTHONPATH": str(ROOT)})
    source = _run_folder(tmp_path / "source", _source_env())
    assert sorted(compiled) == sorted(source)
    differ = [name for name in compiled if compiled[name] != source[name]]
    assert not differ, f"files that differ between the builds: {differ}"


@needs_compiled
def test_the_white_box_tests_pass_on_the_source():
    """The ``source_model`` tests, skipped in a session with the model compiled
    (tests/conftest.py), run in a fresh process on the model's Python source: all pass."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts="]
    command += ["-n", "0", "-m", "source_model and not slow", "tests"]
    done = subprocess.run(command, env=_source_env(), cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    summary = done.stdout.strip().splitlines()[-1]
    passed = re.search(r"(\d+) passed", summary)
    assert passed and int(passed.group(1)) >= 60 and "skipped" not in summary, summary


def test_an_edited_source_runs_instead_of_its_stale_compiled_module(tmp_path):
    """A copy of the package whose build record no longer matches one source loads every
    model module from its source; with the record matching and the compiled modules there,
    the compiled ones; ``SIM_PURE_PYTHON`` asks for the source."""
    model = tmp_path / "sim" / "model"
    model.mkdir(parents=True)
    (tmp_path / "sim" / "__init__.py").write_text("")
    (model / "__init__.py").write_text("from sim.model import build\n")
    (model / "build.py").write_bytes(Path(build.__file__).read_bytes())
    (model / "thing.py").write_text("WHERE = 'source'\n")
    digest = hashlib.sha256((model / "thing.py").read_bytes()).hexdigest()
    (model / "compiled_from.txt").write_text(f"{digest}  thing.py\n")
    check = "import sim.model.build as b, sim.model.thing as t; print(b.COMPILED, t.WHERE)"

    def loaded(**env: str) -> str:
        run_env = {k: v for k, v in os.environ.items() if k != "SIM_PURE_PYTHON"}
        run_env |= {"PYTHONPATH": str(tmp_path), **env}
        done = subprocess.run([sys.executable, "-c", check], env=run_env, cwd=tmp_path,
                              capture_output=True, text=True)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert loaded() == "False source"  # recorded, but no compiled module
    # a stand-in for the compiled module: an extension-named file Python would load first
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    (model / f"thing{suffix}").write_bytes(b"not a real extension")
    with pytest.raises(AssertionError, match="thing"):
        loaded()  # matching record: Python tries the "compiled" module (and fails on it)
    assert loaded(SIM_PURE_PYTHON="1") == "False source"
    (model / "thing.py").write_text("WHERE = 'edited source'\n")
    assert loaded() == "False edited source"
