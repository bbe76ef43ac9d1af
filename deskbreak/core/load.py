"""The load a programme puts on a typical working day, found by running the real engine.

The physio judges a programme by how often each exercise comes up and how much exercise time
that adds up to. Rather than a formula that could drift from the planner, a day is played
through the engine itself: the patient sits at the desk all through working hours and does each
break as soon as it comes (away from the desk for a movement break, at it for a micro break).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone

from deskbreak.core.engine import Engine
from deskbreak.core.events import Answer, PromptShown
from deskbreak.core.programme import BreakKind, Programme, WorkingHours
from deskbreak.core.sitting import Sample

#: How often the played day samples the (simulated) desk; fine enough for minute intervals.
DAY_POLL_SECONDS = 15.0


@dataclass(frozen=True)
class ExerciseLoad:
    """One exercise over the day: how many times it comes up and the time it takes in all."""

    exercise_id: str
    title: str
    times: int
    seconds: float


@dataclass(frozen=True)
class DayLoad:
    """A typical working day under the phase in force on `day`."""

    day: date
    working_seconds: float
    #: Prompts per break name, in the programme's order.
    prompts: tuple[tuple[str, int], ...]
    exercises: tuple[ExerciseLoad, ...]

    @property
    def exercise_seconds(self) -> float:
        """Total guided exercise time in the day."""
        return sum(e.seconds for e in self.exercises)


def typical_day(programme: Programme, day: date) -> DayLoad:
    """Play one working day of the phase in force on `day` through the engine; count the load."""
    view = programme.on(day)
    hours = view.settings.working_hours
    # A standalone copy: no phases to switch to, and every weekday a working day, so the day
    # played is always a full one whatever `day` is.
    flat = replace(view, phases=(), base=None, _cache={}, settings=replace(
        view.settings, working_hours=WorkingHours(frozenset(range(7)), hours.start, hours.end)))
    start = datetime.combine(day, hours.start, tzinfo=timezone.utc)
    end = datetime.combine(day, hours.end, tzinfo=timezone.utc)
    engine = Engine(flat, poll_seconds=DAY_POLL_SECONDS)
    poll = timedelta(seconds=DAY_POLL_SECONDS)
    counts: dict[str, int] = {}
    seconds: dict[str, float] = {}
    prompts = {brk.name: 0 for brk in flat.breaks}
    now = last_input = start
    while now < end:
        events = engine.tick(Sample(now, (now - last_input).total_seconds()))
        shown = [e for e in events if isinstance(e, PromptShown)]
        if shown:
            prompt = shown[-1]
            engine.answer(now, Answer.DONE)
            prompts[prompt.break_name] += 1
            for exercise in engine.exercises_for(prompt):
                counts[exercise.id] = counts.get(exercise.id, 0) + 1
                seconds[exercise.id] = seconds.get(exercise.id, 0.0) + exercise.estimated_seconds()
            brk = flat.break_named(prompt.break_name)
            now += timedelta(seconds=brk.duration_seconds)
            if brk.kind is BreakKind.MOVEMENT:
                # Away from the desk: the first input after it starts a new sitting bout.
                engine.tick(Sample(now, (now - last_input).total_seconds()))
            last_input = now
            continue
        now += poll
        last_input = now
    loads = tuple(ExerciseLoad(i, flat.exercises[i].title, counts[i], seconds[i])
                  for i in sorted(counts, key=lambda i: (-seconds[i], i)))
    return DayLoad(day=day, working_seconds=(end - start).total_seconds(),
                   prompts=tuple(prompts.items()), exercises=loads)
