"""Police cases waiting for their first officer, packed into bytes.

In an overloaded force most open cases wait for an officer, and such a case is nothing yet
but what was drawn when it opened. Each is kept as a :class:`Dormant`: a ``bytearray`` of
its queue key (:mod:`sim.model.queue_order`, 17 bytes) and those values (:data:`FIELDS`,
138 bytes), 216 bytes with the object, instead of a :class:`~sim.model.case.Case` and its
own float objects (about 630 bytes) and a queue entry (128). The allocation queue's heaps
hold it as its own entry; when an officer takes it,
:meth:`~sim.model.cases.CaseBook.wake` makes the ``Case`` from the same values (floats
round-trip through bytes exactly, so results do not change) and cuts the bytes back to
the key (:meth:`Dormant.taken`), which marks every queue entry of it as stale.

Days are simulated days; hours are officer hours.
"""

from __future__ import annotations

import struct
from typing import Any

import numpy as np

from sim.model.case import Case, case_of_values
from sim.model.enums import Stage
from sim.model.queue_order import KEY_SIZE, write_key

FIELDS = (
    # in the order sim.model.case.case_of_values reads them (the six a Case is made with,
    # then the rest it sets)
    ("id", "q"),
    ("category", "i"),
    ("true_risk", "i"),
    ("referral_day", "d"),
    ("triaged_risk", "i"),
    ("triage_day", "d"),
    ("complex", "?"),
    ("needs_warrant", "?"),
    ("at_large", "?"),
    ("seizes_devices", "?"),
    ("lapse_draw", "d"),
    ("review_draw", "d"),
    ("catch_draw", "d"),
    ("evidence_draw", "d"),
    ("force_grade_draw", "d"),
    ("safeguarding_hours", "d"),
    ("application_hours", "d"),
    ("investigation_hours", "d"),
    ("external_wait_days", "d"),
    ("waiting_since", "d"),
    ("safeguarding_day", "d"),
    ("custody_refused_bail", "?"),
    ("custody_in_cells", "?"),
    ("custody_cell_hours", "d"),
)
"""The packed fields, in order, with their ``struct`` codes (little-endian, no padding),
after the queue key."""
NAMES = tuple(name for name, _ in FIELDS)
_LAYOUT = struct.Struct("<" + "".join(code for _, code in FIELDS))
_SIZE = KEY_SIZE + _LAYOUT.size


def _offset(name: str) -> int:
    """Where field ``name`` starts in a packed case's bytes."""
    before = FIELDS[: NAMES.index(name)]
    return KEY_SIZE + struct.calcsize("<" + "".join(code for _, code in before))


DTYPE = np.dtype(
    {
        "names": NAMES,
        "formats": ["<" + code.replace("?", "b1") for _, code in FIELDS],
        "offsets": [_offset(name) for name in NAMES],
        "itemsize": _SIZE,
    }
)
"""The same layout as a numpy record (the key skipped), to read many packed cases at once."""


def _packed(name: str, settable: bool = False) -> property:
    """A property reading (and with ``settable`` writing) field ``name`` in the bytes."""
    at = _offset(name)
    one = struct.Struct("<" + dict(FIELDS)[name])

    def read(self: Dormant) -> Any:
        return one.unpack_from(self, at)[0]

    def write(self: Dormant, value: Any) -> None:
        one.pack_into(self, at, value)

    return property(read, write if settable else None, doc=f"The packed ``{name}``.")


class Dormant(bytearray):
    """A case waiting for its first officer, as packed bytes: its queue key, then its
    values; only the key once an officer has taken it. Reads the few attributes the
    allocation queue and the high-risk review need, like a ``Case``."""

    __slots__ = ()

    id = _packed("id")
    true_risk = _packed("true_risk")
    triaged_risk = _packed("triaged_risk", settable=True)
    referral_day = _packed("referral_day")
    waiting_since = _packed("waiting_since")
    safeguarding_day = _packed("safeguarding_day", settable=True)
    pending = ()  # no work chunks until an officer takes it

    @classmethod
    def of_values(cls, values: tuple) -> Dormant:
        """Pack the values of :data:`FIELDS`, in order (the key left zero until
        :meth:`file`)."""
        packed = cls(_SIZE)
        _LAYOUT.pack_into(packed, KEY_SIZE, *values)
        return packed

    def file(self, order: int) -> None:
        """Write its queue key: its triaged risk and referral day now, ``order``-th queued."""
        write_key(self, self.triaged_risk, self.referral_day, order)

    def values(self) -> dict[str, Any]:
        """The packed fields by name."""
        return dict(zip(NAMES, _LAYOUT.unpack_from(self, KEY_SIZE), strict=True))

    def as_case(self) -> Case:
        """A ``Case`` with these values, waiting for an officer (not registered anywhere)."""
        case = case_of_values(_LAYOUT.unpack_from(self, KEY_SIZE))
        case.stage = Stage.ALLOCATION
        return case

    def taken(self) -> None:
        """An officer has taken the case: keep only the key (the queue's heaps may still
        hold it, and compare by it), so every entry of it reads as stale."""
        del self[KEY_SIZE:]

    @property
    def is_open(self) -> bool:
        """Still waiting: no officer has taken it (its values are still there)."""
        return len(self) > KEY_SIZE

    @property
    def stage(self) -> Stage:
        return Stage.ALLOCATION if len(self) > KEY_SIZE else Stage.OFFICER


def dormant_columns(waiting: list[Dormant]) -> dict[str, np.ndarray]:
    """The packed fields of ``waiting`` as columns (numpy arrays), in their order."""
    records = np.frombuffer(b"".join(waiting), dtype=DTYPE) if waiting else np.zeros(0, DTYPE)
    return {name: records[name] for name in NAMES}
