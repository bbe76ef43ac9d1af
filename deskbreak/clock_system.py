"""Real clocks, for the service. The core never reads these itself; the service hands it `now`."""

from __future__ import annotations

import time
from datetime import datetime, timedelta


class SystemClock:
    """The wall clock, in local time with its UTC offset."""

    def now(self) -> datetime:
        return datetime.now().astimezone()


class ScaledClock:
    """A clock that runs `speed` times faster than real time from the moment it is made.

    `deskbreak run --speed 60` uses it to play a working day in minutes (demos and the desktop
    tests); idle seconds read from the OS are scaled by the same factor.
    """

    def __init__(self, speed: float) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._start_wall = datetime.now().astimezone()
        self._start_mono = time.monotonic()

    def now(self) -> datetime:
        elapsed = (time.monotonic() - self._start_mono) * self.speed
        return (self._start_wall + timedelta(seconds=elapsed)).astimezone()
