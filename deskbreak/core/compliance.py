"""Adherence, sitting and symptom maths for the reports. Pure: a list of events in, numbers out.

Definitions (the same for the terminal report, the exports and the physio's HTML report):

- A *prompt* here is a snooze chain (events sharing `series`), counted once by its final outcome:
  done, partly done (a guided break stopped after at least one exercise), stopped (before any),
  taken (got up without answering), skipped, missed, or snoozed when the chain never got a
  final answer. Partly done is counted apart from done, never as done. Each snooze answer of the chain is counted separately in `snoozes`. A chain
  belongs to the day of its last outcome (events in time order; ties keep log order), so a
  chain snoozed on Monday and done on Tuesday is one done prompt on Tuesday with one snooze.
  Adherence is done / prompted.
- Sitting comes from ended bouts (`BoutEnded`), on the day the bout started. A bout "over 30" or
  "over 60" minutes is strictly longer than that.
- Pain is the neck check-in after a break (0-10). The *neck trend* compares the mean of the
  daily means in the first and second half of the period (a middle day of an odd count is left
  out). It is a clear change only when it moves by at least `CLEAR_CHANGE_POINTS` (2) points AND
  `CLEAR_CHANGE_FRACTION` (30 %) of the first half, with answers on at least
  `TREND_MIN_DAYS` (4) different days in each half; otherwise "no clear change", or "not enough
  answers".
- Headache is the daily diary (intensity 0-10, how long, painkillers; see core/diary.py), with
  older one-word answers read on the same scale. The *headache trend* compares headache days per
  week and the mean intensity on headache days between the halves, with the same thresholds.
- A *clear rise* is a neck rating after a break at least `CLEAR_RISE_POINTS` (2) above the
  rating given just before that break, or, without one, above the previous rating that day.
  An exercise is *flagged* when it was in the break before a clear rise at least
  `FLAG_MIN_RISES` (2) times; an eye break or a walk (`NEVER_FLAGGED`) never is.
- The *review banner* says "Review due" when the programme's review date has passed, after
  `REVIEW_AFTER_DAYS` (21) days of prompts at `REASONABLE_ADHERENCE` (50 %) or more with no
  clear change in neck pain, or after any safety event (a screening answered) in the period.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from deskbreak.core.diary import DiaryDay, from_entry, from_level, merge_days
from deskbreak.core.events import (
    HEADACHE_LEVELS,
    BoutEnded,
    CheckinAnswered,
    Event,
    HeadacheDiary,
    Outcome,
    ProgrammeLoaded,
    PromptOutcome,
    SafetyAdvice,
    Screening,
    ScreeningDue,
    pain_value,
)
from deskbreak.core.units import format_duration

#: A neck rating at or above this is high (kept for the store's flag query; see flag_reason).
FLAG_PAIN_AT = 7
#: A rise of at least this many points after a break is a clear rise.
CLEAR_RISE_POINTS = 2
#: An exercise is flagged after this many clear rises following a break that included it.
FLAG_MIN_RISES = 2
#: Exercises never flagged: looking into the distance and walking do not hurt a neck.
NEVER_FLAGGED = frozenset({"eye-break", "stand-and-walk", "workstation-check"})
#: A change is clear when it is at least this many points (0-10) AND this fraction of the start.
CLEAR_CHANGE_POINTS = 2.0
CLEAR_CHANGE_FRACTION = 0.3
#: Headache days a week must change by at least this many days (and the fraction) to count.
CLEAR_CHANGE_HEADACHE_DAYS = 1.0
#: A trend needs answers on at least this many different days in each half of the period.
TREND_MIN_DAYS = 4
#: The review banner's second cause: this many days of prompts at this adherence or more,
#: with no clear change. (Physios review after three or four sessions without change.)
REVIEW_AFTER_DAYS = 21
REASONABLE_ADHERENCE = 0.5
#: Painkillers on this many days a month or more: the usual caution about frequent use.
FREQUENT_PAINKILLER_DAYS_PER_MONTH = 10
#: Diary intensity bands as the old words (for the daily tables and older consumers).
_INTENSITY_WORDS = ((0, "none"), (3, "mild"), (6, "moderate"), (10, "severe"))
#: Bout lengths that the sitting studies report: bouts longer than 30 and 60 minutes.
LONG_BOUT_SECONDS = 30 * 60
VERY_LONG_BOUT_SECONDS = 60 * 60
#: The event kinds the report needs; a store can fetch just these.
REPORT_KINDS = (
    PromptOutcome.KIND,
    BoutEnded.KIND,
    CheckinAnswered.KIND,
    ProgrammeLoaded.KIND,
    HeadacheDiary.KIND,
    ScreeningDue.KIND,
    Screening.KIND,
    SafetyAdvice.KIND,
)
#: The few, small events the clinical parts of the report read one by one (a store that reduces
#: the rest in SQL fetches these with `events(kinds=CLINICAL_KINDS)`).
CLINICAL_KINDS = (
    CheckinAnswered.KIND,
    HeadacheDiary.KIND,
    ScreeningDue.KIND,
    Screening.KIND,
    SafetyAdvice.KIND,
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
    #: Guided breaks stopped part-way (at least one exercise finished) and before any.
    partial: int = 0
    stopped: int = 0
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
        elif outcome is Outcome.PARTIAL:
            self.partial += prompts
        elif outcome is Outcome.STOPPED:
            self.stopped += prompts
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
    #: The day's headache as a word (none, mild, moderate, severe), if answered.
    headache: str | None = None
    #: The day's headache diary: intensity 0-10, how long, painkillers (None: not said).
    headache_intensity: int | None = None
    headache_duration: str | None = None
    painkillers: bool | None = None
    #: True when the day's answer is an old one-word answer (no intensity of its own).
    headache_word_only: bool = False

    @property
    def neck_mean(self) -> float | None:
        return self.neck_total / self.neck_answers if self.neck_answers else None


@dataclass(frozen=True)
class Flag:
    """One clear rise after a break that included `exercise` (reported only for exercises with
    at least FLAG_MIN_RISES of them). `previous` is what it rose from."""

    exercise: str
    at: datetime
    value: int
    previous: int | None
    reason: str


def clear_change(first: float, second: float, points: float = CLEAR_CHANGE_POINTS) -> int:
    """-1 (clearly lower), 1 (clearly higher) or 0: a move of at least `points` AND at least
    CLEAR_CHANGE_FRACTION of `first`."""
    change = second - first
    if abs(change) < points or abs(change) < CLEAR_CHANGE_FRACTION * abs(first):
        return 0
    return 1 if change > 0 else -1


@dataclass(frozen=True)
class Trend:
    """How a symptom moved: the first half of the period against the second half."""

    first_mean: float | None
    second_mean: float | None
    answers: int
    #: Days with answers in each half (the rule needs TREND_MIN_DAYS in both).
    first_days: int = 0
    second_days: int = 0
    #: For headaches: headache days a week in each half (None for neck pain).
    first_per_week: float | None = None
    second_per_week: float | None = None

    @property
    def change(self) -> float | None:
        if self.first_mean is None or self.second_mean is None:
            return None
        return self.second_mean - self.first_mean

    @property
    def enough(self) -> bool:
        return min(self.first_days, self.second_days) >= TREND_MIN_DAYS

    @property
    def direction(self) -> int:
        """-1 better, 1 worse, 0 no clear change (or not enough answers)."""
        if not self.enough:
            return 0
        moves = []
        if self.first_mean is not None and self.second_mean is not None:
            moves.append(clear_change(self.first_mean, self.second_mean))
        if self.first_per_week is not None and self.second_per_week is not None:
            moves.append(clear_change(self.first_per_week, self.second_per_week,
                                      CLEAR_CHANGE_HEADACHE_DAYS))
        if any(m > 0 for m in moves) and any(m < 0 for m in moves):
            return 0  # fewer headaches but stronger ones, or the other way: not clear
        return max(moves, key=abs, default=0)

    @property
    def words(self) -> str:
        """"better", "worse", "no clear change", or "not enough answers"."""
        if not self.enough:
            return "not enough answers"
        return {-1: "better", 1: "worse", 0: "no clear change"}[self.direction]


@dataclass(frozen=True)
class PainPair:
    """Neck ratings just before and just after one guided break."""

    at: datetime
    before: int
    after: int
    exercises: tuple[str, ...]


@dataclass
class BeforeAfter:
    """An exercise's before/after pairs: how many, and the mean rating before and after."""

    pairs: int = 0
    before_total: int = 0
    after_total: int = 0

    @property
    def before_mean(self) -> float | None:
        return self.before_total / self.pairs if self.pairs else None

    @property
    def after_mean(self) -> float | None:
        return self.after_total / self.pairs if self.pairs else None


