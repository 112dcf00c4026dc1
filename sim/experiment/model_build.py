"""Which build of the model runs in this process, in words for manifests and benchmarks."""

from __future__ import annotations

from sim.model import build


def model_build() -> str:
    """``"compiled"``, or why the model runs from its Python source (the same numbers,
    more slowly): see :mod:`sim.model.build`."""
    return "compiled" if build.COMPILED else f"Python source: {build.WHY_NOT_COMPILED}"
