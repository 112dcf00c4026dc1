"""The referral tally keeps counts and triage waits instead of a row per referral. Every
window the KPIs ask for must give what the rows would: the same counts, the same waits
(decision order instead of arrival order), checked against rows kept beside it, on made-up
event sequences with ties on the window bounds and on real runs with periods and measures."""

from __future__ import annotations

import math

import numpy as np
import pytest

import sim
from sim.experiment.kpis import compute_kpis
from sim.model import Model, Streams, cases, replication_seed
from sim.model.referral_tally import ReferralTally, window_marks
from sim.stats import percentile as percentile_module
from tests.conftest import DATA

pytestmark = pytest.mark.source_model  # patches or subclasses the model's internals


class RowsBeside(ReferralTally):
    """The tally, also keeping the rows the KPIs used to read (one per referral)."""

    def __init__(self, categories: int, marks: list[float]) -> None:
        super().__init__(categories, marks)
        self.rows: list[list] = []  # [category, referral day, triage day, is case]
        self.waiting: dict[tuple[int, float], list[list]] = {}

    def arrived(self, category: int, day: float) -> None:
        super().arrived(category, day)
        row = [category, day, math.nan, False]
        self.rows.append(row)
        self.waiting.setdefault((category, day), []).append(row)

    def triaged(self, category: int, referral_day: float, day: float, is_case: bool) -> None:
        super().triaged(category, referral_day, day, is_case)
        row = self.waiting[(category, referral_day)].pop()
        row[2], row[3] = day, is_case


def _from_rows(rows: list[list], categories: int, lo: float, hi: float, closed: bool):
    """Arrivals and cases opened by category, and the waits (sorted), by the old rule."""
    cat = np.array([r[0] for r in rows], dtype=int)
    referred = np.array([r[1] for r in rows])
    triaged = np.array([r[2] for r in rows])
    is_case = np.array([r[3] for r in rows], dtype=bool)

    def inside(days):
        return (days >= lo) & ((days <= hi) if closed else (days < hi))

    arrived, decided = inside(referred), inside(triaged)
    by_cat = [np.count_nonzero(arrived & (cat == i)) for i in range(categories)]
    opened = [np.count_nonzero(decided & is_case & (cat == i)) for i in range(categories)]
    return by_cat, opened, np.sort(triaged[decided] - referred[decided])


def _check_every_window(tally: RowsBeside, categories: int) -> int:
    """Compare every window between two marks with the rows; the windows checked."""
    records = tally.records()
    marks = records.marks.tolist()
    checked = 0
    for i, lo in enumerate(marks):
        for hi in marks[i:]:
            for closed in (True, False):
                window = records.window(lo, hi, closed)
                arrived, opened, waits = _from_rows(tally.rows, categories, lo, hi, closed)
                assert window.arrived.tolist() == arrived, (lo, hi, closed)
                assert window.opened.tolist() == opened, (lo, hi, closed)
                assert np.array_equal(np.sort(window.waits), waits), (lo, hi, closed)
                checked += 1
    assert records.simulated == len(tally.rows)
    assert records.untriaged == sum(math.isnan(r[2]) for r in tally.rows)
    return checked


@pytest.mark.parametrize("seed", range(6))
def test_windows_match_the_rows_on_made_up_events(seed):
    """Days on a coarse grid, so many events fall on the marks themselves."""
    rng = np.random.default_rng(seed)
    categories = 3
    marks = sorted(rng.choice(np.arange(0.0, 30.0, 0.5), size=5, replace=False).tolist())
    tally = RowsBeside(categories, marks + marks[:1])  # a repeated mark counts once
    pending: list[tuple[int, float]] = []
    for day in np.arange(-3.0, 33.0, 0.25):
        for _ in range(rng.integers(0, 4)):
            cat = int(rng.integers(categories))
            tally.arrived(cat, float(day))
            pending.append((cat, float(day)))
        for _ in range(rng.integers(0, 4)):
            if pending:
                cat, referred = pending.pop(int(rng.integers(len(pending))))
                tally.triaged(cat, referred, float(day), bool(rng.random() < 0.4))
    assert len(pending) > 0  # some still untriaged at the end
    assert _check_every_window(tally, categories) == 2 * 15


