"""Horizontal bar charts drawn on the server as SVG (includes/bar_chart.html): the
geometry, and a description in words, of figures the caller has counted."""

import textwrap
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# The chart's drawing in viewBox units. It is as wide as a phone's column (a 390 px
# screen shows it at about 1:1) and the stylesheet caps its width, so the text stays
# between 14 and about 18 px on any screen: SVG text scales with its viewBox.
WIDTH = 360
FONT_SIZE = 14
LINE_HEIGHT = 18
BAR_HEIGHT = 16
ROW_GAP = 14
# A label wraps onto further lines rather than run out of the drawing; a value goes
# inside the end of its bar when it would not fit after it. Generous widths per
# character (a digit is about 0.56 em, an average letter less), so nothing overflows.
LABEL_CHARACTERS = 44
VALUE_CHARACTER_WIDTH = 8.5
VALUE_GAP = 6
# A bar for a figure above zero is never thinner than this, so it shows.
MIN_BAR = 2
# How many of the largest figures the description names in words.
DESCRIBED = 3


def grouped(number):
    """A whole number in the visitor's locale, grouped: 1 200 000 or 1,200,000."""
    return number_format(number, decimal_pos=0, force_grouping=True)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    shown: str  # the value as the bar, the table and the description give it
    label_lines: list  # [(y, text)]
    bar_y: int
    bar_width: float
    value_x: float
    value_y: float
    value_inside: bool


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    label_heading: str
    value_heading: str
    bars: list
    height: int
    empty_text: str
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def empty(self):
        return not any(bar.value for bar in self.bars)


def bar_chart(chart_id, title, rows, *, label_heading, value_heading, shown, empty_text,
              spoken=None):
    """A chart of (label, value) rows, largest first (ties keep the order given), bars
    scaled to the largest value. `shown(value)` is the value as the bars and the table
    give it ("1 200 000 kr"), `spoken(value)` as the description says it ("12 projects";
    shown if not given); `empty_text` is said instead when every value is 0."""
    spoken = spoken or shown
    rows = sorted(((label, int(value or 0)) for label, value in rows),
                  key=lambda row: -row[1])
    largest = max((value for _label, value in rows), default=0)
    bars, y = [], 0
    for label, value in rows:
        lines = textwrap.wrap(label, LABEL_CHARACTERS) or [""]
        label_lines = [(y + FONT_SIZE + i * LINE_HEIGHT, line) for i, line in enumerate(lines)]
        bar_y = y + len(lines) * LINE_HEIGHT + 4
        width = WIDTH * value / largest if largest else 0
        if value:
            width = max(width, MIN_BAR)
        text = shown(value)
        fits_after = width + VALUE_GAP + len(text) * VALUE_CHARACTER_WIDTH <= WIDTH
        bars.append(Bar(
            label=label, value=value, shown=text, label_lines=label_lines,
            bar_y=bar_y, bar_width=round(width, 1),
            value_x=round(width + VALUE_GAP if fits_after else width - VALUE_GAP, 1),
            value_y=bar_y + BAR_HEIGHT - 3.5, value_inside=not fits_after,
        ))
        y = bar_y + BAR_HEIGHT + ROW_GAP
    return BarChart(
        id=chart_id, title=title, label_heading=label_heading, value_heading=value_heading,
        description=describe([(label, spoken(value)) for label, value in rows if value]),
        bars=bars, height=max(y - ROW_GAP, 0), empty_text=empty_text,
    )


def describe(figures):
    """The chart in words for a screen reader: its largest figures, in order, and how
    many more the table lists. `figures` are (label, value in words), largest first."""
    named = "; ".join(f"{label}, {value}" for label, value in figures[:DESCRIBED])
    more = len(figures) - DESCRIBED
    if not figures:
        return ""
    if len(figures) == 1:
        return _("Only %(figures)s.") % {"figures": named}
    if more <= 0:
        return _("Largest first: %(figures)s.") % {"figures": named}
    return ngettext(
        "Largest first: %(figures)s, and %(count)s more in the table.",
        "Largest first: %(figures)s, and %(count)s more in the table.",
        more,
    ) % {"figures": named, "count": more}
