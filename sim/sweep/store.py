"""A sweep's files: the resumable work folder, the results folder and sweep files.

While a sweep runs, each finished (point, replication) task is written to
``OUT.partial/tasks/`` as one small JSON file (written to a temporary name, then renamed,
so a killed run never leaves half a file). ``OUT.partial/definition.json`` holds the hash
of the sweep's definition; a sweep with another definition refuses to resume there. When
every task is done, the results folder is written beside ``OUT`` and renamed into place
whole, and the work folder is removed:

- ``points.csv``: one row per point (its place in the design and its parameter values);
- ``runs.csv`` (and ``runs.parquet`` when pyarrow is installed): one row per point ×
  replication with the parameters and every KPI;
- ``summary.csv``: one row per point × KPI with mean, std and 95% t-interval;
- ``sensitivity.csv``: oat changes from the base, Sobol indices, or rank correlations;
- ``manifest.json``, ``scenario.yaml`` (the resolved base) and ``sweep.yaml`` (the
  definition: ``sim sweep OUT/sweep.yaml --out OTHER`` runs the same sweep again).

Every CSV starts with a ``scenario`` column: the base scenario's name.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from collections.abc import Container, Sequence
from pathlib import Path
from typing import Any

import yaml

from sim.errors import InputError
from sim.output.files import write_csv, write_json, write_scenario
from sim.output.folders import Claim
from sim.output.interrupts import held
from sim.output.manifest import manifest_header
from sim.scenario.changes import scenario_to_dict
from sim.scenario.yaml_io import read_yaml_document, read_yaml_mapping
from sim.sweep.definition import SweepDefinition, SweepResult

SWEEP_FILE_KEYS = (
    "scenario",
    "vary",
    "method",
    "samples",
    "levels",
    "reps",
    "seed",
    "days",
    "warmup",
    "set",
    "out",
)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with held():  # a signal waits, so no temporary file is left in the work folder
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)


class SweepStore:
    """The resumable work folder of one sweep, beside its claimed results folder."""

    def __init__(self, claimed: Claim, definition: SweepDefinition) -> None:
        self.claimed = claimed
        out = claimed.path
        self.work = out.with_name(out.name + ".partial")
        self.tasks = self.work / "tasks"
        self.digest = definition.digest()
        self.definition = definition
        if self.work.exists() and self._stored_digest() != self.digest:
            if not claimed.target.force:
                raise InputError(
                    "holds an unfinished sweep with a different definition "
                    "(delete it, or use --force to discard it)",
                    file=str(self.work),
                )
            shutil.rmtree(self.work)

    def _stored_digest(self) -> str | None:
        try:
            return json.loads((self.work / "definition.json").read_text("utf-8"))["sha256"]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def load(self, wanted: Container[tuple[int, int]]) -> dict[tuple[int, int], dict[str, Any]]:
        """Finished tasks kept by an earlier, interrupted run of the same sweep."""
        done: dict[tuple[int, int], dict[str, Any]] = {}
        if not self.tasks.is_dir():
            return done
        for path in sorted(self.tasks.glob("p*-r*.json")):
            try:
                task = json.loads(path.read_text("utf-8"))
                key = (int(task["point"]), int(task["replication"]))
                if not isinstance(task["kpis"], dict):
                    continue
            except (OSError, ValueError, KeyError, TypeError):
                continue  # unreadable: computed again
            if key in wanted:
                done[key] = task
        return done

    def save(self, task: dict[str, Any]) -> None:
        """Keep one finished task (creating the work folder on the first)."""
        if not self.tasks.is_dir():
            self.tasks.mkdir(parents=True)
            doc = {"sha256": self.digest, "definition": self.definition.to_dict()}
            _atomic_write(self.work / "definition.json", json.dumps(doc, indent=2) + "\n")
        name = f"p{task['point']:06d}-r{task['replication']:04d}.json"
        # json writes floats with repr, so values read back are bit-identical (nan as NaN)
        _atomic_write(self.tasks / name, json.dumps(task))

    def finish(self, result: SweepResult) -> Path:
        """Write the results folder whole, then drop the work folder."""
        with self.claimed.writing() as tmp:
            write_sweep_folder(result, tmp, command=self.claimed.target.command)
        shutil.rmtree(self.work, ignore_errors=True)
        return self.claimed.path


def _text(value: Any) -> Any:
    """Parameter values as their YAML scalars in CSV (``true``, ``null``), numbers as they are."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float | str):
        return value
    return str(value)


def _with_text_params(rows: list[dict[str, Any]], names: list[str]) -> list[dict[str, Any]]:
    return [{**row, **{n: _text(row[n]) for n in names if n in row}} for row in rows]


