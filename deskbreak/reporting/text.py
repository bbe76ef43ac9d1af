"""Plain-text forms of the log and the report, for the terminal."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from deskbreak.core.compliance import (
    CLEAR_RISE_POINTS,
    FLAG_MIN_RISES,
    FREQUENT_PAINKILLER_DAYS_PER_MONTH,
    TREND_MIN_DAYS,
    DaySummary,
    HeadacheSummary,
    Report,
    SafetyRecord,
    Sitting,
    Tally,
    Trend,
)
from deskbreak.core.events import (
    BoutEnded,
    BoutStarted,
    CheckinAnswered,
    CheckinDue,
    Event,
    HeadacheDiary,
    Paused,
    ProgrammeLoaded,
    ProgrammeRejected,
    PromptDeferred,
    PromptOutcome,
    PromptShown,
    Resumed,
    SafetyAdvice,
    Screening,
    ScreeningDue,
    SnoozeRefused,
)
from deskbreak.core.units import format_duration

#: Diary durations in words.
DURATION_WORDS = {"under-1h": "under an hour", "1-4h": "1 to 4 hours",
                  "over-4h": "over 4 hours", "all-day": "all day"}
#: Safety advice in words.
ADVICE_WORDS = {"emergency": "told to call the emergency number",
                "same_day": "told to get medical advice the same day; neck prompts paused",
                "reassure": "all answers no: reassured"}

#: Longer periods show one row per week instead of one per day.
DAILY_ROWS_UP_TO = 31


def day_text(day: date) -> str:
    """"Mon 02 Mar 2026"."""
    return day.strftime("%a %d %b %Y")


def percent(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}%"


def plural(count: int, noun: str) -> str:
    """"1 bout", "3 bouts"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def minutes(seconds: float) -> str:
    return format_duration(seconds) if seconds else "0"


# --- the log -------------------------------------------------------------------------------------


def event_line(event: Event) -> str:
    """One readable line: local time, kind, details."""
    return f"{event.at.strftime('%Y-%m-%d %H:%M:%S')}  {event.KIND:<14}  {_details(event)}"


def _clock(moment: datetime) -> str:
    return moment.strftime("%H:%M:%S")


def _details(event: Event) -> str:
    if isinstance(event, PromptShown):
        snoozed = f", snoozed {event.snoozes}x" if event.snoozes else ""
        return (
            f"#{event.prompt} {event.break_name} ({event.kind}): {', '.join(event.exercises) or '-'}"
            f" | due {_clock(event.due_at)}, sitting {format_duration(event.sitting_seconds)}"
            f"{snoozed} | {event.programme_title} [{event.programme_hash[:8]}]"
        )
    if isinstance(event, PromptOutcome):
        series = f" (series #{event.series})" if event.series != event.prompt else ""
        return (
            f"#{event.prompt}{series} {event.break_name}: {event.outcome.value.upper()}"
            f" - {', '.join(event.exercises) or '-'}"
        )
    if isinstance(event, SnoozeRefused):
        return f"#{event.prompt}: {event.message}"
    if isinstance(event, BoutStarted):
        return "sat down"
    if isinstance(event, BoutEnded):
        return (
            f"sat {format_duration(event.seconds)} from {_clock(event.start)} to "
            f"{_clock(event.end)} ({event.reason})"
        )
    if isinstance(event, PromptDeferred):
        return f"{event.break_name} held back: {event.reason}"
    if isinstance(event, Paused):
        until = f"until {event.until.strftime('%Y-%m-%d %H:%M')}" if event.until else "until resumed"
        return f"prompts paused {until} ({event.reason})"
    if isinstance(event, Resumed):
        return f"prompts resumed ({event.reason})"
    if isinstance(event, ProgrammeLoaded):
        return f"{event.title} [{event.programme_hash[:8]}] from {event.path}"
    if isinstance(event, ProgrammeRejected):
        return f"{event.path} rejected: {'; '.join(event.problems)}"
    if isinstance(event, CheckinAnswered):
        value = (f"{event.value}/10" if event.question in ("neck", "neck_before")
                 else str(event.value))
        after = f" after #{event.prompt} ({', '.join(event.exercises)})" if event.prompt else ""
        return f"{event.question}: {value}{after}"
    if isinstance(event, CheckinDue):
        return f"{event.question} question due"
    if isinstance(event, HeadacheDiary):
        return f"headache on {event.day}: {diary_words(event.intensity, event.duration, event.painkillers)}"
    if isinstance(event, ScreeningDue):
        return f"screening questions asked ({event.trigger})"
    if isinstance(event, Screening):
        yes = [q for q, a in event.answers.items() if a]
        return f"screening answered ({event.trigger}): " + (
            f"yes to {', '.join(yes)}" if yes else "all no")
    if isinstance(event, SafetyAdvice):
        until = f" until {event.until:%Y-%m-%d %H:%M}" if event.until else ""
        return f"{ADVICE_WORDS.get(event.advice, event.advice)}{until}"
    return repr(event)  # pragma: no cover - a new event kind without a line yet