@dataclass(frozen=True)
class HeadacheSummary:
    """The headache diary over the period."""

    #: Days with an answer, days with a headache, days with painkillers.
    answered_days: int = 0
    headache_days: int = 0
    painkiller_days: int = 0
    #: Mean intensity (0-10) on headache days; None without headache days.
    mean_intensity: float | None = None
    #: How long the headaches lasted: duration -> days.
    durations: tuple[tuple[str, int], ...] = ()
    #: Days in the period (for the rates).
    period_days: int = 0
    #: Days with an answer about painkillers (older one-word answers have none).
    painkiller_answers: int = 0

    @property
    def per_week(self) -> float | None:
        """Headache days a week, over the days answered."""
        return 7 * self.headache_days / self.answered_days if self.answered_days else None

    @property
    def painkiller_days_per_month(self) -> float | None:
        """Painkiller days in 30, over the days with an answer about painkillers."""
        return (30 * self.painkiller_days / self.painkiller_answers
                if self.painkiller_answers else None)

    @property
    def painkillers_frequent(self) -> bool:
        """Painkillers on FREQUENT_PAINKILLER_DAYS_PER_MONTH days a month or more, counted on at
        least a week of answers (or that many days outright)."""
        if self.painkiller_days >= FREQUENT_PAINKILLER_DAYS_PER_MONTH:
            return True
        rate = self.painkiller_days_per_month
        return rate is not None and self.painkiller_answers >= 7 \
            and rate >= FREQUENT_PAINKILLER_DAYS_PER_MONTH


