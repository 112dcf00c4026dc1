"""The model's calls on SimPy's schedule land where the SimPy events they stand for would
(sim.model.schedule), whether the model is compiled or not."""

from __future__ import annotations

import simpy

from sim.model.schedule import call_after, call_at, call_now, call_urgently


def test_a_wake_up_comes_exactly_on_its_day():
    """0.2978106069258978 + (1.97251977483186 - 0.2978106069258978) is 1.9725197748318597,
    and no delay gives 1.97251977483186 (the sum falls halfway between floats): a plain
    timeout cannot end on that day, the wake-up does, in its place among same-day events."""
    now, day = 0.2978106069258978, 1.97251977483186
    assert now + (day - now) != day
    env = simpy.Environment(initial_time=now)
    seen = []

    def note(label):
        return lambda _call: seen.append((label, env.now))

    call_at(env, day, note("wake"))
    call_at(env, 123.456789, note("later"))
    env.timeout(0.0).callbacks.append(note("now"))
    env.run()
    assert seen == [("now", now), ("wake", day), ("later", 123.456789)]


def test_calls_take_the_places_of_the_simpy_events_they_stand_for():
    """Each call lands on the day, with the priority and in the order among SimPy's own
    events that the event it stands for would have (run by SimPy's own step here)."""
    env = simpy.Environment(initial_time=2.0)
    seen = []

    def note(label):
        return lambda _event: seen.append((label, env.now))

    env.timeout(1.5).callbacks.append(note("timeout 1.5"))
    call_after(env, 1.5, note("call after 1.5"))
    env.timeout(0.0).callbacks.append(note("timeout 0"))
    call_now(env, note("call now"))
    succeeded = env.event()
    succeeded.callbacks.append(note("event succeeded now"))
    succeeded.succeed()
    call_urgently(env, note("call urgently"))
    env.run()
    assert seen == [
        ("call urgently", 2.0),
        ("timeout 0", 2.0),
        ("call now", 2.0),
        ("event succeeded now", 2.0),
        ("timeout 1.5", 3.5),
        ("call after 1.5", 3.5),
    ]