def test_no_wait_is_kept_before_the_first_mark():
    tally = ReferralTally(1, [10.0, 20.0])
    for day in (1.0, 2.0, 9.5):
        tally.arrived(0, day)
        tally.triaged(0, day, day + 0.25, True)
    tally.arrived(0, 10.0)
    tally.triaged(0, 10.0, 10.0, False)  # on the mark: inside the window
    records = tally.records()
    assert records.waits.tolist() == [0.0] and records.decided[0, 0] == 3
    window = records.window(10.0, 20.0)
    assert window.arrived.tolist() == [1] and window.opened.tolist() == [0]
    assert window.waits.tolist() == [0.0]
    assert records.window(10.0, 10.0, closed=False).waits.size == 0
    # no decision on or after the first mark: the warm-up's waits are dropped at the end
    tally = ReferralTally(1, [10.0])
    tally.arrived(0, 1.0)
    tally.triaged(0, 1.0, 2.0, True)
    records = tally.records()
    assert records.waits.size == 0 and records.decided.tolist() == [[1, 1]]
    assert records.window(10.0, 10.0).opened.tolist() == [0]


def test_a_window_must_start_and_end_on_marks():
    records = ReferralTally(2, [1.0, 5.0]).records()
    with pytest.raises(KeyError, match="day 3 is not a window bound"):
        records.window(1.0, 3.0)
    with pytest.raises(ValueError, match="at least one finite mark"):
        ReferralTally(2, [math.inf])


@pytest.mark.parametrize(
    ("name", "changes"),
    [
        ("regression.yaml", {}),
        ("small.yaml", {"periods": {"first": [100, 200], "second": [150, 360]}}),
    ],
)
def test_a_run_counts_what_its_rows_would(name, changes, monkeypatch):
    """A real run, with the tally keeping rows beside it: every window between the KPIs'
    marks, and the triage KPIs of the measured window against the rows (the mean to the
    last bits: its sum is taken in decision order, the rows' in arrival order). The p90
    goes through the selection that spares a large run a copy of its waits, as it would
    from 65,536 waits on (:mod:`sim.stats.percentile`), and must be numpy's number."""
    scenario = sim.with_changes(sim.load_scenario(DATA / name), changes)
    monkeypatch.setattr(cases, "ReferralTally", RowsBeside)
    monkeypatch.setattr(percentile_module, "SMALL", 1)
    monkeypatch.setattr(percentile_module, "SAMPLE", 64)
    model = Model(scenario, Streams(replication_seed(scenario.run.seed, 0)))
    records = model.run()
    tally = model.cases.referrals
    assert len(tally.rows) > 100
    assert set(records.referrals.marks.tolist()) == set(window_marks(scenario))
    _check_every_window(tally, len(scenario.categories))
    kpis = compute_kpis(records)
    _, _, waits = _from_rows(tally.rows, 0, scenario.run.warmup_days, scenario.end_day, True)
    assert kpis["triage_days_p90"] == float(np.percentile(waits, 90))
    assert kpis["triage_days_mean"] == pytest.approx(float(np.mean(waits)), rel=1e-13)
    untriaged = sum(math.isnan(r[2]) for r in tally.rows)
    assert untriaged == model.cases.in_triage


def test_no_wait_is_kept_for_the_warm_up(small):
    """A run keeps one wait for each decision from the end of the warm-up on, none before."""
    model = Model(small, Streams(replication_seed(small.run.seed, 0)))
    ref = model.run().referrals
    warm_up_decisions = int(ref.decided[0, 0])
    assert ref.marks[0] == small.run.warmup_days and warm_up_decisions > 0
    assert ref.waits.size == ref.decided_in_run - warm_up_decisions > 0
