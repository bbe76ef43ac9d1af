"""The programme file's shape, declared once.

The same declaration drives validation (`programme_file`) and the JSON Schema that editors use
for completion (`json_schema`), so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from deskbreak.core.programme import DAY_NAMES, BreakKind


@dataclass(frozen=True)
class Spec:
    """One value in the file: its kind, limits and the help text shown in editors.

    kind is one of: text, int, duration, clock, date, bool, enum, list, map (fixed keys), dict
    (free keys, each an `item`), const.
    """

    kind: str
    doc: str = ""
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    item: Spec | None = None
    keys: Mapping[str, Spec] = field(default_factory=dict)
    min_items: int = 0
    unique: bool = False
    key_pattern: str | None = None
    const: Any = None


MIN = 60.0
HOUR = 3600.0
#: Longest hold a single repetition may prescribe.
MAX_HOLD_SECONDS = 120.0
#: Micro breaks are done at the desk in 20 to 90 seconds.
MICRO_DURATION_RANGE = (20.0, 90.0)
#: Movement breaks last 1 to 30 minutes.
MOVEMENT_DURATION_RANGE = (1 * MIN, 30 * MIN)
EXERCISE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

DOSE_KEYS: dict[str, Spec] = {
    "reps": Spec("int", "Repetitions per set.", minimum=1, maximum=50),
    "sets": Spec("int", "Number of sets (default 1).", minimum=1, maximum=10),
    "hold": Spec("duration", "How long each repetition is held, e.g. 5s.", minimum=0,
                 maximum=MAX_HOLD_SECONDS),
    "rest": Spec("duration", "Rest between sets, e.g. 10s.", minimum=0, maximum=5 * MIN),
    "sides": Spec("list", "Sides done in turn, e.g. [left, right].",
                  item=Spec("enum", choices=("left", "right")), min_items=1, unique=True),
    "duration": Spec("duration", "For timed exercises (a walk, an eye break) instead of reps.",
                     minimum=5, maximum=30 * MIN),
    "per_rep": Spec("duration", "Seconds one repetition takes when there is no hold (default 3s).",
                    minimum=1, maximum=30),
}

EXERCISE_TEXT_KEYS: dict[str, Spec] = {
    "title": Spec("text", "The exercise's name as the patient sees it."),
    "summary": Spec("text", "One line on what it is for."),
    "steps": Spec("list", "Short instructions, one per step.", item=Spec("text"), min_items=1),
    "targets": Spec("list", "What it works on, e.g. deep neck flexors.", item=Spec("text")),
    "cautions": Spec("list", "When to stop, e.g. 'Stop if you feel dizzy.'", item=Spec("text")),
    "suits": Spec("list", "The kinds of break it fits (default [micro]).",
                  item=Spec("enum", choices=tuple(k.value for k in BreakKind)), min_items=1,
                  unique=True),
}

#: A built-in library exercise file: text and default dose.
LIBRARY_EXERCISE = Spec("map", "A built-in exercise.", keys={**EXERCISE_TEXT_KEYS, **DOSE_KEYS})

PROGRAMME_EXERCISE = Spec(
    "map",
    "An exercise: `use: library/ID` with your dose, or one of your own with a title.",
    keys={
        "use": Spec("text", "library/ID: start from a built-in exercise."),
        "image": Spec("text", "A picture for the exercise: a PNG or GIF file, its path relative "
                      "to the programme file."),
        **EXERCISE_TEXT_KEYS,
        **DOSE_KEYS,
    },
)

WORKING_HOURS = Spec(
    "map",
    "When prompts may come.",
    keys={
        "days": Spec("list", "Working days.", item=Spec("enum", choices=DAY_NAMES), min_items=1,
                     unique=True),
        "from": Spec("clock", 'Start of the working day, "HH:MM".'),
        "to": Spec("clock", 'End of the working day, "HH:MM".'),
    },
)

SETTINGS = Spec(
    "map",
    "Timing for the whole programme.",
    keys={
        "natural_break": Spec("duration", "Idle this long ends a sitting bout (default 5m).",
                              minimum=1 * MIN, maximum=30 * MIN),
        "respond_within": Spec("duration", "Unanswered prompts close after this (default 10m).",
                               minimum=1 * MIN, maximum=1 * HOUR),
        "working_hours": WORKING_HOURS,
        "max_deferral": Spec("duration", "Longest a due prompt waits during a call or while a "
                             "fullscreen window has focus.", minimum=0, maximum=2 * HOUR),
        "sound": Spec("bool", "A soft sound when a break comes and when each hold ends "
                      "(default false)."),
        "checkins": Spec(
            "map",
            "Optional symptom questions.",
            keys={
                "neck_after_break": Spec("bool", "Ask 'How is your neck now?' after a break."),
                "neck_before_break": Spec("bool", "Also ask it just before a guided break, "
                                          "for before/after pairs in the report."),
                "headache_daily": Spec("bool", "Ask once a working day about headaches."),
                "headache_at": Spec("clock", "When to ask about headaches, \"HH:MM\"."),
            },
        ),
    },
)

BREAK = Spec(
    "map",
    "A prompt that comes after a stretch of sitting.",
    keys={
        "name": Spec("text", "Unique name, shown in the prompt.", required=True),
        "kind": Spec("enum", "micro (at the desk) or movement (stand up and move).",
                     required=True, choices=tuple(k.value for k in BreakKind)),
        "every": Spec("duration", "Sitting time before it is due.", required=True,
                      minimum=5 * MIN, maximum=4 * HOUR),
        "duration": Spec("duration", "How long the break takes.", required=True, minimum=20,
                         maximum=30 * MIN),
        "snooze": Spec(
            "map",
            "How a prompt may be put off.",
            keys={
                "minutes": Spec("int", "Minutes a snooze puts it off.", minimum=1, maximum=60),
                "max": Spec("int", "Snoozes allowed in a row (0 forbids).", minimum=0,
                            maximum=5),
            },
        ),
        "exercises": Spec("list", "Exercise ids, taken in turn.", required=True,
                          item=Spec("text"), min_items=1),
        "per_prompt": Spec("int", "Exercises per prompt (default: as many as fit).", minimum=1,
                           maximum=20),
    },
)

BREAK_CHANGE = Spec(
    "map",
    "What the phase changes in this break; anything not written stays as the break has it.",
    keys={
        "every": Spec("duration", "Sitting time before it is due, in this phase.",
                      minimum=5 * MIN, maximum=4 * HOUR),
        "duration": Spec("duration", "How long the break takes, in this phase.", minimum=20,
                         maximum=30 * MIN),
        "add": Spec("list", "Exercise ids added to the break's list.", item=Spec("text"),
                    min_items=1, unique=True),
        "remove": Spec("list", "Exercise ids taken out of the break's list.", item=Spec("text"),
                       min_items=1, unique=True),
        "exercises": Spec("list", "The break's whole exercise list in this phase (instead of "
                          "add and remove).", item=Spec("text"), min_items=1),
        "per_prompt": Spec("int", "Exercises per prompt in this phase.", minimum=1, maximum=20),
    },
)

PHASE = Spec(
    "map",
    "A progression step from a programme week or a date: doses, and breaks' interval, duration "
    "and exercises.",
    keys={
        "name": Spec("text", "What this phase is called; the patient and the report see it."),
        "from_week": Spec("int", "First week (week 1 starts on `starts`).", minimum=1,
                          maximum=104),
        "until_week": Spec("int", "Last week (open-ended without it).", minimum=1, maximum=104),
        "from": Spec("date", "First day, YYYY-MM-DD (instead of from_week)."),
        "until": Spec("date", "Last day, YYYY-MM-DD (open-ended without it)."),
        "exercises": Spec("dict", "Dose changes by exercise id.",
                          item=Spec("map", "Dose changes.", keys=DOSE_KEYS),
                          key_pattern=EXERCISE_ID_PATTERN),
        "breaks": Spec("dict", "Changes by break name.", item=BREAK_CHANGE),
    },
)

PROGRAMME = Spec(
    "map",
    "A deskbreak programme, written by a physiotherapist.",
    keys={
        "deskbreak": Spec("const", "Format version.", required=True, const=1),
        "title": Spec("text", "The programme's title.", required=True),
        "prescribed_by": Spec("text", "Who prescribed it."),
        "patient": Spec("text", "Who it is for."),
        "starts": Spec("date", "First day (week 1), YYYY-MM-DD."),
        "review": Spec("date", "Review appointment, YYYY-MM-DD."),
        "notes": Spec("text", "Your words to the patient."),
        "settings": SETTINGS,
        "breaks": Spec("list", "The breaks.", required=True, item=BREAK, min_items=1),
        "exercises": Spec("dict", "Exercises by id.", item=PROGRAMME_EXERCISE,
                          key_pattern=EXERCISE_ID_PATTERN),
        "phases": Spec("list", "Progression phases.", item=PHASE),
    },
)


def json_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of the programme file, for editor completion."""
    schema = _to_json_schema(PROGRAMME)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "deskbreak programme"
    return schema