@dataclass(frozen=True)
class SafetyRecord:
    """One screening in the period: why it was asked and, if answered, what was said."""

    at: datetime
    trigger: str
    answered: bool
    any_yes: bool = False
    advice: str | None = None
    yes: tuple[str, ...] = ()
    neck_paused_until: datetime | None = None


@dataclass(frozen=True)
class Review:
    """The review banner: `due` with the reasons, in plain words."""

    due: bool
    reasons: tuple[str, ...] = ()


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
    #: Before/after neck ratings per exercise, and every pair.
    before_after: dict[str, BeforeAfter] = field(default_factory=dict)
    pain_pairs: list[PainPair] = field(default_factory=list)
    headache: HeadacheSummary = field(default_factory=HeadacheSummary)
    safety: list[SafetyRecord] = field(default_factory=list)
    #: Clear rises per exercise, flagged or not (the report explains the threshold).
    rises: dict[str, int] = field(default_factory=dict)
    review: Review = field(default_factory=lambda: Review(False))

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
    #: The clinical events of the period (CLINICAL_KINDS), in log order: neck ratings before and
    #: after breaks, diary entries (by the day they are about), screenings and safety advice.
    clinical: list[Event] = field(default_factory=list)


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
    clinical: list[Event] = []
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
        if event.KIND in CLINICAL_KINDS and _clinical_in(event, period):
            clinical.append(event)

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
        clinical=clinical,
    )


def clinical_events(events: Iterable[Event], period: Period) -> list[Event]:
    """The events of `events` that go into `Facts.clinical` for `period`."""
    return [e for e in events if e.KIND in CLINICAL_KINDS and _clinical_in(e, period)]


def _clinical_in(event: Event, period: Period) -> bool:
    if isinstance(event, HeadacheDiary):
        entry = from_entry(event)
        return entry is not None and entry.day in period
    return event.at.date() in period


def summarise_facts(facts: Facts, period: Period, review_date: date | None = None) -> Report:
    """The report for `period` from its facts. `review_date` is the programme's review date,
    for the review banner (judged as of the period's last day)."""
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

    pairs, rises = _pairs_and_rises(facts.clinical)
    rise_counts: dict[str, int] = {}
    for rise in rises:
        for exercise in dict.fromkeys(rise.exercises):
            if exercise not in NEVER_FLAGGED:
                rise_counts[exercise] = rise_counts.get(exercise, 0) + 1
    flags = [
        Flag(exercise, rise.at, rise.value, rise.previous, rise.reason)
        for rise in rises
        for exercise in dict.fromkeys(rise.exercises)
        if rise_counts.get(exercise, 0) >= FLAG_MIN_RISES
    ]
    before_after: dict[str, BeforeAfter] = {}
    for pair in pairs:
        for exercise in dict.fromkeys(pair.exercises):
            tally = before_after.setdefault(exercise, BeforeAfter())
            tally.pairs += 1
            tally.before_total += pair.before
            tally.after_total += pair.after

    diary = _diary_days(facts, period)
    for day, diary_day in diary.items():
        summary = days[day]
        summary.headache = diary_day.level or _intensity_word(diary_day.intensity)
        summary.headache_word_only = diary_day.level is not None
        summary.headache_intensity = diary_day.intensity
        summary.headache_duration = diary_day.duration
        summary.painkillers = diary_day.painkillers

    programmes: list[ProgrammeSeen] = []
    for at, title, programme_hash in facts.programmes:
        if at.date() < period.first:
            # The programme in force when the period began.
            programmes[:] = [ProgrammeSeen(title, programme_hash, at)]
        elif not programmes or programmes[-1].programme_hash != programme_hash:
            programmes.append(ProgrammeSeen(title, programme_hash, at))

    report = Report(
        period=period,
        days=[days[d] for d in sorted(days)],
        total=total,
        sitting=sitting,
        exercises=dict(sorted(exercises.items())),
        breaks=dict(sorted(breaks.items())),
        pain_answers=sum(answers for _, answers, _, _ in facts.neck_days),
        headaches=list(facts.headaches),
        pain_trend=neck_trend(period, [(day, total, answers)
                                       for day, answers, total, _ in facts.neck_days]),
        headache_trend=headache_trend(period, diary.values()),
        flags=flags,
        programmes=programmes,
        before_after=dict(sorted(before_after.items())),
        pain_pairs=pairs,
        headache=headache_summary(period, diary.values()),
        safety=safety_records(facts.clinical),
        rises=dict(sorted(rise_counts.items())),
    )
    report.review = review_banner(report, review_date)
    return report


