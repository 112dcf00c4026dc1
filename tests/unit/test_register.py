"""The assumptions register: comments by key path, statuses, sources and calibration."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.errors import InputError
from sim.scenario.annotations import cited_tags, note_for, read_comments, read_note
from sim.scenario.register import describe
from sim.scenario.sources_doc import parse_sources, read_sources

ROOT = Path(__file__).parent.parent.parent
SOURCES = ROOT / "docs" / "sources.md"


def by_key(register):
    return {p.key: p for p in register.parameters}


def test_read_note_takes_the_first_status_word():
    assert read_note("[S29] caseloads; cap assumed a little above").status == "sourced"
    assert read_note("assumed: share of MASH intake [S20]").status == "assumed"
    assert read_note("calibrated: shortfalls [S1] substandard").status == "calibrated"
    assert read_note("highest first").status is None
    note = read_note("source: my survey of 40 teams")
    assert (note.status, note.source_text) == ("sourced", "my survey of 40 teams")


def test_cited_tags_expand_ranges():
    assert cited_tags("[S6]-[S8] dual-graded; shares [S9]") == ("S6", "S7", "S8", "S9")
    assert cited_tags("public figures are cited as [Sn]") == ()


def test_shared_line_comment_split_by_the_keys_it_names(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text(
        "warrants:\n"
        "  # assumed: a small team\n"
        "  supervisors: 6\n"
        "  court_days: {kind: lognormal, mean: 5, cv: 1.3}   # assumed mean; cv calibrated\n"
        "  teams: 4  # a comment without status\n",
        encoding="utf-8",
    )
    comments = read_comments(f)
    assert comments[("warrants", "supervisors")].line == 3
    mean = note_for(comments, ("warrants", "court_days", "mean"))
    cv = note_for(comments, ("warrants", "court_days", "cv"))
    assert mean[0].status == "assumed" and cv[0].status == "calibrated"
    assert note_for(comments, ("warrants", "supervisors"))[0].text == "assumed: a small team"
    assert note_for(comments, ("warrants", "teams")) is None


def test_sources_rows_parsed_with_title_and_confidence():
    text = (
        "**S1. 278 of 374 audited\ncases substandard (74%).** Text. Confidence: H.\n\n"
        "**S2. X.** Confidence: M–H."
    )
    rows = parse_sources(text)
    assert rows["S1"].title == "278 of 374 audited cases substandard (74%)"
    assert rows["S1"].confidence == "H" and rows["S2"].confidence == "M–H"


def test_baseline_citations_exist_in_sources_and_enough_are_sourced(baseline_path):
    register = describe(baseline_path)
    rows = read_sources(SOURCES)
    cited = set(re.findall(r"\[(S\d+)\]", baseline_path.read_text(encoding="utf-8")))
    assert cited and cited <= set(rows), sorted(cited - set(rows))
    sourced = [p for p in register.parameters if p.status == "sourced"]
    assert len(sourced) >= 30
    for p in sourced:
        assert p.sources and all(s.title for s in p.sources), p.key
    params = by_key(register)
    count = params["officers.trained.count"]
    assert [s.id for s in count.sources] == ["S17", "S18"]
    lines = Path(count.file).read_text(encoding="utf-8").splitlines()
    assert count.file.endswith("baseline.yaml")
    assert lines[count.line - 1].strip().startswith("count: 398")
    assert sum(register.counts[s] for s in ("sourced", "calibrated", "assumed")) == len(params)


def test_every_citation_in_shipped_scenarios_is_a_row_of_sources():
    rows = read_sources(SOURCES)
    for path in sorted((ROOT / "scenarios").rglob("*.yaml")):
        cited = set(cited_tags(path.read_text(encoding="utf-8")))
        assert cited <= set(rows), (path.name, sorted(cited - set(rows)))


def test_baseline_keys_without_comment_are_assumed_or_default(baseline_path):
    params = by_key(describe(baseline_path))
    horizon = params["run.horizon_days"]  # written, its comment gives no status
    assert (horizon.status, horizon.detail, horizon.unit) == ("assumed", "no source cited", "days")
    review = params["supervision.review_rate"]  # not in the file at all
    assert review.status == "assumed" and review.detail.startswith("default")
    assert review.file is None and review.value == 0.0


def test_baseline_free_keys_are_calibrated_by_the_targets_file(baseline_path):
    params = by_key(describe(baseline_path))
    calibrated = {k for k, p in params.items() if p.status == "calibrated"}
    assert calibrated == {
        "categories.intra_familial_abuse.external_wait_days.mean",
        "officers.trained.practice_lapse_rate",
        "grading.rules.late_safeguarding.factor",
        "warrants.court_days.cv",
        "workforce.recruit_trained_rate",
        "hazards.evidence_loss_per_day",
    }
    fit = params["warrants.court_days.cv"].calibration
    assert fit.file.name == "baseline_targets.yaml" and "inspection_warrant_days_max" in fit.kpis
    assert params["warrants.court_days.mean"].status == "assumed"  # "assumed mean; cv calibrated"


def test_measure_file_keys_carry_their_own_comments(baseline_path):
    path = baseline_path.parent / "measures" / "caseload_cap.yaml"
    params = by_key(describe(path))
    own = params["measures.0.set.officers.trained.caseload_cap"]
    assert own.status == "assumed" and own.file.endswith("caseload_cap.yaml")
    assert [s.id for s in own.sources] == ["S29"]
    inherited = params["officers.trained.count"]
    assert inherited.status == "sourced" and inherited.file.endswith("baseline.yaml")


def test_users_own_source_text_and_targets(tmp_path, small_path):
    text = small_path.read_text(encoding="utf-8").replace(
        "referrals_per_year: 300\n", "referrals_per_year: 300  # source: my survey\n"
    )
    mine = tmp_path / "mine.yaml"
    mine.write_text(text, encoding="utf-8")
    (tmp_path / "mine_targets.yaml").write_text(
        "targets:\n  - {kpi: referrals_per_year, value: 3300, tolerance: 100}\n"
        "free:\n  triage.staff: 1:10\n",
        encoding="utf-8",
    )
    register = describe(mine, sources_file=tmp_path / "missing.md")
    params = by_key(register)
    own = params["categories.online.referrals_per_year"]
    assert (own.status, own.detail) == ("sourced", "my survey")
    staff = params["triage.staff"]
    assert staff.status == "calibrated" and staff.calibration.kpis == ("referrals_per_year",)
    assert register.counts["sourced"] == 1 and register.counts["calibrated"] == 1


def test_tags_without_sources_file_show_ids_only(tmp_path, small_path):
    mine = tmp_path / "mine.yaml"
    text = small_path.read_text(encoding="utf-8").replace(
        "  warmup_days: 60\n", "  warmup_days: 60   # [S99] my figure\n"
    )
    mine.write_text(text, encoding="utf-8")
    params = by_key(describe(mine, sources_file=tmp_path / "missing.md"))
    warmup = params["run.warmup_days"]
    assert warmup.status == "sourced" and [s.id for s in warmup.sources] == ["S99"]
    assert warmup.detail == "[S99]"


def test_bad_targets_file_is_input_error(tmp_path, small_path):
    bad = tmp_path / "t.yaml"
    bad.write_text("free: [1, 2]\n", encoding="utf-8")
    with pytest.raises(InputError, match="t.yaml"):
        describe(small_path, targets=[bad])
    with pytest.raises(InputError, match="not a targets file"):
        describe(small_path, targets=[small_path])