_DURATION_PATTERN = r"^\s*(\d+(\.\d+)?\s*h)?\s*(\d+(\.\d+)?\s*m(in)?)?\s*(\d+(\.\d+)?\s*s(ec)?)?\s*$"


def _to_json_schema(spec: Spec) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if spec.doc:
        out["description"] = spec.doc
    if spec.kind == "text":
        out["type"] = ["string", "number"]
    elif spec.kind == "int":
        out["type"] = "integer"
        if spec.minimum is not None:
            out["minimum"] = spec.minimum
        if spec.maximum is not None:
            out["maximum"] = spec.maximum
    elif spec.kind == "duration":
        out.update(type="string", pattern=_DURATION_PATTERN, examples=["30s", "5m", "1h30m"])
    elif spec.kind == "clock":
        out.update(type="string", pattern=r"^([01]?\d|2[0-3]):[0-5]\d$", examples=["08:00"])
    elif spec.kind == "date":
        out.update(type="string", format="date")
    elif spec.kind == "bool":
        out["type"] = "boolean"
    elif spec.kind == "enum":
        out["enum"] = list(spec.choices)
    elif spec.kind == "const":
        out["const"] = spec.const
    elif spec.kind == "list":
        out["type"] = "array"
        if spec.item is not None:
            out["items"] = _to_json_schema(spec.item)
        if spec.min_items:
            out["minItems"] = spec.min_items
        if spec.unique:
            out["uniqueItems"] = True
    elif spec.kind == "map":
        out["type"] = "object"
        out["properties"] = {name: _to_json_schema(child) for name, child in spec.keys.items()}
        required = [name for name, child in spec.keys.items() if child.required]
        if required:
            out["required"] = required
        out["additionalProperties"] = False
    elif spec.kind == "dict":
        out["type"] = "object"
        if spec.item is not None:
            out["additionalProperties"] = _to_json_schema(spec.item)
        if spec.key_pattern:
            out["propertyNames"] = {"pattern": spec.key_pattern}
    return out
