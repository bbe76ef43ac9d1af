"""The report's charts, drawn as SVG without a plotting library: scales, day axes, shapes, and a
year's report rendered by headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from deskbreak.core.compliance import DaySummary, Period, Sitting, Tally, summarise
from deskbreak.reporting import svg_charts
from deskbreak.reporting.html import Header, render_html

SVG = "{http://www.w3.org/2000/svg}"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def day(offset: int, *, done: int = 0, missed: int = 0, bouts: tuple[int, ...] = (),
        neck: int | None = None, headache: str | None = None,
        first: date = date(2026, 3, 2)) -> DaySummary:
    sitting = Sitting()
    for seconds in bouts:
        sitting.add(seconds)
    prompts = Tally(prompted=done + missed, done=done, missed=missed)
    return DaySummary(first + timedelta(days=offset), prompts, sitting, list(bouts),
                      1 if neck is not None else 0, neck or 0, neck, headache)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on anything that is not well-formed XML


def shapes(svg: str, tag: str, fill: str) -> list[ET.Element]:
    return [e for e in parse(svg).iter(SVG + tag) if e.get("fill") == fill]


# --- scales --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("high", "integer", "expected"), [
    (17, True, [0, 5, 10, 15, 20]),
    (16, True, [0, 2, 4, 6, 8, 10, 12, 14, 16]),
    (3, True, [0, 1, 2, 3]),
    (1, True, [0, 1]),
    (110 * 1.05, False, [0, 20, 40, 60, 80, 100, 120]),
    (10, False, [0, 2, 4, 6, 8, 10]),
    (0.7, False, [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]),
    (0, True, [0, 1]),
])
def test_ticks_are_round_steps_from_zero_past_the_highest_value(
        high: float, integer: bool, expected: list[float]) -> None:
    ticks = svg_charts.nice_ticks(high, most=8 if high != 110 * 1.05 else 6, integer=integer)
    assert ticks == expected
    assert ticks[-1] >= high


def test_integer_ticks_never_fall_between_whole_prompts() -> None:
    for high in range(1, 400):
        ticks = svg_charts.nice_ticks(high, integer=True)
        assert all(t == int(t) for t in ticks), high
        assert len(ticks) <= 9 and ticks[-1] >= high


def test_a_week_gets_a_tick_per_day_a_quarter_mondays_a_year_months() -> None:
    def axis(n: int) -> svg_charts.DayAxis:
        return svg_charts.DayAxis(tuple(date(2026, 1, 1) + timedelta(days=i) for i in range(n)),
                                  0, 1000)

    assert [lines for _, lines in axis(7).ticks()][:2] == [["Thu", "01 Jan"], ["Fri", "02 Jan"]]
    mondays = axis(60).ticks()
    assert [lines for _, lines in mondays][0] == ["05 Jan"] and len(mondays) == 8
    months = axis(365).ticks()
    assert [lines for _, lines in months][:3] == [["Jan", "2026"], ["Feb"], ["Mar"]]
    assert len(months) == 12
    assert len(axis(3 * 365).ticks()) == 12  # quarters over three years


def test_days_sit_side_by_side_in_equal_slots() -> None:
    axis = svg_charts.DayAxis((date(2026, 3, 2), date(2026, 3, 3)), 100, 500)
    assert axis.slot == 200
    assert (axis.centre(0), axis.centre(1)) == (200, 400)


def test_a_missing_value_breaks_the_line_instead_of_dropping_to_zero() -> None:
    runs = svg_charts._segments([(0, 1.0), (1, 2.0), (2, None), (3, 4.0), (4, 5.0), (5, None)])
    assert runs == [[(0, 1.0), (1, 2.0)], [(3, 4.0), (4, 5.0)]]


# --- the charts ----------------------------------------------------------------------------------


def test_adherence_bars_stack_by_outcome_and_scale_to_the_busiest_day() -> None:
    days = [day(0, done=3, missed=1), day(1, done=0, missed=0), day(2, done=6, missed=2)]
    svg = svg_charts.adherence_chart(days)
    done = shapes(svg, "rect", svg_charts.OUTCOME_COLOURS["done"])
    missed = shapes(svg, "rect", svg_charts.OUTCOME_COLOURS["missed"])
    # One legend box each, plus one bar per day that has that outcome (none on the empty day).
    assert len(done) == 1 + 2 and len(missed) == 1 + 2
    bar_heights = [float(r.get("height", 0)) for r in done[:2]]
    assert bar_heights[1] == pytest.approx(2 * bar_heights[0], abs=0.2)  # 6 done vs 3 done
    # The missed bar sits on top of the done bar of the same day.
    first_done, first_missed = done[0], missed[0]
    assert float(first_missed.get("y", 0)) + float(first_missed.get("height", 0)) == \
        pytest.approx(float(first_done.get("y", 0)), abs=0.1)
    # The adherence line is broken on the day with no prompts (two dots, no line through it).
    assert len(shapes(svg, "circle", svg_charts.ADHERENCE_COLOUR)) == 2 + 1  # + the legend's
    assert not parse(svg).findall(f".//{SVG}polyline")


def test_a_year_is_drawn_as_bands_not_hundreds_of_bars() -> None:
    days = [day(i, done=i % 5, missed=i % 3, bouts=(1800 + 60 * (i % 40),), first=date(2026, 1, 1))
            for i in range(365)]
    adherence = svg_charts.adherence_chart(days)
    assert len(parse(adherence).findall(f".//{SVG}rect")) <= 10  # legend boxes only
    assert len(shapes(adherence, "polygon", svg_charts.OUTCOME_COLOURS["done"])) == 1
    bouts = svg_charts.bouts_chart(days)
    assert not parse(bouts).findall(f".//{SVG}circle")  # daily longest and mean lines instead
    assert len(parse(bouts).findall(f".//{SVG}polyline")) == 2
    assert len(adherence) < 40_000 and len(bouts) < 40_000


def test_bout_dots_are_coloured_by_the_30_and_60_minute_lines() -> None:
    svg = svg_charts.bouts_chart([day(0, bouts=(20 * 60, 45 * 60, 90 * 60, 61 * 60))])
    colours = svg_charts.BOUT_COLOURS
    # Each colour once in the day plus once in the legend for the medium (orange) one.
    assert len(shapes(svg, "circle", colours["short"])) == 1
    assert len(shapes(svg, "circle", colours["medium"])) == 1 + 1
    assert len(shapes(svg, "circle", colours["long"])) == 2


def test_symptom_chart_says_so_when_nothing_was_answered() -> None:
    report = summarise([], Period(date(2026, 3, 2), date(2026, 3, 6)))
    svg = svg_charts.symptom_chart(report)
    assert "no check-ins answered in this period" in svg
    answered = replace(report, days=[day(0, neck=4, headache="mild"), *report.days[1:]],
                       pain_answers=1, headaches=[(date(2026, 3, 2), "mild")])
    svg = svg_charts.symptom_chart(answered)
    assert "no check-ins answered" not in svg
    assert len(shapes(svg, "rect", svg_charts.HEADACHE_COLOUR)) == 1 + 1  # the bar + legend


def test_chart_text_is_escaped_and_every_chart_is_one_accessible_svg() -> None:
    canvas = svg_charts.Canvas("a <b> & c")
    canvas.text(0, 0, "<script>")
    svg = canvas.svg()
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = parse(svg)
    assert root.get("role") == "img" and root.get("aria-label") == "a <b> & c"
    days = [day(0, done=1, bouts=(600,), neck=2)]
    for chart in (svg_charts.adherence_chart(days), svg_charts.bouts_chart(days)):
        assert chart.count("<svg") == 1
        assert parse(chart).find(SVG + "title") is not None
        assert not re.search(r"\b(href|src)=", chart)


# --- the whole report, in a browser --------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
def test_a_years_report_renders_its_band_charts_in_chromium(tmp_path: Path) -> None:
    from PIL import Image

    first = date(2026, 1, 1)
    days = [day(i, done=5 + i % 4, missed=i % 3, bouts=(1500 + 97 * (i % 50), 3000),
                neck=(i // 30) % 10, headache=("none", "mild", "moderate")[i % 3], first=first)
            for i in range(365)]
    report = replace(summarise([], Period(first, first + timedelta(days=364))), days=days,
                     pain_answers=365, headaches=[(d.day, d.headache or "") for d in days])
    page = tmp_path / "year.html"
    page.write_text(render_html(report, Header(patient="Year Example")))
    shot = tmp_path / "year.png"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
         "--window-size=1200,2000", page.as_uri()],
        capture_output=True, timeout=120, check=False)
    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None
    present = {colour for _, colour in colours}
    # The outcome bands in their solid colours, and the month labels drawn as text (dark pixels
    # along the bottom of the first chart).
    assert (0x2E, 0x7D, 0x32) in present and (0xC6, 0x28, 0x28) in present
    assert (0xEF, 0x6C, 0x00) in present


def test_a_step_band_keeps_only_the_corners_of_level_runs() -> None:
    axis = svg_charts.DayAxis(tuple(date(2026, 3, 1) + timedelta(days=i) for i in range(4)), 0, 400)
    outline = svg_charts._step_band(axis, [0, 0, 0, 0], [2, 2, 2, 5])
    assert outline == [(0, 2), (300, 2), (300, 5), (400, 5), (400, 0), (0, 0)]


def test_every_outcome_the_tally_counts_is_stacked_so_bars_reach_the_prompt_count() -> None:
    counted = [name for name in svg_charts.OUTCOME_COLOURS if hasattr(Tally, name)]
    # Every final outcome has a colour: a new one must be drawn, not silently left out.
    outcome_fields = {"done", "partial", "stopped", "taken", "skipped", "snoozed", "missed"}
    assert {f for f in vars(Tally()) if f in outcome_fields} == set(counted)
    prompts = Tally(**{name: 1 for name in counted}, prompted=len(counted))
    svg = svg_charts.adherence_chart([DaySummary(date(2026, 3, 2), prompts)])
    bars = [e for e in parse(svg).iter(SVG + "rect") if float(e.get("width", 0)) > 20]
    assert len(bars) == len(counted)
    top = min(float(b.get("y", 0)) for b in bars)
    bottom = max(float(b.get("y", 0)) + float(b.get("height", 0)) for b in bars)
    ticks = svg_charts.nice_ticks(len(counted), most=8, integer=True)
    plot = svg_charts.HEIGHT - svg_charts.MARGIN_BOTTOM - svg_charts.MARGIN_TOP
    assert bottom - top == pytest.approx(plot * len(counted) / ticks[-1], abs=0.5)
