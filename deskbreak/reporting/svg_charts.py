"""The report's three charts as inline SVG, drawn with nothing but string formatting.

Why our own drawing and not a plotting library: the report needs three charts over calendar days
(stacked bars, dots, lines, two y-axes). matplotlib did that well but brought numpy, fontTools
and itself (about 140 MB, most of a fresh install) for one export command. What is left here is
a day axis, a linear scale with round tick steps, and a few SVG shapes, each tested.

Every chart is one `<svg>` element with a `viewBox`, so it scales with the page, a `<title>` and
`role="img"` for screen readers, no scripts and no external references. Text uses the page's
font (`font-family="inherit"`), so charts and tables look alike.

Threading: pure functions of their arguments; call from any thread.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from deskbreak.core.compliance import (
    LONG_BOUT_SECONDS,
    VERY_LONG_BOUT_SECONDS,
    DaySummary,
    Report,
    Tally,
)
from deskbreak.core.events import HEADACHE_LEVELS

#: The drawing's own coordinate system (the page scales it to its width).
WIDTH = 960
HEIGHT = 300
#: Room around the plot area: the legend above, day labels below, an axis on either side.
MARGIN_TOP = 44
MARGIN_BOTTOM = 44
MARGIN_LEFT = 64
MARGIN_RIGHT = 84
FONT_SIZE = 12
#: An estimate of the average glyph width of a sans-serif face at FONT_SIZE, for laying out the
#: legend (there is no text measuring without a font engine; generous is safe).
CHAR_WIDTH = 6.4

#: Periods up to this many days show every bout as a dot; longer ones the daily longest and mean.
BOUT_DOTS_UP_TO_DAYS = 62
#: Periods up to this many days draw one bar per day; longer ones filled step bands.
BARS_UP_TO_DAYS = 62
#: Periods up to this many days get one labelled tick per day.
DAY_TICKS_UP_TO_DAYS = 16
#: Periods up to this many days get a tick every Monday; longer ones every first of the month.
WEEK_TICKS_UP_TO_DAYS = 92
#: Periods longer than this get a tick every first of a quarter.
QUARTER_TICKS_FROM_DAYS = 800
#: A bar takes this share of its day's width.
BAR_WIDTH = 0.8

#: Final outcomes in stacking order, best first. "partial" and "stopped" (a guided break
#: stopped after some or before any exercise) are drawn when the tally counts them.
OUTCOME_COLOURS = {
    "done": "#2e7d32",
    "partial": "#9ccc65",
    "taken": "#81c784",
    "snoozed": "#fbc02d",
    "stopped": "#a1887f",
    "skipped": "#ef6c00",
    "missed": "#c62828",
}
ADHERENCE_COLOUR = "#1a237e"
NECK_COLOUR = "#6a1b9a"
HEADACHE_COLOUR = "#00838f"
BOUT_COLOURS = {"long": "#c62828", "medium": "#ef6c00", "short": "#546e7a"}
AXIS_COLOUR = "#37474f"
GRID_COLOUR = "#e3e3e3"
TEXT_COLOUR = "#212121"
MUTED_TEXT_COLOUR = "#555555"


# --- scales --------------------------------------------------------------------------------------


def nice_ticks(high: float, *, most: int = 8, integer: bool = False) -> list[float]:
    """Ticks from 0 up to at least `high` with a round step (1, 2, 2.5 or 5 times a power of
    ten; no 2.5 when `integer`), at most `most` + 1 of them. `high` <= 0 gives [0, 1]."""
    if not high > 0 or not math.isfinite(high):
        return [0.0, 1.0]
    raw = high / most
    magnitude = 10.0 ** math.floor(math.log10(raw))
    steps = (1.0, 2.0, 5.0, 10.0) if integer else (1.0, 2.0, 2.5, 5.0, 10.0)
    step = next(m * magnitude for m in steps if m * magnitude >= raw - 1e-12)
    if integer:
        step = max(1.0, round(step))
    count = math.ceil(high / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


@dataclass(frozen=True)
class Linear:
    """Maps values in [low, high] onto pixels [bottom, top] (SVG y grows downwards)."""

    low: float
    high: float
    bottom: float
    top: float

    def __call__(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return self.bottom + (value - self.low) / span * (self.top - self.bottom)


@dataclass(frozen=True)
class DayAxis:
    """Consecutive calendar days side by side, each in a slot of equal width."""

    days: tuple[date, ...]
    left: float
    right: float

    @property
    def slot(self) -> float:
        return (self.right - self.left) / max(len(self.days), 1)

    def centre(self, index: float) -> float:
        """The x of the middle of day number `index` (fractions move within or past it)."""
        return self.left + (index + 0.5) * self.slot

    def ticks(self) -> list[tuple[int, list[str]]]:
        """(day index, label lines) for the labelled ticks; fewer ticks for longer periods."""
        n = len(self.days)
        if n <= DAY_TICKS_UP_TO_DAYS:
            return [(i, [f"{d:%a}", f"{d:%d %b}"]) for i, d in enumerate(self.days)]
        if n <= WEEK_TICKS_UP_TO_DAYS:
            return [(i, [f"{d:%d %b}"]) for i, d in enumerate(self.days) if d.weekday() == 0]
        months = (1, 4, 7, 10) if n > QUARTER_TICKS_FROM_DAYS else tuple(range(1, 13))
        ticks: list[tuple[int, list[str]]] = []
        for i, d in enumerate(self.days):
            if d.day == 1 and d.month in months:
                # The year under January and under the first tick, so every label is dated.
                year = [f"{d:%Y}"] if d.month == 1 or not ticks else []
                ticks.append((i, [f"{d:%b}", *year]))
        return ticks


# --- the drawing ---------------------------------------------------------------------------------


def _n(value: float) -> str:
    """A coordinate with at most one decimal: small files, and exact enough at any zoom."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass
