"""Adherence, sitting and symptom maths for the reports. Pure: a list of events in, numbers out.

Definitions (the same for the terminal report, the exports and the physio's HTML report):

- A *prompt* here is a snooze chain (events sharing `series`), counted once by its final outcome:
  done, taken (got up without answering), skipped, missed, or snoozed when the chain never got a
  final answer. Each snooze answer is counted separately in `snoozes`. A chain belongs to the day
  of its last outcome. Adherence is done / prompted.
- Sitting comes from ended bouts (`BoutEnded`), on the day the bout started. A bout "over 30" or
  "over 60" minutes is strictly longer than that.
- Pain is the neck check-in (0-10); headache the daily check-in (none/mild/moderate/severe).
- An exercise is *flagged* when a neck check-in after a break that included it is higher than the
  previous neck check-in, or at least `FLAG_PAIN_AT` (7).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from deskbreak.core.events import (
    HEADACHE_LEVELS,
    BoutEnded,
    CheckinAnswered,
    Event,
    Outcome,
    ProgrammeLoaded,
    PromptOutcome,
    PromptShown,
)

#: A neck check-in at or above this flags the exercises of the break before it.
FLAG_PAIN_AT = 7
#: Bout lengths that the sitting studies report: bouts longer than 30 and 60 minutes.
LONG_BOUT_SECONDS = 30 * 60
VERY_LONG_BOUT_SECONDS = 60 * 60
#: A trend moves less than this (points on its scale) between the halves of the period: "steady".
TREND_THRESHOLD = 0.5
#: The event kinds the report needs; a store can fetch just these.
REPORT_KINDS = (
    PromptOutcome.KIND,
    BoutEnded.KIND,
    CheckinAnswered.KIND,
    ProgrammeLoaded.KIND,
)


@dataclass(frozen=True)
class Period:
    """Calendar days from `first` to `last`, both included, in the events' own local time."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"period ends ({self.last}) before it starts ({self.first})")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last

    @property
    def days(self) -> tuple[date, ...]:
        """Every day of the period, in order."""
        count = (self.last - self.first).days + 1
        return tuple(self.first + timedelta(days=i) for i in range(count))

    @classmethod
    def ending(cls, last: date, days: int) -> Period:
        """The `days` days up to and including `last`."""
        if days < 1:
            raise ValueError("a period has at least one day")
        return cls(last - timedelta(days=days - 1), last)


@dataclass
class Tally:
    """Prompts (snooze chains) by final outcome, plus the snooze answers along the way."""

    prompted: int = 0
    done: int = 0
    taken: int = 0
    skipped: int = 0
    snoozed: int = 0
    missed: int = 0
    snoozes: int = 0

    @property
    def adherence(self) -> float | None:
        """Done / prompted, or None when nothing was prompted."""
        return self.done / self.prompted if self.prompted else None

    def count(self, outcome: Outcome, snoozes: int) -> None:
        """Add one prompt that ended with `outcome` after `snoozes` snooze answers."""
        self.prompted += 1
        self.snoozes += snoozes
        if outcome is Outcome.DONE:
            self.done += 1
        elif outcome is Outcome.TAKEN:
            self.taken += 1
        elif outcome is Outcome.SKIPPED:
            self.skipped += 1
        elif outcome is Outcome.SNOOZED:
            self.snoozed += 1
        else:
            self.missed += 1


@dataclass
class Sitting:
    """Sitting bouts: how many, how long in total, the longest, and the long ones."""

    bouts: int = 0
    seconds: int = 0
    longest_seconds: int = 0
    over_30: int = 0
    over_60: int = 0

    def add(self, seconds: int) -> None:
        self.bouts += 1
        self.seconds += seconds
        self.longest_seconds = max(self.longest_seconds, seconds)
        if seconds > LONG_BOUT_SECONDS:
            self.over_30 += 1
        if seconds > VERY_LONG_BOUT_SECONDS:
            self.over_60 += 1


@dataclass
class DaySummary:
    """One calendar day."""

    day: date
    prompts: Tally = field(default_factory=Tally)
    sitting: Sitting = field(default_factory=Sitting)
    #: Every bout length that day, in seconds, in order (for charts).
    bout_seconds: list[int] = field(default_factory=list)
    neck: list[int] = field(default_factory=list)
    #: The worst headache answer that day, if asked.
    headache: str | None = None

    @property
    def neck_mean(self) -> float | None:
        return sum(self.neck) / len(self.neck) if self.neck else None


@dataclass(frozen=True)
class Flag:
    """A neck check-in that flags an exercise of the break before it."""

    exercise: str
    at: datetime
    value: int
    previous: int | None
    reason: str


@dataclass(frozen=True)
class Trend:
    """How a symptom moved: mean of the first half of the period's answers vs the second half."""

    first_mean: float | None
    second_mean: float | None
    answers: int

    @property
    def change(self) -> float | None:
        if self.first_mean is None or self.second_mean is None:
            return None
        return self.second_mean - self.first_mean

    @property
    def words(self) -> str:
        """"better", "worse", "steady", or "not enough answers"."""
        change = self.change
        if change is None:
            return "not enough answers"
        if change <= -TREND_THRESHOLD:
            return "better"
        if change >= TREND_THRESHOLD:
            return "worse"
        return "steady"


@dataclass(frozen=True)
class ProgrammeSeen:
    """A programme that was in force during the period."""

    title: str
    programme_hash: str
    since: datetime


