"""First-screen sentences of a search: the chosen package, its cost and probability, and
whether the answer is settled; or that no package met the targets."""

from __future__ import annotations

from typing import Any

from sim.report.headline import Headline
from sim.report.numbers import quantity
from sim.report.search_input import SearchInput


def money(value: float, currency: str) -> str:
    """``GBP 150,000``, or ``150,000 (currency not recorded)`` when the currency is unknown."""
    return f"{currency} {value:,.0f}" if currency else f"{value:,.0f} (currency not recorded)"


def targets_text(found: SearchInput) -> str:
    targets = [str(t) for t in found.manifest.get("targets") or []]
    return " and ".join(targets) if targets else "the targets"


def search_headline(found: SearchInput) -> Headline:
    """The choice (or none) in words with the search's own claim, the search's scale, and
    warnings: not settled, assumed costs, costs without a currency."""
    m = found.manifest
    best = found.best
    settled = bool(m.get("settled"))
    p = found.probability
    if best is None:
        first = f"No package was shown to meet {targets_text(found)} with probability ≥ {p:g}."
    else:
        first = (
            f"The cheapest package shown to meet {targets_text(found)} with probability "
            f"≥ {p:g} is {best['label']}, at {money(best['cost_per_year'], found.currency)} "
            f"a year: P = {best['probability']:.3g} ({int(best['successes'])} of "
            f"{quantity(int(best['replications']), 'replications')}), Wilson "
            f"{_level(m)} interval {best['wilson_low']:.3g}–{best['wilson_high']:.3g}."
        )
    sentences = [first, f"The search's claim: {m.get('claim', '(none recorded)')}."]
    warnings = []
    if not settled:
        warnings.append(
            "Not settled: the replication budget or the per-package cap ran out before every "
            "cheaper package was ruled out (a larger --max-reps or --package-reps, run again "
            "with --force, continues from the replications already made)."
        )
    if found.levers is not None and any(
        c.assumed for lever in found.levers.levers.values() for c in lever.costs
    ):
        warnings.append("Some costs are assumed, not from a costing: see Levers and costs.")
    if not found.currency:
        warnings.append("The currency of the costs is not recorded in the search folder.")
    return Headline(sentences, search_scale(m), warnings)


def _level(m: dict[str, Any]) -> str:
    level = (m.get("options") or {}).get("level")
    return f"{float(level):.0%}" if isinstance(level, int | float) else ""


def refined_text(m: dict[str, Any]) -> str:
    """`` + N from refinement`` when refinement added packages, else ``""``."""
    refined = int(m.get("refined_packages") or 0)
    return f" + {refined} from refinement" if refined else ""


def search_scale(m: dict[str, Any]) -> str:
    """``58 of 64 replications (the budget) on 15 of 15 candidate packages …``."""
    options = m.get("options") or {}
    until = f", until {m['until']}" if m.get("until") else ""
    return (
        f"{quantity(int(m.get('replications', 0)), 'replications')} of a budget of "
        f"{options.get('max_reps', '?')}, {m.get('packages_simulated', '?')} of "
        f"{m.get('candidate_packages', '?')} candidate packages{refined_text(m)} simulated "
        f"({m.get('grid_packages', '?')} in the grid), "
        f"{quantity(int(m.get('rounds', 0)), 'rounds')} after screening; "
        f"{'settled' if m.get('settled') else 'not settled'}; seed {m.get('seed')}; "
        f"{quantity(float(m.get('horizon_days', 0)), 'days')} after a "
        f"{float(m.get('warmup_days', 0)):g}-day warm-up{until}."
    )
