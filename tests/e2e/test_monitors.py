"""Prompt and check-in windows open on the monitor with the pointer, fully inside it: a real X
server with two monitors side by side (Xvfb, one 2560x800 screen split into two RandR 1.5
monitors with xrandr --setmonitor, as a two-monitor desk looks to X)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deskbreak.adapters.monitors import Rect, read_monitors

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from desktop import DesktopError, DesktopSession

from e2e.test_prompt_window import PROMPT_TITLE, request

from .fixture_parts import started

REPO = Path(__file__).resolve().parents[2]
LEFT, RIGHT = Rect(0, 0, 1280, 800), Rect(1280, 0, 1280, 800)


@pytest.fixture(scope="module")
def two_monitors() -> Iterator[DesktopSession]:
    with started(DesktopSession(screen="2560x800x24"), DesktopError) as session:
        env = session.full_env()
        for name, geometry, output in (("LEFT", "1280/338x800/211+0+0", "screen"),
                                       ("RIGHT", "1280/338x800/211+1280+0", "none")):
            subprocess.run(["xrandr", "--setmonitor", name, geometry, output], env=env,
                           check=True, capture_output=True, timeout=10)
        yield session


def _geometry(session: DesktopSession, window: int) -> Rect:
    box = session.geometry(window)
    return Rect(box["X"], box["Y"], box["WIDTH"], box["HEIGHT"])


def _inside(window: Rect, monitor: Rect) -> bool:
    return (monitor.x <= window.x and window.x + window.width <= monitor.x + monitor.width
            and monitor.y <= window.y and window.y + window.height <= monitor.y + monitor.height)


def _open_prompt(session: DesktopSession, spec: dict[str, Any]) -> tuple[Any, int]:
    proc = session.spawn([sys.executable, "-m", "deskbreak.ui.prompt_window", "--speed", "50"],
                         name="prompt_window", stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, cwd=REPO)
    proc.stdin.write(json.dumps(spec))
    proc.stdin.close()
    proc.stdin = None
    return proc, session.wait_for_window(PROMPT_TITLE, timeout=10)


def test_the_x_server_reports_two_monitors(two_monitors: DesktopSession,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    assert sorted(read_monitors(two_monitors.full_env()["DISPLAY"]),
                  key=lambda m: m.x) == [LEFT, RIGHT]


@pytest.mark.parametrize(("pointer", "monitor", "corner"), [
    ((1900, 400), RIGHT, "bottom-right"),
    ((300, 400), LEFT, "bottom-right"),
    ((300, 400), LEFT, "top-right"),
    ((1400, 100), RIGHT, "bottom-left"),
])
def test_prompt_opens_fully_inside_the_monitor_with_the_pointer(
        two_monitors: DesktopSession, pointer: tuple[int, int], monitor: Rect,
        corner: str) -> None:
    two_monitors.xdotool("mousemove", str(pointer[0]), str(pointer[1]))
    proc, window = _open_prompt(two_monitors, request(corner=corner))
    try:
        geometry = _geometry(two_monitors, window)
        assert _inside(geometry, monitor), (geometry, monitor)
        other = RIGHT if monitor == LEFT else LEFT
        assert geometry.x + geometry.width <= other.x or geometry.x >= other.x + other.width
    finally:
        two_monitors.stop_process(proc)


def test_headache_checkin_opens_on_the_monitor_with_the_pointer(
        two_monitors: DesktopSession) -> None:
    two_monitors.xdotool("mousemove", "200", "300")
    proc = two_monitors.spawn([sys.executable, "-m", "deskbreak.ui.checkin_window"],
                              name="checkin", stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, cwd=REPO)
    try:
        window = two_monitors.wait_for_window("^deskbreak", timeout=10)
        geometry = _geometry(two_monitors, window)
        assert _inside(geometry, LEFT), geometry
    finally:
        two_monitors.stop_process(proc)
