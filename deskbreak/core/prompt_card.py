"""The prompt card: everything any surface shows for one prompt, built once by the engine.

The engine makes the card together with the `PromptShown` event (it knows the break, the
day's doses, the snooze rule and the answer window); the notification, the console and the
prompt window only serialise it. Nothing on the way out climbs back into the programme.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deskbreak.core.programme import Break, BreakKind, Exercise


def snooze_refusal(brk: Break, snoozes: int) -> str | None:
    """Why one more snooze of `brk` is not allowed after `snoozes` (None: it is allowed).
    The one place the physio's snooze limit is applied."""
    allowed = brk.snooze.max_count
    if snoozes < allowed:
        return None
    if allowed == 0:
        return "your physio has not allowed snoozing this break"
    return f"already snoozed {allowed} time{'s' if allowed != 1 else ''}; your physio allows no more"


@dataclass(frozen=True)
class PromptCard:
    """One prompt as the user sees it."""

    prompt: int
    series: int
    break_name: str
    #: "micro" or "movement".
    kind: str
    #: "Time for neck mobility" / "Time to get up: walk".
    headline: str
    #: Why now: "You have been sitting for 42 min." or "You asked for a break."
    reason: str
    #: The exercises asked for, each with the dose in force that day and its cautions.
    exercises: tuple[Exercise, ...]
    programme_title: str
    notes: str
    snooze_allowed: bool
    snooze_minutes: float
    #: Why snoozing is not allowed ("" when it is).
    snooze_reason: str
    neck_checkin: bool
    shown_at: datetime
    #: The answer window ends here (a started guided break is not cut off by it).
    expires_at: datetime
    #: Play a soft sound at the end of each hold (the programme's `sound` setting).
    sound: bool = False

    @property
    def respond_within_seconds(self) -> float:
        return (self.expires_at - self.shown_at).total_seconds()

    def body(self) -> str:
        """The notification's text: why now, then each exercise with its dose."""
        parts = [f"{e.title} ({e.dose_text()})" for e in self.exercises]
        return f"{self.reason} " + "; ".join(parts)


def make_card(*, prompt: int, series: int, brk: Break, exercises: tuple[Exercise, ...],
              snoozes: int, sitting_seconds: float, requested: bool, programme_title: str,
              notes: str, neck_checkin: bool, shown_at: datetime,
              expires_at: datetime, sound: bool = False) -> PromptCard:
    """The card for a prompt of `brk` (the engine calls this as it shows the prompt)."""
    if brk.kind is BreakKind.MOVEMENT:
        headline = f"Time to get up: {brk.name}"
    else:
        headline = f"Time for {brk.name}"
    minutes = round(sitting_seconds / 60)
    if not requested:
        reason = f"You have been sitting for {minutes} min."
    elif minutes >= 1:
        reason = f"You asked for a break after {minutes} min of sitting."
    else:
        reason = "You asked for a break."
    refusal = snooze_refusal(brk, snoozes)
    return PromptCard(
        prompt=prompt, series=series, break_name=brk.name, kind=brk.kind.value,
        headline=headline, reason=reason, exercises=exercises,
        programme_title=programme_title, notes=notes, snooze_allowed=refusal is None,
        snooze_minutes=brk.snooze.minutes, snooze_reason=refusal or "",
        neck_checkin=neck_checkin, shown_at=shown_at, expires_at=expires_at, sound=sound)
