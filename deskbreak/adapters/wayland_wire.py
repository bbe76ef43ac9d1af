"""Just enough of the Wayland wire protocol to bind a few globals and read their events.

deskbreak needs three things from a Wayland compositor: the list of globals, a seat, and an idle
notifier (`ext_idle_notifier_v1`, or KDE's older `org_kde_kwin_idle`). That is a handful of
messages, so instead of a C binding (pywayland needs libwayland and a compiler) this module
speaks the wire format itself, the way deskbreak already speaks D-Bus with jeepney.

The format (wayland.freedesktop.org, "Wire Format"): every message is a header of two 32-bit
words in the host's byte order, the object id, then `size << 16 | opcode` (size counts the
header), followed by the arguments, each padded to 32 bits. Strings are a 32-bit length that
counts the terminating NUL, the bytes, the NUL, then padding. No message deskbreak uses carries a
file descriptor.

Threading: a `WaylandConnection` belongs to one thread for sending and one (possibly other)
thread for reading; `send` is guarded by a lock so a reader thread and a caller may share it.
"""

from __future__ import annotations

import os
import socket
import struct
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from deskbreak.errors import DeskbreakError

#: The display singleton's object id, fixed by the protocol.
DISPLAY_ID = 1
#: wl_display requests and events.
DISPLAY_SYNC, DISPLAY_GET_REGISTRY = 0, 1
DISPLAY_ERROR, DISPLAY_DELETE_ID = 0, 1
#: wl_registry request and events.
REGISTRY_BIND = 0
REGISTRY_GLOBAL, REGISTRY_GLOBAL_REMOVE = 0, 1
#: wl_callback's only event.
CALLBACK_DONE = 0
#: Messages larger than this are refused (libwayland's own limit is 4096 bytes).
MAX_MESSAGE_BYTES = 4096
HEADER = struct.Struct("=II")
UINT = struct.Struct("=I")


class WaylandError(DeskbreakError):
    """No compositor to talk to, or it closed the connection or reported a protocol error."""


def socket_path(environ: Mapping[str, str]) -> Path:
    """Where the compositor listens: $WAYLAND_DISPLAY (default wayland-0), relative to
    $XDG_RUNTIME_DIR unless it is an absolute path. Raises WaylandError when it cannot be known."""
    name = environ.get("WAYLAND_DISPLAY") or "wayland-0"
    if os.path.isabs(name):
        return Path(name)
    runtime = environ.get("XDG_RUNTIME_DIR")
    if not runtime:
        raise WaylandError("XDG_RUNTIME_DIR is not set, so the Wayland socket cannot be found")
    return Path(runtime) / name


def encode_string(text: str) -> bytes:
    """A string argument: length with the NUL, the bytes, the NUL, padding to 32 bits."""
    data = text.encode() + b"\0"
    return UINT.pack(len(data)) + data + b"\0" * (-len(data) % 4)


def encode_message(object_id: int, opcode: int, args: bytes = b"") -> bytes:
    """One whole message: header and already-encoded arguments."""
    size = HEADER.size + len(args)
    if size > MAX_MESSAGE_BYTES:
        raise WaylandError(f"message of {size} bytes is over the protocol's limit")
    return HEADER.pack(object_id, size << 16 | opcode) + args


def uints(*values: int) -> bytes:
    """Encode uint / int / object / new_id arguments (all 32-bit words)."""
    return b"".join(UINT.pack(v & 0xFFFFFFFF) for v in values)


@dataclass
class ArgReader:
    """Reads the arguments of one event in order."""

    data: bytes
    offset: int = 0

    def uint(self) -> int:
        if self.offset + 4 > len(self.data):
            raise WaylandError("event is shorter than its arguments")
        (value,) = UINT.unpack_from(self.data, self.offset)
        self.offset += 4
        return int(value)

    def string(self) -> str:
        length = self.uint()
        if length == 0:
            return ""
        end = self.offset + length
        if end > len(self.data):
            raise WaylandError("string argument runs past the end of its event")
        text = self.data[self.offset:end - 1].decode("utf-8", "replace")
        self.offset = end + (-length % 4)
        return text


def split_messages(buffer: bytearray) -> Iterator[tuple[int, int, bytes]]:
    """Take whole messages off the front of `buffer`: (object id, opcode, argument bytes).
    A partial message stays in the buffer for the next read."""
    while len(buffer) >= HEADER.size:
        object_id, word = HEADER.unpack_from(buffer)
        size, opcode = word >> 16, word & 0xFFFF
        if size < HEADER.size:
            raise WaylandError(f"malformed message header (size {size})")
        if len(buffer) < size:
            return
        args = bytes(buffer[HEADER.size:size])
        del buffer[:size]
        yield object_id, opcode, args


