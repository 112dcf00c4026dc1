"""The report of a search folder: a real toy search (answer prevention=3 at GBP 150,000 a
year, see tests/search/data/toy.yaml) and copies of it altered to reach the awkward cases
(no package chosen, packages never simulated, one package, equal costs, the levers file
gone or changed, extra columns)."""

from __future__ import annotations

import json
import math

import pytest
import yaml

from sim.errors import InputError
from sim.report import build_report
from sim.report.figures_search import chart_data, search_figure
from sim.report.inputs import folder_kind
from sim.report.search_input import read_search
from tests.report.test_report_cli import invoke
from tests.search_folder import DATA, altered, run_toy_search


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    """The toy search folder, written with --report; and the command's output."""
    out = tmp_path_factory.mktemp("search-report") / "toy-search"
    said = run_toy_search(out, "--report")
    return out, said


def _read(folder, base):
    return read_search(folder, base)


def test_search_report_is_written_by_search_report(toy):
    folder, said = toy
    assert "report.html" in said.replace("\n", "")
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "<h2>Cost against probability</h2>" in page and "<svg" in page
    assert (folder / "figures" / "search.svg").is_file()
    assert (folder / "figures" / "search.png").stat().st_size > 5_000
    assert folder_kind(folder) == "search"


def test_headline_states_the_choice_cost_interval_and_the_claim(toy, tmp_path):
    folder, _ = toy
    manifest = json.loads((folder / "manifest.json").read_text())
    report = build_report([folder], base=tmp_path)
    first, claim = report.headline.sentences
    assert "is prevention=3, at GBP 150,000 a year" in first
    assert "P = 1 (16 of 16 replications), Wilson 95% interval 0.806–1" in first
    assert claim == f"The search's claim: {manifest['claim']}."
    assert "P ≥ 0.8 at that confidence" in claim
    scale = report.headline.scale
    assert f"{manifest['replications']} replications of a budget of 112" in scale
    assert "15 of 15 candidate packages simulated" in scale and "settled" in scale
    assert "seed 5" in scale
    assert [s.title for s in report.sections] == [
        "Cost against probability",
        "Levers and costs",
        "How the search ran",
    ]
    assert "Some costs are assumed, not from a costing: see Levers and costs." in (
        report.headline.warnings
    )


def test_chart_data_are_the_simulated_packages_front_and_choice(toy, tmp_path):
    folder, _ = toy
    found = _read(folder, tmp_path)
    data = chart_data(found)
    assert sum(len(p) for p in data.points.values()) == 15
    assert {s: len(p) for s, p in data.points.items()} == {
        "infeasible": 9,
        "feasible": 1,
        "dominated": 5,
    }
    for cost, p, low, high in data.points["feasible"]:
        assert (cost, p) == (150000.0, 1.0) and low == pytest.approx(0.806, abs=1e-3) and high == 1
    assert data.chosen == ("prevention=3", 150000.0, 1.0)
    assert data.required == 0.8
    costs = [c for c, _ in data.front]
    assert costs == sorted(costs) and [p for _, p in data.front] == sorted(p for _, p in data.front)
    assert data.front[-1] == (150000.0, 1.0)
    assert data.x_range[0] < 0 < 285000 < data.x_range[1]


def test_levers_table_has_the_costs_and_sources_the_search_recorded(toy, tmp_path):
    folder, _ = toy
    report = build_report([folder], base=tmp_path)
    levers = report.sections[1]
    assert levers.paragraphs[0] == "Costs and sources as the search recorded them (manifest.json)."
    rows = levers.tables[0].rows
    assert rows[0][:4] == [
        "prevention",
        "fewer family referrals from day 0",
        "1, 2, 3, 4",
        "GBP 50,000 a year per level (a prevention worker)",
    ]
    assert rows[0][4] == "assumed: toy figure"
    assert ["", "", "", "GBP 5,000 a year while on (set-up)", "assumed: toy figure"] in rows
    table = report.sections[0].tables[0]
    labels = [r[0] for r in table.rows]
    assert labels[0] == "none" and "prevention=3" in labels and len(labels) == 15
    chosen = next(r for r in table.rows if r[0] == "prevention=3")
    assert chosen[1:] == ["150,000", "16", "16", "1", "0.806–1", "feasible (chosen)"]


