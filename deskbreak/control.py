"""The control channel between `deskbreak status|pause|...` and the running service.

Protocol: one JSON object per line each way.
    request  {"command": str, "args": {...}}            (plus "token": str on the TCP transport)
    response {"ok": bool, "message": str, "data": {...}}
A connection carries exactly one request and one response, then closes.

Transports, chosen by `transport()`:
  unix  (POSIX default) a Unix socket at `user_paths().control_socket`, created 0600 (umask at
        bind) inside a 0700 directory. The server also checks the peer's uid (SO_PEERCRED on
        Linux, LOCAL_PEERCRED on macOS) as defence in depth.
  tcp   (Windows default; DESKBREAK_CONTROL_TRANSPORT=tcp forces it elsewhere) loopback TCP on
        an ephemeral port. The port and a random token are written to a 0600 file beside the
        socket path (`control.token`); every request line starts with the token and one space,
        before the JSON, because any local user can connect to a loopback port. The server
        compares the token before it parses anything, so a stranger's bytes never reach the
        JSON decoder.

Hostile input is bounded before it costs anything: a request line is at most MAX_REQUEST_BYTES,
nested at most MAX_NESTING deep (checked by a linear scan before `json.loads`, whose C decoder
recurses), and every malformed request gets an ok=False answer. Each connection has a deadline;
when all slots are taken the oldest connection that has not sent a whole request is dropped, so
idle or slow clients cannot starve `status`. A supervisor restarts the serving loop if it ever
fails, and logs why.

The client half (`send`) imports only the standard library and `deskbreak.errors`/`paths`, so
`deskbreak status` answers quickly. Keep it that way: no third-party imports at module level.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import socket
import stat
import struct
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deskbreak.errors import DeskbreakError

if TYPE_CHECKING:
    import selectors

    from typing_extensions import Self

log = logging.getLogger(__name__)

#: Environment variable that forces a transport ("unix" or "tcp"); tests use it to run the
#: Windows transport on Linux.
TRANSPORT_ENV = "DESKBREAK_CONTROL_TRANSPORT"
#: Largest request line the server accepts, newline included. Real requests are a few hundred
#: bytes; the bound keeps a runaway or hostile client from growing the service's memory.
MAX_REQUEST_BYTES = 64 * 1024
#: Largest response the client accepts (status data may be larger than a request, never this).
MAX_RESPONSE_BYTES = 1024 * 1024
#: How long the server keeps one connection open, from accept to the last byte of the answer.
#: A client that sends nothing, or never reads, is dropped after this.
CONNECTION_TIMEOUT = 5.0
#: A client must have sent its whole request line this long after connecting (real clients send
#: it at once); slower ones are dropped so they cannot hold a slot.
REQUEST_TIMEOUT = 2.0
#: Connections held at once. A new connection beyond this evicts the oldest one that has not sent
#: a whole request yet (file descriptors are finite, and a live client must still get in).
MAX_CONNECTIONS = 32
#: Deepest nesting of arrays/objects a request may have. Real requests nest 2 deep; json.loads
#: recurses per level and raises RecursionError near 1,000, which must never be reached.
MAX_NESTING = 16
#: Pending connections the kernel queues before accept (listen backlog); with a small one, a burst
#: of clients gets EAGAIN at once.
LISTEN_BACKLOG = 512
#: After the serving loop fails this many times in a row within a minute, the supervisor waits
#: longer before restarting it (never gives up: the channel is how the user quits).
RESTART_BURST = 5
#: Reserved command the server answers itself, without calling the handler; used to tell a live
#: service from a stale socket or token file.
PING_COMMAND = "_ping"

NOT_RUNNING_MESSAGE = "deskbreak is not running; start it with `deskbreak run`"

Request = dict[str, Any]
Response = dict[str, Any]
Handler = Callable[[Request], Response]


class ControlError(DeskbreakError):
    """The control channel failed: no answer in time, a garbled answer, or it cannot be opened."""


class ServiceNotRunning(ControlError):
    """Nothing is listening on the control channel."""

    def __init__(self, message: str = NOT_RUNNING_MESSAGE) -> None:
        super().__init__(message)


def reply(ok: bool, message: str = "", data: dict[str, Any] | None = None) -> Response:
    """A well-formed response; handlers should build their answers with this."""
    return {"ok": ok, "message": message, "data": dict(data or {})}


def transport() -> str:
    """The transport this process uses: "unix" on POSIX, "tcp" on Windows, or the override."""
    forced = os.environ.get(TRANSPORT_ENV, "").strip().lower()
    if forced in ("unix", "tcp"):
        return forced
    if forced:
        raise ControlError(f"{TRANSPORT_ENV} must be 'unix' or 'tcp', not {forced!r}")
    return "unix" if os.name == "posix" and hasattr(socket, "AF_UNIX") else "tcp"


def token_path(socket_path: Path) -> Path:
    """Where the TCP transport keeps its port and token: beside the socket path."""
    return socket_path.with_suffix(".token")


def default_socket_path() -> Path:
    """The control socket of this user (honours DESKBREAK_HOME)."""
    from deskbreak.paths import user_paths

    return user_paths().control_socket


# --------------------------------------------------------------------------------------------
# Client


def send(command: str, args: dict[str, Any] | None = None, timeout: float = 2.0,
         path: Path | None = None) -> Response:
    """Send one command to the running service and return its response dict.

    The response always has "ok" (bool), "message" (str) and "data" (dict); ok=False answers
    (unknown command, refused) are returned, not raised.
    Raises ServiceNotRunning when nothing listens, and ControlError (a DeskbreakError) when the
    service does not answer within `timeout` seconds in total or answers garbage.
    Safe to call from any thread; each call uses its own connection.
    """
    path = path if path is not None else default_socket_path()
    request: dict[str, Any] = {"command": command, "args": dict(args or {})}
    deadline = time.monotonic() + timeout
    prefix = b""
    if transport() == "tcp":
        port, token = _read_token_file(token_path(path))
        prefix = token.encode("ascii", "replace") + b" "
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        address: Any = ("127.0.0.1", port)
    else:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        address = str(path)
    try:
        line = prefix + _encode(request)
    except (TypeError, ValueError) as error:
        sock.close()
        raise ControlError(f"the arguments of {command!r} are not JSON: {error}") from error
    if len(line) > MAX_REQUEST_BYTES:
        sock.close()
        raise ControlError(f"request too large ({len(line)} bytes; the limit is "
                           f"{MAX_REQUEST_BYTES})")
    with sock:
        try:
            _connect(sock, address, deadline)
        except (FileNotFoundError, ConnectionRefusedError) as error:
            raise ServiceNotRunning() from error
        except TimeoutError as error:
            raise ControlError(f"deskbreak did not accept the connection within {timeout:g} s")\
                from error
        except PermissionError as error:
            raise ControlError(f"cannot reach the deskbreak service at {path}: permission "
                               "denied (is it running as another user?)") from error
        except OSError as error:  # EAGAIN from a full backlog, and the like
            raise ControlError(f"cannot reach the deskbreak service at {path}: {error}") \
                from error
        try:
            sock.sendall(line)
            raw = _read_line(sock, deadline, MAX_RESPONSE_BYTES)
        except TimeoutError as error:
            raise ControlError(f"deskbreak did not answer within {timeout:g} s") from error
        except ConnectionError:
            # Reset or broken pipe: refused (another uid) or dropped before answering.
            raw = None
        except OSError as error:
            raise ControlError(f"the deskbreak service dropped the connection ({error})") \
                from error
    if raw is None:
        raise ControlError("the deskbreak service closed the connection without answering")
    return _decode_response(raw)


def _connect(sock: socket.socket, address: Any, deadline: float) -> None:
    """Connect before `deadline`, retrying while the server's accept queue is full (a Unix
    socket answers EAGAIN at once then, instead of waiting)."""
    while True:
        sock.settimeout(max(0.001, deadline - time.monotonic()))
        try:
            sock.connect(address)
            return
        except BlockingIOError:
            if time.monotonic() + 0.02 >= deadline:
                raise TimeoutError from None
            time.sleep(0.02)


def _read_token_file(path: Path) -> tuple[int, str]:
    """The (port, token) a TCP server published; ServiceNotRunning when there is none."""
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        port, token = content["port"], content["token"]
    except FileNotFoundError as error:
        raise ServiceNotRunning() from error
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ControlError(f"the control token file {path} is unreadable ({error}); "
                           "restart the service") from error
    if not isinstance(port, int) or not isinstance(token, str):
        raise ControlError(f"the control token file {path} is malformed; restart the service")
    return port, token


def _read_line(sock: socket.socket, deadline: float, limit: int) -> bytes | None:
    """Read up to the first newline (excluded); None if the peer closed before sending one."""
    buffer = bytearray()
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        sock.settimeout(remaining)
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buffer += chunk
        end = buffer.find(b"\n")
        if end >= 0:
            return bytes(buffer[:end])
        if len(buffer) > limit:
            raise ControlError(f"the service's answer exceeds {limit} bytes")


def _decode_response(raw: bytes) -> Response:
    try:
        response = json.loads(raw)
    except ValueError as error:
        raise ControlError("the deskbreak service sent a garbled answer") from error
    if (not isinstance(response, dict) or not isinstance(response.get("ok"), bool)
            or not isinstance(response.get("message"), str)
            or not isinstance(response.get("data"), dict)):
        raise ControlError("the deskbreak service sent an answer without ok/message/data")
    return response


def nesting_depth(line: bytes, limit: int = MAX_NESTING) -> int:
    """How deep arrays and objects nest in the JSON text `line`, counting brackets outside
    strings; stops counting at `limit` + 1. Linear in the length, no recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in line:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def _encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":")).encode("utf-8") + b"\n"