# --- the report ----------------------------------------------------------------------------------


def report_lines(report: Report) -> Iterator[str]:
    """The terminal report, line by line."""
    period = report.period
    count = len(report.days)
    yield f"deskbreak report: {day_text(period.first)} to {day_text(period.last)} ({plural(count, 'day')})"
    for programme in report.programmes:
        yield f"Programme: {programme.title} [{programme.programme_hash[:8]}]"
    if not report.programmes:
        yield "Programme: (none recorded in this period)"
    yield ""
    yield from review_lines(report)
    yield from safety_lines(report.safety)

    daily = count <= DAILY_ROWS_UP_TO
    rows = [(day_text(d.day)[:10], d) for d in report.days] if daily else list(_weeks(report.days))
    yield "Prompts (a snooze chain counts once, by its final outcome)"
    yield from _tally_table("day" if daily else "week from", [(label, d.prompts) for label, d in rows],
                            report.total)
    yield ""
    yield "Per exercise"
    yield from _tally_table("exercise", list(report.exercises.items()), None)
    yield ""

    s = report.sitting
    yield "Sitting"
    if s.bouts:
        yield (f"  {minutes(s.seconds)} in {plural(s.bouts, 'bout')}; longest {minutes(s.longest_seconds)}; "
               f"over 30 min: {s.over_30}; over 60 min: {s.over_60}")
    else:
        yield "  no sitting bouts recorded"
    yield from _sitting_table("day" if daily else "week from", [(label, d.sitting) for label, d in rows])
    yield ""

    yield "Symptoms"
    yield "  " + _trend_line("neck pain (0-10)", report.pain_trend, report.pain_answers)
    yield "  " + _headache_trend_line(report.headache_trend)
    with_symptoms = [d for d in report.days if d.neck_answers or d.headache]
    if with_symptoms and daily:
        for d in with_symptoms:
            neck = (f"neck {d.neck_mean:.1f} ({d.neck_answers}x, worst {d.neck_worst})"
                    if d.neck_answers else "neck -")
            yield f"  {day_text(d.day)[:10]}  {neck}; headache {_day_headache(d)}"
    yield ""
    yield from headache_lines(report.headache)
    yield from before_after_lines(report)
    yield from flag_lines(report)


def review_lines(report: Report) -> Iterator[str]:
    """The review banner, first thing after the heading: "Review due" and why."""
    if not report.review.due:
        return
    yield "*** Review due ***"
    for reason in report.review.reasons:
        yield f"  - {reason}"
    yield ""


