"""A run of the page as a background job: progress, errors, cancel, one at a time."""

from __future__ import annotations

import threading

from sim.app.jobs import Job
from sim.errors import InputError


def test_a_job_reports_progress_and_its_result():
    seen = []

    def work(job):
        for i in range(3):
            job.step("counting", i + 1, 3)
            seen.append(i)
        return "done"

    job = Job(work).start()
    assert job.wait(10)
    assert job.result == "done" and job.error is None and not job.cancelled
    assert job.fraction == 1.0 and job.text == "counting" and seen == [0, 1, 2]
    assert job.seconds is not None and job.seconds >= 0


def test_an_input_error_is_one_line_on_the_page():
    def work(job):
        raise InputError("expected a number", file="levers.yaml", key="levers.x")

    job = Job(work).start()
    assert job.wait(10)
    assert job.error == "levers.yaml: levers.x: expected a number"
    assert job.result is None


def test_cancel_stops_the_job_at_its_next_step():
    release = threading.Event()
    steps = []

    def work(job):
        job.step("first", 1, 2)
        steps.append(1)
        release.wait(10)
        assert job.cancel_event.is_set()
        job.step("second", 2, 2)  # raises: cancelled meanwhile
        steps.append(2)
        return "never"

    job = Job(work).start()
    while not steps:
        threading.Event().wait(0.01)
    job.cancel()
    release.set()
    assert job.wait(10)
    assert job.cancelled and job.result is None and steps == [1]


def test_jobs_run_one_at_a_time():
    release = threading.Event()
    order = []

    def first(job):
        order.append("first starts")
        release.wait(10)
        order.append("first ends")

    def second(job):
        order.append("second starts")

    a = Job(first).start()
    while not order:
        threading.Event().wait(0.01)
    b = Job(second).start()
    assert not b.wait(0.3)  # queued behind the first
    assert b.text.startswith("waiting")
    release.set()
    assert a.wait(10) and b.wait(10)
    assert order == ["first starts", "first ends", "second starts"]
