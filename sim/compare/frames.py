"""The comparison as DataFrames: one row per scenario × KPI, targets flattened.

:func:`sim.compare` returns a :class:`Comparison`: the JSON-ready dict it always returned,
with :meth:`Comparison.comparison_frame` and :meth:`Comparison.targets_frame` added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

KPI_COLUMNS = (
    "row", "scenario", "baseline", "kpi", "better", "mean", "sd", "ci_low", "ci_high", "n",
    "difference", "difference_ci_low", "difference_ci_high", "relative_change", "p_value",
    "p_adjusted", "verdict", "method",
)  # fmt: skip
TARGET_COLUMNS = ("target", "operator", "threshold", "met", "probability")
FLOATS = (
    "mean", "sd", "ci_low", "ci_high", "difference", "difference_ci_low", "difference_ci_high",
    "relative_change", "p_value", "p_adjusted", "threshold", "probability",
)  # fmt: skip
COPIED = KPI_COLUMNS[10:]  # from a comparison row: difference … method


def _kpi_rows(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    better = {k["kpi"]: k["better"] for k in comparison["kpis"]}
    diffs = {(r["scenario"], r["kpi"]): r for r in comparison["comparisons"]}
    rows = []
    for s in comparison["scenarios"]:
        for kpi, summary in s["kpis"].items():
            diff = diffs.get((s["label"], kpi), {})
            rows.append(
                {
                    "row": "kpi",
                    "scenario": s["label"],
                    "baseline": bool(s["baseline"]),
                    "kpi": kpi,
                    "better": better.get(kpi, "none"),
                    "mean": summary["mean"],
                    "sd": summary["std"],
                    "ci_low": summary["ci_low"],
                    "ci_high": summary["ci_high"],
                    "n": summary["n"],
                    **{c: diff.get(c) for c in COPIED},
                }
            )
    return rows


def _target_rows(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    baseline = comparison["baseline"]
    better = {k["kpi"]: k["better"] for k in comparison["kpis"]}
    return [
        {
            "row": "target",
            "scenario": s["scenario"],
            "baseline": s["scenario"] == baseline,
            "kpi": t["kpi"],
            "better": better.get(t["kpi"], "none"),
            "target": t["target"],
            "operator": t["operator"],
            "threshold": t["threshold"],
            "met": s["met"],
            "n": s["n"],
            "probability": s["probability"],
            "ci_low": s["ci_low"],
            "ci_high": s["ci_high"],
        }
        for t in comparison["targets"]
        for s in t["scenarios"]
    ]


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    import pandas as pd  # here, so that importing sim does not import pandas

    from sim.experiment.frames import typed

    frame = pd.DataFrame(rows, columns=[*KPI_COLUMNS, *TARGET_COLUMNS])
    frame["met"] = frame["met"].astype("Int64")  # none on KPI rows
    frame["baseline"] = frame["baseline"].astype(bool)
    return typed(frame, FLOATS, ["n"])


class Comparison(dict):
    """What :func:`sim.compare` returns: a JSON-ready dict (``baseline``, ``scenarios``,
    ``comparisons``, ``targets``, ...) that also gives DataFrames."""

    def comparison_frame(self) -> pd.DataFrame:
        """One row per scenario × KPI (``row == "kpi"``), the baseline's included, then one
        per target × scenario (``row == "target"``).

        KPI rows: the scenario's ``mean``, ``sd``, ``ci_low``, ``ci_high`` and ``n``
        (replications) in the KPI's unit and, for non-baseline scenarios, the difference
        from the baseline with its interval, ``relative_change``, ``p_value``,
        ``p_adjusted``, ``verdict`` and ``method``. Target rows: ``target``, ``operator``,
        ``threshold``, ``met`` of ``n`` replications, ``probability`` (their share) with its
        Wilson interval in ``ci_low``/``ci_high``.
        """
        return _frame(_kpi_rows(self) + _target_rows(self))

    def targets_frame(self) -> pd.DataFrame:
        """Only the target rows of :meth:`comparison_frame`."""
        frame = self.comparison_frame()
        return frame[frame["row"] == "target"].reset_index(drop=True)
