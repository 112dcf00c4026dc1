"""Closed police cases as compact numeric columns, and the replication's case table.

A case is written here when it closes and graded, so a closed case leaves no Python object
behind once no inspection still to come can sample it (see
:meth:`sim.model.cases.CaseBook.prune`): about 110 bytes a case instead of about 1 KB.
At the end, the closed rows and the cases still open make the case table, one row per case
in the order the cases were opened (their ids). Days are simulated days.
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Callable

import numpy as np

from sim.model.case import Case
from sim.model.dormant import NAMES as DORMANT_NAMES
from sim.model.dormant import Dormant, dormant_columns
from sim.scenario.schema import GRADES, RULE_NAMES

INT_COLUMNS = ("id", "category", "true_risk", "triaged_risk")
DAY_COLUMNS = (
    "referral_day",
    "triage_day",
    "allocated_day",
    "safeguarding_day",
    "warrant_needed_day",
    "warrant_granted_day",
    "warrant_executed_day",
    "closed_day",
)
FLAG_COLUMNS = (
    "untrained_officer",
    "complex",
    "evidence_lost",
    "custody_refused_bail",
    "custody_in_cells",
    "serious_concern",
    "at_large",
)
TEXT_COLUMNS = ("grade", "force_grade", "rules_broken")
TABLE_COLUMNS = (
    *INT_COLUMNS,
    *DAY_COLUMNS,
    "untrained_officer",
    "complex",
    "evidence_lost",
    "harm_events",
    "custody_refused_bail",
    "custody_in_cells",
    "custody_cell_hours",
    *TEXT_COLUMNS[:2],
    "serious_concern",
    "rules_broken",
)
"""The case table's columns, in order (the case log's columns)."""
_INT_TYPES = {"id": np.int64, "category": np.int32, "true_risk": np.int32, "triaged_risk": np.int32}
_GRADE_CODES = {g: i for i, g in enumerate(("", *GRADES))}
_GRADE_NAMES = ("", *GRADES)
_RULE_BITS = {rule: 1 << i for i, rule in enumerate(RULE_NAMES)}
"""Each grading rule's bit in a closed case's code of broken rules."""
assert len(_RULE_BITS) <= 16  # the codes are kept as 16-bit numbers
_BLANK_CASE = Case(0, 0, 0, 0.0, 0, 0.0)
"""What a ``Case`` holds before anything sets it (nan days, false flags)."""


NUMERIC_COLUMNS = (*INT_COLUMNS, *DAY_COLUMNS, "custody_cell_hours", *FLAG_COLUMNS)
_CHUNK = 4096  # rows packed into one block before its columns are appended
_BLOCK_TYPE = np.dtype(
    [
        *((name, _INT_TYPES[name]) for name in INT_COLUMNS),
        *((name, np.float64) for name in (*DAY_COLUMNS, "custody_cell_hours")),
        *((name, np.bool_) for name in FLAG_COLUMNS),
        ("grade", np.int8),
        ("force_grade", np.int8),
    ]
)
"""A closed case's row in a block: each value in its own type (ids int64, indices int32,
days and hours float64, flags one byte, the two grades as one-byte codes): 101 bytes."""


def _struct_format(dtype: np.dtype) -> str:
    """The ``struct`` format of a row of ``dtype`` (little-endian, no padding), field by
    field: the row that :meth:`ClosedCases.add` packs is read back as ``dtype``."""
    codes = {("i", 8): "q", ("i", 4): "i", ("i", 1): "b", ("f", 8): "d", ("b", 1): "?"}
    return "<" + "".join(codes[dtype[n].kind, dtype[n].itemsize] for n in dtype.names or ())


_ROW = struct.Struct(_struct_format(_BLOCK_TYPE))
"""The row of :data:`_BLOCK_TYPE` packed by :meth:`ClosedCases.add`."""
assert _ROW.size == _BLOCK_TYPE.itemsize  # no padding on either side


class ClosedCases:
    """The columns of closed cases, in the order they closed.

    Each closed case is packed as a row of :data:`_BLOCK_TYPE` (its numeric fields and the
    two grades as codes) into a block of ``_CHUNK`` rows; when the block is full its fields'
    bytes are appended to one growing buffer per column, and the broken
    rules are kept as one code a case (a bit per rule of ``RULE_NAMES``), so a closed case
    costs about 103 bytes. At the end :meth:`table` moves the columns into the case table
    one at a time, freeing each column's buffer as its table column is made.

    The block and the buffers are made with the book, before the run, and no array or
    string is made and kept during it ("Small objects" in :mod:`sim.model.memory`); a row
    keeps no Python object of the case's. The chunk arrays of
    the layout before (about 500 in a 10-year baseline) pinned about one arena there (45
    arenas after the model was freed, against 44); the buffers themselves are large, so
    they come from the C allocator, mapped on their own
    (:func:`sim.model.memory.keep_large_blocks_mapped`).
    """

    def __init__(self) -> None:
        self._block = bytearray(_CHUNK * _ROW.size)
        self._in_block = 0  # rows packed in the block and not yet appended to the columns
        self._columns = {name: bytearray() for name in _BLOCK_TYPE.names or ()}
        self._rules = array("H")  # each case's broken rules as bits of RULE_NAMES
        self._n = 0
        self._moved = False

    def __len__(self) -> int:
        return self._n

    def add(self, case: Case) -> None:
        """Write a closed, graded case (its broken rules in the order of ``RULE_NAMES``)."""
        c, codes = case, _GRADE_CODES
        _ROW.pack_into(
            self._block, self._in_block * _ROW.size,
            # the fields of _BLOCK_TYPE, in its order (NUMERIC_COLUMNS, then the grades)
            c.id, c.category, c.true_risk, c.triaged_risk,
            c.referral_day, c.triage_day, c.allocated_day, c.safeguarding_day,
            c.warrant_needed_day, c.warrant_granted_day, c.warrant_executed_day,
            c.closed_day, c.custody_cell_hours,
            c.untrained_officer, c.complex, c.evidence_lost, c.custody_refused_bail,
            c.custody_in_cells, c.serious_concern, c.at_large,
            codes[c.grade], codes[c.force_grade],
        )  # fmt: skip
        self._in_block += 1
        code = 0
        for rule in case.rules_broken:
            code |= _RULE_BITS[rule]
        self._rules.append(code)
        self._n += 1
        if self._in_block == _CHUNK:
            self.pack()

    def pack(self) -> None:
        """Append the rows packed in the block to the columns (done when the block is full,
        and before the case table is made)."""
        if self._in_block:
            block = np.frombuffer(self._block, _BLOCK_TYPE, count=self._in_block)
            for name, column in self._columns.items():
                column += block[name].tobytes()  # the field's values, one after another
            del block  # the block's bytes are written again: no view of them may remain
            self._in_block = 0

    def _column(self, name: str) -> np.ndarray:
        """The closed cases' column ``name``, taken out of the book (its buffer goes with
        the array returned)."""
        return np.frombuffer(self._columns.pop(name), _BLOCK_TYPE[name])

    def _with_open(self, name: str, still_open: dict[str, np.ndarray], n_open: int) -> np.ndarray:
        """The closed cases' column ``name`` then the ``n_open`` open cases', in one array;
        the closed cases' column is freed and the open cases' column taken out of
        ``still_open`` (and filled out to ``n_open`` rows, see :func:`still_open_columns`)."""
        return np.concatenate([self._column(name), *_filled(name, still_open.pop(name), n_open)])

    def table(
        self, still_open: dict[str, np.ndarray], freed: Callable[[], object] = lambda: None
    ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """The case table of the closed cases and the cases still open (their
        :func:`open_columns`), ordered by id, without ``harm_events``; and the ``at_large``
        flags in the same order.

        The closed rows and the open cases' columns move into the table: each column's
        buffer is freed, and its column taken out of ``still_open``, once its table column
        is made, so no row is held twice; ``freed()`` is called after each column, to hand
        the memory back (:func:`sim.model.memory.release_memory`). Call it once, at the end.
        """
        if self._moved:
            raise RuntimeError("the closed cases were already moved into a case table")
        self._moved = True
        self.pack()
        self._block = bytearray()
        n_open = still_open["id"].size
        ids = np.concatenate([np.frombuffer(self._columns["id"], np.int64), still_open["id"]])
        order = np.argsort(ids, kind="stable")
        del ids
        cols: dict[str, np.ndarray] = {}
        for name in NUMERIC_COLUMNS:
            cols[name] = self._with_open(name, still_open, n_open)[order]
            freed()
        names = np.array(_GRADE_NAMES, dtype=object)
        for name in ("grade", "force_grade"):
            codes = self._column(name)
            texts = _filled(name, still_open.pop(name), n_open)
            cols[name] = np.concatenate([names[codes], *texts])[order]
        open_rules = _filled("rules_broken", still_open.pop("rules_broken"), n_open)
        rules = np.concatenate([_rule_texts(self._rules), *open_rules])
        self._rules = array("H")
        cols["rules_broken"] = rules[order]
        return cols, cols.pop("at_large")


def still_open_columns(cases: list[Case], waiting: list[Dormant]) -> dict[str, np.ndarray]:
    """:func:`open_columns` of the open ``cases`` followed by the packed ``waiting`` cases,
    for the columns a packed case holds (:data:`~sim.model.dormant.NAMES`); the others
    (days not reached yet, flags, texts) stop after ``cases``: the packed cases hold the
    ``Case`` defaults there (nan days, false flags, empty texts), which
    :meth:`ClosedCases.table` fills in once the model is freed (about 3 MB fewer at the
    end of a 10-year baseline, while the model is still held: the peak of its run).

    Each column is made at its full length first and the packed cases are unpacked into
    it ``_CHUNK`` at a time, so their bytes are never copied whole: with 39,518 cases
    waiting at the end of a 10-year baseline, this step peaked at 125.0 MB in one process
    instead of 130.2 MB when all their bytes were joined first.
    """
    objects = open_columns(cases)
    if not waiting:
        return objects
    n_objects, n = len(cases), len(cases) + len(waiting)
    cols = objects  # the columns packed cases do not hold stay the objects' own
    for name in NUMERIC_COLUMNS:
        if name in DORMANT_NAMES:
            column = np.empty(n, _BLOCK_TYPE[name])
            column[:n_objects] = objects[name]
            cols[name] = column
    for start in range(0, len(waiting), _CHUNK):
        packed = dormant_columns(waiting[start : start + _CHUNK])
        at = n_objects + start
        for name in NUMERIC_COLUMNS:
            if name in packed:
                cols[name][at : at + packed[name].size] = packed[name]
    return cols


def open_columns(cases: list[Case]) -> dict[str, np.ndarray]:
    """The case-table columns of ``cases`` (cases still open), in their order."""
    cols = {name: np.array([getattr(c, name) for c in cases], _BLOCK_TYPE[name])
            for name in NUMERIC_COLUMNS}  # fmt: skip
    for name in ("grade", "force_grade"):
        cols[name] = _objects([getattr(c, name) for c in cases])
    cols["rules_broken"] = _objects([";".join(c.rules_broken) for c in cases])
    return cols


def _rule_texts(codes: array) -> np.ndarray:
    """The broken rules of each code of :class:`ClosedCases` as text, the rules' names
    joined by ``;`` in the order of ``RULE_NAMES`` (one string per distinct code)."""
    found, which = np.unique(np.frombuffer(codes, np.uint16), return_inverse=True)
    texts = [";".join(r for r, bit in _RULE_BITS.items() if code & bit) for code in found]
    return _objects(texts)[which.reshape(-1)]


def _filled(name: str, column: np.ndarray, n: int) -> list[np.ndarray]:
    """Column ``name`` of the open cases as parts to concatenate: ``column``, then, up to
    ``n`` rows, what a packed case holds there (see :func:`still_open_columns`)."""
    if column.size == n:
        return [column]
    default = "" if name in TEXT_COLUMNS else getattr(_BLANK_CASE, name)
    return [column, np.full(n - column.size, default, dtype=column.dtype)]


def _objects(values: list[str]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out
