"""The programme file: shipped programmes and library, problems with line:col, hostile YAML, schema."""

from __future__ import annotations

import json
import re
import time
from datetime import date
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from deskbreak.core.programme import BreakKind, Programme
from deskbreak.core.programme_file import (
    MAX_FILE_BYTES,
    MAX_NESTING,
    ProgrammeInvalid,
    parse_library_exercise,
    parse_programme,
)
from deskbreak.core.schema import json_schema
from deskbreak.core.units import parse_duration
from deskbreak.library import load_library, load_programme

REPO = Path(__file__).resolve().parents[2]
PROGRAMMES = sorted((REPO / "config" / "programmes").glob("*.yaml"))
LIBRARY_FILES = sorted((REPO / "config" / "exercises").glob("*.yaml"))

#: The exercises the issue asks the built-in library to hold.
ISSUE_LIBRARY = {
    "chin-tuck", "neck-rotation", "neck-side-bend", "upper-trapezius-stretch",
    "levator-scapulae-stretch", "scalene-stretch", "scm-stretch", "suboccipital-release",
    "scapular-setting", "thoracic-extension", "shoulder-rolls", "doorway-chest-stretch",
    "stand-and-walk", "eye-break",
    # and the ones added for clinical trust (deep neck flexor nod, isometrics, shoulder-blade
    # strength, thoracic rotation, jaw and breathing relaxation, a desk set-up check)
    "chin-nod", "cervical-isometrics", "band-row", "wall-slide", "thoracic-rotation",
    "jaw-relaxation", "breathing-relaxation", "workstation-check",
}


def parse(text: str, filename: str = "p.yaml") -> Programme:
    return parse_programme(text, filename, load_library())


def problems(text: str, filename: str = "p.yaml") -> list[str]:
    """Every problem line for `text`; fails the test if the text is valid."""
    with pytest.raises(ProgrammeInvalid) as caught:
        parse(text, filename)
    return caught.value.lines()


# -- shipped programmes and library ----------------------------------------------------------------


def test_there_are_at_least_two_shipped_programmes() -> None:
    assert len(PROGRAMMES) >= 2


