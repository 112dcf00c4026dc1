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

_KEY = struct.Struct(">BdQ")
"""Triaged risk, referral day (then mapped, see :func:`write_key`), order number."""
KEY_SIZE = _KEY.size
_DAY = slice(1, 9)  # where the day's 8 bytes are in a key
_ALL = (1 << 64) - 1


def write_key(entry: bytearray, risk: int, referral_day: float, order: int) -> None:
    """Write the queue key of a case at the start of ``entry``.

    The day is packed as a big-endian float64 and mapped so that its bytes compare as the
    numbers do: a day of zero or more gets its sign bit set, a negative day (a backlog
    case's) has every bit flipped, so that the more negative sorts first and every
    negative day before day 0. -0.0 is packed as 0.0, which it equals.
    """
    _KEY.pack_into(entry, 0, risk, referral_day + 0.0, order)  # + 0.0: -0.0 becomes 0.0
    if referral_day >= 0.0:
        entry[1] |= 0x80
    else:
        entry[_DAY] = (int.from_bytes(entry[_DAY], "big") ^ _ALL).to_bytes(8, "big")


class QueueEntry(bytearray):
    """An entry of the allocation queue that is not a packed case itself: its key, and the
    case it files in :attr:`case` (a ``Case`` or a packed case)."""

    __slots__ = ("case",)
    case: Any  # a Case or a packed case (Dormant)

    @classmethod
    def of(cls, case: Any, order: int) -> QueueEntry:
        """The entry of ``case`` at its triaged risk and referral day, ``order``-th queued."""
        entry = cls(KEY_SIZE)
        write_key(entry, case.triaged_risk, case.referral_day, order)
        entry.case = case
        return entry
