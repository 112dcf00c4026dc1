"""A search on a Dask cluster gives the same packages, tallies and statuses as a local one."""

from __future__ import annotations

import pytest

import sim

from .conftest import TARGET

distributed = pytest.importorskip("distributed")


def test_search_on_dask_is_identical_to_local(toy, toy_levers, tmp_path):
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
    )
    try:
        address = cluster.scheduler_address
        options = {"max_reps": 20, "max_packages": 6}
        dask = sim.search(toy, toy_levers, [TARGET], address=address, out=tmp_path / "d", **options)
    finally:
        cluster.close()
    local = sim.search(toy, toy_levers, [TARGET], workers=1, out=tmp_path / "l", **options)
    assert dask.manifest["replications"] == local.manifest["replications"] == 20
    for name in ("search.csv", "front.csv"):
        assert (tmp_path / "d" / name).read_bytes() == (tmp_path / "l" / name).read_bytes()
