"""The regression scenario reproduces its stored golden results exactly."""

from __future__ import annotations

from tests.regression import golden_results as golden


def test_regression_scenario_matches_golden_results() -> None:
    stored = golden.load()
    diffs = golden.differences(stored, golden.compute())
    shown = "\n".join(f"  {w}: stored {a!r}, now {b!r}" for w, a, b in diffs[:15])
    assert not diffs, (
        f"{len(diffs)} values differ from the golden results:\n{shown}\n"
        "If the change is meant, regenerate with `python -m tests.regression.update_golden "
        "--write` and review the printed differences in the commit."
    )


def test_golden_results_cover_every_rule_and_inspection() -> None:
    """The scenario keeps firing every mechanism: each grading rule breaks in each replication."""
    for rep in golden.load()["replications"]:
        kpis = rep["kpis"]
        rules = [k for k in kpis if k.startswith("rule_") and "@" not in k]
        assert len(rules) == 9
        assert all(kpis[k] and kpis[k] > 0 for k in rules), {k: kpis[k] for k in rules}
        for name in ("inspection", "followup"):
            assert kpis[f"{name}_dual_substandard_rate"] is not None
        assert kpis["custody_cells_rate"] and kpis["harm_events"] > 0
        assert kpis["untrained_allocation_rate"] > 0