@dataclass
class Report:
    """Everything the reports show for one period."""

    period: Period
    days: list[DaySummary]
    total: Tally
    sitting: Sitting
    exercises: dict[str, Tally]
    breaks: dict[str, Tally]
    pain: list[tuple[datetime, int]]
    headaches: list[tuple[date, str]]
    pain_trend: Trend
    headache_trend: Trend
    flags: list[Flag]
    programmes: list[ProgrammeSeen]

    def flagged_exercises(self) -> dict[str, list[Flag]]:
        """Flags grouped by exercise, exercises in order of their first flag."""
        grouped: dict[str, list[Flag]] = {}
        for flag in self.flags:
            grouped.setdefault(flag.exercise, []).append(flag)
        return grouped


@dataclass
class _Chain:
    outcome: Outcome
    day: date
    break_name: str
    exercises: tuple[str, ...]
    snoozes: int = 0


def summarise(events: Iterable[Event], period: Period) -> Report:
    """The report for `period` from `events` in time order. Events outside the period are ignored,
    except that neck check-ins before it count as the "previous" answer for flagging."""
    days = {day: DaySummary(day) for day in period.days}
    chains: dict[int, _Chain] = {}
    neck: list[tuple[datetime, int]] = []
    headaches: list[tuple[date, str]] = []
    flags: list[Flag] = []
    programmes: list[ProgrammeSeen] = []
    sitting = Sitting()
    previous_neck: int | None = None
    first = period.first
    last = period.last

    for event in events:
        if isinstance(event, PromptOutcome):
            day = event.at.date()
            if not first <= day <= last:
                continue
            chain = chains.get(event.series)
            snoozed = event.outcome is Outcome.SNOOZED
            if chain is None:
                chain = chains[event.series] = _Chain(
                    event.outcome, day, event.break_name, event.exercises
                )
            else:
                chain.outcome = event.outcome
                chain.day = day
                chain.break_name = event.break_name
                chain.exercises = event.exercises
            if snoozed:
                chain.snoozes += 1
        elif isinstance(event, BoutEnded):
            day = event.start.date()
            if day in days:
                seconds = event.seconds
                sitting.add(seconds)
                summary = days[day]
                summary.sitting.add(seconds)
                summary.bout_seconds.append(seconds)
        elif isinstance(event, CheckinAnswered):
            day = event.at.date()
            inside = first <= day <= last
            if event.question == "neck":
                value = _pain_value(event.value)
                if value is None:
                    continue
                if inside:
                    neck.append((event.at, value))
                    days[day].neck.append(value)
                    if event.exercises:
                        reason = _flag_reason(value, previous_neck)
                        if reason:
                            flags.extend(
                                Flag(ex, event.at, value, previous_neck, reason)
                                for ex in dict.fromkeys(event.exercises)
                            )
                if day <= last:
                    previous_neck = value
            elif event.question == "headache" and inside:
                level = str(event.value)
                if level in HEADACHE_LEVELS:
                    headaches.append((day, level))
                    current = days[day].headache
                    if current is None or _headache_score(level) > _headache_score(current):
                        days[day].headache = level
        elif isinstance(event, (ProgrammeLoaded, PromptShown)):
            title = event.title if isinstance(event, ProgrammeLoaded) else event.programme_title
            if event.at.date() > last:
                continue
            if event.at.date() < first:
                # The programme in force when the period began.
                programmes[:] = [ProgrammeSeen(title, event.programme_hash, event.at)]
            elif not programmes or programmes[-1].programme_hash != event.programme_hash:
                programmes.append(ProgrammeSeen(title, event.programme_hash, event.at))

    total = Tally()
    exercises: dict[str, Tally] = {}
    breaks: dict[str, Tally] = {}
    for chain in chains.values():
        total.count(chain.outcome, chain.snoozes)
        days[chain.day].prompts.count(chain.outcome, chain.snoozes)
        breaks.setdefault(chain.break_name, Tally()).count(chain.outcome, chain.snoozes)
        for exercise in dict.fromkeys(chain.exercises):
            exercises.setdefault(exercise, Tally()).count(chain.outcome, chain.snoozes)

    headache_scores = [(day, float(_headache_score(level))) for day, level in headaches]
    return Report(
        period=period,
        days=[days[d] for d in sorted(days)],
        total=total,
        sitting=sitting,
        exercises=dict(sorted(exercises.items())),
        breaks=dict(sorted(breaks.items())),
        pain=neck,
        headaches=headaches,
        pain_trend=trend([(at.date(), float(v)) for at, v in neck]),
        headache_trend=trend(headache_scores),
        flags=flags,
        programmes=programmes,
    )


def trend(points: list[tuple[date, float]]) -> Trend:
    """Mean of the answers on the earlier half of the answered days vs the later half."""
    by_day: dict[date, list[float]] = {}
    for day, value in points:
        by_day.setdefault(day, []).append(value)
    ordered = sorted(by_day)
    if len(ordered) < 2:
        return Trend(None, None, len(points))
    half = len(ordered) // 2
    early = [v for d in ordered[:half] for v in by_day[d]]
    late = [v for d in ordered[len(ordered) - half:] for v in by_day[d]]
    return Trend(sum(early) / len(early), sum(late) / len(late), len(points))


def _pain_value(value: int | str) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 0 <= value <= 10:
        return value
    return None


def _flag_reason(value: int, previous: int | None) -> str:
    if previous is not None and value > previous:
        return f"neck {value}/10 after the break, up from {previous}"
    if value >= FLAG_PAIN_AT:
        return f"neck {value}/10 after the break"
    return ""


def _headache_score(level: str) -> int:
    return HEADACHE_LEVELS.index(level)
