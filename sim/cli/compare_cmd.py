"""`sim compare`: did the measures work, and by how much?"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sim.cli.common import (
    JsonOpt,
    console,
    err_console,
    fmt,
    handle_errors,
    output_target,
    print_json,
    progress_bar,
)
from sim.cli.options import RUN_OPTIONS, OutputChoice, grouped, output_options
from sim.cli.report_cmd import report_into
from sim.compare.comparison import BETTER, WORSE, compare
from sim.compare.files import method_text, narrower_text, write_claimed_comparison
from sim.errors import InputError
from sim.experiment.kpis import CORE_KPIS, INSPECTION_KPIS
from sim.experiment.settings import RunSettings
from sim.output.folders import claim

EXAMPLES = """
Examples:

  sim compare results/baseline results/measures

  sim compare scenarios/baseline.yaml scenarios/measures.yaml --reps 20 --seed 2016

  sim compare results/baseline scenarios/measures.yaml --target 'inspection_substandard_rate<0.5'

  sim compare results/baseline results/measures --out results/compare --json > comparison.json
"""

_STYLE = {BETTER: "green", WORSE: "red"}


@handle_errors
@grouped
def compare_command(
    sources: Annotated[
        list[Path],
        typer.Argument(
            help="Results folders (from sim run) or scenario files; the first is the baseline.",
            show_default=False,
        ),
    ],
    target_conditions: Annotated[
        list[str] | None,
        typer.Option(
            "--target",
            "-t",
            help="Share of replications meeting a condition, e.g. "
            "'inspection_substandard_rate<0.5' (operators < <= > >=; repeatable).",
            show_default=False,
        ),
    ] = None,
    kpi: Annotated[
        list[str] | None,
        typer.Option(
            "--kpi",
            "-k",
            help="Compare only this KPI (repeatable); fewer tests, milder Holm correction.",
            show_default=False,
        ),
    ] = None,
    common_kpis: Annotated[
        bool,
        typer.Option("--common-kpis", help="Compare the KPIs all share instead of refusing."),
    ] = False,
    given: RunSettings = RUN_OPTIONS,
    output: OutputChoice = output_options(
        "Write comparison.csv, comparison.json and comparison.md here.",
        "Replace comparison files the tool wrote in --out (never a folder of yours).",
    ),
    show_all: Annotated[
        bool, typer.Option("--all", help="Show every KPI, not just the headline ones.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Compare scenarios with a baseline: differences, intervals and verdicts.

    Scenario files are run first with shared seeds: the same seed, replications,
    horizon and warm-up, from --seed/--reps/--days/--warmup, else from the first
    results folder given, else from the baseline file. Differences are paired by
    replication when runs share seeds (common random numbers), Welch's t otherwise.
    Verdicts (better, worse, no detectable difference) use Holm's correction across
    all KPI × scenario tests.
    """
    if len(sources) < 2:
        raise InputError(
            "give at least two results folders or scenario files (the first is the baseline)",
            key="sim compare",
        )
    out = output.out
    if output.report and out is None:
        raise InputError("--report writes into the comparison folder: give --out DIR too")
    target = output_target(out, output.force, "compare", sources) if out is not None else None
    with claim(target, kind="comparison") if target else nullcontext() as claimed:
        runs = sum(1 for s in sources if s.is_file())
        with progress_bar(f"running {runs} scenario file(s)", 1) as progress:
            result = compare(
                sources,
                targets=target_conditions or [],
                kpis=kpi,
                common_kpis=common_kpis,
                settings=given.but(progress=progress),
            )
        if claimed is not None:
            write_claimed_comparison(claimed, result)
    if output.report and target is not None:
        report_into(target.path)
    for note in result["notes"]:
        err_console.print(f"note: {note}", highlight=False, soft_wrap=True)
    if as_json:
        print_json(result)
        return
    shown = _headline(result, everything=show_all or bool(kpi))
    for scenario in result["scenarios"][1:]:
        console.print(_table(result, scenario, shown))
    if result["targets"]:
        console.print(_targets_table(result))
    hidden = [r for r in result["comparisons"] if r["kpi"] not in shown]
    if hidden:
        detected = sum(1 for r in hidden if r["verdict"] in (BETTER, WORSE))
        err_console.print(
            f"{len({r['kpi'] for r in hidden})} more KPIs not shown "
            f"({detected} with a detected difference): --all shows them"
            + (", comparison.csv has them" if out is not None else ""),
            highlight=False,
        )
    if out is not None:
        err_console.print(f"wrote {out}/", highlight=False)


