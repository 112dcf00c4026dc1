"""Money and durations in the short words a page's controls have room for."""

from __future__ import annotations


def money(amount: float, currency: str) -> str:
    """``£1.2m``, ``£65k``: an amount (in ``currency``) to three significant digits."""
    sign = "£" if currency == "GBP" else f"{currency} "
    if amount >= 999_500:  # rounds to 1.00m or more
        return f"{sign}{amount / 1e6:.3g}m"
    if amount >= 999.5:
        return f"{sign}{amount / 1e3:.3g}k"
    return f"{sign}{amount:,.0f}"


def duration(seconds: float) -> str:
    """``45 s``, ``3 min 20 s``, ``1 h 05 min``."""
    s = round(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"
