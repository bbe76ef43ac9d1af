"""The headache diary: one entry a day, days off included, with a catch-up for missed days.

An entry records the day's worst headache as an intensity from 0 (none) to 10, how long it
lasted, and whether painkillers were taken. Older logs hold one word a day (none, mild,
moderate, severe); `from_level` reads those on the same scale, with duration and painkillers
unknown, so old and new answers report together. Pure: callers pass the dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from deskbreak.core.events import (
    DIARY_DURATIONS,
    HEADACHE_LEVELS,
    CheckinAnswered,
    Event,
    HeadacheDiary,
)

#: Headache intensity runs from 0 (no headache) to this.
MAX_INTENSITY = 10
#: The old one-word answers on the 0-10 scale: the middle of the usual bands
#: (mild 1-3, moderate 4-6, severe 7-10).
LEVEL_INTENSITY = {"none": 0, "mild": 2, "moderate": 5, "severe": 8}
#: At the next start, missed days are asked about back to this many days (older ones are too
#: far back to remember well).
CATCH_UP_DAYS = 7


@dataclass(frozen=True)
class DiaryDay:
    """One day's headache as the reports use it, from a diary entry or an old one-word answer."""

    day: date
    intensity: int
    duration: str | None = None
    painkillers: bool | None = None
    #: The old one-word answer this day came from (None for a diary entry).
    level: str | None = None

    @property
    def headache(self) -> bool:
        return self.intensity > 0


def entry_from_answer(at: datetime, answer: Mapping[str, Any]) -> HeadacheDiary:
    """A diary entry from a window's answer {"day", "intensity", "duration", "painkillers"}.
    `day` defaults to the day of `at`. Raises ValueError naming what is wrong."""
    day_text = answer.get("day") or at.date().isoformat()
    try:
        day = date.fromisoformat(str(day_text))
    except ValueError:
        raise ValueError(f"headache day must be a date like 2026-12-01, not {day_text!r}") \
            from None
    if day > at.date():
        raise ValueError("a headache diary entry cannot be about a day still to come")
    intensity = answer.get("intensity")
    if not isinstance(intensity, int) or isinstance(intensity, bool) \
            or not 0 <= intensity <= MAX_INTENSITY:
        raise ValueError(f"headache intensity must be a whole number 0-{MAX_INTENSITY}")
    duration = answer.get("duration")
    if duration is not None and duration not in DIARY_DURATIONS:
        raise ValueError(f"headache duration must be one of {', '.join(DIARY_DURATIONS)}")
    painkillers = answer.get("painkillers")
    if painkillers is not None and not isinstance(painkillers, bool):
        raise ValueError("painkillers must be true or false")
    if intensity == 0:
        duration = None  # no headache has no length
    return HeadacheDiary(at=at, day=day.isoformat(), intensity=intensity, duration=duration,
                         painkillers=painkillers)


def from_level(day: date, level: str) -> DiaryDay | None:
    """An old one-word answer as a diary day; None for a word that is not a level."""
    if level not in HEADACHE_LEVELS:
        return None
    return DiaryDay(day, LEVEL_INTENSITY[level], level=level)


def from_entry(entry: HeadacheDiary) -> DiaryDay | None:
    """A diary entry as a diary day; None when its day is unreadable."""
    try:
        day = date.fromisoformat(entry.day)
    except ValueError:
        return None
    return DiaryDay(day, entry.intensity, entry.duration, entry.painkillers)


def merge_days(days: Iterable[DiaryDay]) -> dict[date, DiaryDay]:
    """One entry per day: the last answer given about a day wins (a correction replaces it)."""
    merged: dict[date, DiaryDay] = {}
    for entry in days:
        merged[entry.day] = entry
    return merged


def missed_days(answered: Iterable[date], today: date, first_use: date | None,
                limit: int = CATCH_UP_DAYS) -> list[date]:
    """Days before `today`, back to `limit` days and not before `first_use` (when deskbreak was
    first used), with no diary answer: the catch-up questions to ask at the next start, oldest
    first."""
    known = set(answered)
    start = today - timedelta(days=limit)
    if first_use is not None:
        start = max(start, first_use)
    days: list[date] = []
    day = start
    while day < today:
        if day not in known:
            days.append(day)
        day += timedelta(days=1)
    return days


@dataclass(frozen=True)
class DiaryGaps:
    """What the log says about the headache diary at start-up."""

    #: The earlier days to ask about, oldest first (days off included).
    missed: list[date]
    #: Whether today already has an answer (a restart must not ask again).
    today_answered: bool


def diary_gaps(events: Iterable[Event], today: date, limit: int = CATCH_UP_DAYS) -> DiaryGaps:
    """From the log's recent `events` in time order: the earlier days since the first event,
    up to `limit` days back, with no diary entry and no older one-word answer; and whether
    today is answered."""
    answered: set[date] = set()
    first: date | None = None
    for event in events:
        if first is None:
            first = event.at.date()
        if isinstance(event, HeadacheDiary):
            entry = from_entry(event)
            if entry is not None:
                answered.add(entry.day)
        elif isinstance(event, CheckinAnswered) and event.question == "headache":
            answered.add(event.at.date())
    missed = [] if first is None else missed_days(answered, today, first, limit)
    return DiaryGaps(missed, today in answered)


def diary_request(days: Iterable[date]) -> dict[str, Any]:
    """The check-in window's request for these days (ui/checkin_window.py)."""
    return {"question": "headache", "days": [d.isoformat() for d in sorted(set(days))]}
