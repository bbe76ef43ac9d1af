"""The guided break's screen sequence, built from the physio's dose (pure, no Tk)."""

from __future__ import annotations

import pytest

from deskbreak.core.programme import Exercise
from deskbreak.ui.guided_steps import (
    GET_READY_SECONDS,
    RELEASE_SECONDS,
    ScreenKind,
    completed_exercises,
    finishes_exercise,
    guided_screens,
    next_exercise_index,
    progress_text,
    seconds_left,
    time_left_text,
)
from deskbreak.ui.prompt_protocol import (
    RequestError,
    exercise_payload,
    parse_request,
)


def kinds(screens: tuple) -> list[str]:
    return [s.kind.value for s in screens]


def test_single_exercise_with_reps_and_hold_gives_intro_then_one_rep_screen_per_rep() -> None:
    chin = Exercise(id="chin", title="Chin tucks", reps=3, hold_seconds=5,
                    cautions=("Stop if it hurts",))
    screens = guided_screens([chin], neck_checkin=False)
    # A short release between two holds (issue 8, point 9: holds ran back to back).
    assert kinds(screens) == ["intro", "rep", "release", "rep", "release", "rep", "finish"]
    reps = [s for s in screens if s.kind is ScreenKind.REP]
    assert [s.heading for s in reps] == ["Rep 1 of 3", "Rep 2 of 3", "Rep 3 of 3"]
    assert all(s.countdown_seconds == 5 and s.hold for s in reps)
    # The physio's cautions stay visible on every screen of the exercise.
    assert all(s.cautions == ("Stop if it hurts",) for s in screens[:-1])
    assert screens[0].countdown_seconds is None  # the intro waits for the user


def test_sides_each_get_a_get_ready_screen_and_their_own_reps() -> None:
    rotation = Exercise(id="rot", title="Rotation", reps=2, sides=("left", "right"))
    screens = guided_screens([rotation], neck_checkin=False)
    assert kinds(screens) == ["intro", "side", "rep", "rep", "side", "rep", "rep", "finish"]
    assert [s.heading for s in screens if s.kind is ScreenKind.SIDE] == ["Left side",
                                                                         "Right side"]
    assert screens[1].countdown_seconds == GET_READY_SECONDS
    assert [s.side for s in screens if s.kind is ScreenKind.REP] == ["left", "left",
                                                                     "right", "right"]
    assert "right side" in screens[5].detail


def test_sets_are_separated_by_rest_but_no_rest_after_the_last_set() -> None:
    ex = Exercise(id="x", title="X", reps=2, sets=3, rest_seconds=20)
    screens = guided_screens([ex], neck_checkin=False)
    assert kinds(screens) == ["intro", "rep", "rep", "rest", "rep", "rep", "rest", "rep", "rep",
                              "finish"]
    rests = [s for s in screens if s.kind is ScreenKind.REST]
    assert all(s.countdown_seconds == 20 for s in rests)
    assert [s.detail for s in rests] == ["set 2 of 3 next", "set 3 of 3 next"]
    assert [s.set_number for s in screens if s.kind is ScreenKind.REP] == [1, 1, 2, 2, 3, 3]
    assert "set 2 of 3" in screens[4].detail


def test_sets_without_rest_follow_each_other_directly() -> None:
    ex = Exercise(id="x", title="X", reps=1, sets=2)
    assert kinds(guided_screens([ex], neck_checkin=False)) == ["intro", "rep", "rep", "finish"]


def test_unheld_reps_are_paced_by_seconds_per_rep() -> None:
    ex = Exercise(id="x", title="X", reps=2, seconds_per_rep=4)
    reps = [s for s in guided_screens([ex], False) if s.kind is ScreenKind.REP]
    assert [(s.countdown_seconds, s.hold) for s in reps] == [(4, False), (4, False)]


def test_time_dosed_exercise_splits_its_duration_across_sides() -> None:
    stretch = Exercise(id="s", title="Stretch", duration_seconds=60,
                             sides=("left", "right"))
    screens = guided_screens([stretch], neck_checkin=False)
    assert kinds(screens) == ["intro", "side", "timed", "side", "timed", "finish"]
    assert [s.countdown_seconds for s in screens if s.kind is ScreenKind.TIMED] == [30, 30]


def test_neck_checkin_replaces_the_finish_screen() -> None:
    ex = Exercise(id="x", title="X", reps=1)
    screens = guided_screens([ex], neck_checkin=True)
    assert kinds(screens) == ["intro", "rep", "checkin"]
    assert screens[-1].heading == "How is your neck now?"


def test_a_break_without_exercises_still_has_a_closing_screen() -> None:
    assert kinds(guided_screens([], neck_checkin=False)) == ["finish"]
    assert kinds(guided_screens([], neck_checkin=True)) == ["checkin"]


