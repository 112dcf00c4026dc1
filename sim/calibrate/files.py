"""The calibration folder: fitted.yaml, calibration.csv, history.csv, calibration.json.

Written whole or not at all (a temporary folder beside the target, renamed into place).
``fitted.yaml`` is the original scenario file with the fitted values replaced in its text,
so its comments and layout survive; when a value is not written in that file (a default,
or inherited through ``extends:``) the file's YAML mapping is re-dumped with the values set
instead. Either way the file is loaded back and checked against the fitted scenario before
the folder is moved into place.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
import shlex
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from sim.calibrate.fitting import Calibration
from sim.errors import InputError, RunError
from sim.output.files import write_csv, write_json
from sim.output.folders import Claim, OutputTarget, claim
from sim.output.manifest import manifest_header
from sim.scenario.changes import scenario_to_dict
from sim.scenario.keypaths import get_path
from sim.scenario.loader import load_scenario

CALIBRATION_FIELDS = (
    "kpi",
    "value",
    "tolerance",
    "weight",
    "mean",
    "ci_low",
    "ci_high",
    "n",
    "z",
    "within_tolerance",
    "source",
)


def write_calibration(
    calibration: Calibration,
    out: str | Path | OutputTarget,
    *,
    scenario_path: str | Path,
    force: bool = False,
) -> Path:
    """Write the calibration folder ``out`` (see :mod:`sim.output.folders` for the rules)."""
    target = OutputTarget.of(out, force=force)
    assert target is not None
    with claim(target, kind="calibration", inputs=[Path(scenario_path)]) as claimed:
        return write_claimed_calibration(claimed, calibration, scenario_path=scenario_path)


def write_claimed_calibration(
    claimed: Claim, calibration: Calibration, *, scenario_path: str | Path
) -> Path:
    """Write the calibration into a folder claimed before the calibration started."""
    command = claimed.target.command if claimed.target.command is not None else sys.argv
    with claimed.writing() as tmp:
        _write_fitted(tmp / "fitted.yaml", calibration, Path(scenario_path), command)
        name = {"scenario": calibration.scenario.name}  # first column of each CSV
        table = [name | row for row in calibration.table]
        write_csv(tmp / "calibration.csv", table, ["scenario", *CALIBRATION_FIELDS])
        history_fields = [
            "scenario",
            "evaluation",
            *(p.path for p in calibration.free),
            "objective",
            *(t.kpi for t in calibration.targets),
        ]
        if any("error" in h for h in calibration.history):
            history_fields.append("error")
        history = [name | row for row in calibration.history]
        write_csv(tmp / "history.csv", history, history_fields)
        doc = {**manifest_header("calibration", command), **calibration.to_dict()}
        doc["scenario_file"] = str(scenario_path)
        write_json(tmp / "calibration.json", doc)
    return claimed.path


def _write_fitted(
    fitted: Path, calibration: Calibration, scenario_path: Path, command: Sequence[str]
) -> None:
    """fitted.yaml: the scenario file with the fitted values, checked by loading it back."""
    header = header_lines(calibration, command)
    for body in _fitted_bodies(calibration, scenario_path, fitted.parent):
        fitted.write_text(_with_header(header, body), encoding="utf-8")
        try:
            loaded = load_scenario(fitted)
        except InputError:
            continue
        if scenario_to_dict(loaded) == scenario_to_dict(calibration.fitted_scenario):
            return
    raise RunError("fitted.yaml does not load back as the fitted scenario")  # pragma: no cover


_FIRST_HEADER_LINE = "# Fitted by `sim calibrate`"
_LAST_HEADER_LINE = "# Reproduce the achieved numbers:"


def _with_header(header: list[str], body: str) -> str:
    """``body`` with ``header`` after its leading editor modelines (``# yaml-language-server``),
    in place of the header of an earlier calibration, if the body starts with one (a fitted
    file calibrated again keeps one header, the new one)."""
    lines = body.split("\n")
    lead = 0
    while lead < len(lines) and lines[lead].startswith("# yaml-language-server"):
        lead += 1
    rest = lines[lead:]
    if rest and rest[0].startswith(_FIRST_HEADER_LINE):
        end = next((i for i, line in enumerate(rest) if line.startswith(_LAST_HEADER_LINE)), None)
        if end is not None:
            rest = rest[end + 1 :]
            if rest and not rest[0].strip():
                rest = rest[1:]
    return "\n".join(lines[:lead] + header + rest)


def header_lines(calibration: Calibration, command: Sequence[str]) -> list[str]:
    """Comment lines saying how the file was produced, from what, and how well it fits."""
    c = calibration
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    reproduce = f"sim run fitted.yaml --seed {c.seed} --reps {c.replications}"
    if c.horizon_days != c.scenario.run.horizon_days:
        reproduce += f" --days {c.horizon_days:g}"
    lines = [
        f"{_FIRST_HEADER_LINE} on {now}:",
        f"#   {_one_line(shlex.join(command))}",
        f"# {c.method}, {len(c.history)} evaluations × {c.replications} replications, "
        f"seed {c.seed}, objective {c.objective:.4g}. Fitted values (start -> fitted, range):",
    ]
    for p in c.free:
        lines.append(
            f"#   {p.path}: {c.start_values[p.path]:g} -> {c.fitted_values[p.path]:g}"
            f"  [{p.low:g}, {p.high:g}]"
        )
    lines.append("# Targets (value ± tolerance: achieved mean; source):")
    for row in c.table:
        mean = "nan" if row["mean"] is None else f"{row['mean']:.4g}"
        status = "within" if row["within_tolerance"] else "OUTSIDE"
        source = f"; {row['source']}" if row["source"] else ""
        lines.append(
            f"#   {row['kpi']} = {row['value']:g} ± {row['tolerance']:g}: "
            f"{mean} ({status}){_one_line(source)}"
        )
    lines += [f"# {_one_line(c.verdict)}", f"{_LAST_HEADER_LINE} {reproduce}", ""]
    return lines


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _fitted_bodies(calibration: Calibration, scenario_path: Path, out_dir: Path) -> list[str]:
    """Candidate bodies of fitted.yaml, best first (each is checked by loading it back)."""
    bodies = []
    try:
        text = scenario_path.read_text(encoding="utf-8")
        raw = yaml.safe_load(text)
    except (OSError, yaml.YAMLError):
        text, raw = "", None
    values = dict(calibration.fitted_values)
    if isinstance(raw, dict):
        parent = raw.get("extends")
        if isinstance(parent, str):
            target = (scenario_path.parent / parent).resolve()
            values["extends"] = os.path.relpath(target, out_dir.resolve())
        spliced = _splice(text, values)
        if spliced is not None:
            bodies.append(spliced)
        bodies.append(_dump_with_values(raw, calibration, values))
    bodies.append(yaml.safe_dump(scenario_to_dict(calibration.fitted_scenario), sort_keys=False))
    return bodies


def _scalar_text(value: Any) -> str:
    if isinstance(value, str):
        return value if re.fullmatch(r"[\w./-]+", value) else json.dumps(value)
    if isinstance(value, float):
        text = repr(value)
        mantissa, e, exponent = text.partition("e")
        if e and "." not in mantissa:  # YAML 1.1 reads 1e-05 as a string
            text = f"{mantissa}.0e{exponent}"
        return text
    return str(value)


def _splice(text: str, values: Mapping[str, Any]) -> str | None:
    """``text`` with each path's scalar replaced in place, or ``None`` if one is absent."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return None
    edits = []
    for path, value in values.items():
        node = root
        for part in path.split("."):
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == part), None)
            elif isinstance(node, yaml.SequenceNode) and part.isdigit():
                node = node.value[int(part)] if int(part) < len(node.value) else None
            else:
                node = None
            if node is None:
                return None
        if not isinstance(node, yaml.ScalarNode):
            return None
        edits.append((node.start_mark.index, node.end_mark.index, _scalar_text(value)))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _dump_with_values(raw: dict, calibration: Calibration, values: Mapping[str, Any]) -> str:
    """The file's own mapping with the values set; lists it inherits are copied whole."""
    data = copy.deepcopy(raw)
    resolved = scenario_to_dict(calibration.scenario)
    for path, value in values.items():
        if path == "extends":
            data["extends"] = value
            continue
        parts = path.split(".")
        node: Any = data
        for i, part in enumerate(parts[:-1]):
            key: Any = int(part) if isinstance(node, list) else part
            if isinstance(node, dict) and node.get(part) is None:
                full = get_path(resolved, ".".join(parts[: i + 1]))
                node[part] = copy.deepcopy(full) if isinstance(full, list) else {}
            node = node[key]
        node[int(parts[-1]) if isinstance(node, list) else parts[-1]] = value
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