def _headline(result: dict[str, Any], *, everything: bool) -> set[str]:
    """Core KPIs, inspection KPIs and target KPIs (or every KPI)."""
    names = [k["kpi"] for k in result["kpis"]]
    if everything:
        return set(names)
    core = {k.name for k in CORE_KPIS}
    inspection = tuple(f"_{key}" for key, _, _ in INSPECTION_KPIS)
    targets = {t["kpi"] for t in result["targets"]}
    return {
        n
        for n in names
        if n in core or n in targets or (n.endswith(inspection) and not n.startswith("rule_"))
    }


def _mean_pm(mean: Any, low: Any, high: Any, with_interval: bool = True) -> str:
    if mean is None:
        return "–"
    return (
        fmt(mean)
        if low is None or not with_interval
        else f"{fmt(mean)} ± {fmt((high - low) / 2, 2)}"
    )


def _interval(value: Any, low: Any, high: Any) -> str:
    if value is None:
        return "–"
    return fmt(value) if low is None else f"{fmt(value)} ({fmt(low)}, {fmt(high)})"


def _change(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:+.0%}" if abs(value) >= 10 else f"{value:+.1%}"


def _p(value: Any) -> str:
    if value is None:
        return "–"
    return "<0.0001" if value < 1e-4 else f"{value:.4f}"


def _table(result: dict[str, Any], scenario: dict[str, Any], shown: set[str]) -> Table:
    base, label = result["baseline"], scenario["label"]
    width = console.width
    wide, narrow = width >= 170, width < 120  # what fits: raw p, intervals of means, ...
    tests = result["multiple_testing"]["tests"]
    table = Table(
        title=f"{label} vs {base}: {method_text(scenario['method'])}, {scenario['method_reason']}",
        title_justify="left",
        caption=(
            (f"means ± {result['level']:.0%} half-widths; " if wide else "")
            + f"verdicts at {result['alpha']:g} after Holm's correction across {tests} "
            + ("test" if tests == 1 else "tests")
            + ("" if wide else "; more columns in --json and --out files, or a wider terminal")
            + (
                ""
                if narrow
                else "; pairing: how many times narrower the paired interval is than an "
                "unpaired one (∞: the same difference in every replication)"
            )
        ),
        caption_justify="left",
    )
    table.add_column("KPI", no_wrap=True)
    table.add_column(base, justify="right")
    table.add_column(label, justify="right")
    table.add_column(f"difference ({result['level']:.0%} CI)", justify="right")
    if not narrow:
        table.add_column("change", justify="right")
    if wide:
        table.add_column("p", justify="right")
    table.add_column("p Holm", justify="right")
    table.add_column("verdict")
    if not narrow:
        table.add_column("pairing", justify="right")
    for r in result["comparisons"]:
        if r["scenario"] != label or r["kpi"] not in shown:
            continue
        style = _STYLE.get(r["verdict"])
        verdict = f"[{style}]{r['verdict']}[/]" if style else r["verdict"]
        cells = [
            r["kpi"],
            _mean_pm(r["baseline_mean"], r["baseline_ci_low"], r["baseline_ci_high"], wide),
            _mean_pm(r["mean"], r["ci_low"], r["ci_high"], wide),
            _interval(r["difference"], r["difference_ci_low"], r["difference_ci_high"]),
            *([] if narrow else [_change(r["relative_change"])]),
            *([_p(r["p_value"])] if wide else []),
            _p(r["p_adjusted"]),
            verdict,
            *([] if narrow else [narrower_text(r)]),
        ]
        table.add_row(*cells)
    return table


def _targets_table(result: dict[str, Any]) -> Table:
    level = f"{result['level']:.0%}"
    table = Table(
        title="targets: share of replications meeting each (probability an inspection finds so)",
        title_justify="left",
    )
    for name, justify in (
        ("target", "left"),
        ("scenario", "left"),
        ("probability", "right"),
        (f"{level} CI (Wilson)", "right"),
        ("met / n", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for t in result["targets"]:
        for s in t["scenarios"]:
            ci = "–" if s["ci_low"] is None else f"{fmt(s['ci_low'])} to {fmt(s['ci_high'])}"
            table.add_row(
                t["target"], s["scenario"], fmt(s["probability"]), ci, f"{s['met']} / {s['n']}"
            )
    return table
