"""The sitting model: idle samples in, sitting bouts out.

A bout runs from the first input after being away to the last input before an idle stretch of
at least `natural_break`, a screen lock or a suspend. Bout ends are back-dated to that last input
(`last_input = sample time - idle seconds`), never to the sample that noticed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from deskbreak.core.events import BoutEnded, BoutStarted, Event

#: A gap between samples this many poll intervals long means the machine was suspended.
SUSPEND_GAP_POLLS = 6
#: ...but never less than this, so a short poll interval does not mistake a busy moment for sleep.
MIN_SUSPEND_GAP_SECONDS = 30.0


class Presence(enum.Enum):
    """Where the user is, as far as input tells."""

    #: Not seen yet (before the first sample).
    UNKNOWN = "unknown"
    #: In a sitting bout: input within the last natural-break interval.
    SITTING = "sitting"
    #: Idle for at least the natural break, or just stood up for a break.
    AWAY = "away"
    #: The screen is locked.
    LOCKED = "locked"
    #: The machine was suspended (noticed from a gap between samples).
    ASLEEP = "asleep"


@dataclass(frozen=True)
class Sample:
    """One reading of the OS: seconds since the last keyboard/mouse input, and the lock state."""

    at: datetime
    idle_seconds: float
    locked: bool = False


@dataclass(frozen=True)
class SittingRules:
    """The thresholds of the sitting model."""

    natural_break_seconds: float = 300.0
    poll_seconds: float = 5.0

    @property
    def suspend_gap_seconds(self) -> float:
        return max(SUSPEND_GAP_POLLS * self.poll_seconds, MIN_SUSPEND_GAP_SECONDS)

    @property
    def clock_set_back_seconds(self) -> float:
        """A sample earlier than the one before by more than this means the wall clock was set
        back; less is jitter and is ignored (at most this long without prompts)."""
        return max(self.suspend_gap_seconds, self.natural_break_seconds)


@dataclass(frozen=True)
class SittingState:
    """What the model knows after the last sample."""

    presence: Presence = Presence.UNKNOWN
    bout_start: datetime | None = None
    last_input: datetime | None = None
    last_sample_at: datetime | None = None
    idle_seconds: float = 0.0

    def sitting_seconds(self, now: datetime) -> float:
        """Length of the current bout at `now` (0 when not sitting)."""
        if self.presence is not Presence.SITTING or self.bout_start is None:
            return 0.0
        return max(0.0, (now - self.bout_start).total_seconds())


def step(state: SittingState, sample: Sample, rules: SittingRules) -> tuple[SittingState, list[Event]]:
    """Advance the model by one sample; return the new state and any bout events."""
    events: list[Event] = []
    idle = sample.idle_seconds if sample.idle_seconds > 0.0 else 0.0
    last_input = sample.at - timedelta(seconds=idle)
    previous_input = state.last_input
    gap = (sample.at - state.last_sample_at).total_seconds() if state.last_sample_at else 0.0

    if state.last_sample_at is not None and gap <= 0:
        if -gap <= rules.clock_set_back_seconds:
            return state, events  # a repeated or out-of-order sample tells nothing new
        # The wall clock was set back (by hand, or a large time sync). Ignoring samples until
        # it catches up would mean no bouts and no prompts for that long. Close the bout at its
        # last input (noticed at the latest moment seen, so no duration is negative) and start
        # afresh from this sample, as after a suspend.
        if state.bout_start is not None:
            events.append(_bout_ended(state.bout_start, state.last_input or state.last_sample_at,
                                      state.last_sample_at, "clock set back"))
        state = SittingState()
        previous_input, gap = None, 0.0

    # Fast path, taken by nearly every sample: still sitting, or still away, nothing crossed.
    if gap <= rules.suspend_gap_seconds and not sample.locked:
        if state.presence is Presence.SITTING and idle < rules.natural_break_seconds:
            return SittingState(Presence.SITTING, state.bout_start,
                                last_input if previous_input is None or last_input > previous_input
                                else previous_input, sample.at, idle), events
        if state.presence is Presence.AWAY and idle >= rules.natural_break_seconds:
            return SittingState(Presence.AWAY, None, previous_input, sample.at, idle), events

    if state.last_sample_at is not None and gap > rules.suspend_gap_seconds:
        # The machine slept: away from the start of the gap, back-dated to the last input.
        if state.bout_start is not None:
            events.append(_bout_ended(state.bout_start, state.last_input or state.last_sample_at,
                                      sample.at, "asleep"))
        state = replace(state, presence=Presence.ASLEEP, bout_start=None)
        # Idle counters may or may not run during suspend; input from before the gap is not new.
        if last_input <= state.last_sample_at:  # type: ignore[operator]
            last_input = previous_input or last_input

    if sample.locked:
        if state.bout_start is not None:
            events.append(_bout_ended(state.bout_start, min(last_input, sample.at), sample.at,
                                      "locked"))
        new_state = replace(state, presence=Presence.LOCKED, bout_start=None,
                            last_input=_latest(previous_input, last_input))
    elif idle >= rules.natural_break_seconds:
        if state.bout_start is not None:
            events.append(_bout_ended(state.bout_start, last_input, sample.at, "idle"))
        new_state = replace(state, presence=Presence.AWAY, bout_start=None,
                            last_input=_latest(previous_input, last_input))
    elif state.bout_start is not None:
        new_state = replace(state, presence=Presence.SITTING,
                            last_input=_latest(previous_input, last_input))
    elif previous_input is None or last_input > previous_input:
        # First input after being away (or ever): a bout starts at that input.
        start = last_input if previous_input is None else max(last_input, previous_input)
        events.append(BoutStarted(at=start))
        new_state = replace(state, presence=Presence.SITTING, bout_start=start,
                            last_input=last_input)
    else:
        new_state = replace(state, presence=Presence.AWAY)
    return replace(new_state, last_sample_at=sample.at, idle_seconds=idle), events


def end_bout(state: SittingState, end: datetime, noticed: datetime, reason: str,
             restart: datetime | None = None) -> tuple[SittingState, list[Event]]:
    """End the current bout at `end` because the user took a movement break.

    With `restart`, the user sat down again at that moment (input came after the break) and a
    new bout starts there; otherwise the next input starts one.
    """
    if state.bout_start is None or end <= state.bout_start:
        return state, []
    events: list[Event] = [_bout_ended(state.bout_start, end, noticed, reason)]
    if restart is not None and restart > end:
        events.append(BoutStarted(at=restart))
        return replace(state, bout_start=restart), events
    return replace(state, presence=Presence.AWAY, bout_start=None,
                   last_input=_latest(state.last_input, end)), events


def _latest(a: datetime | None, b: datetime) -> datetime:
    return b if a is None or b > a else a


def _bout_ended(start: datetime, end: datetime, noticed: datetime, reason: str) -> BoutEnded:
    end = max(start, end)
    return BoutEnded(at=noticed, start=start, end=end,
                     seconds=int((end - start).total_seconds()), reason=reason)
