"""Plain-text forms of the log and the report, for the terminal."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from deskbreak.core.compliance import DaySummary, Report, Sitting, Tally, Trend
from deskbreak.core.events import (
    BoutEnded,
    BoutStarted,
    CheckinAnswered,
    CheckinDue,
    Event,
    Paused,
    ProgrammeLoaded,
    ProgrammeRejected,
    PromptDeferred,
    PromptOutcome,
    PromptShown,
    Resumed,
    SnoozeRefused,
)
from deskbreak.core.units import format_duration

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
        value = f"{event.value}/10" if event.question == "neck" else str(event.value)
        after = f" after #{event.prompt} ({', '.join(event.exercises)})" if event.prompt else ""
        return f"{event.question}: {value}{after}"
    if isinstance(event, CheckinDue):
        return f"{event.question} question due"
    return repr(event)  # pragma: no cover - a new event kind without a line yet


# --- the report ----------------------------------------------------------------------------------


def report_lines(report: Report) -> Iterator[str]:
    """The terminal report, line by line."""
    period = report.period
    count = len(report.days)
    yield f"deskbreak report: {day_text(period.first)} to {day_text(period.last)} ({count} days)"
    for programme in report.programmes:
        yield f"Programme: {programme.title} [{programme.programme_hash[:8]}]"
    if not report.programmes:
        yield "Programme: (none recorded in this period)"
    yield ""

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
    yield "  " + _trend_line("headache (0 none - 3 severe)", report.headache_trend,
                             len(report.headaches))
    with_symptoms = [d for d in report.days if d.neck_answers or d.headache]
    if with_symptoms and daily:
        for d in with_symptoms:
            neck = (f"neck {d.neck_mean:.1f} ({d.neck_answers}x, worst {d.neck_worst})"
                    if d.neck_answers else "neck -")
            yield f"  {day_text(d.day)[:10]}  {neck}; headache {d.headache or '-'}"
    yield ""

    yield "Flagged exercises (neck worse after the break, or 7/10 and above)"
    grouped = report.flagged_exercises()
    if not grouped:
        yield "  none"
    for exercise, flags in grouped.items():
        yield f"  {exercise}: {len(flags)}x"
        for flag in flags[:5]:
            yield f"    {flag.at.strftime('%a %d %b %H:%M')}  {flag.reason}"
        if len(flags) > 5:
            yield f"    ... and {len(flags) - 5} more"


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
    for name in ("prompted", "done", "taken", "skipped", "snoozed", "missed", "snoozes"):
        setattr(into, name, getattr(into, name) + getattr(other, name))


def _merge_sitting(into: Sitting, other: Sitting) -> None:
    into.bouts += other.bouts
    into.seconds += other.seconds
    into.longest_seconds = max(into.longest_seconds, other.longest_seconds)
    into.over_30 += other.over_30
    into.over_60 += other.over_60


def _tally_table(label: str, rows: list[tuple[str, Tally]], total: Tally | None) -> Iterator[str]:
    width = max([len(label), 10, *(len(name) for name, _ in rows)])
    yield (f"  {label:<{width}}  {'done/prompted':>13}  {'adherence':>9}  {'taken':>5}  "
           f"{'skipped':>7}  {'snoozed':>7}  {'missed':>6}  {'snoozes':>7}")
    if not rows:
        yield "  (no prompts)"
    for name, t in rows + ([("total", total)] if total is not None else []):
        yield (f"  {name:<{width}}  {f'{t.done}/{t.prompted}':>13}  {percent(t.adherence):>9}  "
               f"{t.taken:>5}  {t.skipped:>7}  {t.snoozed:>7}  {t.missed:>6}  {t.snoozes:>7}")


def _sitting_table(label: str, rows: list[tuple[str, Sitting]]) -> Iterator[str]:
    width = max(len(label), 10)
    yield (f"  {label:<{width}}  {'sitting':>12}  {'bouts':>5}  {'longest':>12}  "
           f"{'>30 min':>7}  {'>60 min':>7}")
    for name, s in rows:
        yield (f"  {name:<{width}}  {minutes(s.seconds):>12}  {s.bouts:>5}  "
               f"{minutes(s.longest_seconds):>12}  {s.over_30:>7}  {s.over_60:>7}")


def _trend_line(name: str, trend: Trend, answers: int) -> str:
    first, second = trend.first_mean, trend.second_mean
    if first is None or second is None:
        return f"{name}: {plural(answers, 'answer')}; not enough answered days for a trend"
    return f"{name}: {plural(answers, 'answer')}; first half {first:.1f}, second half {second:.1f}: {trend.words}"
