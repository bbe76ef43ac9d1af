"""The clinical sections of the physio's HTML report: the review banner, the safety screenings,
the headache diary, neck ratings before and after guided breaks, and how flags are decided.

Each function returns one HTML fragment (escaped, no scripts); `reporting/html.py` places them.
Kept apart from html.py so the charts and the prescription section can change independently.
"""

from __future__ import annotations

import html

from deskbreak.core.compliance import (
    CLEAR_CHANGE_FRACTION,
    CLEAR_CHANGE_POINTS,
    CLEAR_RISE_POINTS,
    FLAG_MIN_RISES,
    FREQUENT_PAINKILLER_DAYS_PER_MONTH,
    TREND_MIN_DAYS,
    Report,
    Trend,
)
from deskbreak.core.screening import QUESTIONS
from deskbreak.reporting.text import ADVICE_WORDS, DURATION_WORDS, day_text, diary_words, plural

#: The plain question text by id, so the physio reads what the patient was asked.
_QUESTION_TEXT = {q.id: q.text for q in QUESTIONS}

CLINICAL_CSS = """
.review{border:3px solid #b71c1c;background:#ffebee;color:#212121;border-radius:8px;
padding:.8em 1.2em;margin:1em 0}.review h2{margin:0 0 .3em;border:0;color:#b71c1c}
.review ul{margin:.2em 0 0 1.2em;padding:0}
.review.ok{border-color:#2e7d32;background:#e8f5e9}.review.ok h2{color:#2e7d32}
.safety td.yes{color:#b71c1c;font-weight:700}.caution{border-left:4px solid #ef6c00;
background:#fff3e0;padding:.5em .8em;margin:.6em 0}
"""


def review_banner_html(report: Report) -> str:
    """"Review due" with its reasons, or a quiet line saying nothing calls for one."""
    e = html.escape
    if not report.review.due:
        return ('<section class="review ok" id="review"><h2>No review due</h2>'
                "<p>No passed review date, no safety screening, and no long stretch without "
                "change in this period.</p></section>")
    reasons = "".join(f"<li>{e(reason)}</li>" for reason in report.review.reasons)
    return (f'<section class="review" id="review"><h2>Review due</h2><ul>{reasons}</ul>'
            "</section>")


