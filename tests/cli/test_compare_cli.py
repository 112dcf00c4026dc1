"""`sim compare` as a user runs it: exit codes, refusals, files, --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import sim
from sim.cli.app import app
from sim.output.results import write_results

runner = CliRunner()


def sim_cmd(*args: str | Path):
    result = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def assert_refused(result, *fragments: str) -> None:
    """Exit 2 with one error line naming what is wrong, and no traceback."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def folders(tmp_path_factory, small_path) -> dict[str, Path]:
    """Results folders of the small scenario, a variant with fewer trained officers (same
    seed), the small scenario with another seed, and a shorter horizon."""
    root = tmp_path_factory.mktemp("compare")
    small = sim.load_scenario(small_path)
    fewer = sim.with_changes(
        small,
        {"name": "fewer", "officers.trained.count": max(1, small.officers.trained.count // 4)},
    )
    runs = {
        "base": sim.run(small, replications=4, workers=2),
        "fewer": sim.run(fewer, replications=4, workers=2),
        "reseeded": sim.run(small, replications=4, seed=99, workers=2),
        "short": sim.run(small, replications=2, horizon_days=150, workers=2),
    }
    out = {}
    for name, result in runs.items():
        out[name] = write_results(result, root / name)
    variant = root / "fewer.yaml"
    variant.write_text(
        yaml.safe_dump(
            {
                "extends": str(small_path),
                "name": "fewer",
                "officers": {"trained": {"count": fewer.officers.trained.count}},
            }
        )
    )
    out["fewer_yaml"] = variant
    return out


def test_compare_folders_prints_table_and_writes_files(folders, tmp_path):
    out = tmp_path / "cmp"
    r = sim_cmd("compare", folders["base"], folders["fewer"], "--out", out)
    assert r.exit_code == 0, r.stderr
    assert "fewer vs small" in r.stdout and "paired differences" in r.stdout
    assert "allocation_days_mean" in r.stdout and "worse" in r.stdout
    assert "Holm" in r.stdout
    for name in ("comparison.csv", "comparison.json", "comparison.md"):
        assert (out / name).is_file(), name
    data = json.loads((out / "comparison.json").read_text())
    assert data == sim.compare(folders["base"], folders["fewer"])
    csv_lines = (out / "comparison.csv").read_text().splitlines()
    assert len(csv_lines) == 1 + len(data["kpis"])
    assert "| allocation_days_mean |" in (out / "comparison.md").read_text()


def test_json_output_equals_library_result(folders):
    args = [folders["base"], folders["reseeded"], "--target", "inspection_substandard_rate<0.5"]
    r = sim_cmd("compare", *args, "--json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    expected = sim.compare(
        folders["base"], folders["reseeded"], targets=["inspection_substandard_rate<0.5"]
    )
    assert data == expected
    # Different seeds: Welch, and the output says so.
    assert data["scenarios"][1]["method"] == "welch"
    assert {r["method"] for r in data["comparisons"]} == {"welch"}
    target = data["targets"][0]
    assert target["kpi"] == "inspection_substandard_rate"
    assert [s["n"] for s in target["scenarios"]] == [4, 4]


def test_welch_named_in_table(folders):
    r = sim_cmd("compare", folders["base"], folders["reseeded"], "--kpi", "substandard_rate")
    assert r.exit_code == 0, r.stderr
    assert "Welch" in r.stdout and "seeds differ (11 and 99)" in r.stdout


def test_scenario_files_run_with_shared_seeds(folders, small_path):
    """A results folder baseline and a scenario file: the file runs with the folder's seed,
    replications and horizon, so the comparison is paired."""
    r = sim_cmd("compare", folders["base"], folders["fewer_yaml"], "--json", "--workers", "2")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    fewer = data["scenarios"][1]
    assert fewer["kind"] == "scenario" and fewer["method"] == "paired"
    assert (fewer["seed"], fewer["replications"]) == (11, 4)
    # Same seed, replications and model: identical to the folder written by sim.run.
    folder = sim.compare(folders["base"], folders["fewer"])
    assert [r["difference"] for r in data["comparisons"]] == [
        r["difference"] for r in folder["comparisons"]
    ]


def test_two_scenario_files_with_reps(small_path, folders):
    r = sim_cmd(
        "compare", small_path, folders["fewer_yaml"], "--reps", "3", "--days", "120", "--json"
    )
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert [s["replications"] for s in data["scenarios"]] == [3, 3]
    assert {s["horizon_days"] for s in data["scenarios"]} == {120}
    assert data["scenarios"][1]["method"] == "paired"


def test_refuses_fewer_than_two(folders):
    assert_refused(sim_cmd("compare", folders["base"]), "at least two")


def test_refuses_folder_that_is_not_results(folders, tmp_path):
    (tmp_path / "notes").mkdir()
    r = sim_cmd("compare", folders["base"], tmp_path / "notes")
    assert_refused(r, str(tmp_path / "notes"), "not a results folder")


def test_refuses_different_horizons(folders):
    r = sim_cmd("compare", folders["base"], folders["short"])
    assert_refused(r, str(folders["short"]), "horizon_days 150 differs")


def test_refuses_different_kpi_sets_unless_common_kpis(folders, tmp_path):
    trimmed = tmp_path / "trimmed"
    trimmed.mkdir()
    for name in ("manifest.json", "replications.csv"):
        (trimmed / name).write_text((folders["fewer"] / name).read_text())
    summary = json.loads((folders["fewer"] / "summary.json").read_text())
    del summary["kpis"]["harm_events"]
    (trimmed / "summary.json").write_text(json.dumps(summary))
    r = sim_cmd("compare", folders["base"], trimmed)
    assert_refused(r, str(trimmed), "KPIs differ", "harm_events", "--common-kpis")
    r = sim_cmd("compare", folders["base"], trimmed, "--common-kpis", "--json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert "harm_events" not in [k["kpi"] for k in data["kpis"]]
    assert data["kpis_left_out"] == {"small": ["harm_events"]}


def test_refuses_existing_out_without_force(folders, tmp_path, small_path):
    out = tmp_path / "cmp"
    out.mkdir()
    (out / "comparison.md").write_text("old")
    # Refused before any scenario file runs.
    assert_refused(sim_cmd("compare", small_path, small_path, "--out", out), "already exists")
    r = sim_cmd("compare", folders["base"], folders["fewer"], "--out", out, "--force")
    assert r.exit_code == 0, r.stderr
    assert (out / "comparison.md").read_text() != "old"
    r = sim_cmd("compare", folders["base"], folders["fewer"], "--out", folders["base"], "--force")
    assert_refused(r, "is one of the command's inputs")
    assert (folders["base"] / "summary.json").is_file()


@pytest.mark.parametrize(
    ("target", "fragment"),
    [("substandard_rate=0.5", "expected KPI"), ("no_such_kpi<1", "no KPI no_such_kpi")],
)
def test_refuses_bad_target(folders, target, fragment):
    r = sim_cmd("compare", folders["base"], folders["fewer"], "--target", target)
    assert_refused(r, "--target", fragment)


def test_help_has_examples():
    r = sim_cmd("compare", "--help")
    assert r.exit_code == 0
    assert "Examples" in r.stdout and "--target" in r.stdout