def _halves(period: Period) -> tuple[tuple[date, ...], tuple[date, ...]]:
    """The period's first and second half (a middle day of an odd count belongs to neither)."""
    days = period.days
    half = len(days) // 2
    return days[:half], days[len(days) - half:]


def neck_trend(period: Period, points: Iterable[tuple[date, int, int]]) -> Trend:
    """Neck pain, first half of the period against the second: the mean of the daily means.
    `points` are (day, sum of answers, number of answers)."""
    by_day: dict[date, list[int]] = {}
    for day, value_sum, answers in points:
        totals = by_day.setdefault(day, [0, 0])
        totals[0] += value_sum
        totals[1] += answers
    first, second = _halves(period)

    def mean(days: tuple[date, ...]) -> tuple[float | None, int]:
        means = [by_day[d][0] / by_day[d][1] for d in days if d in by_day and by_day[d][1]]
        return (sum(means) / len(means) if means else None), len(means)

    (first_mean, first_days), (second_mean, second_days) = mean(first), mean(second)
    answers = sum(n for _, n in by_day.values())
    return Trend(first_mean, second_mean, answers, first_days, second_days)


def headache_trend(period: Period, diary: Iterable[DiaryDay]) -> Trend:
    """Headaches, first half of the period against the second: headache days a week (over the
    days answered) and the mean intensity on headache days."""
    by_day = {entry.day: entry for entry in diary}
    first, second = _halves(period)

    def half(days: tuple[date, ...]) -> tuple[float | None, int, float | None]:
        answered = [by_day[d] for d in days if d in by_day]
        headache = [e.intensity for e in answered if e.headache]
        per_week = 7 * len(headache) / len(answered) if answered else None
        return (sum(headache) / len(headache) if headache else 0.0 if answered else None,
                len(answered), per_week)

    first_mean, first_days, first_week = half(first)
    second_mean, second_days, second_week = half(second)
    return Trend(first_mean, second_mean, len(by_day), first_days, second_days,
                 first_week, second_week)


def trend(points: list[tuple[date, int, int]]) -> Trend:
    """The neck trend over the days `points` cover (see `neck_trend`)."""
    if not points:
        return Trend(None, None, 0)
    days = [day for day, _, _ in points]
    return neck_trend(Period(min(days), max(days)), points)


@dataclass(frozen=True)
class _Rise:
    at: datetime
    value: int
    previous: int
    exercises: tuple[str, ...]
    reason: str


def _pairs_and_rises(clinical: Sequence[Event]) -> tuple[list[PainPair], list[_Rise]]:
    """Before/after pairs (a neck rating before a break and after the same break) and clear
    rises (after-break ratings CLEAR_RISE_POINTS or more above the rating before that break or,
    without one, the previous rating that day), in log order."""
    before: dict[int, int] = {}
    last: tuple[date, int] | None = None
    pairs: list[PainPair] = []
    rises: list[_Rise] = []
    for event in clinical:
        if not isinstance(event, CheckinAnswered) or event.question not in ("neck", "neck_before"):
            continue
        value = pain_value(event.value)
        if value is None:
            continue
        day = event.at.date()
        if event.question == "neck_before":
            if event.prompt is not None:
                before[event.prompt] = value
        elif event.exercises:
            own = before.get(event.prompt) if event.prompt is not None else None
            if own is not None:
                pairs.append(PainPair(event.at, own, value, event.exercises))
                if value - own >= CLEAR_RISE_POINTS:
                    rises.append(_Rise(event.at, value, own, event.exercises,
                                       f"neck {value}/10 after the break, {own} just before it"))
            elif last is not None and last[0] == day and value - last[1] >= CLEAR_RISE_POINTS:
                rises.append(_Rise(event.at, value, last[1], event.exercises,
                                   f"neck {value}/10 after the break, up from {last[1]} "
                                   "earlier that day"))
        last = (day, value)
    return pairs, rises


