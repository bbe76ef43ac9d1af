"""What the engine reports: every event that goes to the compliance log and the JSON Lines output.

Each event is a frozen dataclass with a wire name (`KIND`) and a lossless JSON form, so the
store, the simulator and the reports all speak the same vocabulary:
`event_from_json(event.to_json()) == event` for every event.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from deskbreak.core.prompt_card import PromptCard


class Outcome(enum.Enum):
    """How a prompt ended."""

    #: The user pressed Done (or finished the guided exercise).
    DONE = "done"
    #: A guided break was started and stopped after at least one exercise was finished.
    PARTIAL = "partial"
    #: A guided break was started and stopped before any exercise was finished.
    STOPPED = "stopped"
    #: The user pressed Skip.
    SKIPPED = "skipped"
    #: The user put it off; a new prompt of the same series follows if they are still sitting.
    SNOOZED = "snoozed"
    #: No answer, but the user was away for at least the break's duration: they got up.
    TAKEN = "taken"
    #: No answer and no sign of a break.
    MISSED = "missed"


class Answer(enum.Enum):
    """What the user can answer to an open prompt."""

    #: Did the break (or finished every exercise of the guided break).
    DONE = "done"
    #: Declined this break.
    SKIP = "skip"
    #: Asked for it again later (limited by the physio).
    SNOOZE = "snooze"
    #: Stopped the guided break after finishing at least one exercise (which: `finished`).
    PARTIAL = "partial"
    #: Stopped the guided break before finishing any exercise.
    STOPPED = "stopped"


#: Why a guided break was stopped part-way (the window offers these three).
STOP_REASONS = ("busy", "symptoms", "other")


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


@dataclass(frozen=True)
class PromptShown:
    """A prompt was shown. `series` is the id of the first prompt of a snooze chain."""

    KIND: ClassVar[str] = "prompt"
    at: datetime
    prompt: int
    series: int
    break_name: str
    kind: str
    exercises: tuple[str, ...]
    doses: tuple[dict[str, Any], ...]
    sitting_seconds: int
    due_at: datetime
    snoozes: int
    programme_title: str
    programme_hash: str
    #: The user asked for this break (`break-now`) rather than the timers.
    requested: bool = False
    #: What the presenters show, made by the engine with the event. Never stored or compared:
    #: an event read back from the log has None here.
    card: PromptCard | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class PromptOutcome:
    """A prompt ended. Every prompt gets exactly one; `snoozed` is final only for that prompt."""

    KIND: ClassVar[str] = "outcome"
    at: datetime
    prompt: int
    series: int
    break_name: str
    kind: str
    outcome: Outcome
    exercises: tuple[str, ...]
    #: Ids of the exercises finished in the guided break (all of them for DONE, some for
    #: PARTIAL, none otherwise). Logs written before this field existed decode as ().
    finished: tuple[str, ...] = ()
    #: For PARTIAL and STOPPED: one of STOP_REASONS, when the user said why.
    stop_reason: str | None = None


@dataclass(frozen=True)
class SnoozeRefused:
    """The user asked to snooze once more than the physio allows; the prompt stays open."""

    KIND: ClassVar[str] = "snooze_refused"
    at: datetime
    prompt: int
    message: str


@dataclass(frozen=True)
class BoutStarted:
    """The user sat down: first input after being away (back-dated to that input)."""

    KIND: ClassVar[str] = "bout_start"
    at: datetime


@dataclass(frozen=True)
class BoutEnded:
    """A sitting bout ended at `end` (back-dated to the last input); `at` is when it was noticed."""

    KIND: ClassVar[str] = "bout"
    at: datetime
    start: datetime
    end: datetime
    seconds: int
    reason: str


@dataclass(frozen=True)
class PromptDeferred:
    """A due prompt is being held back (e.g. a fullscreen window has focus)."""

    KIND: ClassVar[str] = "deferred"
    at: datetime
    break_name: str
    reason: str


@dataclass(frozen=True)
class Paused:
    """Prompts paused until `until` (None: until resumed)."""

    KIND: ClassVar[str] = "paused"
    at: datetime
    until: datetime | None
    reason: str


@dataclass(frozen=True)
class Resumed:
    """Prompts resumed, by the user or because the pause ran out."""

    KIND: ClassVar[str] = "resumed"
    at: datetime
    reason: str


@dataclass(frozen=True)
class ProgrammeLoaded:
    """A programme came into force (at start-up or after an edit)."""

    KIND: ClassVar[str] = "programme"
    at: datetime
    title: str
    programme_hash: str
    path: str


@dataclass(frozen=True)
class ProgrammeRejected:
    """An edited programme file was invalid; the last good programme stays in force."""

    KIND: ClassVar[str] = "programme_rejected"
    at: datetime
    path: str
    problems: tuple[str, ...]


@dataclass(frozen=True)
class CheckinAnswered:
    """A symptom check-in answer: `question` is "neck" (value 0-10, after a break),
    "neck_before" (0-10, just before a guided break) or "headache" (value none, mild, moderate
    or severe: older logs; new headache answers are `HeadacheDiary`). `prompt` and `exercises`
    link a neck check-in to its break."""

    KIND: ClassVar[str] = "checkin"
    at: datetime
    question: str
    value: int | str
    prompt: int | None = None
    exercises: tuple[str, ...] = ()


def pain_value(value: int | str) -> int | None:
    """A neck answer as 0-10, or None when it is not one. (Here, beside the event, so the log
    can store it without loading the report's maths into the running service.)"""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 0 <= value <= 10:
        return value
    return None


@dataclass(frozen=True)
class CheckinDue:
    """The daily headache question is due (the service asks; the answer is a CheckinAnswered)."""

    KIND: ClassVar[str] = "checkin_due"
    at: datetime
    question: str


@dataclass(frozen=True)
class ScreeningDue:
    """An answer looked worrying (`trigger`, a `screening.Trigger` value): the red-flag
    questions are due. The service shows them; the answers come back as a `Screening`."""

    KIND: ClassVar[str] = "screening_due"
    at: datetime
    trigger: str


@dataclass(frozen=True)
class Screening:
    """The red-flag questions were answered: question id -> yes (True) or no (False)."""

    KIND: ClassVar[str] = "screening"
    at: datetime
    trigger: str
    answers: dict[str, bool]


@dataclass(frozen=True)
class SafetyAdvice:
    """What the user was told after a screening. `advice` is "emergency", "same_day" or
    "reassure"; with any yes, neck-exercise (micro) prompts are paused `until` (the end of the
    day) while movement breaks go on."""

    KIND: ClassVar[str] = "safety"
    at: datetime
    trigger: str
    any_yes: bool
    advice: str
    until: datetime | None = None


@dataclass(frozen=True)
class HeadacheDiary:
    """A headache diary entry for `day` (ISO date; a catch-up answer is about an earlier day):
    intensity 0-10 (0: no headache), how long it lasted (a `DIARY_DURATIONS` value, or None when
    there was none or it was not said) and whether painkillers were taken (None: not said)."""

    KIND: ClassVar[str] = "headache"
    at: datetime
    day: str
    intensity: int
    duration: str | None = None
    painkillers: bool | None = None


Event = (
    PromptShown
    | PromptOutcome
    | SnoozeRefused
    | BoutStarted
    | BoutEnded
    | PromptDeferred
    | Paused
    | Resumed
    | ProgrammeLoaded
    | ProgrammeRejected
    | CheckinAnswered
    | CheckinDue
    | ScreeningDue
    | Screening
    | SafetyAdvice
    | HeadacheDiary
)

EVENT_TYPES: dict[str, type[Any]] = {
    cls.KIND: cls
    for cls in (
        PromptShown,
        PromptOutcome,
        SnoozeRefused,
        BoutStarted,
        BoutEnded,
        PromptDeferred,
        Paused,
        Resumed,
        ProgrammeLoaded,
        ProgrammeRejected,
        CheckinAnswered,
        CheckinDue,
        ScreeningDue,
        Screening,
        SafetyAdvice,
        HeadacheDiary,
    )
}

HEADACHE_LEVELS = ("none", "mild", "moderate", "severe")
#: How long a diary headache lasted: under an hour, 1 to 4 hours, over 4 hours, all day.
DIARY_DURATIONS = ("under-1h", "1-4h", "over-4h", "all-day")


def event_to_json(event: Event) -> dict[str, Any]:
    """The event as a JSON-ready dict: `at` first, then `event`, then the fields in order."""
    out: dict[str, Any] = {"at": _iso(event.at), "event": event.KIND}
    for f in fields(event):
        if f.name == "at":
            continue
        value = getattr(event, f.name)
        if f.name in _NEVER_WRITTEN or (f.name in _OMITTED_WHEN_DEFAULT
                                        and value == f.default):
            continue
        out[_WIRE_NAMES.get(f.name, f.name)] = _to_plain(value)
    return out


def _to_plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return [_to_plain(v) for v in value]
    return value


#: Newer optional fields left out of the JSON while they hold their default, so events that do
#: not use them read exactly as before (old logs and traces lack them; decoding fills them in).
_OMITTED_WHEN_DEFAULT = frozenset({"finished", "stop_reason", "requested"})
#: Fields that exist only in memory, on the way to the presenters.
_NEVER_WRITTEN = frozenset({"card"})
#: Python field names that are keywords on the wire.
_WIRE_NAMES = {"break_name": "break"}
#: Fields stored as ISO 8601 text, and fields stored as JSON lists (decoded back to tuples).
#: The store's fast decoder uses the same sets.
DATETIME_FIELDS = frozenset({"at", "due_at", "start", "end", "until"})
TUPLE_FIELDS = frozenset({"exercises", "doses", "problems", "finished"})
_DATETIME_FIELDS = DATETIME_FIELDS
_TUPLE_FIELDS = TUPLE_FIELDS


def event_from_json(data: dict[str, Any]) -> Event:
    """Rebuild an event from `event_to_json` output. Raises KeyError/ValueError on bad data."""
    cls = EVENT_TYPES[data["event"]]
    kwargs: dict[str, Any] = {}
    for f in fields(cls):
        wire = _WIRE_NAMES.get(f.name, f.name)
        if wire not in data:
            continue
        value = data[wire]
        if f.name in _DATETIME_FIELDS and value is not None:
            value = datetime.fromisoformat(value)
        elif f.name in _TUPLE_FIELDS:
            value = tuple(value)
        elif f.name == "outcome":
            value = Outcome(value)
        kwargs[f.name] = value
    event: Event = cls(**kwargs)
    return event
