"""Small-number suppression: counts under a threshold (and shares computed from them) are
hidden, so a report built on a force's real caseload cannot identify a handful of children.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Suppression:
    """Hide counts under ``below`` (cases or referrals); ``0`` hides nothing."""

    below: int = 0

    @property
    def active(self) -> bool:
        return self.below > 0

    def hides_count(self, count: float | None) -> bool:
        """A count is hidden when it is positive and under the threshold."""
        if not self.active or count is None or not math.isfinite(count):
            return False
        return 0 < count < self.below

    def hides_share(self, share: float | None, base: float | None) -> bool:
        """A share of ``base`` cases is hidden when the count it stands for is hidden, or
        when ``base`` itself is."""
        if not self.active or share is None or base is None:
            return False
        if not (math.isfinite(share) and math.isfinite(base)):
            return False
        return self.hides_count(share * base) or self.hides_count(base)

    def mask_counts(self, values: np.ndarray) -> np.ndarray:
        """A copy of a series of counts with hidden values replaced by ``nan`` (not drawn)."""
        out = np.array(values, dtype=float)
        if self.active:
            out[(out > 0) & (out < self.below)] = np.nan
        return out

    def text(self) -> str:
        return f"under {self.below} (suppressed)"

    def note(self) -> str:
        """The sentence the report prints when suppression is on."""
        if not self.active:
            return ""
        return (
            f"Counts under {self.below}, and shares computed from them, are suppressed "
            "in tables and figures."
        )
