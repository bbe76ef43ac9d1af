"""Idle time from GNOME Shell's Mutter IdleMonitor over the session bus (X11 and Wayland)."""

from __future__ import annotations

import logging

from deskbreak.adapters.idle import IdleSourceError

log = logging.getLogger(__name__)

BUS_NAME = "org.gnome.Mutter.IdleMonitor"
OBJECT_PATH = "/org/gnome/Mutter/IdleMonitor/Core"
INTERFACE = "org.gnome.Mutter.IdleMonitor"


class GnomeIdleSource:
    """org.gnome.Mutter.IdleMonitor.GetIdletime (milliseconds). One thread at a time."""

    name = "gnome"

    def __init__(self) -> None:
        """Connect to the session bus and take one reading; IdleSourceError if not on GNOME."""
        try:
            from deskbreak.adapters import _dbus
        except ImportError as error:
            raise IdleSourceError(f"gnome: jeepney is not installed ({error})") from error
        self._dbus = _dbus
        self._address = _dbus.DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=INTERFACE)
        try:
            self._conn = _dbus.connect("SESSION")
        except _dbus.DBusUnavailable as error:
            raise IdleSourceError(f"gnome: {error}") from error
        try:
            self.seconds_since_last_input()
        except IdleSourceError:
            _dbus.close_quietly(self._conn)
            raise

    def seconds_since_last_input(self) -> float:
        """Seconds since the last input in the GNOME session; IdleSourceError on failure."""
        try:
            (milliseconds,) = self._dbus.call(self._conn, self._address, "GetIdletime")
        except self._dbus.DBusUnavailable as error:
            raise IdleSourceError(f"gnome: {error}") from error
        return max(0.0, int(milliseconds) / 1000.0)


if __name__ == "__main__":
    print(f"gnome: {GnomeIdleSource().seconds_since_last_input():.3f} s since last input")