def write_parquet(path: Path, rows: list[dict[str, Any]], text_columns: list[str]) -> bool:
    """``runs.parquet`` when pyarrow is importable; returns whether it was written."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return False
    table_rows = [
        {**r, **{c: None if r[c] is None else str(_text(r[c])) for c in text_columns}} for r in rows
    ]
    pq.write_table(pa.Table.from_pylist(table_rows), path)
    return True


def sweep_file_doc(definition: SweepDefinition) -> dict[str, Any]:
    """The ``sweep.yaml`` that runs this sweep again from its results folder."""
    vary: dict[str, Any] = {}
    for p in definition.parameters:
        if p.kind == "values":
            vary[p.path] = list(p.values)
        else:
            spec = {"low": p.low, "high": p.high}
            vary[p.path] = {**spec, "step": p.step} if p.step is not None else spec
    doc: dict[str, Any] = {"scenario": "scenario.yaml", "vary": vary, "method": definition.method}
    for key, value in (("samples", definition.samples), ("levels", definition.levels)):
        if value is not None:
            doc[key] = value
    doc.update(reps=definition.replications, seed=definition.seed)
    return doc


def write_sweep_folder(result: SweepResult, folder: Path, *, command: Sequence[str] | None) -> None:
    """Every file of a sweep's results folder into ``folder`` (which exists)."""
    d = result.definition
    names = result.parameter_names
    text_names = [p.path for p in d.parameters if p.kind == "values"]
    kpis = result.kpi_names
    scenario = {"scenario": d.scenario.name}  # first column of every CSV
    write_csv(
        folder / "points.csv",
        [scenario | r for r in _with_text_params(result.points, names)],
        ["scenario", "point", "block", "row", "varied", *names],
    )
    runs = [scenario | r for r in _with_text_params(result.runs, names)]
    write_csv(folder / "runs.csv", runs, ["scenario", "point", "replication", *names, *kpis])
    files = ["points.csv", "runs.csv"]
    if write_parquet(folder / "runs.parquet", [scenario | r for r in result.runs], text_names):
        files.append("runs.parquet")
    write_csv(
        folder / "summary.csv",
        [scenario | r for r in _with_text_params(result.summary, names)],
        ["scenario", "point", *names, "kpi", "mean", "std", "ci_low", "ci_high", "n"],
    )
    sens = [scenario | r for r in _with_text_params(result.sensitivity, ["value", "base_value"])]
    sens_fields = list(sens[0]) if sens else ["scenario", "kpi", "parameter"]
    write_csv(folder / "sensitivity.csv", sens, sens_fields)
    write_scenario(folder / "scenario.yaml", d.scenario)
    (folder / "sweep.yaml").write_text(
        yaml.safe_dump(sweep_file_doc(d), sort_keys=False), encoding="utf-8"
    )
    files += ["summary.csv", "sensitivity.csv", "scenario.yaml", "sweep.yaml", "manifest.json"]
    manifest = {
        **manifest_header("sweep", command),
        **result.manifest,
        "files": files,
        "resolved_scenario": scenario_to_dict(d.scenario),
    }
    write_json(folder / "manifest.json", manifest)


def _check_type(value: Any, kinds: tuple[type, ...], what: str, *, file: str, key: str) -> None:
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise InputError(f"expected {what}, got {value!r}", file=file, key=key)


def read_sweep_file(path: Path) -> dict[str, Any]:
    """A sweep file's settings, checked; ``scenario`` is resolved against the file's folder.

    Keys: ``scenario`` (required), ``vary`` (required: ``path: 'lo:hi[:step]'``,
    ``{low, high, step}`` or a list of values), ``method``, ``samples``, ``levels``,
    ``reps``, ``seed``, ``days``, ``warmup``, ``set`` (``path: value``), ``out``.
    """
    data = read_yaml_mapping(path, what="sweep settings")
    file = str(path)
    for key in data:
        if key not in SWEEP_FILE_KEYS:
            raise InputError(
                f"unknown key (expected one of: {', '.join(SWEEP_FILE_KEYS)})", file=file, key=key
            )
    for key in ("scenario", "vary"):
        if key not in data:
            raise InputError("required key is missing", file=file, key=key)
    _check_type(data["scenario"], (str,), "a scenario file path", file=file, key="scenario")
    if not isinstance(data["vary"], dict) or not data["vary"]:
        raise InputError(
            "expected a mapping of key paths to ranges or values", file=file, key="vary"
        )
    checks = {
        "method": ((str,), "grid, oat, lhs or sobol"),
        "samples": ((int,), "a whole number"),
        "levels": ((int,), "a whole number"),
        "reps": ((int,), "a whole number"),
        "seed": ((int,), "a whole number"),
        "days": ((int, float), "a number of days"),
        "warmup": ((int, float), "a number of days"),
        "set": ((dict,), "a mapping of key paths to values"),
        "out": ((str,), "a folder path"),
    }
    for key, (kinds, what) in checks.items():
        if data.get(key) is not None:
            _check_type(data[key], kinds, what, file=file, key=key)
    for key in ("samples", "levels", "reps", "days"):
        if data.get(key) is not None and not data[key] > 0:
            raise InputError(f"expected a value above 0, got {data[key]!r}", file=file, key=key)
    for key in ("seed", "warmup"):
        if data.get(key) is not None and data[key] < 0:
            raise InputError(
                f"expected a value of 0 or more, got {data[key]!r}", file=file, key=key
            )
    for key in ("days", "warmup"):
        if data.get(key) is not None and not math.isfinite(data[key]):
            raise InputError("expected a finite number of days", file=file, key=key)
    return {**data, "scenario": Path(os.path.realpath(path.parent / data["scenario"]))}


def is_sweep_file(path: Path) -> bool:
    """A sweep file is a YAML mapping with a ``vary`` key (a scenario never has one)."""
    try:
        data = read_yaml_document(path)
    except InputError:  # unreadable: reading it as a scenario then says why
        return False
    return isinstance(data, dict) and "vary" in data
