"""A running sum of floats that does not depend on the order of the additions.

Detectives' busy days are added session by session from many officers; a plain ``+=``
rounds after each addition, so its last bits depend on the order the sessions end in.
:class:`ExactSum` keeps the sum exactly, as a few non-overlapping floats (Shewchuk's
algorithm, the one behind :func:`math.fsum`), and rounds once when read: the same
additions in any order give the same float.
"""

from __future__ import annotations

import math


class ExactSum:
    """The exact sum of the floats added, rounded once (to nearest) when read."""

    __slots__ = ("_partials",)

    def __init__(self) -> None:
        self._partials: list[float] = []

    def add(self, x: float) -> None:
        """Add the finite float ``x``."""
        partials = self._partials
        i = 0
        for y in partials:
            if abs(x) < abs(y):
                x, y = y, x
            high = x + y
            low = y - (high - x)
            if low:
                partials[i] = low
                i += 1
            x = high
        partials[i:] = [x]

    @property
    def value(self) -> float:
        return math.fsum(self._partials)
