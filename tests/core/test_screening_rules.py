"""When the red-flag screening is asked, and what its answers lead to."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from deskbreak.core.screening import (
    QUESTION_IDS,
    QUESTIONS,
    Advice,
    Trigger,
    Urgency,
    assess,
    end_of_day,
    headache_trigger,
    neck_trigger,
    stop_trigger,
)


@pytest.mark.parametrize(("value", "before", "expected"), [
    (6, None, None),
    (7, None, Trigger.HIGH_NECK),
    (10, 9, Trigger.HIGH_NECK),
    (5, 3, None),          # a rise of 2 is not enough
    (5, 2, Trigger.NECK_RISE),   # a rise of exactly 3
    (6, 2, Trigger.NECK_RISE),
    (2, 6, None),          # a fall never triggers
])
def test_neck_rating_of_seven_or_a_rise_of_three_triggers_screening(
        value: int, before: int | None, expected: Trigger | None) -> None:
    assert neck_trigger(value, before) is expected


@pytest.mark.parametrize(("answer", "expected"), [
    ("severe", Trigger.SEVERE_HEADACHE), ("moderate", None), ("none", None),
    (7, Trigger.SEVERE_HEADACHE), (10, Trigger.SEVERE_HEADACHE), (6, None), (0, None),
    (True, None),
])
def test_severe_headache_answer_triggers_screening(answer: str | int,
                                                   expected: Trigger | None) -> None:
    assert headache_trigger(answer) is expected


def test_only_a_stop_because_of_symptoms_triggers_screening() -> None:
    assert stop_trigger("symptoms") is Trigger.STOPPED_FOR_SYMPTOMS
    assert stop_trigger("busy") is None
    assert stop_trigger("other") is None
    assert stop_trigger(None) is None


def test_all_no_gives_reassurance_and_tell_your_physio() -> None:
    result = assess({q: False for q in QUESTION_IDS})
    assert result.advice is Advice.REASSURE and not result.any_yes
    assert "tell your physiotherapist" in result.text


def test_a_same_day_yes_gives_same_day_advice_and_says_neck_prompts_pause() -> None:
    answers = {q: False for q in QUESTION_IDS} | {"arm_symptoms": True}
    result = assess(answers)
    assert result.advice is Advice.SAME_DAY and result.yes == ("arm_symptoms",)
    assert "doctor today" in result.text and "paused for the rest of today" in result.text


def test_an_emergency_yes_wins_over_same_day_yeses() -> None:
    answers = {q.id: True for q in QUESTIONS}
    result = assess(answers)
    assert result.advice is Advice.EMERGENCY
    assert "emergency number" in result.text and "Do not drive" in result.text
    assert result.yes == QUESTION_IDS


def test_every_emergency_question_alone_gives_emergency_advice() -> None:
    for question in QUESTIONS:
        advice = assess({question.id: True}).advice
        assert advice is (Advice.EMERGENCY if question.urgency is Urgency.EMERGENCY
                          else Advice.SAME_DAY), question.id


def test_unknown_question_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown screening question"):
        assess({"made_up": True})


def test_safety_pause_lasts_until_midnight_in_local_time() -> None:
    zone = timezone(timedelta(hours=1))
    now = datetime(2026, 12, 2, 15, 40, tzinfo=zone)
    assert end_of_day(now) == datetime(2026, 12, 3, 0, 0, tzinfo=zone)


def test_questions_are_plain_yes_no_questions_without_diagnoses() -> None:
    for question in QUESTIONS:
        assert question.text.endswith("?")
        assert "stroke" not in question.text.lower()


def test_screening_safety_and_diary_events_round_trip_through_json_and_the_store(
        tmp_path: object) -> None:
    from pathlib import Path

    from deskbreak.core.events import (
        HeadacheDiary,
        SafetyAdvice,
        Screening,
        ScreeningDue,
        event_from_json,
        event_to_json,
    )
    from deskbreak.store import open_store

    at = datetime(2026, 12, 2, 15, 40).astimezone()
    events = [
        ScreeningDue(at=at, trigger=Trigger.HIGH_NECK.value),
        Screening(at=at, trigger=Trigger.HIGH_NECK.value,
                  answers={"sudden_severe": False, "arm_symptoms": True}),
        SafetyAdvice(at=at, trigger=Trigger.HIGH_NECK.value, any_yes=True,
                     advice="same_day", until=end_of_day(at)),
        HeadacheDiary(at=at, day="2026-12-01", intensity=6, duration="1-4h", painkillers=True),
        HeadacheDiary(at=at, day="2026-12-02", intensity=0),
    ]
    for event in events:
        assert event_from_json(event_to_json(event)) == event
    assert event_to_json(events[2])["until"] == "2026-12-03T00:00:00" + at.strftime("%z")[:3] \
        + ":" + at.strftime("%z")[3:]
    store = open_store(Path(str(tmp_path)) / "log.sqlite")
    for event in events:
        store.append(event)
    store.close()
    store = open_store(Path(str(tmp_path)) / "log.sqlite", read_only=True)
    assert list(store.events()) == events
    store.close()
