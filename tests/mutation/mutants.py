"""Mutation check of the test net: one-line slips in the model that the default test run
must catch.

Each mutant replaces one line of ``sim/model/`` (units, comparisons, priorities, rates,
counters) in a scratch copy of the project, runs the default test run there with ``-x`` (unit
and golden tests first, so a caught slip stops early) and records the first test that
failed. A mutant that passes every test is a hole in the net.

Run:  python -m tests.mutation.mutants [--only NAME ...] [--json results.json]
Takes one default test run per mutant at worst (usually well under a minute each).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# stages run in turn, each with -x: the direct unit tests and the golden results first
# (seconds), then the whole default run (pytest does not keep the order of overlapping paths)
STAGES = [
    [
        "tests/unit/test_grading_rules.py",
        "tests/unit/test_server_pool.py",
        "tests/unit/test_allocator.py",
        "tests/unit/test_measures_unit.py",
        "tests/regression",
        "tests/unit/test_mechanisms.py",
        "tests/unit/test_conservation.py",
        "tests/unit/test_work_stretches.py",
        "tests/unit/test_triage_desk.py",
        "tests/unit/test_referral_tally.py",
        "tests/unit/test_arrivals.py",
        "tests/unit/test_harvest.py",
        "tests/unit/test_case_records.py",
    ],
    ["tests"],
]


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str  # under sim/model/
    before: str  # must occur exactly once in the file (one line or a few)
    after: str
    slip: str  # what a person would have got wrong


MUTANTS = [
    Mutant(
        "triage-target-in-days",
        "grading.py",
        "risk.triage_target_hours / HOURS_PER_DAY,",
        "risk.triage_target_hours,",
        "units: the triage target read in days instead of hours",
    ),
    Mutant(
        "triage-time-in-days",
        "pathway.py",
        "days = referral.triage_hours / HOURS_PER_DAY",
        "days = referral.triage_hours",
        "units: triage work taken as days, not hours",
    ),
    Mutant(
        "desk-before-same-day-events",
        "triage_desk.py",
        "if due and (not queue or due[0][0] < queue[0][0]):  # SimPy's of the day first",
        "if due and (not queue or due[0][0] <= queue[0][0]):",
        "order: an arrival window ending on a measure's day runs before the measure",
    ),
    Mutant(
        "desk-frees-staff-idle",
        "triage_desk.py",
        "            what[4](what[3])\n            self._start_waiting()\n",
        "            what[4](what[3])\n",
        "order: a referral waiting for triage staff is not started when a service ends",
    ),
    Mutant(
        "no-work-sessions",
        "officers.py",
        "hours = left if session is None else min(left, session)",
        "hours = left",
        "work sessions ignored: a chunk is done in one go",
    ),
    Mutant(
        "stretch-ignores-the-queue",
        "officers.py",
        "alone = self.plan_ahead and (not ready or ready[0][:3] > key)",
        "alone = self.plan_ahead",
        "sessions planned ahead although higher-priority work waits",
    ),
    Mutant(
        "stretch-not-cut-by-new-work",
        "officers.py",
        "self.cut()  # it would be taken before the case worked on: at the next end",
        "pass",
        "higher-priority work given does not end a planned stretch at the session in progress",
    ),
    Mutant(
        "chunk-priority-reversed",
        "officers.py",
        "return case.triaged_risk, int(chunk), case.referral_day",
        "return case.triaged_risk, -int(chunk), case.referral_day",
        "priority: investigation before safeguarding",
    ),
    Mutant(
        "external-not-open",
        "enums.py",
        "OPEN_STAGES = (Stage.ALLOCATION, Stage.OFFICER, Stage.WARRANT, Stage.EXTERNAL)",
        "OPEN_STAGES = (Stage.ALLOCATION, Stage.OFFICER, Stage.WARRANT)",
        "counter: cases waiting on others dropped from the open-case count",
    ),
    Mutant(
        "caseload-cap-off-by-one",
        "officers.py",
        "return len(self.held) < cap",
        "return len(self.held) <= cap",
        "comparison: an officer takes one case over the cap",
    ),
    Mutant(
        "most-loaded-first",
        "allocator.py",
        "entry = (len(officer.held), officer.id, officer.version, officer)",
        "entry = (-len(officer.held), officer.id, officer.version, officer)",
        "priority: new cases go to the busiest officer",
    ),
    Mutant(
        "attrition-rate-inverted",
        "workforce.py",
        "tenure = self._rng.exponential(DAYS_PER_YEAR / rate)",
        "tenure = self._rng.exponential(DAYS_PER_YEAR * rate)",
        "rate: mean tenure multiplied by the leaving rate instead of divided",
    ),
    Mutant(
        "lapse-comparison-flipped",
        "pathway.py",
        "if case.lapse_draw >= chance:",
        "if case.lapse_draw < chance:",
        "comparison: a practice lapse when the draw is above its chance",
    ),
    Mutant(
        "grade-at-threshold",
        "grading.py",
        (
            "if allocation is not None and _elapsed(referred, "
            "case.allocated_day, as_of_day) > allocation:"
        ),
        (
            "if allocation is not None and _elapsed(referred, "
            "case.allocated_day, as_of_day) >= allocation:"
        ),
        "comparison: a case allocated exactly on its target counted late",
    ),
    Mutant(
        "harm-ignores-warmup",
        "harvest.py",
        "exposure = min(end, self.end_day) - max(referred, self.warmup_day)",
        "exposure = min(end, self.end_day) - referred",
        "counter: harm counted during the warm-up",
    ),
    Mutant(
        "seasonality-phase-sign",
        "arrivals.py",
        "r *= 1.0 + p.amplitude * np.cos(2 * np.pi * (days - p.peak_day) / DAYS_PER_YEAR)",
        "r *= 1.0 + p.amplitude * np.cos(2 * np.pi * (days + p.peak_day) / DAYS_PER_YEAR)",
        "rate: the seasonal peak on the wrong day",
    ),
    Mutant(
        "dropped-arrivals-keep-their-draws",
        "arrivals.py",
        "                attrs.random((i + 1, 3))\n",
        "                attrs.random((len(days), 3))\n",
        "common random numbers: a rate measure shifts later referrals' uniforms",
    ),
    Mutant(
        "any-measure-redraws-arrivals",
        "arrivals.py",
        "rate_changed = rate_parameters(scenario, name) != params",
        "rate_changed = True",
        "common random numbers: a staff measure redraws the arrival days",
    ),
    Mutant(
        "custody-accept-flipped",
        "cases.py",
        "in_cells = bool(custody.random() >= cat.custody.transfer_accepted_rate)",
        "in_cells = bool(custody.random() < cat.custody.transfer_accepted_rate)",
        "comparison: a refused transfer leaves the child in a cell only when accepted",
    ),
    Mutant(
        "review-wrong-risk",
        "measures.py",
        "if case.true_risk != HIGHEST_RISK or not case.is_open:",
        "if case.true_risk == HIGHEST_RISK or not case.is_open:",
        "comparison: a review of highest-risk cases reviews every other case",
    ),
    Mutant(
        "tally-mark-day-left-out",
        "referral_tally.py",
        "due = [d for m in reversed(self._marks) for d in (math.nextafter(m, math.inf), m)]",
        "due = [d for m in reversed(self._marks) for d in (m, m)]",
        "window bound: a window's last day counted as outside it",
    ),
    Mutant(
        "tally-wait-reversed",
        "referral_tally.py",
        "self._waits.append(day - referral_day)",
        "self._waits.append(referral_day - day)",
        "sign: the triage wait taken from the decision back to the referral",
    ),
    Mutant(
        "collector-left-off",
        "memory.py",
        "        if was_on:\n            gc.enable()",
        "        if not was_on:\n            gc.enable()",
        "state: the collector paused for a run and never turned back on",
    ),
    Mutant(
        "requeued-waiting-case-twice",
        "allocator.py",
        "found[id(case)] = case",
        "found[id(entry)] = case",
        "records: a waiting case re-queued with a new risk written twice into the case table",
    ),
    Mutant(
        "queue-key-negative-days-reversed",
        "queue_order.py",
        "    if referral_day >= 0.0:\n        entry[1] |= 0x80",
        "    if True:\n        entry[1] |= 0x80",
        "priority: backlog cases referred before day 0 queued after newer ones, oldest last",
    ),
    Mutant(
        "broken-rules-code-keeps-last",
        "case_columns.py",
        "code |= _RULE_BITS[rule]",
        "code = _RULE_BITS[rule]",
        "records: a closed case's broken rules written as the last one only",
    ),
]


def _copy_project(dest: Path) -> None:
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    for name in files:
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def run_mutant(project: Path, mutant: Mutant) -> dict:
    """Apply one mutant, run the tests, restore the file; the first failing test or None."""
    path = project / "sim" / "model" / mutant.file
    original = path.read_text(encoding="utf-8")
    if original.count(mutant.before) != 1:
        raise SystemExit(f"{mutant.name}: the line to mutate is not found once in {path.name}")
    path.write_text(original.replace(mutant.before, mutant.after), encoding="utf-8")
    start = time.perf_counter()
    failed: list[str] = []
    try:
        for stage in STAGES:
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    "-x",
                    "-q",
                    "-p",
                    "no:cacheprovider",
                    "--tb=no",
                    "-rf",
                    # it checks that each mutant's line is in sim/model/, which a mutated
                    # copy fails by construction: a catch that would prove nothing
                    "--ignore=tests/unit/test_mutants_apply.py",
                    *stage,
                ],
                cwd=project,
                env={**os.environ, "PYTHONPATH": str(project)},  # subprocesses too
                capture_output=True,
                text=True,
            )
            failed = [
                line.split(" ", 1)[1].split(" - ")[0]
                for line in proc.stdout.splitlines()
                if line.startswith(("FAILED ", "ERROR "))
            ]
            if proc.returncode != 0:
                break
    finally:
        path.write_text(original, encoding="utf-8")
    return {
        "mutant": mutant.name,
        "slip": mutant.slip,
        "file": f"sim/model/{mutant.file}",
        "caught": proc.returncode != 0,
        "caught_by": failed[0] if failed else None,
        "seconds": round(time.perf_counter() - start, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="mutant names to run (default: all)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    chosen = [m for m in MUTANTS if not args.only or m.name in args.only]
    results = []
    with tempfile.TemporaryDirectory(prefix="caseflow-mutants-") as tmp:
        project = Path(tmp)
        _copy_project(project)
        for mutant in chosen:
            result = run_mutant(project, mutant)
            results.append(result)
            mark = "caught" if result["caught"] else "MISSED"
            print(
                f"{mark:7} {mutant.name:26} {result['caught_by']}  ({result['seconds']} s)",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    missed = [r["mutant"] for r in results if not r["caught"]]
    print(
        f"{len(results) - len(missed)} of {len(results)} mutants caught"
        + (f"; missed: {', '.join(missed)}" if missed else "")
    )
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
