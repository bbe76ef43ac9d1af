"""The JSON contract between the service and the prompt window process (no Tk here).

The service writes ONE JSON object (a *request*) to the window's stdin and closes it; the window
writes one JSON object per line to stdout for each user action (an *answer* line):

    {"answer": "done"}                      the guided break was finished
    {"answer": "done", "partial": true}     stopped part-way after finishing >= 1 exercise
    {"answer": "snooze"} / {"answer": "skip"}
    {"checkin": "neck", "value": 0..10}     printed before the final answer, if asked and answered

The process exits 0 after the final answer. Closing the prompt with the window manager prints
nothing (the service applies its own response timeout); a request it cannot read exits 2.

`request_payload` builds a request from the core's objects; `parse_request` is what the window
uses, so both sides agree on defaults. Everything here is pure and thread-agnostic.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from deskbreak.core.programme import DEFAULT_SECONDS_PER_REP, Break, Exercise

CORNERS = ("bottom-right", "bottom-left", "top-right", "top-left")
ANSWERS = ("done", "snooze", "skip")


class RequestError(ValueError):
    """The request object is malformed; the message names the offending field."""


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


def exercise_payload(exercise: Exercise) -> dict[str, Any]:
    """The request entry for one exercise (with the dose already in force today)."""
    return {
        "id": exercise.id,
        "title": exercise.title,
        "summary": exercise.summary,
        "steps": list(exercise.steps),
        "cautions": list(exercise.cautions),
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


def request_payload(
    prompt_id: int,
    brk: Break,
    exercises: Iterable[Exercise],
    *,
    programme_title: str = "",
    notes: str = "",
    snooze_allowed: bool = True,
    snooze_reason: str = "",
    neck_checkin: bool = False,
    corner: str = "bottom-right",
) -> dict[str, Any]:
    """The whole request object for `brk`, ready for `json.dumps`."""
    return {
        "prompt": prompt_id,
        "break": brk.name,
        "kind": brk.kind.value,
        "title": programme_title,
        "notes": notes,
        "exercises": [exercise_payload(e) for e in exercises],
        "snooze_allowed": snooze_allowed,
        "snooze_minutes": brk.snooze.minutes,
        "snooze_reason": snooze_reason,
        "neck_checkin": neck_checkin,
        "corner": corner,
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