def safety_lines(records: list[SafetyRecord]) -> Iterator[str]:
    """Every screening of the period, at the top of the report."""
    if not records:
        return
    yield "Safety screenings"
    for record in records:
        when = record.at.strftime("%a %d %b %H:%M")
        if not record.answered:
            yield f"  {when}  asked after: {record.trigger}; not answered"
            continue
        said = f"yes to {', '.join(record.yes)}" if record.yes else "all no"
        yield (f"  {when}  asked after: {record.trigger}; {said}; "
               f"{ADVICE_WORDS.get(record.advice or '', record.advice or '')}")
    yield ""


def diary_words(intensity: int, duration: str | None, painkillers: bool | None) -> str:
    """One diary day in words: "5/10, 1 to 4 hours, painkillers"."""
    if intensity == 0:
        parts = ["no headache"]
    else:
        parts = [f"{intensity}/10"]
        if duration:
            parts.append(DURATION_WORDS.get(duration, duration))
    if painkillers is not None:
        parts.append("painkillers" if painkillers else "no painkillers")
    return ", ".join(parts)


def _day_headache(d: DaySummary) -> str:
    if d.headache_intensity is None:
        return "-"
    if d.headache_word_only:
        return d.headache or "-"  # an older log's one-word answer
    return diary_words(d.headache_intensity, d.headache_duration, d.painkillers)


def headache_lines(h: HeadacheSummary) -> Iterator[str]:
    """The headache diary summary: days a week, intensity, painkiller days with the usual
    caution when they are frequent."""
    yield "Headache diary"
    if not h.answered_days:
        yield "  no headache answers in this period"
        yield ""
        return
    yield (f"  answered on {h.answered_days} of {h.period_days} days; headache on "
           f"{plural(h.headache_days, 'day')} ({h.per_week:.1f} a week)")
    if h.mean_intensity is not None:
        usual = max(h.durations, key=lambda item: item[1])[0] if h.durations else None
        yield (f"  mean intensity on headache days {h.mean_intensity:.1f}/10"
               + (f"; most often lasting {DURATION_WORDS.get(usual, usual)}" if usual else ""))
    per_month = h.painkiller_days_per_month
    if per_month is None:
        yield "  painkillers: not recorded (older one-word answers)"
    else:
        yield (f"  painkillers on {plural(h.painkiller_days, 'day')} of {h.painkiller_answers} "
               f"answered (about {per_month:.0f} days a month)")
    if h.painkillers_frequent:
        yield (f"  ! Painkillers on {FREQUENT_PAINKILLER_DAYS_PER_MONTH} or more days a month "
               "can themselves keep headaches going (medication-overuse headache): worth "
               "reviewing with the patient and their GP or pharmacist.")
    yield ""


def before_after_lines(report: Report) -> Iterator[str]:
    """Neck ratings just before and just after guided breaks, per exercise."""
    if not report.before_after:
        return
    yield "Neck before and after guided breaks (0-10)"
    width = max(len(name) for name in report.before_after)
    for name, entry in report.before_after.items():
        before, after = entry.before_mean, entry.after_mean
        if before is None or after is None:
            continue
        yield (f"  {name:<{width}}  {plural(entry.pairs, 'pair')}: before {before:.1f}, "
               f"after {after:.1f} ({after - before:+.1f})")
    yield ""


def flag_lines(report: Report) -> Iterator[str]:
    """Flagged exercises, with the rule that flags them."""
    yield (f"Flagged exercises (neck up {CLEAR_RISE_POINTS} points or more after a break that "
           f"included them, {FLAG_MIN_RISES} times or more)")
    yield ("  A rise counts against the rating just before the break, or else the previous "
           "rating that day; eye breaks and walks are never flagged.")
    grouped = report.flagged_exercises()
    if not grouped:
        yield "  none"
    for exercise, flags in grouped.items():
        yield f"  {exercise}: {len(flags)}x"
        for flag in flags[:5]:
            yield f"    {flag.at.strftime('%a %d %b %H:%M')}  {flag.reason}"
        if len(flags) > 5:
            yield f"    ... and {len(flags) - 5} more"
    once = [name for name, count in report.rises.items() if count < FLAG_MIN_RISES]
    if once:
        yield f"  one clear rise only (not flagged): {', '.join(once)}"


