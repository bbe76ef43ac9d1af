"""The control channel against hostile and clumsy clients: nothing a client sends, and no number
of clients, stops the channel or keeps `status` from answering."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_control import read_answer

from deskbreak import control
from deskbreak.control import MAX_NESTING, ControlServer, nesting_depth, reply, send, token_path
from deskbreak.paths import user_paths

pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="needs Unix sockets")


def echo(request: dict[str, Any]) -> dict[str, Any]:
    return reply(True, f"did {request['command']}")


@pytest.fixture
def sock_path() -> Path:
    return user_paths().control_socket


@pytest.fixture(params=["unix", "tcp"])
def server(request: pytest.FixtureRequest, sock_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[ControlServer]:
    monkeypatch.setenv(control.TRANSPORT_ENV, request.param)
    srv = ControlServer(sock_path, echo)
    srv.start()
    yield srv
    srv.stop()


def connect(sock_path: Path) -> socket.socket:
    if control.transport() == "tcp":
        port = json.loads(token_path(sock_path).read_text())["port"]
        return socket.create_connection(("127.0.0.1", port), timeout=5)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(5)
    sock.connect(str(sock_path))
    return sock


def token_prefix(sock_path: Path) -> bytes:
    if control.transport() != "tcp":
        return b""
    return json.loads(token_path(sock_path).read_text())["token"].encode() + b" "


def ask_raw(sock_path: Path, line: bytes) -> dict[str, Any]:
    with connect(sock_path) as sock:
        sock.sendall(line)
        return read_answer(sock)


def test_a_line_of_1100_brackets_is_answered_with_an_error_and_status_still_answers(
        server: ControlServer, sock_path: Path) -> None:
    answer = ask_raw(sock_path, token_prefix(sock_path) + b"[" * 1100 + b"\n")
    assert answer["ok"] is False
    assert "nested deeper" in answer["message"]
    # Brackets the scan cannot see (inside a string) are fine; deep ones after it are not.
    deep = b'{"command": "status", "args": {"x": "' + b"[" * 2000 + b'"}}\n'
    assert ask_raw(sock_path, token_prefix(sock_path) + deep)["ok"] is True
    for _ in range(3):
        assert send("status", timeout=3)["message"] == "did status"
    assert server.restarts == 0


@pytest.mark.parametrize("line", [
    b"\n", b"null\n", b"[]\n", b"42\n", b"\xff\xfe\n", b'{"command": 5}\n',
    b'{"command": "status", "args": []}\n', b"1" * 5000 + b"\n", b'{"a":' * 40 + b"\n",
    b'"' + b"\\" * 3000 + b'\n', b"{" * 60000 + b"\n",
])
def test_every_malformed_request_gets_an_error_answer(server: ControlServer, sock_path: Path,
                                                      line: bytes) -> None:
    answer = ask_raw(sock_path, token_prefix(sock_path) + line)
    assert answer["ok"] is False and answer["message"]
    assert send("status", timeout=3)["ok"] is True


def test_the_nesting_scan_counts_brackets_outside_strings_only() -> None:
    assert nesting_depth(b'{"a": [1, {"b": []}]}') == 4
    assert nesting_depth(b'{"a": "[[[[\\"[[["}') == 1
    assert nesting_depth(b"[" * 10_000) == MAX_NESTING + 1  # stops counting early


def test_on_tcp_nothing_is_parsed_before_the_token(sock_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(control.TRANSPORT_ENV, "tcp")
    scanned: list[bytes] = []
    real_scan = control.nesting_depth
    monkeypatch.setattr(control, "nesting_depth",
                        lambda line, limit=MAX_NESTING: scanned.append(line) or real_scan(line))
    with ControlServer(sock_path, echo):
        for line in (b"[" * 1100 + b"\n", b'{"command": "quit", "args": {}, "token": "x"}\n',
                     b"0" * 64 + b' {"command": "quit", "args": {}}\n'):
            answer = ask_raw(sock_path, line)
            assert answer["ok"] is False and "token" in answer["message"]
        assert scanned == []  # refused before the scan, let alone json.loads
        assert send("status")["message"] == "did status"
        assert len(scanned) == 1


def test_200_clients_holding_connections_do_not_keep_status_out(
        server: ControlServer, sock_path: Path) -> None:
    held = []
    try:
        for _ in range(200):
            held.append(connect(sock_path))
        answers = [send("status", timeout=3)["ok"] for _ in range(25)]
    finally:
        for sock in held:
            sock.close()
    assert answers == [True] * 25


def test_slow_clients_trickling_bytes_do_not_starve_status(
        server: ControlServer, sock_path: Path) -> None:
    stop = threading.Event()

    def slow_client() -> None:
        while not stop.is_set():
            try:
                with connect(sock_path) as sock:
                    for byte in b'{"command": "status", "args": {}}':
                        if stop.wait(0.2):
                            return
                        sock.send(bytes([byte]))
            except OSError:
                pass

    threads = [threading.Thread(target=slow_client, daemon=True) for _ in range(40)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        answers = []
        for _ in range(25):
            try:
                answers.append(send("status", timeout=2)["ok"])
            except control.ControlError as error:
                answers.append(str(error))
    finally:
        stop.set()
        for thread in threads:
            thread.join(5)
    assert answers == [True] * 25


def test_a_crash_in_the_serving_loop_is_logged_and_the_server_restarts(
        sock_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    server = ControlServer(sock_path, echo)
    real_accept = server._accept
    failures = [RuntimeError("injected fault in accept")]

    def failing_accept(*args: Any) -> None:
        if failures:
            raise failures.pop()
        real_accept(*args)

    server._accept = failing_accept  # type: ignore[method-assign]
    caplog.set_level(logging.ERROR, logger="deskbreak.control")
    with server:
        # The fault hit before accept, so even that client is served by the restarted loop.
        assert send("status", timeout=3)["message"] == "did status"
        assert send("status", timeout=3)["message"] == "did status"
    assert server.restarts == 1
    assert server.last_failure == "RuntimeError: injected fault in accept"
    assert "injected fault in accept" in caplog.text and "restarting" in caplog.text
