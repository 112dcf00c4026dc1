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
from dataclasses import dataclass, fields

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


@dataclass(frozen=True, eq=False)
class ReferralRecords:
    """The referral counts of a finished replication (numpy arrays; ``C`` categories,
    ``M`` marks, in days).

    Row ``i`` of an ``*_before`` array counts the events on days before ``marks[i]``; of an
    ``*_through`` array, on days up to and including it. ``waits`` holds the triage waits
    of decisions ``first_wait`` onwards (in decision order); decisions before the first mark
    keep no wait.
    """

    marks: np.ndarray  # (M,) days, ascending
    arrived_before: np.ndarray  # (M, C) referrals arrived
    arrived_through: np.ndarray
    decided_before: np.ndarray  # (M,) triage decisions
    decided_through: np.ndarray
    opened_before: np.ndarray  # (M, C) decisions that opened a police case
    opened_through: np.ndarray
    arrived: np.ndarray  # (C,) referrals arrived in the whole run
    opened: np.ndarray  # (C,) cases triage opened in the whole run
    decided: int  # triage decisions in the whole run
    waits: np.ndarray  # triage waits, days
    first_wait: int  # the decision whose wait is waits[0]

    @property
    def simulated(self) -> int:
        """Referrals that arrived in the whole run."""
        return int(self.arrived.sum())

    @property
    def untriaged(self) -> int:
        """Referrals still waiting for triage at the end."""
        return self.simulated - self.decided

    def window(self, lo: float, hi: float, closed: bool = True) -> ReferralWindow:
        """The referrals of days ``lo <= day <= hi`` (``< hi`` when not ``closed``); both
        must be marks."""
        a, b = self._mark(lo), self._mark(hi)
        end = "through" if closed else "before"
        arrived_end = getattr(self, f"arrived_{end}")[b]
        decided_end = int(getattr(self, f"decided_{end}")[b])
        opened_end = getattr(self, f"opened_{end}")[b]
        start = int(self.decided_before[a])
        return ReferralWindow(
            arrived=arrived_end - self.arrived_before[a],
            opened=opened_end - self.opened_before[a],
            waits=self.waits[start - self.first_wait : max(start, decided_end) - self.first_wait],
        )

    def _mark(self, day: float) -> int:
        i = int(np.searchsorted(self.marks, day))
        if i == self.marks.size or self.marks[i] != day:
            raise KeyError(f"day {day:g} is not a window bound the referrals were counted at")
        return i

    def same_as(self, other: ReferralRecords) -> bool:
        """Every count and wait equal, to the bit (nan equal to nan)."""
        return all(
            np.array_equal(getattr(self, f.name), getattr(other, f.name), equal_nan=True)
            if isinstance(getattr(self, f.name), np.ndarray)
            else getattr(self, f.name) == getattr(other, f.name)
            for f in fields(self)
        )


class ReferralTally:
    """Counts referrals as they arrive and as triage decides, in the order of their days.

    ``marks``: the days windows will start or end at (the KPIs' windows: the measured
    window and its periods).
    """

    __slots__ = (
        "_arrived", "_opened", "_decided", "_waits", "_first_wait", "_marks",
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
        self._first_wait = -1  # decisions start keeping waits at the first mark
        # each mark is crossed twice: by the first event on its day or later ("before"),
        # then by the first event after its day ("through"); a due day, ascending
        due = [d for m in self._marks for d in (m, math.nextafter(m, math.inf))]
        self._arrival_due, self._arrival_notes = list(reversed(due)), []
        self._decision_due, self._decision_notes = list(reversed(due)), []
        self._arrival_next = self._arrival_due[-1]
        self._decision_next = self._decision_due[-1]

    def arrived(self, category: int, day: float) -> None:
        """A referral of ``category`` arrived at ``day`` (not before the last one)."""
        if day >= self._arrival_next:
            self._arrival_next = self._pass(day, self._arrival_due, self._arrival_notes, True)
        self._arrived[category] += 1

    def triaged(self, category: int, referral_day: float, day: float, is_case: bool) -> None:
        """Triage decided at ``day`` (not before the last decision) on a referral of
        ``category`` that arrived at ``referral_day``; ``is_case``: it opened a case."""
        if day >= self._decision_next:
            self._decision_next = self._pass(day, self._decision_due, self._decision_notes)
            if self._first_wait < 0:
                self._first_wait = self._decided
        if self._first_wait >= 0:
            self._waits.append(day - referral_day)
        self._decided += 1
        if is_case:
            self._opened[category] += 1

    def _pass(self, day: float, due: list[float], notes: list, arrivals: bool = False) -> float:
        """Note the counts (before this event) at each due day up to ``day``; the next due
        day (infinity when none is left)."""
        while due and due[-1] <= day:
            due.pop()
            notes.append(self._note(arrivals))
        return due[-1] if due else math.inf

    def _note(self, arrivals: bool) -> tuple:
        if arrivals:
            return tuple(self._arrived)
        return (self._decided, *self._opened)

    def records(self) -> ReferralRecords:
        """The counts so far, for a finished run (marks not yet crossed note the final
        counts)."""
        arrival_notes = self._arrival_notes + [tuple(self._arrived)] * len(self._arrival_due)
        decision_notes = self._decision_notes + [self._note(False)] * len(self._decision_due)
        arrivals = np.array(arrival_notes, dtype=np.int64).reshape(len(arrival_notes), -1)
        decisions = np.array(decision_notes, dtype=np.int64)
        first = self._first_wait if self._first_wait >= 0 else self._decided
        return ReferralRecords(
            marks=np.array(self._marks, dtype=float),
            arrived_before=arrivals[0::2],
            arrived_through=arrivals[1::2],
            decided_before=decisions[0::2, 0],
            decided_through=decisions[1::2, 0],
            opened_before=decisions[0::2, 1:],
            opened_through=decisions[1::2, 1:],
            arrived=np.array(self._arrived, dtype=np.int64),
            opened=np.array(self._opened, dtype=np.int64),
            decided=self._decided,
            waits=np.frombuffer(self._waits, dtype=float) if self._waits else np.empty(0),
            first_wait=first,
        )
