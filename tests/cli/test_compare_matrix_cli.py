"""`sim compare` with several scenarios: the overview matrix at 80 columns, its order, its
legend and correction line, measures that never started, and --details."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sim
from sim.cli.app import app
from sim.compare.matrix import cell_text, row_label
from sim.output.results import write_results
from sim.scenario.schema import Measure

runner = CliRunner()
TABLE_ROW = re.compile(r"^│ (.+?) +│(.*)│$")


def sim_cmd(*args: str | Path, columns: int = 80):
    result = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": str(columns)})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.fixture(scope="module")
def folders(tmp_path_factory, small) -> list[Path]:
    """Short runs of the small scenario and three variants: fewer trained officers, more
    from day 100, more from day 900 (after the run's end). 3 replications, 150 days after
    60 of warm-up, so the inspection on day 200 is in."""
    root = tmp_path_factory.mktemp("matrix")
    short = {"replications": 3, "horizon_days": 150, "warmup_days": 60, "workers": 1}
    add = {"officers.trained.count": 6}

    def measure(day: float) -> list[Measure]:
        return [Measure(name="more", day=day, add=add)]

    variants = {
        "small": small,
        "fewer": sim.with_changes(small, {"name": "fewer", "officers.trained.count": 4}),
        "more_detectives": small.model_copy(
            update={"name": "more_detectives", "measures": measure(100)}
        ),
        "late_package": small.model_copy(update={"name": "late_package", "measures": measure(900)}),
    }
    out = []
    for name, scenario in variants.items():
        out.append(write_results(sim.run(scenario, **short), root / name))
    return out


def matrix_rows(stdout: str) -> list[tuple[str, list[str]]]:
    """(scenario, cells) of every body row of every table printed."""
    rows = []
    for line in stdout.splitlines():
        match = TABLE_ROW.match(line)
        if match:
            rows.append((match.group(1).strip(), [c.strip() for c in match.group(2).split("│")]))
    return rows


def test_matrix_fits_80_columns_without_broken_cells(folders):
    r = sim_cmd("compare", *folders)
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    expected = sim.compare(folders)
    matrix = expected["matrix"]
    # Every cell printed whole, in the rows of the matrix and in its order (repeated in each
    # table when the KPI columns are split over several).
    printed = matrix_rows(r.stdout)
    labels = [row_label(row) for row in matrix["rows"]]
    assert [label for label, _ in printed][: len(labels)] == labels
    tables = len(printed) // len(labels)
    assert tables >= 2  # five KPI columns do not fit 80 characters in one table
    cells: dict[str, list[str]] = {label: [] for label in labels}
    for label, texts in printed:
        cells[label] += texts
    for row in matrix["rows"]:
        assert cells[row_label(row)] == [cell_text(c) for c in row["cells"]]
    # Each KPI name is in a header, cut only after underscores.
    header = "".join(
        "".join(part.strip() for part in line.strip("┃").split("┃")[1:])
        for line in lines
        if line.startswith("┃")
    )
    for kpi in matrix["kpis"]:
        assert kpi.split("_")[0] + "_" in header


def test_rows_ordered_by_first_kpi_and_legend_and_correction(folders):
    r = sim_cmd("compare", *folders, "--kpi", "allocation_days_mean", "--kpi", "substandard_rate")
    assert r.exit_code == 0, r.stderr
    matrix = sim.compare(folders, kpis=["allocation_days_mean", "substandard_rate"])["matrix"]
    diffs = [row["cells"][0]["difference"] for row in matrix["rows"]]
    assert diffs == sorted(diffs)  # lower is better: best first
    assert matrix["rows"][-1]["scenario"] == "fewer"
    assert [label for label, _ in matrix_rows(r.stdout)] == [row_label(x) for x in matrix["rows"]]
    assert "best first on allocation_days_mean" in r.stdout
    assert "▲ better  ▼ worse  · no detectable difference  (n) replications" in r.stdout
    # Two KPIs × three scenarios: six tests, and the line says what --kpi does to them.
    assert "Holm over 6 tests (2 KPIs × 3 scenarios); fewer --kpi → milder correction" in (r.stdout)
    assert "fewer vs small" not in r.stdout  # details only on request


def test_never_started_note_and_mark(folders):
    r = sim_cmd("compare", *folders, "--kpi", "substandard_rate")
    assert r.exit_code == 0, r.stderr
    assert "measures in late_package never started: run ends day 210, first measure day 900" in (
        r.stderr
    )
    labels = [label for label, _ in matrix_rows(r.stdout)]
    assert "late_package †" in labels and "more_detectives" in labels
    assert "† measures never started" in r.stdout


def test_details_on_request_and_wide_terminal_one_table(folders):
    r = sim_cmd("compare", *folders, "--details", columns=200)
    assert r.exit_code == 0, r.stderr
    assert "fewer vs small" in r.stdout and "late_package vs small" in r.stdout
    matrix = sim.compare(folders)["matrix"]
    assert len(matrix_rows(r.stdout)) > len(matrix["rows"])  # matrix, then the details
    assert r.stdout.count("best first on") == 1


def test_one_scenario_keeps_its_table(folders):
    r = sim_cmd("compare", folders[0], folders[1], columns=200)
    assert r.exit_code == 0, r.stderr
    assert "fewer vs small" in r.stdout and "best first on" not in r.stdout


def test_wilson_bounds_print_as_0_and_1_and_targets_fit_80_columns(folders):
    # Every replication meets the first target and none the second: Wilson bounds of exactly
    # 1 and 0 (not 0.9999999999999999 or 5.55e-17).
    targets = ["substandard_rate<2", "inspection_substandard_rate<0"]
    r = sim_cmd(
        "compare", *folders, "--kpi", "substandard_rate", "-t", targets[0], "-t", targets[1]
    )
    assert r.exit_code == 0, r.stderr
    assert max(len(line) for line in r.stdout.splitlines()) <= 80
    assert "0.439 to 1 │   3 / 3" in r.stdout and "0 to 0.561 │   0 / 3" in r.stdout
    assert "e-1" not in r.stdout and "0.9999" not in r.stdout
    for target in targets:  # each target printed whole, as the title of its table
        assert any(line.strip() == target for line in r.stdout.splitlines())


def test_one_scenario_table_fits_80_columns_with_whole_cells(folders):
    # The late package against the baseline: its own table, narrowed to what fits.
    r = sim_cmd("compare", folders[0], folders[2], "--all")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    result = sim.compare(folders[0], folders[2])
    body = {label: cells for label, cells in matrix_rows(r.stdout)}
    # Every KPI is a whole row label, and its verdict cell starts with the verdict's mark
    # (the long names leave no room for verdicts in words).
    for row in result["comparisons"]:
        assert row["kpi"] in body, row["kpi"]
        mark = {"better": "▲", "worse": "▼", "no detectable difference": "·"}
        assert body[row["kpi"]][-1].startswith(mark.get(row["verdict"], "n/a"))
    assert "▲ better  ▼ worse" in r.stdout  # the legend of the marks
    late = sim_cmd("compare", folders[0], folders[3], "--kpi", "substandard_rate", columns=120)
    words = " ".join(late.stdout.split())  # the title wraps to the table's width
    assert "measures never started: run ends day 210, first measure day 900" in words
