"""Scenario tests: a worrying answer asks the red-flag questions; a yes pauses neck prompts for
the rest of the day while movement breaks go on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_engine import NINE, Desk, clock, m

from deskbreak.core.events import (
    Answer,
    HeadacheDiary,
    PromptShown,
    SafetyAdvice,
    Screening,
    ScreeningDue,
)
from deskbreak.core.screening import QUESTION_IDS, Trigger

ALL_NO = dict.fromkeys(QUESTION_IDS, False)
ARM_YES = ALL_NO | {"arm_symptoms": True}


def checkin(desk: Desk, question: str, value: object, prompt: int | None = None) -> list[object]:
    events = desk.engine.checkin(desk.now, question, value, prompt_id=prompt)  # type: ignore[arg-type]
    desk.events += events
    return events


def screen(desk: Desk, answers: dict[str, bool]) -> list[object]:
    events = desk.engine.screening(desk.now, answers)
    desk.events += events
    return events


def dues(desk: Desk) -> list[ScreeningDue]:
    return [e for e in desk.events if isinstance(e, ScreeningDue)]


def test_neck_rating_of_seven_after_a_break_asks_the_screening_questions() -> None:
    desk = Desk()
    prompt = desk.until_prompt()
    desk.answer(Answer.DONE)
    events = checkin(desk, "neck", 7, prompt.prompt)
    assert [e.KIND for e in events] == ["checkin", "screening_due"]  # type: ignore[attr-defined]
    assert dues(desk)[0].trigger == Trigger.HIGH_NECK.value
    assert desk.engine.screening_pending == Trigger.HIGH_NECK.value


def test_neck_rating_of_six_asks_nothing() -> None:
    desk = Desk()
    desk.until_prompt()
    desk.answer(Answer.DONE)
    assert [e.KIND for e in checkin(desk, "neck", 6, 1)] == ["checkin"]  # type: ignore[attr-defined]
    assert desk.engine.screening_pending is None


def test_a_rise_of_three_over_the_rating_before_the_break_asks_the_questions() -> None:
    desk = Desk()
    desk.until_prompt()
    desk.engine.start_break(desk.now)
    assert len(checkin(desk, "neck_before", 2, 1)) == 1
    desk.answer(Answer.DONE)
    checkin(desk, "neck", 5, 1)
    assert [d.trigger for d in dues(desk)] == [Trigger.NECK_RISE.value]


def test_a_rise_of_two_asks_nothing() -> None:
    desk = Desk()
    desk.until_prompt()
    checkin(desk, "neck_before", 3, 1)
    desk.answer(Answer.DONE)
    checkin(desk, "neck", 5, 1)
    assert dues(desk) == []


def test_a_rise_against_yesterdays_rating_asks_nothing() -> None:
    desk = Desk()
    checkin(desk, "neck", 1)
    desk.now += timedelta(days=1)
    checkin(desk, "neck", 5)
    assert dues(desk) == []


def test_a_severe_headache_answer_asks_the_questions_old_scale_and_diary() -> None:
    old = Desk()
    checkin(old, "headache", "severe")
    assert [d.trigger for d in dues(old)] == [Trigger.SEVERE_HEADACHE.value]
    new = Desk()
    events = checkin(new, "headache", {"intensity": 8, "duration": "over-4h",
                                       "painkillers": True})
    assert isinstance(events[0], HeadacheDiary) and events[0].day == NINE.date().isoformat()
    assert [d.trigger for d in dues(new)] == [Trigger.SEVERE_HEADACHE.value]
    moderate = Desk()
    checkin(moderate, "headache", {"intensity": 6})
    assert dues(moderate) == []


def test_a_catch_up_answer_about_an_earlier_day_does_not_ask_the_questions() -> None:
    desk = Desk()
    checkin(desk, "headache", {"day": "2026-11-20", "intensity": 9})
    assert dues(desk) == []


def test_stop_because_of_symptoms_asks_the_questions_stop_because_busy_does_not() -> None:
    busy = Desk()
    busy.until_prompt()
    busy.engine.start_break(busy.now)
    _, events = busy.engine.answer(busy.now, Answer.STOPPED, reason="busy")
    assert [e.KIND for e in events] == ["outcome"]
    ill = Desk()
    ill.until_prompt()
    ill.engine.start_break(ill.now)
    _, events = ill.engine.answer(ill.now, Answer.PARTIAL, finished=("chin-tuck",),
                                  reason="symptoms")
    assert [e.KIND for e in events] == ["outcome", "screening_due"]
    assert events[1].trigger == Trigger.STOPPED_FOR_SYMPTOMS.value  # type: ignore[union-attr]


def test_any_yes_pauses_neck_prompts_until_midnight_while_movement_breaks_go_on() -> None:
    desk = Desk()
    first = desk.until_prompt()
    assert first.kind == "micro"
    desk.answer(Answer.DONE)
    checkin(desk, "neck", 8, first.prompt)
    screening, advice = screen(desk, ARM_YES)
    assert isinstance(screening, Screening) and screening.trigger == Trigger.HIGH_NECK.value
    assert screening.answers == ARM_YES
    assert isinstance(advice, SafetyAdvice)
    assert (advice.any_yes, advice.advice) == (True, "same_day")
    assert advice.until == clock(NINE.date() + timedelta(days=1), 0)
    assert desk.engine.screening_pending is None
    # The rest of the working day: answer every prompt; none is a neck (micro) prompt.
    seen_before = len(desk.prompts())
    while desk.now < clock(NINE.date(), 17, 55):
        desk.active(m(1))
        if desk.engine.open_prompt is not None:
            desk.answer(Answer.DONE)
            desk.idle(m(6))  # they walk: the bout ends
    later: list[PromptShown] = desk.prompts()[seen_before:]
    assert later and {p.kind for p in later} == {"movement"}
    assert desk.engine.break_now(desk.now) == [] or desk.engine.open_prompt.brk.kind.value \
        == "movement"  # type: ignore[union-attr]


def test_neck_prompts_come_back_the_next_day_after_a_safety_pause() -> None:
    desk = Desk()
    desk.until_prompt()
    desk.answer(Answer.DONE)
    checkin(desk, "neck", 9, 1)
    screen(desk, ARM_YES)
    desk.asleep(clock(NINE.date() + timedelta(days=1), 9) - desk.now)
    desk.last_input = desk.now
    prompt = desk.until_prompt()
    assert prompt.kind == "micro" and prompt.at.date() == NINE.date() + timedelta(days=1)


def test_all_no_gives_reassurance_and_neck_prompts_carry_on() -> None:
    desk = Desk()
    desk.until_prompt()
    desk.answer(Answer.DONE)
    checkin(desk, "neck", 7, 1)
    _, advice = screen(desk, ALL_NO)
    assert (advice.any_yes, advice.advice, advice.until) == (False, "reassure", None)  # type: ignore[union-attr]
    kinds = []
    for _ in range(3):
        kinds.append(desk.until_prompt().kind)
        desk.answer(Answer.DONE)
    assert "micro" in kinds


def test_the_questions_are_asked_at_most_once_a_day() -> None:
    desk = Desk()
    checkin(desk, "neck", 8)
    screen(desk, ALL_NO)
    desk.now += m(30)
    checkin(desk, "neck", 9)
    checkin(desk, "headache", "severe")
    assert len(dues(desk)) == 1
    desk.now += timedelta(days=1)
    checkin(desk, "neck", 8)
    assert len(dues(desk)) == 2


def test_a_restored_safety_pause_keeps_neck_prompts_away() -> None:
    desk = Desk()
    desk.engine.pause_neck_prompts(clock(NINE.date(), 12))
    prompt = desk.until_prompt()
    assert prompt.kind == "movement"
    assert desk.engine.neck_prompts_paused_until(desk.now) == clock(NINE.date(), 12)


def test_unknown_screening_question_is_refused() -> None:
    desk = Desk()
    with pytest.raises(ValueError, match="unknown screening question"):
        desk.engine.screening(desk.now, {"bogus": True})
