"""The page of ``sim app``: a Streamlit script, started by ``sim app`` (never imported).

Arguments after ``--`` on the Streamlit command line: ``--scenario FILE --levers FILE
[--cache DIR] [--workers N]``; ``sim app`` passes them, so nothing on the page names a
file. The page's logic lives in the modules beside it; this script only lays it out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import html
import sys
import time
from pathlib import Path

import pandas as pd
import streamlit as st

from sim.app.about import about_sections, model_summary
from sim.app.choice import Choice, LeverControl, controls
from sim.app.jobs import Job
from sim.app.modes import MAX_REPLICATIONS, MODES, default_target, target_condition
from sim.app.outcome import Outcome, Request, run_request
from sim.app.timing import drawing_for, estimate_seconds, rate_for
from sim.app.words import duration, money
from sim.errors import InputError
from sim.experiment.executors import default_workers
from sim.experiment.kpis import kpi_specs
from sim.report.document import Section
from sim.scenario import Scenario, load_scenario
from sim.search.levers import LeversFile, read_levers

OPERATORS = ("<", "<=", ">", ">=")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sim app page")
    parser.add_argument("--scenario", type=Path, required=True)
    parser.add_argument("--levers", type=Path, required=True)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=None)
    return parser.parse_args(sys.argv[1:])


@st.cache_resource
def _inputs(scenario: Path, levers: Path) -> tuple[Scenario, LeversFile, list[str]]:
    """The base scenario, the levers file and the scenario's KPI names (read once)."""
    base = load_scenario(scenario)
    return base, read_levers(levers), [s.name for s in kpi_specs(base)]


def _lever(c: LeverControl, currency: str, first_day: dt.date) -> tuple[float | None, dt.date]:
    """One lever's slider (its options with their yearly costs) and start date."""
    left, right = st.columns([3, 1])
    with left:
        index = st.select_slider(
            f"{c.name.replace('_', ' ')} ({c.unit})",
            options=list(range(len(c.options))),
            format_func=lambda i: (
                f"{c.option_text(c.options[i])} · {money(c.costs[i], currency)} a year"
            ),
            key=f"lever-{c.name}",
            help=f"{c.description}. Cost: {'; '.join(c.sources)}",
        )
    with right:
        start = st.date_input(
            "starts", value=c.start, min_value=first_day, key=f"start-{c.name}",
            disabled=c.options[index] is None, format="YYYY-MM-DD",
        )  # fmt: skip
    return c.options[index], start


def _levers(base: Scenario, levers: LeversFile) -> Choice:
    st.subheader("The package")
    st.caption(f"Each lever's options with their cost ({levers.currency} a year); off is none.")
    levels, starts = {}, {}
    for c in controls(levers, base):
        levels[c.name], starts[c.name] = _lever(c, levers.currency, base.run.start_date)
    return Choice(levels, starts)


def _target(base: Scenario, kpis: list[str]) -> str:
    st.subheader("Judged by")
    default = target_condition(default_target(base))
    kpi_col, op_col, value_col = st.columns([3, 1, 1])
    kpi = kpi_col.selectbox(
        "KPI", kpis, index=kpis.index(default.kpi) if default.kpi in kpis else 0, key="kpi"
    )
    op = op_col.selectbox("is", OPERATORS, index=OPERATORS.index(default.operator), key="op")
    value = value_col.number_input("value", value=default.threshold, step=0.05, key="threshold")
    return f"{kpi}{op}{value:g}"


def _mode() -> tuple[str, int]:
    st.subheader("How to run")
    name = st.radio("mode", list(MODES), format_func=lambda m: MODES[m].label, key="mode")
    reps = st.number_input(
        "replications", min_value=2, max_value=MAX_REPLICATIONS, key=f"reps-{name}",
        value=MODES[name].replications, step=1,
    )  # fmt: skip
    return name, int(reps)


def _estimate(request: Request) -> None:
    """The run time expected before pressing Run, and where the figure comes from."""
    pending = request.to_run()
    drawing = drawing_for(request.cache, request.base.name)
    if not pending:
        st.info(
            f"Both runs are in the cache: results in about {duration(drawing)} "
            "(comparing them and drawing the figures)."
        )
        return
    workers = request.workers or default_workers()
    rate, measured = rate_for(request.cache, request.base.name, pending[0])
    seconds = estimate_seconds(pending, rate, workers, drawing)
    names = " and ".join("the baseline" if s.name == request.base.name else "the package"
                         for s in pending)  # fmt: skip
    how = "measured on this machine" if measured else "a first guess from the work size"
    st.info(
        f"Estimated run time: about {duration(seconds)} to run {names} "
        f"({rate * 1000:.3g} ms of one core per replication-day, {how}; {workers} workers)."
    )


def _progress(job: Job) -> None:
    """Progress and a Cancel button while the job runs; the page is redrawn at its end."""
    st.button("Cancel", on_click=job.cancel, key="cancel")
    bar = st.progress(job.fraction, text=job.text)
    while not job.done:
        bar.progress(job.fraction, text=job.text)
        time.sleep(0.3)
    st.rerun()