# --------------------------------------------------------------------------------------------
# Server


def _peer_uid(sock: socket.socket) -> int | None:
    """The uid of the process at the other end of a Unix socket, or None if the OS won't say."""
    try:
        if hasattr(socket, "SO_PEERCRED"):  # Linux: struct ucred {pid_t pid; uid_t uid; gid_t gid}
            creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
            _pid, uid, _gid = struct.unpack("3i", creds)
            return int(uid)
        if sys.platform == "darwin":
            # getsockopt(SOL_LOCAL=0, LOCAL_PEERCRED=1) -> struct xucred {u_int cr_version;
            # uid_t cr_uid; ...}; Python has no constants for it.
            creds = sock.getsockopt(0, 1, 76)
            _version, uid = struct.unpack_from("2I", creds)
            return int(uid)
    except OSError as error:
        log.debug("cannot read the peer's credentials: %s", error)
    return None


class _Connection:
    """One client connection as the server loop sees it. (Not a dataclass: importing
    dataclasses costs the client several milliseconds.)"""

    __slots__ = ("answered", "deadline", "inbox", "opened", "outbox", "request_deadline", "sock")

    def __init__(self, sock: socket.socket, opened: float, deadline: float,
                 request_deadline: float) -> None:
        self.sock = sock
        self.opened = opened
        self.deadline = deadline
        self.request_deadline = request_deadline
        self.answered = False
        self.inbox = bytearray()
        self.outbox = b""

    def due(self) -> float:
        """When this connection must be dropped if nothing more happens."""
        return self.deadline if self.answered else min(self.deadline, self.request_deadline)


