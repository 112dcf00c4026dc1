"""Manifests: what made an output folder (kind, when, the command, the versions, the
model's build)."""

from __future__ import annotations

import datetime as dt
import platform
import sys
from collections.abc import Sequence
from importlib import metadata
from typing import Any

from sim.experiment.model_build import model_build

DEPENDENCIES = ("simpy", "numpy", "scipy", "pandas", "pydantic", "pyyaml", "typer", "rich")


def package_versions() -> dict[str, str]:
    """Versions of this package, Python and the dependencies."""
    versions = {"python": platform.python_version()}
    for name in ("caseflow-sim", *DEPENDENCIES):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def manifest_header(kind: str, command: Sequence[str] | None = None) -> dict[str, Any]:
    """The fields every manifest starts with."""
    return {
        "kind": kind,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": list(command) if command is not None else list(sys.argv),
        "versions": package_versions(),
        "model_build": model_build(),
    }
