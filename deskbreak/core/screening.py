"""A short red-flag screening when an answer suggests something may be wrong.

When a check-in or a stopped break looks worrying (see `Trigger`), the user is asked a few
yes/no questions in plain words. Any yes: urgent advice, and neck-exercise prompts pause for the
rest of the day while movement breaks go on. All no: reassurance, and a reminder to tell the
physiotherapist if it keeps happening. Pure rules and data: the engine keeps the state and the
windows ask the questions.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from deskbreak.core.events import SafetyAdvice, Screening, ScreeningDue
from deskbreak.core.safety import EMERGENCY, SAME_DAY

#: A neck rating (0-10) at or above this asks the screening questions.
HIGH_NECK_RATING = 7
#: A neck rating this many points above the one before (the same day) asks them too.
NECK_RISE = 3
#: A headache diary intensity (0-10) at or above this counts as a severe headache.
SEVERE_HEADACHE_INTENSITY = 7


class Trigger(enum.Enum):
    """Why the screening questions were asked (the value is what the log records)."""

    #: The headache check-in answer was "severe" (or an intensity of 7 or more out of 10).
    SEVERE_HEADACHE = "severe headache"
    #: A neck rating of 7 or more out of 10.
    HIGH_NECK = "neck 7 or more"
    #: A neck rating 3 or more points above the one before it that day.
    NECK_RISE = "neck up 3 or more"
    #: A guided break stopped "because of symptoms".
    STOPPED_FOR_SYMPTOMS = "stopped because of symptoms"


class Urgency(enum.Enum):
    """What a yes to a question calls for."""

    #: Call the emergency number now.
    EMERGENCY = "emergency"
    #: Get medical advice the same day.
    SAME_DAY = "same_day"


@dataclass(frozen=True)
class Question:
    """One yes/no screening question. `id` is what the log records."""

    id: str
    text: str
    urgency: Urgency


#: The red-flag questions, asked in this order, each answered yes or no.
QUESTIONS: tuple[Question, ...] = (
    Question("sudden_severe",
             "Did a headache come on suddenly and very badly, at its worst within a minute or "
             "so, or is it the worst you have ever had?",
             Urgency.EMERGENCY),
    Question("face_speech",
             "Is your face drooping, is your speech slurred or muddled, or do you feel confused "
             "or unable to keep your balance?",
             Urgency.EMERGENCY),
    Question("arm_symptoms",
             "Do you have new numbness, pins and needles or weakness in an arm or hand?",
             Urgency.SAME_DAY),
    Question("neck_movement",
             "When you move your neck, do you get dizzy, see double, find it hard to swallow, "
             "or fall without warning?",
             Urgency.SAME_DAY),
    Question("fever_injury",
             "Do you have a fever or a rash with the headache, or did it start after a knock "
             "to the head?",
             Urgency.SAME_DAY),
)

QUESTION_IDS = tuple(q.id for q in QUESTIONS)

INTRO = ("A few quick questions, to check nothing needs a doctor. Answer yes or no to each.")

#: The advice shown after the answers, by result. Each ends with what happens to the prompts.
ADVICE_EMERGENCY = (
    f"{EMERGENCY.action.removesuffix(' if you have:')} now. "
    "Do not drive yourself. Stop the neck exercises. Neck-exercise reminders are paused for the "
    "rest of today; reminders to stand up and move carry on."
)
ADVICE_SAME_DAY = (
    "Please stop the neck exercises and speak to a doctor today: your GP practice or an urgent "
    "care or advice line. If it gets suddenly worse, call the emergency number. Neck-exercise "
    "reminders are paused for the rest of today; reminders to stand up and move carry on."
)
REASSURANCE = (
    "Thank you. None of these warning signs. Rest for a few minutes and keep moving gently, "
    "within comfort. If it keeps happening or gets worse, tell your physiotherapist. If any of "
    "these signs start later, get help as the safety card says."
)


class Advice(enum.Enum):
    """The result of a screening."""

    EMERGENCY = "emergency"
    SAME_DAY = "same_day"
    REASSURE = "reassure"


@dataclass(frozen=True)
class Result:
    """What to tell the user, and whether neck prompts pause."""

    advice: Advice
    text: str
    #: Ids of the questions answered yes, in question order.
    yes: tuple[str, ...]

    @property
    def any_yes(self) -> bool:
        return bool(self.yes)


def neck_trigger(value: int, before: int | None) -> Trigger | None:
    """The trigger a neck rating `value` (0-10) sets off, given the rating `before` it the same
    day (the pre-break rating, or the last rating), or None when it looks fine."""
    if value >= HIGH_NECK_RATING:
        return Trigger.HIGH_NECK
    if before is not None and value - before >= NECK_RISE:
        return Trigger.NECK_RISE
    return None


def headache_trigger(level: str | int) -> Trigger | None:
    """The trigger of a headache answer: the old word scale ("severe") or a 0-10 intensity."""
    if level == "severe":
        return Trigger.SEVERE_HEADACHE
    if isinstance(level, int) and not isinstance(level, bool) \
            and level >= SEVERE_HEADACHE_INTENSITY:
        return Trigger.SEVERE_HEADACHE
    return None


def stop_trigger(reason: str | None) -> Trigger | None:
    """The trigger of a guided break stopped for `reason` ("busy", "symptoms" or "other")."""
    return Trigger.STOPPED_FOR_SYMPTOMS if reason == "symptoms" else None


def assess(answers: Mapping[str, bool]) -> Result:
    """The advice for a set of answers (question id -> yes). A question not answered counts as
    no: the window only sends a result once every question has an answer. Unknown ids raise
    ValueError."""
    unknown = sorted(set(answers) - set(QUESTION_IDS))
    if unknown:
        raise ValueError(f"unknown screening question(s): {', '.join(unknown)}")
    yes = tuple(q.id for q in QUESTIONS if answers.get(q.id) is True)
    if any(q.urgency is Urgency.EMERGENCY for q in QUESTIONS if q.id in yes):
        return Result(Advice.EMERGENCY, ADVICE_EMERGENCY, yes)
    if yes:
        return Result(Advice.SAME_DAY, ADVICE_SAME_DAY, yes)
    return Result(Advice.REASSURE, REASSURANCE, yes)


def end_of_day(now: datetime) -> datetime:
    """Midnight at the end of `now`'s local day, in `now`'s time zone: the end of a safety
    pause ("for the rest of the day")."""
    return datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=now.tzinfo)


def same_day_advice_lines() -> tuple[str, ...]:
    """The card's same-day signs, for windows that show them after a yes."""
    return SAME_DAY.signs