@pytest.mark.parametrize("path", PROGRAMMES, ids=lambda p: p.name)
def test_every_shipped_programme_validates_and_round_trips(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    programme = load_programme(path)
    raw = yaml.safe_load(text)
    assert programme.title == raw["title"]
    assert programme.starts == raw.get("starts")
    assert programme.review == raw.get("review")
    assert [b.name for b in programme.breaks] == [b["name"] for b in raw["breaks"]]
    for brk, entry in zip(programme.breaks, raw["breaks"]):
        assert brk.kind is BreakKind(entry["kind"])
        assert brk.every_seconds == parse_duration(entry["every"])
        assert brk.duration_seconds == parse_duration(entry["duration"])
        assert list(brk.exercise_ids) == entry["exercises"]
        snooze = entry.get("snooze", {})
        assert brk.snooze.minutes == snooze.get("minutes", 5)
        assert brk.snooze.max_count == snooze.get("max", 2)
    assert len(programme.phases) == len(raw.get("phases", []))
    # every exercise of every break resolves, with a dose that fits the break, on every phase
    days = [programme.starts or date(2026, 1, 5)]
    days += [(programme.starts or date(2026, 1, 5)).fromordinal(
        (programme.starts or date(2026, 1, 5)).toordinal() + 7 * (p.from_week - 1))
        for p in programme.phases]
    for day in days:
        exercises = programme.exercises_on(day)
        for brk in programme.breaks:
            for exercise_id in brk.exercise_ids:
                exercise = exercises[exercise_id]
                assert exercise.title
                assert exercise.steps, exercise_id
                assert brk.kind in exercise.suits
                assert exercise.reps is not None or exercise.duration_seconds is not None
                assert 0 < exercise.estimated_seconds() <= brk.duration_seconds
                assert exercise.dose_text() != "as described"
    # the same text gives the same programme and hash
    again = parse(text, str(path))
    assert again.content_hash == programme.content_hash
    assert again.breaks == programme.breaks


def test_the_headache_programme_reads_as_written() -> None:
    programme = load_programme(REPO / "config/programmes/cervicogenic-headache-phase1.yaml")
    micro, movement = programme.breaks
    assert (micro.kind, micro.every_seconds, micro.duration_seconds) == (BreakKind.MICRO, 1500, 90)
    assert (movement.kind, movement.every_seconds, movement.duration_seconds) == (
        BreakKind.MOVEMENT, 3000, 180)
    assert (micro.snooze.minutes, micro.snooze.max_count) == (5, 2)
    assert (movement.snooze.minutes, movement.snooze.max_count) == (5, 1)
    hours = programme.settings.working_hours
    assert (hours.start, hours.end, hours.days) == (clock_time(8, 30), clock_time(17, 30),
                                                    frozenset(range(5)))
    checkins = programme.settings.checkins
    assert (checkins.neck_after_break, checkins.headache_daily, checkins.headache_at) == (
        True, True, clock_time(17, 0))
    week1 = programme.exercises_on(date(2026, 11, 30))
    week2 = programme.exercises_on(date(2026, 12, 7))
    week3 = programme.exercises_on(date(2026, 12, 14))
    # The chin nod's three stages: 5 x 5 s, 5 x 10 s, 8 x 10 s.
    assert (week1["chin-nod"].reps, week1["chin-nod"].hold_seconds) == (5, 5)
    assert (week2["chin-nod"].reps, week2["chin-nod"].hold_seconds) == (5, 10)
    assert (week3["chin-nod"].reps, week3["chin-nod"].hold_seconds) == (8, 10)
    assert (week2["scapular-setting"].sets, week2["scapular-setting"].rest_seconds) == (2, 10)
    assert week3["neck-rotation"].reps == 5
    assert week1["neck-rotation"].sides == ("left", "right")  # from the library
    assert week1["posture-reset"].duration_seconds == 20
    assert programme.phase_on(date(2026, 11, 30)) is None
    assert programme.phase_on(date(2026, 12, 7)).name == "build the hold (chin nod stage 2)"  # type: ignore[union-attr]


def test_the_library_holds_every_exercise_the_issue_names() -> None:
    library = load_library()
    assert ISSUE_LIBRARY <= set(library)
    assert len(library) >= 12


@pytest.mark.parametrize("path", LIBRARY_FILES, ids=lambda p: p.stem)
def test_every_library_file_parses_with_text_cautions_and_a_dose(path: Path) -> None:
    exercise = parse_library_exercise(path.read_text(encoding="utf-8"), str(path), path.stem)
    assert exercise.id == path.stem
    assert exercise.title and exercise.summary
    assert len(exercise.steps) >= 2
    assert exercise.cautions
    assert exercise.reps is not None or exercise.duration_seconds is not None
    assert exercise == load_library()[path.stem]


def test_a_library_file_with_a_mistake_is_reported_with_its_line() -> None:
    text = "title: Chin tuck\nsteps: [Sit tall.]\nreps: many\nsuits: [desk]\n"
    with pytest.raises(ProgrammeInvalid) as caught:
        parse_library_exercise(text, "chin.yaml", "chin")
    assert caught.value.lines() == [
        "chin.yaml:3:7: reps: expected a whole number, found 'many'",
        "chin.yaml:4:9: suits[0]: 'desk' is not one of micro, movement",
    ]


# -- the issue's example -------------------------------------------------------------------------

ISSUE_EXAMPLE = """\
deskbreak: 1
title: Neck and headache, phase 1
prescribed_by: Your physiotherapist, BSc (Hons) Physiotherapy
patient: Patient name
starts: 2026-11-23
review: 2026-12-14
notes: >
  Stop any exercise that brings on your headache, dizziness, pins and needles or pain
  down the arm, and tell me at your next appointment.
settings:
  natural_break: 5m
  respond_within: 10m
  working_hours: {days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00"}
breaks:
  - name: neck mobility
    kind: micro
    every: 25m
    duration: 60s
    snooze: {minutes: 5, max: 2}
    exercises: [chin-tuck, neck-rotation, upper-trap-stretch]
  - name: get up and move
    kind: movement
    every: 50m
    duration: 3m
    snooze: {minutes: 5, max: 1}
    exercises: [walk, thoracic-extension]
exercises:
  chin-tuck: {use: library/chin-tuck, reps: 8, hold: 5s}
  upper-trap-stretch: {use: library/upper-trapezius-stretch, hold: 20s, sides: [left, right]}
  walk:
    title: Walk to the kitchen and back
    steps: ["Stand up.", "Walk for at least two minutes, let your arms swing."]
    duration: 2m
phases:
  - from_week: 3
    exercises: {chin-tuck: {reps: 10, hold: 10s}}
"""


def test_the_issue_example_programme_validates_as_written() -> None:
    programme = parse(ISSUE_EXAMPLE)
    assert programme.title == "Neck and headache, phase 1"
    # An exercise of the physio's own fits any kind of break unless it says otherwise.
    assert set(programme.exercises["walk"].suits) == {BreakKind.MICRO, BreakKind.MOVEMENT}


def test_the_issue_example_warns_that_the_week_3_chin_tuck_runs_over_the_break() -> None:
    programme = parse(ISSUE_EXAMPLE)
    assert programme.warnings == (
        # The example's own walk has no cautions: the built-in stop rules still show.
        "p.yaml:31:5: exercises.walk: warning: 'walk' has no cautions of its own; only "
        "deskbreak's built-in stop rules will show. Add a 'Stop if ...' line",
        "p.yaml:36:28: phases[0].exercises.chin-tuck: warning: 'chin-tuck' takes about "
        "1 min 40 s (10 reps, hold 10 s), longer than the break 'neck mobility' (1 min); the "
        "guided break will run over",)


def test_the_issue_example_validates_once_the_week_3_dose_fits_the_break() -> None:
    text = ISSUE_EXAMPLE.replace("{reps: 10, hold: 10s}", "{reps: 10, hold: 5s}")
    programme = parse(text)
    assert [b.name for b in programme.breaks] == ["neck mobility", "get up and move"]
    assert programme.exercises["walk"].duration_seconds == 120
    assert programme.exercises["upper-trap-stretch"].hold_seconds == 20
    assert programme.exercises_on(date(2026, 12, 7))["chin-tuck"].reps == 10
    assert programme.exercises_on(date(2026, 12, 6))["chin-tuck"].reps == 8
    assert programme.notes.startswith("Stop any exercise")


def test_an_own_exercise_limited_to_micro_breaks_is_refused_in_a_movement_break() -> None:
    text = ISSUE_EXAMPLE.replace("    duration: 2m\n", "    duration: 2m\n    suits: [micro]\n")
    assert problems(text) == [
        "p.yaml:26:17: breaks[1].exercises[0]: 'walk' suits micro breaks, not movement"]


# -- problems, with line and column --------------------------------------------------------------

BROKEN = """\
deskbreak: 1
title: Broken on purpose
starts: 2026-11-23
setings:
  natural_break: 5m
breaks:
  - name: neck
    kind: micro
    every: 25m
    duration: 60s
    exercises: [chin-tuck]
    snoze: {minutes: 5}
  - name: move
    kind: movment
    every: [50m]
    duration: 3m
    exercises: [stand-and-walk]
  - name: stretch
    kind: micro
    every: 30
    duration: 30s
    exercises: [scm]
exercises:
  chin-tuck: {use: library/chin-tuck, reps: eight, hold: 5s}
  scm: {use: library/scm-strech, hold: 20s}
phases:
  - from_week: 2
    exercises: {chin-tuck: {reps: 10}}
  - from_week: 3
    until_week: 4
    exercises: {chin-tuck: {reps: 12}}
"""


def test_every_problem_is_reported_at_once_with_line_and_column() -> None:
    lines = problems(BROKEN, "broken.yaml")
    assert lines == [
        "broken.yaml:4:1: setings: unknown key 'setings' (did you mean 'settings'?)",
        "broken.yaml:12:5: breaks[0].snoze: unknown key 'snoze' (did you mean 'snooze'?)",
        ("broken.yaml:14:11: breaks[1].kind: 'movment' is not one of micro, movement "
        "(did you mean 'movement'?)"),
        "broken.yaml:15:12: breaks[1].every: expected a duration such as 30s or 5m, found a list",
        "broken.yaml:20:12: breaks[2].every: '30' has no unit; write 30s or 30m",
        "broken.yaml:24:45: exercises.chin-tuck.reps: expected a whole number, found 'eight'",
        ("broken.yaml:25:14: exercises.scm.use: no library exercise 'scm-strech' "
        "(did you mean 'scm-stretch'?)"),
        ("broken.yaml:29:16: phases[1].from_week: overlaps phases[0] (weeks 2+); "
        "phases may not overlap"),
    ]


def test_a_hold_longer_than_the_break_is_reported_at_the_hold() -> None:
    text = """\
deskbreak: 1
title: Hold too long
breaks:
  - name: neck
    kind: micro
    every: 25m
    duration: 30s
    exercises: [long-hold]
exercises:
  long-hold: {use: library/upper-trapezius-stretch, hold: 40s, sides: [left]}
"""
    assert problems(text) == [
        ("p.yaml:10:59: exercises.long-hold.hold: a 40 s hold is longer than the break "
        "'neck' (30 s)")]


def test_a_dose_that_takes_longer_than_the_break_is_a_warning_not_an_error() -> None:
    text = """\
deskbreak: 1
title: Too many reps
breaks:
  - name: neck
    kind: micro
    every: 25m
    duration: 30s
    exercises: [chin-tuck]
exercises:
  chin-tuck: {use: library/chin-tuck, reps: 10, hold: 5s}
"""
    [line] = parse(text).warnings
    assert line.startswith("p.yaml:10:") and ": warning: " in line
    assert "takes about 50 s" in line and "longer than the break 'neck' (30 s)" in line


def test_a_hold_longer_than_the_break_is_reported_together_with_other_problems() -> None:
    text = """\
deskbreak: 1
title: Two problems
colour: blue
breaks:
  - name: neck
    kind: micro
    every: 25m
    duration: 30s
    exercises: [long-hold]
exercises:
  long-hold: {use: library/upper-trapezius-stretch, hold: 40s, sides: [left]}
"""
    assert problems(text) == [
        "p.yaml:3:1: colour: unknown key 'colour'",
        ("p.yaml:11:59: exercises.long-hold.hold: a 40 s hold is longer than the break "
        "'neck' (30 s)"),
    ]


def test_an_unknown_exercise_is_reported_even_when_the_break_has_a_bad_every() -> None:
    text = """\
deskbreak: 1
title: Two problems in one break
breaks:
  - name: neck
    kind: micro
    every: 25
    duration: 60s
    exercises: [chin-tuk]
"""
    lines = problems(text)
    assert "p.yaml:6:12: breaks[0].every: '25' has no unit; write 25s or 25m" in lines
    assert any(line.startswith("p.yaml:8:17: breaks[0].exercises[0]: unknown exercise "
                               "'chin-tuk'") and "did you mean 'chin-tuck'" in line
               for line in lines), lines


def test_an_unknown_exercise_id_in_a_break_gets_a_did_you_mean() -> None:
    text = """\
deskbreak: 1
title: Typo
breaks:
  - name: neck
    kind: micro
    every: 25m
    duration: 60s
    exercises: [chin-tuck, neck-rotaton]
"""
    assert problems(text) == [
        ("p.yaml:8:28: breaks[0].exercises[1]: unknown exercise 'neck-rotaton': define it under "
        "exercises or use a library id (did you mean 'neck-rotation'?)")]


@pytest.mark.parametrize(("line", "message"), [
    ("every: 25", "'25' has no unit; write 25s or 25m"),
    ("every: 25.5", "'25.5' has no unit; write 25.5s or 25.5m"),
    ("every: '25'", "'25' has no unit; write 25s or 25m"),
    ("every: 2m", "2 min is too small; the least allowed is 5 min"),
    ("every: 5h", "5 h is too large; the most allowed is 4 h"),
    ("every: soon", "'soon' is not a duration; write it like 30s, 5m or 1h30m"),
    ("every: true", "'true' is not a duration; write it like 30s, 5m or 1h30m"),
    ("every:", "expected a duration such as 30s or 5m, found nothing (empty)"),
    ("every: {m: 5}", "expected a duration such as 30s or 5m, found a mapping"),
])
def test_a_wrong_every_is_reported_at_its_value(line: str, message: str) -> None:
    text = f"""\
deskbreak: 1
title: t
breaks:
  - name: neck
    kind: micro
    {line}
    duration: 60s
    exercises: [eye-break]
"""
    [reported] = problems(text)
    column = 11 if line == "every:" else 12  # an empty value sits just after the colon
    assert reported == f"p.yaml:6:{column}: breaks[0].every: {message}"


@pytest.mark.parametrize(("kind", "duration", "message"), [
    ("micro", "10s", "10 s is too small; the least allowed is 20 s"),
    ("micro", "2m", "a micro break lasts 20 s to 1 min 30 s, not 2 min"),
    ("movement", "45s", "a movement break lasts 1 min to 30 min, not 45 s"),
])
def test_an_impossible_break_duration_is_reported(kind: str, duration: str, message: str) -> None:
    exercise = "eye-break" if kind == "micro" else "stand-and-walk"
    text = f"""\
deskbreak: 1
title: t
breaks:
  - name: b
    kind: {kind}
    every: 25m
    duration: {duration}
    exercises: [{exercise}]
"""
    lines = problems(text)
    assert f"p.yaml:7:15: breaks[0].duration: {message}" in lines


def test_missing_required_keys_are_reported() -> None:
    lines = problems("deskbreak: 1\nbreaks:\n  - name: b\n    kind: micro\n")
    assert "p.yaml:1:1: title: missing required key 'title'" in lines
    assert any(line.startswith("p.yaml:3:5: breaks[0]: missing required key 'every'")
               for line in lines), lines
    assert any("missing required key 'exercises'" in line for line in lines)


def test_a_wrong_format_version_is_reported() -> None:
    assert problems("deskbreak: 2\ntitle: t\nbreaks: [{name: b, kind: micro, every: 25m, "
                    "duration: 60s, exercises: [eye-break]}]\n") == [
        "p.yaml:1:12: deskbreak: this deskbreak understands format 1, not '2'"]


def test_phases_without_a_start_date_are_reported() -> None:
    text = """\
deskbreak: 1
title: t
breaks: [{name: b, kind: micro, every: 25m, duration: 60s, exercises: [chin-tuck]}]
phases:
  - from_week: 2
    exercises: {chin-tuck: {reps: 4}}
"""
    assert problems(text) == [
        "p.yaml:5:3: phases: phases count weeks from `starts`; add starts: YYYY-MM-DD"]


def test_a_phase_override_of_an_exercise_no_break_uses_is_reported() -> None:
    text = """\
deskbreak: 1
title: t
starts: 2026-11-23
breaks: [{name: b, kind: micro, every: 25m, duration: 60s, exercises: [chin-tuck]}]
phases:
  - from_week: 2
    exercises: {chin-tuk: {reps: 4}}
"""
    [line] = problems(text)
    assert line.startswith("p.yaml:7:27: phases[0].exercises.chin-tuk: 'chin-tuk' is not used")
    assert "did you mean 'chin-tuck'" in line


def test_working_hours_that_end_before_they_start_are_reported() -> None:
    text = """\
deskbreak: 1
title: t
settings:
  working_hours: {from: "18:00", to: "08:00", days: [mon, funday]}
breaks: [{name: b, kind: micro, every: 25m, duration: 60s, exercises: [eye-break]}]
"""
    lines = problems(text)
    assert "p.yaml:4:38: settings.working_hours.to: the working day must end after it starts" \
        in lines
    assert any(line.startswith("p.yaml:4:59: settings.working_hours.days[1]: 'funday' is not "
                               "one of mon") for line in lines), lines


def test_duplicate_keys_and_break_names_are_reported() -> None:
    text = """\
deskbreak: 1
title: t
title: u
breaks:
  - {name: b, kind: micro, every: 25m, duration: 60s, exercises: [eye-break]}
  - {name: b, kind: micro, every: 30m, duration: 60s, exercises: [eye-break]}
"""
    assert problems(text) == [
        "p.yaml:3:1: title: appears twice; keep one",
        "p.yaml:6:12: breaks[1].name: another break is already called 'b'",
    ]


# -- hostile YAML --------------------------------------------------------------------------------

VALID_TAIL = ("breaks: [{name: b, kind: micro, every: 25m, duration: 60s, "
              "exercises: [eye-break]}]\n")


@pytest.mark.parametrize("text", [
    "deskbreak: 1\ntitle: !!python/object/apply:os.system [\"touch /tmp/pwned\"]\n" + VALID_TAIL,
    "deskbreak: 1\ntitle: !!python/name:os.system\n" + VALID_TAIL,
    "!!python/object:deskbreak.core.programme.Programme {title: x}\n",
    "deskbreak: 1\ntitle: !custom x\n" + VALID_TAIL,
    "deskbreak: 1\ntitle: !!binary aGVsbG8=\n" + VALID_TAIL,
    "deskbreak: 1\ntitle: t\nbreaks: !!set {a, b}\n",
])
def test_yaml_tags_that_build_objects_are_refused(text: str, tmp_path: Path) -> None:
    with pytest.raises(ProgrammeInvalid) as caught:
        parse(text)
    assert any("tag" in line and "not allowed" in line for line in caught.value.lines())
    assert all(re.match(r"^p\.yaml:\d+:\d+: ", line) for line in caught.value.lines())


def test_a_python_tag_is_reported_at_its_position() -> None:
    text = "deskbreak: 1\ntitle: !!python/object/apply:os.system [\"true\"]\n" + VALID_TAIL
    assert problems(text) == [
        ("p.yaml:2:8: (file): YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is "
        "not allowed; write plain values")]


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_is_refused_quickly() -> None:
    started = time.perf_counter()
    with pytest.raises(ProgrammeInvalid) as caught:
        parse(BILLION_LAUGHS)
    assert time.perf_counter() - started < 1.0
    lines = caught.value.lines()
    assert lines[0] == ("p.yaml:1:4: (file): anchors (&name) are not allowed; write each value "
                        "out in full")
    assert any("aliases (*name) are not allowed" in line for line in lines)


def test_a_single_harmless_alias_is_refused_too() -> None:
    text = "deskbreak: 1\ntitle: &t Neck\nnotes: *t\n" + VALID_TAIL
    assert problems(text) == [
        "p.yaml:2:8: (file): anchors (&name) are not allowed; write each value out in full",
        "p.yaml:3:8: (file): aliases (*name) are not allowed; write the value out in full",
    ]


def test_a_300_kib_file_is_refused() -> None:
    text = "deskbreak: 1\ntitle: t\nnotes: |\n" + ("  " + "x" * 98 + "\n") * 3072 + VALID_TAIL
    assert len(text.encode()) > 300 * 1024
    assert problems(text) == [
        (f"p.yaml:1:1: (file): file is {len(text.encode())} bytes; the limit is "
        f"{MAX_FILE_BYTES} bytes")]


def test_a_300_kib_file_on_disk_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("# " + "x" * (300 * 1024) + "\n", encoding="utf-8")
    with pytest.raises(ProgrammeInvalid) as caught:
        load_programme(path)
    assert caught.value.lines()[0].startswith(f"{path}:1:1: (file): file is ")


@pytest.mark.parametrize("text", [
    "[" * 5000 + "]" * 5000,
    "a: " + "[" * 100 + "]" * 100,
    "".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "v: 1\n",
    "{a: " * 200 + "1" + "}" * 200,
])
def test_deep_nesting_is_refused(text: str) -> None:
    started = time.perf_counter()
    lines = problems(text)
    assert time.perf_counter() - started < 1.0
    # Our own limit, or libyaml's (PyYAML 6.0.4+ stops at 1000 levels with its own message).
    assert any(f"nested deeper than {MAX_NESTING} levels" in line
               or "exceeded maximum nesting depth" in line for line in lines), lines


@pytest.mark.parametrize(("text", "expected"), [
    ("", "p.yaml:1:1: (file): the file is empty"),
    ("# only a comment\n", "p.yaml:1:1: (file): the file is empty"),
    ("- a\n- b\n", "p.yaml:1:1: (file): expected a mapping, found a list"),
    ("just text\n", "p.yaml:1:1: (file): expected a mapping, found 'just text'"),
    ("deskbreak: 1\ntitle: [unclosed\n", None),
    ("deskbreak: 1\n\ttitle: tab\n", None),
    ("deskbreak: 1\ntitle: t\n---\ndeskbreak: 1\n", None),
    ("? [a, b]\n: c\n", None),
    ("deskbreak: 1\ntitle: \"\\x\"\n", None),
])
def test_malformed_files_only_ever_raise_programme_invalid(text: str,
                                                          expected: str | None) -> None:
    lines = problems(text)
    assert lines
    assert all(re.match(r"^p\.yaml:\d+:\d+: ", line) for line in lines), lines
    if expected is not None:
        assert lines == [expected]


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("deskbreak: 1\ntitle: Übung\n".encode("latin-1"))
    with pytest.raises(ProgrammeInvalid) as caught:
        load_programme(path)
    assert caught.value.lines()[0].startswith(f"{path}:1:1: (file): not UTF-8 text")


# -- the JSON Schema ------------------------------------------------------------------------------


def _strings_for_dates(value: Any) -> Any:
    """YAML turns 2026-11-23 into a date; JSON has no dates, so write them back as text."""
    if isinstance(value, dict):
        return {k: _strings_for_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strings_for_dates(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def test_the_json_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    json.dumps(schema)  # plain JSON


@pytest.mark.parametrize("path", PROGRAMMES, ids=lambda p: p.name)
def test_the_json_schema_accepts_every_shipped_programme(path: Path) -> None:
    data = _strings_for_dates(yaml.safe_load(path.read_text(encoding="utf-8")))
    jsonschema.Draft202012Validator(json_schema()).validate(data)


def test_the_json_schema_accepts_the_issue_example() -> None:
    data = _strings_for_dates(yaml.safe_load(ISSUE_EXAMPLE))
    jsonschema.Draft202012Validator(json_schema()).validate(data)


@pytest.mark.parametrize(("change", "path"), [
    (lambda d: d.update(setings={}), []),
    (lambda d: d["breaks"][0].update(every=25), ["breaks", 0, "every"]),
    (lambda d: d["breaks"][0].update(kind="movment"), ["breaks", 0, "kind"]),
    (lambda d: d["breaks"][0].update(snoze={}), ["breaks", 0]),
    (lambda d: d.pop("title"), []),
])
def test_the_json_schema_refuses_what_the_validator_refuses(change: Any, path: list[Any]) -> None:
    data = _strings_for_dates(yaml.safe_load(ISSUE_EXAMPLE))
    change(data)
    errors = list(jsonschema.Draft202012Validator(json_schema()).iter_errors(data))
    assert errors
    assert [list(e.absolute_path) for e in errors] == [path]


def test_the_content_hash_is_the_sha256_of_the_file_text() -> None:
    import hashlib

    from deskbreak.core.programme_file import content_hash

    text = "title: Nacken\u00fcbungen\n"
    assert content_hash(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
