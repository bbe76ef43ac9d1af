"""The standard idle protocol, ext_idle_notifier_v1, against a compositor-side stand-in.

Debian 12's sway predates ext-idle-notify, so this stand-in plays the compositor: a Unix socket
that speaks the Wayland wire format (written here with struct, independently of the client's
codec), announces a seat and the notifier, records what the client asks for, and sends "idled"
and "resumed" when the test says so. The real-compositor test is tests/e2e/test_wayland_idle.py.
"""

from __future__ import annotations

import socket
import struct
import tempfile
import threading
import time
from pathlib import Path

import pytest

from deskbreak.adapters.idle import IdleSourceError
from deskbreak.adapters.idle.wayland import IdleTracker, WaylandIdleSource
from deskbreak.adapters.wayland_wire import ArgReader, encode_string, split_messages


def _string(text: str) -> bytes:
    data = text.encode() + b"\0"
    return struct.pack("=I", len(data)) + data + b"\0" * (-len(data) % 4)


def _message(object_id: int, opcode: int, body: bytes = b"") -> bytes:
    return struct.pack("=II", object_id, (8 + len(body)) << 16 | opcode) + body


class StandInCompositor:
    """Serves one client: registry, sync, bind, and the notifier's requests."""

    def __init__(self, globals_: list[tuple[str, int]]) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="deskbreak-wl-"))
        self.path = self._dir / "wayland-standin"
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(str(self.path))
        self._listener.listen(1)
        self.globals = globals_
        self.bound: dict[int, str] = {}
        self.requests: list[tuple[str, int, tuple[int, ...]]] = []
        self.notification: int | None = None
        self._client: socket.socket | None = None
        threading.Thread(target=self._serve, daemon=True).start()

    def env(self) -> dict[str, str]:
        return {"WAYLAND_DISPLAY": str(self.path)}

    def _serve(self) -> None:
        self._client, _ = self._listener.accept()
        buffer = b""
        registry = None
        while True:
            chunk = self._client.recv(4096)
            if not chunk:
                return
            buffer += chunk
            while len(buffer) >= 8:
                object_id, word = struct.unpack_from("=II", buffer)
                size, opcode = word >> 16, word & 0xFFFF
                if len(buffer) < size:
                    break
                body, buffer = buffer[8:size], buffer[size:]
                if object_id == 1 and opcode == 1:  # wl_display.get_registry
                    (registry,) = struct.unpack_from("=I", body)
                    for name, (interface, version) in enumerate(self.globals, start=1):
                        self._send(_message(registry, 0, struct.pack("=I", name)
                                            + _string(interface) + struct.pack("=I", version)))
                elif object_id == 1 and opcode == 0:  # wl_display.sync
                    (callback,) = struct.unpack_from("=I", body)
                    self._send(_message(callback, 0, struct.pack("=I", 0)))
                elif object_id == registry and opcode == 0:  # wl_registry.bind
                    (name,) = struct.unpack_from("=I", body)
                    (length,) = struct.unpack_from("=I", body, 4)
                    interface = body[8:8 + length - 1].decode()
                    offset = 8 + length + (-length % 4)
                    version, new_id = struct.unpack_from("=II", body, offset)
                    self.bound[new_id] = interface
                    self.requests.append(("bind", name, (version, new_id)))
                else:
                    interface = self.bound.get(object_id, "?")
                    args = struct.unpack(f"={len(body) // 4}I", body)
                    self.requests.append((interface, opcode, args))
                    if interface == "ext_idle_notifier_v1" and opcode in (1, 2):
                        self.notification = args[0]

    def _send(self, data: bytes) -> None:
        assert self._client is not None
        self._client.sendall(data)

    def send_event(self, opcode: int) -> None:
        assert self.notification is not None
        self._send(_message(self.notification, opcode))

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        self._listener.close()


def _wait_until(predicate, timeout: float = 3.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def test_version_2_notifier_gets_an_input_only_notification_with_the_timeout_and_seat() -> None:
    compositor = StandInCompositor([("wl_seat", 7), ("ext_idle_notifier_v1", 2)])
    source = WaylandIdleSource(environ=compositor.env(), notify_after=1.0)
    try:
        assert source.protocol == "ext_idle_notifier_v1 v2 (input only)"
        seat = next(i for i, name in compositor.bound.items() if name == "wl_seat")
        request = next(r for r in compositor.requests if r[0] == "ext_idle_notifier_v1")
        assert request[1] == 2  # get_input_idle_notification
        assert request[2][1:] == (1000, seat)
        assert source.seconds_since_last_input() == 0.0
        compositor.send_event(0)  # idled
        assert _wait_until(lambda: source.seconds_since_last_input() >= 1.0)
        compositor.send_event(1)  # resumed
        assert _wait_until(lambda: source.seconds_since_last_input() == 0.0)
    finally:
        source.close()
        compositor.close()


def test_version_1_notifier_gets_the_plain_notification() -> None:
    compositor = StandInCompositor([("ext_idle_notifier_v1", 1), ("wl_seat", 5)])
    source = WaylandIdleSource(environ=compositor.env())
    try:
        assert source.protocol == "ext_idle_notifier_v1 v1"
        request = next(r for r in compositor.requests if r[0] == "ext_idle_notifier_v1")
        assert request[1] == 1  # get_idle_notification
        binds = [r for r in compositor.requests if r[0] == "bind"]
        assert all(version == 1 for version, _ in (b[2] for b in binds))
    finally:
        source.close()
        compositor.close()


def test_a_compositor_without_an_idle_protocol_is_refused_with_the_reason() -> None:
    compositor = StandInCompositor([("wl_seat", 7), ("wl_compositor", 4)])
    with pytest.raises(IdleSourceError, match="neither ext_idle_notifier_v1 nor org_kde_kwin"):
        WaylandIdleSource(environ=compositor.env())
    compositor.close()


def test_no_compositor_socket_is_a_clear_error() -> None:
    with pytest.raises(IdleSourceError, match="cannot connect to the Wayland compositor"):
        WaylandIdleSource(environ={"WAYLAND_DISPLAY": "/nonexistent/wayland-9"})
    with pytest.raises(IdleSourceError, match="XDG_RUNTIME_DIR is not set"):
        WaylandIdleSource(environ={"WAYLAND_DISPLAY": "wayland-0"})


def test_idle_time_counts_from_the_idle_event_plus_the_timeout_asked_for() -> None:
    now = [100.0]
    tracker = IdleTracker(notify_after=5.0, monotonic=lambda: now[0])
    assert tracker.seconds() == 0.0
    tracker.on_event(0)
    now[0] = 130.0
    assert tracker.seconds() == 35.0
    tracker.on_event(1)
    assert tracker.seconds() == 0.0


def test_wire_codec_round_trips_strings_and_keeps_partial_messages() -> None:
    body = encode_string("ext_idle_notifier_v1")
    assert len(body) % 4 == 0
    assert ArgReader(body).string() == "ext_idle_notifier_v1"
    whole = _message(3, 1, struct.pack("=I", 7))
    buffer = bytearray(whole + whole[:5])
    assert list(split_messages(buffer)) == [(3, 1, struct.pack("=I", 7))]
    assert bytes(buffer) == whole[:5]
