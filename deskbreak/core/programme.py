"""The physiotherapist's programme as frozen dataclasses: breaks, exercises with their dose, phases.

Built only by `programme_file.parse_programme`, which validates everything first, so code that
holds a `Programme` can trust every value in it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from types import MappingProxyType
from typing import Any

from deskbreak.core.units import format_duration

#: Seconds a single repetition takes when the exercise has no hold (a slow, controlled movement).
DEFAULT_SECONDS_PER_REP = 3.0
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class BreakKind(enum.Enum):
    """Where a break is done."""

    #: At the desk, 20 to 90 seconds: neck mobility, stretches, eye break.
    MICRO = "micro"
    #: Stand up and move for minutes; ends the sitting bout.
    MOVEMENT = "movement"


@dataclass(frozen=True)
class Exercise:
    """One exercise with the dose the physio prescribed (library text plus programme overrides)."""

    id: str
    title: str
    summary: str = ""
    steps: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    reps: int | None = None
    sets: int = 1
    hold_seconds: float | None = None
    rest_seconds: float = 0.0
    sides: tuple[str, ...] = ()
    duration_seconds: float | None = None
    seconds_per_rep: float = DEFAULT_SECONDS_PER_REP
    suits: tuple[BreakKind, ...] = (BreakKind.MICRO,)

    def estimated_seconds(self) -> float:
        """How long one full dose takes, used to fit exercises into a break's duration."""
        if self.duration_seconds is not None:
            return self.duration_seconds
        per_rep = max(self.hold_seconds or 0.0, self.seconds_per_rep)
        reps = self.reps or 1
        per_side = self.sets * reps * per_rep + (self.sets - 1) * self.rest_seconds
        return per_side * max(1, len(self.sides))

    def dose_text(self) -> str:
        """The dose in plain words, e.g. "8 reps, hold 5 s, 2 sets, left and right"."""
        parts: list[str] = []
        if self.reps is not None:
            parts.append(f"{self.reps} rep" + ("" if self.reps == 1 else "s"))
        if self.hold_seconds:
            parts.append(f"hold {format_duration(self.hold_seconds)}")
        if self.sets > 1:
            parts.append(f"{self.sets} sets")
        if self.rest_seconds and self.sets > 1:
            parts.append(f"rest {format_duration(self.rest_seconds)} between sets")
        if self.duration_seconds is not None and self.reps is None:
            parts.append(format_duration(self.duration_seconds))
        if self.sides:
            parts.append(" and ".join(self.sides) if len(self.sides) > 1 else f"{self.sides[0]} side")
        return ", ".join(parts) if parts else "as described"

    def dose(self) -> dict[str, Any]:
        """The dose as plain data, for the compliance log."""
        return {
            "reps": self.reps,
            "sets": self.sets,
            "hold_seconds": self.hold_seconds,
            "rest_seconds": self.rest_seconds,
            "sides": list(self.sides),
            "duration_seconds": self.duration_seconds,
        }


@dataclass(frozen=True)
class Snooze:
    """How a prompt may be put off: by `minutes`, at most `max_count` times in a row."""

    minutes: float = 5.0
    max_count: int = 2


@dataclass(frozen=True)
class Break:
    """A kind of prompt the programme schedules, due after `every_seconds` of sitting."""

    name: str
    kind: BreakKind
    every_seconds: float
    duration_seconds: float
    exercise_ids: tuple[str, ...]
    snooze: Snooze = Snooze()
    per_prompt: int | None = None


@dataclass(frozen=True)
class WorkingHours:
    """The days and hours when prompts may come."""

    days: frozenset[int] = frozenset(range(5))
    start: time = time(8, 0)
    end: time = time(18, 0)

    def contains(self, moment: datetime) -> bool:
        """True when `moment` (local wall-clock time) is inside working hours."""
        if moment.weekday() not in self.days:
            return False
        wall = moment.time().replace(tzinfo=None)
        return self.start <= wall < self.end


@dataclass(frozen=True)
class Checkins:
    """Optional symptom questions the programme asks."""

    #: After a finished guided break: "How is your neck now?" (0 to 10).
    neck_after_break: bool = False
    #: Once a working day: "Did you have a headache today?" (none / mild / moderate / severe).
    headache_daily: bool = False
    #: When the daily headache question comes; None means 30 minutes before working hours end.
    headache_at: time | None = None


@dataclass(frozen=True)
class Settings:
    """Programme-wide timing."""

    natural_break_seconds: float = 300.0
    respond_within_seconds: float = 600.0
    working_hours: WorkingHours = WorkingHours()
    #: The longest a prompt may wait while a fullscreen window (a presentation, a call) has focus.
    max_deferral_seconds: float = 1200.0
    checkins: Checkins = Checkins()
    #: A soft sound when a break comes and at the end of each hold (off unless asked for).
    sound: bool = False


@dataclass(frozen=True)
class Phase:
    """A progression step: dose overrides that apply from `from_week` (week 1 starts on `starts`)."""

    from_week: int
    until_week: int | None
    name: str
    overrides: Mapping[str, Mapping[str, Any]]

    def covers(self, week: int) -> bool:
        """True when programme week `week` (1-based) falls inside this phase."""
        return self.from_week <= week and (self.until_week is None or week <= self.until_week)


@dataclass(frozen=True)
class Programme:
    """A validated programme. `content_hash` identifies the exact file text it came from."""

    title: str
    breaks: tuple[Break, ...]
    exercises: Mapping[str, Exercise]
    settings: Settings = Settings()
    prescribed_by: str = ""
    patient: str = ""
    starts: date | None = None
    review: date | None = None
    notes: str = ""
    phases: tuple[Phase, ...] = ()
    content_hash: str = ""
    source: str = ""
    #: Things worth the physio's attention that do not stop the programme, one line each.
    warnings: tuple[str, ...] = ()
    _phase_cache: dict[int, Mapping[str, Exercise]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def week_on(self, day: date) -> int:
        """The programme week `day` falls in (1-based); week 1 before `starts` or without it."""
        if self.starts is None or day < self.starts:
            return 1
        return (day - self.starts).days // 7 + 1

    def phase_on(self, day: date) -> Phase | None:
        """The progression phase in force on `day`, if any (phases never overlap)."""
        week = self.week_on(day)
        for phase in self.phases:
            if phase.covers(week):
                return phase
        return None

    def exercises_on(self, day: date) -> Mapping[str, Exercise]:
        """Every exercise the programme uses, with the dose of the phase in force on `day`."""
        phase = self.phase_on(day)
        if phase is None:
            return self.exercises
        key = self.phases.index(phase)
        cached = self._phase_cache.get(key)
        if cached is None:
            merged = dict(self.exercises)
            for exercise_id, override in phase.overrides.items():
                merged[exercise_id] = replace(merged[exercise_id], **override)
            cached = MappingProxyType(merged)
            self._phase_cache[key] = cached
        return cached

    def break_named(self, name: str) -> Break:
        """The break called `name`; KeyError if there is none."""
        for brk in self.breaks:
            if brk.name == name:
                return brk
        raise KeyError(name)
