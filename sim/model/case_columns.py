"""Closed police cases as compact numeric columns, and the replication's case table.

A case is written here when it closes and graded, so a closed case leaves no Python object
behind once no inspection still to come can sample it (see
:meth:`sim.model.cases.CaseBook.prune`): about 190 bytes a case instead of about 1 KB.
At the end, the closed rows and the cases still open make the case table, one row per case
in the order the cases were opened (their ids). Days are simulated days.
"""

from __future__ import annotations

from operator import attrgetter

import numpy as np

from sim.model.case import Case
from sim.scenario.schema import GRADES

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


NUMERIC_COLUMNS = (*INT_COLUMNS, *DAY_COLUMNS, "custody_cell_hours", *FLAG_COLUMNS)
_CHUNK = 4096  # rows gathered as tuples before they become one float64 block


class ClosedCases:
    """The columns of closed cases, in the order they closed.

    Each closed case becomes a tuple of its numeric fields (ids and indices, days, flags as
    0/1, the two grades as codes), all exact in float64; every ``_CHUNK`` cases the tuples
    become one 2-D float64 block, so a closed case costs about 190 bytes.
    """

    def __init__(self) -> None:
        self._fields = attrgetter(*NUMERIC_COLUMNS, "grade", "force_grade")
        self._rows: list[tuple] = []
        self._blocks: list[np.ndarray] = []
        self._rules: list[str] = []
        self._rule_texts: dict[tuple[str, ...], str] = {}  # one string per combination
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def add(self, case: Case) -> None:
        """Write a closed, graded case."""
        self._rows.append(self._fields(case))
        text = self._rule_texts.get(case.rules_broken)
        if text is None:
            text = self._rule_texts[case.rules_broken] = ";".join(case.rules_broken)
        self._rules.append(text)
        self._n += 1
        if len(self._rows) == _CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            codes = _GRADE_CODES
            self._blocks.append(
                np.array([(*r[:-2], codes[r[-2]], codes[r[-1]]) for r in self._rows], float)
            )
            self._rows = []

    def table(self, still_open: list[Case]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """The case table of the closed cases and ``still_open``, ordered by id, without
        ``harm_events``; and the ``at_large`` flags in the same order."""
        self._flush()
        blocks = self._blocks or [np.zeros((0, len(NUMERIC_COLUMNS) + 2))]
        ids = np.concatenate([*(b[:, 0] for b in blocks), [c.id for c in still_open]])
        order = np.argsort(ids, kind="stable")
        del ids
        cols: dict[str, np.ndarray] = {}
        for k, name in enumerate(NUMERIC_COLUMNS):
            dtype = _INT_TYPES.get(name, bool if name in FLAG_COLUMNS else float)
            values = np.array([getattr(c, name) for c in still_open], dtype)
            cols[name] = np.concatenate([*(b[:, k].astype(dtype) for b in blocks), values])[order]
        names = np.array(_GRADE_NAMES, dtype=object)
        for k, name in enumerate(("grade", "force_grade"), start=len(NUMERIC_COLUMNS)):
            closed = (names[b[:, k].astype(np.int64)] for b in blocks)
            opened = _objects([getattr(c, name) for c in still_open])
            cols[name] = np.concatenate([*closed, opened])[order]
        open_rules = [";".join(c.rules_broken) for c in still_open]
        cols["rules_broken"] = np.concatenate([_objects(self._rules), _objects(open_rules)])[order]
        return cols, cols.pop("at_large")


def _objects(values: list[str]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out
