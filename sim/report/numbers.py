"""Numbers in words: shares, days and counts with their intervals, and dates."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from sim.report.suppress import Suppression


def is_share(kpi: str) -> bool:
    """KPIs named ``*_rate`` (and utilisation) are shares between 0 and 1."""
    return kpi.endswith("_rate") or kpi.endswith("utilisation")


def is_days(kpi: str) -> bool:
    return "_days" in kpi or kpi.endswith("_days")


def quantity(value: float, unit: str, spec: str = "g") -> str:
    """``value`` with its unit, singular for exactly one: ``1 day``, ``2 days``, ``1.5 days``,
    ``1 replication``; ``unit`` is given in the plural (``days``, ``hours``, ``cases``)."""
    text = f"{value:{spec}}"
    if text in ("1", "-1"):
        unit = SINGULAR.get(unit, unit.removesuffix("s"))
    return f"{text} {unit}"


SINGULAR = {"inspections": "inspection", "replications": "replication", "people": "person"}


def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def number(value: Any, kpi: str = "") -> str:
    """A value in the KPI's unit: ``78%``, ``4.2 days``, ``1,204``; ``–`` if undefined."""
    if not _finite(value):
        return "–"
    if is_share(kpi):
        return f"{value:.0%}"
    if is_days(kpi):
        return f"{value:.1f} days" if abs(value) < 100 else f"{value:,.0f} days"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def with_ci(k: dict[str, Any] | None, kpi: str) -> str:
    """``78% (95% CI 77–80%)``; without interval when it is undefined."""
    if not k or not _finite(k.get("mean")):
        return "–"
    main = number(k["mean"], kpi)
    low, high = k.get("ci_low"), k.get("ci_high")
    if not (_finite(low) and _finite(high)):
        return main
    if is_share(kpi):
        low, high = max(low, 0.0), min(high, 1.0)
        return f"{main} (95% CI {low * 100:.0f}–{high:.0%})"
    if is_days(kpi) and abs(k["mean"]) < 1:  # under a day: in hours
        hours = [v * 24 for v in (k["mean"], max(low, 0.0), high)]
        return f"{hours[0]:.1f} hours (95% CI {hours[1]:.1f}–{hours[2]:.1f} hours)"
    if is_days(kpi):
        low = max(low, 0.0)
    unit = " days" if is_days(kpi) else ""
    lo = number(low, kpi).replace(" days", "")
    hi = number(high, kpi).replace(" days", "")
    return f"{main} (95% CI {lo}–{hi}{unit})"


def shown(k: dict[str, Any] | None, kpi: str, sup: Suppression, base: float | None) -> str:
    """:func:`with_ci`, or the suppression text when the number is hidden."""
    if k and hidden(k.get("mean"), kpi, sup, base):
        return sup.text()
    return with_ci(k, kpi)


def hidden(value: Any, kpi: str, sup: Suppression, base: float | None) -> bool:
    """Whether ``value`` of ``kpi`` is suppressed: a share of ``base`` cases standing for a
    hidden count (or of a hidden base), or a count under the threshold; waits never are."""
    if not _finite(value):
        return False
    if is_share(kpi):
        return sup.hides_share(value, base)
    return not is_days(kpi) and sup.hides_count(value)


def date_of(start: dt.date, day: float) -> str:
    """Day ``day`` of a run starting ``start`` as e.g. ``1 April 2016``."""
    when = start + dt.timedelta(days=float(day))
    return f"{when.day} {when:%B %Y}"
