"""Which build of the model runs: the compiled modules, or the Python source.

An install compiles the model's modules (the ``.py`` files of this folder but this one,
``__init__``, ``dormant`` and ``queue_order``) to C extensions with mypyc and records the
SHA-256 of each source it compiled in ``compiled_from.txt`` (``setup.py``). Python would
load a compiled module before its source, so an edit made after the install would not
take effect. This module, run before any other of the model, checks the record: unless
every compiled module is there and every source is the one compiled, it makes Python load
every model module from its source (a compiled module and a source one must not mix: they
would each have their own classes). ``SIM_PURE_PYTHON=1`` asks for the source too.

Both builds give the same numbers, bit for bit (``tests/unit/test_compiled_model.py``).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import sys
from pathlib import Path

HERE = Path(__file__).parent
RECORD = HERE / "compiled_from.txt"
PACKAGE = __name__.rpartition(".")[0]


def _compiled_or_why_not() -> str | None:
    """None when the compiled modules can run; otherwise why the source runs instead."""
    if os.environ.get("SIM_PURE_PYTHON"):
        return "SIM_PURE_PYTHON is set"
    if not RECORD.exists():
        return "the model was not compiled at install"
    for line in RECORD.read_text().splitlines():
        digest, _, name = line.partition("  ")
        source = HERE / name
        if not source.exists() or hashlib.sha256(source.read_bytes()).hexdigest() != digest:
            return f"{name} changed since the install compiled it"
        stem = source.stem
        if not any((HERE / (stem + s)).exists() for s in importlib.machinery.EXTENSION_SUFFIXES):
            return f"{name} has no compiled module"
    return None


class _SourceFinder:
    """Finds a model module's Python source, ahead of its compiled module."""

    @staticmethod
    def find_spec(fullname: str, path: object = None, target: object = None):
        package, _, name = fullname.rpartition(".")
        source = HERE / f"{name}.py"
        if package == PACKAGE and source.exists():
            return importlib.util.spec_from_file_location(fullname, source)
        return None


WHY_NOT_COMPILED = _compiled_or_why_not()
COMPILED = WHY_NOT_COMPILED is None
"""Whether the model runs compiled (otherwise :data:`WHY_NOT_COMPILED` says why not)."""

if not COMPILED and _SourceFinder not in sys.meta_path:
    sys.meta_path.insert(0, _SourceFinder)  # type: ignore[arg-type]
