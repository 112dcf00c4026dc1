"""`sim compare`: did the measures work, and by how much?"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
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
from sim.cli.compare_details import scenario_table
from sim.cli.compare_matrix import matrix_footer, matrix_tables, matrix_title
from sim.cli.options import (
    RUN_OPTIONS,
    OptionGroup,
    OutputChoice,
    grouped,
    option,
    output_options,
)
from sim.cli.report_cmd import report_into
from sim.cli.schedule_notes import check_compared, print_warnings
from sim.compare.comparison import BETTER, WORSE, compare
from sim.compare.files import (
    write_claimed_comparison,
)
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


@dataclass(frozen=True)
class Display:
    """What to print besides the overview matrix."""

    show_all: bool = False
    details: bool = False


DISPLAY_OPTIONS = OptionGroup(
    (
        option(
            "show_all",
            Annotated[
                bool,
                typer.Option(
                    "--all", help="Per-scenario tables: every KPI, not just the headline ones."
                ),
            ],
            False,
        ),
        option(
            "details",
            Annotated[
                bool,
                typer.Option(
                    "--details",
                    help="With several scenarios, also print each one's table under the "
                    "matrix (one scenario always gets its table).",
                ),
            ],
            False,
        ),
    ),
    Display,
)


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
            help="Compare only this KPI (repeatable; the matrix's columns, in this order): "
            "fewer tests, milder Holm correction.",
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
    display: Display = DISPLAY_OPTIONS,
    as_json: JsonOpt = False,
) -> None:
    """Compare scenarios with a baseline: differences, intervals and verdicts.

    Scenario files are run first with shared seeds: the same seed, replications,
    horizon and warm-up, from --seed/--reps/--days/--warmup, else from the first
    results folder given, else from the baseline file. Differences are paired by
    replication when runs share seeds (common random numbers), Welch's t otherwise.
    Verdicts (better, worse, no detectable difference) use Holm's correction across
    all KPI × scenario tests.

    With several scenarios a matrix comes first: one row per scenario (best first on
    the first KPI), one column per KPI (--kpi, else the headline ones), each cell the
    difference from the baseline and its verdict; (n) is how many replications would
    detect a difference not detected. Per-scenario tables follow with --details.
    """
    if len(sources) < 2:
        raise InputError(
            "give at least two results folders or scenario files (the first is the baseline)",
            key="sim compare",
        )
    given, schedule = check_compared(sources, given)
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
        report_into(target.path, suppress_below=output.suppress_below)
    for note in result["notes"]:
        err_console.print(f"note: {note}", highlight=False, soft_wrap=True)
    print_warnings(schedule)
    if as_json:
        print_json(result)
        return
    _print_tables(result, display, everything=display.show_all or bool(kpi), out=out)
    if out is not None:
        err_console.print(f"wrote {out}/", highlight=False)


def _print_tables(
    result: dict[str, Any], display: Any, *, everything: bool, out: Path | None
) -> None:
    """The matrix (several scenarios), the per-scenario and target tables, and what is hidden."""
    shown = _headline(result, everything=everything)
    several = len(result["scenarios"]) > 2
    if several:
        console.print(matrix_title(result), highlight=False)
        for table in matrix_tables(result, console):
            console.print(table)
        for line in matrix_footer(result):
            console.print(line, highlight=False)
    if display.details or not several:
        for scenario in result["scenarios"][1:]:
            console.print(scenario_table(result, scenario, shown, console.width))
    if result["targets"]:
        for table in _targets_tables(result, console.width):
            console.print(table, highlight=False)
    hidden = [r for r in result["comparisons"] if r["kpi"] not in shown]
    if several and not display.details:
        err_console.print(
            "--details prints each scenario's table"
            + (" (comparison.csv has every KPI)" if out is not None else ""),
            highlight=False,
        )
    elif hidden:
        detected = sum(1 for r in hidden if r["verdict"] in (BETTER, WORSE))
        err_console.print(
            f"{len({r['kpi'] for r in hidden})} more KPIs not shown "
            f"({detected} with a detected difference): --all shows them"
            + (", comparison.csv has them" if out is not None else ""),
            highlight=False,
        )


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


def _share(value: Any) -> str:
    """A probability: ``0`` and ``1`` exactly, else three significant digits."""
    return fmt(value) if value not in (0, 1) else f"{value:.0f}"


def _targets_tables(result: dict[str, Any], width: int) -> list[Table | str]:
    """The targets as one table, or a heading and one table per target when one table
    would be wider than ``width`` characters."""
    level = f"{result['level']:.0%}"
    headers = ("target", "scenario", "share", f"{level} CI (Wilson)", "met / n")
    rows = [
        (
            t["target"],
            s["scenario"],
            _share(s["probability"]),
            "–" if s["ci_low"] is None else f"{_share(s['ci_low'])} to {_share(s['ci_high'])}",
            f"{s['met']} / {s['n']}",
        )
        for t in result["targets"]
        for s in t["scenarios"]
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    title = "targets: share of replications meeting each (probability an inspection finds so)"
    if sum(widths) + 3 * len(widths) + 1 <= width:
        return [_plain_table(title, headers, rows, left=2)]
    tables: list[Table | str] = [title]
    for t in result["targets"]:
        mine = [r[1:] for r in rows if r[0] == t["target"]]
        tables.append(_plain_table(t["target"], headers[1:], mine))
    return tables


def _plain_table(
    title: str, headers: tuple[str, ...], rows: list[tuple[str, ...]], left: int = 1
) -> Table:
    """Cells never wrapped; the first ``left`` columns left-aligned, the others right."""
    table = Table(title=title, title_justify="left")
    for i, name in enumerate(headers):
        table.add_column(name, justify="left" if i < left else "right", no_wrap=True)
    for row in rows:
        table.add_row(*row)
    return table
