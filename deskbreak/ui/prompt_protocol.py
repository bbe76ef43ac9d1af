"""The JSON contract between the service and the prompt window process (no Tk here).

The service writes ONE JSON object (a *request*) to the window's stdin and closes it; the window
writes one JSON object per line to stdout for each user action (a *message* line):

    {"started": true}                       the user began the guided break: the service stops
                                            the answer timeout and withdraws the notification
    {"answer": "done"}                      the guided break was finished (or Done was pressed)
    {"answer": "partial", "finished": ["chin-tuck", ...], "reason": "busy|symptoms|other"}
                                            stopped part-way after finishing >= 1 exercise
    {"answer": "stopped", "reason": "busy|symptoms|other"}
                                            stopped before any exercise was finished
    {"answer": "snooze"} / {"answer": "skip"}
    {"hidden": true}                        closed with the window manager: the window is gone,
                                            the prompt stays open and can be reopened
    {"checkin": "neck", "value": 0..10}     after the break ("neck_before": before it)
    {"screening": {"trigger": "...", "answers": {"<question id>": true|false}}}

`reason` is optional. The older form {"answer": "done", "partial": true} still reads, as a
partial answer with no list. The process exits 0 after the final answer (or after hiding); a
request it cannot read exits 2.

`request_payload` builds a request from the core's prompt card; `parse_request` is what the
window uses, so both sides agree on defaults. `message_line` writes a message line and
`parse_message` reads one back as one typed message. Everything here is pure and
thread-agnostic.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from deskbreak.core.events import STOP_REASONS, Answer
from deskbreak.core.programme import DEFAULT_SECONDS_PER_REP, Exercise
from deskbreak.core.prompt_card import PromptCard
from deskbreak.core.safety import stop_rules

CORNERS = ("bottom-right", "bottom-left", "top-right", "top-left")
ANSWERS = ("done", "snooze", "skip")


class RequestError(ValueError):
    """The request object is malformed; the message names the offending field."""


class MessageError(ValueError):
    """A message line from the window is malformed; the message says what is wrong."""


# -- messages from the window (one typed value per line) ----------------------------------------


@dataclass(frozen=True)
class Started:
    """The user began the guided break."""


@dataclass(frozen=True)
class Answered:
    """The user's final answer to the prompt."""

    answer: Answer
    #: Ids of the exercises finished (PARTIAL; DONE may list them all).
    finished: tuple[str, ...] = ()
    #: For PARTIAL and STOPPED: one of STOP_REASONS, or None when not given.
    reason: str | None = None


@dataclass(frozen=True)
class Hidden:
    """The window was closed with the window manager; the prompt stays open."""


@dataclass(frozen=True)
class CheckinGiven:
    """A symptom check-in typed in the window ("neck" after the break, "neck_before" before)."""

    question: str
    #: A score or level; a headache diary answer is a mapping (see core/diary.py).
    value: int | str | Mapping[str, Any]


@dataclass(frozen=True)
class ScreeningGiven:
    """Answers to a guided screen: question id -> yes/no, in the order given."""

    trigger: str
    answers: tuple[tuple[str, bool], ...]


WindowMessage = Started | Answered | Hidden | CheckinGiven | ScreeningGiven


def message_line(message: WindowMessage) -> str:
    """The JSON line (without newline) the window prints for `message`."""
    out: dict[str, Any]
    if isinstance(message, Started):
        out = {"started": True}
    elif isinstance(message, Hidden):
        out = {"hidden": True}
    elif isinstance(message, Answered):
        out = {"answer": message.answer.value}
        if message.answer is Answer.PARTIAL or message.finished:
            out["finished"] = list(message.finished)
        if message.reason is not None:
            out["reason"] = message.reason
    elif isinstance(message, CheckinGiven):
        value = message.value
        out = {"checkin": message.question,
               "value": dict(value) if isinstance(value, Mapping) else value}
    else:
        out = {"screening": {"trigger": message.trigger, "answers": dict(message.answers)}}
    return json.dumps(out)


