"""The physiotherapist's programme as frozen dataclasses: breaks, exercises with their dose, phases.

Built only by `programme_file.parse_programme`, which validates everything first, so code that
holds a `Programme` can trust every value in it.
"""

from __future__ import annotations

import enum
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
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
    #: The library exercise whose figure illustrates this one ("" for the physio's own).
    figure: str = ""
    #: The physio's own picture (PNG or GIF) for their own exercise, as a path; "" if none.
    image: str = ""

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
    #: Just before a guided break: a quick "How is your neck now?" (0 to 10), so reports can
    #: pair it with the rating after the break.
    neck_before_break: bool = False
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
class BreakChange:
    """What a phase changes in one break; None or empty leaves that part as the break has it."""

    every_seconds: float | None = None
    duration_seconds: float | None = None
    #: The whole exercise list, replacing the break's own (never together with add/remove).
    exercise_ids: tuple[str, ...] | None = None
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    per_prompt: int | None = None

    def exercises_of(self, brk: Break) -> tuple[str, ...]:
        """The break's exercise list with this change applied (linear in the list's length)."""
        ids = self.exercise_ids if self.exercise_ids is not None else brk.exercise_ids
        if self.remove:
            gone = set(self.remove)
            ids = tuple(i for i in ids if i not in gone)
        if self.add:
            present = set(ids)
            ids = ids + tuple(i for i in self.add if i not in present)
        return ids

    def apply(self, brk: Break) -> Break:
        """`brk` as it runs while the phase is in force."""
        return replace(
            brk,
            every_seconds=brk.every_seconds if self.every_seconds is None else self.every_seconds,
            duration_seconds=(brk.duration_seconds if self.duration_seconds is None
                              else self.duration_seconds),
            exercise_ids=self.exercises_of(brk),
            per_prompt=brk.per_prompt if self.per_prompt is None else self.per_prompt,
        )


@dataclass(frozen=True)
class Phase:
    """A progression step, from a programme week or a date: dose changes by exercise id, and
    changes to breaks by break name (interval, duration, exercises added, removed or replaced).

    Every phase changes the programme as written at the top of the file, not the phase before
    it, so each phase can be read on its own.
    """

    name: str
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    from_week: int | None = None
    until_week: int | None = None
    from_date: date | None = None
    until_date: date | None = None
    breaks: Mapping[str, BreakChange] = field(default_factory=dict)

    def first_day(self, starts: date | None) -> date:
        """The first day the phase is in force (weeks count from `starts`)."""
        if self.from_date is not None:
            return self.from_date
        return (starts or date.min) + timedelta(weeks=(self.from_week or 1) - 1)

    def last_day(self, starts: date | None) -> date | None:
        """The last day the phase is in force; None when it runs on until the programme ends."""
        if self.until_date is not None:
            return self.until_date
        if self.until_week is not None:
            return (starts or date.min) + timedelta(weeks=self.until_week, days=-1)
        return None

    def when(self) -> str:
        """When the phase runs, as the physio wrote it: "weeks 1-2", "week 3 on", "from DATE"."""
        if self.from_week is not None:
            if self.until_week is None:
                return f"week {self.from_week} on"
            if self.until_week == self.from_week:
                return f"week {self.from_week}"
            return f"weeks {self.from_week}-{self.until_week}"
        if self.until_date is None:
            return f"from {self.from_date}"
        return f"{self.from_date} to {self.until_date}"


