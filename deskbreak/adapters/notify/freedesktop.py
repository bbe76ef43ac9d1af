"""Notifications over D-Bus: org.freedesktop.Notifications, spoken with jeepney.

Why not plyer or notify-send: we need an expiry, `replaces_id` (one prompt notification at a
time, never a pile), and action buttons whose presses come back as signals. Servers such as
dunst and GNOME Shell send ActionInvoked / NotificationClosed only to the connection that sent
the notification, so sending and listening share one connection: a jeepney threading router.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any

from deskbreak.adapters.notify import NotifierError, action_display

log = logging.getLogger(__name__)

BUS_NAME = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"
APP_NAME = "deskbreak"
#: Longest a call to the notification server may block the engine's thread.
CALL_TIMEOUT = 2.0
#: Spec urgency levels; prompts are "normal" so they honour the expiry (critical ones do not).
URGENCY_NORMAL = 1
#: NotificationClosed reasons, by the spec's numbers.
CLOSE_REASONS = {1: "expired", 2: "dismissed", 3: "closed", 4: "undefined"}
DEFAULT_ACTION = ("default", "Open")

ClosedCallback = Callable[[str], None]


class FreedesktopNotifier:
    """One prompt notification at a time on the session bus's notification server.

    Threading: `show`/`close`/`shutdown` from any ONE thread. `on_action(key)` and
    `on_closed(reason)` are called on this notifier's own background thread
    ("deskbreak-notify"), only for notifications this instance sent; post them to the engine.
    `on_closed` gets "expired", "dismissed" (the user closed it), "closed" or "undefined".
    """

    name = "freedesktop"

    def __init__(self, on_action: Callable[[str], None],
                 on_closed: ClosedCallback | None = None, *, app_name: str = APP_NAME,
                 bus: str = "SESSION") -> None:
        """Connect, subscribe to the server's signals, then ask its capabilities.

        Raises NotifierError when there is no bus or no notification server on it.
        """
        try:
            import jeepney  # noqa: F401 - fail early with a clear message
        except ImportError as error:
            raise NotifierError(f"freedesktop: jeepney is not installed ({error})") from error
        self.on_action = on_action
        self.on_closed = on_closed
        self.app_name = app_name
        self._bus = bus
        self._lock = threading.Lock()  # guards the ids below, shared with the dispatcher
        self._current_id = 0  # the prompt notification on screen (0: none)
        self._ours: set[int] = set()  # every id we sent that has not closed yet
        self._signals: queue.Queue[Any] = queue.Queue()
        self._router: Any = None
        self._conn: Any = None
        self._filters: list[Any] = []
        self.supports_actions = False
        self.action_display = "none"
        self.capabilities: tuple[str, ...] = ()
        self.server = "unknown"
        self.server_name = ""
        self._connect()
        self._thread = threading.Thread(target=self._dispatch, name="deskbreak-notify",
                                        daemon=True)
        self._thread.start()

    # -- connection ------------------------------------------------------------------------

    def _connect(self) -> None:
        from jeepney import DBusAddress, MatchRule
        from jeepney.bus_messages import message_bus
        from jeepney.io.threading import DBusRouter, open_dbus_connection

        try:
            self._conn = open_dbus_connection(bus=self._bus)
        except KeyError as error:
            raise NotifierError(f"freedesktop: no session bus ({error.args[0]} is not set)"
                                ) from error
        except (OSError, ValueError, RuntimeError) as error:
            raise NotifierError(f"freedesktop: cannot connect to the bus: {error}") from error
        self._router = DBusRouter(self._conn)
        self._address = DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=INTERFACE)
        try:
            # Subscribe BEFORE anything is sent, so no press or close can slip past.
            for member in ("ActionInvoked", "NotificationClosed"):
                rule = MatchRule(type="signal", interface=INTERFACE, member=member,
                                 path=OBJECT_PATH)
                self._filters.append(self._router.filter(rule, queue=self._signals))
                self._call_raw(message_bus.AddMatch(rule))
            (capabilities,) = self._call("GetCapabilities")
            self.capabilities = tuple(str(c) for c in capabilities)
            self.supports_actions = "actions" in self.capabilities
            name, vendor, version, _spec = self._call("GetServerInformation")
            self.server = f"{name} {version} ({vendor})"
            self.server_name = str(name)
            self.action_display = action_display(self.capabilities, self.server_name)
        except NotifierError:
            self._disconnect()
            raise
        log.info("notification server %s, actions: %s", self.server, self.action_display)

    def _disconnect(self) -> None:
        for handle in self._filters:
            handle.close()
        self._filters.clear()
        if self._router is not None:
            try:
                self._router.close()
            except Exception as error:
                log.debug("closing router: %s", error)
            self._router = None
        if self._conn is not None:
            try:
                self._conn.close()
            except OSError:
                pass
            self._conn = None

    def _call_raw(self, message: Any) -> tuple[Any, ...]:
        from jeepney.io.common import RouterClosed
        from jeepney.wrappers import DBusErrorResponse, unwrap_msg

        if self._router is None:
            raise NotifierError("freedesktop: not connected")
        try:
            reply = self._router.send_and_get_reply(message, timeout=CALL_TIMEOUT)
            body: tuple[Any, ...] = unwrap_msg(reply)
            return body
        except DBusErrorResponse as error:
            raise NotifierError(f"freedesktop: {error.name}: {error.data}") from error
        except (OSError, TimeoutError, RouterClosed) as error:
            raise NotifierError(f"freedesktop: {error!r}") from error

    def _call(self, method: str, signature: str | None = None,
              body: tuple[Any, ...] = ()) -> tuple[Any, ...]:
        from jeepney import new_method_call

        return self._call_raw(new_method_call(self._address, method, signature, body))

    # -- the interface ---------------------------------------------------------------------

    def show(self, title: str, body: str, actions: Sequence[tuple[str, str]],
             expire_seconds: float, replace: bool = True) -> None:
        """Send a notification; with `replace` it takes the previous prompt's place (same id).

        A "default" action (clicking the body) is added when actions are given without one.
        Retries once on a fresh connection if the bus connection was lost.
        """
        flat: list[str] = []
        if self.supports_actions and actions:
            pairs = list(actions)
            if not any(key == DEFAULT_ACTION[0] for key, _label in pairs):
                pairs.insert(0, DEFAULT_ACTION)
            for key, label in pairs:
                flat += [key, label]
        with self._lock:
            replaces = self._current_id if replace else 0
        arguments = (self.app_name, replaces, "", title, body, flat,
                     {"urgency": ("y", URGENCY_NORMAL)},
                     max(1, round(expire_seconds * 1000)))
        try:
            (notification_id,) = self._call("Notify", "susssasa{sv}i", arguments)
        except NotifierError as error:
            log.info("notify failed (%s); reconnecting once", error)
            self._disconnect()
            self._connect()
            (notification_id,) = self._call("Notify", "susssasa{sv}i", arguments)
        with self._lock:
            self._ours.add(int(notification_id))
            if replace:
                self._current_id = int(notification_id)
        log.debug("notification %s shown (replaces %s, expires in %.1f s)",
                  notification_id, replaces, expire_seconds)

    def close(self) -> None:
        """Withdraw the current prompt notification, if any. Never raises."""
        with self._lock:
            notification_id, self._current_id = self._current_id, 0
        if not notification_id:
            return
        try:
            self._call("CloseNotification", "u", (notification_id,))
        except NotifierError as error:
            log.info("could not close notification %s: %s", notification_id, error)

    def shutdown(self) -> None:
        """Stop the dispatcher thread and close the connection; idempotent."""
        self._signals.put(None)
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self._disconnect()

    @property
    def current_id(self) -> int:
        """The server's id of the prompt notification on screen, 0 if none (for tests/logs)."""
        with self._lock:
            return self._current_id

    # -- background thread -----------------------------------------------------------------

    def _dispatch(self) -> None:
        """Turn our notifications' signals into callbacks, one at a time, until shutdown."""
        from jeepney import HeaderFields

        while True:
            message = self._signals.get()
            if message is None:
                return
            member = message.header.fields.get(HeaderFields.member)
            try:
                notification_id = int(message.body[0])
                if member == "ActionInvoked":
                    with self._lock:
                        ours = notification_id in self._ours
                    if ours:
                        self.on_action(str(message.body[1]))
                elif member == "NotificationClosed":
                    with self._lock:
                        ours = notification_id in self._ours
                        self._ours.discard(notification_id)
                        if self._current_id == notification_id:
                            self._current_id = 0
                    if ours and self.on_closed is not None:
                        self.on_closed(CLOSE_REASONS.get(int(message.body[1]), "undefined"))
            except Exception:  # a faulty callback must not end the dispatcher
                log.exception("notification callback failed for %s", member)


if __name__ == "__main__":
    import time

    logging.basicConfig(level=logging.DEBUG)
    notifier = FreedesktopNotifier(lambda key: print(f"action: {key}"),
                                   lambda reason: print(f"closed: {reason}"))
    print(f"server: {notifier.server}; actions: {notifier.supports_actions}")
    notifier.show("deskbreak probe", "Press a button or wait 10 s.",
                  [("done", "Done"), ("skip", "Skip")], expire_seconds=10)
    time.sleep(11)
    notifier.shutdown()
