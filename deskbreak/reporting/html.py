"""The physio's report: one self-contained HTML file (inline CSS and SVG charts, no scripts, no
network), readable offline and printable. The charts come from `svg_charts` (our own small SVG
drawing, no plotting library)."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from deskbreak.core.compliance import (
    DaySummary,
    Report,
    Tally,
    Trend,
)
from deskbreak.reporting import svg_charts
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

#: Periods up to this many days get a day-by-day table.
DAILY_TABLE_UP_TO_DAYS = 62


@dataclass(frozen=True)
class Header:
    """Who and what the report is about; empty strings are left out."""

    patient: str = ""
    prescribed_by: str = ""
    programme: str = ""
    generated: str = ""
    #: Exercise titles by id, so tables name exercises as the patient knows them.
    exercise_names: Mapping[str, str] = field(default_factory=dict)


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
        ("Period", f"{day_text(period.first)} to {day_text(period.last)} "
                   f"({plural(len(report.days), 'day')})"),
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
        _figure(svg_charts.adherence_chart(report.days)),
        "<h2>Sitting bouts per day</h2>",
        _figure(svg_charts.bouts_chart(report.days)),
        "<h2>Neck pain and headache</h2>",
        _figure(svg_charts.symptom_chart(report)),
        headache_diary_html(report),
        before_after_html(report),
        "<h2>Per exercise</h2>",
        _tally_table("Exercise", list(report.exercises.items()), report.flagged_exercises(),
                     header.exercise_names),
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


def _tally_table(label: str, rows: list[tuple[str, Tally]], flagged: dict[str, list[Any]],
                 names: Mapping[str, str] | None = None) -> str:
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
            f"<tr><td>{e((names or {}).get(name, name))}</td><td>{t.prompted}</td>"
            f"<td>{t.done}</td>"
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


def _figure(svg: str) -> str:
    """A chart (an inline <svg> element from svg_charts) as a figure of the page."""
    return f"<figure>{svg}</figure>"


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