class ControlServer:
    """Serves the control channel on a daemon thread.

    Threading contract: `handle(request)` is called on the server thread, one request at a
    time, with {"command": str, "args": dict}. It must NOT touch the engine's state: post the
    request to the engine's thread and wait for the reply with a timeout well under the client's
    (about 1.5 s against the client's 2 s), answering reply(False, "busy") when it expires.
    Whatever it returns should come from `reply()`; an exception or a malformed return becomes
    an ok=False answer, and never stops the server. While `handle` runs no other client is
    served, so it must be quick; reading requests and writing answers is multiplexed, so a slow
    or stuck client never blocks another one.
    `start()` and `stop()` are for the owning thread (the service's main thread).
    """

    def __init__(self, path: Path, handle: Handler, *,
                 connection_timeout: float = CONNECTION_TIMEOUT,
                 request_timeout: float = REQUEST_TIMEOUT) -> None:
        self.path = path
        self._handle = handle
        self._connection_timeout = connection_timeout
        self._request_timeout = request_timeout
        #: How many times the supervisor restarted the serving loop after a failure.
        self.restarts = 0
        #: Why the serving loop last failed (the exception in words), None if it never did.
        self.last_failure: str | None = None
        self._transport = transport()
        self._listener: socket.socket | None = None
        self._waker_r: socket.socket | None = None
        self._waker_w: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._token = ""
        self._bound_inode: tuple[int, int] | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        """Bind and start serving. Raises ControlError if another live service owns the path."""
        if self._thread is not None:
            raise ControlError("the control server is already running")
        from deskbreak.paths import ensure_private_dir

        ensure_private_dir(self.path.parent)
        if self._transport == "tcp":
            self._listener = self._bind_tcp()
        else:
            self._listener = self._bind_unix()
        self._listener.setblocking(False)
        self._waker_r, self._waker_w = socket.socketpair()
        self._waker_r.setblocking(False)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._supervise, name="deskbreak-control",
                                        daemon=True)
        self._thread.start()
        log.info("control channel listening (%s) at %s", self._transport, self.path)

    def stop(self, timeout: float = 2.0) -> None:
        """Stop serving, close every connection and remove the socket (or token) file.

        Idempotent. Removes the file only if it is still the one this server created, so a
        stop after another service took over never deletes that service's socket.
        """
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stopping.set()
            self._wake()
            thread.join(timeout)
            if thread.is_alive():
                log.warning("the control thread did not stop within %.1f s", timeout)
        for sock in (self._listener, self._waker_r, self._waker_w):
            if sock is not None:
                sock.close()
        self._listener = self._waker_r = self._waker_w = None
        published = token_path(self.path) if self._transport == "tcp" else self.path
        if self._bound_inode is not None:
            try:
                info = published.stat()
                if (info.st_dev, info.st_ino) == self._bound_inode:
                    published.unlink()
            except FileNotFoundError:
                pass
            self._bound_inode = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- binding ------------------------------------------------------------------------------

    def _bind_unix(self) -> socket.socket:
        path = self.path
        # sun_path is 108 bytes on Linux, 104 on macOS; binding a longer path fails obscurely.
        if len(os.fsencode(path)) >= 104:
            raise ControlError(f"the control socket path is too long for a Unix socket: {path}")
        self._replace_stale_socket(path)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        # bind() creates the file with 0777 & ~umask. The umask makes it 0600 from the first
        # instant rather than after a chmod. It is process-wide, so hold it only around bind;
        # a file another thread makes in that window can only come out stricter, not looser.
        old_umask = os.umask(0o177)
        try:
            sock.bind(str(path))
        except OSError as error:
            sock.close()
            if error.errno == errno.EADDRINUSE:
                raise ControlError(f"another deskbreak service is already serving on {path}") \
                    from error
            raise ControlError(f"cannot create the control socket {path}: {error}") from error
        finally:
            os.umask(old_umask)
        os.chmod(path, 0o600)  # belt and braces: some filesystems ignore the umask for sockets
        info = path.stat()
        self._bound_inode = (info.st_dev, info.st_ino)
        sock.listen(LISTEN_BACKLOG)
        return sock

    def _replace_stale_socket(self, path: Path) -> None:
        """Remove a socket file left by a killed service; refuse if something still answers."""
        try:
            info = path.lstat()
        except FileNotFoundError:
            return
        if not stat.S_ISSOCK(info.st_mode):
            raise ControlError(f"{path} exists and is not a socket; move it away and retry")
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        probe.settimeout(1.0)
        try:
            probe.connect(str(path))
        except (ConnectionRefusedError, FileNotFoundError):
            log.info("removing the stale control socket %s (nothing answers on it)", path)
            path.unlink(missing_ok=True)
            return
        except OSError as error:
            raise ControlError(f"cannot check the existing control socket {path}: {error}") \
                from error
        finally:
            probe.close()
        raise ControlError(f"another deskbreak service is already serving on {path}")

    def _bind_tcp(self) -> socket.socket:
        import secrets

        published = token_path(self.path)
        if self._tcp_service_answers(published):
            raise ControlError(f"another deskbreak service is already serving (see {published})")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):  # Windows: no other process may share the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(LISTEN_BACKLOG)
        self._token = secrets.token_hex(32)
        port = sock.getsockname()[1]
        content = json.dumps({"port": port, "token": self._token, "pid": os.getpid()})
        # Written to a private temp file and renamed, so a client never reads half a token and
        # the token is never readable by others, not even for an instant.
        temporary = published.with_name(f".{published.name}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(content)
            os.replace(temporary, published)
        except BaseException:
            sock.close()
            temporary.unlink(missing_ok=True)
            raise
        info = published.stat()
        self._bound_inode = (info.st_dev, info.st_ino)
        return sock

    def _tcp_service_answers(self, published: Path) -> bool:
        """True if the token file names a live service that answers a ping with its token."""
        if not published.exists():
            return False
        try:
            answer = send(PING_COMMAND, timeout=1.0, path=self.path)
        except ControlError as error:
            log.info("replacing the stale control token file %s (%s)", published, error)
            return False
        return bool(answer.get("ok"))

    # -- serving ------------------------------------------------------------------------------

    def _wake(self) -> None:
        if self._waker_w is not None:
            try:
                self._waker_w.send(b"x")
            except OSError:
                pass

    def _supervise(self) -> None:
        """Run the serving loop; if it fails, log why and start it again, until `stop()`.

        One request must never end the channel: the user needs it to pause or quit."""
        failures: list[float] = []
        while not self._stopping.is_set():
            try:
                self._serve()
                return  # a clean return means stop() was asked for
            except Exception as error:
                now = time.monotonic()
                failures = [t for t in failures if now - t < 60.0] + [now]
                self.restarts += 1
                self.last_failure = f"{type(error).__name__}: {error}"
                log.exception("the control channel failed (%s); restarting it (restart %d)",
                              self.last_failure, self.restarts)
                # A fault that repeats at once would spin; back off, but keep serving.
                if len(failures) >= RESTART_BURST:
                    self._stopping.wait(1.0)

    def _serve(self) -> None:
        """The serving loop: returns when stopping; any exception goes to the supervisor."""
        import selectors  # server only: the client should not pay for the import

        listener, waker = self._listener, self._waker_r
        if listener is None or waker is None:
            return
        selector = selectors.DefaultSelector()
        selector.register(listener, selectors.EVENT_READ, "listener")
        selector.register(waker, selectors.EVENT_READ, "waker")
        connections: dict[int, _Connection] = {}
        try:
            while not self._stopping.is_set():
                # Idle, the thread sleeps until a client or the waker (stop) arrives: no
                # periodic wake-ups. With clients, it wakes for the earliest deadline.
                deadline = min((c.due() for c in connections.values()), default=None)
                wait = None if deadline is None else max(0.0, deadline - time.monotonic())
                for key, mask in selector.select(wait):
                    if key.data == "listener":
                        self._accept(listener, selector, connections)
                    elif key.data == "waker":
                        try:
                            waker.recv(64)
                        except OSError:
                            pass
                    else:
                        self._service(key.data, mask, selector, connections)
                now = time.monotonic()
                for connection in [c for c in connections.values() if c.due() <= now]:
                    log.debug("dropping a control connection that did not finish in time")
                    self._close(connection, selector, connections)
        finally:
            for connection in list(connections.values()):
                self._close(connection, selector, connections)
            selector.close()

    def _accept(self, listener: socket.socket, selector: selectors.BaseSelector,
                connections: dict[int, _Connection]) -> None:
        import selectors

        try:
            sock, _address = listener.accept()
        except (BlockingIOError, InterruptedError):
            return
        except OSError as error:  # EMFILE and friends: log, keep serving the others
            log.warning("cannot accept a control connection: %s", error)
            time.sleep(0.05)
            return
        if self._transport == "unix":
            uid = _peer_uid(sock)
            if uid is not None and uid != os.getuid():
                log.warning("refused a control connection from uid %s", uid)
                sock.close()
                return
        if len(connections) >= MAX_CONNECTIONS:
            # Make room by dropping the oldest client still owing its request (idle or slow);
            # if every slot is busy being answered, refuse the newcomer instead.
            waiting = [c for c in connections.values() if not c.answered]
            if not waiting:
                log.warning("refused a control connection: %d already open", len(connections))
                sock.close()
                return
            oldest = min(waiting, key=lambda c: c.opened)
            log.warning("dropped the oldest waiting control connection to admit a new one")
            self._close(oldest, selector, connections)
        sock.setblocking(False)
        now = time.monotonic()
        connection = _Connection(sock, now, now + self._connection_timeout,
                                 now + self._request_timeout)
        connections[sock.fileno()] = connection
        selector.register(sock, selectors.EVENT_READ, connection)

    def _service(self, connection: _Connection, mask: int, selector: selectors.BaseSelector,
                 connections: dict[int, _Connection]) -> None:
        import selectors

        try:
            if mask & selectors.EVENT_READ and not connection.outbox:
                chunk = connection.sock.recv(65536)
                if not chunk:  # the client gave up before sending a whole line
                    self._close(connection, selector, connections)
                    return
                connection.inbox += chunk
                end = connection.inbox.find(b"\n")
                if end >= 0 and end + 1 <= MAX_REQUEST_BYTES:
                    response = self._respond(bytes(connection.inbox[:end]))
                elif end >= 0 or len(connection.inbox) >= MAX_REQUEST_BYTES:
                    log.warning("refused a control request larger than %d bytes",
                                MAX_REQUEST_BYTES)
                    response = reply(False, f"request refused: larger than {MAX_REQUEST_BYTES} "
                                            "bytes")
                else:
                    return  # wait for the rest of the line
                connection.inbox.clear()
                connection.answered = True
                connection.outbox = _encode(response)
                selector.modify(connection.sock, selectors.EVENT_WRITE, connection)
            if mask & selectors.EVENT_WRITE or connection.outbox:
                sent = connection.sock.send(connection.outbox)
                connection.outbox = connection.outbox[sent:]
                if not connection.outbox:
                    self._close(connection, selector, connections)
        except (BlockingIOError, InterruptedError):
            pass
        except OSError as error:
            log.debug("control connection failed: %s", error)
            self._close(connection, selector, connections)

    def _respond(self, line: bytes) -> Response:
        """Check one request line, decode it, and produce the answer (never raises).

        Order matters: who is asking (the token, on TCP; the peer uid was checked at accept)
        comes before any parsing, and cheap bounds come before `json.loads`."""
        if self._transport == "tcp":
            import hmac

            token, space, line = line.partition(b" ")
            if not space or not hmac.compare_digest(token, self._token.encode("ascii")):
                log.warning("refused a control request with a wrong or missing token")
                return reply(False, "request refused: wrong or missing control token")
        if nesting_depth(line) > MAX_NESTING:
            return reply(False, f"malformed request: nested deeper than {MAX_NESTING} levels")
        try:
            request = json.loads(line)
        except (ValueError, RecursionError):
            return reply(False, "malformed request: not JSON")
        if not isinstance(request, dict) or not isinstance(request.get("command"), str):
            return reply(False, "malformed request: expected {\"command\": str, \"args\": {}}")
        args = request.get("args", {})
        if not isinstance(args, dict):
            return reply(False, "malformed request: args must be an object")
        command = request["command"]
        if command == PING_COMMAND:
            return reply(True, "pong", {"pid": os.getpid()})
        try:
            # The one call into the service: a parsed, checked request in, an answer out.
            response = self._handle({"command": command, "args": args})
        except DeskbreakError as error:
            return reply(False, str(error))
        except (Exception, RecursionError) as error:
            log.exception("the control handler failed on %r", command)
            return reply(False, f"internal error while handling {command!r}: {error}")
        if (not isinstance(response, dict) or not isinstance(response.get("ok"), bool)
                or not isinstance(response.get("message", ""), str)
                or not isinstance(response.get("data", {}), dict)):
            log.error("the control handler returned a malformed answer to %r: %r",
                      command, response)
            return reply(False, f"internal error: malformed answer to {command!r}")
        response = reply(response["ok"], response.get("message", ""), response.get("data"))
        try:
            json.dumps(response)
        except (TypeError, ValueError) as error:
            log.error("the answer to %r is not JSON-serialisable: %s", command, error)
            return reply(False, f"internal error: answer to {command!r} is not serialisable")
        return response

    @staticmethod
    def _close(connection: _Connection, selector: selectors.BaseSelector,
               connections: dict[int, _Connection]) -> None:
        connections.pop(connection.sock.fileno(), None)
        try:
            selector.unregister(connection.sock)
        except (KeyError, ValueError):
            pass
        connection.sock.close()
