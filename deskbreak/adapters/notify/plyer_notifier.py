"""Notifications through plyer: Windows toasts/balloons and macOS notification centre.

No action buttons, no replace-in-place: the prompt window and the tray carry the answers.
Refused on Linux unless dbus-python is importable, because plyer's other Linux path runs
`notify-send -t 0`: notifications that never expire and pile up.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from collections.abc import Callable, Sequence

from deskbreak.adapters.notify import NotifierError

log = logging.getLogger(__name__)

APP_NAME = "deskbreak"


def _check_platform_support(platform: str) -> None:
    """Raise NotifierError where plyer would misbehave or cannot work."""
    if platform.startswith("linux") and importlib.util.find_spec("dbus") is None:
        raise NotifierError("plyer: refused on Linux without dbus-python (it would use "
                            "`notify-send -t 0`, whose notifications never expire)")
    if platform == "darwin" and importlib.util.find_spec("pyobjus") is None:
        raise NotifierError("plyer: needs pyobjus on macOS (pip install pyobjus)")


class PlyerNotifier:
    """plyer.notification.notify. show/close from one thread; on_action is never called."""

    name = "plyer"
    supports_actions = False
    action_display = "none"

    def __init__(self, on_action: Callable[[str], None] | None = None,
                 platform: str | None = None) -> None:
        _check_platform_support(platform or sys.platform)
        try:
            from plyer import notification
        except ImportError as error:
            raise NotifierError(f"plyer: not installed ({error})") from error
        self._notification = notification
        self.on_action = on_action

    def show(self, title: str, body: str, actions: Sequence[tuple[str, str]],
             expire_seconds: float, replace: bool = True) -> None:
        """Show a toast that expires after `expire_seconds` (rounded up to whole seconds)."""
        try:
            self._notification.notify(title=title, message=body, app_name=APP_NAME,
                                      timeout=max(1, int(expire_seconds + 0.999)))
        except Exception as error:  # plyer raises whatever its backend raises
            raise NotifierError(f"plyer: {error}") from error

    def close(self) -> None:
        """plyer cannot withdraw a notification; it expires on its own."""

    def shutdown(self) -> None:
        """Nothing to release."""


if __name__ == "__main__":
    PlyerNotifier().show("deskbreak", "plyer probe", [], 5)
