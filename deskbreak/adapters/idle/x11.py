"""Idle time from the X server's MIT-SCREEN-SAVER extension (python-xlib).

Works on every X11 session. Under XWayland it only sees input to X clients, which is why
`candidates_for` prefers GNOME's or the freedesktop D-Bus source on Wayland.
"""

from __future__ import annotations

import logging

from deskbreak.adapters.idle import IdleSourceError

log = logging.getLogger(__name__)


class X11IdleSource:
    """XScreenSaverQueryInfo on the default screen. One thread at a time (see IdleSource)."""

    name = "x11"

    def __init__(self, display_name: str | None = None) -> None:
        """Connect to `display_name` (default $DISPLAY) and take one reading.

        Raises IdleSourceError if there is no display or it lacks the extension.
        """
        try:
            from Xlib import display as xdisplay
            from Xlib import error as xerror
        except ImportError as error:
            raise IdleSourceError(f"x11: python-xlib is not installed ({error})") from error
        self._errors: tuple[type[BaseException], ...] = (
            xerror.DisplayError, xerror.ConnectionClosedError, xerror.XError, OSError,
        )
        try:
            self._display = xdisplay.Display(display_name)
        except self._errors as error:
            raise IdleSourceError(f"x11: cannot open display: {error}") from error
        if not self._display.has_extension("MIT-SCREEN-SAVER"):
            self._display.close()
            raise IdleSourceError("x11: the X server lacks the MIT-SCREEN-SAVER extension")
        self._root = self._display.screen().root
        self.seconds_since_last_input()

    def seconds_since_last_input(self) -> float:
        """Seconds since the last input on this display; IdleSourceError if X went away."""
        try:
            info = self._root.screensaver_query_info()
        except self._errors as error:
            raise IdleSourceError(f"x11: idle query failed: {error}") from error
        return max(0.0, float(info.idle) / 1000.0)

    def close(self) -> None:
        """Close the X connection (optional; it closes with the process too)."""
        try:
            self._display.close()
        except self._errors:
            pass


if __name__ == "__main__":
    print(f"x11: {X11IdleSource().seconds_since_last_input():.3f} s since last input")