def parse_message(line: str) -> WindowMessage:
    """One message line from the window as a typed message; raises MessageError."""
    try:
        data = json.loads(line)
    except ValueError:
        raise MessageError(f"not JSON: {line[:200]!r}") from None
    if not isinstance(data, Mapping):
        raise MessageError("a message must be a JSON object")
    if data.get("started") is True:
        return Started()
    if data.get("hidden") is True:
        return Hidden()
    if "answer" in data:
        return _answered(data)
    if "checkin" in data:
        question, value = data["checkin"], data.get("value")
        if not isinstance(question, str) or isinstance(value, bool) or not isinstance(
                value, (int, str, Mapping)):
            raise MessageError(f"a check-in needs a question and a value, not {dict(data)!r}")
        return CheckinGiven(question, value)
    if "screening" in data:
        screening = data["screening"]
        if not isinstance(screening, Mapping) or not isinstance(screening.get("trigger"), str):
            raise MessageError("a screening needs a trigger")
        answers = screening.get("answers", {})
        if not isinstance(answers, Mapping) or not all(
                isinstance(k, str) and isinstance(v, bool) for k, v in answers.items()):
            raise MessageError("screening answers must map question ids to true or false")
        return ScreeningGiven(screening["trigger"], tuple(answers.items()))
    raise MessageError(f"unknown message {dict(data)!r}")


def _answered(data: Mapping[str, Any]) -> Answered:
    try:
        answer = Answer(data["answer"])
    except (ValueError, TypeError):
        raise MessageError(f"unknown answer {data['answer']!r}") from None
    if answer is Answer.DONE and data.get("partial") is True:
        answer = Answer.PARTIAL  # the older window's way of saying it
    finished = data.get("finished", [])
    if (isinstance(finished, str) or not isinstance(finished, Sequence)
            or not all(isinstance(f, str) for f in finished)):
        raise MessageError("finished must be a list of exercise ids")
    reason = data.get("reason")
    if reason is not None and reason not in STOP_REASONS:
        raise MessageError(f"reason must be one of {', '.join(STOP_REASONS)}, not {reason!r}")
    return Answered(answer, tuple(finished), reason)


@dataclass(frozen=True)
class PromptRequest:
    """Everything the prompt window needs to ask for one break and guide it."""

    prompt: int
    break_name: str
    kind: str
    exercises: tuple[Exercise, ...]
    programme_title: str = ""
    notes: str = ""
    snooze_allowed: bool = True
    snooze_minutes: float = 5.0
    snooze_reason: str = ""
    neck_checkin: bool = False
    corner: str = "bottom-right"
    #: The prompt card's headline and "why now" line ("" from an older service).
    headline: str = ""
    reason: str = ""
    #: Play the "hold ends" sound at the end of each hold.
    sound: bool = False


def exercise_payload(exercise: Exercise) -> dict[str, Any]:
    """The request entry for one exercise (with the dose already in force today)."""
    return {
        "id": exercise.id,
        "title": exercise.title,
        "summary": exercise.summary,
        "steps": list(exercise.steps),
        # The exercise's own cautions, then the built-in stop rules they do not already cover:
        # the guided break always shows them, whatever the programme says.
        "cautions": list(stop_rules(exercise.cautions)),
        "reps": exercise.reps,
        "sets": exercise.sets,
        "hold_seconds": exercise.hold_seconds,
        "rest_seconds": exercise.rest_seconds,
        "sides": list(exercise.sides),
        "duration_seconds": exercise.duration_seconds,
        "seconds_per_rep": exercise.seconds_per_rep,
        "figure": exercise.figure,
        "image": exercise.image,
    }


def request_payload(card: PromptCard, corner: str = "bottom-right") -> dict[str, Any]:
    """The whole request object for the prompt `card`, ready for `json.dumps`."""
    return {
        "prompt": card.prompt,
        "break": card.break_name,
        "kind": card.kind,
        "headline": card.headline,
        "reason": card.reason,
        "title": card.programme_title,
        "notes": card.notes,
        "exercises": [exercise_payload(e) for e in card.exercises],
        "snooze_allowed": card.snooze_allowed,
        "snooze_minutes": card.snooze_minutes,
        "snooze_reason": card.snooze_reason,
        "neck_checkin": card.neck_checkin,
        "respond_within_seconds": card.respond_within_seconds,
        "corner": corner,
        "sound": card.sound,
    }