class Canvas:
    """SVG elements collected in drawing order (later ones on top)."""

    title: str
    elements: list[str] = field(default_factory=list)

    def add(self, element: str) -> None:
        self.elements.append(element)

    def rect(self, x: float, y: float, width: float, height: float, fill: str,
             opacity: float = 1.0) -> None:
        if width <= 0 or height <= 0:
            return
        extra = f' fill-opacity="{opacity}"' if opacity < 1 else ""
        self.add(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" '
                 f'fill="{fill}"{extra}/>')

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1.0,
             dash: str = "") -> None:
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.add(f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
                 f'stroke="{stroke}" stroke-width="{width}"{extra}/>')

    def polyline(self, points: Sequence[tuple[float, float]], stroke: str,
                 width: float = 1.5) -> None:
        if len(points) < 2:
            return
        coords = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
        self.add(f'<polyline points="{coords}" fill="none" stroke="{stroke}" '
                 f'stroke-width="{width}" stroke-linejoin="round"/>')

    def polygon(self, points: Sequence[tuple[float, float]], fill: str,
                opacity: float = 1.0) -> None:
        if len(points) < 3:
            return
        coords = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
        extra = f' fill-opacity="{opacity}"' if opacity < 1 else ""
        self.add(f'<polygon points="{coords}" fill="{fill}"{extra}/>')

    def circle(self, x: float, y: float, r: float, fill: str, opacity: float = 1.0) -> None:
        extra = f' fill-opacity="{opacity}"' if opacity < 1 else ""
        self.add(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="{fill}"{extra}/>')

    def triangle(self, x: float, y: float, size: float, fill: str, opacity: float = 1.0) -> None:
        self.polygon([(x, y - size), (x - size, y + size * 0.8), (x + size, y + size * 0.8)],
                     fill, opacity)

    def text(self, x: float, y: float, words: str, anchor: str = "start",
             colour: str = TEXT_COLOUR, size: int = FONT_SIZE, rotate: bool = False) -> None:
        transform = f' transform="rotate(-90 {_n(x)} {_n(y)})"' if rotate else ""
        self.add(f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" fill="{colour}" '
                 f'font-size="{size}"{transform}>{html.escape(words)}</text>')

    def svg(self) -> str:
        """The finished `<svg>` element."""
        title = html.escape(self.title)
        body = "\n".join(self.elements)
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
                f'width="100%" role="img" aria-label="{title}" font-family="inherit">'
                f"<title>{title}</title>\n{body}\n</svg>")


@dataclass(frozen=True)
class LegendEntry:
    """One legend item: its words and how its mark is drawn."""

    label: str
    colour: str
    mark: str  # "box", "line", "line-dot", "dot", "triangle", "dashed" or "dotted"
    opacity: float = 1.0


