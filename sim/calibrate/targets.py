"""Calibration targets and free parameters: parsing and checking against a scenario.

A targets file is YAML, either a list of targets or a mapping::

    targets:                      # a list of {kpi, value, tolerance, weight, source} ...
      - {kpi: inspection_substandard_rate, value: 0.74, tolerance: 0.03,
         source: "docs/sources.md S1: inspection findings"}
    # ... or a mapping keyed by KPI: {inspection_substandard_rate: {value: 0.74, ...}}
    free:                         # optional: parameters to fit, path: [low, high] or "low:high"
      officers.trained.count: [300, 700]
    settings:                     # optional: replications, seed, days, max_evals, method
      replications: 10
      seed: 2016

A target is met when the mean across replications is within ``tolerance`` of ``value``
(same units as the KPI). ``weight`` (default 1, 0 to report without fitting) scales the
target's term in the objective.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.experiment.kpis import kpi_specs
from sim.scenario.changes import scenario_to_dict, with_changes
from sim.scenario.keypaths import get_path, parse_range, split_assignment
from sim.scenario.schema import Scenario
from sim.scenario.yaml_io import read_yaml_document

METHODS = ("nelder-mead", "powell", "differential-evolution")
SETTINGS = {"replications": int, "seed": int, "days": float, "max_evals": int, "method": str}
_TARGET_KEYS = ("kpi", "value", "tolerance", "weight", "source")


@dataclass(frozen=True)
class CalibrationTarget:
    """A KPI value to reproduce: met when ``|mean - value| <= tolerance``."""

    kpi: str
    value: float
    tolerance: float
    weight: float = 1.0
    source: str = ""
    key: str = field(default="", compare=False)  # where it was given, for messages


@dataclass(frozen=True)
class FreeParameter:
    """A scenario parameter the calibration may move within ``[low, high]``."""

    path: str
    low: float
    high: float
    integer: bool = False

    def value_at(self, u: float) -> float | int:
        """The parameter value at position ``u`` in [0, 1] of its range.

        Integers get equal-width bins (``low`` and ``high`` included); floats are kept
        to 6 significant digits so the fitted file reads cleanly.
        """
        u = min(1.0, max(0.0, float(u)))
        if self.integer:
            lo, hi = int(self.low), int(self.high)
            return int(min(hi, max(lo, math.floor(lo + u * (hi - lo + 1)))))
        return float(f"{self.low + u * (self.high - self.low):.6g}")

    def position(self, value: float) -> float:
        """Inverse of :meth:`value_at`: ``value``'s position in [0, 1] (clipped)."""
        if self.integer:
            u = (float(value) - self.low + 0.5) / (self.high - self.low + 1)
        else:
            u = (float(value) - self.low) / (self.high - self.low)
        return min(1.0, max(0.0, u))


@dataclass(frozen=True)
class FreeRange:
    """A free parameter's range as given, with where it was given (for messages)."""

    path: str
    low: float
    high: float
    file: str = "--free"
    key: str = ""


@dataclass(frozen=True)
class TargetsFile:
    """What a targets file holds (free parameters not yet checked against a scenario)."""

    path: str
    targets: list[CalibrationTarget]
    free: dict[str, FreeRange] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)


def _number(value: Any, *, file: str, key: str, what: str = "a number") -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise InputError(f"expected {what} (got {value!r})", file=file, key=key)
    return float(value)


