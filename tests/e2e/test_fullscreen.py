"""Fullscreen detection with real Tk windows under openbox in the harness."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import pytest
from desktop import DesktopSession

from deskbreak.adapters.fullscreen import (
    UnknownFullscreen,
    X11FullscreenDetector,
    choose_fullscreen_detector,
)

TK_WINDOW = """
import sys, tkinter
root = tkinter.Tk()
root.title(sys.argv[1])
root.geometry("300x200+100+100")
if sys.argv[2] == "fullscreen":
    root.attributes("-fullscreen", True)
root.mainloop()
"""


def _eventually(check: Callable[[], object], expected: object, timeout: float = 5.0) -> object:
    """Poll `check` until it returns `expected` (window managers act asynchronously)."""
    deadline = time.monotonic() + timeout
    value = check()
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.05)
        value = check()
    return value


@pytest.fixture
def open_window(desktop: DesktopSession) -> Iterator[Callable[[str, str], int]]:
    """Open a Tk window ("fullscreen" or "normal"), activate it, return its id; closed after."""
    started: list[subprocess.Popen[bytes]] = []

    def open_(title: str, mode: str) -> int:
        started.append(desktop.spawn([sys.executable, "-c", TK_WINDOW, title, mode],
                                     name=f"tk-{title}"))
        window = desktop.wait_for_window(f"^{title}$", timeout=10)
        desktop.xdotool("windowactivate", "--sync", str(window))
        return window

    yield open_
    for popen in started:
        desktop.stop_process(popen)


def test_fullscreen_window_is_detected_and_a_normal_one_is_not(
        desktop: DesktopSession, open_window: Callable[[str, str], int]) -> None:
    detector = X11FullscreenDetector()
    video = open_window("deskbreak-test-video", "fullscreen")
    assert _eventually(detector.active_window_is_fullscreen, True) is True

    open_window("deskbreak-test-editor", "normal")
    assert _eventually(detector.active_window_is_fullscreen, False) is False

    desktop.xdotool("windowactivate", "--sync", str(video))
    assert _eventually(detector.active_window_is_fullscreen, True) is True


def test_x11_session_chooses_x11_detection(desktop: DesktopSession,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert choose_fullscreen_detector().name == "x11"


def test_wayland_session_reports_fullscreen_as_unknown(desktop: DesktopSession,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    detector = choose_fullscreen_detector()
    assert isinstance(detector, UnknownFullscreen)
    assert detector.active_window_is_fullscreen() is None


def test_no_display_means_unknown_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert choose_fullscreen_detector().active_window_is_fullscreen() is None