def test_only_the_last_screen_of_each_exercise_completes_it() -> None:
    a = Exercise(id="a", title="A", reps=2)
    b = Exercise(id="b", title="B", reps=1, sides=("left", "right"))
    screens = guided_screens([a, b], neck_checkin=True)
    completing = [i for i, s in enumerate(screens) if s.completes_exercise]
    assert [screens[i].exercise_id for i in completing] == ["a", "b"]
    first_done = completing[0]
    # Stopping on the completing screen itself has not finished it; moving past it has.
    assert completed_exercises(screens, first_done) == ()
    assert completed_exercises(screens, first_done + 1) == ("a",)
    assert completed_exercises(screens, len(screens) - 1) == ("a", "b")


def test_exercise_numbers_count_through_the_break() -> None:
    exs = [Exercise(id=str(i), title=f"E{i}", reps=1) for i in range(3)]
    intros = [s for s in guided_screens(exs, False) if s.kind is ScreenKind.INTRO]
    assert [(s.exercise_number, s.exercise_count) for s in intros] == [(1, 3), (2, 3), (3, 3)]


def test_request_built_from_a_core_exercise_round_trips_through_parse_request() -> None:
    core = Exercise(id="chin", title="Chin tucks", steps=("Sit tall",), reps=8, sets=2,
                    hold_seconds=5, rest_seconds=30, sides=("left", "right"))
    request = parse_request({"break": "neck mobility", "kind": "micro",
                             "exercises": [exercise_payload(core)]})
    ex = request.exercises[0]
    assert (ex.reps, ex.sets, ex.hold_seconds, ex.rest_seconds, ex.sides) == (
        8, 2, 5.0, 30.0, ("left", "right"))
    # The window works with the core's own Exercise; the request adds the built-in stop rules
    # to its cautions (core.safety), whatever the programme says.
    from dataclasses import replace

    from deskbreak.core.safety import stop_rules
    assert ex == replace(core, cautions=stop_rules(core.cautions))


@pytest.mark.parametrize("bad, message", [
    ({"kind": "micro"}, "break is missing"),
    ({"break": "b", "kind": "nap"}, "kind must be"),
    ({"break": "b", "exercises": [{"title": "t", "reps": "eight"}]}, "reps must be"),
    ({"break": "b", "exercises": [{"title": "t", "hold_seconds": -1}]}, "must not be negative"),
    ({"break": "b", "corner": "middle"}, "corner must be"),
])
def test_malformed_requests_are_rejected_naming_the_field(bad: dict, message: str) -> None:
    with pytest.raises(RequestError, match=message):
        parse_request(bad)


def test_holds_are_separated_by_a_release_moment_but_unheld_reps_are_not() -> None:
    held = Exercise(id="h", title="Held", reps=2, sets=2, hold_seconds=10, rest_seconds=15)
    screens = guided_screens([held], neck_checkin=False)
    assert kinds(screens) == ["intro", "rep", "release", "rep", "rest", "rep", "release", "rep",
                              "finish"]
    releases = [s for s in screens if s.kind is ScreenKind.RELEASE]
    assert all(s.countdown_seconds == RELEASE_SECONDS and not s.hold for s in releases)
    unheld = Exercise(id="u", title="Unheld", reps=3)
    assert "release" not in kinds(guided_screens([unheld], neck_checkin=False))


def test_progress_says_which_exercise_of_how_many_and_roughly_how_long_is_left() -> None:
    exs = [Exercise(id=f"e{i}", title=f"E{i}", reps=6, seconds_per_rep=5) for i in range(4)]
    screens = guided_screens(exs, neck_checkin=True)
    second_intro = next(i for i, s in enumerate(screens)
                        if s.kind is ScreenKind.INTRO and s.exercise_number == 2)
    # Three exercises of 6 x 5 s plus three introductions left: 120 s.
    assert seconds_left(screens, second_intro) == 3 * 30 + 3 * 10
    assert progress_text(screens[second_intro], seconds_left(screens, second_intro)) == (
        "Exercise 2 of 4 \u00b7 about 2 min left")
    assert time_left_text(70) == "about 1 min left"
    assert time_left_text(30) == "under a minute left"
    assert time_left_text(3) == "almost done"
    assert progress_text(screens[-1], 0) == ""  # the check-in is not an exercise


def test_skip_this_exercise_goes_to_the_next_exercise_and_finishes_nothing() -> None:
    a = Exercise(id="a", title="A", reps=3, hold_seconds=5)
    b = Exercise(id="b", title="B", reps=1)
    screens = guided_screens([a, b], neck_checkin=False)
    assert screens[next_exercise_index(screens, 2)].exercise_id == "b"
    assert screens[next_exercise_index(screens, 2)].kind is ScreenKind.INTRO
    last_of_b = max(i for i, s in enumerate(screens) if s.exercise_id == "b")
    assert screens[next_exercise_index(screens, last_of_b)].kind is ScreenKind.FINISH
    assert [finishes_exercise(screens, i) for i in range(len(screens))].count("a") == 1
