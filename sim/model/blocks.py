"""Variates drawn in blocks from a named stream, giving exactly the scalar draws' numbers.

A numpy ``Generator`` fills an array of standard variates by calling the same routine once
per element, so ``rng.standard_normal(n)`` yields the numbers ``n`` calls of
``rng.standard_normal()`` would, and a scenario distribution's scalar draw is an exact
function of one standard variate (each distribution's ``standard`` kind and
``standard_map``, in sim.scenario.distributions, which its own ``sample`` uses too).
Drawing a block once and handing the numbers out one by one is therefore bit-identical to
drawing them one at a time, and much cheaper per variate.

A block holds one kind of standard variate. When a stream is asked for another kind, the
generator is put back where scalar draws would have left it (its state at the block's
start, then the used part of the block drawn again) and a block of the new kind begins; a
stream that switches kinds often (several distributions of different kinds drawn in turn)
falls back to scalar draws for good. Every draw from a stream must go through its
:class:`BlockStream` once it has one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from sim.scenario.distributions import draw_standard

BLOCK = 256
"""Variates per block (a block of 256 doubles is 2 KB)."""
_MAX_SWITCHES = 8
"""Kind switches after which a stream gives up blocks and draws one variate at a time."""

_Kind = tuple[str, float]  # (routine, shape parameter or 0)


class BlockStream:
    """One named stream handing out standard variates from blocks."""

    __slots__ = ("rng", "_kind", "_values", "_next", "_state", "_switches", "blocked")

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._kind: _Kind | None = None
        self._values: list[float] = []
        self._next = 0
        self._state: Mapping[str, Any] | None = None
        self._switches = 0
        self.blocked = True

    def standard(self, kind: _Kind) -> float:
        """The next standard variate of ``kind``: ``("normal", 0)``, ``("exponential", 0)``,
        ``("uniform", 0)`` or ``("gamma", shape)``."""
        if kind != self._kind:
            self._switch(kind)
        if not self.blocked:
            return draw_standard(self.rng, kind, None)
        i = self._next
        if i == len(self._values):
            self._state = self.rng.bit_generator.state
            self._values = draw_standard(self.rng, kind, BLOCK).tolist()
            i = 0
        self._next = i + 1
        return self._values[i]

    def sync(self) -> np.random.Generator:
        """Put the generator where scalar draws would be (unused block numbers undrawn) and
        return it, for a draw that does not go through :meth:`standard`."""
        if self._kind is not None and self._next < len(self._values):
            assert self._state is not None  # set with the block in hand
            self.rng.bit_generator.state = self._state
            if self._next:
                draw_standard(self.rng, self._kind, self._next)
        self._kind, self._values, self._next = None, [], 0
        return self.rng

    def _switch(self, kind: _Kind) -> None:
        if self._kind is not None:
            self._switches += 1
            if self._switches > _MAX_SWITCHES:
                self.blocked = False
        self.sync()
        self._kind = kind


_SCALE, _AFFINE, _EXP_AFFINE, _FIXED = 0, 1, 2, 3
_FORMS = {"scale": _SCALE, "affine": _AFFINE, "exp_affine": _EXP_AFFINE, "fixed": _FIXED}


class Variate:
    """A scenario distribution's standard kind and its map from a standard variate
    (:data:`~sim.scenario.distributions.StandardMap`), read once: a read of a scenario
    object's attribute costs more than one of this class's, and the map is applied here, in
    compiled code, instead of by the distribution's interpreted ``from_standard``. Unit: the
    distribution's (hours or days)."""

    __slots__ = ("standard", "form", "a", "b")

    def __init__(self, dist: Any) -> None:
        self.standard: _Kind | None = dist.standard
        form, a, b = dist.standard_map
        self.form: int = _FORMS[form]
        self.a: float = a
        self.b: float = b

    def from_standard(self, z: float) -> float:
        """The draw the standard variate ``z`` gives: the same arithmetic as
        :func:`~sim.scenario.distributions.apply_standard_map`, so the same bits."""
        form = self.form
        if form == _SCALE:
            return self.a * z
        if form == _AFFINE:
            return self.a + self.b * z
        if form == _EXP_AFFINE:
            return math.exp(self.a + self.b * z)
        return self.a


def sample_variate(variate: Variate, stream: BlockStream) -> float:
    """A draw of the scenario distribution that ``variate`` was read from, equal to
    ``dist.sample(stream.rng)`` had every draw of the stream been scalar. Unit: the
    distribution's (hours or days)."""
    kind = variate.standard
    if kind is None:
        return variate.from_standard(0.0)
    # the common case of BlockStream.standard without the call (0.990 of a short baseline
    # replication's instructions): the block in hand is of this very kind and has numbers
    # left. A stream that gave up blocks holds none (``_values`` is empty), so it never
    # comes here; any other case goes through ``standard``.
    i = stream._next
    if kind is stream._kind and i < len(stream._values):
        stream._next = i + 1
        return variate.from_standard(stream._values[i])
    return variate.from_standard(stream.standard(kind))


class UniformBlocks:
    """Uniforms on [0, 1) handed out ``k`` at a time from blocks of one stream; the same
    numbers as ``rng.random(k)`` called repeatedly."""

    __slots__ = ("rng", "_values", "_next", "_size")

    def __init__(self, rng: np.random.Generator, per_block: int = BLOCK) -> None:
        self.rng = rng
        self._values: list[float] = []
        self._next = 0
        self._size = per_block

    def take(self, k: int) -> list[float]:
        """The next ``k`` uniforms (``k`` the same at every call)."""
        i = self._next
        if i + k > len(self._values):
            self._values = self.rng.random(self._size * k).tolist()
            i = 0
        self._next = i + k
        return self._values[i : i + k]