@dataclass
class SafetyState:
    """What the engine remembers about screening: the day's last neck rating (to see a rise),
    whether the questions were asked today, and how long neck prompts are paused.

    The questions are asked at most once a day: after all no, a second high rating is recorded
    without asking again; after any yes, neck prompts are already paused for the day."""

    #: The latest neck rating (before or after a break) and the day it was given.
    last_neck: tuple[date, int] | None = None
    #: The day the questions were last asked, and why.
    asked_on: date | None = None
    trigger: Trigger | None = None
    #: Neck-exercise (micro) prompts are paused until then (None: not paused).
    neck_paused_until: datetime | None = None

    def after_neck(self, at: datetime, value: int) -> ScreeningDue | None:
        """A neck rating (0-10) was given at `at`: the screening it calls for, if any."""
        day = at.date()
        before = self.last_neck[1] if self.last_neck and self.last_neck[0] == day else None
        self.last_neck = (day, value)
        return self._ask(at, neck_trigger(value, before))

    def after_headache(self, at: datetime, level: str | int) -> ScreeningDue | None:
        """A headache answer about today: the screening it calls for, if any."""
        return self._ask(at, headache_trigger(level))

    def after_stop(self, at: datetime, reason: str | None) -> ScreeningDue | None:
        """A guided break was stopped for `reason`: the screening it calls for, if any."""
        return self._ask(at, stop_trigger(reason))

    def answered(self, at: datetime, answers: Mapping[str, bool],
                 trigger: str | None = None) -> tuple[Screening, SafetyAdvice]:
        """The questions were answered: the events to log. With any yes, neck prompts pause
        until the end of the day. `trigger` is used when none is pending (the window says
        why it asked). Raises ValueError for unknown question ids."""
        result = assess(answers)
        why = self.trigger.value if self.trigger is not None else (trigger or "asked")
        self.trigger = None
        self.asked_on = at.date()
        until = end_of_day(at) if result.any_yes else None
        if until is not None:
            self.neck_paused_until = max(until, self.neck_paused_until or until)
        return (Screening(at=at, trigger=why, answers=dict(answers)),
                SafetyAdvice(at=at, trigger=why, any_yes=result.any_yes,
                             advice=result.advice.value, until=until))

    def neck_paused(self, now: datetime) -> bool:
        """True while neck-exercise prompts are paused after a yes."""
        return self.neck_paused_until is not None and now < self.neck_paused_until

    def _ask(self, at: datetime, trigger: Trigger | None) -> ScreeningDue | None:
        if trigger is None or self.asked_on == at.date() or self.neck_paused(at):
            return None
        self.asked_on = at.date()
        self.trigger = trigger
        return ScreeningDue(at=at, trigger=trigger.value)
