"""Police cases waiting for their first officer, packed into bytes.

In an overloaded force most open cases wait for an officer, and such a case is nothing yet
but what was drawn when it opened. Each is kept as a :class:`Dormant`: a ``bytearray`` of
those values (:data:`FIELDS`: 138 bytes of data, 211 with the object) instead of a
:class:`~sim.model.case.Case` and its own float objects (about 630 bytes). The allocation
queue holds it like a case; when an officer takes it,
:meth:`~sim.model.cases.CaseBook.wake` makes the ``Case`` from the same values (floats
round-trip through bytes exactly, so results do not change) and empties the bytes, which
marks every queue entry of it as stale.

Days are simulated days; hours are officer hours.
"""

from __future__ import annotations

import struct
from operator import attrgetter
from typing import Any

import numpy as np

from sim.model.case import Case
from sim.model.enums import Stage

FIELDS = (
    # the first fields of a Case, in its order (so they pass to it by position)
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
    # then fields set by name
    ("waiting_since", "d"),
    ("safeguarding_day", "d"),
    ("custody_refused_bail", "?"),
    ("custody_in_cells", "?"),
    ("custody_cell_hours", "d"),
)
"""The packed fields, in order, with their ``struct`` codes (little-endian, no padding)."""
NAMES = tuple(name for name, _ in FIELDS)
_BY_POSITION = NAMES.index("waiting_since")
_read = attrgetter(*NAMES)
_LAYOUT = struct.Struct("<" + "".join(code for _, code in FIELDS))
DTYPE = np.dtype([(name, "<" + code.replace("?", "b1")) for name, code in FIELDS])
"""The same layout as a numpy record, to read many packed cases at once."""
assert DTYPE.itemsize == _LAYOUT.size


def _field(name: str) -> tuple[struct.Struct, int]:
    offset = struct.calcsize("<" + "".join(code for n, code in FIELDS[: NAMES.index(name)]))
    return struct.Struct("<" + dict(FIELDS)[name]), offset


_TRIAGED, _TRIAGED_AT = _field("triaged_risk")
_REFERRAL, _REFERRAL_AT = _field("referral_day")
_WAITING, _WAITING_AT = _field("waiting_since")
_SAFEGUARDED, _SAFEGUARDED_AT = _field("safeguarding_day")
_ID, _ID_AT = _field("id")
_TRUE_RISK, _TRUE_RISK_AT = _field("true_risk")


class Dormant(bytearray):
    """A case waiting for its first officer, as packed bytes; empty once an officer has
    taken it. Reads the few attributes the allocation queue needs, like a ``Case``."""

    __slots__ = ()

    @classmethod
    def pack(cls, case: Case) -> Dormant:
        return cls(_LAYOUT.pack(*_read(case)))

    @classmethod
    def of_values(cls, values: tuple) -> Dormant:
        """Pack the values of :data:`FIELDS`, in order."""
        return cls(_LAYOUT.pack(*values))

    def values(self) -> dict[str, Any]:
        """The packed fields by name."""
        return dict(zip(NAMES, _LAYOUT.unpack(self), strict=True))

    def as_case(self) -> Case:
        """A ``Case`` with these values, waiting for an officer (not registered anywhere)."""
        case = case_of_values(_LAYOUT.unpack(self))
        case.stage = Stage.ALLOCATION
        return case

    @property
    def taken(self) -> bool:
        """An officer has taken the case (its values now live in a ``Case``)."""
        return not self

    @property
    def is_open(self) -> bool:
        return bool(self)

    @property
    def pending(self) -> tuple[()]:
        """No work chunks until an officer takes it."""
        return ()

    @property
    def stage(self) -> Stage:
        return Stage.OFFICER if not self else Stage.ALLOCATION

    @property
    def id(self) -> int:
        return _ID.unpack_from(self, _ID_AT)[0]

    @property
    def true_risk(self) -> int:
        return _TRUE_RISK.unpack_from(self, _TRUE_RISK_AT)[0]

    @property
    def triaged_risk(self) -> int:
        return _TRIAGED.unpack_from(self, _TRIAGED_AT)[0]

    @triaged_risk.setter
    def triaged_risk(self, risk: int) -> None:
        _TRIAGED.pack_into(self, _TRIAGED_AT, risk)

    @property
    def referral_day(self) -> float:
        return _REFERRAL.unpack_from(self, _REFERRAL_AT)[0]

    @property
    def waiting_since(self) -> float:
        return _WAITING.unpack_from(self, _WAITING_AT)[0]

    @property
    def safeguarding_day(self) -> float:
        return _SAFEGUARDED.unpack_from(self, _SAFEGUARDED_AT)[0]

    @safeguarding_day.setter
    def safeguarding_day(self, day: float) -> None:
        _SAFEGUARDED.pack_into(self, _SAFEGUARDED_AT, day)


def case_of_values(values: tuple) -> Case:
    """A ``Case`` (stage new) with the values of :data:`FIELDS`, in order."""
    case = Case(*values[:_BY_POSITION])
    (case.waiting_since, case.safeguarding_day, case.custody_refused_bail,
     case.custody_in_cells, case.custody_cell_hours) = values[_BY_POSITION:]  # fmt: skip
    return case


def dormant_columns(waiting: list[Dormant]) -> dict[str, np.ndarray]:
    """The packed fields of ``waiting`` as columns (numpy arrays), in their order."""
    records = np.frombuffer(b"".join(waiting), dtype=DTYPE) if waiting else np.zeros(0, DTYPE)
    return {name: records[name] for name in NAMES}
