"""The headache diary: entries, old one-word answers, and catch-up days."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from deskbreak.core.diary import (
    CATCH_UP_DAYS,
    LEVEL_INTENSITY,
    entry_from_answer,
    from_level,
    merge_days,
    missed_days,
)

AT = datetime(2026, 12, 2, 17, 0, tzinfo=timezone.utc)


def test_an_answer_becomes_an_entry_for_today_by_default() -> None:
    entry = entry_from_answer(AT, {"intensity": 6, "duration": "1-4h", "painkillers": True})
    assert (entry.day, entry.intensity, entry.duration, entry.painkillers) == (
        "2026-12-02", 6, "1-4h", True)


def test_no_headache_has_no_duration() -> None:
    entry = entry_from_answer(AT, {"intensity": 0, "duration": "1-4h"})
    assert entry.duration is None


@pytest.mark.parametrize(("answer", "message"), [
    ({"intensity": 11}, "0-10"),
    ({"intensity": True}, "0-10"),
    ({"intensity": 3, "duration": "ages"}, "duration"),
    ({"intensity": 3, "painkillers": "yes"}, "painkillers"),
    ({"intensity": 3, "day": "tomorrow"}, "date"),
    ({"intensity": 3, "day": "2026-12-03"}, "still to come"),
])
def test_impossible_answers_are_refused(answer: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        entry_from_answer(AT, answer)


def test_old_one_word_answers_read_on_the_same_scale() -> None:
    assert from_level(date(2026, 3, 2), "mild").intensity == LEVEL_INTENSITY["mild"]  # type: ignore[union-attr]
    assert from_level(date(2026, 3, 2), "none").headache is False  # type: ignore[union-attr]
    assert from_level(date(2026, 3, 2), "awful") is None


def test_a_later_answer_about_the_same_day_replaces_the_earlier_one() -> None:
    day = date(2026, 3, 2)
    merged = merge_days([from_level(day, "mild"), from_level(day, "none")])  # type: ignore[list-item]
    assert merged[day].intensity == 0


def test_missed_days_are_the_unanswered_days_of_the_last_week_oldest_first() -> None:
    today = date(2026, 12, 7)  # Monday
    answered = [date(2026, 12, 3), date(2026, 12, 4)]
    assert missed_days(answered, today, first_use=date(2026, 12, 2)) == [
        date(2026, 12, 2), date(2026, 12, 5), date(2026, 12, 6)]  # weekend days off included


def test_missed_days_reach_back_at_most_a_week() -> None:
    today = date(2026, 12, 31)
    days = missed_days([], today, first_use=date(2026, 1, 1))
    assert len(days) == CATCH_UP_DAYS and days[0] == today - timedelta(days=CATCH_UP_DAYS)
    assert missed_days([], today, first_use=today) == []


def test_catch_up_days_come_from_the_log_old_and_new_answers_alike() -> None:
    from deskbreak.core.diary import diary_gaps, diary_request
    from deskbreak.core.events import CheckinAnswered, HeadacheDiary

    def at(day: int, hour: int = 18) -> datetime:
        return datetime(2026, 12, day, hour, tzinfo=timezone.utc)

    log = [
        CheckinAnswered(at(1), "headache", "mild"),                     # Tue 1st: old word
        HeadacheDiary(at(2), "2026-12-02", 3, "1-4h", False),          # Wed 2nd
        HeadacheDiary(at(4, 9), "2026-12-03", 0, None, False),          # Thu 3rd, caught up
    ]
    # Monday 7th: Fri 4th, Sat 5th and Sun 6th were never answered (days off included).
    gaps = diary_gaps(log, date(2026, 12, 7))
    days = gaps.missed
    assert days == [date(2026, 12, 4), date(2026, 12, 5), date(2026, 12, 6)]
    assert diary_request(days) == {"question": "headache",
                                   "days": ["2026-12-04", "2026-12-05", "2026-12-06"]}
    assert not gaps.today_answered
    assert diary_gaps([], date(2026, 12, 7)).missed == []
