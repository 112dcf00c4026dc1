"""The pathway diagram, drawn from the scenario: stages as boxes, resources under them."""

from __future__ import annotations

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from sim.report.numbers import quantity
from sim.report.plotting import Figure, new_figure
from sim.scenario import Scenario


def _stages(sc: Scenario) -> list[tuple[str, str]]:
    o, w = sc.officers, sc.warrants
    per_year = sum(c.referrals_per_year for c in sc.categories.values())
    return [
        ("referrals", f"{len(sc.categories)} categories\n{per_year:,.0f} a year"),
        ("triage", f"{sc.triage.staff:g} triage staff"),
        ("allocation", f"queue by risk\n{_fallback(sc.allocation.untrained_after_days)}"),
        (
            "officer\nwork",
            f"{o.trained.count:g} trained\n{o.untrained.count:g} untrained\n"
            f"cap {o.trained.caseload_cap:g} cases",
        ),
        (
            "warrant",
            f"{w.supervisors:g} supervisors\n{w.execution_teams:g} exec. teams\n"
            f"{w.forensics_examiners:g} forensic exam.",
        ),
        ("external\nwait", "charging advice,\npartner agencies"),
        (
            "closed,\ngraded",
            f"{len(sc.grading.rules)} grading rules\n{len(sc.inspections)} inspections",
        ),
    ]


def _fallback(days: float | None) -> str:
    return (
        "no untrained\nfallback" if days is None else f"untrained after\n{quantity(days, 'days')}"
    )


def pathway_figure(sc: Scenario) -> Figure:
    """Boxes for the stages of a case, arrows for its route, resources and sizes inside."""
    stages = _stages(sc)
    fig, ax = new_figure(height_in=2.0)
    n = len(stages)
    for i, (name, detail) in enumerate(stages):
        box = FancyBboxPatch(
            (i + 0.08, 0.1),
            0.84,
            0.8,
            boxstyle="round,pad=0.02",
            facecolor="white",
            edgecolor="black",
            linewidth=1,
        )
        ax.add_patch(box)
        ax.text(i + 0.5, 0.72, name, ha="center", va="center", fontsize=7, weight="bold")
        ax.text(i + 0.5, 0.35, detail, ha="center", va="center", fontsize=5.5)
        if i < n - 1:
            ax.add_patch(
                FancyArrowPatch(
                    (i + 0.92, 0.5), (i + 1.08, 0.5), arrowstyle="-|>", mutation_scale=8
                )
            )
    ax.text(1.5, 0.02, "↓ not a police case:\nends at triage", fontsize=5.5, ha="center", va="top")
    ax.set_xlim(0, n)
    ax.set_ylim(-0.25, 1)
    ax.axis("off")
    names = ", ".join(s for s, _ in stages)
    alt = (
        f"Flow diagram of a case's route through {n} stages: {names}; each box lists the "
        "resources of that stage and their numbers from the scenario."
    )
    return Figure("pathway", "The case pathway", alt, fig)
