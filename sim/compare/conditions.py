"""Conditions on a KPI (``followup_12m_substandard_rate<0.5``): parsing and testing them."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.errors import InputError

_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}
_TARGET_RE = re.compile(
    r"^\s*([A-Za-z_][A-Za-z0-9_]*(?:@[A-Za-z0-9_]+)?)\s*(<=|>=|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$"
)


@dataclass(frozen=True)
class Condition:
    """A condition on one KPI in one replication, such as ``inspection_substandard_rate<0.5``.

    A comparison reports, per scenario, the share of replications meeting it (the chance
    that an inspection at that point finds it so); a search looks for the cheapest package
    that meets it with a stated probability.
    """

    kpi: str
    operator: str
    threshold: float

    @property
    def text(self) -> str:
        return f"{self.kpi}{self.operator}{self.threshold:g}"

    def met(self, values: np.ndarray) -> np.ndarray:
        return _OPERATORS[self.operator](values, self.threshold)


def parse_condition(text: str | Condition) -> Condition:
    """``"kpi<value"`` (operators ``<``, ``<=``, ``>``, ``>=``) → :class:`Target`."""
    if isinstance(text, Condition):
        return text
    match = _TARGET_RE.match(str(text))
    if match is None:
        raise InputError(
            f"{text!r}: expected KPI, an operator (< <= > >=) and a number, "
            "e.g. inspection_substandard_rate<0.5",
            key="--target",
        )
    kpi, op, value = match.groups()
    return Condition(kpi, op, float(value))
