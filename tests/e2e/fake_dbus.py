"""A tiny D-Bus service for tests: owns a well-known name on a given bus and answers method
calls (and Properties.Get) from a table, on its own thread. Used to pretend to be logind, a
screensaver or GNOME's idle monitor on the harness's private buses."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from jeepney import HeaderFields, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

#: (interface, member) -> function(body) -> (signature, reply body).
Handler = Callable[[tuple[Any, ...]], tuple[str, tuple[Any, ...]]]

PROPERTIES = "org.freedesktop.DBus.Properties"


class FakeDBusService:
    """Answers calls to `name` on the bus at `address` until `stop()`. Use as a context manager.

    `properties[(interface, name)] = (signature, value)` serves Properties.Get; `calls` records
    every (path, interface, member, body) received, for assertions.
    """

    def __init__(self, address: str, name: str) -> None:
        self.address = address
        self.name = name
        self.methods: dict[tuple[str, str], Handler] = {}
        self.properties: dict[tuple[str, str], tuple[str, Any]] = {}
        self.calls: list[tuple[str, str, str, tuple[Any, ...]]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> FakeDBusService:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self._conn = open_dbus_connection(bus=self.address)
        reply = self._conn.send_and_get_reply(message_bus.RequestName(self.name), timeout=5)
        if reply.body[0] != 1:  # DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER
            raise RuntimeError(f"could not own {self.name}: {reply.body}")
        self._thread = threading.Thread(target=self._serve, name=f"fake-{self.name}",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._conn.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                message = self._conn.receive(timeout=0.05)
            except TimeoutError:
                continue
            except OSError:
                return
            if message.header.message_type != MessageType.method_call:
                continue
            fields = message.header.fields
            path = fields.get(HeaderFields.path, "")
            interface = fields.get(HeaderFields.interface, "")
            member = fields.get(HeaderFields.member, "")
            self.calls.append((path, interface, member, message.body))
            self._conn.send(self._answer(message, interface, member))

    def _answer(self, message: Any, interface: str, member: str) -> Any:
        if interface == PROPERTIES and member == "Get":
            key = (message.body[0], message.body[1])
            if key in self.properties:
                signature, value = self.properties[key]
                return new_method_return(message, "v", ((signature, value),))
            return new_error(message, "org.freedesktop.DBus.Error.UnknownProperty",
                             "s", (f"no property {key}",))
        handler = self.methods.get((interface, member))
        if handler is None:
            return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod",
                             "s", (f"no method {interface}.{member}",))
        signature, body = handler(message.body)
        return new_method_return(message, signature, body)
