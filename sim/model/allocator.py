"""Allocation: the queue of cases waiting for an officer, matched to officers' free slots.

Waiting cases go highest triaged risk first, then the oldest referral. Each goes to the
least-loaded trained detective with a free slot (ties: the lowest officer id); an untrained
officer may take a case only once it has waited ``allocation.untrained_after_days`` in its
current spell of waiting (never when that is null), and only when no trained detective is
free. Officers and cases are kept in heaps with lazy deletion: an entry whose case has left
the queue, or whose officer was re-filed since (``version``), is skipped when it surfaces;
stale case entries are also swept out every so often (:meth:`Allocator._drop_stale`), so
that a closed case leaves no object behind in the queue. A case's entry is its queue key
as bytes (:mod:`sim.model.queue_order`): a packed waiting case is its own entry, any other
is filed by a :class:`~sim.model.queue_order.QueueEntry`.
"""

from __future__ import annotations

from heapq import heapify, heappop, heappush
from itertools import count
from typing import TYPE_CHECKING

from sim.model.case import Case
from sim.model.dormant import Dormant
from sim.model.enums import Group, Stage
from sim.model.officers import Officer
from sim.model.queue_order import QueueEntry
from sim.model.schedule import call_after

if TYPE_CHECKING:
    from sim.model.engine import Model

_Entry = Dormant | QueueEntry  # ordered as bytes: triaged risk, referral day, order


def _case_of(entry: _Entry) -> Case | Dormant:
    """The case a queue entry files."""
    return entry.case if entry.__class__ is QueueEntry else entry  # type: ignore[return-value]


_SLACK_DAYS = 1e-9  # a timer set for a wait fires within float rounding of its end


