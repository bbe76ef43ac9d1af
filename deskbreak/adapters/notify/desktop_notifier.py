"""Notifications with action buttons on macOS and Windows, through desktop-notifier.

Why desktop-notifier and not plyer: plyer has no action buttons on any system, its macOS
backend needs pyobjus (no wheels for current Pythons) and the long-deprecated
NSUserNotificationCenter. desktop-notifier uses the current APIs (UNUserNotificationCenter
through rubicon-objc on macOS, WinRT toasts on Windows), reports button presses, can withdraw a
notification, and is maintained. On Linux deskbreak talks D-Bus itself (`freedesktop`).

Threading: `show` and `close` may be called from one thread (the engine's); they post to an
asyncio loop that this notifier runs on its own daemon thread and wait for the result. Button
callbacks run on that loop's thread (Windows) or on the main thread's run loop (macOS, where the
tray's AppKit loop runs) and only call `on_action(key)`, which must just post the key.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from deskbreak.adapters.notify import NotifierError

log = logging.getLogger(__name__)

APP_NAME = "deskbreak"
#: How long show/close wait for the system before giving up (the OS call is local and quick).
CALL_TIMEOUT_SECONDS = 10.0


class DesktopNotifierNotifier:
    """desktop_notifier.DesktopNotifier behind deskbreak's Notifier interface.

    `module` is the desktop_notifier module, imported lazily; tests pass a fake with the same
    names (DesktopNotifier, Button).
    """

    name = "desktop-notifier"
    supports_actions = True

    def __init__(self, on_action: Callable[[str], None] | None = None,
                 module: Any = None) -> None:
        if module is None:
            try:
                module = importlib.import_module("desktop_notifier")
            except ImportError as error:
                raise NotifierError(f"desktop-notifier: not installed ({error})") from error
        self._module = module
        self.on_action = on_action
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever,
                                        name="deskbreak-notify", daemon=True)
        self._thread.start()
        try:
            self._notifier = self._call(self._make_notifier())
        except Exception:
            self.shutdown()
            raise
        self._current: Any = None

    async def _make_notifier(self) -> Any:
        # Constructed on the loop's thread: the backends bind to the running loop.
        return self._module.DesktopNotifier(app_name=APP_NAME)

    def _call(self, coroutine: Any) -> Any:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(CALL_TIMEOUT_SECONDS)
        except Exception as error:  # whatever the platform backend raises
            raise NotifierError(f"desktop-notifier: {error}") from error

    def _pressed(self, key: str) -> Callable[[], None]:
        def pressed() -> None:
            if self.on_action is not None:
                self.on_action(key)
        return pressed

    def show(self, title: str, body: str, actions: Sequence[tuple[str, str]],
             expire_seconds: float, replace: bool = True) -> None:
        """Show a notification with one button per action (the "default" action is a click on
        the notification itself); with `replace`, the previous one is withdrawn first."""
        module = self._module
        buttons = [module.Button(title=label, on_pressed=self._pressed(key))
                   for key, label in actions if key != "default"]
        clicked = self._pressed("default") if any(k == "default" for k, _ in actions) else None
        if replace:
            self.close()
        self._current = self._call(self._notifier.send(
            title=title, message=body, buttons=buttons, on_clicked=clicked,
            timeout=max(1, int(expire_seconds + 0.999))))

    def close(self) -> None:
        """Withdraw the current prompt notification, if any."""
        current, self._current = self._current, None
        if current is not None:
            self._call(self._notifier.clear(current))

    def shutdown(self) -> None:
        """Stop the loop thread; idempotent."""
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=2)
