"""The base of every scenario object: immutable, unknown keys rejected, numbers real.

A number is finite (``.inf`` and ``.nan`` are refused) and never a boolean: YAML reads
``true`` as a boolean, which pydantic would otherwise take as the number 1.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator


class Frozen(BaseModel):
    """Base for every scenario object: immutable, unknown keys rejected, numbers finite and
    never booleans."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, allow_inf_nan=False
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_boolean_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if field is not None and bool_as_number(value, field.annotation):
            raise ValueError("expected a number, not true/false")
        return value


def _leaves(annotation: Any) -> set[Any]:
    """The types a (possibly union) annotation admits at its top level."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return set().union(*(_leaves(a) for a in typing.get_args(annotation)))
    return {annotation}


def bool_as_number(value: Any, annotation: Any) -> bool:
    """Whether ``value`` holds a boolean where ``annotation`` wants a number (and does not
    admit a boolean), looking into mappings and lists of numbers."""
    leaves = _leaves(annotation)
    if isinstance(value, bool):
        return bool(leaves & {int, float}) and bool not in leaves
    for leaf in leaves:
        origin, args = typing.get_origin(leaf), typing.get_args(leaf)
        if origin is dict and isinstance(value, dict) and len(args) == 2:
            return any(bool_as_number(v, args[1]) for v in value.values())
        if origin is list and isinstance(value, list) and len(args) == 1:
            return any(bool_as_number(v, args[0]) for v in value)
    return False
