"""The files of a comparison: ``comparison.json``, ``comparison.csv``, ``comparison.md``.

:func:`write_comparison` writes what :func:`sim.compare.compare` returns into one folder,
whole or not at all. ``comparison.md`` opens with the overview matrix; ``comparison.csv`` has
one row per KPI × scenario as before, and its last columns place the row in the matrix:
``matrix_rank`` (the scenario's row, 1 = best on the first matrix KPI) and ``matrix_cell``
(the cell as printed; empty for KPIs not in the matrix).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.compare.matrix import cell_text, matrix_markdown
from sim.output.files import write_csv, write_json
from sim.output.folders import Claim, OutputTarget, claim
from sim.output.manifest import manifest_header
from sim.stats.paired import PAIRED

CSV_FIELDS = (
    "kpi",
    "scenario",
    "better",
    "method",
    "n",
    "baseline_mean",
    "baseline_ci_low",
    "baseline_ci_high",
    "mean",
    "ci_low",
    "ci_high",
    "difference",
    "difference_ci_low",
    "difference_ci_high",
    "relative_change",
    "p_value",
    "p_adjusted",
    "verdict",
    "unpaired_half_width",
    "paired_half_width",
    "narrower_factor",
    # added with the overview matrix; earlier columns keep their names and order
    "replications_needed",
    "measures_never_started",
    "matrix_rank",
    "matrix_cell",
)


def _num(value: Any, digits: int = 3) -> str:
    """A short human-readable number; ``–`` when undefined."""
    if value is None:
        return "–"
    value = float(value) + 0.0  # + 0.0 turns -0.0 into 0.0
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if value.is_integer():
        return f"{value:.0f}"
    return f"{value:.{digits}g}" if abs(value) < 1 else f"{value:,.{digits - 1}f}"


def _mean_ci(mean: Any, low: Any, high: Any) -> str:
    if mean is None:
        return "–"
    if low is None:
        return _num(mean)
    return f"{_num(mean)} ({_num(low)} to {_num(high)})"


def _pct(value: Any) -> str:
    return "–" if value is None else f"{value:+.1%}"


def _p(value: Any) -> str:
    if value is None:
        return "–"
    return "<0.0001" if value < 1e-4 else f"{value:.4f}"


def method_text(method: str | None) -> str:
    """How a scenario was compared with the baseline, in words."""
    if method == PAIRED:
        return "paired differences (common random numbers)"
    return "Welch's t (independent replications)" if method else "baseline"


def narrower_text(row: dict[str, Any]) -> str:
    """How much pairing narrowed the difference's interval, e.g. ``2.3×``."""
    if row["method"] != PAIRED:
        return "–"
    if row["narrower_factor"] is not None:
        return f"{row['narrower_factor']:.2g}×"
    if row["paired_half_width"] == 0 and row["unpaired_half_width"]:
        return "∞"
    return "–"


def verdict_text(row: dict[str, Any], *, short: bool = False) -> str:
    """The verdict, with the replications that would detect an undetected difference."""
    needed = row.get("replications_needed")
    if needed is None:
        return row["verdict"]
    if short:
        return f"{row['verdict']} (≈{needed:,} reps)"
    return f"{row['verdict']} (≈{needed:,} replications would detect it)"


def comparison_markdown(comparison: dict[str, Any]) -> str:
    """``comparison.md``: the comparison as Markdown tables for a report."""
    lines = _runs_section(comparison) + matrix_markdown(comparison)
    if comparison["notes"]:
        lines += ["", "Notes:", ""] + [f"- {note}" for note in comparison["notes"]]
    for s in comparison["scenarios"][1:]:
        lines += _scenario_section(comparison, s)
    if comparison["targets"]:
        lines += _targets_section(comparison)
    if comparison["kpis_left_out"]:
        lines += ["", "KPIs left out (not reported by every scenario):", ""]
        for label, names in comparison["kpis_left_out"].items():
            lines.append(f"- {label}: {', '.join(names)}")
    return "\n".join(lines) + "\n"