@dataclass(frozen=True)
class Programme:
    """A validated programme. `content_hash` identifies the exact file text it came from.

    `breaks` and `exercises` are as written at the top of the file; `on(day)` gives the
    programme as the patient gets it on a day, with the phase in force applied.
    """

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
    #: In a day view made by `on()`: the phase it applies (None: the programme as written).
    phase: Phase | None = field(default=None, compare=False)
    #: In a day view made by `on()`: the whole programme it was made from.
    base: Programme | None = field(default=None, compare=False, repr=False)
    _cache: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def week_on(self, day: date) -> int:
        """The programme week `day` falls in (1-based); week 1 before `starts` or without it."""
        if self.starts is None or day < self.starts:
            return 1
        return (day - self.starts).days // 7 + 1

    def _phase_index(self) -> tuple[list[int], list[int]]:
        """Phases sorted by first day: (first-day ordinals, phase positions). Built once."""
        index = self._cache.get("index")
        if index is None:
            order = sorted(range(len(self.phases)),
                           key=lambda i: self.phases[i].first_day(self.starts))
            index = ([self.phases[i].first_day(self.starts).toordinal() for i in order], order)
            self._cache["index"] = index
        return index

    def phase_on(self, day: date) -> Phase | None:
        """The progression phase in force on `day`, if any (phases never overlap)."""
        whole = self.base or self
        if not whole.phases:
            return None
        firsts, order = whole._phase_index()
        # The last phase starting on or before `day` is the only one that can cover it.
        position = bisect_right(firsts, day.toordinal()) - 1
        if position < 0:
            return None
        phase = whole.phases[order[position]]
        last = phase.last_day(whole.starts)
        return phase if last is None or day <= last else None

    def on(self, day: date) -> Programme:
        """The programme as the patient gets it on `day`: breaks and doses of the phase in force.

        Views are made once per phase and kept, so asking every tick costs a binary search.
        """
        whole = self.base or self
        phase = whole.phase_on(day)
        if phase is None:
            return whole
        key = ("view", id(phase))
        view = whole._cache.get(key)
        if view is None:
            view = whole._apply(phase)
            whole._cache[key] = view
        return view

    def _apply(self, phase: Phase) -> Programme:
        merged = dict(self.exercises)
        for exercise_id, override in phase.overrides.items():
            if exercise_id in merged:
                merged[exercise_id] = replace(merged[exercise_id], **override)
        breaks = tuple(phase.breaks[b.name].apply(b) if b.name in phase.breaks else b
                       for b in self.breaks)
        return replace(self, breaks=breaks, exercises=MappingProxyType(merged), phase=phase,
                       base=self, _cache={})

    def exercises_on(self, day: date) -> Mapping[str, Exercise]:
        """Every exercise the programme uses, with the dose of the phase in force on `day`."""
        return self.on(day).exercises

    def phase_changes(self, first: date, last: date) -> list[tuple[date, Phase | None]]:
        """Each phase in force between `first` and `last` (inclusive) with the day it came into
        force there (`first` for the one already in force); None stands for no phase."""
        whole = self.base or self
        changes: list[tuple[date, Phase | None]] = [(first, whole.phase_on(first))]
        firsts, order = whole._phase_index() if whole.phases else ([], [])
        for ordinal, position in zip(firsts, order):
            if first.toordinal() < ordinal <= last.toordinal():
                changes.append((date.fromordinal(ordinal), whole.phases[position]))
        # A phase that ends before the next begins hands back to the programme as written.
        out: list[tuple[date, Phase | None]] = []
        for index, (start, phase) in enumerate(changes):
            out.append((start, phase))
            end = phase.last_day(whole.starts) if phase is not None else None
            following = changes[index + 1][0] if index + 1 < len(changes) else None
            if (end is not None and end < last
                    and (following is None or end + timedelta(days=1) < following)):
                out.append((end + timedelta(days=1), None))
        return out

    def break_named(self, name: str) -> Break:
        """The break called `name`; KeyError if there is none."""
        for brk in self.breaks:
            if brk.name == name:
                return brk
        raise KeyError(name)


def reflow(text: str) -> str:
    """Text from a YAML block with its line breaks undone: single newlines become spaces,
    blank lines stay paragraph breaks, and list lines ("- ...") keep their own line."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    out: list[str] = []
    for paragraph in paragraphs:
        lines: list[str] = []
        for raw in paragraph.splitlines():
            line = raw.strip()
            if not line:
                continue
            if lines and not re.match(r"^([-*\u2022]|\d+[.)])\s", line):
                lines[-1] += " " + line
            else:
                lines.append(line)
        out.append("\n".join(lines))
    return "\n\n".join(p for p in out if p)