def test_an_older_folder_reads_the_levers_file_while_it_still_gives_the_costs(toy, tmp_path):
    folder, _ = toy
    older = {"levers_definition": None, "currency": None}  # folders before they were recorded
    kept = altered(folder, tmp_path / "kept", manifest=older)
    found = _read(kept, tmp_path)
    assert found.levers is not None and found.levers_note.startswith(
        "Costs and sources as read now"
    )
    assert found.currency == "GBP"


def test_a_levers_file_not_at_hand_or_changed_is_said_not_invented(toy, tmp_path):
    folder, _ = toy
    older = {"levers_definition": None, "currency": None}  # folders before they were recorded
    gone = altered(
        folder, tmp_path / "gone", manifest={"levers_file": "nowhere/levers.yaml", **older}
    )
    found = _read(gone, tmp_path)
    assert found.levers is None and "is not at hand" in found.levers_note
    report = build_report([gone], base=tmp_path)
    assert "at 150,000 (currency not recorded) a year" in report.headline.sentences[0]
    assert "The currency of the costs is not recorded in the search folder." in (
        report.headline.warnings
    )
    assert report.sections[1].tables[0].rows[0][3] == "not recorded"
    levers = yaml.safe_load((DATA / "toy_levers.yaml").read_text())
    levers["levers"]["prevention"]["costs"][0]["per_year"] = 60000
    file = tmp_path / "changed.yaml"
    file.write_text(yaml.safe_dump(levers))
    changed = altered(folder, tmp_path / "changed", manifest={"levers_file": str(file), **older})
    found = _read(changed, tmp_path)
    assert found.levers is None and "has changed since the search" in found.levers_note
    assert found.currency == ""


def test_no_package_chosen(toy, tmp_path):
    folder, _ = toy
    claim = (
        "no package shown to meet every target with probability ≥ 0.8 (every package is ruled out)"
    )
    none = altered(
        folder,
        tmp_path / "none",
        rows=lambda rows: [r | {"status": "infeasible"} for r in rows],
        manifest={"best_package": None, "claim": claim},
    )
    report = build_report([none], base=tmp_path)
    assert report.headline.sentences == [
        "No package was shown to meet referrals_per_year_category_family<2000 with "
        "probability ≥ 0.8.",
        f"The search's claim: {claim}.",
    ]
    data = chart_data(read_search(none, tmp_path))
    assert data.chosen is None and list(data.points) == ["infeasible"]
    assert "no package was chosen" in report.figures[0].alt
    assert "(chosen)" not in str(report.sections[0].tables[0].rows)


def test_packages_never_simulated_are_left_off_the_chart(toy, tmp_path):
    folder, _ = toy

    def unsimulated(rows):
        for r in rows[:4]:
            r.update(replications="0", successes="0", probability="", wilson_low="")
            r.update(wilson_high="", status="undecided")
        return rows

    part = altered(folder, tmp_path / "part", rows=unsimulated, manifest={"settled": False})
    data = chart_data(read_search(part, tmp_path))
    assert sum(len(p) for p in data.points.values()) == 11 and "undecided" not in data.points
    report = build_report([part], base=tmp_path)
    first = report.sections[0].tables[0].rows[0]
    assert first == ["none", "0", "0", "–", "–", "–", "undecided"]
    assert report.headline.warnings[0].startswith("Not settled:")
    assert "; not settled; " in report.headline.scale
    never = altered(
        folder, tmp_path / "never", rows=lambda rows: unsimulated(rows[:3]), manifest={}
    )
    assert chart_data(read_search(never, tmp_path)) is None
    assert build_report([never], base=tmp_path).figures == []


