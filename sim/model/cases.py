"""The case book: every referral and case of a replication, from opening to grading.

Opening a case draws its attributes and work from the category's named streams; closing it
grades it by the scenario's rules and writes it to compact columns
(:class:`~sim.model.case_columns.ClosedCases`). Case objects are kept only while open or
while an inspection still to come may sample them (its look-back window), so memory stays
flat over long horizons. The book also keeps the count of open cases by stage, which the
time series and the stability check read.
"""

from __future__ import annotations

import math
from operator import attrgetter
from typing import TYPE_CHECKING

from sim.model.blocks import BlockStream, UniformBlocks, sample_variate
from sim.model.case import NAN, Case, CaseDraws, case_of_values
from sim.model.case_columns import ClosedCases
from sim.model.dormant import Dormant
from sim.model.enums import OPEN_STAGES, Chunk, Stage
from sim.model.grading import broken_rules, force_grade, grade
from sim.model.referral_tally import ReferralTally, window_marks
from sim.scenario.schema import BacklogEntry

if TYPE_CHECKING:
    from sim.model.engine import Model


_BY_ID = attrgetter("id")  # Case or Dormant


class CaseBook:
    PRUNE_AT_LEAST = 1000
    """Closed case objects are pruned after this many closures, or an eighth of the open
    cases if more, since the last pruning."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.referrals = ReferralTally(len(model.category_names), window_marks(model.base_scenario))
        # open cases, and closed ones an inspection still to come may sample; in id order
        self.opened: list[Case] = []
        self.closed = ClosedCases()
        self._closed_since_prune = 0
        self._case_streams: dict[int, tuple[UniformBlocks, BlockStream, BlockStream]] = {}
        self.in_triage = 0
        self._by_stage = [0] * len(Stage)
        self._next_id = 0

    # counts -------------------------------------------------------------------------
    def set_stage(self, case: Case, stage: Stage) -> None:
        """Move a case to ``stage``, keeping the open-case counts by stage."""
        if case.stage is not Stage.NEW:  # a new case is in no count yet
            self._by_stage[case.stage] -= 1
        case.stage = stage
        self._by_stage[stage] += 1

    def open_in(self, stage: Stage) -> int:
        """Cases now in ``stage``."""
        return self._by_stage[stage]

    def open_cases(self) -> int:
        """Police cases open in any stage (referrals still in triage not included)."""
        return sum(self._by_stage[s] for s in OPEN_STAGES)

    # opening ------------------------------------------------------------------------
    def open_case(self, category: int, true_risk: int, triaged: int, referral_day: float) -> Case:
        """Create a police case, drawing its attributes from the category's case streams."""
        case = case_of_values(self._draw(category, true_risk, triaged, referral_day, NAN))
        case.triage_day = referral_day
        self.opened.append(case)
        return case

    def open_waiting(
        self, category: int, true_risk: int, triaged: int, referral_day: float
    ) -> Dormant:
        """Open a police case that joins the allocation queue now, packed until an officer
        takes it (:meth:`wake`): the same draws as :meth:`open_case`, a tenth of the memory."""
        now = self.model.env._now
        self._by_stage[Stage.ALLOCATION] += 1
        return Dormant.of_values(self._draw(category, true_risk, triaged, referral_day, now))

    def wake(self, waiting: Dormant) -> Case:
        """The ``Case`` of a packed waiting case an officer is taking; the packed values are
        dropped, so every queue entry of it is stale from now on."""
        case = waiting.as_case()
        waiting.taken()
        self.opened.append(case)
        return case

    def open_now(self) -> list[Case | Dormant]:
        """Every open case, in id order: ``Case`` objects and packed waiting cases."""
        live = [c for c in self.opened if c.is_open]
        return sorted([*live, *self.model.allocator.dormant_waiting()], key=_BY_ID)

    def kept_referred_between(self, start: float, end: float) -> list[Case]:
        """The open cases, and the closed ones still kept, referred in [start, end), in id
        order, as ``Case`` objects (packed waiting cases as unregistered copies)."""
        kept = [c for c in self.opened if start <= c.referral_day < end]
        waiting = self.model.allocator.dormant_waiting()
        kept += [d.as_case() for d in waiting if start <= d.referral_day < end]
        return sorted(kept, key=_BY_ID)

    def _draw(
        self, category: int, true_risk: int, triaged: int, referral_day: float, now: float
    ) -> tuple:
        """A new case's values, in the order of :data:`sim.model.dormant.FIELDS`, drawn from
        the category's case streams; triaged and waiting since ``now`` (nan: not yet)."""
        model = self.model
        settings = model.settings
        cat = settings.categories[category]
        uniforms, work, external = self._streams_of(category)
        d = CaseDraws(uniforms.take(CaseDraws.COUNT))
        safeguarding_hours = sample_variate(cat.safeguarding_hours, work)
        application_hours = sample_variate(settings.application_hours, work)
        investigation_hours = sample_variate(cat.investigation_hours, work)
        external_wait_days = sample_variate(cat.external_wait_days, external)
        refused_bail, in_cells, cell_hours = False, False, NAN
        if cat.custody is not None and d.custody < cat.custody.refused_bail_rate:
            custody = model.streams[f"custody:{model.category_names[category]}"]
            refused_bail = True
            in_cells = bool(custody.random() >= cat.custody.transfer_accepted_rate)
            hours = cat.custody.hours_until_court.sample(custody)
            cell_hours = hours if in_cells else 0.0
        case_id = self._next_id
        self._next_id += 1
        return (
            case_id, category, true_risk, referral_day, triaged, now,
            d.complex < cat.complex_rate,
            d.warrant < cat.warrant_rate,
            d.at_large < cat.offender_at_large_rate,
            d.devices < settings.forensics_rate,
            d.lapse, d.review, d.catch, d.evidence, d.force_grade,
            safeguarding_hours, application_hours, investigation_hours, external_wait_days,
            now, NAN, refused_bail, in_cells, cell_hours,
        )  # fmt: skip

    def _streams_of(self, category: int) -> tuple[UniformBlocks, BlockStream, BlockStream]:
        """The category's streams of case draws, officers' work and external waits."""
        streams = self._case_streams.get(category)
        if streams is None:
            name = self.model.category_names[category]
            s = self.model.streams
            streams = (s.uniforms(f"case:{name}"), s.blocks(f"work:{name}"),
                       s.blocks(f"external:{name}"))  # fmt: skip
            self._case_streams[category] = streams
        return streams

    def load_backlog(self) -> None:
        """Open cases at day 0: waiting for an officer, or already with one.

        A case already with an officer counts as allocated, safeguarded and (if it needs a
        warrant) holding one on its referral day, as their real dates are unknown; only its
        investigation work remains. Such cases are allocated first, ahead of waiting ones;
        then the waiting ones are allocated in the allocator's order (risk, then age).
        """
        model = self.model
        for stage in ("investigation", "allocation"):
            for entry in model.scenario.initial_backlog:
                if entry.stage == stage:
                    self._open_backlog_entry(entry)
            model.allocator.allocate()

    def _open_backlog_entry(self, entry: BacklogEntry) -> None:
        model = self.model
        category = model.category_names.index(entry.category)
        risk = model.risk_names.index(entry.risk)
        for _ in range(entry.count):
            case = self.open_case(category, risk, risk, -entry.age_days)
            if entry.stage == "investigation":
                day = case.referral_day
                case.allocated_day = case.safeguarding_day = case.evidence_secured_day = day
                if case.needs_warrant:
                    case.warrant_needed_day = case.warrant_granted_day = day
                    case.warrant_executed_day = day
                case.pending = [Chunk.INVESTIGATION]
            model.allocator.enqueue(case)

    # closing --------------------------------------------------------------------------
    def close(self, case: Case) -> None:
        """Close ``case`` now and grade it as inspectors would."""
        scenario = self.model.scenario
        case.closed_day = self.model.env._now
        self.set_stage(case, Stage.CLOSED)
        rules = broken_rules(case, scenario, case.closed_day)
        case.rules_broken = tuple(rules)
        case.grade, case.serious_concern = grade(rules, scenario)
        case.force_grade = force_grade(case.grade, case.force_grade_draw, scenario)
        self.closed.add(case)
        self._closed_since_prune += 1
        # pruning at an eighth of the open cases: a long backlog carries few dead objects,
        # at an amortised cost of a few list steps per closure
        since = self._closed_since_prune
        if since > self.PRUNE_AT_LEAST and since > self.open_cases() // 8:
            self.prune()

    def prune(self) -> None:
        """Drop the objects of closed cases no inspection still to come can sample (their
        rows are in :attr:`closed`)."""
        model = self.model
        now = model.env._now
        keep_from = min(
            (i.day - i.lookback_days for i in model.base_scenario.inspections if i.day >= now),
            default=math.inf,
        )
        self.opened = [c for c in self.opened if c.is_open or c.referral_day >= keep_from]
        self._closed_since_prune = 0
