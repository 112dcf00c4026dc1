"""`sim report` and `--report` as a user runs them: where the page goes, what is refused."""

from __future__ import annotations

from typer.testing import CliRunner

from sim.cli.app import app
from sim.experiment.dask_executor import ADDRESS_ENV
from sim.output.folders import MARKER
from tests.report_data import DATA, SHORT, sim_invoke


def invoke(*args: str):
    return CliRunner().invoke(
        app, [str(a) for a in args], env={ADDRESS_ENV: None, "COLUMNS": "200"}
    )


def _copy(src, dst):
    dst.mkdir()
    for f in src.iterdir():
        if f.is_file():
            (dst / f.name).write_bytes(f.read_bytes())
    return dst


def test_report_goes_into_the_folder_and_is_replaced_only_with_force(folders, tmp_path):
    folder = _copy(folders["base"], tmp_path / "run")
    out = invoke("report", folder)
    assert out.exit_code == 0, out.output
    # the path may wrap at the console width (80 columns under pytest-xdist)
    assert "report.html" in out.output.replace("\n", "") and " KB, " in out.output
    page = folder / "report.html"
    first = page.read_text()
    assert "<h2>The answer</h2>" in first and (folder / "figures" / "open-cases.png").is_file()
    again = invoke("report", folder)
    assert again.exit_code == 2 and "use --force" in again.output
    assert page.read_text() == first
    forced = invoke("report", folder, "--force", "--suppress-below", "100000")
    assert forced.exit_code == 0, forced.output
    assert "under 100000 (suppressed)" in page.read_text()
    assert not [p for p in folder.iterdir() if p.name.startswith(".report.tmp")]


def test_several_results_folders_need_out_and_make_a_report_folder(folders, tmp_path):
    refused = invoke("report", folders["base"], folders["more"])
    assert refused.exit_code == 2 and "give --out DIR" in refused.output
    out = tmp_path / "page"
    made = invoke("report", folders["base"], folders["more"], "--out", out)
    assert made.exit_code == 0, made.output
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "figures", "report.html"]
    assert "Differences from the baseline" in (out / "report.html").read_text()
    mixed = invoke("report", folders["base"], folders["oat"], "--out", tmp_path / "x")
    assert mixed.exit_code == 2 and "results folders only" in mixed.output


def test_bad_folders_are_one_line_exit_2(tmp_path):
    assert invoke("report", tmp_path / "missing").exit_code == 2
    (tmp_path / "mine").mkdir()
    out = invoke("report", tmp_path / "mine")
    assert out.exit_code == 2
    assert "not a results, comparison, sweep, calibration or search folder" in out.output


def test_run_and_compare_take_report(tmp_path):
    small = str(DATA / "small.yaml")
    run = tmp_path / "run"
    text = sim_invoke("run", small, *SHORT, "--out", str(run), "--report")
    assert "report.html" in text.replace("\n", "")
    assert (run / "report.html").is_file() and (run / "figures" / "waits.svg").is_file()
    # --force replaces a results folder holding a report (report.html and figures/ are its own)
    sim_invoke("run", small, *SHORT, "--out", str(run), "--force")
    assert not (run / "report.html").exists()
    # --suppress-below goes with --report, on the run's own page too
    alone = invoke("run", small, *SHORT, "--out", run, "--force", "--suppress-below", "5")
    assert alone.exit_code == 2 and "add --report" in alone.output
    hidden = ["--report", "--suppress-below", "100000"]
    sim_invoke("run", small, *SHORT, "--out", str(run), "--force", *hidden)
    assert "under 100000 (suppressed)" in (run / "report.html").read_text()
    refused = invoke("compare", run, run, "--report")
    assert refused.exit_code == 2 and "--report writes into the comparison folder" in refused.output