def _parse_target(entry: Any, *, file: str, key: str, kpi: str | None = None) -> CalibrationTarget:
    if not isinstance(entry, Mapping):
        raise InputError(
            "expected a mapping {kpi, value, tolerance, weight, source}", file=file, key=key
        )
    unknown = [k for k in entry if k not in _TARGET_KEYS or (kpi is not None and k == "kpi")]
    if unknown:
        allowed = [k for k in _TARGET_KEYS if kpi is None or k != "kpi"]
        raise InputError(
            f"unknown key {unknown[0]!r} (expected: {', '.join(allowed)})", file=file, key=key
        )
    name = kpi if kpi is not None else entry.get("kpi")
    if not isinstance(name, str) or not name:
        raise InputError("expected a KPI name under 'kpi'", file=file, key=f"{key}.kpi")
    for required in ("value", "tolerance"):
        if required not in entry:
            raise InputError(f"missing {required!r}", file=file, key=key)
    value = _number(entry["value"], file=file, key=f"{key}.value")
    tolerance = _number(entry["tolerance"], file=file, key=f"{key}.tolerance")
    if not tolerance > 0 or math.isinf(tolerance):
        raise InputError(
            f"expected a tolerance > 0 in the KPI's units (got {entry['tolerance']!r})",
            file=file,
            key=f"{key}.tolerance",
        )
    weight = _number(entry.get("weight", 1.0), file=file, key=f"{key}.weight")
    if weight < 0 or math.isinf(weight):
        raise InputError(
            f"expected a weight >= 0 (got {entry['weight']!r})", file=file, key=f"{key}.weight"
        )
    source = entry.get("source", "")
    source = "" if source is None else " ".join(str(source).split())
    return CalibrationTarget(
        name, value, tolerance, weight, source, key=f"{key}.kpi" if kpi is None else key
    )


def parse_targets(data: Any, *, file: str = "targets") -> list[CalibrationTarget]:
    """Targets from a list of entries or a mapping ``{kpi: {value, tolerance, ...}}``."""
    if isinstance(data, Mapping):
        entries = [(f"targets.{k}", v, str(k)) for k, v in data.items()]
    elif isinstance(data, list):
        entries = [(f"targets.{i}", v, None) for i, v in enumerate(data)]
    else:
        raise InputError("expected a list or mapping of targets", file=file, key="targets")
    targets = [_parse_target(e, file=file, key=k, kpi=kpi) for k, e, kpi in entries]
    if not targets:
        raise InputError("expected at least one target", file=file, key="targets")
    seen: dict[str, str] = {}
    for (key, _, _), target in zip(entries, targets, strict=True):
        if target.kpi in seen:
            raise InputError(
                f"second target for KPI {target.kpi!r} (first at {seen[target.kpi]})",
                file=file,
                key=key,
            )
        seen[target.kpi] = key
    if not any(t.weight > 0 for t in targets):
        raise InputError("expected at least one target with weight > 0", file=file, key="targets")
    return targets


def parse_bounds(raw: Any, *, file: str, key: str) -> tuple[float, float]:
    """``"lo:hi"``, ``[lo, hi]`` or ``{low, high}`` → ``(lo, hi)`` with ``lo < hi``."""
    bounds = parse_range(raw, source=file, key=key, allow_step=False)
    return float(bounds.low), float(bounds.high)


def parse_free_option(text: str) -> FreeRange:
    """``--free path=lo:hi`` → a :class:`FreeRange`."""
    path, raw = split_assignment(text, option="--free", expected="path=low:high")
    lo, hi = parse_bounds(raw, file="--free", key=path)
    return FreeRange(path, lo, hi, "--free", path)


def read_targets(path: str | Path) -> TargetsFile:
    """Read a targets file (see the module docstring)."""
    file = str(path)
    data = read_yaml_document(Path(path))
    if isinstance(data, list):
        return TargetsFile(file, parse_targets(data, file=file))
    if not isinstance(data, Mapping):
        raise InputError("expected a list of targets or a mapping with 'targets'", file=file)
    unknown = [k for k in data if k not in ("targets", "free", "settings")]
    if unknown:
        raise InputError(
            f"unknown key {unknown[0]!r} (expected: targets, free, settings)", file=file
        )
    if "targets" not in data:
        raise InputError("missing 'targets'", file=file)
    targets = parse_targets(data["targets"], file=file)
    free_raw = data.get("free") or {}
    if not isinstance(free_raw, Mapping):
        raise InputError("expected a mapping of path: 'low:high'", file=file, key="free")
    free = {}
    for p, b in free_raw.items():
        lo, hi = parse_bounds(b, file=file, key=f"free.{p}")
        free[str(p)] = FreeRange(str(p), lo, hi, file, f"free.{p}")
    settings = _parse_settings(data.get("settings") or {}, file=file)
    return TargetsFile(file, targets, free, settings)


