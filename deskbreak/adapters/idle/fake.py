"""A scriptable idle source for tests and demos: readings come from a list or a setter."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from deskbreak.adapters.idle import IdleSourceError

log = logging.getLogger(__name__)


class FakeIdleSource:
    """Returns scripted readings in order, then keeps repeating the last one.

    `set(seconds)` replaces the script with one value; `fail(message)` makes the next reading
    raise IdleSourceError (like an X server going away). Thread-safe, unlike the real sources,
    so a test thread may steer it while the engine reads it.
    """

    name = "fake"

    def __init__(self, readings: Iterable[float] = (0.0,)) -> None:
        self._lock = threading.Lock()
        self._script = [float(r) for r in readings] or [0.0]
        self._failure: str | None = None
        self.calls = 0

    def set(self, seconds: float) -> None:
        """From now on, every reading is `seconds`."""
        with self._lock:
            self._script = [float(seconds)]

    def fail(self, message: str = "fake source stopped") -> None:
        """Make every later reading raise IdleSourceError(message)."""
        with self._lock:
            self._failure = message

    def seconds_since_last_input(self) -> float:
        """The next scripted reading."""
        with self._lock:
            self.calls += 1
            if self._failure is not None:
                raise IdleSourceError(f"fake: {self._failure}")
            if len(self._script) > 1:
                return self._script.pop(0)
            return self._script[0]


if __name__ == "__main__":
    print(f"fake: {FakeIdleSource().seconds_since_last_input():.3f} s since last input")
