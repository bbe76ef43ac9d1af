"""Idle time on Windows: GetLastInputInfo against GetTickCount (user32/kernel32 via ctypes).

Both counters are 32-bit milliseconds that wrap every 49.7 days; `idle_ms_between` does the
modular subtraction so a wrap between the last input and now gives the right answer.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Callable

from deskbreak.adapters.idle import IdleSourceError

log = logging.getLogger(__name__)

TICK_MODULUS = 2**32


def idle_ms_between(now_tick: int, last_input_tick: int) -> int:
    """Milliseconds from `last_input_tick` to `now_tick`, both 32-bit tick counts that may have
    wrapped in between (valid for gaps under 49.7 days)."""
    return (now_tick - last_input_tick) % TICK_MODULUS


def _win32_reader() -> tuple[Callable[[], int], Callable[[], int]]:
    """(now_tick, last_input_tick) readers from the real Windows API; OSError off Windows."""
    windll = getattr(ctypes, "windll", None)
    if windll is None:
        raise OSError("not Windows: ctypes.windll is missing")

    class LASTINPUTINFO(ctypes.Structure):
        _fields_ = [("cbSize", ctypes.c_uint), ("dwTime", ctypes.c_uint32)]

    user32, kernel32 = windll.user32, windll.kernel32
    kernel32.GetTickCount.restype = ctypes.c_uint32

    def last_input_tick() -> int:
        info = LASTINPUTINFO()
        info.cbSize = ctypes.sizeof(LASTINPUTINFO)
        if not user32.GetLastInputInfo(ctypes.byref(info)):
            raise OSError("GetLastInputInfo failed")
        return int(info.dwTime)

    def now_tick() -> int:
        return int(kernel32.GetTickCount())

    return now_tick, last_input_tick


class WindowsIdleSource:
    """GetLastInputInfo. Cheap; one thread at a time. The tick readers can be replaced in tests."""

    name = "windows"

    def __init__(self, now_tick: Callable[[], int] | None = None,
                 last_input_tick: Callable[[], int] | None = None) -> None:
        """Bind to the Windows API (or the given readers) and take one reading."""
        if now_tick is None or last_input_tick is None:
            try:
                now_tick, last_input_tick = _win32_reader()
            except OSError as error:
                raise IdleSourceError(f"windows: {error}") from error
        self._now_tick = now_tick
        self._last_input_tick = last_input_tick
        self.seconds_since_last_input()

    def seconds_since_last_input(self) -> float:
        """Seconds since the last input in this user's session; IdleSourceError on failure."""
        try:
            last = self._last_input_tick()
            now = self._now_tick()
        except OSError as error:
            raise IdleSourceError(f"windows: {error}") from error
        return idle_ms_between(now, last) / 1000.0


if __name__ == "__main__":
    print(f"windows: {WindowsIdleSource().seconds_since_last_input():.3f} s since last input")