def parse_request(data: Any) -> PromptRequest:
    """Check and convert a decoded request; raises RequestError naming what is wrong."""
    if not isinstance(data, Mapping):
        raise RequestError("the request must be a JSON object")
    kind = data.get("kind", "micro")
    if kind not in ("micro", "movement"):
        raise RequestError(f"kind must be micro or movement, not {kind!r}")
    corner = data.get("corner", "bottom-right")
    if corner not in CORNERS:
        raise RequestError(f"corner must be one of {', '.join(CORNERS)}, not {corner!r}")
    raw_exercises = data.get("exercises", [])
    if not isinstance(raw_exercises, Sequence) or isinstance(raw_exercises, str):
        raise RequestError("exercises must be a list")
    return PromptRequest(
        prompt=_int(data.get("prompt", 0), "prompt"),
        break_name=_text(data.get("break"), "break", required=True),
        kind=kind,
        exercises=tuple(_exercise(e, i) for i, e in enumerate(raw_exercises)),
        programme_title=_text(data.get("title"), "title"),
        notes=_text(data.get("notes"), "notes"),
        snooze_allowed=bool(data.get("snooze_allowed", True)),
        snooze_minutes=_number(data.get("snooze_minutes", 5.0), "snooze_minutes") or 5.0,
        snooze_reason=_text(data.get("snooze_reason"), "snooze_reason"),
        neck_checkin=bool(data.get("neck_checkin", False)),
        corner=corner,
        headline=_text(data.get("headline"), "headline"),
        reason=_text(data.get("reason"), "reason"),
        sound=bool(data.get("sound", False)),
    )


def _exercise(data: Any, index: int) -> Exercise:
    """The core's own Exercise, rebuilt from its request entry (the window computes the dose
    text from it, as the service does)."""
    where = f"exercises[{index}]"
    if not isinstance(data, Mapping):
        raise RequestError(f"{where} must be an object")
    reps = data.get("reps")
    sets = data.get("sets") or 1
    return Exercise(
        id=_text(data.get("id"), f"{where}.id") or f"exercise-{index + 1}",
        title=_text(data.get("title"), f"{where}.title", required=True),
        summary=_text(data.get("summary"), f"{where}.summary"),
        steps=_texts(data.get("steps"), f"{where}.steps"),
        cautions=_texts(data.get("cautions"), f"{where}.cautions"),
        reps=None if reps is None else max(1, _int(reps, f"{where}.reps")),
        sets=max(1, _int(sets, f"{where}.sets")),
        hold_seconds=_number(data.get("hold_seconds"), f"{where}.hold_seconds"),
        rest_seconds=_number(data.get("rest_seconds"), f"{where}.rest_seconds") or 0.0,
        sides=_texts(data.get("sides"), f"{where}.sides"),
        duration_seconds=_number(data.get("duration_seconds"), f"{where}.duration_seconds"),
        seconds_per_rep=_number(data.get("seconds_per_rep"), f"{where}.seconds_per_rep")
        or DEFAULT_SECONDS_PER_REP,
        figure=_text(data.get("figure"), f"{where}.figure"),
        image=_text(data.get("image"), f"{where}.image"),
    )


def _text(value: Any, name: str, *, required: bool = False) -> str:
    if value is None:
        if required:
            raise RequestError(f"{name} is missing")
        return ""
    if not isinstance(value, str):
        raise RequestError(f"{name} must be text")
    if required and not value.strip():
        raise RequestError(f"{name} is empty")
    return value


def _texts(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise RequestError(f"{name} must be a list of text")
    return tuple(_text(v, f"{name}[]") for v in value)


def _number(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise RequestError(f"{name} must be a number")
    if value < 0:
        raise RequestError(f"{name} must not be negative")
    return float(value)


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RequestError(f"{name} must be a whole number")
    return value
