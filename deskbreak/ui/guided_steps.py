"""The guided break as a flat sequence of screens: pure data, no Tk, no clock.

`guided_screens(exercises, neck_checkin)` expands each exercise's dose into what the guided view
shows one at a time:

    INTRO  (title, summary, steps, cautions, dose; waits for Next)
    for each side:  SIDE  ("Left side", a short get-ready countdown)
        for each set:  REP screens ("Rep 3 of 8"; countdown = the hold, or the pace of a rep)
                       RELEASE between two holds ("Let go", a short countdown)
                       REST between sets (countdown)
    or, for an exercise dosed by time: one TIMED screen per side
    then CHECKIN ("How is your neck now?") when asked for, else FINISH.

A screen whose countdown runs out advances by itself; Next always advances early. The last screen
of each exercise has `completes_exercise` set, so a Stop part-way can tell what was finished.

A time-dosed exercise with sides splits its `duration_seconds` evenly across the sides, matching
`Exercise.estimated_seconds` in the core, which counts `duration_seconds` once for the whole dose.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from deskbreak.core.programme import Exercise

#: Seconds to get into position before each side starts.
GET_READY_SECONDS = 3.0
#: Seconds to let go between two holds: back-to-back holds leave no moment to relax the muscle.
RELEASE_SECONDS = 3.0
#: What a screen that waits for the user (an exercise's introduction) is assumed to take, for the
#: "about 1 min left" estimate.
READING_SECONDS = 10.0


class ScreenKind(enum.Enum):
    """What one guided screen is for."""

    #: Introduces an exercise: how to do it and what to be careful of. Waits for Next.
    INTRO = "intro"
    #: Announces the side about to be worked, with a short get-ready countdown.
    SIDE = "side"
    #: One repetition; the countdown is the hold, or the pace of an unheld rep.
    REP = "rep"
    #: An exercise dosed by time rather than reps, one screen per side.
    TIMED = "timed"
    #: A short release between two holds.
    RELEASE = "release"
    #: Rest between sets.
    REST = "rest"
    #: "How is your neck now?" 0 to 10; the last screen when the programme asks.
    CHECKIN = "checkin"
    #: The closing screen when there is no check-in.
    FINISH = "finish"


@dataclass(frozen=True)
class Screen:
    """One step of the guided break. `countdown_seconds` None means: wait for the user."""

    kind: ScreenKind
    heading: str
    detail: str = ""
    exercise_id: str = ""
    title: str = ""
    dose_text: str = ""
    exercise_number: int = 0
    exercise_count: int = 0
    steps: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    side: str | None = None
    set_number: int | None = None
    set_count: int | None = None
    rep_number: int | None = None
    rep_count: int | None = None
    countdown_seconds: float | None = None
    hold: bool = False
    completes_exercise: bool = False


def guided_screens(exercises: Sequence[Exercise], neck_checkin: bool) -> tuple[Screen, ...]:
    """Every screen of the guided break, in order; never empty (ends with CHECKIN or FINISH)."""
    screens: list[Screen] = []
    count = len(exercises)
    for number, exercise in enumerate(exercises, start=1):
        screens.extend(_exercise_screens(exercise, number, count))
    if neck_checkin:
        screens.append(Screen(ScreenKind.CHECKIN, "How is your neck now?",
                              "0 = no pain or stiffness, 10 = worst imaginable"))
    else:
        screens.append(Screen(ScreenKind.FINISH, "Well done",
                              "That is the break finished. Back to work when you are ready."))
    return tuple(screens)


def _exercise_screens(exercise: Exercise, number: int, count: int) -> list[Screen]:
    def screen(kind: ScreenKind, heading: str, detail: str = "", **extra: Any) -> Screen:
        return Screen(kind, heading, detail, exercise_id=exercise.id, title=exercise.title,
                      dose_text=exercise.dose_text(), exercise_number=number,
                      exercise_count=count, cautions=exercise.cautions, **extra)

    intro_heading = "How to do it" if exercise.steps else "Get ready"
    screens = [screen(ScreenKind.INTRO, intro_heading, exercise.summary, steps=exercise.steps)]
    sides: tuple[str | None, ...] = exercise.sides or (None,)
    duration = exercise.duration_seconds if exercise.reps is None else None
    reps = exercise.reps or 1
    hold = bool(exercise.hold_seconds)
    rep_seconds = exercise.hold_seconds if hold else exercise.seconds_per_rep
    for side in sides:
        side_words = _side_words(side)
        if side is not None:
            screens.append(screen(ScreenKind.SIDE, side_words.capitalize(), "Get ready",
                                  side=side, countdown_seconds=GET_READY_SECONDS))
        if duration is not None:
            screens.append(screen(ScreenKind.TIMED, "Keep going", side_words, side=side,
                                  countdown_seconds=duration / len(sides)))
            continue
        for set_number in range(1, exercise.sets + 1):
            set_words = f"set {set_number} of {exercise.sets}" if exercise.sets > 1 else ""
            for rep in range(1, reps + 1):
                detail = " · ".join(p for p in (set_words, side_words,
                                                "hold" if hold else "slowly") if p)
                screens.append(screen(
                    ScreenKind.REP, f"Rep {rep} of {reps}", detail, side=side,
                    set_number=set_number, set_count=exercise.sets, rep_number=rep,
                    rep_count=reps, countdown_seconds=rep_seconds, hold=hold))
                if hold and rep < reps:
                    screens.append(screen(
                        ScreenKind.RELEASE, "Let go", "relax for a moment",
                        side=side, set_number=set_number, set_count=exercise.sets,
                        rep_number=rep, rep_count=reps, countdown_seconds=RELEASE_SECONDS))
            if set_number < exercise.sets and exercise.rest_seconds > 0:
                screens.append(screen(
                    ScreenKind.REST, "Rest", f"set {set_number + 1} of {exercise.sets} next",
                    side=side, set_number=set_number, set_count=exercise.sets,
                    countdown_seconds=exercise.rest_seconds))
    screens[-1] = replace(screens[-1], completes_exercise=True)
    return screens


def _side_words(side: str | None) -> str:
    if side is None:
        return ""
    return side if "side" in side.lower() else f"{side} side"


def completed_exercises(screens: Sequence[Screen], finished_through: int) -> tuple[str, ...]:
    """Ids of exercises whose last screen is among the first `finished_through` screens."""
    return tuple(s.exercise_id for s in screens[:max(0, finished_through)] if s.completes_exercise)


def finishes_exercise(screens: Sequence[Screen], index: int) -> str | None:
    """The id of the exercise that moving on from screen `index` finishes, if any."""
    if 0 <= index < len(screens) and screens[index].completes_exercise:
        return screens[index].exercise_id
    return None


def next_exercise_index(screens: Sequence[Screen], index: int) -> int:
    """Where "Skip this exercise" goes: the first screen after `index` that belongs to another
    exercise, or the closing screen."""
    current = screens[index].exercise_number
    for later in range(index + 1, len(screens)):
        if screens[later].exercise_number != current or not screens[later].exercise_id:
            return later
    return len(screens) - 1


def seconds_left(screens: Sequence[Screen], index: int, elapsed: float = 0.0) -> float:
    """Roughly how long the rest of the break takes from screen `index`, of which `elapsed`
    seconds have already run: countdowns as timed, reading screens at `READING_SECONDS`."""
    total = 0.0
    for screen in screens[index:]:
        if screen.kind in (ScreenKind.CHECKIN, ScreenKind.FINISH):
            continue
        total += (screen.countdown_seconds if screen.countdown_seconds is not None
                  else READING_SECONDS)
    return max(0.0, total - elapsed)


def time_left_text(seconds: float) -> str:
    """"about 2 min left", "under a minute left" or "almost done": whole minutes, no false
    precision for an estimate."""
    if seconds < 10:
        return "almost done"
    if seconds < 50:
        return "under a minute left"
    return f"about {max(1, round(seconds / 60))} min left"


def progress_text(screen: Screen, seconds: float) -> str:
    """The overall line at the top of every exercise screen: "Exercise 2 of 4 · about 1 min
    left"; on the closing screen an empty string."""
    if not screen.exercise_id:
        return ""
    return f"Exercise {screen.exercise_number} of {screen.exercise_count} \u00b7 " + \
        time_left_text(seconds)
