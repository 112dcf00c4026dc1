"""Shared chart machinery: matplotlib without a display, greyscale-readable styles, dates.

Every chart is a :class:`Figure`: a name (its file name without extension), alt text for
readers who cannot see it, and the matplotlib figure, rendered once as SVG (embedded in the
page) and once as PNG (for slides).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure as MplFigure  # noqa: E402

# line styles, markers and greys that stay apart in greyscale print
STYLES = (
    {"color": "#000000", "linestyle": "-", "marker": "o"},
    {"color": "#555555", "linestyle": "--", "marker": "s"},
    {"color": "#888888", "linestyle": ":", "marker": "^"},
    {"color": "#333333", "linestyle": "-.", "marker": "D"},
    {"color": "#aaaaaa", "linestyle": "-", "marker": "v"},
    {"color": "#222222", "linestyle": (0, (5, 1, 1, 1)), "marker": "x"},
)
HATCHES = ("", "//", "..", "xx", "\\\\", "++")
WIDTH_IN = 7.0
"""Figure width, inches (fits an A4 page with margins)."""

matplotlib.rcParams.update(
    {
        "font.size": 9,
        "axes.grid": True,
        "grid.color": "#dddddd",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.fonttype": "none",  # text stays text: searchable, selectable, smaller
        "svg.hashsalt": "caseflow-sim",
        "figure.dpi": 100,
    }
)


def style(i: int) -> dict:
    """The i-th line style (colour grey level, dash pattern, marker)."""
    return dict(STYLES[i % len(STYLES)])


@dataclass
class Figure:
    """A chart ready to be written: ``name`` (file stem), ``title``, ``alt`` text."""

    name: str
    title: str
    alt: str
    figure: MplFigure
    _svg: str | None = field(default=None, repr=False)

    def svg(self) -> str:
        """The chart as SVG text, without the XML prologue (to embed in HTML); drawn once."""
        if self._svg is not None:
            return self._svg
        buffer = io.StringIO()
        self.figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
        text = buffer.getvalue()
        self._svg = text[text.index("<svg") :]
        return self._svg

    def png(self) -> bytes:
        """The chart as a PNG image at 200 dots per inch."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=200, bbox_inches="tight")
        return buffer.getvalue()


def new_figure(rows: int = 1, cols: int = 1, height_in: float = 3.2, **kwargs):
    """A figure of the report's width with ``rows × cols`` axes; height in inches per row.

    Made without pyplot, so nothing global keeps it alive once the report is written."""
    fig = MplFigure(figsize=(WIDTH_IN, height_in * rows))
    axes = fig.subplots(rows, cols, **kwargs)
    return fig, axes


def to_dates(start: dt.date, days: np.ndarray | list[float]) -> list[dt.datetime]:
    """Simulation days (day 0 = ``start``) as calendar datetimes."""
    origin = dt.datetime.combine(start, dt.time())
    return [origin + dt.timedelta(days=float(d)) for d in days]


def date_axis(ax, start: dt.date) -> None:
    """Label the x axis with dates and say which date is day 0."""
    locator = mdates.AutoDateLocator(minticks=4, maxticks=9)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlabel(f"date (day 0 = {start.isoformat()})")


def mark_days(ax, start: dt.date, marks: list[tuple[float, str, str]]) -> None:
    """Vertical markers at days: ``(day, label, kind)``, kind ``measure`` or ``inspection``."""
    seen: set[str] = set()
    for day, label, kind in marks:
        when = to_dates(start, [day])[0]
        line = "--" if kind == "measure" else ":"
        legend = f"{kind}s" if kind not in seen else None
        seen.add(kind)
        ax.axvline(when, color="#444444", linestyle=line, linewidth=0.9, label=legend)
        ax.annotate(
            label,
            (when, 1.0),
            xycoords=("data", "axes fraction"),
            rotation=90,
            fontsize=6,
            va="top",
            ha="right",
            color="#444444",
        )


def percent_axis(ax, axis: str = "y") -> None:
    """Format an axis holding shares (0–1) as percentages."""
    from matplotlib.ticker import PercentFormatter

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(PercentFormatter(1.0, decimals=0))
