"""Adherence, sitting and symptom maths for the reports. Pure: a list of events in, numbers out.

Definitions (the same for the terminal report, the exports and the physio's HTML report):

- A *prompt* here is a snooze chain (events sharing `series`), counted once by its final outcome:
  done, taken (got up without answering), skipped, missed, or snoozed when the chain never got a
  final answer. Each snooze answer of the chain is counted separately in `snoozes`. A chain
  belongs to the day of its last outcome (events in time order; ties keep log order), so a
  chain snoozed on Monday and done on Tuesday is one done prompt on Tuesday with one snooze.
  Adherence is done / prompted.
- Sitting comes from ended bouts (`BoutEnded`), on the day the bout started. A bout "over 30" or
  "over 60" minutes is strictly longer than that.
- Pain is the neck check-in (0-10); headache the daily check-in (none/mild/moderate/severe).
- An exercise is *flagged* when a neck check-in after a break that included it is higher than the
  previous neck check-in, or at least `FLAG_PAIN_AT` (7).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from deskbreak.core.events import (
    HEADACHE_LEVELS,
    BoutEnded,
    CheckinAnswered,
    Event,
    Outcome,
    ProgrammeLoaded,
    PromptOutcome,
)
from deskbreak.core.units import format_duration

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

    def count(self, outcome: Outcome, snoozes: int, prompts: int = 1) -> None:
        """Add `prompts` prompts that ended with `outcome` after `snoozes` snooze answers."""
        self.prompted += prompts
        self.snoozes += snoozes
        if outcome is Outcome.DONE:
            self.done += prompts
        elif outcome is Outcome.TAKEN:
            self.taken += prompts
        elif outcome is Outcome.SKIPPED:
            self.skipped += prompts
        elif outcome is Outcome.SNOOZED:
            self.snoozed += prompts
        else:
            self.missed += prompts


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
    #: Neck check-ins that day: how many, their sum and the worst (highest) one.
    neck_answers: int = 0
    neck_total: int = 0
    neck_worst: int | None = None
    #: The worst headache answer that day, if asked.
    headache: str | None = None

    @property
    def neck_mean(self) -> float | None:
        return self.neck_total / self.neck_answers if self.neck_answers else None


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
    #: How many neck and headache answers the period has.
    pain_answers: int
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


#: Snooze chains counted by one key (a day, a break name, or an exercise list) and final outcome:
#: (key, outcome, chains, snooze answers in those chains).
ChainCount = tuple[Any, Outcome, int, int]


@dataclass
class Facts:
    """What the report is computed from: the log reduced to what counts for one period.
    `facts_from_events` builds it from events; the SQLite store builds the same in SQL."""

    #: Chains whose last outcome falls in the period, counted per day, per break, per exercises.
    chains_by_day: list[ChainCount]
    chains_by_break: list[ChainCount]
    chains_by_exercises: list[ChainCount]
    #: Ended bouts that started in the period, as (start day, seconds), in log order.
    bouts: list[tuple[date, int]]
    #: Neck answers in the period per day: (day, answers, total, worst).
    neck_days: list[tuple[date, int, int, int]]
    #: Neck answers in the period after a break, that are worse than the previous answer or at
    #: least FLAG_PAIN_AT: (at, value, previous value, exercises of the break), in log order.
    neck_flags: list[tuple[datetime, int, int | None, tuple[str, ...]]]
    #: Headache answers (valid levels) in the period, as (day, level), in log order.
    headaches: list[tuple[date, str]]
    #: ProgrammeLoaded events up to the end of the period, as (at, title, hash), in log order.
    programmes: list[tuple[datetime, str, str]]


@dataclass
class _Chain:
    outcome: Outcome
    day: date
    break_name: str
    exercises: tuple[str, ...]
    snoozes: int = 0


def summarise(events: Iterable[Event], period: Period) -> Report:
    """The report for `period` from the log's events in time order. Events before and after the
    period only matter for what happened in it: the neck answer before its first one, and the
    end of a snooze chain that started in it."""
    return summarise_facts(facts_from_events(events, period), period)


def facts_from_events(events: Iterable[Event], period: Period) -> Facts:
    """Reduce the log's `events` (in time order) to the facts the report of `period` needs."""
    chains: dict[int, _Chain] = {}
    bouts: list[tuple[date, int]] = []
    neck_days: dict[date, list[int]] = {}
    neck_flags: list[tuple[datetime, int, int | None, tuple[str, ...]]] = []
    previous_neck: int | None = None
    headaches: list[tuple[date, str]] = []
    programmes: list[tuple[datetime, str, str]] = []
    first = period.first
    last = period.last
    for event in events:
        if isinstance(event, PromptOutcome):
            chain = chains.get(event.series)
            if chain is None:
                chain = chains[event.series] = _Chain(
                    event.outcome, event.at.date(), event.break_name, event.exercises
                )
            else:
                chain.outcome = event.outcome
                chain.day = event.at.date()
                chain.break_name = event.break_name
                chain.exercises = event.exercises
            if event.outcome is Outcome.SNOOZED:
                chain.snoozes += 1
        elif isinstance(event, BoutEnded):
            day = event.start.date()
            if first <= day <= last:
                bouts.append((day, event.seconds))
        elif isinstance(event, CheckinAnswered):
            day = event.at.date()
            if event.question == "neck":
                value = pain_value(event.value)
                if value is None or day > last:
                    continue
                if day >= first:
                    answers = neck_days.setdefault(day, [0, 0, value])
                    answers[0] += 1
                    answers[1] += value
                    answers[2] = max(answers[2], value)
                    if event.exercises and flag_reason(value, previous_neck):
                        neck_flags.append((event.at, value, previous_neck, event.exercises))
                previous_neck = value
            elif event.question == "headache" and first <= day <= last:
                level = str(event.value)
                if level in HEADACHE_LEVELS:
                    headaches.append((day, level))
        elif isinstance(event, ProgrammeLoaded) and event.at.date() <= last:
            programmes.append((event.at, event.title, event.programme_hash))

    by_day: dict[tuple[Any, Outcome], list[int]] = {}
    by_break: dict[tuple[Any, Outcome], list[int]] = {}
    by_exercises: dict[tuple[Any, Outcome], list[int]] = {}
    for chain in chains.values():
        if not first <= chain.day <= last:
            continue
        for counts, key in ((by_day, chain.day), (by_break, chain.break_name),
                            (by_exercises, chain.exercises)):
            tally = counts.setdefault((key, chain.outcome), [0, 0])
            tally[0] += 1
            tally[1] += chain.snoozes
    return Facts(
        chains_by_day=[(k, o, n, z) for (k, o), (n, z) in by_day.items()],
        chains_by_break=[(k, o, n, z) for (k, o), (n, z) in by_break.items()],
        chains_by_exercises=[(k, o, n, z) for (k, o), (n, z) in by_exercises.items()],
        bouts=bouts,
        neck_days=[(day, n, total, worst) for day, (n, total, worst) in sorted(neck_days.items())],
        neck_flags=neck_flags,
        headaches=headaches,
        programmes=programmes,
    )


