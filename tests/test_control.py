"""The control channel over a real Unix socket (and the TCP+token transport) in a temp dir."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deskbreak import control
from deskbreak.control import (
    MAX_REQUEST_BYTES,
    NOT_RUNNING_MESSAGE,
    ControlError,
    ControlServer,
    ServiceNotRunning,
    reply,
    send,
    token_path,
)
from deskbreak.errors import DeskbreakError
from deskbreak.paths import user_paths

pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="needs Unix sockets")

REPO = Path(__file__).resolve().parent.parent


class Recorder:
    """A handler that records what it was asked and answers with an echo."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.threads: list[str] = []

    def __call__(self, request: dict[str, Any]) -> dict[str, Any]:
        self.requests.append(request)
        self.threads.append(threading.current_thread().name)
        return reply(True, f"did {request['command']}", {"args": request["args"]})


@pytest.fixture
def sock_path() -> Path:
    return user_paths().control_socket


@pytest.fixture
def server(sock_path: Path) -> Iterator[tuple[ControlServer, Recorder]]:
    recorder = Recorder()
    srv = ControlServer(sock_path, recorder)
    srv.start()
    yield srv, recorder
    srv.stop()


def raw_connect(path: Path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(3.0)
    sock.connect(str(path))
    return sock


def read_answer(sock: socket.socket) -> dict[str, Any]:
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    answer: dict[str, Any] = json.loads(data)
    return answer


def test_a_command_round_trips_to_the_handler_on_the_server_thread(server, sock_path):
    _srv, recorder = server
    answer = send("snooze", {"minutes": 10})
    assert answer == {"ok": True, "message": "did snooze", "data": {"args": {"minutes": 10}}}
    assert recorder.requests == [{"command": "snooze", "args": {"minutes": 10}}]
    assert recorder.threads == ["deskbreak-control"]


def test_the_socket_is_private_to_the_user(server, sock_path):
    assert stat.S_ISSOCK(sock_path.stat().st_mode)
    assert stat.S_IMODE(sock_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(sock_path.parent.stat().st_mode) == 0o700


def test_stop_removes_the_socket_and_later_clients_hear_not_running(sock_path):
    srv = ControlServer(sock_path, Recorder())
    srv.start()
    srv.stop()
    assert not sock_path.exists()
    with pytest.raises(ServiceNotRunning):
        send("status")


def test_a_second_server_on_a_live_socket_fails_clearly_and_leaves_the_first_serving(
        server, sock_path):
    second = ControlServer(sock_path, Recorder())
    with pytest.raises(ControlError, match="already serving"):
        second.start()
    assert send("status")["ok"] is True


def test_a_stale_socket_left_by_a_killed_service_is_replaced(sock_path):
    # A real service in a child process, killed with SIGKILL, leaves its socket file behind.
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from deskbreak.control import ControlServer, reply\n"
        "ControlServer(Path(sys.argv[1]), lambda r: reply(True)).start()\n"
        "print('up', flush=True)\n"
        "time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script, str(sock_path)],
                             stdout=subprocess.PIPE, text=True, cwd=REPO,
                             env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "up"
        child.kill()
        child.wait(10)
    finally:
        child.kill()
    assert stat.S_ISSOCK(sock_path.lstat().st_mode)  # the stale file really is there
    with pytest.raises(ServiceNotRunning):
        send("status")

    srv = ControlServer(sock_path, Recorder())
    srv.start()
    try:
        assert send("status")["message"] == "did status"
    finally:
        srv.stop()


def test_a_regular_file_at_the_socket_path_is_not_deleted(sock_path):
    sock_path.parent.mkdir(parents=True, exist_ok=True)
    sock_path.write_text("not mine")
    with pytest.raises(ControlError, match="not a socket"):
        ControlServer(sock_path, Recorder()).start()
    assert sock_path.read_text() == "not mine"


def test_a_client_with_nothing_listening_is_told_how_to_start_the_service(sock_path):
    with pytest.raises(ServiceNotRunning) as caught:
        send("status")
    assert str(caught.value) == NOT_RUNNING_MESSAGE
    assert "deskbreak run" in str(caught.value)
    assert isinstance(caught.value, DeskbreakError)


def test_an_oversize_request_is_refused_without_killing_the_server(server, sock_path):
    _srv, recorder = server
    with raw_connect(sock_path) as sock:
        sock.sendall(b'{"command": "status", "args": {"x": "' + b"a" * (MAX_REQUEST_BYTES + 10))
        answer = read_answer(sock)
    assert answer["ok"] is False
    assert "larger than" in answer["message"]
    assert recorder.requests == []
    assert send("status")["ok"] is True


def test_the_client_refuses_to_send_an_oversize_request(server):
    with pytest.raises(ControlError, match="too large"):
        send("status", {"blob": "a" * MAX_REQUEST_BYTES})


def test_a_stuck_client_does_not_block_another_client(server, sock_path):
    silent = raw_connect(sock_path)  # connects and never sends a byte
    half = raw_connect(sock_path)
    half.sendall(b'{"command": "pau')  # sends half a line and stops
    try:
        started = time.monotonic()
        assert send("status", timeout=1.0)["ok"] is True
        assert time.monotonic() - started < 0.5
    finally:
        silent.close()
        half.close()


def test_a_stuck_client_is_dropped_after_the_connection_timeout(sock_path):
    srv = ControlServer(sock_path, Recorder(), connection_timeout=0.3)
    srv.start()
    try:
        with raw_connect(sock_path) as stuck:
            stuck.sendall(b'{"command"')
            started = time.monotonic()
            assert stuck.recv(100) == b""  # closed by the server, not by our 3 s timeout
            assert time.monotonic() - started < 2.0
    finally:
        srv.stop()


def test_a_client_that_never_reads_does_not_block_the_server(server, sock_path):
    deaf = raw_connect(sock_path)
    deaf.sendall(b'{"command": "status"}\n')  # asks, then never reads the answer
    try:
        assert send("status", timeout=1.0)["ok"] is True
    finally:
        deaf.close()


def test_malformed_requests_get_an_error_answer_and_never_reach_the_handler(server, sock_path):
    _srv, recorder = server
    for line in (b"not json\n", b"[1, 2]\n", b'{"args": {}}\n', b'{"command": "x", "args": 3}\n'):
        with raw_connect(sock_path) as sock:
            sock.sendall(line)
            answer = read_answer(sock)
        assert answer["ok"] is False and "malformed" in answer["message"], line
    assert recorder.requests == []


def test_a_failing_handler_becomes_an_error_answer_and_the_server_keeps_serving(sock_path):
    calls = []

    def handler(request: dict[str, Any]) -> dict[str, Any]:
        calls.append(request["command"])
        if request["command"] == "boom":
            raise RuntimeError("kaput")
        if request["command"] == "refuse":
            raise DeskbreakError("cannot snooze during a break")
        return reply(True, "fine")

    with ControlServer(sock_path, handler):
        boom = send("boom")
        assert boom["ok"] is False and "kaput" in boom["message"]
        assert send("refuse") == {"ok": False, "message": "cannot snooze during a break",
                                  "data": {}}
        assert send("status")["message"] == "fine"
    assert calls == ["boom", "refuse", "status"]


def test_a_handler_returning_garbage_yields_an_error_answer(sock_path):
    with ControlServer(sock_path, lambda request: {"ok": "yes"}):
        answer = send("status")
    assert answer["ok"] is False and "malformed" in answer["message"]


def test_a_server_that_answers_garbage_raises_a_domain_error(sock_path):
    sock_path.parent.mkdir(parents=True, exist_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(sock_path))
    listener.listen(1)

    def garbage() -> None:
        conn, _ = listener.accept()
        conn.recv(1000)
        conn.sendall(b"hello there\n")
        conn.close()

    thread = threading.Thread(target=garbage)
    thread.start()
    try:
        with pytest.raises(ControlError, match="garbled"):
            send("status")
    finally:
        thread.join(5)
        listener.close()


def test_a_service_that_never_answers_times_out_with_a_domain_error(sock_path):
    release = threading.Event()

    def slow(request: dict[str, Any]) -> dict[str, Any]:
        release.wait(5)
        return reply(True)

    with ControlServer(sock_path, slow):
        started = time.monotonic()
        with pytest.raises(ControlError, match="did not answer within 0.3 s"):
            send("status", timeout=0.3)
        assert time.monotonic() - started < 1.0
        release.set()


def test_a_peer_with_another_uid_is_refused(server, sock_path, monkeypatch):
    _srv, recorder = server
    monkeypatch.setattr(control, "_peer_uid", lambda sock: os.getuid() + 1)
    with pytest.raises(ControlError, match="without answering"):
        send("quit")
    assert recorder.requests == []


def test_the_peer_uid_is_read_from_the_kernel(server, sock_path):
    if not hasattr(socket, "SO_PEERCRED") and sys.platform != "darwin":
        pytest.skip("no peer credentials on this OS")
    with raw_connect(sock_path) as sock:
        assert control._peer_uid(sock) == os.getuid()


# ---- the TCP + token transport (Windows), forced on this host ---------------------------------


@pytest.fixture
def tcp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(control.TRANSPORT_ENV, "tcp")


def test_tcp_transport_round_trips_with_the_published_token(tcp, sock_path):
    recorder = Recorder()
    with ControlServer(sock_path, recorder):
        published = token_path(sock_path)
        assert stat.S_IMODE(published.stat().st_mode) == 0o600
        assert not sock_path.exists()  # no Unix socket on this transport
        assert send("pause", {"minutes": 30})["message"] == "did pause"
    assert recorder.requests == [{"command": "pause", "args": {"minutes": 30}}]
    assert not published.exists()


def test_tcp_transport_rejects_a_wrong_or_missing_token(tcp, sock_path):
    recorder = Recorder()
    with ControlServer(sock_path, recorder):
        port = json.loads(token_path(sock_path).read_text())["port"]
        for request in ({"command": "quit", "args": {}, "token": "0" * 64},
                        {"command": "quit", "args": {}}):
            with socket.create_connection(("127.0.0.1", port), timeout=3) as sock:
                sock.sendall(json.dumps(request).encode() + b"\n")
                answer = read_answer(sock)
            assert answer["ok"] is False
            assert "token" in answer["message"]
    assert recorder.requests == []


def test_tcp_transport_with_no_token_file_means_not_running(tcp, sock_path):
    with pytest.raises(ServiceNotRunning):
        send("status")


def test_tcp_transport_replaces_a_stale_token_file_but_not_a_live_one(tcp, sock_path):
    sock_path.parent.mkdir(parents=True, exist_ok=True)
    # A port nothing listens on: bind one, note it, close it.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    token_path(sock_path).write_text(json.dumps({"port": dead_port, "token": "old"}))
    with pytest.raises(ServiceNotRunning):
        send("status")
    with ControlServer(sock_path, Recorder()):
        assert send("status")["ok"] is True
        with pytest.raises(ControlError, match="already serving"):
            ControlServer(sock_path, Recorder()).start()
        assert send("status")["ok"] is True


def test_the_client_imports_only_the_standard_library(sock_path):
    # `deskbreak status` must start fast: nothing outside the stdlib may load for the client.
    script = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "from deskbreak.control import send, ServiceNotRunning\n"
        "try:\n"
        "    send('status')\n"
        "except ServiceNotRunning:\n"
        "    pass\n"
        "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "stdlib = set(sys.stdlib_module_names) | {'deskbreak'}\n"
        "print(sorted(m for m in new if m not in stdlib and not m.startswith('_')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=False, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