def _legend(canvas: Canvas, entries: Iterable[LegendEntry]) -> None:
    """The legend in one row above the plot area, left-aligned with it."""
    x, y = float(MARGIN_LEFT), 18.0
    for entry in entries:
        c, o = entry.colour, entry.opacity
        if entry.mark == "box":
            canvas.rect(x, y - 6, 14, 10, c, o)
        elif entry.mark in ("line", "line-dot", "dashed", "dotted"):
            dash = {"dashed": "6 3", "dotted": "1.5 2.5"}.get(entry.mark, "")
            canvas.line(x - 2, y - 1, x + 16, y - 1, c, 1.5, dash)
            if entry.mark == "line-dot":
                canvas.circle(x + 7, y - 1, 3, c, o)
        elif entry.mark == "dot":
            canvas.circle(x + 7, y - 1, 3.5, c, o)
        elif entry.mark == "triangle":
            canvas.triangle(x + 7, y - 1, 4, c, o)
        canvas.text(x + 22, y + 3, entry.label)
        x += 22 + len(entry.label) * CHAR_WIDTH + 18


@dataclass(frozen=True)
class Frame:
    """The plot area in drawing coordinates, and the day axis along its bottom."""

    axis: DayAxis
    top: float = MARGIN_TOP
    bottom: float = HEIGHT - MARGIN_BOTTOM

    @property
    def left(self) -> float:
        return self.axis.left

    @property
    def right(self) -> float:
        return self.axis.right


def _frame(days: Sequence[DaySummary]) -> Frame:
    return Frame(DayAxis(tuple(d.day for d in days), MARGIN_LEFT, WIDTH - MARGIN_RIGHT))


def _left_axis(canvas: Canvas, frame: Frame, scale: Linear, ticks: Sequence[float],
               label: str, labels: Sequence[str] | None = None, grid: bool = True) -> None:
    """Ticks, numbers and gridlines on the left, and the axis name written upwards."""
    for i, tick in enumerate(ticks):
        y = scale(tick)
        if grid:
            canvas.line(frame.left, y, frame.right, y, GRID_COLOUR)
        canvas.line(frame.left - 4, y, frame.left, y, AXIS_COLOUR)
        canvas.text(frame.left - 7, y + 4, labels[i] if labels else _tick_text(tick), "end")
    canvas.line(frame.left, frame.top, frame.left, frame.bottom, AXIS_COLOUR)
    canvas.text(16, (frame.top + frame.bottom) / 2, label, "middle", rotate=True)


def _right_axis(canvas: Canvas, frame: Frame, scale: Linear, ticks: Sequence[float],
                label: str, labels: Sequence[str] | None = None) -> None:
    for i, tick in enumerate(ticks):
        y = scale(tick)
        canvas.line(frame.right, y, frame.right + 4, y, AXIS_COLOUR)
        canvas.text(frame.right + 7, y + 4, labels[i] if labels else _tick_text(tick))
    canvas.line(frame.right, frame.top, frame.right, frame.bottom, AXIS_COLOUR)
    # Written upwards against the drawing's right edge, clear of the tick labels.
    canvas.text(WIDTH - 8, (frame.top + frame.bottom) / 2, label, "middle", rotate=True)


def _day_axis(canvas: Canvas, frame: Frame) -> None:
    canvas.line(frame.left, frame.bottom, frame.right, frame.bottom, AXIS_COLOUR)
    for index, lines in frame.axis.ticks():
        x = frame.axis.centre(index)
        canvas.line(x, frame.bottom, x, frame.bottom + 4, AXIS_COLOUR)
        for row, words in enumerate(lines):
            canvas.text(x, frame.bottom + 17 + row * 14, words, "middle")


def _tick_text(value: float) -> str:
    return f"{value:g}"


