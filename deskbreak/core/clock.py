"""The clock protocol. The core never reads the time itself; it is handed a clock or a `now`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """A source of the current time. Implementations return timezone-aware datetimes."""

    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class FakeClock:
    """A clock that only moves when told to: for tests and the simulator."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> datetime:
        """Move forward by `seconds` and return the new time."""
        self._now += timedelta(seconds=seconds)
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to `when`; time never runs backwards."""
        if when < self._now:
            raise ValueError("FakeClock cannot go back in time")
        self._now = when
