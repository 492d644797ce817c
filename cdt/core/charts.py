"""Charts drawn on the server as SVG: no script, nothing fetched, so they
pass the CSP, print, and read the same in every browser.

Each function turns figures into geometry for ``templates/core/charts/``.
Every chart also comes with its figures as a table (screen readers, and
people who would rather read than look), and nothing is told by colour
alone: bars carry their numbers, series differ by pattern as well as hue,
and timeline marks differ by shape.
"""

from __future__ import annotations

import datetime
import textwrap
from dataclasses import dataclass, field

LABEL_WIDTH = 300
BAR_AREA = 420
ROW_HEIGHT = 28
BAR_HEIGHT = 18
#: A label wraps onto lines this long (13 px text in the 300 px label column,
#: measured on the widest French step names); each extra line adds LINE_HEIGHT.
LABEL_LINE_CHARACTERS = 38
LINE_HEIGHT = 16
#: Average advance of a character of 13 px text, to leave room for the figure after a bar.
CHARACTER_WIDTH = 7.2
#: Series fills, each with a pattern (see ``charts/defs.html``).
SERIES_FILLS = ("url(#cdt-fill-solid)", "url(#cdt-fill-hatch)", "url(#cdt-fill-dots)", "url(#cdt-fill-cross)")


@dataclass
class Segment:
    x: float
    width: float
    value: float
    series: int
    fill: str


def wrap_label(label: str, width: int = LABEL_LINE_CHARACTERS) -> list[str]:
    """A label on as many lines as it needs, never cut: SVG text does not
    wrap by itself, and a truncated step name ("7 · Coopération avec les
    partenaires…") hides what the bar is about."""
    return textwrap.wrap(label, width=width, break_long_words=True, break_on_hyphens=False) or [""]


@dataclass
class BarRow:
    label: str
    y: float
    total: float
    text: str
    values: list[float]
    segments: list[Segment] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT - 4

    @property
    def label_y(self) -> float:
        """Where the label's first line sits, so its lines centre on the bar."""
        return self.text_y - (len(self.lines) - 1) * LINE_HEIGHT / 2

    @property
    def label_lines(self) -> list[tuple[int, str]]:
        """(dy, text) of each line after the first, for ``<tspan>``."""
        return [(LINE_HEIGHT, line) for line in self.lines[1:]]

    @property
    def end_x(self) -> float:
        return LABEL_WIDTH + sum(segment.width for segment in self.segments) + 6


@dataclass
class BarChart:
    key: str
    title: str
    description: str
    series: list[tuple[str, str]]  # (label, fill) for the legend
    rows: list[BarRow]
    width: int = LABEL_WIDTH + BAR_AREA + 120
    label_width: int = LABEL_WIDTH
    height: int = ROW_HEIGHT + 10


def bar_chart(
    *, key: str, title: str, description: str, rows: list[tuple[str, list[float], str]], series: list[str] | None = None
) -> BarChart:
    """Horizontal (stacked) bars: ``rows`` are (label, values per series,
    the text printed after the bar)."""
    largest = max((sum(values) for _label, values, _text in rows), default=0) or 1
    scale = BAR_AREA / largest
    chart_rows = []
    y = 5.0
    for label, values, text in rows:
        lines = wrap_label(str(label))
        extra = (len(lines) - 1) * LINE_HEIGHT  # a wrapped label makes its row taller, the bar stays centred
        x = LABEL_WIDTH
        segments = []
        for series_index, value in enumerate(values):
            width = value * scale
            if width > 0:
                segments.append(Segment(x, round(width, 1), value, series_index, SERIES_FILLS[series_index % len(SERIES_FILLS)]))
            x += width
        chart_rows.append(BarRow(label, y + extra / 2, sum(values), text, list(values), segments, lines))
        y += ROW_HEIGHT + extra
    legend = [(name, SERIES_FILLS[i % len(SERIES_FILLS)]) for i, name in enumerate(series or [])]
    # Room for the figure printed after the longest bar, whatever the language.
    trailing = max((len(str(text)) for _label, _values, text in rows), default=0) * CHARACTER_WIDTH + 12
    width = int(LABEL_WIDTH + BAR_AREA + max(120, trailing))
    return BarChart(key, title, description, legend, chart_rows, width=width, height=int(max(y, ROW_HEIGHT + 5) + 5))


@dataclass
class Mark:
    x: float
    y: float
    shape: str  # "circle" (incident) or "diamond" (response)
    label: str
    url: str
    on: datetime.date

    @property
    def diamond_points(self) -> str:
        return f"{self.x},{self.y - 8} {self.x + 8},{self.y} {self.x},{self.y + 8} {self.x - 8},{self.y}"


@dataclass
class Timeline:
    key: str
    title: str
    description: str
    marks: list[Mark]
    ticks: list[tuple[float, str]]
    width: int = 840
    height: int = 130
    axis_y: int = 65
    left: int = 30
    right: int = 810


def timeline(
    *,
    key: str,
    title: str,
    description: str,
    incidents: list[tuple[datetime.date, str, str]],
    responses: list[tuple[datetime.date, str, str]],
) -> Timeline | None:
    """Incidents above the axis as circles, responses below as diamonds,
    placed by date; one tick per year."""
    dated = [entry for entry in (*incidents, *responses) if entry[0]]
    if not dated:
        return None
    chart = Timeline(key, title, description, [], [])
    start = min(on for on, _label, _url in dated)
    end = max(on for on, _label, _url in dated)
    start = datetime.date(start.year, 1, 1)
    end = datetime.date(end.year + 1, 1, 1)
    span = (end - start).days or 1

    def x_of(on: datetime.date) -> float:
        return round(chart.left + (on - start).days / span * (chart.right - chart.left), 1)

    for entries, shape, y in ((incidents, "circle", chart.axis_y - 25), (responses, "diamond", chart.axis_y + 25)):
        chart.marks += [Mark(x_of(on), y, shape, label, url, on) for on, label, url in entries if on]
    chart.ticks = [(x_of(datetime.date(year, 1, 1)), str(year)) for year in range(start.year, end.year + 1)]
    return chart