EventHandler = Callable[[int, ArgReader], None]


class WaylandConnection:
    """A client connection: allocates object ids, sends requests, dispatches events to the
    handler registered for each object. Unknown objects' events are ignored."""

    def __init__(self, path: Path, timeout: float = 2.0) -> None:
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.settimeout(timeout)
        try:
            self._sock.connect(str(path))
        except OSError as error:
            self._sock.close()
            raise WaylandError(f"cannot connect to the Wayland compositor at {path}: "
                               f"{error.strerror or error}") from error
        self._next_id = DISPLAY_ID + 1
        self._send_lock = threading.Lock()
        self._buffer = bytearray()
        self._handlers: dict[int, EventHandler] = {DISPLAY_ID: self._display_event}
        self.globals: dict[int, tuple[str, int]] = {}
        self.error: str | None = None

    def new_id(self, handler: EventHandler | None = None) -> int:
        """Allocate the next client object id, optionally with its event handler."""
        object_id = self._next_id
        self._next_id += 1
        if handler is not None:
            self._handlers[object_id] = handler
        return object_id

    def send(self, object_id: int, opcode: int, args: bytes = b"") -> None:
        """Send one request; WaylandError if the compositor has gone."""
        message = encode_message(object_id, opcode, args)
        with self._send_lock:
            try:
                self._sock.sendall(message)
            except OSError as error:
                raise WaylandError(f"the Wayland compositor went away: {error}") from error

    def roundtrip(self) -> None:
        """Send wl_display.sync and dispatch events until its callback fires: afterwards every
        event caused by earlier requests (the registry's globals, for one) has been handled."""
        done: list[bool] = []
        callback = self.new_id(lambda opcode, _args: done.append(opcode == CALLBACK_DONE))
        self.send(DISPLAY_ID, DISPLAY_SYNC, uints(callback))
        while not done:
            self.dispatch_once()
        self._handlers.pop(callback, None)

    def load_globals(self) -> dict[int, tuple[str, int]]:
        """Ask for the registry and wait until every global has been announced."""
        self.registry = self.new_id(self._registry_event)
        self.send(DISPLAY_ID, DISPLAY_GET_REGISTRY, uints(self.registry))
        self.roundtrip()
        return self.globals

    def find_global(self, interface: str) -> tuple[int, int] | None:
        """(name, version) of the first global offering `interface`, or None."""
        for name, (offered, version) in self.globals.items():
            if offered == interface:
                return name, version
        return None

    def bind(self, interface: str, version: int, handler: EventHandler | None = None) -> int:
        """Bind the global offering `interface` at `version` (at most what it offers)."""
        found = self.find_global(interface)
        if found is None:
            raise WaylandError(f"the compositor does not offer {interface}")
        name, offered = found
        object_id = self.new_id(handler)
        self.send(self.registry, REGISTRY_BIND,
                  uints(name) + encode_string(interface) + uints(min(version, offered), object_id))
        return object_id

    def dispatch_once(self, timeout: float | None = -1.0) -> None:
        """Read once from the socket (blocking up to `timeout` seconds; None = forever; the
        default keeps the connection's own timeout) and dispatch every whole message read."""
        try:
            if timeout is None or timeout >= 0:
                self._sock.settimeout(timeout)
            chunk = self._sock.recv(MAX_MESSAGE_BYTES * 4)
        except TimeoutError as error:
            raise WaylandError("the Wayland compositor did not answer in time") from error
        except OSError as error:
            raise WaylandError(f"the Wayland connection failed: {error}") from error
        if not chunk:
            raise WaylandError("the Wayland compositor closed the connection")
        self._buffer += chunk
        for object_id, opcode, args in split_messages(self._buffer):
            handler = self._handlers.get(object_id)
            if handler is not None:
                handler(opcode, ArgReader(args))
        if self.error:
            raise WaylandError(self.error)

    def close(self) -> None:
        """Close the socket; a reader blocked in `dispatch_once` wakes with WaylandError."""
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()

    def _display_event(self, opcode: int, args: ArgReader) -> None:
        if opcode == DISPLAY_ERROR:
            object_id, code, message = args.uint(), args.uint(), args.string()
            self.error = f"Wayland protocol error on object {object_id} (code {code}): {message}"
        elif opcode == DISPLAY_DELETE_ID:
            self._handlers.pop(args.uint(), None)

    def _registry_event(self, opcode: int, args: ArgReader) -> None:
        if opcode == REGISTRY_GLOBAL:
            name, interface, version = args.uint(), args.string(), args.uint()
            self.globals[name] = (interface, version)
        elif opcode == REGISTRY_GLOBAL_REMOVE:
            self.globals.pop(args.uint(), None)
