"""The triage desk runs arrivals and triage off SimPy's schedule. Nothing the model does may
change: its records must be those of the same stage run as SimPy events (a process per
arrival stream, a :class:`~sim.model.servers.ServerPool` for the triage staff), to the
bit, in scenarios where measures change the arrival rates and the triage staff, also on
the day an arrival window ends."""

from __future__ import annotations

import pytest
import simpy

import sim
from sim.model import Model, Streams, engine, replication_seed
from sim.model.servers import ServerPool
from sim.model.triage_desk import DeskEnvironment, TriageDesk
from tests.conftest import DATA
from tests.records import assert_same_records

pytestmark = pytest.mark.source_model  # patches or subclasses the model's internals


class EventTriage(ServerPool):
    """The triage stage as SimPy events: how the model ran before the desk."""

    def submit(self, priority, service_days, referral, on_done) -> None:
        super().submit(priority, service_days, lambda: on_done(referral))

    def start(self, stream) -> None:
        self.env.process(_as_process(self.env, stream))


def _as_process(env: simpy.Environment, stream):
    for wait in stream:
        yield env.timeout(wait)


def _run(scenario, replication: int, desk: type, monkeypatch):
    monkeypatch.setattr(engine, "TriageDesk", desk)
    model = Model(scenario, Streams(replication_seed(scenario.run.seed, replication)))
    records = model.run()
    return records, next(model.env._eid)


TIES = {
    "measures": [
        {"name": "rates_on_a_window_end", "day": 90,  # arrival windows end every 30 days
         "set": {"categories.family.referrals_per_year": 4000, "triage.staff": 2}},
        {"name": "fewer_triage_staff", "day": 150.5, "ramp_days": 14,
         "set": {"triage.staff": 0, "triage.under_grade_load_rate": 0.1}},
        {"name": "triage_staff_back", "day": 171.25, "set": {"triage.staff": 3}},
    ]
}  # fmt: skip


@pytest.mark.parametrize(
    ("name", "changes", "replication"),
    [
        ("regression.yaml", {}, 0),
        ("regression.yaml", {}, 1),
        ("regression.yaml", TIES, 0),
        ("small.yaml", {"run.horizon_days": 200.0}, 0),
    ],
)
def test_the_desk_gives_the_records_of_simpy_events(name, changes, replication, monkeypatch):
    scenario = sim.load_scenario(DATA / name)
    scenario = sim.with_changes(scenario, changes)
    by_events, events = _run(scenario, replication, EventTriage, monkeypatch)
    by_desk, desk_events = _run(scenario, replication, TriageDesk, monkeypatch)
    assert by_events.referrals.simulated > 100
    assert_same_records(by_desk, by_events)
    assert desk_events < 0.8 * events, (desk_events, events)


def test_simpy_events_of_the_same_day_go_first():
    """A SimPy event on the day of a desk event is seen before it; one the desk's event
    schedules for its own day comes before the desk's next event of that day."""
    env = DeskEnvironment()
    desk = TriageDesk(env, capacity=1)
    seen = []
    env.timeout(2.0).callbacks.append(lambda _ev: seen.append(("simpy", env.now)))

    def stream():
        seen.append(("first step", env.now))  # at once, as SimPy starts a process
        yield 2.0
        seen.append(("arrival", env.now))
        env.timeout(0.0).callbacks.append(lambda _ev: seen.append(("scheduled", env.now)))
        desk.submit(0, 0.0, "r", lambda r: seen.append(("triaged " + r, env.now)))
        yield 1.0
        seen.append(("last", env.now))

    desk.start(stream())
    assert seen == [("first step", 0.0)]
    env.run()
    assert seen == [
        ("first step", 0.0),
        ("simpy", 2.0),
        ("arrival", 2.0),
        ("scheduled", 2.0),
        ("triaged r", 2.0),
        ("last", 3.0),
    ]


def test_new_staff_start_waiting_referrals_at_once():
    """Referrals waiting for staff start when staff arrive, and end on time, although the
    desk's next event was much later."""
    env = DeskEnvironment()
    desk = TriageDesk(env, capacity=0)
    ends = []

    def stream():
        for name in ("a", "b"):
            desk.submit(0, 1.0, name, lambda r: ends.append((r, env.now)))
        yield 100.0

    desk.start(stream())
    env.timeout(5.0).callbacks.append(lambda _ev: desk.set_capacity(1))
    ended_by = {}
    for day in (6.5, 7.5):
        env.timeout(day).callbacks.append(lambda _ev: ended_by.update({env.now: list(ends)}))
    env.run()
    assert ended_by == {6.5: [("a", 6.0)], 7.5: [("a", 6.0), ("b", 7.0)]}


def _ticks(env: DeskEnvironment, desk: TriageDesk, seen: list) -> None:
    """A desk stream and a SimPy process that note the day each whole day, 0 to 5."""

    def stream():
        for _ in range(6):
            seen.append(("desk", env.now))
            yield 1.0

    def process():
        for _ in range(6):
            seen.append(("simpy", env.now))
            yield env.timeout(1.0)

    env.process(process())
    desk.start(stream())


def test_run_until_a_day_stops_before_that_days_events():
    """As SimPy's ``run(until=day)``: the clock reads the day, and neither schedule's
    events of that day have run; a second call goes on from there, as one call would."""
    env, seen = DeskEnvironment(), []
    _ticks(env, TriageDesk(env, capacity=1), seen)
    env.run(until=2.0)
    assert env.now == 2.0
    assert seen == [("desk", 0.0), ("simpy", 0.0), ("simpy", 1.0), ("desk", 1.0)]
    env.run(until=3.5)
    env.run()
    whole, seen_once = DeskEnvironment(), []
    _ticks(whole, TriageDesk(whole, capacity=1), seen_once)
    whole.run()
    assert seen == seen_once
    assert seen_once[-2:] == [("simpy", 5.0), ("desk", 5.0)]  # SimPy's of the day first


def test_run_refuses_a_day_not_ahead_or_an_event():
    env = DeskEnvironment()
    TriageDesk(env, capacity=1)
    env.run(until=1.0)
    with pytest.raises(ValueError, match="until"):
        env.run(until=1.0)
    with pytest.raises(TypeError, match="a day, not an event"):
        env.run(until=env.timeout(1.0))


def test_a_failed_event_raises_from_run():
    """An event that fails with nobody waiting on it stops the run with its error, as in
    SimPy."""
    env = DeskEnvironment()
    TriageDesk(env, capacity=1)
    env.event().fail(RuntimeError("broken"))
    with pytest.raises(RuntimeError, match="broken"):
        env.run(until=1.0)


def test_a_desk_needs_a_desk_environment_of_its_own():
    with pytest.raises(TypeError, match="DeskEnvironment"):
        TriageDesk(simpy.Environment(), capacity=1)
    env = DeskEnvironment()
    TriageDesk(env, capacity=1)
    with pytest.raises(TypeError, match="of its own"):
        TriageDesk(env, capacity=1)
