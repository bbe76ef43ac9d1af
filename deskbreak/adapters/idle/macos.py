"""Idle time on macOS: CoreGraphics' CGEventSourceSecondsSinceLastEventType via ctypes (no
PyObjC needed)."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import math
from collections.abc import Callable

from deskbreak.adapters.idle import IdleSourceError

log = logging.getLogger(__name__)

#: kCGEventSourceStateHIDSystemState: real hardware input, not events apps post to themselves.
HID_SYSTEM_STATE = 1
#: kCGAnyInputEventType is ~0 as a uint32.
ANY_INPUT_EVENT_TYPE = 0xFFFFFFFF
COREGRAPHICS = "/System/Library/Frameworks/CoreGraphics.framework/CoreGraphics"

SecondsSince = Callable[[int, int], float]


def checked_seconds(value: float) -> float:
    """Validate a CoreGraphics reading: a finite number of seconds; ValueError otherwise.

    Tiny negatives (clock jitter) count as 0."""
    if not math.isfinite(value) or value < -1.0:
        raise ValueError(f"CGEventSourceSecondsSinceLastEventType returned {value!r}")
    return max(0.0, value)


def _coregraphics_function() -> SecondsSince:
    """The real CGEventSourceSecondsSinceLastEventType; OSError when CoreGraphics is missing."""
    path = ctypes.util.find_library("CoreGraphics") or COREGRAPHICS
    library = ctypes.CDLL(path)  # OSError off macOS
    function = library.CGEventSourceSecondsSinceLastEventType
    function.restype = ctypes.c_double
    function.argtypes = [ctypes.c_int32, ctypes.c_uint32]

    def seconds_since(state: int, event_type: int) -> float:
        return float(function(state, event_type))

    return seconds_since


class MacosIdleSource:
    """Seconds since any HID input. Cheap; one thread at a time. `seconds_since` replaces the
    CoreGraphics call in tests."""

    name = "macos"

    def __init__(self, seconds_since: SecondsSince | None = None) -> None:
        """Load CoreGraphics (or use the given function) and take one reading."""
        if seconds_since is None:
            try:
                seconds_since = _coregraphics_function()
            except (OSError, AttributeError) as error:
                raise IdleSourceError(f"macos: CoreGraphics unavailable: {error}") from error
        self._seconds_since = seconds_since
        self.seconds_since_last_input()

    def seconds_since_last_input(self) -> float:
        """Seconds since the last keyboard/mouse/trackpad event; IdleSourceError if invalid."""
        try:
            return checked_seconds(self._seconds_since(HID_SYSTEM_STATE, ANY_INPUT_EVENT_TYPE))
        except (OSError, ValueError) as error:
            raise IdleSourceError(f"macos: {error}") from error


if __name__ == "__main__":
    print(f"macos: {MacosIdleSource().seconds_since_last_input():.3f} s since last input")
