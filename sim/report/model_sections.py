"""The model described in the STRESS-DES structure (objectives, logic, data,
experimentation, implementation), generated from the scenario a run used."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.report.document import Section, Table
from sim.report.figures_model import pathway_figure
from sim.report.numbers import date_of, quantity
from sim.scenario import Scenario
from sim.scenario.register import describe

OBJECTIVE = (
    "The model simulates child-protection case handling in a police force, day by day: "
    "referrals, triage, allocation to detectives, safeguarding, warrants and forensics, "
    "investigation, and the grading of closed cases as inspectors grade them. It answers "
    "whether emergency measures bring the inspections' substandard share down, and when."
)


def objectives(sc: Scenario) -> Section:
    text = [OBJECTIVE]
    if sc.description:
        text.append(f"This scenario ({sc.name}): {sc.description.strip()}")
    if sc.measures:
        names = ", ".join(f"{m.name} ({date_of(sc.run.start_date, m.day)})" for m in sc.measures)
        text.append(f"Measures simulated: {names}.")
    return Section("Model: objectives", text)


def scenarios_compared(scenarios: list[tuple[str, Scenario]]) -> str:
    """``Scenarios compared: baseline (no measures); package: a (1 April 2016), b (…).``"""
    parts = []
    for label, sc in scenarios:
        measures = ", ".join(f"{m.name} ({date_of(sc.run.start_date, m.day)})" for m in sc.measures)
        parts.append(f"{label}: {measures}" if measures else f"{label} (no measures)")
    return f"Scenarios compared: {'; '.join(parts)}. The model below is the baseline's."


def logic(sc: Scenario) -> Section:
    text = [
        "Each referral is triaged by risk level; police cases queue for an officer (highest "
        "risk first), get a first safeguarding action, a warrant when needed, the "
        "investigation and a wait on partners, then close and are graded by the rules below. "
        "docs/model.md gives every step."
    ]
    return Section("Model: logic (the pathway)", text, figures=[pathway_figure(sc)])


def _resources(sc: Scenario) -> Table:
    o, w = sc.officers, sc.warrants
    rows = [
        ["triage staff", f"{sc.triage.staff:g}", "referrals, by risk"],
        [
            "trained detectives",
            f"{o.trained.count:g}",
            f"up to {o.trained.caseload_cap:g} cases each",
        ],
        [
            "untrained officers",
            f"{o.untrained.count:g}",
            f"up to {o.untrained.caseload_cap:g} cases each",
        ],
        ["warrant supervisors", f"{w.supervisors:g}", "authorise applications"],
        ["execution teams", f"{w.execution_teams:g}", "execute warrants"],
        ["forensic examiners", f"{w.forensics_examiners:g}", "examine seized devices"],
    ]
    return Table(["resource", "number (people)", "serves"], rows, "Resources and their sizes")


def _entities(sc: Scenario) -> Table:
    rows = [
        [
            name,
            f"{c.referrals_per_year:,.0f}",
            ", ".join(f"{k} {v:.0%}" for k, v in c.risk_mix.items()),
        ]
        for name, c in sc.categories.items()
    ]
    return Table(
        ["referral category", "referrals a year", "risk mix"],
        rows,
        "Entities: referrals by category",
    )


def scenario_file_of(command: list[str] | None, base: Path) -> Path | None:
    """The scenario file named in a manifest's command, if it still exists."""
    for arg in (command or [])[2:]:
        if arg.endswith((".yaml", ".yml")):
            for candidate in (Path(arg), base / arg):
                if candidate.is_file():
                    return candidate
    return None


def data(sc: Scenario, manifest: dict[str, Any], base: Path) -> Section:
    """Entities, resources and the assumptions register (the one ``sim describe`` prints)."""
    file = scenario_file_of(manifest.get("command"), base)
    text = []
    tables = [_entities(sc), _resources(sc)]
    if file is not None:
        register = describe(file)
        c = register.counts
        text.append(
            f"Assumptions register (as `sim describe` prints it), read from the scenario "
            f"files' comments: {len(register.parameters)} parameters, {c['sourced']} sourced "
            f"(docs/sources.md), {c['calibrated']} calibrated, {c['assumed']} assumed, of which "
            f"{c['default']} with no comment. Values are the scenario file's (a --set on the "
            "command line is not shown here); the table lists those a comment explains."
        )
        rows = [
            [p.key, str(p.value), p.status, p.detail]
            for p in register.parameters
            if p.file is not None
        ]
        tables.append(
            Table(
                ["parameter", "value", "status", "source or reason"], rows, "Assumptions register"
            )
        )
    else:
        text.append(
            "Assumptions register: the scenario file the run was made from is not at "
            "hand, so the status of each value cannot be shown."
        )
    return Section("Model: data, entities and resources", text, tables=tables)


def experimentation(sc: Scenario, manifest: dict[str, Any]) -> Section:
    r = sc.run
    w = (manifest.get("extra") or {}).get("warmup") or {}
    warmup, horizon = quantity(r.warmup_days, "days"), quantity(r.horizon_days, "days")
    reps = quantity(manifest.get("replications") or 0, "replications")
    text = [
        f"Day 0 is {date_of(r.start_date, 0)}. The first {warmup} are a warm-up "
        f"(the model starts empty); KPIs are measured over the next {horizon}, to "
        f"{date_of(r.start_date, r.warmup_days + r.horizon_days)}.",
        f"{reps} with seed {manifest.get('seed')}: each "
        "replication has its own random-number streams, one per source of randomness, so "
        "scenarios run with the same seed share them (common random numbers) and their "
        "differences are paired. Intervals are 95% t-intervals across replications.",
    ]
    if w.get("suggested_days") is not None:
        text.append(
            f"Warm-up check: {w.get('method')} on weekly {w.get('series')} suggests "
            f"{quantity(w['suggested_days'], 'days')} "
            f"(used: {w.get('used_days', r.warmup_days):g})."
        )
    return Section("Model: experimentation", text)


def implementation(manifest: dict[str, Any]) -> Section:
    versions = manifest.get("versions") or {}
    rows = [[k, str(v)] for k, v in versions.items()]
    command = " ".join(manifest.get("command") or [])
    text = [f"Made with: {command}"] if command else []
    return Section(
        "Model: implementation",
        text,
        tables=[Table(["software", "version"], rows, "Software versions")],
    )


def model_sections(sc: Scenario, manifest: dict[str, Any], base: Path) -> list[Section]:
    """Objectives, logic, data, experimentation and implementation of a run's model."""
    return [
        objectives(sc),
        logic(sc),
        data(sc, manifest, base),
        experimentation(sc, manifest),
        implementation(manifest),
    ]
