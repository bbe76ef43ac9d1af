"""Scenario tests of the sitting model (deskbreak.core.sitting.step), sample by sample.

Every time is built from a fixed start; nothing reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

from deskbreak.core.events import BoutEnded, BoutStarted, Event
from deskbreak.core.sitting import (
    MIN_SUSPEND_GAP_SECONDS,
    Presence,
    Sample,
    SittingRules,
    SittingState,
    end_bout,
    step,
)

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone(timedelta(hours=1)))
POLL = 5
RULES = SittingRules(natural_break_seconds=300.0, poll_seconds=POLL)


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def minutes(m: float) -> float:
    return m * 60.0


class Desk:
    """Feeds samples to the model and keeps every event."""

    def __init__(self, rules: SittingRules = RULES) -> None:
        self.rules = rules
        self.state = SittingState()
        self.events: list[Event] = []
        self.now: float | None = None

    def sample(self, t: float, last_input: float, locked: bool = False) -> list[Event]:
        """One sample at START+t whose OS idle counter says the last input was at START+last_input."""
        self.state, events = step(self.state, Sample(at(t), t - last_input, locked), self.rules)
        self.events += events
        self.now = t
        return events

    def active(self, start: float, end: float) -> None:
        """Input at every poll from `start` up to (not including) `end`."""
        for t in _range(start, end):
            self.sample(t, t)

    def idle(self, start: float, end: float, last_input: float) -> None:
        """No input: samples from `start` up to `end`, the last input stays at `last_input`."""
        for t in _range(start, end):
            self.sample(t, last_input)

    def locked(self, start: float, end: float, last_input: float) -> None:
        for t in _range(start, end):
            self.sample(t, last_input, locked=True)

    def of(self, kind: type) -> list[Event]:
        return [e for e in self.events if isinstance(e, kind)]


def _range(start: float, end: float) -> Iterable[float]:
    t = start
    while t < end:
        yield t
        t += POLL


def test_first_input_ever_starts_a_bout_back_dated_to_that_input() -> None:
    desk = Desk()
    events = desk.sample(10, last_input=7)
    assert events == [BoutStarted(at=at(7))]
    assert desk.state.presence is Presence.SITTING
    assert desk.state.bout_start == at(7)


def test_first_sample_after_a_long_idle_is_away_and_starts_nothing() -> None:
    desk = Desk()
    assert desk.sample(minutes(10), last_input=0) == []
    assert desk.state.presence is Presence.AWAY
    assert desk.state.bout_start is None


def test_reading_for_three_minutes_does_not_end_the_bout() -> None:
    desk = Desk()
    desk.active(0, minutes(20))
    last = minutes(20) - POLL
    desk.idle(minutes(20), minutes(23), last_input=last)  # reading: 3 minutes without input
    assert desk.state.presence is Presence.SITTING
    desk.active(minutes(23), minutes(40))
    assert desk.of(BoutEnded) == []
    assert desk.of(BoutStarted) == [BoutStarted(at=at(0))]
    assert desk.state.bout_start == at(0)
    assert desk.state.sitting_seconds(at(minutes(40))) == minutes(40)


def test_idle_just_under_the_natural_break_does_not_end_the_bout() -> None:
    desk = Desk()
    desk.active(0, minutes(10))
    last = minutes(10) - POLL
    desk.idle(minutes(10), last + 299, last_input=last)
    desk.sample(last + 299, last_input=last)
    assert desk.state.presence is Presence.SITTING
    assert desk.of(BoutEnded) == []


def test_five_minutes_idle_ends_the_bout_back_dated_to_the_last_input() -> None:
    desk = Desk()
    desk.active(0, minutes(30))
    last = minutes(30) - POLL
    desk.idle(minutes(30), last + minutes(5), last_input=last)
    assert desk.of(BoutEnded) == []  # 4m55s idle: still sitting
    events = desk.sample(last + minutes(5), last_input=last)
    assert events == [BoutEnded(at=at(last + minutes(5)), start=at(0), end=at(last),
                                seconds=int(last), reason="idle")]
    assert desk.state.presence is Presence.AWAY
    assert desk.state.sitting_seconds(at(last + minutes(6))) == 0.0


def test_a_longer_programme_natural_break_lets_a_six_minute_pause_pass() -> None:
    desk = Desk(SittingRules(natural_break_seconds=minutes(10), poll_seconds=POLL))
    desk.active(0, minutes(10))
    desk.idle(minutes(10), minutes(16), last_input=minutes(10) - POLL)
    assert desk.state.presence is Presence.SITTING
    desk.idle(minutes(16), minutes(21), last_input=minutes(10) - POLL)
    [ended] = desk.of(BoutEnded)
    assert ended.end == at(minutes(10) - POLL)
    assert ended.at == at(minutes(20) - POLL)


def test_screen_lock_ends_the_bout_at_the_last_input() -> None:
    desk = Desk()
    desk.active(0, minutes(30))
    last = minutes(30) - POLL
    desk.idle(minutes(30), minutes(31), last_input=last)  # 65 s of reading, then Win+L
    events = desk.sample(minutes(31), last_input=last, locked=True)
    assert events == [BoutEnded(at=at(minutes(31)), start=at(0), end=at(last),
                                seconds=int(last), reason="locked")]
    assert desk.state.presence is Presence.LOCKED


def test_staying_locked_reports_no_more_bouts() -> None:
    desk = Desk()
    desk.active(0, minutes(10))
    desk.locked(minutes(10), minutes(60), last_input=minutes(10) - POLL)
    assert len(desk.of(BoutEnded)) == 1
    assert desk.state.presence is Presence.LOCKED


def test_unlocking_starts_a_new_bout_at_the_first_input() -> None:
    desk = Desk()
    desk.active(0, minutes(10))
    desk.locked(minutes(10), minutes(40), last_input=minutes(10) - POLL)
    events = desk.sample(minutes(40), last_input=minutes(40) - 3)
    assert events == [BoutStarted(at=at(minutes(40) - 3))]
    assert desk.state.presence is Presence.SITTING


def test_suspend_counts_as_away_from_its_start() -> None:
    desk = Desk()
    desk.active(0, minutes(45))
    last = minutes(45) - POLL
    desk.idle(minutes(45), minutes(46), last_input=last)  # a minute later the lid is closed
    last_sample = minutes(46) - POLL
    # An hour without samples; on waking the OS idle counter includes the suspend.
    wake = last_sample + minutes(60)
    events = desk.sample(wake, last_input=last)
    assert events == [BoutEnded(at=at(wake), start=at(0), end=at(last), seconds=int(last),
                                reason="asleep")]
    assert desk.state.presence is Presence.AWAY
    assert desk.state.bout_start is None


def test_first_input_after_waking_starts_a_new_bout_at_that_input() -> None:
    desk = Desk()
    desk.active(0, minutes(45))
    wake = minutes(120)
    events = desk.sample(wake, last_input=wake - 2)
    assert [type(e) for e in events] == [BoutEnded, BoutStarted]
    assert events[1] == BoutStarted(at=at(wake - 2))
    assert desk.state.presence is Presence.SITTING


def test_a_gap_just_shorter_than_the_suspend_threshold_is_not_a_suspend() -> None:
    desk = Desk()
    desk.active(0, minutes(10))
    gap = max(6 * POLL, MIN_SUSPEND_GAP_SECONDS)
    desk.sample(minutes(10) - POLL + gap, last_input=minutes(10) - POLL + gap)
    assert desk.of(BoutEnded) == []
    assert desk.state.bout_start == at(0)


def test_a_gap_just_longer_than_the_suspend_threshold_is_a_suspend() -> None:
    desk = Desk()
    desk.active(0, minutes(10))
    gap = max(6 * POLL, MIN_SUSPEND_GAP_SECONDS) + 1
    desk.sample(minutes(10) - POLL + gap, last_input=minutes(10) - POLL + gap)
    [ended] = desk.of(BoutEnded)
    assert ended.reason == "asleep"
    assert ended.end == at(minutes(10) - POLL)


def test_suspend_threshold_never_drops_below_thirty_seconds() -> None:
    assert SittingRules(poll_seconds=1).suspend_gap_seconds == MIN_SUSPEND_GAP_SECONDS == 30.0
    assert SittingRules(poll_seconds=10).suspend_gap_seconds == 60.0


def test_first_input_after_being_away_starts_a_new_bout() -> None:
    desk = Desk()
    desk.active(0, minutes(20))
    desk.idle(minutes(20), minutes(32), last_input=minutes(20) - POLL)
    assert desk.state.presence is Presence.AWAY
    events = desk.sample(minutes(32), last_input=minutes(32) - 4)
    assert events == [BoutStarted(at=at(minutes(32) - 4))]
    assert desk.state.bout_start == at(minutes(32) - 4)
    desk.active(minutes(32) + POLL, minutes(40))
    assert desk.state.sitting_seconds(at(minutes(40))) == minutes(8) + 4


def test_two_bouts_in_a_morning_are_reported_in_order_without_overlap() -> None:
    desk = Desk()
    desk.active(0, minutes(50))
    desk.idle(minutes(50), minutes(60), last_input=minutes(50) - POLL)
    desk.active(minutes(60), minutes(120))
    desk.locked(minutes(120), minutes(130), last_input=minutes(120) - POLL)
    first, second = desk.of(BoutEnded)
    assert (first.start, first.end) == (at(0), at(minutes(50) - POLL))
    assert (second.start, second.end) == (at(minutes(60)), at(minutes(120) - POLL))
    assert second.seconds == minutes(60) - POLL


def test_out_of_order_sample_is_ignored() -> None:
    desk = Desk()
    desk.active(0, minutes(10))
    before = desk.state
    assert desk.sample(minutes(5), last_input=minutes(5)) == []
    assert desk.state == before
    # even one that claims the screen is locked or the user went away
    assert desk.sample(minutes(6), last_input=0, locked=True) == []
    assert desk.state == before


def test_repeated_sample_is_ignored() -> None:
    desk = Desk()
    desk.active(0, minutes(10))
    before = desk.state
    t = minutes(10) - POLL
    assert desk.sample(t, last_input=t - 400) == []
    assert desk.state == before


def test_negative_idle_reading_counts_as_input_now() -> None:
    desk = Desk()
    events = desk.sample(10, last_input=12)  # a clock skew: idle -2 s
    assert events == [BoutStarted(at=at(10))]


def test_end_bout_for_a_movement_break_ends_at_the_given_moment() -> None:
    desk = Desk()
    desk.active(0, minutes(50))
    state, events = end_bout(desk.state, at(minutes(50)), at(minutes(51)), "movement break")
    assert events == [BoutEnded(at=at(minutes(51)), start=at(0), end=at(minutes(50)),
                                seconds=3000, reason="movement break")]
    assert state.presence is Presence.AWAY
    assert state.bout_start is None


def test_end_bout_with_restart_starts_the_next_bout_there() -> None:
    desk = Desk()
    desk.active(0, minutes(50))
    state, events = end_bout(desk.state, at(minutes(50)), at(minutes(56)), "movement break",
                             restart=at(minutes(54)))
    assert events[1] == BoutStarted(at=at(minutes(54)))
    assert state.bout_start == at(minutes(54))
    assert state.presence is Presence.SITTING


def test_end_bout_when_not_sitting_does_nothing() -> None:
    state, events = end_bout(SittingState(), at(0), at(1), "movement break")
    assert events == []
    assert state == SittingState()
