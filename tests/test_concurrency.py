"""Two `sim run` into one --out, started together: one writes, the other is refused at once."""

from __future__ import annotations

import csv
import json
import os
import time

from tests.processes import start_sim, stderr_of

# several seconds of simulation (more under load), so the two runs overlap: the winner's
# 4 replications of 6,000 days take 3 s compiled on an idle machine (600 days took 0.5 s).
# Both runs once exited 0 with their whole output, and another failure left no details:
# the lock's race explains both (test_a_lock_whose_holder_has_not_written_its_process_id_
# yet_is_held), and they were blamed at first on runs that did not overlap
ARGS = ["--reps", "4", "--workers", "1", "--days", "6000", "--out", "tmp/x"]


def test_second_run_into_the_same_folder_is_refused_at_once(tmp_path, small_path):
    (tmp_path / "tmp").mkdir()
    seeds = {"a": 101, "b": 202}
    procs = {
        name: start_sim(["run", str(small_path), *ARGS, "--seed", str(seed)], tmp_path, name)
        for name, seed in seeds.items()
    }
    ended: dict[str, float] = {}
    while len(ended) < 2:
        for name, proc in procs.items():
            if name not in ended and proc.poll() is not None:
                ended[name] = time.monotonic()
        time.sleep(0.05)
    statuses = {name: proc.returncode for name, proc in procs.items()}
    assert statuses != {"a": 0, "b": 0}, "the two runs did not overlap: make them longer"
    assert sorted(statuses.values()) == [0, 2], {n: stderr_of(tmp_path, n) for n in procs}
    winner = next(n for n, s in statuses.items() if s == 0)
    loser = next(n for n, s in statuses.items() if s == 2)
    refusal = stderr_of(tmp_path, loser).splitlines()
    assert len(refusal) == 1 and refusal[0].startswith("error: tmp/x: folder in use")
    assert ended[loser] < ended[winner]  # refused while the other run was still running

    out = tmp_path / "tmp" / "x"
    assert sorted(os.listdir(tmp_path / "tmp")) == ["x"]  # no lock, no temporary left
    manifest = json.loads((out / "manifest.json").read_text())
    assert f"--seed {seeds[winner]}" in " ".join(manifest["command"])
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == seeds[winner] and summary["replications"] == 4
    with open(out / "replications.csv", newline="") as f:
        assert [int(r["replication"]) for r in csv.DictReader(f)] == list(range(4))
    assert (out / ".caseflow-sim.json").is_file()
