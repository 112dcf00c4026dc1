"""Money a year and run times in the page's words."""

from __future__ import annotations

import pytest

from sim.app.words import duration, money


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (0, "GBP", "£0"),
        (950, "GBP", "£950"),
        (65000, "GBP", "£65k"),
        (520000, "GBP", "£520k"),
        (6_500_000, "GBP", "£6.5m"),
        (35_620_000 * 0.2, "GBP", "£7.12m"),
        (1500, "EUR", "EUR 1.5k"),
        (999_999, "GBP", "£1m"),
        (999.6, "GBP", "£1k"),
    ],
)
def test_money(amount, currency, text):
    assert money(amount, currency) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.4, "0 s"), (44.6, "45 s"), (60, "1 min 00 s"), (225.1, "3 min 45 s"), (3900, "1 h 05 min")],
)
def test_duration(seconds, text):
    assert duration(seconds) == text
