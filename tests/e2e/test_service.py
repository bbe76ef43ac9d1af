"""The real service, end to end: `deskbreak run` in a subprocess on the test desktop (Xvfb, tray
host, dunst, D-Bus), driven by real input through xdotool, with its clock running 30 times
faster so that minutes of sitting take seconds. Checked through what a user sees: notifications
on the bus, `deskbreak status`, and the compliance log."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from desktop import DesktopSession

SPEED = 30  # one real second is half a minute of sitting
POLL = 0.5  # real seconds between idle samples
# Every limit below is in programme (scaled) time: 5m of sitting is 10 s of test.
PROGRAMME = """\
deskbreak: 1
title: {title}
settings:
  natural_break: 1m
  respond_within: 5m
  working_hours: {{days: [mon, tue, wed, thu, fri, sat, sun], from: "00:00", to: "23:59"}}
breaks:
  - name: neck mobility
    kind: micro
    every: 5m
    duration: 60s
    snooze: {{minutes: 2, max: 1}}
    exercises: [chin-tuck]
"""


class Typist:
    """Presses shift every 0.4 s on the test desktop, like a user typing, until stopped."""

    def __init__(self, desktop: DesktopSession) -> None:
        self._desktop = desktop
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._desktop.xdotool("key", "shift")
            self._stop.wait(0.4)


class RunningService:
    """A `deskbreak run` process and the ways a test looks at it."""

    def __init__(self, desktop: DesktopSession, home: Path, programme: Path,
                 process: subprocess.Popen[str]) -> None:
        self.desktop = desktop
        self.home = home
        self.programme = programme
        self.process = process

    def cli(self, *args: str, timeout: float = 10) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "deskbreak", *args], capture_output=True,
                              text=True, timeout=timeout, env=self.desktop.full_env(
                                  {"DESKBREAK_HOME": str(self.home)}))

    def events(self) -> list[Any]:
        from deskbreak.store import open_store

        store = open_store(self.home / "data" / "compliance.sqlite3", read_only=True)
        try:
            return list(store.events())
        finally:
            store.close()

    def kinds(self) -> list[str]:
        return [e.KIND for e in self.events()]

    def wait_for(self, condition: Callable[[], Any], timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the service exited ({self.process.returncode}) while "
                                     f"waiting for {what}: {self.output()}")
            result = condition()
            if result:
                return result
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; events: {self.kinds()}\n"
                             f"service log:\n{self.service_log()}")

    def service_log(self) -> str:
        path = self.home / "state" / "deskbreak.log"
        lines = path.read_text().splitlines() if path.exists() else ["(no log)"]
        return "\n".join(lines[-60:])

    def output(self) -> str:
        """What the service printed (to a file: a pipe nobody reads could fill and block it)."""
        path = self.home.parent / f"{self.home.name}-output.txt"
        return path.read_text() if path.exists() else "(no output)"

    def prompt_notifications(self) -> list[Any]:
        return [n for n in self.desktop.notifications()
                if n.app_name == "deskbreak" and n.summary.startswith("Time for")]


def start_service(desktop: DesktopSession, home: Path, programme: Path,
                  *extra: str) -> subprocess.Popen[str]:
    """`deskbreak -v run` on the test desktop, its output appended to a file beside `home`."""
    output = open(home.parent / f"{home.name}-output.txt", "a")  # closed when the service exits
    return subprocess.Popen(
        [sys.executable, "-m", "deskbreak", "-v", "run", "--programme", str(programme),
         "--speed", str(SPEED), "--poll", str(POLL), "--no-windows", *extra],
        stdout=output, stderr=subprocess.STDOUT, text=True,
        env=desktop.full_env({"DESKBREAK_HOME": str(home)}))


@pytest.fixture
def service(desktop: DesktopSession, deskbreak_home: Path, tmp_path: Path
            ) -> Iterator[RunningService]:
    programme = tmp_path / "programme.yaml"
    programme.write_text(PROGRAMME.format(title="E2E short programme"))
    desktop.clear_notifications()
    running = RunningService(desktop, deskbreak_home, programme, start_service(
        desktop, deskbreak_home, programme))
    running.wait_for(lambda: running.cli("status").returncode == 0, 15, "the control socket")
    try:
        yield running
    finally:
        process = running.process  # a test may have restarted the service
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        desktop.clear_notifications()


@pytest.fixture
def typist(desktop: DesktopSession) -> Iterator[Typist]:
    typing = Typist(desktop)
    yield typing
    typing.stop()


def test_prompt_notification_comes_after_the_sitting_threshold_and_expires(
        service: RunningService, typist: Typist) -> None:
    typist.start()
    [note] = service.wait_for(service.prompt_notifications, 25, "a prompt notification")
    assert note.summary == "Time for neck mobility"
    assert "Chin tuck" in note.body
    # Expires when the answer window (5 min of programme time) is over: 10 real seconds.
    assert note.expire_timeout_ms == pytest.approx(5 * 60 / SPEED * 1000, rel=0.01)
    assert {key for key, _ in note.actions} >= {"done", "snooze", "skip"}
    prompt = next(e for e in service.events() if e.KIND == "prompt")
    assert prompt.sitting_seconds >= 5 * 60
    # Still typing, nobody answers: missed, and the notification is withdrawn, not left behind.
    outcome = service.wait_for(lambda: [e for e in service.events() if e.KIND == "outcome"],
                               20, "the outcome")[0]
    assert outcome.outcome.value == "missed"
    service.wait_for(lambda: service.prompt_notifications()[0].closed_reason is not None, 10,
                     "the notification to close")


def test_no_prompt_during_a_natural_break(service: RunningService, typist: Typist) -> None:
    typist.start()
    time.sleep(6)  # three minutes of sitting
    typist.stop()
    # Two minutes of programme time without input (natural_break is 1m): the bout ends.
    service.wait_for(lambda: "bout" in service.kinds(), 10, "the bout to end")
    time.sleep(6)  # long enough that a still-running bout would have reached 5m
    assert service.prompt_notifications() == []
    assert "prompt" not in service.kinds()
    bout = next(e for e in service.events() if e.KIND == "bout")
    assert bout.reason == "idle"
    assert 2 * 60 <= bout.seconds <= 4 * 60


def test_choosing_skip_on_the_notification_is_recorded(
        service: RunningService, typist: Typist, desktop: DesktopSession) -> None:
    typist.start()
    service.wait_for(service.prompt_notifications, 25, "a prompt notification")
    offered = desktop.choose_menu_line(r"Skip")
    assert any("Done" in line for line in offered), offered
    outcome = service.wait_for(lambda: [e for e in service.events() if e.KIND == "outcome"],
                               10, "the outcome")[0]
    assert outcome.outcome.value == "skipped"


def test_status_and_pause_work_over_the_control_socket(
        service: RunningService, typist: Typist) -> None:
    typist.start()
    time.sleep(2)
    status = service.cli("status")
    assert status.returncode == 0, status.stderr
    assert status.stdout.startswith("Sitting "), status.stdout
    assert "E2E short programme" in status.stdout
    paused = service.cli("pause", "1h")
    assert paused.returncode == 0 and "paused until" in paused.stdout, paused
    assert service.cli("status").stdout.startswith("Paused until")
    time.sleep(12)  # six minutes of sitting, past the 5m break, while paused
    assert service.prompt_notifications() == []
    assert service.cli("resume").stdout.strip() == "resumed"
    service.wait_for(service.prompt_notifications, 10, "the prompt that waited for the pause")
    assert [k for k in service.kinds() if k in ("paused", "resumed")] == ["paused", "resumed"]


def test_pause_survives_a_restart(service: RunningService, desktop: DesktopSession) -> None:
    assert service.cli("pause", "today").returncode == 0
    assert service.cli("quit").returncode == 0
    service.process.wait(timeout=15)
    assert service.process.returncode == 0, service.output()
    service.process = start_service(desktop, service.home, service.programme)
    status = service.wait_for(lambda: (r := service.cli("status")).returncode == 0 and r, 15,
                              "the restarted service")
    assert status.stdout.startswith("Paused"), status.stdout


def test_a_broken_programme_edit_keeps_the_last_good_programme(
        service: RunningService, typist: Typist) -> None:
    service.programme.write_text(PROGRAMME.format(title="E2E short programme").replace(
        "every: 5m", "evry: 5m"))

    def rejection() -> dict[str, Any] | None:
        result = service.cli("status", "--json")
        data = json.loads(result.stdout) if result.returncode == 0 else {}
        return data if data.get("programme_problems") else None

    data = service.wait_for(rejection, 10, "the rejection")
    assert data["programme"] == "E2E short programme"
    assert (f"{service.programme}:10:5: breaks[0].evry: unknown key 'evry' (did you mean "
            "'every'?)") in data["programme_problems"]
    assert "programme_rejected" in service.kinds()
    # The old programme still works: a prompt still comes after 5m of sitting.
    typist.start()
    service.wait_for(service.prompt_notifications, 25, "a prompt from the old programme")
    # A fixed file is picked up by itself.
    service.programme.write_text(PROGRAMME.format(title="E2E fixed programme"))
    service.wait_for(lambda: "E2E fixed programme" in service.cli("status").stdout, 10,
                     "the fixed programme")


def test_a_second_service_is_refused_with_the_first_ones_pid(
        service: RunningService, desktop: DesktopSession) -> None:
    second = service.cli("run", "--programme", str(service.programme), "--no-windows",
                         timeout=20)
    assert second.returncode != 0
    assert str(service.process.pid) in second.stderr
    assert "Traceback" not in second.stderr


def test_quit_records_the_bout_in_progress_and_exits_cleanly(
        service: RunningService, typist: Typist) -> None:
    typist.start()
    time.sleep(3)
    assert service.cli("quit").returncode == 0
    try:
        service.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"still running 15 s after quit:\n{service.service_log()}") from None
    assert service.process.returncode == 0
    bouts = [e for e in service.events() if e.KIND == "bout"]
    assert bouts and bouts[-1].reason == "service quit"
    assert not (service.home / "run" / "control.sock").exists()


def test_the_log_and_its_folders_are_private(service: RunningService) -> None:
    database = service.home / "data" / "compliance.sqlite3"
    service.wait_for(database.exists, 5, "the log")
    assert os.stat(database).st_mode & 0o777 == 0o600
    for folder in ("data", "state", "run", "config"):
        assert os.stat(service.home / folder).st_mode & 0o777 == 0o700