def safety_html(report: Report) -> str:
    """Every screening of the period: when, why, what was answered and what the patient was
    told. Empty when there were none."""
    e = html.escape
    if not report.safety:
        return ""
    rows = []
    for record in report.safety:
        if record.answered:
            said = ("<br>".join(e(_QUESTION_TEXT.get(q, q)) for q in record.yes)
                    if record.yes else "all no")
            told = e(ADVICE_WORDS.get(record.advice or "", record.advice or ""))
            if record.neck_paused_until is not None:
                told += e(f" (until {record.neck_paused_until:%a %d %b %H:%M})")
        else:
            said, told = "not answered", "-"
        rows.append(f'<tr><td>{e(f"{record.at:%a %d %b %Y %H:%M}")}</td>'
                    f"<td class=\"when\">{e(record.trigger)}</td>"
                    f'<td class="when {"yes" if record.yes else ""}">{said}</td>'
                    f'<td class="when">{told}</td></tr>')
    return ('<section class="safety"><h2>Safety screenings</h2>'
            "<p>Asked after a severe headache, a neck rating of 7 or more, a rise of 3 or more "
            "in a day, or a break stopped because of symptoms. The answers are the patient's "
            "own; they are not a diagnosis.</p>"
            '<table><thead><tr><th>When</th><th class="when">Asked after</th>'
            '<th class="when">Answered yes to</th><th class="when">Told</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></section>")


def trend_words_html(trend: Trend) -> str:
    """The trend's words, with the rule, for the summary card detail."""
    if not trend.enough:
        return (f"answered on {trend.first_days} and {trend.second_days} days in the two "
                f"halves; a trend needs {TREND_MIN_DAYS} in each")
    if trend.first_per_week is not None:
        return (f"{trend.first_per_week or 0:.1f} then {trend.second_per_week or 0:.1f} "
                f"headache days a week; intensity {trend.first_mean or 0:.1f} then "
                f"{trend.second_mean or 0:.1f}")
    return f"{trend.first_mean or 0:.1f} then {trend.second_mean or 0:.1f} (daily means)"


def headache_diary_html(report: Report) -> str:
    """Headache days a week, mean intensity, durations and painkiller days, with the usual
    caution when painkillers are frequent, and the day-by-day diary."""
    e = html.escape
    h = report.headache
    parts = ["<h2>Headache diary</h2>"]
    if not h.answered_days:
        parts.append("<p>No headache answers in this period.</p>")
        return "\n".join(parts)
    per_month = h.painkiller_days_per_month
    usual = max(h.durations, key=lambda item: item[1])[0] if h.durations else None
    facts = [
        ("Answered", f"{h.answered_days} of {h.period_days} days"),
        ("Headache days", f"{h.headache_days} ({h.per_week:.1f} a week)"),
        ("Mean intensity on headache days",
         "-" if h.mean_intensity is None else f"{h.mean_intensity:.1f} / 10"),
        ("Most often lasting", DURATION_WORDS.get(usual, usual) if usual else "-"),
        ("Painkiller days", "not recorded" if per_month is None else
         f"{h.painkiller_days} of {h.painkiller_answers} answered (about {per_month:.0f} a month)"),
    ]
    parts.append("<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts)
                 + "</dl>")
    if h.painkillers_frequent:
        parts.append(
            f'<p class="caution">Painkillers on {FREQUENT_PAINKILLER_DAYS_PER_MONTH} or more '
            "days a month can themselves keep headaches going (medication-overuse headache). "
            "Worth reviewing with the patient and their GP or pharmacist.</p>")
    rows = []
    for d in report.days:
        if d.headache_intensity is None:
            continue
        text = (d.headache or "-") + " (older one-word answer)" if d.headache_word_only else \
            diary_words(d.headache_intensity, d.headache_duration, d.painkillers)
        rows.append(f"<tr><td>{e(day_text(d.day))}</td><td class=\"when\">{e(text)}</td></tr>")
    if rows and len(report.days) <= 62:
        parts.append('<table><thead><tr><th>Day</th><th class="when">Headache</th></tr></thead>'
                     f"<tbody>{''.join(rows)}</tbody></table>")
    return "\n".join(parts)


def before_after_html(report: Report) -> str:
    """Neck ratings just before and just after guided breaks, per exercise."""
    e = html.escape
    if not report.before_after:
        return ""
    rows = []
    for name, entry in report.before_after.items():
        before, after = entry.before_mean, entry.after_mean
        if before is None or after is None:
            continue
        rows.append(f"<tr><td>{e(name)}</td><td>{entry.pairs}</td><td>{before:.1f}</td>"
                    f"<td>{after:.1f}</td><td>{after - before:+.1f}</td></tr>")
    return ("<h2>Neck before and after guided breaks</h2>"
            "<p>Where the patient rated their neck (0-10) just before a guided break and again "
            "after it.</p><table><thead><tr><th>Exercise</th><th>Pairs</th><th>Before</th>"
            f"<th>After</th><th>Change</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def flags_rule_html(report: Report) -> str:
    """How exercises are flagged, and the ones with a single clear rise."""
    e = html.escape
    once = [name for name, count in report.rises.items() if count < FLAG_MIN_RISES]
    text = (f"An exercise is flagged when the neck rating after a break that included it was "
            f"{CLEAR_RISE_POINTS} points or more above the rating just before that break (or, "
            f"without one, the previous rating that day), {FLAG_MIN_RISES} times or more. Eye "
            "breaks and walks are never flagged. A trend is a clear change only when it moves "
            f"by {CLEAR_CHANGE_POINTS:g} points and {round(100 * CLEAR_CHANGE_FRACTION)}% with "
            f"answers on {TREND_MIN_DAYS} days or more in each half of the period.")
    extra = (f" One clear rise only, not flagged: {e(', '.join(once))}." if once else "")
    return f'<p class="rule">{e(text)}{extra}</p>'


def outcome_detail(report: Report) -> str:
    """Partly done and stopped guided breaks, for the adherence card: counted apart from done."""
    t = report.total
    if not t.partial and not t.stopped:
        return f"{t.done} of {t.prompted} prompts done"
    return (f"{t.done} of {t.prompted} prompts done; {t.partial} partly done, "
            f"{plural(t.stopped, 'break')} stopped")
