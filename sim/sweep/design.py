"""What a sweep varies and where it samples: parameters and point designs.

A parameter is a scenario key path with a numeric range (``lo:hi[:step]``) or an explicit
list of values (``a,b,c``, read as YAML scalars). A parameter whose value in the scenario is
an integer stays an integer: levels are rounded and duplicates dropped, and sampled values
are drawn uniformly over the whole numbers in ``[lo, hi]``.

Designs (each returns a list of :class:`DesignPoint`):

- ``grid``: the full factorial of every parameter's levels;
- ``oat``: one at a time around the scenario's own values (the base point, then each
  parameter at each of its levels with the others at base): the data of a tornado chart;
- ``lhs``: a Latin hypercube of ``samples`` points (``scipy.stats.qmc``);
- ``sobol``: Saltelli's design for Sobol indices: matrices A and B of ``samples`` rows from
  a scrambled Sobol sequence in 2k dimensions, and for each parameter i the matrix AB_i (A
  with column i taken from B), ``samples × (k + 2)`` points in all.

Sampled designs are seeded from the run seed, so the same sweep gives the same points.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.errors import InputError
from sim.scenario.keypaths import (
    NumericRange,
    get_path,
    parse_range,
    parse_scalar,
    split_assignment,
)

METHODS = ("grid", "oat", "lhs", "sobol")
MAX_POINTS = 100_000
# run settings the sweep itself owns, or that would change what the KPIs mean
FORBIDDEN_PREFIXES = ("run.seed", "run.replications", "run.case_log", "name", "description")
# a label mixed into the run seed so the design draws differ from every replication stream
_DESIGN_STREAM = 0x5EED_DE51


@dataclass(frozen=True)
class Parameter:
    """One varied scenario value.

    ``kind`` is ``"int"`` or ``"float"`` for a range ``[low, high]`` (``step`` optional), or
    ``"values"`` for an explicit list of values.
    """

    path: str
    kind: str
    base: Any
    low: float | int | None = None
    high: float | int | None = None
    step: float | int | None = None
    values: tuple[Any, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "kind": self.kind, "base": self.base}
        if self.kind == "values":
            data["values"] = list(self.values)
        else:
            data.update(low=self.low, high=self.high, step=self.step)
        return data

    def levels(self, count: int | None = None) -> list[Any]:
        """Grid levels: the listed values, or ``low`` to ``high`` by ``step`` or in ``count``."""
        if self.kind == "values":
            return list(self.values)
        assert self.low is not None and self.high is not None
        if self.step is not None:
            n = math.floor((self.high - self.low) / self.step + 1e-9)
            raw = [self.low + i * self.step for i in range(n + 1)]
        elif count is not None:
            raw = list(np.linspace(self.low, self.high, count)) if count > 1 else [self.low]
        else:
            raw = [self.low, self.high]
        return _dedupe([self._tidy(v) for v in raw])

    def from_unit(self, u: np.ndarray) -> list[Any]:
        """Map draws in [0, 1) to values: uniform over the range, or over the levels."""
        if self.kind == "values" or self.step is not None:
            levels = self.levels()
            idx = np.minimum((u * len(levels)).astype(int), len(levels) - 1)
            return [levels[i] for i in idx]
        assert self.low is not None and self.high is not None
        if self.kind == "int":
            width = self.high - self.low + 1
            return [int(min(self.low + math.floor(x * width), self.high)) for x in u]
        return [float(self.low + x * (self.high - self.low)) for x in u]

    def _tidy(self, value: float) -> Any:
        if self.kind == "int":
            return int(round(value))
        return float(f"{float(value):.12g}")  # 0.30000000000000004 → 0.3


@dataclass(frozen=True)
class DesignPoint:
    """A point of a design: a value for every parameter, and its place in the design.

    ``block`` is ``"design"`` (grid, lhs), ``"base"``/``"low"``/``"mid"``/``"high"``/
    ``"value"`` (oat) or ``"A"``/``"B"``/``"AB"`` (sobol); ``row`` is the Sobol row;
    ``varied`` the parameter an oat or AB point moves.
    """

    values: dict[str, Any]
    block: str
    row: int | None = None
    varied: str | None = None


def _dedupe(values: Sequence[Any]) -> list[Any]:
    out: list[Any] = []
    for v in values:
        if not any(type(v) is type(w) and v == w for w in out):
            out.append(v)
    return out


def parse_vary(text: str, *, source: str = "--vary") -> tuple[str, str]:
    """Split ``path=spec`` (a ``--vary`` option) into the key path and the spec."""
    path, spec = split_assignment(text, option=source, expected="path=lo:hi[:step] or path=a,b,c")
    if not spec:
        raise InputError(
            f"expected path=lo:hi[:step] or path=a,b,c, got {text!r}", file=source, key="--vary"
        )
    return path, spec


def _spec_parts(spec: Any, *, source: str, path: str) -> tuple[NumericRange | None, list[Any]]:
    """``(range, [])`` or ``(None, values)`` from any accepted spec form.

    Values: ``"a,b,c"``, a list, or ``{values: [...]}``; anything else is a range.
    """
    if isinstance(spec, str) and "," in spec:
        return None, [parse_scalar(v) for v in spec.split(",")]
    if isinstance(spec, Mapping) and set(spec) == {"values"}:
        return None, list(spec["values"])
    if isinstance(spec, list):
        return None, list(spec)
    if isinstance(spec, str) and ":" not in spec:
        raise InputError(
            f"expected 'lo:hi[:step]', {{low, high, step}} or a list of two or more values, "
            f"got {spec!r}",
            file=source,
            key=path,
        )
    return parse_range(spec, source=source, key=path), []


def make_parameter(data: Mapping[str, Any], path: str, spec: Any, *, source: str) -> Parameter:
    """Check ``path`` against the resolved scenario ``data`` and read its ``spec``."""
    if path.startswith(FORBIDDEN_PREFIXES):
        raise InputError(
            "cannot vary this setting (use --seed/--reps for the run settings)",
            file=source,
            key=path,
        )
    base = get_path(data, path, source=source)
    if isinstance(base, dict | list):
        raise InputError(
            "expected the path of a single value, not a section", file=source, key=path
        )
    bounds, values = _spec_parts(spec, source=source, path=path)
    if bounds is None:
        if isinstance(base, float):  # 10 listed for a float parameter means 10.0
            values = [float(v) if type(v) is int else v for v in values]
        values = _dedupe(values)
        if len(values) < 2:
            raise InputError("expected two or more different values", file=source, key=path)
        return Parameter(path, "values", base, values=tuple(values))
    if isinstance(base, bool) or not (base is None or isinstance(base, int | float)):
        raise InputError(
            f"a range needs a numeric parameter (this one is {base!r}); list the values: a,b,c",
            file=source,
            key=path,
        )
    low, high, step = bounds.low, bounds.high, bounds.step
    is_int = isinstance(base, int) or (base is None and bounds.integral)
    whole = all(float(v).is_integer() for v in (low, high, step) if v is not None)
    if is_int and not whole:
        raise InputError(
            "an integer parameter needs whole-number lo, hi and step", file=source, key=path
        )
    if is_int:
        low, high = int(low), int(high)
        step = int(step) if step is not None else None
        return Parameter(path, "int", base, low, high, step)
    return Parameter(path, "float", base, float(low), float(high), step)


def _design_rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, _DESIGN_STREAM]))


def _unit_sample(kind: str, d: int, n: int, seed: int) -> np.ndarray:
    from scipy.stats import qmc  # here: scipy.stats is slow to import

    engine_cls = qmc.LatinHypercube if kind == "lhs" else qmc.Sobol
    try:
        engine = engine_cls(d=d, rng=_design_rng(seed))
    except TypeError:  # scipy < 1.15 calls it seed
        engine = engine_cls(d=d, seed=_design_rng(seed))
    with warnings.catch_warnings():
        # Sobol balance is best for powers of two, but any n is a valid sample
        warnings.simplefilter("ignore", UserWarning)
        return engine.random(n)


def _from_unit(params: Sequence[Parameter], u: np.ndarray) -> list[dict[str, Any]]:
    columns = [p.from_unit(u[:, j]) for j, p in enumerate(params)]
    return [{p.path: columns[j][i] for j, p in enumerate(params)} for i in range(u.shape[0])]


def grid_design(params: Sequence[Parameter], levels: int | None) -> list[DesignPoint]:
    for p in params:
        if p.kind != "values" and p.step is None and levels is None:
            raise InputError(
                "a grid needs a step (path=lo:hi:step) or --levels K", file="--vary", key=p.path
            )
    axes = [p.levels(levels) for p in params]
    _check_size(math.prod(len(a) for a in axes))
    return [
        DesignPoint(dict(zip([p.path for p in params], combo, strict=True)), "design", i)
        for i, combo in enumerate(itertools.product(*axes))
    ]


def oat_design(params: Sequence[Parameter], levels: int | None) -> list[DesignPoint]:
    base = {p.path: p.base for p in params}
    points = [DesignPoint(dict(base), "base")]
    for p in params:
        lv = p.levels(levels)
        for value in lv:
            if p.kind == "values":
                block = "value"
            else:
                block = "low" if value == lv[0] else "high" if value == lv[-1] else "mid"
            points.append(DesignPoint({**base, p.path: value}, block, varied=p.path))
    return points


def lhs_design(params: Sequence[Parameter], samples: int, seed: int) -> list[DesignPoint]:
    _check_size(samples)
    u = _unit_sample("lhs", len(params), samples, seed)
    return [DesignPoint(v, "design", i) for i, v in enumerate(_from_unit(params, u))]


def sobol_design(params: Sequence[Parameter], samples: int, seed: int) -> list[DesignPoint]:
    """A, B, then AB_1 … AB_k, each ``samples`` rows (Saltelli's design)."""
    k = len(params)
    _check_size(samples * (k + 2))
    u = _unit_sample("sobol", 2 * k, samples, seed)
    a, b = u[:, :k], u[:, k:]
    points = [DesignPoint(v, "A", j) for j, v in enumerate(_from_unit(params, a))]
    points += [DesignPoint(v, "B", j) for j, v in enumerate(_from_unit(params, b))]
    for i, p in enumerate(params):
        ab = a.copy()
        ab[:, i] = b[:, i]
        points += [
            DesignPoint(v, "AB", j, varied=p.path) for j, v in enumerate(_from_unit(params, ab))
        ]
    return points


def _check_size(n: int) -> None:
    if n > MAX_POINTS:
        raise InputError(f"the design has {n:,} points; at most {MAX_POINTS:,} are allowed")


def make_design(
    method: str,
    params: Sequence[Parameter],
    *,
    samples: int | None = None,
    levels: int | None = None,
    seed: int = 0,
) -> list[DesignPoint]:
    """The points of ``method`` over ``params`` (see the module docstring)."""
    if method not in METHODS:
        raise InputError(f"expected one of {', '.join(METHODS)}, got {method!r}", key="method")
    if not params:
        raise InputError(
            "nothing to vary: give at least one --vary path=lo:hi or path=a,b,c", key="--vary"
        )
    if levels is not None and levels < 2:
        raise InputError(f"expected --levels of 2 or more, got {levels}", key="levels")
    if method in ("lhs", "sobol"):
        if samples is None or samples < 2:
            raise InputError(f"{method} needs --samples N (2 or more)", key="samples")
        if method == "lhs":
            return lhs_design(params, samples, seed)
        return sobol_design(params, samples, seed)
    if method == "grid":
        return grid_design(params, levels)
    return oat_design(params, levels)