def _runs_section(comparison: dict[str, Any]) -> list[str]:
    level = comparison["level"]
    tests = comparison["multiple_testing"]["tests"]
    lines = [
        f"# Comparison with {comparison['baseline']}",
        "",
        f"{level:.0%} intervals. Verdicts: difference tested at {comparison['alpha']:g} after "
        f"Holm's correction across {tests} KPI × scenario tests (KPIs with a better "
        "direction); intervals are not adjusted. *Change* is relative to the baseline mean.",
        "",
        "| scenario | source | seed | replications | horizon, days | warm-up, days | method |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for s in comparison["scenarios"]:
        method = (
            "baseline" if s["baseline"] else f"{method_text(s['method'])}: {s['method_reason']}"
        )
        lines.append(
            f"| {s['label']} | `{s['source']}` | {s['seed']} | {s['replications']} "
            f"({s['replication_indices']}) | {s['horizon_days']:g} | {s['warmup_days']:g} "
            f"| {method} |"
        )
    return lines


def _scenario_section(comparison: dict[str, Any], s: dict[str, Any]) -> list[str]:
    base, level = comparison["baseline"], comparison["level"]
    lines = [
        "",
        f"## {s['label']} vs {base}",
        "",
        f"{'Paired differences' if s['method'] == PAIRED else 'Welch'}: {s['method_reason']}.",
        "",
        f"| KPI | better | {base} | {s['label']} | difference ({level:.0%} CI) | change "
        "| p | p (Holm) | verdict | paired CI narrower |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in comparison["comparisons"]:
        if r["scenario"] != s["label"]:
            continue
        lines.append(
            f"| {r['kpi']} | {r['better']} "
            f"| {_mean_ci(r['baseline_mean'], r['baseline_ci_low'], r['baseline_ci_high'])} "
            f"| {_mean_ci(r['mean'], r['ci_low'], r['ci_high'])} "
            f"| {_mean_ci(r['difference'], r['difference_ci_low'], r['difference_ci_high'])} "
            f"| {_pct(r['relative_change'])} | {_p(r['p_value'])} | {_p(r['p_adjusted'])} "
            f"| {verdict_text(r)} | {narrower_text(r)} |"
        )
    return lines


def _targets_section(comparison: dict[str, Any]) -> list[str]:
    level = comparison["level"]
    lines = [
        "",
        "## Targets",
        "",
        "Share of replications in which the KPI meets the target (the probability that an "
        f"inspection at that point finds it so), with a {level:.0%} Wilson interval.",
        "",
        f"| target | scenario | probability | {level:.0%} CI | met / n |",
        "|---|---|---:|---:|---:|",
    ]
    for t in comparison["targets"]:
        for s in t["scenarios"]:
            ci = "–" if s["ci_low"] is None else f"{_num(s['ci_low'])} to {_num(s['ci_high'])}"
            lines.append(
                f"| `{t['target']}` | {s['scenario']} | {_num(s['probability'])} | {ci} "
                f"| {s['met']} / {s['n']} |"
            )
    return lines


def csv_rows(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    """The comparison rows with their place in the matrix (see :data:`CSV_FIELDS`)."""
    matrix = comparison["matrix"]
    rank = {row["scenario"]: i for i, row in enumerate(matrix["rows"], start=1)}
    cells = {(row["scenario"], c["kpi"]): c for row in matrix["rows"] for c in row["cells"]}
    started = {s["label"]: s["measures_never_started"] for s in comparison["scenarios"]}
    out = []
    for r in comparison["comparisons"]:
        cell = cells.get((r["scenario"], r["kpi"]))
        out.append(
            r
            | {
                "measures_never_started": started[r["scenario"]],
                "matrix_rank": rank.get(r["scenario"]),
                "matrix_cell": cell_text(cell) if cell else None,
            }
        )
    return out


def write_comparison(
    comparison: dict[str, Any], out: str | Path | OutputTarget, *, force: bool = False
) -> Path:
    """Write ``comparison.json``, ``comparison.csv`` and ``comparison.md`` into ``out``.

    The folder is written whole or not at all; an existing one is replaced only with
    ``force`` and only if the tool wrote it (see :mod:`sim.output.folders`).
    """
    target = OutputTarget.of(out, force=force)
    assert target is not None
    with claim(target, kind="comparison") as claimed:
        return write_claimed_comparison(claimed, comparison)


def write_claimed_comparison(claimed: Claim, comparison: dict[str, Any]) -> Path:
    """Write the comparison into a folder claimed before its scenarios ran."""
    with claimed.writing() as tmp:
        write_json(tmp / "manifest.json", manifest_header("comparison", claimed.target.command))
        write_json(tmp / "comparison.json", comparison)
        write_csv(tmp / "comparison.csv", csv_rows(comparison), list(CSV_FIELDS))
        (tmp / "comparison.md").write_text(comparison_markdown(comparison), encoding="utf-8")
    return claimed.path
