"""The allocation queue's order written as bytes, so a packed waiting case is its own entry.

Cases wait highest triaged risk first, then the oldest referral, then the first queued.
That order is a key of :data:`KEY_SIZE` bytes that compares as bytes in the same order:
the triaged risk when queued (one byte), the referral day (days) as the bits of its
float64 mapped so that unsigned order is numeric order, and the queue's order number (both
8 bytes, big-endian). Order numbers are unique, so two keys never tie and a comparison
never reads past the key.

A packed waiting case (:class:`~sim.model.dormant.Dormant`) starts with its key, so the
queue's heaps hold it directly: no tuple, referral-day float and order number of its own
(128 bytes a case). Any other entry (a ``Case`` handed back, a case re-queued at a higher
risk) is a :class:`QueueEntry`: a key and the case it files.
"""

from __future__ import annotations

import struct
from typing import Any

KEY = struct.Struct(">BQQ")
"""Triaged risk, ordered referral-day bits, order number."""
KEY_SIZE = KEY.size
_DOUBLE = struct.Struct("<d")
_SIGN = 1 << 63
_ALL = (1 << 64) - 1


def day_bits(day: float) -> int:
    """The bits of ``day`` as an unsigned number in the order of the days (finite days;
    -0.0 counts as 0.0, as it compares)."""
    bits = int.from_bytes(_DOUBLE.pack(day + 0.0), "little")  # + 0.0: -0.0 becomes 0.0
    return bits ^ _ALL if bits & _SIGN else bits | _SIGN


_POSITIVE = struct.Struct(">BdQ")  # a positive day's bits are its big-endian float64's


def write_key(entry: bytearray, risk: int, referral_day: float, order: int) -> None:
    """Write the queue key of a case at the start of ``entry``."""
    if referral_day > 0.0:  # every referral after day 0: no bits to map
        _POSITIVE.pack_into(entry, 0, risk, referral_day, order)
        entry[1] |= 0x80  # the sign bit, set as day_bits sets it for a positive day
    else:
        KEY.pack_into(entry, 0, risk, day_bits(referral_day), order)


class QueueEntry(bytearray):
    """An entry of the allocation queue that is not a packed case itself: its key, and the
    case it files in :attr:`case` (a ``Case`` or a packed case)."""

    __slots__ = ("case",)

    @classmethod
    def of(cls, case: Any, order: int) -> QueueEntry:
        """The entry of ``case`` at its triaged risk and referral day, ``order``-th queued."""
        entry = cls(KEY_SIZE)
        write_key(entry, case.triaged_risk, case.referral_day, order)
        entry.case = case
        return entry
