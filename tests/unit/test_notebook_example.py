"""examples/notebook_question.py runs end to end and its answer follows from its frames.

The default test runs the script's FAST mode (a compressed timeline, four scenarios, two
replications: about 20 s of one core); the full question (ten scenarios to the 12-month
follow-up) is marked slow.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "notebook_question.py"


def run_script(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(SCRIPT), run_name="__main__")


def check_answer(ns: dict, scenarios: int) -> None:
    frame, kpi = ns["frame"], ns["KPI"]
    kpi_rows = frame[frame["row"] == "kpi"]
    assert len(kpi_rows) == scenarios and set(kpi_rows["kpi"]) == {kpi}
    assert list(kpi_rows["scenario"][:2]) == ["baseline", "package"]
    # part 1: the verdict on 50% follows from the package's interval
    pkg = ns["pkg"]
    if pkg["ci_high"] < 0.5:
        assert ns["answer"].startswith("yes")
    elif pkg["ci_low"] >= 0.5:
        assert ns["answer"].startswith("no")
    else:
        assert ns["answer"].startswith("undecided")
    chance = ns["chance"]
    met = (ns["package_run"].kpi_values(kpi) < 0.5).sum()
    assert chance["met"] == met and chance["n"] == ns["REPS"]
    # part 2: the best single measure has the lowest difference among the singles
    singles = kpi_rows[kpi_rows["scenario"].isin([s.name for s in ns["singles"]])]
    assert ns["best"]["difference"] == singles["difference"].min()
    assert ns["best"]["scenario"] not in ("baseline", "package")
    # the time series cover both runs, by date
    assert set(ns["series"]["scenario"]) == {"baseline", "package"}
    assert ns["quarterly"].index.dtype.kind == "M"


def test_fast_mode_answers_from_the_frames(monkeypatch, capsys):
    ns = run_script(monkeypatch, CASEFLOW_EXAMPLE_FAST="1")
    check_answer(ns, scenarios=4)
    out = capsys.readouterr().out
    assert "package: followup_12m_substandard_rate" in out and "largest fall:" in out
    # the compressed timeline: measures from day 30, the follow-up on day 90
    assert ns["first_measure"] == 30 and ns["followup_day"] == 90


@pytest.mark.slow
def test_full_question(monkeypatch):
    ns = run_script(monkeypatch, CASEFLOW_EXAMPLE_REPS="2")
    check_answer(ns, scenarios=10)
    assert ns["followup_day"] == 1424 and str(ns["date"](1424)) == "2017-11-25"
