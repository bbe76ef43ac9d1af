"""Pure helpers the service's surfaces share: the one-line status, and when a pause ends."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from deskbreak.core.commands import check_pause
from deskbreak.core.programme import Programme
from deskbreak.core.units import parse_duration

#: How each presence other than sitting reads in the status line.
PRESENCE_LINES = {"away": "Away from the desk", "locked": "Screen locked",
                  "asleep": "Just woke up", "unknown": "Starting"}


def status_line(presence: str, sitting_seconds: float, paused: bool, paused_until: datetime | None,
                next_break: str | None, next_in: float | None) -> str:
    """One line for the tooltip and `deskbreak status`, e.g. "Sitting 42 min, neck mobility in 8 min"."""
    if paused:
        return f"Paused until {paused_until:%H:%M}" if paused_until else "Paused"
    if presence != "sitting":
        return PRESENCE_LINES.get(presence, presence)
    text = f"Sitting {round(sitting_seconds / 60)} min"
    if next_break is not None and next_in is not None:
        text += f", {next_break} " + ("due now" if next_in <= 0 else
                                      f"in {max(1, round(next_in / 60))} min")
    return text


def pause_until(now: datetime, spec: str | None, programme: Programme) -> datetime | None:
    """When a pause of `spec` ("30m", "1h", "today" or None: until resumed) ends. Raises
    CommandError for a length that is not one."""
    spec = check_pause(spec)
    if spec is None or spec == "indefinitely":
        return None
    if spec == "today":
        hours = programme.settings.working_hours
        end = datetime.combine(now.date(), hours.end, tzinfo=now.tzinfo)
        if end <= now:
            end = datetime.combine(now.date() + timedelta(days=1), time.min, tzinfo=now.tzinfo)
        return end
    return now + timedelta(seconds=parse_duration(spec))
