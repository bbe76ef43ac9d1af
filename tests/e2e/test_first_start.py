"""The service's first start on a desktop opens the one-time welcome window by itself, without
holding anything up; the next start of the same account does not show it again."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from desktop import DesktopError

from .service_harness import PROGRAMME, RunningService, start_service

WELCOME = "^Welcome to deskbreak$"


def test_first_start_opens_the_welcome_once_and_the_second_start_does_not(
        desktop: Any, deskbreak_home: Path, tmp_path: Path) -> None:
    programme = tmp_path / "programme.yaml"
    programme.write_text(PROGRAMME.format(title="First start"))
    first = RunningService(desktop, deskbreak_home, programme, start_service(
        desktop, deskbreak_home, programme, windows=True, welcomed=False))
    try:
        window = desktop.wait_for_window(WELCOME, timeout=30)
        # The service answers while the welcome is open: it was not waited for.
        first.wait_for(lambda: first.cli("status").returncode == 0, 15, "the control socket")
        time.sleep(0.5)
        shot = tmp_path / "first-start.png"
        desktop.screenshot(shot)
        print(f"screenshot: {shot}")
        assert (deskbreak_home / "state" / "welcome-shown").exists()
        desktop.xdotool("windowactivate", "--sync", str(window), "key", "Return")
        deadline = time.monotonic() + 10
        while desktop.run(["xdotool", "search", "--onlyvisible", "--name", WELCOME],
                          check=False).stdout.strip():
            assert time.monotonic() < deadline, "Got it did not close the welcome"
            time.sleep(0.1)
        assert first.process.poll() is None, "closing the welcome ended the service"
    finally:
        first.stop()

    second = RunningService(desktop, deskbreak_home, programme, start_service(
        desktop, deskbreak_home, programme, windows=True, welcomed=False))
    try:
        second.wait_for(lambda: second.cli("status").returncode == 0, 30, "the control socket")
        with pytest.raises(DesktopError):
            desktop.wait_for_window(WELCOME, timeout=5)
    finally:
        second.stop()


def test_no_windows_start_opens_no_welcome(desktop: Any, deskbreak_home: Path,
                                           tmp_path: Path) -> None:
    programme = tmp_path / "programme.yaml"
    programme.write_text(PROGRAMME.format(title="No windows"))
    running = RunningService(desktop, deskbreak_home, programme, start_service(
        desktop, deskbreak_home, programme, windows=False))
    try:
        running.wait_for(lambda: running.cli("status").returncode == 0, 30, "the control socket")
        with pytest.raises(DesktopError):
            desktop.wait_for_window(WELCOME, timeout=5)
        assert not (deskbreak_home / "state" / "welcome-shown").exists()
    finally:
        running.stop()