def _weeks(days: Iterable[DaySummary]) -> Iterator[tuple[str, DaySummary]]:
    """Days merged into Monday-to-Sunday weeks (the first and last may be partial)."""
    current: DaySummary | None = None
    for d in days:
        if current is None or d.day.weekday() == 0:
            if current is not None:
                yield day_text(current.day)[:10], current
            current = DaySummary(d.day)
        _merge_tally(current.prompts, d.prompts)
        _merge_sitting(current.sitting, d.sitting)
    if current is not None:
        yield day_text(current.day)[:10], current


def _merge_tally(into: Tally, other: Tally) -> None:
    for name in ("prompted", "done", "partial", "stopped", "taken", "skipped", "snoozed",
                 "missed", "snoozes"):
        setattr(into, name, getattr(into, name) + getattr(other, name))


def _merge_sitting(into: Sitting, other: Sitting) -> None:
    into.bouts += other.bouts
    into.seconds += other.seconds
    into.longest_seconds = max(into.longest_seconds, other.longest_seconds)
    into.over_30 += other.over_30
    into.over_60 += other.over_60


def _tally_table(label: str, rows: list[tuple[str, Tally]], total: Tally | None) -> Iterator[str]:
    width = max([len(label), 10, *(len(name) for name, _ in rows)])
    # Guided breaks stopped part-way count apart from done, in their own columns when any.
    partial = any(t.partial or t.stopped for _, t in rows)
    yield (f"  {label:<{width}}  {'done/prompted':>13}  {'adherence':>9}  {'taken':>5}  "
           f"{'skipped':>7}  {'snoozed':>7}  {'missed':>6}  {'snoozes':>7}"
           + (f"  {'partly':>6}  {'stopped':>7}" if partial else ""))
    if not rows:
        yield "  (no prompts)"
    for name, t in rows + ([("total", total)] if total is not None else []):
        yield (f"  {name:<{width}}  {f'{t.done}/{t.prompted}':>13}  {percent(t.adherence):>9}  "
               f"{t.taken:>5}  {t.skipped:>7}  {t.snoozed:>7}  {t.missed:>6}  {t.snoozes:>7}"
               + (f"  {t.partial:>6}  {t.stopped:>7}" if partial else ""))


def _sitting_table(label: str, rows: list[tuple[str, Sitting]]) -> Iterator[str]:
    width = max(len(label), 10)
    yield (f"  {label:<{width}}  {'sitting':>12}  {'bouts':>5}  {'longest':>12}  "
           f"{'>30 min':>7}  {'>60 min':>7}")
    for name, s in rows:
        yield (f"  {name:<{width}}  {minutes(s.seconds):>12}  {s.bouts:>5}  "
               f"{minutes(s.longest_seconds):>12}  {s.over_30:>7}  {s.over_60:>7}")


def _trend_line(name: str, trend: Trend, answers: int) -> str:
    first, second = trend.first_mean, trend.second_mean
    if not trend.enough:
        return (f"{name}: {plural(answers, 'answer')}; answered on {trend.first_days} and "
                f"{trend.second_days} days in the two halves, a trend needs {TREND_MIN_DAYS} "
                "in each: not enough answers")
    return (f"{name}: {plural(answers, 'answer')}; first half {first:.1f}, second half "
            f"{second:.1f}: {trend.words}")


def _headache_trend_line(trend: Trend) -> str:
    name = "headache (diary)"
    if not trend.enough:
        return (f"{name}: answered on {trend.first_days} and {trend.second_days} days in the "
                f"two halves, a trend needs {TREND_MIN_DAYS} in each: not enough answers")
    return (f"{name}: {trend.first_per_week or 0:.1f} headache days a week, then "
            f"{trend.second_per_week or 0:.1f}; intensity {trend.first_mean or 0:.1f}, then "
            f"{trend.second_mean or 0:.1f}: {trend.words}")
