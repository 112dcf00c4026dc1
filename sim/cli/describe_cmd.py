"""`sim describe`: the assumptions register of a scenario (every parameter and its status)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from sim.cli.common import JsonOpt, ScenarioArg, console, handle_errors, print_json
from sim.scenario.register import Parameter, Register, describe

EXAMPLES = """
Examples:

  sim describe scenarios/baseline.yaml

  sim describe scenarios/measures/package.yaml --status assumed

  sim describe my_force.yaml --targets my_targets.yaml --json > register.json

A comment on a key's line or just above it gives its status: [S4] cites row S4 of
docs/sources.md, "source: ..." names any other source, "calibrated" and "assumed" say so.
Keys fitted in the free: section of NAME_targets.yaml beside the file are calibrated.
"""


class Status(StrEnum):
    sourced = "sourced"
    calibrated = "calibrated"
    assumed = "assumed"


StatusOpt = Annotated[
    Status | None,
    typer.Option("--status", help="Show only parameters with this status.", show_default=False),
]
TargetsOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--targets",
        "-t",
        help="Targets file whose free: keys count as calibrated (repeatable; default: "
        "NAME_targets.yaml beside the scenario and each file it extends).",
        show_default=False,
    ),
]


def _shown(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _where(path: str | None) -> str | None:
    if path is None:
        return None
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def parameter_json(p: Parameter) -> dict[str, Any]:
    """One parameter as JSON: key, value, unit, status, detail, sources, file, line."""
    calibration = p.calibration
    return {
        "key": p.key,
        "value": p.value,
        "unit": p.unit,
        "status": p.status,
        "detail": p.detail,
        "default": p.file is None,
        "sources": [{"id": s.id, "title": s.title, "confidence": s.confidence} for s in p.sources],
        "file": _where(p.file),
        "line": p.line,
        "calibrated_by": None
        if calibration is None
        else {"file": _where(str(calibration.file)), "target_kpis": list(calibration.kpis)},
    }


def summary_line(register: Register) -> str:
    """``N parameters: a sourced, b calibrated, c assumed (d of them schema defaults)``:
    counts over the whole scenario, whatever ``--status`` shows."""
    c = register.counts
    return (
        f"{len(register.parameters)} parameters: {c['sourced']} sourced, "
        f"{c['calibrated']} calibrated, {c['assumed']} assumed "
        f"({c['default']} of them schema defaults)"
    )


_COLOURS = {"sourced": "green", "calibrated": "cyan", "assumed": "yellow"}


def _print_parameters(register: Register, shown: list[Parameter]) -> None:
    """Two lines a parameter: ``key = value unit``, then its status and source or note."""
    console.print(f"[bold]{escape(register.name)}[/]: {escape(register.scenario)}", highlight=False)
    for p in shown:
        unit = f" {p.unit}" if p.unit else ""
        console.print(
            f"{escape(p.key)} = {escape(_shown(p.value))}{unit}", highlight=False, soft_wrap=True
        )
        colour = _COLOURS[p.status]
        console.print(
            f"    [{colour}]{p.status}[/]: {escape(p.detail)}", highlight=False, soft_wrap=True
        )


@handle_errors
def describe_command(
    scenario: ScenarioArg,
    status: StatusOpt = None,
    targets: TargetsOpt = None,
    json_: JsonOpt = False,
) -> None:
    """List every parameter of a scenario (after extends:) with its value, unit and status:
    sourced (which row of docs/sources.md), calibrated (by which targets) or assumed."""
    register = describe(scenario, targets=targets or ())
    shown = [p for p in register.parameters if status is None or p.status == status.value]
    if json_:
        print_json(
            {
                "scenario": register.scenario,
                "name": register.name,
                "sources_file": _where(str(register.sources_file))
                if register.sources_file
                else None,
                "counts": dict(register.counts),
                "parameters": [parameter_json(p) for p in shown],
            }
        )
        return
    _print_parameters(register, shown)
    if register.sources_file is None:
        console.print("docs/sources.md not found: sources shown by id only", highlight=False)
    console.print(summary_line(register), highlight=False, soft_wrap=True)
