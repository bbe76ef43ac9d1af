"""Running the real service in end-to-end tests: `deskbreak run` in a subprocess on the test
desktop, a typist that gives it input through xdotool, and the fixtures `service` and `typist`
(made available to every e2e test by tests/e2e/conftest.py).

The service's clock runs 30 times faster, so minutes of sitting take seconds."""

from __future__ import annotations

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
SERVICE_GRACE = 15  # real seconds a stopping service gets to log its last events and quit
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

    def status(self) -> dict[str, Any]:
        """`deskbreak status --json`, or {} while the service does not answer."""
        import json

        result = self.cli("status", "--json")
        return json.loads(result.stdout) if result.returncode == 0 else {}

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
                             f"service log:\n{self.service_log()}\n"
                             f"its output and its windows' (last lines):\n"
                             f"{self.output()[-3000:]}")

    def window_processes(self) -> list[int]:
        """The pids of this service's window processes (its children), in pid order."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue  # ended while we looked
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def windows(self, title: str) -> list[int]:
        """This service's visible windows whose title matches `title` (by the _NET_WM_PID
        they set), so a window an earlier test left on the desktop is never taken for ours."""
        found = []
        for pid in self.window_processes():
            result = self.desktop.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid),
                                       "--name", title], check=False)
            found.extend(int(line) for line in result.stdout.split())
        return found

    def wait_for_window(self, title: str, timeout: float) -> int:
        """The first of this service's visible windows titled `title`."""
        return int(self.wait_for(lambda: next(iter(self.windows(title)), 0), timeout,
                                 f"a window titled {title!r}"))

    def stop(self) -> None:
        """End the service as the desktop would (SIGTERM; SIGKILL if it has not finished its
        shutdown in SERVICE_GRACE seconds), then any window it left open."""
        windows = self.window_processes() if self.process.poll() is None else []
        self.desktop.stop_process(self.process, SERVICE_GRACE)
        # A window the service did not close (it had to be killed) must not outlive it.
        # (Windows of a service a test killed itself are orphans by now and cannot be found
        # this way; tests find windows by their own service's pid, so they are never taken
        # for the next test's.)
        for pid in windows:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

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
                  *extra: str, windows: bool = False,
                  welcomed: bool = True) -> subprocess.Popen[str]:
    """`deskbreak -v run` on the test desktop, its output appended to a file beside `home`.
    Without `windows`, prompts come as notifications only (the window has tests of its own).
    With `welcomed` (the default) the account has seen the first-start welcome already, so it
    does not cover the windows a test looks at; tests of the first start pass False."""
    if windows and welcomed:
        from deskbreak.paths import Paths
        from deskbreak.ui.welcome_window import mark_welcomed

        mark_welcomed(Paths(home / "data", home / "state", home / "config", home / "run"))
    output = open(home.parent / f"{home.name}-output.txt", "a")  # closed when the service exits
    return subprocess.Popen(
        [sys.executable, "-m", "deskbreak", "-v", "run", "--programme", str(programme),
         "--speed", str(SPEED), "--poll", str(POLL), *([] if windows else ["--no-windows"]),
         *extra],
        stdout=output, stderr=subprocess.STDOUT, text=True,
        env=desktop.full_env({"DESKBREAK_HOME": str(home)}))


@pytest.fixture
def service(request: pytest.FixtureRequest, desktop: DesktopSession, deskbreak_home: Path,
            tmp_path: Path) -> Iterator[RunningService]:
    """The running service; `@pytest.mark.parametrize("service", ["windows"], indirect=True)`
    turns its prompt windows on."""
    programme = tmp_path / "programme.yaml"
    programme.write_text(PROGRAMME.format(title="E2E short programme"))
    desktop.clear_notifications()
    windows = getattr(request, "param", None) == "windows"
    running = RunningService(desktop, deskbreak_home, programme, start_service(
        desktop, deskbreak_home, programme, windows=windows))
    running.wait_for(lambda: running.cli("status").returncode == 0, 15, "the control socket")
    try:
        yield running
    finally:
        running.stop()  # the service it runs now: a test may have restarted it
        desktop.clear_notifications()


@pytest.fixture
def typist(desktop: DesktopSession) -> Iterator[Typist]:
    typing = Typist(desktop)
    yield typing
    typing.stop()
