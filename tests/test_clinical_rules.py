"""Scenario tests of the rules a physio relies on: trends at and around their thresholds, flags
only on repeated clear rises, the review banner's three causes, painkiller days."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskbreak.core.compliance import Period, Report, summarise
from deskbreak.core.events import (
    CheckinAnswered,
    Event,
    HeadacheDiary,
    Outcome,
    PromptOutcome,
    SafetyAdvice,
    Screening,
    ScreeningDue,
)

LONDON = ZoneInfo("Europe/London")
START = date(2026, 3, 2)  # a Monday
#: Four weeks: the first half is 2-15 March, the second 16-29 March.
MONTH = Period(START, START + timedelta(days=27))


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def neck_days(first: float, second: float, days_each: int = 7) -> list[Event]:
    """One neck answer a day on `days_each` days of each half: `first` then `second` (values
    may be .5: alternate days round down and up)."""
    events: list[Event] = []
    for half, value in ((0, first), (1, second)):
        for i in range(days_each):
            day = START + timedelta(days=14 * half + i)
            score = int(value) + (1 if value % 1 and i % 2 else 0)
            events.append(CheckinAnswered(at(day), "neck", score))
    return sorted(events, key=lambda e: e.at)


@pytest.mark.parametrize(("first", "second", "words"), [
    (6, 4, "better"),            # 2 points and 33%: clear
    (6, 4.5, "no clear change"),  # 1.5 points: under 2 (the old rule said "better")
    (8, 6, "no clear change"),    # 2 points but 25%: under 30%
    (9, 6, "better"),             # 3 points and 33%
    (4, 6, "worse"),              # up 2 points and 50%
    (4.9, 4.9, "no clear change"),
])
def test_neck_trend_needs_two_points_and_thirty_percent(first: float, second: float,
                                                        words: str) -> None:
    assert summarise(neck_days(first, second), MONTH).pain_trend.words == words


def test_neck_trend_needs_answers_on_four_days_in_each_half() -> None:
    assert summarise(neck_days(8, 2, days_each=3), MONTH).pain_trend.words == "not enough answers"
    assert summarise(neck_days(8, 2, days_each=4), MONTH).pain_trend.words == "better"


def test_many_answers_on_few_days_are_still_not_enough() -> None:
    events = [CheckinAnswered(at(START + timedelta(days=d), h), "neck", v)
              for d, v in ((0, 8), (15, 2)) for h in range(9, 17)]
    assert summarise(events, MONTH).pain_trend.words == "not enough answers"


def diary(days: list[tuple[int, int, bool | None]]) -> list[Event]:
    """Diary entries: (day offset, intensity, painkillers), answered the same evening."""
    return [HeadacheDiary(at(START + timedelta(days=d), 18), (START + timedelta(days=d)).isoformat(),
                          intensity, "1-4h" if intensity else None, pills)
            for d, intensity, pills in days]


def test_headache_trend_from_headache_days_a_week() -> None:
    # First half: headache 4 days in 7 answered (4 a week); second: 1 in 7.
    first = [(d, 5 if d < 4 else 0, False) for d in range(7)]
    second = [(14 + d, 5 if d < 1 else 0, False) for d in range(7)]
    report = summarise(diary(first + second), MONTH)
    assert report.headache_trend.first_per_week == pytest.approx(4.0)
    assert report.headache_trend.second_per_week == pytest.approx(1.0)
    assert report.headache_trend.words == "better"


def test_headache_trend_from_intensity_when_frequency_holds() -> None:
    first = [(d, 7, False) for d in range(5)]
    second = [(14 + d, 4, False) for d in range(5)]
    assert summarise(diary(first + second), MONTH).headache_trend.words == "better"
    milder = [(14 + d, 6, False) for d in range(5)]  # 1 point: not clear
    assert summarise(diary(first + milder), MONTH).headache_trend.words == "no clear change"


def test_old_one_word_headache_answers_still_report() -> None:
    words = ["severe", "moderate", "severe", "moderate", "none", "none", "mild", "none"]
    events: list[Event] = []
    for i, word in enumerate(words):
        day = START + timedelta(days=i if i < 4 else 10 + i)
        events.append(CheckinAnswered(at(day, 17), "headache", word))
    report = summarise(events, MONTH)
    assert report.headache.answered_days == 8 and report.headache.headache_days == 5
    assert report.headache_trend.words == "better"
    assert report.days[0].headache == "severe" and report.days[0].headache_word_only


def test_painkiller_days_a_month_and_the_caution_when_frequent() -> None:
    # Painkillers on 3 of 28 answered days: about 3 a month, no caution.
    few = summarise(diary([(d, 4 if d % 9 == 0 else 0, d % 9 == 0) for d in range(28)]), MONTH)
    assert (few.headache.painkiller_days, few.headache.answered_days) == (4, 28)
    assert few.headache.painkiller_days_per_month == pytest.approx(30 * 4 / 28)
    assert not few.headache.painkillers_frequent
    # On 10 of 28 days: frequent.
    many = summarise(diary([(d, 5, d % 3 == 0) for d in range(28)]), MONTH)
    assert many.headache.painkiller_days == 10 and many.headache.painkillers_frequent
    # On 3 of 7 answered days in a week: about 13 a month, frequent.
    week = summarise(diary([(d, 5, d < 3) for d in range(7)]), MONTH)
    assert week.headache.painkillers_frequent


def test_a_later_answer_about_a_day_replaces_the_earlier_one() -> None:
    events = diary([(0, 6, True)]) + [HeadacheDiary(at(START + timedelta(days=1), 9),
                                                    START.isoformat(), 3, "under-1h", False)]
    report = summarise(events, MONTH)
    assert report.days[0].headache_intensity == 3 and report.headache.painkiller_days == 0


# -- flags --------------------------------------------------------------------------------------


def after_break(when: datetime, prompt: int, value: int, exercises: tuple[str, ...],
                before: int | None = None) -> list[Event]:
    events: list[Event] = []
    if before is not None:
        events.append(CheckinAnswered(when - timedelta(minutes=2), "neck_before", before, prompt))
    events.append(CheckinAnswered(when, "neck", value, prompt, exercises))
    return events


def test_an_exercise_is_flagged_only_after_two_clear_rises() -> None:
    one = after_break(at(START, 10), 1, 6, ("chin-nod",), before=4)
    assert summarise(one, MONTH).flags == []
    two = one + after_break(at(START + timedelta(days=1), 10), 2, 5, ("chin-nod",), before=3)
    assert [f.exercise for f in summarise(two, MONTH).flags] == ["chin-nod", "chin-nod"]


def test_a_rise_of_one_point_is_never_a_flag_however_often() -> None:
    events: list[Event] = []
    for i in range(10):
        events += after_break(at(START + timedelta(days=i), 10), i + 1, 4, ("chin-nod",), before=3)
    report = summarise(events, MONTH)
    assert report.flags == [] and report.rises == {}


def test_a_walk_or_an_eye_break_is_never_flagged() -> None:
    events: list[Event] = []
    for i in range(5):
        events += after_break(at(START + timedelta(days=i), 10), i + 1, 7,
                              ("eye-break", "neck-rotation"), before=3)
        events += after_break(at(START + timedelta(days=i), 15), 100 + i, 7, ("stand-and-walk",),
                              before=3)
    report = summarise(events, MONTH)
    assert set(report.flagged_exercises()) == {"neck-rotation"}


def test_the_rating_before_the_break_wins_over_the_previous_rating() -> None:
    # Previous rating 2, then before the break 6, after it 7: no clear rise (7 - 6).
    events: list[Event] = [CheckinAnswered(at(START, 9), "neck", 2)]
    events += after_break(at(START, 10), 1, 7, ("chin-nod",), before=6)
    events += after_break(at(START, 14), 2, 7, ("chin-nod",), before=6)
    assert summarise(events, MONTH).rises == {}


# -- review banner ------------------------------------------------------------------------------


def prompts(days: int, done_every: int) -> list[Event]:
    """One prompt a day for `days` days; every `done_every`-th is done, the rest skipped."""
    return [PromptOutcome(at(START + timedelta(days=i), 11), i + 1, i + 1, "neck", "micro",
                          Outcome.DONE if i % done_every == 0 else Outcome.SKIPPED, ("chin-nod",))
            for i in range(days)]


def test_review_due_when_the_review_date_has_passed() -> None:
    report = summarise([], MONTH)
    assert not report.review.due
    from deskbreak.core.compliance import review_banner
    passed = review_banner(report, MONTH.last - timedelta(days=1))
    assert passed.due and "has passed" in passed.reasons[0]
    assert "is today" in review_banner(report, MONTH.last).reasons[0]
    assert not review_banner(report, MONTH.last + timedelta(days=1)).due


def test_review_due_after_three_weeks_at_reasonable_adherence_with_no_clear_change() -> None:
    steady = prompts(28, 1) + neck_days(5, 5)
    report = summarise(steady, MONTH)
    assert report.pain_trend.words == "no clear change"
    assert report.review.due and "28 days of exercises at 100% adherence" in report.review.reasons[0]


def test_no_review_for_no_change_when_adherence_is_low_or_time_is_short() -> None:
    low = summarise(prompts(28, 3) + neck_days(5, 5), MONTH)  # 10 of 28 done: 36%
    assert not low.review.due
    short = summarise(prompts(14, 1) + neck_days(5, 5), MONTH)  # two weeks of prompts
    assert not short.review.due


def test_no_review_for_a_clear_improvement() -> None:
    report = summarise(prompts(28, 1) + neck_days(6, 3), MONTH)
    assert report.pain_trend.words == "better" and not report.review.due


def test_review_due_after_any_safety_event() -> None:
    when = at(START + timedelta(days=3), 10)
    events: list[Event] = [
        ScreeningDue(when, "neck 7 or more"),
        Screening(when, "neck 7 or more", {"sudden_severe": False}),
        SafetyAdvice(when, "neck 7 or more", False, "reassure", None),
    ]
    report = summarise(events, MONTH)
    assert report.review.due and "1 safety screening this period, all answered no" in \
        report.review.reasons
    [record] = report.safety
    assert (record.trigger, record.answered, record.any_yes, record.advice) == (
        "neck 7 or more", True, False, "reassure")


def test_an_unanswered_screening_is_listed_but_is_no_safety_event() -> None:
    report = summarise([ScreeningDue(at(START, 10), "severe headache")], MONTH)
    assert [(r.trigger, r.answered) for r in report.safety] == [("severe headache", False)]
    assert not report.review.due


def test_partial_and_stopped_count_apart_from_done() -> None:
    events: list[Event] = [
        PromptOutcome(at(START, 10), 1, 1, "neck", "micro", Outcome.DONE, ("a", "b"), ("a", "b")),
        PromptOutcome(at(START, 11), 2, 2, "neck", "micro", Outcome.PARTIAL, ("a", "b"), ("a",),
                      "busy"),
        PromptOutcome(at(START, 12), 3, 3, "neck", "micro", Outcome.STOPPED, ("a", "b"), (),
                      "symptoms"),
    ]
    report: Report = summarise(events, MONTH)
    t = report.total
    assert (t.prompted, t.done, t.partial, t.stopped, t.adherence) == (3, 1, 1, 1, pytest.approx(1 / 3))


def test_deskbreak_report_shows_review_due_when_the_programmes_review_date_has_passed(
        deskbreak_home: object, tmp_path: object) -> None:
    from pathlib import Path

    from conftest import run_cli
    from test_report_sample_log import sample_log

    from deskbreak.store import open_store

    home = Path(str(deskbreak_home))
    store = open_store()
    store.append_many(sample_log())
    store.close()
    (home / "config").mkdir(exist_ok=True)
    programme = home / "config" / "programme.yaml"
    programme.write_text("deskbreak: 1\ntitle: Neck phase 1\nreview: 2026-03-02\nbreaks: []\n")
    result = run_cli("report", "--from", "2026-03-02", "--to", "2026-03-03")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[3:5] == ["*** Review due ***",
                          "  - the programme's review date (02 March 2026) has passed"]
    programme.write_text("deskbreak: 1\ntitle: Neck phase 1\nreview: 2026-03-09\nbreaks: []\n")
    later = run_cli("report", "--from", "2026-03-02", "--to", "2026-03-03").stdout
    assert "Review due" not in later
    page = Path(str(tmp_path)) / "r.html"
    programme.write_text("deskbreak: 1\ntitle: Neck phase 1\nreview: 2026-03-03\nbreaks: []\n")
    assert run_cli("export", "--format", "html", "--out", str(page), "--from", "2026-03-02",
                   "--to", "2026-03-03").returncode == 0
    assert "review date (03 March 2026) is today" in page.read_text()


def test_painkillers_are_not_recorded_for_old_one_word_answers() -> None:
    events = [CheckinAnswered(at(START + timedelta(days=i), 17), "headache", "moderate")
              for i in range(10)]
    h = summarise(events, MONTH).headache
    assert (h.painkiller_days, h.painkiller_answers, h.painkiller_days_per_month) == (0, 0, None)
    assert not h.painkillers_frequent