def _diary_days(facts: Facts, period: Period) -> dict[date, DiaryDay]:
    """The diary by day: old one-word answers, then diary entries (a later answer about a day
    replaces an earlier one)."""
    entries: list[DiaryDay] = []
    for day, level in facts.headaches:
        old = from_level(day, level)
        if old is not None:
            entries.append(old)
    for event in facts.clinical:
        if isinstance(event, HeadacheDiary):
            entry = from_entry(event)
            if entry is not None and entry.day in period:
                entries.append(entry)
    return merge_days(entries)


def _intensity_word(intensity: int) -> str:
    for top, word in _INTENSITY_WORDS:
        if intensity <= top:
            return word
    return "severe"


def headache_summary(period: Period, diary: Iterable[DiaryDay]) -> HeadacheSummary:
    """Headache days, intensity, durations and painkiller days over the period."""
    entries = list(diary)
    headache = [e for e in entries if e.headache]
    durations: dict[str, int] = {}
    for entry in headache:
        if entry.duration:
            durations[entry.duration] = durations.get(entry.duration, 0) + 1
    return HeadacheSummary(
        answered_days=len(entries),
        headache_days=len(headache),
        painkiller_days=sum(1 for e in entries if e.painkillers),
        painkiller_answers=sum(1 for e in entries if e.painkillers is not None),
        mean_intensity=(sum(e.intensity for e in headache) / len(headache)) if headache else None,
        durations=tuple(sorted(durations.items())),
        period_days=len(period.days),
    )


def safety_records(clinical: Sequence[Event]) -> list[SafetyRecord]:
    """Every screening of the period: asked (ScreeningDue) and, when answered, what was said."""
    records: list[SafetyRecord] = []
    open_index: int | None = None
    answers: dict[str, bool] = {}
    for event in clinical:
        if isinstance(event, ScreeningDue):
            records.append(SafetyRecord(event.at, event.trigger, answered=False))
            open_index = len(records) - 1
        elif isinstance(event, Screening):
            answers = dict(event.answers)
        elif isinstance(event, SafetyAdvice):
            yes = tuple(q for q, a in answers.items() if a)
            record = SafetyRecord(event.at, event.trigger, True, event.any_yes, event.advice,
                                  yes, event.until)
            if open_index is not None and records[open_index].trigger == event.trigger:
                records[open_index] = record
            else:
                records.append(record)
            open_index = None
            answers = {}
    return records


def review_banner(report: Report, review_date: date | None) -> Review:
    """Whether the physio should review the programme, as of the period's last day, and why."""
    reasons: list[str] = []
    today = report.period.last
    if review_date is not None and review_date <= today:
        reasons.append(f"the programme's review date ({review_date:%d %B %Y}) "
                       + ("is today" if review_date == today else "has passed"))
    prompt_days = [d.day for d in report.days if d.prompts.prompted]
    adherence = report.total.adherence
    if (prompt_days and (prompt_days[-1] - prompt_days[0]).days + 1 >= REVIEW_AFTER_DAYS
            and adherence is not None and adherence >= REASONABLE_ADHERENCE
            and report.pain_trend.direction == 0 and report.headache_trend.direction >= 0):
        span = (prompt_days[-1] - prompt_days[0]).days + 1
        reasons.append(f"{span} days of exercises at {round(100 * adherence)}% adherence "
                       f"with no clear improvement (neck pain: {report.pain_trend.words})")
    answered = [r for r in report.safety if r.answered]
    if answered:
        yes = sum(1 for r in answered if r.any_yes)
        reasons.append(f"{len(answered)} safety screening{'s' if len(answered) != 1 else ''} "
                       f"this period" + (f", {yes} with a warning sign" if yes else
                                         ", all answered no"))
    return Review(bool(reasons), tuple(reasons))


def flag_reason(value: int, previous: int | None) -> str:
    """Why a neck answer after a break is a clear rise over `previous`; empty when it is not.
    (The SQL store keeps these as candidates; the report's flags come from `Facts.clinical`.)"""
    if previous is not None and value - previous >= CLEAR_RISE_POINTS:
        return f"neck {value}/10 after the break, up from {previous}"
    return ""


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
