"""The compliance maths, checked against the hand-computed sample log and small scenarios."""

from __future__ import annotations

from datetime import date

import pytest
from test_report_sample_log import NECK, SAMPLE_PERIOD, at, bout, ended, sample_log

from deskbreak.core.compliance import Period, Report, Tally, summarise, summarise_today, trend
from deskbreak.core.events import CheckinAnswered, Outcome


def tally(t: Tally) -> tuple[int, ...]:
    return (t.prompted, t.done, t.taken, t.skipped, t.snoozed, t.missed, t.snoozes)


@pytest.fixture
def report() -> Report:
    return summarise(sample_log(), SAMPLE_PERIOD)


def test_snooze_chains_count_once_by_final_outcome_per_day(report: Report) -> None:
    monday, tuesday = report.days
    assert monday.day == date(2026, 3, 2) and tuesday.day == date(2026, 3, 3)
    #                         prompted done taken skipped snoozed missed snoozes
    assert tally(monday.prompts) == (5, 2, 1, 1, 0, 1, 1)
    assert tally(tuesday.prompts) == (3, 2, 0, 0, 1, 0, 3)
    assert tally(report.total) == (8, 4, 1, 1, 1, 1, 4)
    assert monday.prompts.adherence == pytest.approx(0.4)
    assert tuesday.prompts.adherence == pytest.approx(2 / 3)
    assert report.total.adherence == pytest.approx(0.5)


def test_adherence_per_exercise_counts_each_chain_for_each_of_its_exercises(report: Report) -> None:
    assert list(report.exercises) == ["chin-tuck", "neck-rotation", "shoulder-roll", "walk"]
    assert tally(report.exercises["chin-tuck"]) == (3, 2, 0, 0, 1, 0, 2)
    assert tally(report.exercises["neck-rotation"]) == (4, 3, 0, 0, 1, 0, 2)
    assert tally(report.exercises["shoulder-roll"]) == (3, 1, 0, 1, 0, 1, 2)
    assert tally(report.exercises["walk"]) == (1, 0, 1, 0, 0, 0, 0)
    assert tally(report.breaks["walk"]) == (1, 0, 1, 0, 0, 0, 0)
    assert tally(report.breaks["neck"]) == (7, 4, 0, 1, 1, 1, 4)


def test_sitting_totals_and_long_bouts_use_strictly_longer_than_30_and_60_minutes(report: Report) -> None:
    s = report.sitting
    assert (s.bouts, s.seconds, s.longest_seconds, s.over_30, s.over_60) == (
        5, 315 * 60, 100 * 60, 4, 2)
    monday, tuesday = report.days
    assert monday.bout_seconds == [75 * 60, 60 * 60, 30 * 60, 100 * 60]
    assert (monday.sitting.over_30, monday.sitting.over_60) == (3, 2)
    assert (tuesday.sitting.bouts, tuesday.sitting.over_30, tuesday.sitting.over_60) == (1, 1, 0)


def test_only_repeated_clear_rises_flag_an_exercise(report: Report) -> None:
    # Rules changed on purpose (clinical trust): only a rise of 2 or more counts, against the
    # rating before the break or else the previous rating that day, and an exercise is flagged
    # after two such rises. Sample: Mon 13:32 5 from 3 that morning (both exercises), Tue 11:32
    # 8 from 5 just before the break (neck-rotation).
    assert report.rises == {"chin-tuck": 1, "neck-rotation": 2}
    flags = [(f.exercise, f.at, f.value, f.previous) for f in report.flags]
    assert flags == [("neck-rotation", at(2, 13, 32), 5, 3), ("neck-rotation", at(3, 11, 32), 8, 5)]
    assert list(report.flagged_exercises()) == ["neck-rotation"]
    assert [(p.before, p.after, p.exercises) for p in report.pain_pairs] == [
        (5, 8, ("neck-rotation",))]


def test_a_high_rating_without_a_clear_rise_flags_nothing() -> None:
    log = [
        CheckinAnswered(at(2, 9, 0), "neck", 8),
        CheckinAnswered(at(2, 10, 0), "neck", 7, 1, ("chin-tuck",)),
        CheckinAnswered(at(2, 11, 0), "neck", 8, 2, ("chin-tuck",)),
    ]
    report = summarise(log, SAMPLE_PERIOD)
    assert report.flags == [] and report.rises == {}


def test_pain_and_headache_trends_compare_the_first_and_second_half(report: Report) -> None:
    monday, tuesday = report.days
    assert (monday.neck_answers, monday.neck_total, monday.neck_worst) == (2, 8, 5)
    assert (tuesday.neck_answers, tuesday.neck_total, tuesday.neck_worst) == (3, 20, 8)
    assert report.pain_answers == 5  # Sunday's answer is not in the period
    assert report.pain_trend.first_mean == pytest.approx(4.0)
    assert report.pain_trend.second_mean == pytest.approx(20 / 3)
    # One answered day in each half: a trend needs four (changed on purpose).
    assert report.pain_trend.words == "not enough answers"
    assert (monday.headache, tuesday.headache) == ("mild", "none")
    assert report.headache_trend.words == "not enough answers"


