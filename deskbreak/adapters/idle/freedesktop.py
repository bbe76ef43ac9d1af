"""Idle time from org.freedesktop.ScreenSaver.GetSessionIdleTime over the session bus.

KDE Plasma (the main implementer, also on Wayland) answers in milliseconds. Some other desktops
implement the method as a stub that always returns 0 or answer in seconds; `candidates_for`
therefore tries XScreenSaver first on X11 sessions.
"""

from __future__ import annotations

import logging

from deskbreak.adapters.idle import IdleSourceError

log = logging.getLogger(__name__)

BUS_NAME = "org.freedesktop.ScreenSaver"
INTERFACE = "org.freedesktop.ScreenSaver"
#: KDE registers the interface on /ScreenSaver; the spec-style path is tried first.
OBJECT_PATHS = ("/org/freedesktop/ScreenSaver", "/ScreenSaver")


def idle_seconds_from_reply(value: object) -> float:
    """Convert GetSessionIdleTime's reply (uint32 milliseconds) to seconds; ValueError if it is
    not a non-negative integer."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"GetSessionIdleTime returned {value!r}, not milliseconds")
    return value / 1000.0


class FreedesktopIdleSource:
    """GetSessionIdleTime on the first object path that answers. One thread at a time."""

    name = "freedesktop"

    def __init__(self) -> None:
        """Connect to the session bus and find a path that answers; IdleSourceError if none."""
        try:
            from deskbreak.adapters import _dbus
        except ImportError as error:
            raise IdleSourceError(f"freedesktop: jeepney is not installed ({error})") from error
        self._dbus = _dbus
        try:
            self._conn = _dbus.connect("SESSION")
        except _dbus.DBusUnavailable as error:
            raise IdleSourceError(f"freedesktop: {error}") from error
        failures = []
        for path in OBJECT_PATHS:
            self._address = _dbus.DBusAddress(path, bus_name=BUS_NAME, interface=INTERFACE)
            try:
                self.seconds_since_last_input()
                return
            except IdleSourceError as error:
                failures.append(str(error))
        _dbus.close_quietly(self._conn)
        raise IdleSourceError(failures[0] if len(set(failures)) == 1 else "; ".join(failures))

    def seconds_since_last_input(self) -> float:
        """Seconds since the last input per the screensaver service; IdleSourceError on failure."""
        try:
            (value,) = self._dbus.call(self._conn, self._address, "GetSessionIdleTime")
            return idle_seconds_from_reply(value)
        except (self._dbus.DBusUnavailable, ValueError) as error:
            raise IdleSourceError(f"freedesktop: {error}") from error


if __name__ == "__main__":
    print(f"freedesktop: {FreedesktopIdleSource().seconds_since_last_input():.3f} s since last input")
