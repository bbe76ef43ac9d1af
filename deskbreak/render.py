"""Plain-text views for the terminal: a programme as the patient sees it."""

from __future__ import annotations

import textwrap
from datetime import date

from deskbreak.core.programme import Programme
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
    phase = programme.phase_on(day)
    lines.append(f"Phase on {_long_date(day)}: {phase.name if phase else 'starting doses'}")
    hours = programme.settings.working_hours
    days = ", ".join(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[d] for d in sorted(hours.days))
    lines.append(f"Prompts: {days}, {hours.start:%H:%M}-{hours.end:%H:%M}; an idle stretch of "
                 f"{format_duration(programme.settings.natural_break_seconds)} counts as a break")
    for paragraph in programme.notes.split("\n\n"):
        if paragraph.strip():
            lines += ["", *textwrap.wrap(" ".join(paragraph.split()), 78)]
    exercises = programme.exercises_on(day)
    for brk in programme.breaks:
        lines += ["", f"{brk.name} ({brk.kind.value} break): every "
                  f"{format_duration(brk.every_seconds)} of sitting, takes "
                  f"{format_duration(brk.duration_seconds)}"]
        snooze = brk.snooze
        lines.append(f"  snooze: {snooze.minutes:g} min, at most {snooze.max_count} in a row"
                     if snooze.max_count else "  snooze: not allowed")
        for exercise_id in brk.exercise_ids:
            exercise = exercises[exercise_id]
            lines.append(f"  - {exercise.title} [{exercise_id}]: {exercise.dose_text()}")
            for number, step_text in enumerate(exercise.steps, start=1):
                lines += textwrap.wrap(step_text, 74, initial_indent=f"      {number}. ",
                                       subsequent_indent="         ")
            for caution in exercise.cautions:
                lines += textwrap.wrap(caution, 74, initial_indent="      ! ",
                                       subsequent_indent="        ")
    if programme.warnings:
        lines += ["", "For the physio:", *(f"  {w}" for w in programme.warnings)]
    return "\n".join(lines) + "\n"
