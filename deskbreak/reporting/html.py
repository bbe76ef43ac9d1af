"""The physio's report: one self-contained HTML file (inline CSS and SVG charts, no scripts, no
network), readable offline and printable. Charts are drawn with matplotlib's SVG backend, imported
here only."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from deskbreak.core.compliance import (
    LONG_BOUT_SECONDS,
    VERY_LONG_BOUT_SECONDS,
    DaySummary,
    Report,
    Tally,
    Trend,
)
from deskbreak.core.events import HEADACHE_LEVELS
from deskbreak.reporting.clinical_html import (
    CLINICAL_CSS,
    before_after_html,
    flags_rule_html,
    headache_diary_html,
    outcome_detail,
    review_banner_html,
    safety_html,
    trend_words_html,
)
from deskbreak.reporting.text import day_text, minutes, percent, plural

#: Periods up to this many days show every bout as a dot; longer ones the daily longest and mean.
BOUT_DOTS_UP_TO_DAYS = 62
#: Periods up to this many days draw one bar per day; longer ones filled step bands.
BARS_UP_TO_DAYS = 62
#: Periods up to this many days get one labelled tick per day.
DAY_TICKS_UP_TO_DAYS = 16
#: Periods up to this many days get a day-by-day table.
DAILY_TABLE_UP_TO_DAYS = 62

OUTCOME_COLOURS = {
    "done": "#2e7d32",
    "taken": "#81c784",
    "snoozed": "#fbc02d",
    "skipped": "#ef6c00",
    "missed": "#c62828",
}


@dataclass(frozen=True)
class Header:
    """Who and what the report is about; empty strings are left out."""

    patient: str = ""
    prescribed_by: str = ""
    programme: str = ""
    generated: str = ""


def render_html(report: Report, header: Header) -> str:
    """The whole HTML document."""
    e = html.escape
    period = report.period
    programmes = "; ".join(
        f"{p.title} [{p.programme_hash[:8]}] from {p.since:%d %b %Y}" for p in report.programmes
    ) or header.programme or "not recorded"
    facts = [
        ("Patient", header.patient or "not named in the programme"),
        ("Prescribed by", header.prescribed_by),
        ("Programme", programmes),
        ("Period", f"{day_text(period.first)} to {day_text(period.last)} ({len(report.days)} days)"),
        ("Generated", header.generated),
    ]
    t = report.total
    s = report.sitting
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>deskbreak report {period.first} to {period.last}</title>",
        f"<style>{_CSS}{CLINICAL_CSS}</style></head><body>",
        "<header><h1>Desk-break compliance report</h1><dl>",
        *(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts if v),
        "</dl></header>",
        # The first screen: whether a review is due, then any safety screenings.
        review_banner_html(report),
        safety_html(report),
        '<section class="summary">',
        _card("Adherence", percent(t.adherence), outcome_detail(report)),
        _card("Taken by getting up", str(t.taken), "no answer, but away long enough"),
        _card("Skipped / missed", f"{t.skipped} / {t.missed}",
              f"{plural(t.snoozes, 'snooze')}, {t.snoozed} left snoozed"),
        _card("Sitting", minutes(s.seconds), f"{plural(s.bouts, 'bout')}, longest {minutes(s.longest_seconds)}"),
        _card("Bouts over 30 / 60 min", f"{s.over_30} / {s.over_60}", "the sitting-study measure"),
        _card("Neck pain trend", _trend_value(report.pain_trend), _trend_detail(report.pain_trend)),
        _card("Headache trend", _trend_value(report.headache_trend), _trend_detail(report.headache_trend)),
        "</section>",
        "<h2>Flagged exercises</h2>",
        _flags_table(report),
        flags_rule_html(report),
        "<h2>Daily adherence</h2>",
        _figure(_adherence_chart(report.days)),
        "<h2>Sitting bouts per day</h2>",
        _figure(_bouts_chart(report.days)),
        "<h2>Neck pain and headache</h2>",
        _figure(_symptom_chart(report)),
        headache_diary_html(report),
        before_after_html(report),
        "<h2>Per exercise</h2>",
        _tally_table("Exercise", list(report.exercises.items()), report.flagged_exercises()),
        "<h2>Per break</h2>",
        _tally_table("Break", list(report.breaks.items()), {}),
    ]
    if len(report.days) <= DAILY_TABLE_UP_TO_DAYS:
        parts += ["<h2>Day by day</h2>", _daily_table(report.days)]
    parts += [
        ("<footer>Adherence = prompts done / prompts shown; a snoozed prompt and its repeats count "
        "once, by the final answer. <em>Taken</em>: not answered, but away from the desk for at "
        "least the break's length. A bout is continuous sitting; it ends with a natural break, a "
        "screen lock or a suspend. <em>Partly done</em>: a guided break stopped after at least one "
        "exercise; it is not counted as done.</footer>"),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _trend_value(trend: Trend) -> str:
    return trend.words


def _trend_detail(trend: Trend) -> str:
    return trend_words_html(trend)


def _card(title: str, value: str, detail: str) -> str:
    e = html.escape
    return (f'<div class="card"><div class="k">{e(title)}</div><div class="v">{e(value)}</div>'
            f'<div class="d">{e(detail)}</div></div>')


def _tally_table(label: str, rows: list[tuple[str, Tally]], flagged: dict[str, list[Any]]) -> str:
    e = html.escape
    if not rows:
        return "<p>No prompts in this period.</p>"
    head = "".join(f"<th>{h}</th>" for h in (
        label, "Prompted", "Done", "Adherence", "Taken", "Skipped", "Snoozed (open)", "Missed",
        "Snoozes", *(("Flags",) if flagged is not None and label == "Exercise" else ())))
    body = []
    for name, t in rows:
        flags = len(flagged.get(name, ()))
        flag_cell = f'<td class="{"flag" if flags else ""}">{flags}</td>' if label == "Exercise" else ""
        body.append(
            f"<tr><td>{e(name)}</td><td>{t.prompted}</td><td>{t.done}</td>"
            f"<td>{percent(t.adherence)}</td><td>{t.taken}</td><td>{t.skipped}</td>"
            f"<td>{t.snoozed}</td><td>{t.missed}</td><td>{t.snoozes}</td>{flag_cell}</tr>"
        )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _flags_table(report: Report) -> str:
    e = html.escape
    grouped = report.flagged_exercises()
    if not grouped:
        return "<p>No exercise was flagged in this period.</p>"
    rows = []
    for exercise, flags in grouped.items():
        when = "<br>".join(e(f"{f.at:%a %d %b %H:%M}: {f.reason}") for f in flags[:10])
        if len(flags) > 10:
            when += f"<br>... and {len(flags) - 10} more"
        rows.append(f'<tr><td class="flag">{e(exercise)}</td><td>{len(flags)}</td>'
                    f'<td class="when">{when}</td></tr>')
    return ('<table><thead><tr><th>Exercise</th><th>Times</th><th class="when">When</th></tr>'
            f"</thead><tbody>{''.join(rows)}</tbody></table>")


def _daily_table(days: list[DaySummary]) -> str:
    head = "".join(f"<th>{h}</th>" for h in (
        "Day", "Done / prompted", "Adherence", "Taken", "Skipped", "Missed", "Snoozes", "Sitting",
        "Bouts", "Longest", "&gt;30 min", "&gt;60 min", "Neck", "Headache"))
    rows = []
    for d in days:
        t, s = d.prompts, d.sitting
        neck = f"{d.neck_mean:.1f} (worst {d.neck_worst})" if d.neck_answers else "-"
        rows.append(
            f"<tr><td>{day_text(d.day)}</td><td>{t.done} / {t.prompted}</td>"
            f"<td>{percent(t.adherence)}</td><td>{t.taken}</td><td>{t.skipped}</td>"
            f"<td>{t.missed}</td><td>{t.snoozes}</td><td>{minutes(s.seconds)}</td>"
            f"<td>{s.bouts}</td><td>{minutes(s.longest_seconds)}</td><td>{s.over_30}</td>"
            f"<td>{s.over_60}</td><td>{neck}</td><td>{html.escape(d.headache or '-')}</td></tr>"
        )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


# --- charts --------------------------------------------------------------------------------------


def _new_figure(height: float = 3.0) -> Any:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, height), dpi=96, layout="constrained")
    return figure


def _figure(figure: Any) -> str:
    """The figure as an inline <svg> element."""
    import io

    from matplotlib.backends.backend_svg import FigureCanvasSVG

    FigureCanvasSVG(figure)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    # Scale with the page instead of a fixed size in points.
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 width="100%"', svg, count=1)
    return f'<figure>{svg}</figure>'


def _x_dates(days: list[DaySummary]) -> list[date]:
    return [d.day for d in days]


def _format_date_axis(axes: Any, days: list[DaySummary]) -> None:
    from matplotlib.dates import (
        AutoDateLocator,
        ConciseDateFormatter,
        DateFormatter,
        DayLocator,
        date2num,
    )

    if days:
        axes.set_xlim(date2num(days[0].day) - 0.6,  # type: ignore[no-untyped-call]
                      date2num(days[-1].day) + 0.6)  # type: ignore[no-untyped-call]
    if len(days) <= DAY_TICKS_UP_TO_DAYS:
        axes.xaxis.set_major_locator(DayLocator())  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_formatter(DateFormatter("%a\n%d %b"))  # type: ignore[no-untyped-call]
    else:
        locator = AutoDateLocator(maxticks=14)  # type: ignore[no-untyped-call]
        formatter = ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(formatter)
    axes.grid(axis="y", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)


def _adherence_chart(days: list[DaySummary]) -> Any:
    figure = _new_figure()
    axes = figure.add_subplot()
    x = _x_dates(days)
    bottom = [0] * len(days)
    for name, colour in OUTCOME_COLOURS.items():
        heights = [getattr(d.prompts, name) for d in days]
        top = [b + h for b, h in zip(bottom, heights)]
        if len(days) <= BARS_UP_TO_DAYS:
            axes.bar(x, heights, bottom=bottom, color=colour, label=name, width=0.8, linewidth=0)
        else:
            # One filled step band per outcome: a year of bars would be thousands of shapes.
            axes.fill_between(x, bottom, top, step="mid", color=colour, label=name, linewidth=0)
        bottom = top
    axes.set_ylabel("prompts")
    from matplotlib.ticker import MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    rate = axes.twinx()
    rate.plot(x, [None if d.prompts.adherence is None else d.prompts.adherence * 100 for d in days],
              color="#1a237e", marker="o" if len(days) <= 62 else None, markersize=3, linewidth=1.2,
              label="adherence %")
    rate.set_ylim(0, 105)
    rate.set_ylabel("adherence (done / prompted) %")
    rate.spines[["top"]].set_visible(False)
    _format_date_axis(axes, days)
    handles, labels = axes.get_legend_handles_labels()
    more_handles, more_labels = rate.get_legend_handles_labels()
    axes.legend(handles + more_handles, labels + more_labels, ncols=6, loc="upper left",
                bbox_to_anchor=(0, 1.16), frameon=False, fontsize="small")
    return figure


def _bouts_chart(days: list[DaySummary]) -> Any:
    figure = _new_figure()
    axes = figure.add_subplot()
    x = _x_dates(days)
    if len(days) <= BOUT_DOTS_UP_TO_DAYS:
        from matplotlib.dates import date2num

        xs: list[float] = []
        ys: list[float] = []
        for d in days:
            # Spread a day's bouts side by side, in the order they happened.
            centre, count = float(date2num(d.day)), len(d.bout_seconds)  # type: ignore[no-untyped-call]
            step = min(0.08, 0.7 / max(count, 1))
            xs += [centre + (i - (count - 1) / 2) * step for i in range(count)]
            ys += [s / 60 for s in d.bout_seconds]
        colours = ["#c62828" if y > 60 else "#ef6c00" if y > 30 else "#546e7a" for y in ys]
        axes.scatter(xs, ys, s=14, c=colours, alpha=0.75, linewidths=0, label="one bout")
    else:
        longest = [d.sitting.longest_seconds / 60 if d.sitting.bouts else None for d in days]
        mean = [d.sitting.seconds / d.sitting.bouts / 60 if d.sitting.bouts else None for d in days]
        axes.plot(x, longest, color="#c62828", linewidth=1, label="longest bout")
        axes.plot(x, mean, color="#546e7a", linewidth=1, label="mean bout")
    for seconds, style in ((LONG_BOUT_SECONDS, "--"), (VERY_LONG_BOUT_SECONDS, ":")):
        axes.axhline(seconds / 60, color="#37474f", linestyle=style, linewidth=1,
                     label=f"{seconds // 60} minutes")
    axes.set_ylabel("bout length (minutes)")
    axes.set_ylim(bottom=0)
    _format_date_axis(axes, days)
    axes.legend(ncols=4, loc="upper left", bbox_to_anchor=(0, 1.16), frameon=False, fontsize="small")
    return figure


def _symptom_chart(report: Report) -> Any:
    figure = _new_figure()
    axes = figure.add_subplot()
    days = report.days
    x = _x_dates(days)
    axes.plot(x, [d.neck_mean for d in days], color="#6a1b9a", marker="o", markersize=3,
              linewidth=1.2, label="neck pain, daily mean (0-10)")
    worst = [d.neck_worst for d in days]
    axes.plot(x, worst, color="#6a1b9a", linestyle="none", marker="^", markersize=3, alpha=0.5,
              label="neck pain, worst")
    axes.set_ylim(0, 10.5)
    axes.set_ylabel("neck pain (0-10)")
    headache = axes.twinx()
    # "none" gets a sliver of a bar, so an answered day is visible.
    scores = [max(0.08, HEADACHE_LEVELS.index(d.headache)) if d.headache else 0.0 for d in days]
    asked = [d.headache is not None for d in days]
    if len(days) <= BARS_UP_TO_DAYS:
        headache.bar([d for d, a in zip(x, asked) if a], [s for s, a in zip(scores, asked) if a],
                     color="#00838f", alpha=0.35, width=0.8, label="headache")
    else:
        headache.fill_between(x, 0, scores, step="mid", color="#00838f", alpha=0.35, linewidth=0,
                              label="headache")
    headache.set_ylim(0, 6)
    headache.set_yticks(range(len(HEADACHE_LEVELS)), HEADACHE_LEVELS)
    headache.set_ylabel("headache")
    headache.spines[["top"]].set_visible(False)
    _format_date_axis(axes, days)
    if not report.pain_answers and not report.headaches:
        axes.text(0.5, 0.5, "no check-ins answered in this period", transform=axes.transAxes,
                  ha="center", va="center", color="#555555")
    handles, labels = axes.get_legend_handles_labels()
    more_handles, more_labels = headache.get_legend_handles_labels()
    axes.legend(handles + more_handles, labels + more_labels, ncols=3, loc="upper left",
                bbox_to_anchor=(0, 1.16), frameon=False, fontsize="small")
    return figure


def generated_text(now: datetime) -> str:
    return now.strftime("%a %d %b %Y %H:%M")


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:2em auto;
max-width:1100px;padding:0 1em;color:#212121;background:#fff;line-height:1.4}
h1{margin:0 0 .4em;font-size:1.7em;color:#1a237e}h2{margin-top:1.6em;border-bottom:2px solid #e8eaf6;
padding-bottom:.2em;color:#283593}
header{background:#e8eaf6;padding:1em 1.4em;border-radius:8px}
dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1.2em;margin:0}dt{font-weight:600}
dd{margin:0}
.summary{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:.8em;margin:1.2em 0}
.card{border:1px solid #c5cae9;border-radius:8px;padding:.7em 1em}.card .k{font-size:.85em;color:#555}
.card .v{font-size:1.6em;font-weight:700;color:#1a237e}.card .d{font-size:.8em;color:#555}
table{border-collapse:collapse;width:100%;font-size:.9em}th,td{border-bottom:1px solid #e0e0e0;
padding:.3em .5em;text-align:right}th:first-child,td:first-child{text-align:left}
td.when,th.when{text-align:left}thead th{background:#f5f5f5}
td.flag{color:#b71c1c;font-weight:700}figure{margin:.5em 0}svg{height:auto}
footer{margin-top:2em;font-size:.8em;color:#555}
@media print{body{margin:0}h2{break-after:avoid}figure,table{break-inside:avoid}}
"""