def _segments(points: Sequence[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
    """Split a line at its missing values: a day without data is a gap, not a zero."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in points:
        if y is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((x, y))
    return [run for run in runs if run]


def _step_band(axis: DayAxis, lower: Sequence[float], upper: Sequence[float]) -> \
        list[tuple[float, float]]:
    """The outline of a band that steps at day boundaries (each day flat across its slot)."""
    top: list[tuple[float, float]] = []
    bottom: list[tuple[float, float]] = []
    for i, (low, high) in enumerate(zip(lower, upper)):
        x0, x1 = axis.centre(i - 0.5), axis.centre(i + 0.5)
        top += [(x0, high), (x1, high)]
        bottom += [(x0, low), (x1, low)]
    return _flatten(top) + _flatten(bottom)[::-1]


def _flatten(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """`points` without those in the middle of a flat run (same y on both sides): a year of
    mostly level steps then takes a fraction of the bytes, and looks the same."""
    kept: list[tuple[float, float]] = []
    for i, point in enumerate(points):
        inner = 0 < i < len(points) - 1
        if inner and points[i - 1][1] == point[1] == points[i + 1][1]:
            continue
        kept.append(point)
    return kept


def _empty_note(canvas: Canvas, frame: Frame, words: str) -> None:
    canvas.text((frame.left + frame.right) / 2, (frame.top + frame.bottom) / 2, words,
                "middle", MUTED_TEXT_COLOUR, 14)


# --- the three charts ----------------------------------------------------------------------------


def _outcomes() -> dict[str, str]:
    """The outcomes the tally counts, with their colours."""
    return {name: colour for name, colour in OUTCOME_COLOURS.items() if hasattr(Tally, name)}


def adherence_chart(days: Sequence[DaySummary]) -> str:
    """Prompts per day stacked by outcome, with the day's adherence (done / prompted) as a line
    on a 0-100 % axis on the right."""
    canvas = Canvas("Daily adherence: prompts per day by outcome, and the share done")
    frame = _frame(days)
    outcomes = _outcomes()
    totals = [sum(getattr(d.prompts, name) for name in outcomes) for d in days]
    ticks = nice_ticks(max(totals, default=0), most=8, integer=True)
    count = Linear(0, ticks[-1], frame.bottom, frame.top)
    rate = Linear(0, 105, frame.bottom, frame.top)
    _left_axis(canvas, frame, count, ticks, "prompts")
    axis = frame.axis
    lower = [0.0] * len(days)
    for name, colour in outcomes.items():
        upper = [low + getattr(d.prompts, name) for low, d in zip(lower, days)]
        if len(days) <= BARS_UP_TO_DAYS:
            width = axis.slot * BAR_WIDTH
            for i, (low, high) in enumerate(zip(lower, upper)):
                if high > low:
                    canvas.rect(axis.centre(i) - width / 2, count(high), width,
                                count(low) - count(high), colour)
        elif any(high > low for low, high in zip(lower, upper)):
            # One band per outcome: a year of bars would be thousands of shapes.
            canvas.polygon([(x, count(v)) for x, v in _step_band(axis, lower, upper)], colour)
        lower = upper
    values = [None if d.prompts.adherence is None else d.prompts.adherence * 100 for d in days]
    points = [(axis.centre(i), None if v is None else rate(v)) for i, v in enumerate(values)]
    for run in _segments(points):
        canvas.polyline(run, ADHERENCE_COLOUR, 1.5)
    if len(days) <= BARS_UP_TO_DAYS:
        for x, y in (p for p in points if p[1] is not None):
            canvas.circle(x, y, 3, ADHERENCE_COLOUR)  # type: ignore[arg-type]
    _right_axis(canvas, frame, rate, [0, 20, 40, 60, 80, 100], "adherence %")
    _day_axis(canvas, frame)
    if not any(totals):
        _empty_note(canvas, frame, "no prompts in this period")
    _legend(canvas, [*(LegendEntry(name, colour, "box") for name, colour in outcomes.items()),
                     LegendEntry("adherence % (done / prompted)", ADHERENCE_COLOUR, "line-dot")])
    return canvas.svg()


def _bout_colour(minutes: float) -> str:
    if minutes > VERY_LONG_BOUT_SECONDS / 60:
        return BOUT_COLOURS["long"]
    if minutes > LONG_BOUT_SECONDS / 60:
        return BOUT_COLOURS["medium"]
    return BOUT_COLOURS["short"]


def bouts_chart(days: Sequence[DaySummary]) -> str:
    """Every sitting bout as a dot in its day (coloured by length), or for long periods the
    daily longest and mean bout; dashed and dotted lines at 30 and 60 minutes."""
    canvas = Canvas("Sitting bouts per day, in minutes")
    frame = _frame(days)
    axis = frame.axis
    longest = max((s for d in days for s in d.bout_seconds), default=0) / 60
    ticks = nice_ticks(max(longest, VERY_LONG_BOUT_SECONDS / 60) * 1.05, most=6)
    y = Linear(0, ticks[-1], frame.bottom, frame.top)
    _left_axis(canvas, frame, y, ticks, "bout length (minutes)")
    references = ((LONG_BOUT_SECONDS, "dashed", "6 3"), (VERY_LONG_BOUT_SECONDS, "dotted", "1.5 2.5"))
    for seconds, _mark, dash in references:
        canvas.line(frame.left, y(seconds / 60), frame.right, y(seconds / 60), AXIS_COLOUR, 1.2, dash)
    legend: list[LegendEntry]
    if len(days) <= BOUT_DOTS_UP_TO_DAYS:
        for i, d in enumerate(days):
            # A day's bouts side by side, in the order they happened.
            count = len(d.bout_seconds)
            step = min(0.08, 0.7 / max(count, 1))
            for k, seconds in enumerate(d.bout_seconds):
                minutes = seconds / 60
                canvas.circle(axis.centre(i + (k - (count - 1) / 2) * step), y(minutes), 3.5,
                              _bout_colour(minutes), 0.8)
        legend = [LegendEntry("one bout (grey up to 30 min, orange over 30, red over 60)",
                              BOUT_COLOURS["medium"], "dot")]
    else:
        long_line = [(axis.centre(i), y(d.sitting.longest_seconds / 60) if d.sitting.bouts
                      else None) for i, d in enumerate(days)]
        mean_line = [(axis.centre(i), y(d.sitting.seconds / d.sitting.bouts / 60)
                      if d.sitting.bouts else None) for i, d in enumerate(days)]
        for run in _segments(long_line):
            canvas.polyline(run, BOUT_COLOURS["long"], 1.2)
        for run in _segments(mean_line):
            canvas.polyline(run, BOUT_COLOURS["short"], 1.2)
        legend = [LegendEntry("longest bout", BOUT_COLOURS["long"], "line"),
                  LegendEntry("mean bout", BOUT_COLOURS["short"], "line")]
    _day_axis(canvas, frame)
    if not any(d.bout_seconds for d in days) and not any(d.sitting.bouts for d in days):
        _empty_note(canvas, frame, "no sitting recorded in this period")
    legend += [LegendEntry(f"{seconds // 60} minutes", AXIS_COLOUR, mark)
               for seconds, mark, _dash in references]
    _legend(canvas, legend)
    return canvas.svg()


def symptom_chart(report: Report) -> str:
    """Neck pain (daily mean as a line, worst as triangles, 0-10 on the left) and the day's
    worst headache as bars on a none-to-severe axis on the right."""
    canvas = Canvas("Neck pain and headache per day")
    days = report.days
    frame = _frame(days)
    axis = frame.axis
    pain = Linear(0, 10.5, frame.bottom, frame.top)
    headache = Linear(0, 6, frame.bottom, frame.top)
    _left_axis(canvas, frame, pain, [0, 2, 4, 6, 8, 10], "neck pain (0-10)")
    # "none" gets a sliver of a bar, so an answered day is visible.
    scores = [max(0.08, HEADACHE_LEVELS.index(d.headache)) if d.headache else 0.0 for d in days]
    if len(days) <= BARS_UP_TO_DAYS:
        width = axis.slot * BAR_WIDTH
        for i, (d, score) in enumerate(zip(days, scores)):
            if d.headache:
                canvas.rect(axis.centre(i) - width / 2, headache(score), width,
                            headache(0) - headache(score), HEADACHE_COLOUR, 0.35)
    elif any(scores):
        canvas.polygon([(x, headache(v)) for x, v in _step_band(axis, [0.0] * len(days), scores)],
                       HEADACHE_COLOUR, 0.35)
    means = [(axis.centre(i), None if d.neck_mean is None else pain(d.neck_mean))
             for i, d in enumerate(days)]
    for run in _segments(means):
        canvas.polyline(run, NECK_COLOUR, 1.5)
    if len(days) <= BARS_UP_TO_DAYS:  # a year of markers would be a smear
        for x, py in means:
            if py is not None:
                canvas.circle(x, py, 3, NECK_COLOUR)
        for i, d in enumerate(days):
            if d.neck_worst is not None:
                canvas.triangle(axis.centre(i), pain(d.neck_worst), 4, NECK_COLOUR, 0.5)
    _right_axis(canvas, frame, headache, list(range(len(HEADACHE_LEVELS))), "headache",
                list(HEADACHE_LEVELS))
    _day_axis(canvas, frame)
    if not report.pain_answers and not report.headaches:
        _empty_note(canvas, frame, "no check-ins answered in this period")
    _legend(canvas, [LegendEntry("neck pain, daily mean (0-10)", NECK_COLOUR, "line-dot"),
                     LegendEntry("neck pain, worst", NECK_COLOUR, "triangle", 0.5),
                     LegendEntry("headache", HEADACHE_COLOUR, "box", 0.35)])
    return canvas.svg()
