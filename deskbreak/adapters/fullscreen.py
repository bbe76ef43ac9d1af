"""Is the active window fullscreen (a video, a presentation, a game)? Prompts should wait.

X11 only, via EWMH: the root window's _NET_ACTIVE_WINDOW and that window's _NET_WM_STATE.
Where that cannot be known (Wayland, Windows, macOS, no EWMH window manager) the answer is None.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any, Protocol, runtime_checkable

log = logging.getLogger(__name__)


@runtime_checkable
class FullscreenDetector(Protocol):
    """Whether the window the user is looking at covers the screen.

    Threading: use an instance from any ONE thread at a time (it holds an X connection).
    Cost: two X round trips. Never raises.
    """

    name: str

    def active_window_is_fullscreen(self) -> bool | None:
        """True/False; None when it cannot be told (no window manager support, X gone)."""
        ...


class UnknownFullscreen:
    """Where fullscreen cannot be detected: always None."""

    name = "none"

    def active_window_is_fullscreen(self) -> bool | None:
        return None


class X11FullscreenDetector:
    """EWMH _NET_WM_STATE_FULLSCREEN on the _NET_ACTIVE_WINDOW."""

    name = "x11"

    def __init__(self, display_name: str | None = None) -> None:
        """Connect to the X server; raises OSError-like Xlib errors when there is none."""
        from Xlib import X, Xatom, display, error

        self._X, self._Xatom = X, Xatom
        self._lost = (error.ConnectionClosedError, OSError)
        self._bad_window = (error.BadWindow, error.BadMatch, error.BadValue)
        self._display = display.Display(display_name)
        self._root = self._display.screen().root
        atom = self._display.intern_atom
        self._supported = atom("_NET_SUPPORTED")
        self._active = atom("_NET_ACTIVE_WINDOW")
        self._state = atom("_NET_WM_STATE")
        self._fullscreen = atom("_NET_WM_STATE_FULLSCREEN")

    def active_window_is_fullscreen(self) -> bool | None:
        """True if the active window asks to be fullscreen; None without an EWMH WM."""
        try:
            active = self._root.get_full_property(self._active, self._Xatom.WINDOW)
            if active is None or len(active.value) == 0:
                # Some window managers (openbox) publish it only once a window had focus.
                return False if self._wm_supports_active_window() else None
            window_id = int(active.value[0])
            if window_id == self._X.NONE:
                return False  # nothing focused (desktop)
            window = self._display.create_resource_object("window", window_id)
            state = window.get_full_property(self._state, self._Xatom.ATOM)
        except self._bad_window:
            return False  # the active window closed between the two reads
        except self._lost as error:
            log.warning("fullscreen detection lost the X server: %s", error)
            return None
        return state is not None and self._fullscreen in list(state.value)

    def _wm_supports_active_window(self) -> bool:
        supported = self._root.get_full_property(self._supported, self._Xatom.ATOM)
        return supported is not None and self._active in list(supported.value)


def choose_fullscreen_detector() -> FullscreenDetector:
    """X11 detection on an X11 session with a display; otherwise `UnknownFullscreen`.

    Never raises. On Wayland an X11 answer would only cover XWayland windows, so it is
    deliberately unknown there.
    """
    if sys.platform.startswith(("win", "darwin")):
        return UnknownFullscreen()
    wayland = bool(os.environ.get("WAYLAND_DISPLAY")) or (
        os.environ.get("XDG_SESSION_TYPE") == "wayland")
    if wayland or not os.environ.get("DISPLAY"):
        return UnknownFullscreen()
    try:
        return X11FullscreenDetector()
    except Exception as error:
        log.info("fullscreen detection unavailable: %s", error)
        return UnknownFullscreen()


def _describe(detector: Any) -> str:
    return f"{detector.name}: active window fullscreen = {detector.active_window_is_fullscreen()}"


if __name__ == "__main__":
    print(_describe(choose_fullscreen_detector()))
