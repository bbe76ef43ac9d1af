"""Plain-text views for the terminal: a programme as the patient sees it."""

from __future__ import annotations

import textwrap
from datetime import date, timedelta

from deskbreak.core.programme import Phase, Programme
from deskbreak.core.units import format_duration


def _long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def programme_text(programme: Programme, day: date) -> str:
    """The programme on `day`: phase, breaks and each exercise with its dose and steps."""
    lines: list[str] = [programme.title, "=" * len(programme.title)]
    if programme.prescribed_by:
        lines.append(f"Prescribed by: {programme.prescribed_by}")
    if programme.patient:
        lines.append(f"For: {programme.patient}")
    if programme.starts:
        if programme.starts > day:
            lines.append(f"Starts: {_long_date(programme.starts)}")
        else:
            lines.append(f"Started: {_long_date(programme.starts)} (week "
                         f"{programme.week_on(day)} on {_long_date(day)})")
    if programme.review:
        lines.append(f"Review appointment: {_long_date(programme.review)}")
    view = programme.on(day)
    phase = view.phase
    lines.append(f"Phase on {_long_date(day)}: {_phase_label(programme, phase)}")
    hours = programme.settings.working_hours
    days = ", ".join(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[d] for d in sorted(hours.days))
    lines.append(f"Prompts: {days}, {hours.start:%H:%M}-{hours.end:%H:%M}; an idle stretch of "
                 f"{format_duration(programme.settings.natural_break_seconds)} counts as a break")
    for paragraph in programme.notes.split("\n\n"):
        if paragraph.strip():
            lines += ["", *textwrap.wrap(" ".join(paragraph.split()), 78)]
    lines += _breaks_text(view, steps=True)
    lines += ["", *_load_text(programme, day)]
    if programme.warnings:
        lines += ["", "For the physio:", *(f"  {w}" for w in programme.warnings)]
    return "\n".join(lines) + "\n"


def _phase_label(programme: Programme, phase: Phase | None) -> str:
    return phase.name if phase is not None else "starting doses"


def _breaks_text(view: Programme, steps: bool) -> list[str]:
    """Each break of a day view with its exercises and doses (and steps and cautions)."""
    lines: list[str] = []
    exercises = view.exercises
    for brk in view.breaks:
        lines += ["", f"{brk.name} ({brk.kind.value} break): every "
                  f"{format_duration(brk.every_seconds)} of sitting, takes "
                  f"{format_duration(brk.duration_seconds)}"
                  + (f", {brk.per_prompt} exercise{'s' if brk.per_prompt != 1 else ''} a time"
                     if brk.per_prompt else "")]
        snooze = brk.snooze
        lines.append(f"  snooze: {snooze.minutes:g} min, at most {snooze.max_count} in a row"
                     if snooze.max_count else "  snooze: not allowed")
        for exercise_id in dict.fromkeys(brk.exercise_ids):
            exercise = exercises[exercise_id]
            lines.append(f"  - {exercise.title} [{exercise_id}]: {exercise.dose_text()}")
            if not steps:
                continue
            for number, step_text in enumerate(exercise.steps, start=1):
                lines += textwrap.wrap(step_text, 74, initial_indent=f"      {number}. ",
                                       subsequent_indent="         ")
            for caution in exercise.cautions:
                lines += textwrap.wrap(caution, 74, initial_indent="      ! ",
                                       subsequent_indent="        ")
    return lines


def _load_text(programme: Programme, day: date) -> list[str]:
    """About how often each exercise comes up on a typical working day, and the total time."""
    from deskbreak.core.load import typical_day

    load = typical_day(programme, day)
    hours = programme.settings.working_hours
    lines = [f"A typical working day ({hours.start:%H:%M}-{hours.end:%H:%M} at the desk, every "
             "break done when it comes):",
             "  prompts: " + ", ".join(f"{name} {count}x" for name, count in load.prompts)]
    width = max((len(e.title) for e in load.exercises), default=0)
    for item in load.exercises:
        lines.append(f"  {item.title:<{width}}  {item.times:>3}x  about "
                     f"{format_duration(round(item.seconds))}")
    lines.append(f"  total exercise time: about {format_duration(60 * round(load.exercise_seconds / 60))}"
                 if load.exercise_seconds >= 60 else
                 f"  total exercise time: about {format_duration(round(load.exercise_seconds))}")
    return lines


def weeks_text(programme: Programme) -> str:
    """Every phase in turn as the patient gets it: dates, breaks, doses and the day's load."""
    lines: list[str] = [programme.title, "=" * len(programme.title)]
    starts = programme.starts
    periods: list[tuple[date, date | None, Phase | None]] = []
    ordered = sorted(programme.phases, key=lambda p: p.first_day(starts))
    first_phase_day = ordered[0].first_day(starts) if ordered else None
    if starts is not None and (first_phase_day is None or first_phase_day > starts):
        periods.append((starts, first_phase_day - timedelta(days=1) if first_phase_day else None,
                        None))
    elif starts is None and not ordered:
        periods.append((date.today(), None, None))
    for index, phase in enumerate(ordered):
        last = phase.last_day(starts)
        periods.append((phase.first_day(starts), last, phase))
        following = ordered[index + 1].first_day(starts) if index + 1 < len(ordered) else None
        if last is not None and (following is None or last + timedelta(days=1) < following):
            # Between phases (or after the last one) the programme runs as written.
            periods.append((last + timedelta(days=1),
                            following - timedelta(days=1) if following else None, None))
    for first, last, period_phase in periods:
        span = (f"{_long_date(first)} to {_long_date(last)}" if last
                else f"from {_long_date(first)}")
        if starts is not None:
            week_from = programme.week_on(first)
            span += (f" (weeks {week_from}-{programme.week_on(last)})" if last
                     and programme.week_on(last) != week_from else f" (week {week_from}"
                     + (")" if last else " on)"))
        title = period_phase.name if period_phase is not None else "Starting doses"
        lines += ["", f"{title}: {span}", "-" * min(78, len(title) + len(span) + 2)]
        lines += _breaks_text(programme.on(first), steps=False)
        lines += ["", *_load_text(programme, first)]
    if programme.review:
        lines += ["", f"Review appointment: {_long_date(programme.review)}"]
    return "\n".join(lines) + "\n"