class Allocator:
    """The queue of cases waiting for an officer, and the matching of cases to officers."""

    SWEEP_AT_LEAST = 1000
    """Stale entries are swept out when the heaps have grown by this many entries, or by a
    quarter of the waiting cases if more, since the last sweep."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.officers: dict[Group, list[Officer]] = {Group.TRAINED: [], Group.UNTRAINED: []}
        self._waiting: list[_Entry] = []
        self._eligible: list[_Entry] = []  # waiting long enough for an untrained officer
        self._free: dict[Group, list[tuple[int, int, int, Officer]]] = {g: [] for g in Group}
        self._order = count()
        self._swept_size = 0  # entries in the heaps after the last sweep of stale ones

    # officers -----------------------------------------------------------------
    def add_officer(self, officer: Officer) -> None:
        self.officers[officer.group].append(officer)
        self._file(officer)

    def remove_officer(self, officer: Officer) -> None:
        self.officers[officer.group].remove(officer)

    def move_officer(self, officer: Officer, group: Group) -> None:
        """An officer completes training (or otherwise changes group)."""
        self.officers[officer.group].remove(officer)
        officer.set_group(group)
        self.officers[group].append(officer)
        self._file(officer)

    def rebuild(self) -> None:
        """Caps changed: recompute which officers have free slots."""
        for group in Group:
            self._free[group] = []
            for officer in self.officers[group]:
                self._file(officer)

    def _file(self, officer: Officer) -> None:
        """(Re-)file an officer among those with a free slot, least loaded first."""
        officer.version += 1
        if officer.has_free_slot:
            entry = (len(officer.held), officer.id, officer.version, officer)
            heappush(self._free[officer.group], entry)

    def detective_free(self) -> bool:
        """A trained detective has a free slot now (a case joining the queue is taken at
        once)."""
        return self._free_officer(Group.TRAINED) is not None

    def _free_officer(self, group: Group) -> Officer | None:
        heap = self._free[group]
        while heap:
            _, _, version, officer = heap[0]
            if officer.version == version and officer.group is group and officer.has_free_slot:
                return officer
            heappop(heap)
        return None

    # cases --------------------------------------------------------------------
    def enqueue(self, case: Case) -> None:
        """A case joins the queue for an officer (first time, or handed back)."""
        self.model.cases.set_stage(case, Stage.ALLOCATION)
        case.officer = None
        case.waiting_since = self.model.env._now
        self._push(case)

    def enqueue_waiting(self, waiting: Dormant) -> None:
        """A packed case, just opened and counted as waiting, joins the queue (as its own
        entry)."""
        waiting.file(next(self._order))
        self._push(waiting, waiting)

    def _push(self, case: Case | Dormant, entry: _Entry | None = None) -> None:
        if entry is None:
            entry = QueueEntry.of(case, next(self._order))
        heappush(self._waiting, entry)
        self._schedule_eligibility(case, entry)
        self._drop_stale()

    def dormant_waiting(self) -> list[Dormant]:
        """The packed cases still waiting (each once, in queue order)."""
        found: dict[int, Dormant] = {}
        for entry in self._waiting:
            case = _case_of(entry)
            if case.__class__ is Dormant and case.is_open:
                found[id(case)] = case
        return list(found.values())

    def _drop_stale(self) -> None:
        """Sweep out the entries of cases no longer waiting once the heaps have grown by a
        quarter of the waiting cases (or 1,000) since the last sweep, so that closed cases
        leave no object behind in them (amortised: a few list steps per entry).

        The surviving entries form heaps of the same order: entries are unique by their
        order number, so the cases come out in exactly the same sequence.
        """
        size = len(self._waiting) + len(self._eligible)
        waiting = self.model.cases.open_in(Stage.ALLOCATION)
        if size <= self._swept_size + max(self.SWEEP_AT_LEAST, waiting // 4):
            return
        for heap in (self._waiting, self._eligible):
            heap[:] = [e for e in heap if _case_of(e).stage is Stage.ALLOCATION]
            heapify(heap)
        self._swept_size = len(self._waiting) + len(self._eligible)

    def _schedule_eligibility(self, case: Case | Dormant, entry: _Entry) -> None:
        after = self.model.settings.untrained_after_days
        if after is None:
            return
        if after <= 0:
            heappush(self._eligible, entry)
            return
        self._eligible_after(case, entry, after)

    def _eligible_after(self, case: Case | Dormant, entry: _Entry, days: float) -> None:
        spell = case.waiting_since
        call_after(self.model.env, days, lambda _call: self._make_eligible(case, entry, spell))

    def _make_eligible(self, case: Case | Dormant, entry: _Entry, spell: float) -> None:
        # only if the case is still in the same spell of waiting that set the timer, and has
        # waited as long as the policy now asks (a measure may have lengthened or ended it)
        if case.stage is not Stage.ALLOCATION or case.waiting_since != spell:
            return
        left = self._wait_left(case)
        if left is not None and left <= _SLACK_DAYS:
            heappush(self._eligible, entry)
            self.allocate()

    def _wait_left(self, case: Case | Dormant) -> float | None:
        """Days until the case may go to an untrained officer (None: never, by policy)."""
        after = self.model.settings.untrained_after_days
        if after is None:
            return None
        return case.waiting_since + after - self.model.env._now

    def policy_changed(self) -> None:
        """The untrained-fallback wait changed: re-derive eligibility of waiting cases."""
        self._eligible = []
        for entry in self._waiting:
            self._recheck_eligibility(entry)
        self.allocate()

    def _recheck_eligibility(self, entry: _Entry) -> None:
        """File a waiting case as eligible now, or set a timer for when it will be."""
        case = _case_of(entry)
        if case.stage is not Stage.ALLOCATION:
            return
        left = self._wait_left(case)
        if left is None:
            return
        if left <= _SLACK_DAYS:
            heappush(self._eligible, entry)
        else:
            self._eligible_after(case, entry, left)

    def reprioritise(self, case: Case | Dormant) -> None:
        """Re-queue a waiting case whose triaged risk changed (its wait keeps counting)."""
        if case.stage is not Stage.ALLOCATION:
            return
        entry = QueueEntry.of(case, next(self._order))
        heappush(self._waiting, entry)
        self._recheck_eligibility(entry)

    @staticmethod
    def _pop(heap: list[_Entry]) -> Case | Dormant | None:
        while heap:
            case = _case_of(heap[0])
            if case.stage is Stage.ALLOCATION:
                return case
            heappop(heap)
        return None

    def allocate(self) -> None:
        """Match waiting cases with free slots: trained detectives first, then untrained
        officers for the cases that have waited long enough."""
        for group, queue in ((Group.TRAINED, self._waiting), (Group.UNTRAINED, self._eligible)):
            while queue:
                case = self._pop(queue)
                if case is None:
                    break
                officer = self._free_officer(group)
                if officer is None:
                    break
                if case.__class__ is Dormant:
                    case = self.model.cases.wake(case)  # type: ignore[arg-type]
                self._assign(case, officer)  # type: ignore[arg-type]

    def _assign(self, case: Case, officer: Officer) -> None:
        self.model.cases.set_stage(case, Stage.OFFICER)
        case.officer = officer
        officer.held.add(case)
        self._file(officer)
        self.model.pathway.case_allocated(case, officer)

    def release(self, case: Case, officer: Officer) -> None:
        """A case leaves an officer's caseload (closed)."""
        officer.held.discard(case)
        self._file(officer)
        self.allocate()
