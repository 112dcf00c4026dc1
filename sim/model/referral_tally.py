"""What the KPIs need of the referrals, counted as they arrive and as triage decides.

Most referrals end at triage, and the KPIs read them only through windows of days (the
measured window, its periods): how many arrived, how many triage kept as cases (by
category), and the triage waits decided inside the window. So no row is kept per referral:

- arrivals and decisions are counted by category as they happen;
- a decision's triage wait (days from referral to decision) is kept, 8 bytes, from the
  first window's start on (none of the warm-up's);
- at each window bound (a *mark*) the counts are noted twice: before the first event on
  that day or later, and before the first event after that day.

Arrivals and decisions happen in the order of their days (the simulation clock never goes
back), so a window's decisions are one slice of the waits, between two noted counts: the
same waits that the rows of every referral would give, in the order triage decided them.
A window must start and end on marks given before the run. Days are simulated days.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

import numpy as np

from sim.scenario.periods import resolve_periods
from sim.scenario.schema import Scenario


def window_marks(scenario: Scenario) -> list[float]:
    """The days the KPIs' windows start or end at: the measured window (end of warm-up to
    the last day) and each period's bounds."""
    marks = [scenario.run.warmup_days, scenario.end_day]
    for start, end in resolve_periods(scenario).values():
        marks += [start, end]
    return marks


@dataclass(frozen=True, eq=False)
class ReferralWindow:
    """The referrals of one window of days: arrivals and cases opened by category (counts),
    and the triage waits (days) of the decisions made in it, in the order made (a view of
    the records: do not change it)."""

    arrived: np.ndarray
    opened: np.ndarray
    waits: np.ndarray


BEFORE, THROUGH = 0, 1
"""The second index of a count noted at a mark: events on days before the mark, or up to
and including it."""


@dataclass(frozen=True, eq=False)
class ReferralRecords:
    """The referral counts of a finished replication (numpy arrays; ``C`` categories, ``M``
    marks, in days).

    ``arrived[i, BEFORE]`` counts the referrals of each category that arrived on days before
    ``marks[i]``, ``arrived[i, THROUGH]`` those up to and including it; likewise ``opened``
    (decisions that opened a police case, by category) and ``decided`` (triage decisions).
    ``waits`` holds the triage waits of decisions ``decided[0, BEFORE]`` onwards, in
    decision order: decisions before the first mark keep none.
    """

    marks: np.ndarray  # (M,) days, ascending
    arrived: np.ndarray  # (M, 2, C)
    opened: np.ndarray  # (M, 2, C)
    decided: np.ndarray  # (M, 2)
    arrived_in_run: np.ndarray  # (C,) referrals arrived in the whole run
    opened_in_run: np.ndarray  # (C,) cases triage opened in the whole run
    decided_in_run: int  # triage decisions in the whole run
    waits: np.ndarray  # triage waits, days

    @property
    def simulated(self) -> int:
        """Referrals that arrived in the whole run."""
        return int(self.arrived_in_run.sum())

    @property
    def untriaged(self) -> int:
        """Referrals still waiting for triage at the end."""
        return self.simulated - self.decided_in_run

    def window(self, lo: float, hi: float, closed: bool = True) -> ReferralWindow:
        """The referrals of days ``lo <= day <= hi`` (``< hi`` when not ``closed``); both
        must be marks."""
        a, b = self._mark(lo), self._mark(hi)
        end = THROUGH if closed else BEFORE
        first = int(self.decided[0, BEFORE])  # the decision whose wait is waits[0]
        start, stop = int(self.decided[a, BEFORE]), int(self.decided[b, end])
        return ReferralWindow(
            arrived=self.arrived[b, end] - self.arrived[a, BEFORE],
            opened=self.opened[b, end] - self.opened[a, BEFORE],
            waits=self.waits[start - first : max(start, stop) - first],
        )

    def _mark(self, day: float) -> int:
        i = int(np.searchsorted(self.marks, day))
        if i == self.marks.size or self.marks[i] != day:
            raise KeyError(f"day {day:g} is not a window bound the referrals were counted at")
        return i