def test_events_outside_the_period_are_ignored() -> None:
    report = summarise(sample_log(), Period(date(2026, 3, 4), date(2026, 3, 4)))
    assert tally(report.total) == (1, 1, 0, 0, 0, 0, 0)
    assert report.sitting.bouts == 0
    # Wednesday's 10 after Tuesday's 8: another day, and one rise at most: no flag.
    assert report.flags == []
    # Wednesday's screening is in this period (and brings the review banner).
    assert [(r.trigger, r.any_yes) for r in report.safety] == [("neck 7 or more", True)]
    assert report.review.due
    # The programme loaded on Monday was still in force.
    assert [p.title for p in report.programmes] == ["Neck phase 1"]


def test_an_empty_period_has_every_day_and_no_adherence() -> None:
    report = summarise([], Period.ending(date(2026, 3, 8), 7))
    assert report.days[0].day == date(2026, 3, 2)
    assert len(report.days) == 7
    assert report.total.adherence is None
    assert report.pain_trend.words == "not enough answers"


def test_a_chain_belongs_to_the_day_of_its_last_outcome() -> None:
    log = [
        ended(at(2, 17, 59), 1, 1, Outcome.SNOOZED, ("walk",)),
        ended(at(3, 8, 5), 2, 1, Outcome.DONE, ("walk",)),
    ]
    monday, tuesday = summarise(log, SAMPLE_PERIOD).days
    assert monday.prompts.prompted == 0
    assert tally(tuesday.prompts) == (1, 1, 0, 0, 0, 0, 1)


def test_a_chain_counts_its_snoozes_from_before_the_period_and_not_if_it_ends_after() -> None:
    log = [
        ended(at(2, 17, 59), 1, 1, Outcome.SNOOZED, ("walk",)),
        ended(at(3, 8, 5), 2, 1, Outcome.DONE, ("walk",)),
        ended(at(3, 17, 59), 3, 3, Outcome.SNOOZED, ("walk",)),
        ended(at(4, 8, 5), 4, 3, Outcome.MISSED, ("walk",)),
    ]
    report = summarise(log, Period(date(2026, 3, 3), date(2026, 3, 3)))
    assert tally(report.total) == (1, 1, 0, 0, 0, 0, 1)


def test_bouts_count_on_the_day_they_started() -> None:
    log = [bout(at(2, 23, 30), 45)]
    monday, tuesday = summarise(log, SAMPLE_PERIOD).days
    assert (monday.sitting.bouts, tuesday.sitting.bouts) == (1, 0)


def test_out_of_range_and_malformed_check_ins_are_ignored() -> None:
    log = [
        CheckinAnswered(at(2, 9, 0), "neck", 11, 1, ("a",)),
        CheckinAnswered(at(2, 9, 1), "neck", "bad", 1, ("a",)),
        CheckinAnswered(at(2, 9, 2), "headache", "terrible"),
    ]
    report = summarise(log, SAMPLE_PERIOD)
    assert report.pain_answers == 0 and report.headaches == [] and report.flags == []


def test_trend_needs_four_answered_days_in_each_half() -> None:
    # Changed on purpose: two answered days used to make a trend.
    assert trend([(date(2026, 3, 2), 4, 1), (date(2026, 3, 2), 6, 1)]).change is None
    two_days = trend([(date(2026, 3, 2), 8, 2), (date(2026, 3, 3), 4, 1)])
    assert (two_days.first_mean, two_days.second_mean) == (4.0, 4.0)
    assert two_days.words == "not enough answers"


def test_trend_leaves_out_the_middle_day_of_an_odd_count() -> None:
    rising = trend([(date(2026, 3, d), v, 1) for d, v in ((2, 2), (3, 9), (4, 4))])
    assert (rising.first_mean, rising.second_mean, rising.answers) == (2.0, 4.0, 3)
    assert rising.words == "not enough answers"


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError):
        Period(date(2026, 3, 3), date(2026, 3, 2))
    with pytest.raises(ValueError):
        Period.ending(date(2026, 3, 3), 0)


def test_the_tray_summary_of_a_day_counts_chains_sitting_and_flags() -> None:
    monday = [e for e in sample_log() if e.at.date() == date(2026, 3, 2)]
    assert summarise_today(monday).splitlines() == [
        "2 of 5 prompts done (40%), 1 taken by getting up, 1 skipped, 1 missed",
        "Sitting 4 h 25 min in 4 bouts, longest 1 h 40 min, 2 over an hour",
    ]  # one clear rise on Monday: no flag (changed on purpose)
    rises = monday + [CheckinAnswered(at(2, 16, 0), "neck", 7, 5, NECK)]  # 7, up from 5
    assert summarise_today(rises).splitlines()[-1] == "Neck worse after: chin-tuck, neck-rotation"
    assert summarise_today([]) == "Nothing recorded today yet."
