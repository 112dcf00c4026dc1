"""Probability distributions a scenario can name for durations and amounts of work.

Each distribution is an immutable configuration object that knows its own mean and
variance (so validation tests can compare against theory) and draws variates from a
numpy ``Generator`` that is passed in. The unit is whatever the field holding the
distribution says (hours of work, days of delay).
"""

from __future__ import annotations

import math
from functools import cached_property
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_AMOUNT = 1e6
"""Largest mean or value a distribution may have, in its field's unit (hours or days):
a million days is over 2,700 years, a million hours over a century of one person's work."""
MIN_CV, MAX_CV = 1e-6, 100.0
"""Range of a coefficient of variation (std / mean) that can be sampled without overflow."""


StandardKind = tuple[str, float]
"""A standard variate: ``("normal"|"exponential"|"uniform", 0)`` or ``("gamma", shape)``."""

StandardMap = tuple[str, float, float]
"""How a draw follows from its standard variate ``z``, as ``(form, a, b)``:
``("scale", a, 0)`` is ``a * z``; ``("affine", a, b)`` is ``a + b * z``; ``("exp_affine",
a, b)`` is ``exp(a + b * z)``; ``("fixed", a, 0)`` is ``a`` whatever ``z``."""


def apply_standard_map(form: str, a: float, b: float, z: float) -> float:
    """The draw that the standard variate ``z`` gives under the map ``(form, a, b)``
    (:data:`StandardMap`). The model applies the same maps in its own compiled copy of
    this (``sim.model.blocks.Variate``); a test checks the two agree to the bit."""
    if form == "scale":
        return a * z
    if form == "affine":
        return a + b * z
    if form == "exp_affine":
        return math.exp(a + b * z)
    if form == "fixed":
        return a
    raise ValueError(f"unknown standard map {form!r}")


def draw_standard(rng: np.random.Generator, kind: StandardKind | None, size: int | None = None):
    """Standard variates of ``kind`` from ``rng``: one float (``size`` None) or an array."""
    if kind is None:
        return 0.0
    name, shape = kind
    if name == "normal":
        return rng.standard_normal(size)
    if name == "exponential":
        return rng.standard_exponential(size)
    if name == "uniform":
        return rng.random(size)
    return rng.standard_gamma(shape, size)


class _Dist(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    # named, not "*": a before-validator may not touch the discriminator ``kind``
    @field_validator("value", "mean_value", "cv", "low", "high", mode="before", check_fields=False)
    @classmethod
    def _no_boolean_numbers(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("expected a number, not true/false")
        return value

    @property
    def mean(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def variance(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def standard(self) -> StandardKind | None:
        """The standard variate a draw is a function of (``None``: no randomness)."""
        return None

    @property
    def standard_map(self) -> StandardMap:  # pragma: no cover - overridden
        """How a draw follows from its standard variate (:data:`StandardMap`)."""
        raise NotImplementedError

    def from_standard(self, z: float) -> float:
        """The draw that the standard variate ``z`` (of kind :attr:`standard`) gives."""
        return apply_standard_map(*self.standard_map, z)

    def sample(self, rng: np.random.Generator) -> float:
        """One draw; equal to ``from_standard`` of one standard variate drawn from ``rng``, so
        variates drawn in blocks (sim.model.blocks) give the same numbers."""
        return float(self.from_standard(draw_standard(rng, self.standard)))


class Fixed(_Dist):
    """Always ``value``."""

    kind: Literal["fixed"] = "fixed"
    value: float = Field(ge=0, le=MAX_AMOUNT)

    @property
    def mean(self) -> float:
        return self.value

    @property
    def variance(self) -> float:
        return 0.0

    @property
    def standard_map(self) -> StandardMap:
        return ("fixed", self.value, 0.0)


class _WithMean(_Dist):
    """A distribution given by its ``mean`` (read as ``mean_value`` in code)."""

    kind: str  # each kind narrows this to its name; declared here so it is listed first
    mean_value: float = Field(gt=0, le=MAX_AMOUNT, alias="mean")

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, allow_inf_nan=False
    )

    @property
    def mean(self) -> float:
        return self.mean_value


class Exponential(_WithMean):
    """Exponential with the given ``mean``."""

    kind: Literal["exponential"] = "exponential"

    @property
    def variance(self) -> float:
        return self.mean_value**2

    standard: ClassVar[StandardKind] = ("exponential", 0.0)

    @property
    def standard_map(self) -> StandardMap:
        return ("scale", self.mean_value, 0.0)


class _MeanCv(_WithMean):
    cv: float = Field(ge=MIN_CV, le=MAX_CV, description="coefficient of variation: std / mean")

    @property
    def variance(self) -> float:
        return (self.cv * self.mean_value) ** 2


class Lognormal(_MeanCv):
    """Lognormal with the given ``mean`` and coefficient of variation ``cv``."""

    kind: Literal["lognormal"] = "lognormal"

    standard: ClassVar[StandardKind] = ("normal", 0.0)

    @property
    def standard_map(self) -> StandardMap:
        mu, sigma = self._log_parameters
        return ("exp_affine", mu, sigma)

    @cached_property
    def _log_parameters(self) -> tuple[float, float]:
        """The mean and standard deviation of the variate's logarithm, computed once (the
        same arithmetic as at every draw before, so the same bits)."""
        sigma2 = math.log1p(self.cv**2)
        return math.log(self.mean_value) - sigma2 / 2, math.sqrt(sigma2)


class Gamma(_MeanCv):
    """Gamma with the given ``mean`` and coefficient of variation ``cv``."""

    kind: Literal["gamma"] = "gamma"

    @property
    def standard(self) -> StandardKind:
        return ("gamma", 1.0 / self.cv**2)

    @property
    def standard_map(self) -> StandardMap:
        shape = 1.0 / self.cv**2
        return ("scale", self.mean_value / shape, 0.0)


class Uniform(_Dist):
    """Uniform on [``low``, ``high``]."""

    kind: Literal["uniform"] = "uniform"
    low: float = Field(ge=0, le=MAX_AMOUNT)
    high: float = Field(ge=0, le=MAX_AMOUNT)

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError("high must be >= low")
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    @property
    def variance(self) -> float:
        return (self.high - self.low) ** 2 / 12

    standard: ClassVar[StandardKind] = ("uniform", 0.0)

    @property
    def standard_map(self) -> StandardMap:
        return ("affine", self.low, self.high - self.low)


Distribution = Annotated[
    Fixed | Exponential | Lognormal | Gamma | Uniform,
    Field(discriminator="kind"),
]
"""A duration or amount of work: ``{kind: exponential|fixed|lognormal|gamma|uniform, ...}``."""
