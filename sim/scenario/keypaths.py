"""Key paths into a scenario (``officers.trained.count``) and the text forms that use them.

One walker reads and writes the value at a dotted path of nested mappings and lists; one
parser reads each form a user types: ``path=value`` (``--set``, ``--vary``, ``--free``), a
value read as a YAML scalar, and a numeric range ``lo:hi`` or ``lo:hi:step`` (also given as
``[lo, hi]``, ``(lo, hi, step)`` or ``{low, high, step}``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.errors import InputError
from sim.scenario.yaml_io import parse_yaml


def _step_into(node: Any, part: str, parts: list[str], i: int, *, source: str, path: str) -> Any:
    if isinstance(node, list):
        if not part.isdigit() or int(part) >= len(node):
            raise InputError(
                f"no such list index {part!r} (the list has {len(node)} items)",
                file=source,
                key=path,
            )
        return node[int(part)]
    if isinstance(node, dict):
        if part not in node:
            where = ".".join(parts[:i]) or "the top level"
            choices = ", ".join(sorted(map(str, node))) if len(node) <= 20 else "see `sim schema`"
            raise InputError(
                f"no key {part!r} in {where} (expected one of: {choices})", file=source, key=path
            )
        return node[part]
    raise InputError(
        f"{'.'.join(parts[:i])} is a single value, not a section", file=source, key=path
    )


def get_path(data: Any, path: str, *, source: str = "scenario") -> Any:
    """The value at dotted ``path`` in nested dicts/lists; :class:`InputError` if absent."""
    parts = path.split(".")
    node = data
    for i, part in enumerate(parts):
        node = _step_into(node, part, parts, i, source=source, path=path)
    return node


def set_path(data: Any, path: str, value: Any, *, source: str = "--set") -> None:
    """Replace the value at dotted ``path``, which must exist (see :func:`get_path`)."""
    parts = path.split(".")
    get_path(data, path, source=source)  # the whole path must exist: errors name it
    parent = get_path(data, ".".join(parts[:-1]), source=source) if len(parts) > 1 else data
    if isinstance(parent, list):
        parent[int(parts[-1])] = value
    else:
        parent[parts[-1]] = value


def split_assignment(
    text: str, *, option: str, expected: str = "key.path=value"
) -> tuple[str, str]:
    """``path=text`` → ``(path, text)``, both stripped; both must be present."""
    path, sep, raw = str(text).partition("=")
    path, raw = path.strip(), raw.strip()
    if not sep or not path:
        raise InputError(f"expected {expected}, got {text!r}", key=option)
    return path, raw


def parse_scalar(raw: str) -> Any:
    """A typed value as YAML reads it (``3``, ``0.5``, ``true``, ``null``); text otherwise."""
    if not raw.strip():
        return ""
    try:
        value = parse_yaml(raw, source="value")
    except InputError:
        return raw
    return value if not isinstance(value, dict | list) else raw


def parse_assignment(text: str, *, option: str = "--set") -> tuple[str, Any]:
    """``key.path=value`` with the value read as a YAML scalar."""
    path, raw = split_assignment(text, option=option)
    return path, parse_scalar(raw)


@dataclass(frozen=True)
class NumericRange:
    """``low`` to ``high`` (``low < high``), with an optional ``step > 0``."""

    low: int | float
    high: int | float
    step: int | float | None = None

    @property
    def integral(self) -> bool:
        """Every bound is written as a whole number of type int."""
        return all(isinstance(v, int) for v in (self.low, self.high, self.step) if v is not None)


def _finite_number(value: Any, *, source: str, key: str) -> int | float:
    if isinstance(value, str):
        value = parse_scalar(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"expected a finite number, got {value!r}", file=source, key=key)
    return value


def parse_range(spec: Any, *, source: str, key: str, allow_step: bool = True) -> NumericRange:
    """A numeric range from ``"lo:hi[:step]"``, ``[lo, hi(, step)]`` or ``{low, high, step}``."""
    forms = "'lo:hi:step', [lo, hi, step] or {low, high, step}" if allow_step else "'lo:hi'"
    if isinstance(spec, str):
        parts: list[Any] = spec.split(":")
    elif isinstance(spec, list | tuple):
        parts = list(spec)
    elif isinstance(spec, Mapping) and {"low", "high"} <= set(spec) <= {"low", "high", "step"}:
        parts = [spec["low"], spec["high"]]
        if spec.get("step") is not None:
            parts.append(spec["step"])
    else:
        raise InputError(f"expected a range {forms}, got {spec!r}", file=source, key=key)
    if len(parts) not in ((2, 3) if allow_step else (2,)):
        raise InputError(f"expected a range {forms}, got {spec!r}", file=source, key=key)
    numbers = [_finite_number(p, source=source, key=key) for p in parts]
    low, high = numbers[0], numbers[1]
    step = numbers[2] if len(numbers) == 3 else None
    if not low < high:
        raise InputError(f"expected low < high, got {low:g}:{high:g}", file=source, key=key)
    if step is not None and step <= 0:
        raise InputError(f"expected a step > 0, got {step:g}", file=source, key=key)
    return NumericRange(low, high, step)
