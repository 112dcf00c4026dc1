"""Build: the model's modules (``sim/model``) compiled to C extensions with mypyc.

The compiled model gives the same numbers as the Python source, bit for bit (the tests
check it), in less time. Each build also writes ``sim/model/compiled_from.txt``: the
SHA-256 of each source it compiled. When a source no longer matches (it was edited after
the build), or when ``SIM_PURE_PYTHON=1`` is set, :mod:`sim.model.build` loads the Python
source instead of the compiled module, so an edit always takes effect.

Set ``SIM_PURE_PYTHON=1`` while installing to skip compiling; without mypyc or a C
compiler the install goes on with the Python source, with a warning.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).parent
MODEL = HERE / "sim" / "model"
MANIFEST = MODEL / "compiled_from.txt"
NOT_COMPILED = {"__init__.py", "build.py", "dormant.py", "queue_order.py"}
"""Kept as Python: the package's start (which chooses compiled or source modules) and the
two ``bytearray`` subclasses, which mypyc cannot compile."""


def model_sources() -> list[Path]:
    return sorted(p for p in MODEL.glob("*.py") if p.name not in NOT_COMPILED)


def manifest_text(sources: list[Path]) -> str:
    """The record of ``sources`` as they are now: a SHA-256 and a name a line."""
    return "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in sources)


class OptionalBuildExt(build_ext):
    """Compile the extensions; if that fails, warn and install the Python source only."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:  # no C compiler, no Python headers, ...
            MANIFEST.unlink(missing_ok=True)
            print(f"warning: the model was not compiled ({error}); it runs as Python",
                  file=sys.stderr)  # fmt: skip


def extensions() -> list:
    MANIFEST.unlink(missing_ok=True)
    if os.environ.get("SIM_PURE_PYTHON"):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        print("warning: mypyc is not installed; the model runs as Python", file=sys.stderr)
        return []
    sources = model_sources()
    record = manifest_text(sources)  # the sources as mypyc reads them
    os.chdir(HERE)  # mypyc names modules by their paths from here
    # the modules they import (the scenario, numpy, simpy) are read for their types only
    # (no cache: a type cache left in the folder must not change what is compiled)
    flags = ["--follow-imports=silent", "--ignore-missing-imports", "--cache-dir=/dev/null"]
    paths = [str(p.relative_to(HERE)) for p in sources]
    try:
        compiled = mypycify([*flags, *paths], group_name="sim_model")
    except (Exception, SystemExit) as error:  # mypyc exits on a type error (printed above)
        # no record: extensions left from an earlier build must not pass for these sources
        why = "mypyc's errors are above" if isinstance(error, SystemExit) else repr(error)
        print(f"warning: the model was not compiled ({why}); it runs as Python", file=sys.stderr)
        return []
    MANIFEST.write_text(record)  # only now: the C code is these sources'
    return compiled


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
