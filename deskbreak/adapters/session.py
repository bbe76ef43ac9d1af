"""Is the user's screen locked? Asked of logind (LockedHint of this login session, system bus)
and of the desktop's screensaver (org.freedesktop.ScreenSaver / org.gnome.ScreenSaver GetActive,
session bus). The answer is True, False or None for "cannot tell".

Locked time is never sitting time the user could break, so the engine treats it as away; an
unknown answer just means it relies on the idle time alone.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from deskbreak.errors import DeskbreakError

log = logging.getLogger(__name__)

ENV_VAR = "DESKBREAK_LOCK_SOURCE"
LOGIND = "org.freedesktop.login1"
LOGIND_MANAGER_PATH = "/org/freedesktop/login1"
LOGIND_MANAGER = "org.freedesktop.login1.Manager"
LOGIND_SESSION = "org.freedesktop.login1.Session"
#: logind's alias for "the caller's session, or the user's display session".
LOGIND_AUTO_SESSION = "/org/freedesktop/login1/session/auto"
#: After a failure, wait this long before reconnecting, so a missing bus costs nothing per tick.
RECONNECT_INTERVAL = 30.0
#: (name, bus name, object path) of the screensaver services that implement GetActive.
SCREENSAVERS = (
    ("freedesktop", "org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"),
    ("gnome-screensaver", "org.gnome.ScreenSaver", "/org/gnome/ScreenSaver"),
)


class LockSourceError(DeskbreakError):
    """A lock source cannot be opened here; the message says why."""


@runtime_checkable
class LockSource(Protocol):
    """Whether the session's screen is locked.

    Threading: use an instance from any ONE thread at a time (it holds blocking D-Bus
    connections). Cost: one or two D-Bus round trips (about a millisecond each), blocking at
    most a couple of seconds if a service hangs. Never raises: a source that stops answering
    returns None and quietly reconnects later.
    """

    #: Short stable name ("logind", "freedesktop", "none", ...), as used by DESKBREAK_LOCK_SOURCE.
    name: str

    def is_locked(self) -> bool | None:
        """True if locked, False if not, None if it cannot tell right now."""
        ...


class _DBusLockSource:
    """Shared plumbing: a lazily (re)opened connection and a throttle on reconnecting."""

    name = "dbus"
    bus = "SESSION"

    def __init__(self) -> None:
        from deskbreak.adapters import _dbus

        self._dbus = _dbus
        self._conn: Any = None
        self._retry_at = 0.0
        try:
            self._conn = _dbus.connect(self.bus)
            self._open(self._conn)
            self._read(self._conn)
        except _dbus.DBusUnavailable as error:
            _dbus.close_quietly(self._conn)
            raise LockSourceError(f"{self.name}: {error}") from error

    def _open(self, conn: Any) -> None:
        """Find what to ask (e.g. the session's object path); raises DBusUnavailable."""

    def _read(self, conn: Any) -> bool:
        raise NotImplementedError

    def is_locked(self) -> bool | None:
        """True/False from the service, None while it is unreachable."""
        if self._conn is None:
            if time.monotonic() < self._retry_at:
                return None
            try:
                self._conn = self._dbus.connect(self.bus)
                self._open(self._conn)
            except self._dbus.DBusUnavailable as error:
                self._give_up_for_now(error)
                return None
        try:
            return self._read(self._conn)
        except self._dbus.DBusUnavailable as error:
            self._give_up_for_now(error)
            return None

    def _give_up_for_now(self, error: Exception) -> None:
        log.warning("lock source %s stopped answering (%s); retrying in %.0f s",
                    self.name, error, RECONNECT_INTERVAL)
        self._dbus.close_quietly(self._conn)
        self._conn = None
        self._retry_at = time.monotonic() + RECONNECT_INTERVAL


class LogindLockSource(_DBusLockSource):
    """logind's LockedHint for this process's login session (set by GNOME, KDE and others when
    their locker engages; stays False under lockers that do not report it)."""

    name = "logind"
    bus = "SYSTEM"

    def _open(self, conn: Any) -> None:
        manager = self._dbus.DBusAddress(LOGIND_MANAGER_PATH, bus_name=LOGIND,
                                         interface=LOGIND_MANAGER)
        session_id = os.environ.get("XDG_SESSION_ID")
        path = None
        try:
            if session_id:
                (path,) = self._dbus.call(conn, manager, "GetSession", "s", (session_id,))
            else:
                (path,) = self._dbus.call(conn, manager, "GetSessionByPID", "u", (os.getpid(),))
        except self._dbus.DBusUnavailable as error:
            # Started outside any session (e.g. a systemd user service): logind's "auto" alias
            # resolves to the user's graphical session.
            log.debug("logind session lookup failed (%s); using %s", error, LOGIND_AUTO_SESSION)
            path = LOGIND_AUTO_SESSION
        self._session = self._dbus.DBusAddress(path, bus_name=LOGIND, interface=LOGIND_SESSION)
        log.debug("logind session: %s", path)

    def _read(self, conn: Any) -> bool:
        return bool(self._dbus.get_property(conn, self._session, "LockedHint"))


class ScreenSaverLockSource(_DBusLockSource):
    """GetActive of a screensaver service on the session bus (KDE, Xfce, Cinnamon, GNOME)."""

    def __init__(self, name: str = "freedesktop") -> None:
        for known, bus_name, path in SCREENSAVERS:
            if known == name:
                self.name = name
                self._bus_name, self._path = bus_name, path
                break
        else:
            raise LockSourceError(f"unknown screensaver {name!r}")
        super().__init__()

    def _read(self, conn: Any) -> bool:
        address = self._dbus.DBusAddress(self._path, bus_name=self._bus_name,
                                         interface=self._bus_name)
        (active,) = self._dbus.call(conn, address, "GetActive")
        return bool(active)


class UnknownLockSource:
    """Used when nothing can tell: always None."""

    name = "none"

    def is_locked(self) -> bool | None:
        return None


class AnyLockSource:
    """Several sources combined: locked if any says locked, unlocked if one answers and none
    says locked, None if none answers. (logind's hint stays False under lockers that do not set
    it, so a screensaver that knows better must be able to win.)"""

    def __init__(self, sources: Sequence[LockSource]) -> None:
        self.sources = list(sources)
        self.name = "+".join(source.name for source in self.sources)

    def is_locked(self) -> bool | None:
        answers = [source.is_locked() for source in self.sources]
        if any(answer is True for answer in answers):
            return True
        if any(answer is False for answer in answers):
            return False
        return None


def _open(name: str) -> LockSource:
    if name == "logind":
        return LogindLockSource()
    if name == "none":
        return UnknownLockSource()
    return ScreenSaverLockSource(name)


def choose_lock_source(override: str | None = None) -> LockSource:
    """Every lock source that works here, combined; `UnknownLockSource` if none does.

    `override` (or $DESKBREAK_LOCK_SOURCE) names one source: "logind", "freedesktop",
    "gnome-screensaver" or "none"; an override that does not work raises LockSourceError.
    Otherwise this never raises.
    """
    requested = override or os.environ.get(ENV_VAR) or None
    if requested:
        names = ["logind", "none", *(known for known, _b, _p in SCREENSAVERS)]
        if requested not in names:
            raise LockSourceError(f"unknown lock source {requested!r}; choose one of: "
                                  f"{', '.join(names)}")
        try:
            return _open(requested)
        except ImportError as error:
            raise LockSourceError(f"{requested}: jeepney is not installed ({error})") from error
    working: list[LockSource] = []
    for name in ["logind", *(known for known, _b, _p in SCREENSAVERS)]:
        try:
            working.append(_open(name))
        except (LockSourceError, ImportError) as error:
            log.debug("lock source %s unavailable: %s", name, error)
    if not working:
        log.info("no lock source works here; screen lock is unknown")
        return UnknownLockSource()
    if len(working) == 1:
        return working[0]
    return AnyLockSource(working)


if __name__ == "__main__":
    logging.basicConfig(level=logging.DEBUG)
    source = choose_lock_source()
    print(f"lock source {source.name}: locked={source.is_locked()}")
