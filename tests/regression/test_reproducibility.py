"""Same seed, same numbers: whatever the number of workers; different seeds differ."""

from __future__ import annotations

import json

import sim
from sim.output.results import write_results


def test_same_seed_identical_summary_json(tmp_path, small):
    a = write_results(sim.run(small, replications=2, seed=3), tmp_path / "a")
    b = write_results(sim.run(small, replications=2, seed=3), tmp_path / "b")
    assert (a / "summary.json").read_bytes() == (b / "summary.json").read_bytes()
    assert (a / "replications.csv").read_bytes() == (b / "replications.csv").read_bytes()
    assert (a / "timeseries.csv").read_bytes() == (b / "timeseries.csv").read_bytes()


def test_workers_do_not_change_results(small):
    one = sim.run(small, replications=3, seed=8, workers=1)
    two = sim.run(small, replications=3, seed=8, workers=2)
    # compared as text: nan != nan would fail a plain equality of dicts
    assert json.dumps(one.replication_rows()) == json.dumps(two.replication_rows())


def test_different_seeds_differ(small):
    a = sim.run(small, replications=1, seed=1).replication_rows()[0]
    b = sim.run(small, replications=1, seed=2).replication_rows()[0]
    assert (
        a["referrals"] != b["referrals"] or a["allocation_days_mean"] != b["allocation_days_mean"]
    )


def test_replication_r_is_the_same_in_longer_runs(small):
    """Replication 1 of a 2-replication run equals replication 1 of a 3-replication run."""
    two = sim.run(small, replications=2, seed=4).replication_rows()
    three = sim.run(small, replications=3, seed=4).replication_rows()
    assert json.dumps(two[1], default=str) == json.dumps(three[1], default=str)


def test_common_random_numbers_across_scenarios(small):
    """A change downstream of arrivals leaves the arrivals of replication r unchanged."""
    more_staff = sim.with_changes(small, {"officers.trained.count": 9})
    a = sim.run(small, replications=2, seed=5).kpi_values("referrals")
    b = sim.run(more_staff, replications=2, seed=5).kpi_values("referrals")
    assert list(a) == list(b)