def _parse_settings(raw: Any, *, file: str) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise InputError("expected a mapping", file=file, key="settings")
    out: dict[str, Any] = {}
    for name, value in raw.items():
        key = f"settings.{name}"
        kind = SETTINGS.get(name)
        if kind is None:
            raise InputError(
                f"unknown setting (expected one of: {', '.join(SETTINGS)})", file=file, key=key
            )
        if kind is str:
            if value not in METHODS:
                raise InputError(f"expected one of: {', '.join(METHODS)}", file=file, key=key)
        elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise InputError(f"expected a number >= 0 (got {value!r})", file=file, key=key)
        elif value == 0 and name != "seed":
            raise InputError(f"expected a number > 0 (got {value!r})", file=file, key=key)
        elif kind is int and value != int(value):
            raise InputError(f"expected a whole number (got {value!r})", file=file, key=key)
        out[name] = kind(value)
    return out


def check_targets(
    targets: Sequence[CalibrationTarget],
    scenario: Scenario,
    *,
    file: str,
    full: Scenario | None = None,
) -> None:
    """Each target must name a KPI the scenario (as it will be run) reports.

    ``full`` is the scenario before a shortened horizon, to explain a KPI that only a
    longer run measures (an inspection after the end).
    """
    names = [s.name for s in kpi_specs(scenario)]
    longer = {s.name for s in kpi_specs(full)} if full is not None else set()
    for i, target in enumerate(targets):
        if target.kpi in names:
            continue
        key = target.key or f"targets.{i}.kpi"
        hint = difflib.get_close_matches(target.kpi, names, n=3, cutoff=0.6)
        if target.kpi in longer:
            message = (
                f"KPI {target.kpi!r} is not measured by a run ending on day "
                f"{scenario.end_day:g} (its inspection falls later; lengthen --days)"
            )
        elif hint:
            message = f"unknown KPI {target.kpi!r} (did you mean {', '.join(hint)}?)"
        else:
            message = f"unknown KPI {target.kpi!r} (expected one of: {', '.join(names)})"
        raise InputError(message, file=file, key=key)


def resolve_free(scenario: Scenario, free: Iterable[FreeRange]) -> list[FreeParameter]:
    """Check each free path names a numeric scenario value valid at both bounds."""
    free = list(free)
    if not free:
        raise InputError("no free parameters (give --free path=low:high, or free: in the file)")
    data = scenario_to_dict(scenario)
    out = []
    for r in free:
        try:
            current = get_path(data, r.path, source=r.file)
        except InputError as exc:
            detail = str(exc).removeprefix(f"{r.file}: {r.path}: ")
            raise InputError(
                f"not a parameter of scenario {scenario.name!r}: {detail}", file=r.file, key=r.key
            ) from None
        if isinstance(current, bool) or not isinstance(current, int | float):
            what = "a section" if isinstance(current, dict | list) else repr(current)
            raise InputError(
                f"expected a numeric parameter to fit, found {what}", file=r.file, key=r.key
            )
        lo, hi = r.low, r.high
        integer = isinstance(current, int)
        if integer:
            lo, hi = round(lo), round(hi)
            if not lo < hi:
                raise InputError(
                    f"an integer parameter needs whole bounds low < high, got {lo}:{hi}",
                    file=r.file,
                    key=r.key,
                )
        param = FreeParameter(r.path, lo, hi, integer)
        for end in (0.0, 1.0):
            value = param.value_at(end)
            try:
                with_changes(scenario, {r.path: value}, source="bound")
            except InputError as exc:
                detail = str(exc).removeprefix("bound: ")
                raise InputError(
                    f"the scenario rejects {value:g} ({detail})", file=r.file, key=r.key
                ) from None
        out.append(param)
    return out


def merge_free(
    from_file: Mapping[str, FreeRange], from_options: Iterable[str | FreeRange]
) -> dict[str, FreeRange]:
    """The targets file's ``free:`` extended (and overridden) by ``--free`` options."""
    merged = dict(from_file)
    for item in from_options:
        r = item if isinstance(item, FreeRange) else parse_free_option(item)
        merged[r.path] = r
    return merged