def _figures(outcome: Outcome) -> None:
    """The report's figures, two a row."""
    columns = st.columns(2)
    for i, (title, alt, png) in enumerate(outcome.figures):
        columns[i % 2].image(png, caption=f"{title}. {alt}", width="stretch")


def _answer(outcome: Outcome) -> None:
    """The report's headline, the package's cost and the probability of meeting the target."""
    head = outcome.report.headline
    st.subheader("The answer")
    for sentence in head.sentences:
        st.markdown(f"<p class='headline'>{html.escape(sentence)}</p>", unsafe_allow_html=True)
    st.caption(head.scale)
    rows = outcome.target_rows()
    cols = st.columns(1 + len(rows))
    cost = money(outcome.cost_per_year, outcome.currency)
    cols[0].metric("Cost of the package", f"{cost} a year")
    for col, row in zip(cols[1:], rows, strict=True):
        low, high = row["ci_low"], row["ci_high"]
        interval = "–" if low is None else f"{low:.0%} to {high:.0%}"
        col.metric(
            f"P(target) {row['scenario']}",
            f"{row['probability']:.0%}",
            help=f"{row['target']}: {row['met']} of {row['n']} runs, 95% CI {interval}",
        )
    if head.warnings:
        st.warning("\n".join(f"- {w}" for w in head.warnings))


def _results(job: Job) -> None:
    if job.cancelled:
        st.warning("Run cancelled.")
        return
    if job.error is not None:
        st.error(job.error)
        return
    outcome: Outcome = job.result
    _answer(outcome)
    cached = "" if outcome.ran else " (both from the cache)"
    st.caption(f"Run to results: {job.seconds:.1f} s{cached}. Package: {outcome.label}.")
    _figures(outcome)
    st.caption(
        "The target KPI's mean in each run, in full: sim run on the downloaded scenario "
        "gives the package's."
    )
    st.code(_numbers(outcome), language=None)
    _downloads(outcome)


def _numbers(outcome: Outcome) -> str:
    """The target KPI's mean of each run at full precision, to check against ``sim run``."""
    kpi = outcome.comparison["targets"][0]["kpi"]
    lines = []
    for s in outcome.comparison["scenarios"]:
        k = s["kpis"][kpi]
        lines.append(f"{s['label']}: {kpi} mean {k['mean']!r} (n={k['n']})")
    return "\n".join(lines)


def _downloads(outcome: Outcome) -> None:
    left, middle, right = st.columns(3)
    left.download_button("Scenario (YAML)", outcome.scenario_yaml, "package.yaml",
                         mime="application/x-yaml", key="dl-yaml")  # fmt: skip
    middle.download_button("Results folder (zip)", outcome.zip_bytes(), "results.zip",
                           mime="application/zip", key="dl-zip")  # fmt: skip
    right.download_button("Report (HTML)", outcome.html, "report.html", mime="text/html",
                          key="dl-html")  # fmt: skip


def _what_if(args: argparse.Namespace, base: Scenario, levers: LeversFile, kpis: list[str]) -> None:
    left, right = st.columns([3, 2], gap="large")
    with left:
        choice = _levers(base, levers)
    with right:
        target = _target(base, kpis)
        mode, reps = _mode()
    request = Request(base, args.scenario, levers, args.levers, choice, MODES[mode], target,
                      args.cache, workers=args.workers, replications=reps)  # fmt: skip
    job: Job | None = st.session_state.get("job")
    running = job is not None and not job.done
    try:
        _estimate(request)
        clicked = st.button("Run", type="primary", disabled=running, key="run")
    except InputError as exc:
        st.error(str(exc))
        clicked = False
    if clicked:
        job = Job(functools.partial(run_request, request)).start()
        st.session_state["job"], st.session_state["asked"] = job, request
        running = True
    if job is not None and running:
        _progress(job)
    elif job is not None:
        if st.session_state.get("asked") != request:
            st.info("The results below are for the choices of the last run: press Run for these.")
        _results(job)


def _about(base: Scenario, scenario_file: Path) -> None:
    st.markdown(model_summary(base))
    for section in _about_sections(base, scenario_file):
        _section(section)


@st.cache_resource
def _about_sections(_base: Scenario, scenario_file: Path) -> list[Section]:
    """The tab's sections, built once per scenario file (``_base`` is not hashed)."""
    return about_sections(_base, scenario_file)


def _section(section: Section) -> None:
    st.subheader(section.title)
    for text in section.paragraphs:
        st.markdown(text)
    for figure in section.figures:
        st.image(figure.png(), caption=figure.alt, width="stretch")
    for table in section.tables:
        frame = pd.DataFrame(table.rows, columns=table.columns)
        st.caption(table.caption)
        st.dataframe(frame, hide_index=True, width="stretch")


def main() -> None:
    args = _arguments()
    st.set_page_config(page_title="caseflow-sim: what if", layout="wide")
    base, levers, kpis = _inputs(args.scenario, args.levers)
    st.title(f"What if: {base.name}")
    what_if, about = st.tabs(["What if", "About the model"])
    with about:  # first: the what-if tab waits while a run goes on
        _about(base, args.scenario)
    with what_if:
        _what_if(args, base, levers, kpis)


main()