class ReferralTally:
    """Counts referrals as they arrive and as triage decides, in the order of their days.

    ``marks``: the days windows will start or end at (the KPIs' windows: the measured
    window and its periods).
    """

    __slots__ = (
        "_arrived", "_opened", "_decided", "_waits", "_marks",
        "_arrival_due", "_arrival_next", "_arrival_notes",
        "_decision_due", "_decision_next", "_decision_notes",
    )  # fmt: skip

    def __init__(self, categories: int, marks: list[float]) -> None:
        self._arrived = [0] * categories
        self._opened = [0] * categories
        self._decided = 0
        self._waits = array("d")
        self._marks = sorted(set(marks))
        if not self._marks or not all(math.isfinite(m) for m in self._marks):
            raise ValueError("expected at least one finite mark")
        # each mark is due twice: at the first event on its day or later (BEFORE), then at
        # the first event after its day (THROUGH); due days, latest first
        due = [d for m in reversed(self._marks) for d in (math.nextafter(m, math.inf), m)]
        self._arrival_due, self._arrival_notes = list(due), list[tuple[int, ...]]()
        self._decision_due, self._decision_notes = list(due), list[tuple[int, ...]]()
        self._arrival_next = self._decision_next = due[-1]

    def arrived(self, category: int, day: float) -> None:
        """A referral of ``category`` arrived at ``day`` (not before the last one)."""
        if day >= self._arrival_next:
            note = tuple(self._arrived)
            self._arrival_next = _pass(day, self._arrival_due, self._arrival_notes, note)
        self._arrived[category] += 1

    def triaged(self, category: int, referral_day: float, day: float, is_case: bool) -> None:
        """Triage decided at ``day`` (not before the last decision) on a referral of
        ``category`` that arrived at ``referral_day``; ``is_case``: it opened a case."""
        if day >= self._decision_next:
            if not self._decision_notes:  # the first mark: the warm-up's waits are dropped
                del self._waits[:]
            note = self._decision_note()
            self._decision_next = _pass(day, self._decision_due, self._decision_notes, note)
        self._waits.append(day - referral_day)
        self._decided += 1
        if is_case:
            self._opened[category] += 1

    def _decision_note(self) -> tuple[int, ...]:
        return (self._decided, *self._opened)

    def records(self) -> ReferralRecords:
        """The counts so far, for a finished run (marks not yet due note the final
        counts)."""
        if not self._decision_notes:  # no decision since the first mark
            del self._waits[:]
        arrivals = self._arrival_notes + [tuple(self._arrived)] * len(self._arrival_due)
        decisions = self._decision_notes + [self._decision_note()] * len(self._decision_due)
        m, c = len(self._marks), len(self._arrived)
        arrived = np.array(arrivals, dtype=np.int64).reshape(m, 2, c)
        decided = np.array(decisions, dtype=np.int64).reshape(m, 2, 1 + c)
        return ReferralRecords(
            marks=np.array(self._marks, dtype=float),
            arrived=arrived,
            opened=decided[:, :, 1:],
            decided=decided[:, :, 0],
            arrived_in_run=np.array(self._arrived, dtype=np.int64),
            opened_in_run=np.array(self._opened, dtype=np.int64),
            decided_in_run=self._decided,
            waits=np.frombuffer(self._waits, dtype=float) if self._waits else np.empty(0),
        )


def _pass(day: float, due: list[float], notes: list[tuple], note: tuple) -> float:
    """Note ``note`` (the counts before the event at ``day``) for each due day up to
    ``day``; the next due day (infinity when none is left)."""
    while due and due[-1] <= day:
        due.pop()
        notes.append(note)
    return due[-1] if due else math.inf
