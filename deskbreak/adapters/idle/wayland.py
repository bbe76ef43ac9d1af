"""Idle time from the Wayland compositor itself: `ext_idle_notifier_v1` (the standard protocol,
in wlroots 0.17+, KDE Plasma 6, COSMIC, niri...) or KDE's older `org_kde_kwin_idle` (KWin 5, and
wlroots compositors up to sway 1.8).

Wayland offers no "idle for how long" query; it sends *events*: "idle" once there has been no
input for the timeout the client asked for, and "resumed" at the next input. So the source asks
for a short timeout (`NOTIFY_AFTER_SECONDS`), keeps a reader thread blocked on the socket (no
wake-ups while nothing happens), and notes when "idle" arrived. The idle time is then the time
since that event plus the timeout; while input keeps coming it reads 0, which is right to within
the timeout, far finer than any break rule needs.

Where the compositor offers `ext_idle_notifier_v1` version 2, the input-only notification is used:
an idle inhibitor (a video player keeping the screen on) must not make an empty chair look busy.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping

from deskbreak.adapters.idle import IdleSourceError
from deskbreak.adapters.wayland_wire import (
    ArgReader,
    WaylandConnection,
    WaylandError,
    socket_path,
    uints,
)

log = logging.getLogger(__name__)

#: The idle timeout asked of the compositor: idle time is exact beyond it and reads 0 below it.
NOTIFY_AFTER_SECONDS = 1.0
#: Interfaces and versions this source speaks, best first.
EXT_NOTIFIER, KDE_IDLE = "ext_idle_notifier_v1", "org_kde_kwin_idle"
#: ext_idle_notifier_v1 requests: get_idle_notification (v1), get_input_idle_notification (v2).
EXT_GET_IDLE_NOTIFICATION, EXT_GET_INPUT_IDLE_NOTIFICATION = 1, 2
#: org_kde_kwin_idle's only request.
KDE_GET_IDLE_TIMEOUT = 0
#: Both notification objects send "idle"/"idled" as event 0 and "resumed" as event 1.
EVENT_IDLE, EVENT_RESUMED = 0, 1


class IdleTracker:
    """Idle time from idle/resumed events, each noted at the moment it arrived.

    Pure bookkeeping around an injected monotonic clock, so tests can drive it; thread-safe,
    because the reader thread writes while the engine thread reads.
    """

    def __init__(self, notify_after: float, monotonic: Callable[[], float]) -> None:
        self._notify_after = notify_after
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._idle_since: float | None = None

    def on_event(self, opcode: int) -> None:
        """An event of the notification object arrived now."""
        with self._lock:
            if opcode == EVENT_IDLE:
                self._idle_since = self._monotonic() - self._notify_after
            elif opcode == EVENT_RESUMED:
                self._idle_since = None

    def seconds(self) -> float:
        """Seconds since the last input, as far as the events tell."""
        with self._lock:
            if self._idle_since is None:
                return 0.0
            return max(0.0, self._monotonic() - self._idle_since)


class WaylandIdleSource:
    """Idle time over the compositor's idle protocol. Readable from any one thread; the reader
    thread it starts is a daemon blocked on the socket. See `IdleSource` for the contract."""

    name = "wayland"

    def __init__(self, environ: Mapping[str, str] | None = None,
                 notify_after: float = NOTIFY_AFTER_SECONDS,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        """Connect, bind a seat and the best idle protocol offered, and ask for notifications.
        Raises IdleSourceError when there is no compositor or it speaks neither protocol."""
        env = os.environ if environ is None else environ
        self.tracker = IdleTracker(notify_after, monotonic)
        try:
            self._conn = WaylandConnection(socket_path(env))
        except WaylandError as error:
            raise IdleSourceError(f"wayland: {error}") from error
        try:
            self.protocol = self._subscribe(int(notify_after * 1000))
        except WaylandError as error:
            self._conn.close()
            raise IdleSourceError(f"wayland: {error}") from error
        self._failure: str | None = None
        self._closing = False
        self._reader = threading.Thread(target=self._read_events, name="wayland-idle",
                                        daemon=True)
        self._reader.start()
        self.seconds_since_last_input()

    def _subscribe(self, timeout_ms: int) -> str:
        conn = self._conn
        conn.load_globals()
        if conn.find_global("wl_seat") is None:
            raise WaylandError("the compositor offers no seat (wl_seat)")

        def on_event(opcode: int, _args: ArgReader) -> None:
            self.tracker.on_event(opcode)

        ext = conn.find_global(EXT_NOTIFIER)
        if ext is not None:
            version = min(ext[1], 2)
            notifier = conn.bind(EXT_NOTIFIER, version)
            seat = conn.bind("wl_seat", 1)
            notification = conn.new_id(on_event)
            opcode = (EXT_GET_INPUT_IDLE_NOTIFICATION if version >= 2
                      else EXT_GET_IDLE_NOTIFICATION)
            conn.send(notifier, opcode, uints(notification, timeout_ms, seat))
            conn.roundtrip()
            return f"{EXT_NOTIFIER} v{version}" + (" (input only)" if version >= 2 else "")
        if conn.find_global(KDE_IDLE) is not None:
            idle = conn.bind(KDE_IDLE, 1)
            seat = conn.bind("wl_seat", 1)
            timeout = conn.new_id(on_event)
            conn.send(idle, KDE_GET_IDLE_TIMEOUT, uints(timeout, seat, timeout_ms))
            conn.roundtrip()
            return KDE_IDLE
        raise WaylandError(f"the compositor offers neither {EXT_NOTIFIER} nor {KDE_IDLE}")

    def _read_events(self) -> None:
        try:
            while True:
                self._conn.dispatch_once(timeout=None)
        except WaylandError as error:
            self._failure = str(error)
            if not self._closing:
                log.warning("wayland idle source stopped: %s", error)

    def seconds_since_last_input(self) -> float:
        """Seconds since the last input; IdleSourceError once the compositor has gone."""
        if self._failure is not None:
            raise IdleSourceError(f"wayland: {self._failure}")
        return self.tracker.seconds()

    def close(self) -> None:
        """Close the connection; the reader thread ends."""
        self._closing = True
        self._conn.close()


if __name__ == "__main__":
    source = WaylandIdleSource()
    print(f"wayland ({source.protocol}): {source.seconds_since_last_input():.1f} s since last input")