def test_one_package_and_equal_costs_still_make_a_chart(toy, tmp_path):
    folder, _ = toy
    one = altered(folder, tmp_path / "one", rows=lambda rows: rows[8:9])
    data = chart_data(read_search(one, tmp_path))
    assert data.chosen == ("prevention=3", 150000.0, 1.0)
    assert data.x_range[0] < 150000 < data.x_range[1]
    assert 'width="' in search_figure(read_search(one, tmp_path)).svg()
    same = altered(
        folder,
        tmp_path / "same",
        rows=lambda rows: [r | {"cost_per_year": "1000.0"} for r in rows],
        manifest={"levers_file": None},
    )
    data = chart_data(read_search(same, tmp_path))
    low, high = data.x_range
    assert low < 1000 < high and math.isfinite(low) and high - low >= 2
    assert build_report([same], base=tmp_path).figures[0].svg().startswith("<svg")


def test_extra_columns_are_tolerated_and_missing_ones_refused(toy, tmp_path):
    folder, _ = toy
    staged = altered(
        folder, tmp_path / "staged", rows=lambda rows: [r | {"stage": "screening"} for r in rows]
    )
    assert chart_data(read_search(staged, tmp_path)).chosen[0] == "prevention=3"

    def no_cost(rows):
        return [{k: v for k, v in r.items() if k != "cost_per_year"} for r in rows]

    broken = altered(folder, tmp_path / "broken", rows=no_cost)
    with pytest.raises(InputError, match="no 'cost_per_year' column"):
        build_report([broken], base=tmp_path)


def test_sim_report_of_a_search_folder_and_bad_input(toy, tmp_path):
    folder, _ = toy
    copy = altered(folder, tmp_path / "copy")
    made = invoke("report", copy, "--suppress-below", "5")
    assert made.exit_code == 0, made.output
    page = (copy / "report.html").read_text(encoding="utf-8")
    assert "<h2>How the search ran</h2>" in page and "nothing is hidden" in page
    assert (copy / "figures" / "search.svg").is_file()
    broken = altered(
        folder,
        tmp_path / "broken",
        rows=lambda rows: [{k: v for k, v in r.items() if k != "status"} for r in rows],
    )
    out = invoke("report", broken)
    assert out.exit_code == 2 and "no 'status' column" in out.output
    assert len(out.output.strip().splitlines()) == 1
    other = altered(folder, tmp_path / "other", manifest={"kind": "something"})
    out = invoke("report", other)
    assert out.exit_code == 2 and "calibration or search folder" in out.output


def test_search_takes_suppress_below_only_beside_report(tmp_path):
    alone = invoke(
        "search",
        DATA / "toy.yaml",
        "--levers",
        DATA / "toy_levers.yaml",
        "--target",
        "referrals_per_year_category_family<2000",
        "--out",
        tmp_path / "s",
        "--suppress-below",
        "5",
    )
    assert alone.exit_code == 2 and "add --report" in alone.output
    assert not (tmp_path / "s").exists()


def test_packages_added_by_refinement_are_counted_apart():
    from sim.report.headline_search import refined_text, search_scale

    m = {"replications": 40, "options": {"max_reps": 80}, "packages_simulated": 11}
    m |= {"candidate_packages": 8, "refined_packages": 3, "grid_packages": 4860}
    assert refined_text(m) == " + 3 from refinement"
    assert "11 of 8 candidate packages + 3 from refinement simulated (4860 in the grid)" in (
        search_scale(m)
    )
    assert refined_text({"refined_packages": 0}) == "" == refined_text({})


def test_costs_on_the_chart_are_compact():
    from sim.report.figures_search import compact_money

    assert compact_money(12_102_000) == "12.1m" and compact_money(150_000) == "150k"
    assert compact_money(900) == "900" and compact_money(0) == "0"
