"""The shipped defaults and library follow the evidence and say what they are for."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO, run_cli

from deskbreak.core.programme import BreakKind
from deskbreak.core.safety import BUILT_IN_STOP_RULES, stop_rules
from deskbreak.library import load_library, load_programme

DEFAULT = REPO / "config" / "default.yaml"
DOC = REPO / "docs" / "exercise-library.md"
#: Exercises that need an assessment first: end-range stretches, strengthening, pressure on the
#: neck. The default programme, used by people nobody has assessed, has none of them.
AFTER_ASSESSMENT = {"chin-nod", "cervical-isometrics", "band-row", "wall-slide",
                    "thoracic-extension", "upper-trapezius-stretch", "levator-scapulae-stretch",
                    "suboccipital-release", "scalene-stretch", "scm-stretch"}


def test_default_moves_every_45_to_50_minutes_with_micro_breaks_in_between() -> None:
    programme = load_programme(DEFAULT)
    movement = [b for b in programme.breaks if b.kind is BreakKind.MOVEMENT]
    micro = [b for b in programme.breaks if b.kind is BreakKind.MICRO]
    assert len(movement) == 1 and 45 * 60 <= movement[0].every_seconds <= 50 * 60
    assert micro and all(20 * 60 <= b.every_seconds < movement[0].every_seconds for b in micro)


def test_default_uses_only_gentle_exercises_each_once_and_asks_about_headaches() -> None:
    programme = load_programme(DEFAULT)
    for brk in programme.breaks:
        assert len(set(brk.exercise_ids)) == len(brk.exercise_ids), brk.name
        assert not set(brk.exercise_ids) & AFTER_ASSESSMENT, brk.name
    assert programme.settings.checkins.headache_daily
    assert programme.settings.checkins.neck_after_break
    assert not programme.patient and programme.starts is None and programme.review is None


def test_default_reads_as_a_general_programme() -> None:
    text = DEFAULT.read_text(encoding="utf-8").lower()
    assert "this patient" not in text and "for you" not in text
    assert "general" in text


def test_thoracic_extension_is_standing_and_for_movement_breaks_only() -> None:
    exercise = load_library()["thoracic-extension"]
    assert exercise.suits == (BreakKind.MOVEMENT,)
    steps = " ".join(exercise.steps).lower()
    assert "hands on your lower back" in steps and "backrest" not in steps


def test_upper_trapezius_stretch_adds_slight_flexion_and_rotation_to_the_side_bend() -> None:
    steps = " ".join(load_library()["upper-trapezius-stretch"].steps).lower()
    assert "chin down" in steps and "turn your face" in steps


def test_chin_tuck_and_chin_nod_are_told_apart_and_the_nod_is_staged() -> None:
    library = load_library()
    assert "not the same as the chin nod" in library["chin-tuck"].summary
    nod = library["chin-nod"]
    assert "stage" in nod.summary.lower()
    assert re.search(r"stage 1 .* stage 2.* stage 3", " ".join(nod.steps))


def test_every_library_exercise_gets_every_built_in_stop_rule_when_shown() -> None:
    for exercise in load_library().values():
        shown = " ".join(stop_rules(exercise.cautions)).lower()
        for marker in ("hurt", "dizzy", "numb", "headache"):
            alternatives = {"hurt": ("hurt", "pain"),
                            "numb": ("numb", "pins and needles")}.get(marker, (marker,))
            assert any(a in shown for a in alternatives), (exercise.id, marker)
    assert len(stop_rules(())) == len(BUILT_IN_STOP_RULES)


def test_exercise_library_doc_lists_every_exercise_and_asks_for_a_physio_review() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "physiotherapist should read and review these texts" in text
    ids = set(re.findall(r"^\| `([a-z0-9-]+)` \|", text, flags=re.MULTILINE))
    assert ids == set(load_library())


def test_programme_check_warns_about_an_exercise_without_cautions(tmp_path: Path) -> None:
    path = tmp_path / "bare.yaml"
    path.write_text("""\
deskbreak: 1
title: Bare
breaks:
  - name: neck
    kind: micro
    every: 25m
    duration: 60s
    exercises: [wiggle, chin-tuck]
exercises:
  wiggle:
    title: Wiggle
    steps: [Wiggle your shoulders gently., Relax.]
    reps: 5
  chin-tuck: {use: library/chin-tuck, cautions: []}
""", encoding="utf-8")
    result = run_cli("programme", "check", str(path))
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stdout.splitlines() if "no cautions of its own" in line]
    assert [w.split(": ")[1] for w in warnings] == ["exercises.wiggle", "exercises.chin-tuck"]
    assert "2 warnings" in result.stdout


def test_shipped_programmes_check_without_caution_warnings() -> None:
    paths = [DEFAULT, *sorted((REPO / "config" / "programmes").glob("*.yaml"))]
    result = run_cli("programme", "check", *map(str, paths))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no cautions" not in result.stdout


def test_the_pre_break_rating_is_a_programme_setting(tmp_path: Path) -> None:
    programme = load_programme(REPO / "config" / "programmes" /
                               "cervicogenic-headache-phase1.yaml")
    assert programme.settings.checkins.neck_before_break
    assert not load_programme(DEFAULT).settings.checkins.neck_before_break
    schema = run_cli("programme", "schema").stdout
    assert "neck_before_break" in schema


def test_the_guided_break_request_carries_the_built_in_stop_rules() -> None:
    from deskbreak.core.programme import Exercise
    from deskbreak.ui.prompt_protocol import exercise_payload

    bare = Exercise(id="wiggle", title="Wiggle", steps=("Wiggle.",), reps=3)
    assert exercise_payload(bare)["cautions"] == list(BUILT_IN_STOP_RULES)
    own = load_library()["neck-rotation"]
    cautions = exercise_payload(own)["cautions"]
    assert cautions[:len(own.cautions)] == list(own.cautions)