def summarise_facts(facts: Facts, period: Period) -> Report:
    """The report for `period` from its facts."""
    days = {day: DaySummary(day) for day in period.days}
    total = Tally()
    for day, outcome, n, snoozes in facts.chains_by_day:
        total.count(outcome, snoozes, n)
        days[day].prompts.count(outcome, snoozes, n)
    breaks: dict[str, Tally] = {}
    for name, outcome, n, snoozes in facts.chains_by_break:
        breaks.setdefault(name, Tally()).count(outcome, snoozes, n)
    exercises: dict[str, Tally] = {}
    for names, outcome, n, snoozes in facts.chains_by_exercises:
        for exercise in dict.fromkeys(names):
            exercises.setdefault(exercise, Tally()).count(outcome, snoozes, n)

    sitting = Sitting()
    for day, seconds in facts.bouts:
        sitting.add(seconds)
        summary = days[day]
        summary.sitting.add(seconds)
        summary.bout_seconds.append(seconds)

    for day, answers, answers_total, worst in facts.neck_days:
        summary = days[day]
        summary.neck_answers = answers
        summary.neck_total = answers_total
        summary.neck_worst = worst

    flags = [
        Flag(exercise, at, value, previous, flag_reason(value, previous))
        for at, value, previous, names in facts.neck_flags
        for exercise in dict.fromkeys(names)
    ]

    for day, level in facts.headaches:
        current = days[day].headache
        if current is None or _headache_score(level) > _headache_score(current):
            days[day].headache = level

    programmes: list[ProgrammeSeen] = []
    for at, title, programme_hash in facts.programmes:
        if at.date() < period.first:
            # The programme in force when the period began.
            programmes[:] = [ProgrammeSeen(title, programme_hash, at)]
        elif not programmes or programmes[-1].programme_hash != programme_hash:
            programmes.append(ProgrammeSeen(title, programme_hash, at))

    headache_scores = [(day, _headache_score(level), 1) for day, level in facts.headaches]
    return Report(
        period=period,
        days=[days[d] for d in sorted(days)],
        total=total,
        sitting=sitting,
        exercises=dict(sorted(exercises.items())),
        breaks=dict(sorted(breaks.items())),
        pain_answers=sum(answers for _, answers, _, _ in facts.neck_days),
        headaches=list(facts.headaches),
        pain_trend=trend([(day, total, answers) for day, answers, total, _ in facts.neck_days]),
        headache_trend=trend(headache_scores),
        flags=flags,
        programmes=programmes,
    )


