"""Reading YAML files: one loader for scenarios, targets, sweep and levers files.

The loader is PyYAML's safe loader with numbers read as YAML 1.2 reads them: ``1e-3`` is a
number (YAML 1.1 wants ``1.0e-3``), and ``4:12`` stays the text "4:12" rather than the
base-60 number 252, so ranges such as ``7:12`` need no quotes.

What no input may hold is refused here, naming the file and the line: a key given twice in
one mapping (YAML would silently keep the last), a number that is not finite (``.inf``,
``.nan``, or too large for a float), nesting deeper than :data:`MAX_DEPTH` levels (or a
value that contains itself through anchors) and more than :data:`MAX_VALUES` values once
aliases are expanded. Files are read with :func:`sim.scenario.textfile.read_text_file`.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml

from sim.errors import InputError
from sim.scenario.textfile import YAML_LIMIT_BYTES, read_text_file

MAX_DEPTH = 32
"""Deepest nesting of mappings and lists accepted in a YAML document, levels."""
MAX_VALUES = 1_000_000
"""Most values (aliases expanded) accepted in a YAML document."""


class YamlLoader(yaml.SafeLoader):
    """Safe YAML with YAML 1.2 numbers, finite floats and no repeated keys (module docstring)."""

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            _refuse_repeated_keys(self, node)
        return super().construct_mapping(node, deep=deep)


def _refuse_repeated_keys(loader: YamlLoader, node: yaml.MappingNode) -> None:
    first_line: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        try:
            seen = first_line.get(key)
        except TypeError:  # an unhashable key: the base loader reports it
            continue
        if seen is not None:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} given twice (first on line {seen})", key_node.start_mark
            )
        first_line[key] = key_node.start_mark.line + 1


def _finite_float(loader: YamlLoader, node: yaml.Node) -> float:
    value = loader.construct_yaml_float(node)
    if not math.isfinite(value):
        raise yaml.constructor.ConstructorError(
            None, None, f"expected a finite number, got {node.value!r}", node.start_mark
        )
    return value


def _with_line(construct):
    """``construct`` with a ValueError (a date such as 2014-13-45, an integer of more digits
    than Python converts) turned into a YAML error that carries the line."""

    def wrapped(loader: YamlLoader, node: yaml.Node) -> Any:
        try:
            return construct(loader, node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"unreadable value {node.value[:40]!r} ({exc})", node.start_mark
            ) from None

    return wrapped


YamlLoader.add_constructor("tag:yaml.org,2002:float", _with_line(_finite_float))
YamlLoader.add_constructor(
    "tag:yaml.org,2002:int", _with_line(yaml.constructor.SafeConstructor.construct_yaml_int)
)
YamlLoader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    _with_line(yaml.constructor.SafeConstructor.construct_yaml_timestamp),
)


YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith((":int", ":float"))]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+"
        r"|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def parse_yaml(text: str, *, source: str) -> Any:
    """Parse YAML text; errors name ``source`` and the line."""
    try:
        data = yaml.load(text, Loader=YamlLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "YAML"
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(f"{where}: {problem}", file=source) from None
    except RecursionError:
        raise InputError(f"nesting deeper than {MAX_DEPTH} levels", file=source) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise InputError(f"unreadable value ({exc})", file=source) from None
    _check_shape(data, source=source)
    return data


def _check_shape(data: Any, *, source: str) -> None:
    """Nesting at most :data:`MAX_DEPTH` deep and at most :data:`MAX_VALUES` values (an
    anchor that contains itself nests without end, an alias bomb has too many values)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    seen = 0
    while stack:
        value, depth = stack.pop()
        seen += 1
        if seen > MAX_VALUES:
            raise InputError(f"more than {MAX_VALUES:,} values (aliases expanded)", file=source)
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise InputError(
                f"nesting deeper than {MAX_DEPTH} levels (or a value that contains itself)",
                file=source,
            )
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children)


def read_yaml_document(path: Path) -> Any:
    """Parse the YAML file ``path`` (any document); :class:`InputError` naming the file."""
    text = read_text_file(path, limit_bytes=YAML_LIMIT_BYTES)
    return parse_yaml(text, source=str(path))


def read_yaml_mapping(path: Path, what: str = "scenario keys") -> dict[str, Any]:
    """Read a YAML mapping from ``path`` (an empty file is an empty mapping)."""
    data = read_yaml_document(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(f"expected a mapping of {what} at the top level", file=str(path))
    return data
