"""Scenario tests of the break planner, through Engine, on a simulated desk.

Each scenario is a small programme (parsed by parse_programme, library ids from load_library)
and a scripted user: typing, reading, away, locked, asleep, answering prompts.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from deskbreak.core.engine import QUIET_AFTER_PROMPT_SECONDS, AnswerResult, Engine
from deskbreak.core.events import (
    Answer,
    BoutEnded,
    BoutStarted,
    CheckinAnswered,
    CheckinDue,
    Event,
    Outcome,
    PromptDeferred,
    PromptOutcome,
    PromptShown,
    Resumed,
    SnoozeRefused,
)
from deskbreak.core.programme import Programme
from deskbreak.core.programme_file import parse_programme
from deskbreak.core.sitting import Presence, Sample
from deskbreak.library import load_library

TZ = timezone(timedelta(hours=1))
MONDAY = date(2026, 11, 23)
POLL = timedelta(seconds=5)

PROGRAMME = """\
deskbreak: 1
title: Test programme
starts: 2026-11-23
settings:
  natural_break: 5m
  respond_within: 10m
  working_hours: {days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00"}
  max_deferral: 10m
breaks:
  - name: neck
    kind: micro
    every: 25m
    duration: 60s
    snooze: {minutes: 5, max: 2}
    exercises: [chin-tuck, neck-rotation, eye-break, shoulder-rolls]
  - name: move
    kind: movement
    every: 50m
    duration: 3m
    snooze: {minutes: 5, max: 1}
    exercises: [stand-and-walk]
"""


def programme(text: str = PROGRAMME) -> Programme:
    return parse_programme(text, "test.yaml", load_library())


def one_break(kind: str, every: str, duration: str, exercises: str = "", extra: str = "") -> str:
    """A programme with a single break."""
    exercises = exercises or ("[chin-tuck]" if kind == "micro" else "[stand-and-walk]")
    return PROGRAMME.split("breaks:")[0] + f"""breaks:
  - name: only
    kind: {kind}
    every: {every}
    duration: {duration}
    snooze: {{minutes: 5, max: 2}}
    exercises: {exercises}
{extra}"""


def m(minutes: float) -> timedelta:
    return timedelta(minutes=minutes)


def clock(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=TZ)


NINE = clock(MONDAY, 9)


class Desk:
    """A scripted user in front of an Engine, sampled every 5 s."""

    def __init__(self, text: str = PROGRAMME, start: datetime = NINE) -> None:
        self.engine = Engine(programme(text), poll_seconds=POLL.total_seconds())
        self.now = start
        self.last_input = start
        self.events: list[Event] = []

    def _tick(self, locked: bool = False, fullscreen: bool = False) -> None:
        idle = (self.now - self.last_input).total_seconds()
        self.events += self.engine.tick(Sample(self.now, idle, locked), fullscreen=fullscreen)
        self.now += POLL

    def active(self, duration: timedelta, fullscreen: bool = False) -> None:
        """Typing: input at every sample."""
        end = self.now + duration
        while self.now < end:
            self.last_input = self.now
            self._tick(fullscreen=fullscreen)

    def until(self, moment: datetime, fullscreen: bool = False) -> None:
        self.active(moment - self.now, fullscreen=fullscreen)

    def until_prompt(self, limit: timedelta = timedelta(hours=4)) -> PromptShown:
        """Type until a new prompt shows (the sample that shows it included)."""
        seen = len(self.prompts())
        end = self.now + limit
        while len(self.prompts()) == seen:
            if self.now >= end:
                raise AssertionError(f"no prompt by {end}")
            self.active(POLL)
        return self.prompts()[-1]

    def idle(self, duration: timedelta) -> None:
        """No input (reading, or gone)."""
        end = self.now + duration
        while self.now < end:
            self._tick()

    def locked(self, duration: timedelta) -> None:
        end = self.now + duration
        while self.now < end:
            self._tick(locked=True)

    def asleep(self, duration: timedelta) -> None:
        """Suspended: no samples at all."""
        self.now += duration

    def answer(self, answer: Answer) -> AnswerResult:
        self.last_input = self.now  # a click
        result, events = self.engine.answer(self.now, answer)
        self.events += events
        return result

    # -- what happened --
    def prompts(self) -> list[PromptShown]:
        return [e for e in self.events if isinstance(e, PromptShown)]

    def outcomes(self) -> list[PromptOutcome]:
        return [e for e in self.events if isinstance(e, PromptOutcome)]

    def bouts(self) -> list[BoutEnded]:
        return [e for e in self.events if isinstance(e, BoutEnded)]

    def last_prompt(self) -> PromptShown:
        return self.prompts()[-1]


def summary(prompts: list[PromptShown]) -> list[tuple[str, datetime]]:
    return [(p.break_name, p.at) for p in prompts]


# -- when breaks fall due ------------------------------------------------------------------------


def test_micro_break_is_due_after_every_of_sitting() -> None:
    desk = Desk()
    desk.active(m(25) - POLL)
    assert desk.prompts() == []
    desk.active(m(1))
    [prompt] = desk.prompts()
    assert (prompt.break_name, prompt.kind, prompt.at) == ("neck", "micro", NINE + m(25))
    assert prompt.sitting_seconds == 1500
    assert prompt.due_at == NINE + m(25)
    assert prompt.snoozes == 0 and prompt.series == prompt.prompt == 1
    assert prompt.programme_title == "Test programme"


def test_reading_counts_as_sitting_time_toward_a_break() -> None:
    desk = Desk(one_break("movement", "50m", "3m"))
    desk.active(m(20))
    desk.idle(m(4))  # reading a document: under the natural break
    desk.active(m(27))
    [prompt] = desk.prompts()
    assert prompt.at == NINE + m(50)
    assert desk.bouts() == []


def test_movement_break_is_due_when_the_bout_reaches_its_every() -> None:
    desk = Desk(one_break("movement", "50m", "3m"))
    desk.active(m(51))
    [prompt] = desk.prompts()
    assert (prompt.break_name, prompt.kind, prompt.at) == ("only", "movement", NINE + m(50))
    assert prompt.sitting_seconds == 3000
    assert prompt.exercises == ("stand-and-walk",)


def test_movement_break_counts_the_whole_bout_even_after_micro_breaks() -> None:
    desk = Desk()
    desk.until_prompt()
    assert desk.answer(Answer.DONE) is AnswerResult.ACCEPTED  # at 25:05
    desk.active(m(26))
    assert summary(desk.prompts()) == [("neck", NINE + m(25)), ("move", NINE + m(50))]


def test_movement_break_wins_when_both_are_due() -> None:
    # the micro timer restarts at 25:00, so both fall due at 50:00
    desk = Desk()
    desk.active(m(25))
    desk.until_prompt()
    desk.answer(Answer.DONE)
    desk.active(m(25) + POLL)
    prompt = desk.last_prompt()
    assert (prompt.break_name, prompt.at) == ("move", NINE + m(50))


def test_movement_break_wins_when_both_have_the_same_every() -> None:
    text = PROGRAMME.replace("every: 25m", "every: 50m")
    desk = Desk(text)
    desk.active(m(51))
    assert summary(desk.prompts()) == [("move", NINE + m(50))]


def test_rotation_through_exercises_covers_the_list_over_a_day() -> None:
    ids = ("chin-tuck", "neck-rotation", "eye-break", "shoulder-rolls")
    desk = Desk(one_break("micro", "25m", "60s", exercises="[" + ", ".join(ids) + "]"))
    for _ in range(8):
        desk.until_prompt()
        desk.answer(Answer.DONE)
    asked = [e for p in desk.prompts() for e in p.exercises]
    assert len(desk.prompts()) == 8
    assert set(asked) == set(ids)
    # taken in turn: the concatenation of all prompts walks the list round and round
    assert asked == [ids[i % len(ids)] for i in range(len(asked))]
    # each prompt asks for what fits in the 60 s break (at least one exercise)
    by_id = desk.engine.programme.exercises
    for prompt in desk.prompts():
        total = sum(by_id[e].estimated_seconds() for e in prompt.exercises)
        assert total <= 60 or len(prompt.exercises) == 1


def test_per_prompt_asks_for_exactly_that_many_exercises() -> None:
    ids = "[chin-tuck, eye-break, neck-rotation]"
    desk = Desk(one_break("micro", "25m", "90s", exercises=ids).replace(
        "exercises: [chin-tuck, eye-break, neck-rotation]",
        "exercises: [chin-tuck, eye-break, neck-rotation]\n    per_prompt: 1"))
    for _ in range(4):
        desk.until_prompt()
        desk.answer(Answer.DONE)
    assert [p.exercises for p in desk.prompts()] == [
        ("chin-tuck",), ("eye-break",), ("neck-rotation",), ("chin-tuck",)]


# -- answers ---------------------------------------------------------------------------------------


def test_done_on_a_micro_break_restarts_only_its_own_timer() -> None:
    text = PROGRAMME.replace("every: 25m", "every: 20m")
    desk = Desk(text)
    desk.active(m(21))  # neck prompt at 20:00, answered a minute later
    desk.answer(Answer.DONE)
    desk.until_prompt()
    desk.answer(Answer.DONE)
    desk.until(NINE + m(51))
    assert summary(desk.prompts())[:3] == [
        ("neck", NINE + m(20)),
        ("neck", NINE + m(41)),  # 20 min after the done, not after the prompt
        ("move", NINE + m(50)),  # the movement timer did not move
    ]
    [outcome] = [o for o in desk.outcomes() if o.prompt == 1]
    assert (outcome.outcome, outcome.at) == (Outcome.DONE, NINE + m(21))
    assert desk.bouts() == []


def test_done_on_a_movement_break_ends_the_bout() -> None:
    desk = Desk(one_break("movement", "50m", "3m"))
    desk.active(m(52))
    done_at = desk.now
    desk.answer(Answer.DONE)
    [ended] = desk.bouts()
    assert ended == BoutEnded(at=done_at, start=NINE, end=done_at,
                              seconds=int((done_at - NINE).total_seconds()),
                              reason="movement break")
    assert desk.engine.sitting.presence is Presence.AWAY
    # back from the walk: a new bout, and the next movement break 50 min into it
    desk.idle(m(3))
    back = desk.now
    desk.active(m(51))
    starts = [e for e in desk.events if isinstance(e, BoutStarted)]
    assert starts[-1].at == back
    assert desk.last_prompt().at == back + m(50)


def test_done_on_a_movement_break_restarts_the_micro_timer_too() -> None:
    desk = Desk()
    desk.until_prompt()
    desk.answer(Answer.DONE)
    assert desk.until_prompt().break_name == "move"
    desk.answer(Answer.DONE)
    desk.idle(m(3))
    back = desk.now
    desk.active(m(26))
    assert summary(desk.prompts())[-1] == ("neck", back + m(25))


def test_skip_brings_the_break_back_after_another_every() -> None:
    desk = Desk(one_break("movement", "50m", "3m"))
    desk.active(m(51))
    skipped_at = desk.now
    desk.answer(Answer.SKIP)
    desk.active(m(51))
    assert [o.outcome for o in desk.outcomes()] == [Outcome.SKIPPED]
    assert summary(desk.prompts()) == [("only", NINE + m(50)), ("only", skipped_at + m(50))]
    assert desk.bouts() == []  # a skipped movement break does not end the bout
    assert desk.prompts()[1].series == 2


def test_skip_on_a_micro_break_brings_it_back_after_another_every() -> None:
    desk = Desk(one_break("micro", "25m", "60s"))
    desk.active(m(26))
    skipped_at = desk.now
    desk.answer(Answer.SKIP)
    desk.active(m(26))
    assert summary(desk.prompts()) == [("only", NINE + m(25)), ("only", skipped_at + m(25))]


def test_snooze_brings_the_prompt_back_after_the_snooze_minutes_in_the_same_series() -> None:
    desk = Desk()
    desk.active(m(25) + m(10) / 60)  # prompt at 25:00, snoozed at 25:10
    snoozed_at = desk.now
    assert desk.answer(Answer.SNOOZE) is AnswerResult.ACCEPTED
    assert desk.outcomes()[-1].outcome is Outcome.SNOOZED
    assert desk.engine.open_prompt is None
    desk.active(m(6))
    first, second = desk.prompts()
    assert second.at == snoozed_at + m(5)
    assert (second.break_name, second.series, second.snoozes) == ("neck", first.prompt, 1)
    assert second.prompt == first.prompt + 1


def test_snoozes_count_and_snoozing_past_the_maximum_is_refused() -> None:
    desk = Desk()
    desk.active(m(25) + POLL)
    desk.answer(Answer.SNOOZE)
    desk.active(m(5) + POLL)
    desk.answer(Answer.SNOOZE)
    desk.active(m(5) + POLL)
    third = desk.last_prompt()
    assert [p.snoozes for p in desk.prompts()] == [0, 1, 2]
    assert {p.series for p in desk.prompts()} == {1}
    before = len(desk.events)
    assert desk.answer(Answer.SNOOZE) is AnswerResult.SNOOZE_REFUSED
    [refused] = desk.events[before:]
    assert isinstance(refused, SnoozeRefused)
    assert refused.prompt == third.prompt
    assert "2" in refused.message
    open_prompt = desk.engine.open_prompt
    assert open_prompt is not None and open_prompt.shown.prompt == third.prompt
    # the prompt can still be answered
    assert desk.answer(Answer.DONE) is AnswerResult.ACCEPTED
    assert desk.outcomes()[-1].outcome is Outcome.DONE


def test_snooze_not_allowed_by_the_physio_is_refused_at_once() -> None:
    desk = Desk(one_break("micro", "25m", "60s").replace("max: 2", "max: 0"))
    desk.active(m(26))
    assert desk.answer(Answer.SNOOZE) is AnswerResult.SNOOZE_REFUSED
    assert isinstance(desk.events[-1], SnoozeRefused)
    assert desk.engine.open_prompt is not None


def test_snoozed_prompt_does_not_come_back_if_the_user_left() -> None:
    desk = Desk(one_break("micro", "25m", "60s"))
    desk.active(m(25) + POLL)
    desk.answer(Answer.SNOOZE)
    desk.idle(m(10))  # gone: the bout ends
    back = desk.now
    desk.active(m(24))
    assert len(desk.prompts()) == 1
    desk.active(m(2))
    assert desk.prompts()[-1].at == back + m(25)
    assert desk.prompts()[-1].snoozes == 0


def test_answer_with_no_open_prompt_is_refused() -> None:
    desk = Desk()
    desk.active(m(5))
    assert desk.answer(Answer.DONE) is AnswerResult.NO_PROMPT
    assert desk.outcomes() == []


# -- no answer: taken or missed -----------------------------------------------------------------


def test_no_answer_while_typing_is_missed_at_the_deadline() -> None:
    desk = Desk(one_break("micro", "25m", "60s"))
    desk.active(m(36))
    [outcome] = desk.outcomes()
    assert (outcome.outcome, outcome.at) == (Outcome.MISSED, NINE + m(35))


def test_no_answer_but_idle_for_the_break_duration_is_taken() -> None:
    desk = Desk(one_break("micro", "25m", "60s"))
    desk.active(m(25) + POLL)
    desk.idle(m(2))  # did the stretch without touching the keyboard
    desk.active(m(10))
    [outcome] = desk.outcomes()
    assert (outcome.outcome, outcome.at) == (Outcome.TAKEN, NINE + m(35))


def test_idle_shorter_than_the_break_duration_is_missed() -> None:
    desk = Desk(one_break("movement", "50m", "3m"))
    desk.active(m(50) + POLL)
    desk.idle(m(2))
    desk.active(m(10))
    [outcome] = desk.outcomes()
    assert outcome.outcome is Outcome.MISSED
    assert desk.bouts() == []


def test_missed_movement_break_comes_again_after_another_every() -> None:
    desk = Desk(one_break("movement", "50m", "3m"))
    desk.active(m(111))
    assert summary(desk.prompts()) == [("only", NINE + m(50)), ("only", NINE + m(110))]


def test_missed_movement_break_also_restarts_the_micro_timer() -> None:
    # the lead's deliberate addition: no neck prompt straight after an ignored movement prompt
    desk = Desk()
    desk.active(m(90))
    assert summary(desk.prompts()) == [
        ("neck", NINE + m(25)),  # missed at 35:00
        ("move", NINE + m(50)),  # missed at 60:00: the neck timer restarts too
        ("neck", NINE + m(85)),
    ]


def test_taken_movement_break_ends_the_bout_at_the_start_of_the_away_stretch() -> None:
    desk = Desk(one_break("movement", "50m", "3m"))
    desk.active(m(50) + POLL)
    gone = desk.last_input
    desk.idle(m(4))  # a walk, shorter than the natural break
    desk.active(m(10))
    [outcome] = desk.outcomes()
    assert (outcome.outcome, outcome.at) == (Outcome.TAKEN, NINE + m(60))
    [ended] = desk.bouts()
    assert ended.reason == "movement break"
    assert ended.start == NINE
    assert gone <= ended.end <= gone + POLL


def test_taken_movement_break_starts_the_next_bout_at_the_first_input_after_the_walk() -> None:
    desk = Desk(one_break("movement", "50m", "3m"))
    desk.active(m(50) + POLL)
    desk.idle(m(4))
    back = desk.now
    desk.active(m(10))
    starts = [e for e in desk.events if isinstance(e, BoutStarted)]
    assert len(starts) == 2
    assert back <= starts[1].at <= back + POLL


# -- when prompts may not come ------------------------------------------------------------------


def test_no_prompts_outside_working_hours() -> None:
    desk = Desk(start=clock(MONDAY, 17, 40))
    desk.active(m(90))  # the neck break would be due at 18:05
    assert desk.prompts() == []
    assert desk.engine.status(desk.now).in_working_hours is False


def test_no_prompts_on_a_weekend() -> None:
    desk = Desk(start=clock(date(2026, 11, 28), 10))
    desk.active(m(120))
    assert desk.prompts() == []


def test_sitting_since_before_working_hours_gives_one_prompt_at_the_start_not_a_burst() -> None:
    desk = Desk(start=clock(MONDAY, 7, 0))
    desk.active(m(62))
    assert summary(desk.prompts()) == [("move", clock(MONDAY, 8))]


def test_no_prompts_while_paused_and_a_due_break_comes_on_resume() -> None:
    desk = Desk()
    desk.active(m(5))
    desk.engine.pause(desk.now, None)
    desk.active(m(40))
    assert desk.prompts() == []
    assert desk.engine.status(desk.now).paused is True
    resumed = desk.engine.resume(desk.now)
    assert isinstance(resumed[0], Resumed)
    desk.active(POLL)
    assert [p.at for p in desk.prompts()] == [NINE + m(45)]


def test_pause_with_until_expires_and_emits_resumed() -> None:
    desk = Desk()
    desk.active(m(1))
    until = NINE + m(30)
    paused = desk.engine.pause(desk.now, until, reason="meeting")
    assert paused[0].until == until  # type: ignore[union-attr]
    desk.active(m(30))
    resumed = [e for e in desk.events if isinstance(e, Resumed)]
    assert len(resumed) == 1
    assert resumed[0].at == until
    assert resumed[0].reason == "pause ended"
    assert [p.at for p in desk.prompts()] == [until]  # the neck break, due since 25:00
    assert desk.engine.status(desk.now).paused is False


def test_no_prompts_while_the_user_is_away() -> None:
    desk = Desk(one_break("micro", "25m", "60s"))
    desk.active(m(20))
    desk.idle(m(30))  # gone for half an hour: the bout ended after 5 min
    assert desk.prompts() == []
    back = desk.now
    desk.active(m(26))
    assert [p.at for p in desk.prompts()] == [back + m(25)]


def test_no_prompts_while_locked() -> None:
    desk = Desk(one_break("micro", "25m", "60s"))
    desk.active(m(20))
    desk.locked(m(60))
    assert desk.prompts() == []
    assert desk.engine.sitting.presence is Presence.LOCKED
    assert desk.bouts()[0].reason == "locked"


def test_waking_from_a_long_suspend_never_produces_a_burst_of_prompts() -> None:
    desk = Desk()
    desk.active(m(26))  # the neck prompt is open
    desk.asleep(m(150))  # lid closed over lunch; the prompt's deadline passes while asleep
    wake = desk.now
    desk.active(m(25) + POLL)
    after = [p for p in desk.prompts() if p.at >= wake]
    assert len([p for p in after if p.at < wake + m(25)]) <= 1
    assert summary(after) == [("neck", wake + m(25))]
    [outcome] = desk.outcomes()
    assert outcome.at == NINE + m(35)  # closed at its deadline, not at waking
    [ended] = desk.bouts()
    assert ended.reason == "asleep"
    assert ended.at == wake


def test_waking_the_next_morning_never_produces_a_burst_of_prompts() -> None:
    desk = Desk(start=clock(MONDAY, 16))
    desk.active(m(115))
    desk.asleep(clock(MONDAY + timedelta(days=1), 9) - desk.now)
    wake = desk.now
    desk.active(m(50) + POLL)
    after = [p for p in desk.prompts() if p.at >= wake]
    assert summary(after) == [("neck", wake + m(25)), ("move", wake + m(50))]


def test_prompt_left_open_over_a_suspend_is_taken() -> None:
    desk = Desk(one_break("micro", "25m", "60s"))
    desk.active(m(26))  # prompt at 25:00, last input 25:55
    desk.asleep(m(30))  # the deadline (35:00) passes while asleep
    desk.active(m(1))
    [outcome] = desk.outcomes()
    assert outcome.outcome is Outcome.TAKEN


def test_short_suspend_inside_the_answer_window_counts_as_away() -> None:
    desk = Desk(one_break("micro", "25m", "60s"))
    desk.active(m(26))  # prompt at 25:00
    desk.asleep(m(4))  # 4 min asleep, from 26:00 to 30:00
    desk.active(m(10))
    [outcome] = desk.outcomes()
    assert outcome.outcome is Outcome.TAKEN


def test_fullscreen_defers_a_due_prompt_up_to_the_maximum_then_shows_it() -> None:
    desk = Desk(one_break("micro", "25m", "60s"))
    desk.active(m(40), fullscreen=True)
    [deferred] = [e for e in desk.events if isinstance(e, PromptDeferred)]
    assert (deferred.at, deferred.break_name, deferred.reason) == (NINE + m(25), "only",
                                                                   "fullscreen")
    [prompt] = desk.prompts()
    assert prompt.at == NINE + m(35)  # max_deferral 10m
    assert prompt.due_at == NINE + m(25)


def test_a_deferred_prompt_shows_as_soon_as_fullscreen_ends() -> None:
    desk = Desk(one_break("micro", "25m", "60s"))
    desk.active(m(28), fullscreen=True)
    assert desk.prompts() == []
    desk.active(POLL)
    assert [p.at for p in desk.prompts()] == [NINE + m(28)]


def test_a_call_defers_a_due_prompt_with_its_reason_and_the_same_maximum() -> None:
    desk = Desk(one_break("micro", "25m", "60s"))
    reason = "microphone in use by Zoom"
    end = desk.now + m(40)
    while desk.now < end:
        desk.last_input = desk.now
        desk.events += desk.engine.tick(Sample(desk.now, 0.0, False), busy=reason)
        desk.now += POLL
    [deferred] = [e for e in desk.events if isinstance(e, PromptDeferred)]
    assert (deferred.at, deferred.reason) == (NINE + m(25), reason)
    [prompt] = desk.prompts()
    assert prompt.at == NINE + m(35)  # max_deferral 10m, as for fullscreen


def test_no_new_prompt_within_the_quiet_time_after_another_ended() -> None:
    text = PROGRAMME.replace("every: 25m", "every: 20m")
    desk = Desk(text)
    desk.until_prompt()
    desk.answer(Answer.DONE)  # neck at 20:00, done at 20:05, next due at 40:05
    desk.until(NINE + m(49))  # neck prompt at 40:05 left open until 49:00
    desk.answer(Answer.DONE)
    ended = desk.now
    desk.active(m(5))
    move = desk.last_prompt()
    assert move.break_name == "move"
    assert move.due_at == NINE + m(50)
    assert move.at == ended + timedelta(seconds=QUIET_AFTER_PROMPT_SECONDS)


def test_at_most_one_prompt_is_open_at_a_time() -> None:
    desk = Desk()
    desk.active(m(55))  # neck at 25 (open until 35), move due at 50
    assert desk.engine.open_prompt is not None
    assert desk.engine.open_prompt.shown.break_name == "move"
    shown = [p.prompt for p in desk.prompts()]
    closed = [o.prompt for o in desk.outcomes()]
    assert closed == shown[:-1]


# -- check-ins ----------------------------------------------------------------------------------

CHECKINS = PROGRAMME.replace(
    "  max_deferral: 10m\n",
    "  max_deferral: 10m\n  checkins: {neck_after_break: true, headache_daily: true, "
    "headache_at: \"17:00\"}\n")


def test_daily_headache_question_is_due_once_per_working_day() -> None:
    desk = Desk(CHECKINS, start=clock(MONDAY, 16, 50))
    desk.active(m(60))
    desk.idle(m(30))
    desk.active(m(30))
    due = [e for e in desk.events if isinstance(e, CheckinDue)]
    assert due == [CheckinDue(at=clock(MONDAY, 17), question="headache")]
    # Tuesday: once again; Saturday: not at all
    desk.asleep(clock(MONDAY + timedelta(days=1), 16, 55) - desk.now)
    desk.active(m(20))
    desk.asleep(clock(date(2026, 11, 28), 16, 55) - desk.now)
    desk.active(m(20))
    due = [e.at for e in desk.events if isinstance(e, CheckinDue)]
    assert due == [clock(MONDAY, 17), clock(MONDAY + timedelta(days=1), 17)]


def test_headache_question_waits_for_the_user_to_sit_down() -> None:
    desk = Desk(CHECKINS, start=clock(MONDAY, 17, 20))
    desk.active(m(1))
    assert [e.at for e in desk.events if isinstance(e, CheckinDue)] == [clock(MONDAY, 17, 20)]


def test_checkin_accepts_a_neck_score_and_links_the_prompt_exercises() -> None:
    desk = Desk(CHECKINS)
    desk.active(m(26))
    desk.answer(Answer.DONE)
    prompt = desk.last_prompt()
    [answered] = desk.engine.checkin(desk.now, "neck", 3, prompt_id=prompt.prompt)
    assert answered == CheckinAnswered(at=desk.now, question="neck", value=3,
                                       prompt=prompt.prompt, exercises=prompt.exercises)
    [headache] = desk.engine.checkin(desk.now, "headache", "mild")
    assert isinstance(headache, CheckinAnswered) and headache.value == "mild"


@pytest.mark.parametrize(("question", "value"), [
    ("neck", 11), ("neck", -1), ("neck", "3"), ("neck", 2.5), ("neck", True),
    ("headache", "terrible"), ("headache", 2), ("mood", 3),
])
def test_checkin_refuses_an_impossible_answer(question: str, value: object) -> None:
    engine = Engine(programme(CHECKINS))
    with pytest.raises(ValueError):
        engine.checkin(NINE, question, value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [0, 10])
def test_checkin_accepts_the_ends_of_the_neck_scale(value: int) -> None:
    engine = Engine(programme(CHECKINS))
    answered, *screening = engine.checkin(NINE, "neck", value)
    assert answered.value == value  # type: ignore[union-attr]
    # A 10 also asks the red-flag screening questions (core/screening.py).
    assert [e.KIND for e in screening] == ([] if value == 0 else ["screening_due"])


# -- phases -------------------------------------------------------------------------------------

PHASED = one_break("micro", "25m", "90s", extra="""\
exercises:
  chin-tuck: {use: library/chin-tuck, reps: 6, hold: 5s}
phases:
  - name: build the hold
    from_week: 2
    until_week: 2
    exercises: {chin-tuck: {reps: 8, hold: 8s}}
  - name: endurance
    from_week: 3
    exercises: {chin-tuck: {reps: 10}}
""")


@pytest.mark.parametrize(("day", "reps", "hold"), [
    (MONDAY, 6, 5.0),
    (MONDAY + timedelta(days=6), 6, 5.0),  # Sunday of week 1 (a working day here is not needed)
    (MONDAY + timedelta(days=7), 8, 8.0),
    (MONDAY + timedelta(days=14), 10, 5.0),
    (MONDAY + timedelta(days=60), 10, 5.0),
])
def test_phases_change_the_dose_recorded_in_prompts_by_date(day: date, reps: int,
                                                            hold: float) -> None:
    text = PHASED.replace("days: [mon, tue, wed, thu, fri]",
                          "days: [mon, tue, wed, thu, fri, sat, sun]")
    desk = Desk(text, start=clock(day, 9))
    desk.active(m(26))
    [prompt] = desk.prompts()
    assert prompt.exercises == ("chin-tuck",)
    assert (prompt.doses[0]["reps"], prompt.doses[0]["hold_seconds"]) == (reps, hold)
    [exercise] = desk.engine.exercises_for(prompt)
    assert (exercise.reps, exercise.hold_seconds) == (reps, hold)


# -- the guided break: started, partial, stopped; every prompt gets one outcome -----------------


def test_a_started_break_is_not_closed_by_the_answer_timeout() -> None:
    desk = Desk(one_break("micro", "25m", "60s").replace("respond_within: 10m",
                                                         "respond_within: 1m"))
    prompt = desk.until_prompt()
    desk.active(timedelta(seconds=35))
    assert desk.engine.start_break(desk.now, prompt.prompt)
    desk.active(m(5))  # far past the 1 minute answer window, still doing reps
    assert desk.outcomes() == []
    assert desk.engine.open_prompt is not None
    desk.answer(Answer.DONE)
    [outcome] = desk.outcomes()
    assert (outcome.outcome, outcome.finished) == (Outcome.DONE, prompt.exercises)


def test_stopping_after_some_exercises_is_recorded_as_partial_with_what_was_finished() -> None:
    desk = Desk(one_break("micro", "25m", "60s", "[chin-tuck, neck-rotation]",
                          "    per_prompt: 2"))
    prompt = desk.until_prompt()
    desk.engine.start_break(desk.now)
    result, events = desk.engine.answer(desk.now, Answer.PARTIAL, finished=("chin-tuck",),
                                        reason="busy")
    assert result is AnswerResult.ACCEPTED
    [outcome] = events
    assert isinstance(outcome, PromptOutcome)
    assert prompt.exercises == ("chin-tuck", "neck-rotation")
    assert (outcome.outcome, outcome.finished, outcome.stop_reason) == (
        Outcome.PARTIAL, ("chin-tuck",), "busy")


def test_stopping_before_any_exercise_is_its_own_outcome_not_a_skip() -> None:
    desk = Desk(one_break("micro", "25m", "60s"))
    desk.until_prompt()
    desk.engine.start_break(desk.now)
    _, events = desk.engine.answer(desk.now, Answer.STOPPED, reason="symptoms")
    outcome, *screening = events
    # Stopping because of symptoms also asks the red-flag questions (core/screening.py).
    assert [e.KIND for e in screening] == ["screening_due"]
    assert isinstance(outcome, PromptOutcome)
    assert (outcome.outcome, outcome.finished, outcome.stop_reason) == (
        Outcome.STOPPED, (), "symptoms")


def test_a_started_break_whose_window_was_lost_ends_as_stopped_long_after() -> None:
    desk = Desk(one_break("micro", "25m", "60s"))
    desk.until_prompt()
    desk.engine.start_break(desk.now)
    desk.active(m(29))
    assert desk.outcomes() == []
    desk.active(m(2))
    assert [o.outcome for o in desk.outcomes()] == [Outcome.STOPPED]


def test_a_snoozed_prompt_comes_back_with_the_same_exercises() -> None:
    desk = Desk()  # neck rotates through four exercises, one or more per prompt
    first = desk.until_prompt()
    desk.answer(Answer.SNOOZE)
    again = desk.until_prompt()
    assert again.series == first.prompt
    assert again.exercises == first.exercises


def test_break_now_is_marked_as_asked_for() -> None:
    desk = Desk()
    desk.active(m(1))
    [shown] = desk.engine.break_now(desk.now)
    assert isinstance(shown, PromptShown) and shown.requested


def test_finish_closes_the_open_prompt_so_every_prompt_gets_one_outcome() -> None:
    desk = Desk(one_break("micro", "25m", "60s"))
    prompt = desk.until_prompt()
    events = desk.engine.finish(desk.now, reason="service quit")
    outcomes = [e for e in events if isinstance(e, PromptOutcome)]
    assert [(o.prompt, o.outcome) for o in outcomes] == [(prompt.prompt, Outcome.MISSED)]
    assert desk.engine.open_prompt is None


def test_an_outcome_logged_before_partial_answers_existed_still_decodes() -> None:
    from deskbreak.core.events import event_from_json, event_to_json

    old = {"at": "2026-11-23T09:30:00+01:00", "event": "outcome", "prompt": 3, "series": 3,
           "break": "neck", "kind": "micro", "outcome": "done", "exercises": ["chin-tuck"]}
    event = event_from_json(old)
    assert isinstance(event, PromptOutcome)
    assert (event.finished, event.stop_reason) == ((), None)
    assert event_to_json(event) == old  # unchanged on the way out, too
    partial = PromptOutcome(at=NINE, prompt=4, series=4, break_name="neck", kind="micro",
                            outcome=Outcome.PARTIAL, exercises=("chin-tuck", "neck-rotation"),
                            finished=("chin-tuck",), stop_reason="busy")
    assert event_from_json(event_to_json(partial)) == partial
