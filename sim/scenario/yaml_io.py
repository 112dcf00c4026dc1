"""Reading YAML files: one loader for scenarios, targets, sweep and levers files.

The loader is PyYAML's safe loader with numbers read as YAML 1.2 reads them: ``1e-3`` is a
number (YAML 1.1 wants ``1.0e-3``), and ``4:12`` stays the text "4:12" rather than the
base-60 number 252, so ranges such as ``7:12`` need no quotes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from sim.errors import InputError


class YamlLoader(yaml.SafeLoader):
    """Safe YAML with YAML 1.2 numbers (see the module docstring)."""

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        """A date such as ``2016-11-25``; an impossible one (``2016-02-30``) is an error
        naming its line, not a crash."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"not a calendar date {node.value!r} ({exc})", node.start_mark
            ) from None


YamlLoader.add_constructor("tag:yaml.org,2002:timestamp", YamlLoader.construct_yaml_timestamp)


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
        return yaml.load(text, Loader=YamlLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "YAML"
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(f"{where}: {problem}", file=source) from None


def read_yaml_document(path: Path) -> Any:
    """Parse the YAML file ``path`` (any document); :class:`InputError` naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", file=str(path)) from None
    return parse_yaml(text, source=str(path))


def read_yaml_mapping(path: Path, what: str = "scenario keys") -> dict[str, Any]:
    """Read a YAML mapping from ``path`` (an empty file is an empty mapping)."""
    data = read_yaml_document(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(f"expected a mapping of {what} at the top level", file=str(path))
    return data