def trend(points: list[tuple[date, int, int]]) -> Trend:
    """Mean answer on the earlier half of the answered days vs the later half (a middle day of
    an odd count is left out). `points` are (day, sum of answers, number of answers)."""
    by_day: dict[date, list[int]] = {}
    for day, value_sum, answers in points:
        totals = by_day.setdefault(day, [0, 0])
        totals[0] += value_sum
        totals[1] += answers
    ordered = sorted(by_day)
    answers_total = sum(n for _, n in by_day.values())
    if len(ordered) < 2:
        return Trend(None, None, answers_total)
    half = len(ordered) // 2

    def mean(days: list[date]) -> float:
        return sum(by_day[d][0] for d in days) / sum(by_day[d][1] for d in days)

    return Trend(mean(ordered[:half]), mean(ordered[len(ordered) - half:]), answers_total)


def pain_value(value: int | str) -> int | None:
    """A neck answer as 0-10, or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 0 <= value <= 10:
        return value
    return None


def flag_reason(value: int, previous: int | None) -> str:
    """Why a neck answer after a break flags its exercises; empty when it does not."""
    if previous is not None and value > previous:
        return f"neck {value}/10 after the break, up from {previous}"
    if value >= FLAG_PAIN_AT:
        return f"neck {value}/10 after the break"
    return ""


def _headache_score(level: str) -> int:
    return HEADACHE_LEVELS.index(level)


def summarise_today(events: Sequence[Event]) -> str:
    """A few lines about one day for the tray's "today" message, from that day's events in time
    order (the day is that of the latest event)."""
    if not events:
        return "Nothing recorded today yet."
    day = max(event.at for event in events).date()
    report = summarise(events, Period(day, day))
    t = report.total
    s = report.sitting
    if t.prompted:
        lines = [f"{t.done} of {t.prompted} prompts done ({round(100 * t.done / t.prompted)}%)"
                 + "".join(f", {n} {what}" for n, what in (
                     (t.taken, "taken by getting up"), (t.skipped, "skipped"),
                     (t.missed, "missed"), (t.snoozed, "still snoozed")) if n)]
    else:
        lines = ["No prompts yet today."]
    if s.bouts:
        lines.append(f"Sitting {format_duration(s.seconds)} in {s.bouts} "
                     f"bout{'s' if s.bouts != 1 else ''}, longest {format_duration(s.longest_seconds)}"
                     + (f", {s.over_60} over an hour" if s.over_60 else ""))
    flagged = report.flagged_exercises()
    if flagged:
        lines.append("Neck worse after: " + ", ".join(flagged))
    return "\n".join(lines)
