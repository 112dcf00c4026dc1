"""Direct tests of :class:`sim.model.servers.ServerPool` in a bare SimPy environment, and
of the triage desk (:class:`sim.model.triage_desk.TriageDesk`), whose servers must behave
the same although its services are not SimPy events: every test of a pool's order,
capacity and timing runs on both.

Every job records the simulated day its service ends; its start is that day minus its
service time (service times are exact binary fractions, so the arithmetic is exact).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import simpy

from sim.model.servers import ServerPool
from sim.model.triage_desk import DeskEnvironment, TriageDesk


class DeskPool:
    """The triage desk with the pool's ``submit(priority, days, on_done)`` (wrapped, not
    subclassed: the installed model is compiled, and Python classes cannot extend it)."""

    def __init__(self, env: DeskEnvironment, capacity: int) -> None:
        self.desk = TriageDesk(env, capacity)

    def submit(self, priority: float, service_days: float, on_done: Callable[[], None]) -> None:
        self.desk.submit(priority, service_days, None, lambda _referral: on_done())

    def __getattr__(self, name: str) -> object:
        return getattr(self.desk, name)


@pytest.fixture(params=[ServerPool, DeskPool], ids=["pool", "desk"])
def pool_type(request: pytest.FixtureRequest) -> type:
    return request.param


class Log:
    """Records (job name, end day) as jobs finish, and derives their start days."""

    def __init__(self, env: simpy.Environment) -> None:
        self.env = env
        self.ends: dict[str, float] = {}
        self.order: list[str] = []
        self.service: dict[str, float] = {}

    def job(self, name: str, service_days: float) -> Callable[[], None]:
        """The ``on_done`` callback of job ``name``."""
        self.service[name] = service_days

        def done() -> None:
            self.ends[name] = self.env.now
            self.order.append(name)

        return done

    def starts(self) -> dict[str, float]:
        return {name: end - self.service[name] for name, end in self.ends.items()}


def submit(pool: ServerPool | DeskPool, log: Log, name: str, priority: float, days: float) -> None:
    """Queue job ``name`` on ``pool``, logged in ``log``."""
    pool.submit(priority, days, log.job(name, days))


def test_lower_priority_value_first_then_arrival_order(pool_type) -> None:
    """One server: A starts at once; the rest go by (priority, arrival order)."""
    env = DeskEnvironment()
    pool = pool_type(env, 1)
    log = Log(env)
    for name, priority in (("A", 1), ("B", 2), ("C", 0), ("D", 1), ("E", 0), ("F", 2)):
        submit(pool, log, name, priority, 1.0)
    env.run()
    assert log.order == ["A", "C", "E", "D", "B", "F"]
    assert log.ends == {"A": 1.0, "C": 2.0, "E": 3.0, "D": 4.0, "B": 5.0, "F": 6.0}


def test_float_priorities_and_ties_keep_arrival_order(pool_type) -> None:
    env = DeskEnvironment()
    pool = pool_type(env, 1)
    log = Log(env)
    submit(pool, log, "first", 0.0, 1.0)
    for name, priority in (("x", 0.5), ("y", 0.25), ("z", 0.5), ("w", 0.25)):
        submit(pool, log, name, priority, 1.0)
    env.run()
    assert log.order == ["first", "y", "w", "x", "z"]


def test_service_is_not_preempted_by_a_more_urgent_job(pool_type) -> None:
    """A priority-0 job arriving while a priority-5 job is served waits for it to end."""
    env = DeskEnvironment()
    pool = pool_type(env, 1)
    log = Log(env)
    submit(pool, log, "slow", 5, 3.0)
    env.run(until=1.0)
    submit(pool, log, "urgent", 0, 0.5)
    assert pool.busy == 1
    assert pool.queue_length == 1
    env.run()
    assert log.ends == {"slow": 3.0, "urgent": 3.5}
    assert log.starts() == {"slow": 0.0, "urgent": 3.0}


def test_capacity_servers_work_at_once(pool_type) -> None:
    """Two servers: the first two jobs start at 0, the third when one of them ends."""
    env = DeskEnvironment()
    pool = pool_type(env, 2)
    log = Log(env)
    submit(pool, log, "a", 0, 2.0)
    submit(pool, log, "b", 0, 3.0)
    submit(pool, log, "c", 0, 2.0)
    submit(pool, log, "d", 0, 0.5)
    assert pool.busy == 2
    assert pool.queue_length == 2
    env.run(until=1.0)
    assert (pool.busy, pool.queue_length) == (2, 2)
    env.run()
    assert log.starts() == {"a": 0.0, "b": 0.0, "c": 2.0, "d": 3.0}
    assert log.ends == {"a": 2.0, "b": 3.0, "c": 4.0, "d": 3.5}
    assert (pool.busy, pool.queue_length) == (0, 0)


def test_never_more_than_capacity_jobs_in_service(pool_type) -> None:
    """Ten jobs of 1 day on three servers: at most three overlap at any time."""
    env = DeskEnvironment()
    pool = pool_type(env, 3)
    log = Log(env)
    for i in range(10):
        submit(pool, log, f"j{i}", 0, 1.0)
    env.run()
    starts = log.starts()
    assert sorted(starts.values()) == [0.0] * 3 + [1.0] * 3 + [2.0] * 3 + [3.0]
    for t in (0.5, 1.5, 2.5, 3.5):
        running = [n for n, s in starts.items() if s <= t < log.ends[n]]
        assert len(running) == (3 if t < 3 else 1)


def test_capacity_increase_starts_waiting_jobs_at_once(pool_type) -> None:
    env = DeskEnvironment()
    pool = pool_type(env, 1)
    log = Log(env)
    for name in ("a", "b", "c", "d"):
        submit(pool, log, name, 0, 4.0)
    env.run(until=1.0)
    assert (pool.busy, pool.queue_length) == (1, 3)
    pool.set_capacity(3)
    assert pool.capacity == 3
    assert (pool.busy, pool.queue_length) == (3, 1)
    env.run()
    assert log.starts() == {"a": 0.0, "b": 1.0, "c": 1.0, "d": 4.0}


def test_capacity_decrease_lets_service_finish_and_starts_nothing_until_below(pool_type) -> None:
    """Three in service when capacity drops to 1: all three finish; the next job starts
    only when none is left in service."""
    env = DeskEnvironment()
    pool = pool_type(env, 3)
    log = Log(env)
    submit(pool, log, "a", 0, 2.0)
    submit(pool, log, "b", 0, 4.0)
    submit(pool, log, "c", 0, 6.0)
    submit(pool, log, "d", 0, 1.0)
    submit(pool, log, "e", 0, 1.0)
    env.run(until=1.0)
    pool.set_capacity(1)
    assert (pool.capacity, pool.busy, pool.queue_length) == (1, 3, 2)
    env.run(until=5.0)
    assert log.ends == {"a": 2.0, "b": 4.0}  # not cut short, nothing new started
    assert (pool.busy, pool.queue_length) == (1, 2)
    env.run()
    assert log.ends == {"a": 2.0, "b": 4.0, "c": 6.0, "d": 7.0, "e": 8.0}


def test_capacity_zero_holds_jobs_until_raised(pool_type) -> None:
    env = DeskEnvironment()
    pool = pool_type(env, 0)
    log = Log(env)
    submit(pool, log, "a", 1, 1.0)
    submit(pool, log, "b", 0, 1.0)
    env.run(until=100.0)
    assert log.ends == {}
    assert (pool.busy, pool.queue_length) == (0, 2)
    pool.set_capacity(1)
    env.run()
    assert log.ends == {"b": 101.0, "a": 102.0}


def test_set_capacity_to_zero_holds_later_jobs(pool_type) -> None:
    env = DeskEnvironment()
    pool = pool_type(env, 2)
    log = Log(env)
    submit(pool, log, "a", 0, 1.0)
    pool.set_capacity(0)
    submit(pool, log, "b", 0, 1.0)
    env.run(until=50.0)
    assert log.ends == {"a": 1.0}
    assert pool.queue_length == 1


def test_queue_length_counts_waiting_jobs_only(pool_type) -> None:
    env = DeskEnvironment()
    pool = pool_type(env, 2)
    log = Log(env)
    assert pool.queue_length == 0
    for i in range(5):
        submit(pool, log, f"j{i}", 0, 1.0)
    assert (pool.busy, pool.queue_length) == (2, 3)
    env.run(until=1.5)
    assert (pool.busy, pool.queue_length) == (2, 1)
    env.run(until=2.5)
    assert (pool.busy, pool.queue_length) == (1, 0)


def test_serve_returns_an_event_that_succeeds_at_service_end() -> None:
    env = DeskEnvironment()
    pool = ServerPool(env, 1)
    ends: dict[str, float] = {}

    def customer(name: str, priority: int, days: float, arrive: float):
        yield env.timeout(arrive)
        event = pool.serve(priority, days)
        assert isinstance(event, simpy.Event)
        yield event
        ends[name] = env.now

    env.process(customer("first", 5, 2.0, 0.0))
    env.process(customer("low", 3, 1.0, 0.5))
    env.process(customer("high", 1, 1.0, 1.0))
    env.run()
    assert ends == {"first": 2.0, "high": 3.0, "low": 4.0}


def test_serve_event_is_pending_until_service_ends() -> None:
    env = DeskEnvironment()
    pool = ServerPool(env, 1)
    event = pool.serve(0, 2.5)
    env.run(until=2.4)
    assert not event.triggered
    env.run(until=2.6)
    assert event.triggered and event.ok
    assert event.value is None


def test_zero_service_time_ends_at_once(pool_type) -> None:
    env = DeskEnvironment()
    pool = pool_type(env, 1)
    log = Log(env)
    env.run(until=3.0)
    submit(pool, log, "instant", 0, 0.0)
    submit(pool, log, "next", 0, 1.0)
    env.run()
    assert log.ends == {"instant": 3.0, "next": 4.0}


def test_job_submitted_from_a_callback_still_waits_its_turn(pool_type) -> None:
    """A job queued by a finishing job's callback does not jump ahead of waiting jobs
    with a lower priority value."""
    env = DeskEnvironment()
    pool = pool_type(env, 1)
    log = Log(env)
    first_done = log.job("first", 1.0)

    def first_then_follow_up() -> None:
        first_done()
        submit(pool, log, "follow_up", 5, 1.0)

    pool.submit(0, 1.0, first_then_follow_up)
    submit(pool, log, "waiting", 1, 1.0)
    env.run()
    assert log.order == ["first", "waiting", "follow_up"]
    assert log.ends == {"first": 1.0, "waiting": 2.0, "follow_up": 3.0}


def test_negative_capacity_is_refused(pool_type) -> None:
    env = DeskEnvironment()
    with pytest.raises(ValueError, match="capacity"):
        pool_type(env, -1)
    assert pool_type(env, 0).capacity == 0


def test_set_capacity_clamps_below_zero(pool_type) -> None:
    env = DeskEnvironment()
    pool = pool_type(env, 2)
    pool.set_capacity(-3)
    assert pool.capacity == 0
