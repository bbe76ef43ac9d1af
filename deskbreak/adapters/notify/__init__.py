"""Desktop notifications for prompts, behind one small interface.

Implementations, each in its own module and imported only when chosen:
- `freedesktop`: org.freedesktop.Notifications over D-Bus (jeepney): expiry, replace-in-place,
  action buttons. The Linux choice.
- `desktop-notifier`: the desktop-notifier library, for macOS and Windows: action buttons,
  withdrawal. Installed on those systems only.
- `plyer`: plyer's notification facade, a fallback when plyer is installed. Never on Linux without
  dbus-python, where plyer shells out to `notify-send -t 0` and notifications never expire.
- `console`: prints to a stream; for console mode and as the last resort.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from deskbreak.errors import DeskbreakError

log = logging.getLogger(__name__)

ENV_VAR = "DESKBREAK_NOTIFIER"
#: name -> (module, class).
NOTIFIERS: dict[str, tuple[str, str]] = {
    "freedesktop": ("deskbreak.adapters.notify.freedesktop", "FreedesktopNotifier"),
    "desktop-notifier": ("deskbreak.adapters.notify.desktop_notifier", "DesktopNotifierNotifier"),
    "plyer": ("deskbreak.adapters.notify.plyer_notifier", "PlyerNotifier"),
    "console": ("deskbreak.adapters.notify.console", "ConsoleNotifier"),
}

ActionCallback = Callable[[str], None]


class NotifierError(DeskbreakError):
    """Notifications cannot be shown (no server, bus gone); the message says why."""


@runtime_checkable
class Notifier(Protocol):
    """Shows one prompt notification at a time and reports the button the user chose.

    Threading: `show` and `close` may be called from any ONE thread (the engine's). The
    `on_action(key)` callback given at construction is called on a background thread owned by
    the notifier: the receiver must only post the key to the engine's thread (a queue), never
    touch engine state directly. `on_action` is called with the action's key ("done", "snooze",
    ..., or "default" when the notification body itself was clicked).
    Errors: `show` raises NotifierError when the notification could not be sent.
    """

    #: Short stable name ("freedesktop", "plyer", "console").
    name: str
    #: Whether the server takes actions at all; if not, rely on the window or tray.
    supports_actions: bool
    #: How the user reaches the actions: "buttons" on the notification, "menu" (the server
    #: takes actions but draws no buttons: dunst marks them "(A)" and offers them in its
    #: context menu) or "none".
    action_display: str

    def show(self, title: str, body: str, actions: Sequence[tuple[str, str]],
             expire_seconds: float, replace: bool = True) -> None:
        """Show a notification that disappears after `expire_seconds`. `actions` are
        (key, label) pairs. With `replace`, it takes the place of the previous prompt
        notification instead of piling up next to it."""
        ...

    def close(self) -> None:
        """Withdraw the current prompt notification, if any (the prompt was answered)."""
        ...

    def shutdown(self) -> None:
        """Release connections and stop the background thread; idempotent."""
        ...


#: Servers known to take actions without drawing buttons: they offer them in a menu.
MENU_ONLY_SERVERS = frozenset({"dunst", "mako", "fnott"})


def action_display(capabilities: Sequence[str], server_name: str) -> str:
    """"buttons", "menu" or "none": what a person sees of a notification's actions, from the
    server's GetCapabilities and its name (the spec has no capability that says "buttons")."""
    if "actions" not in capabilities:
        return "none"
    if server_name.strip().lower() in MENU_ONLY_SERVERS:
        return "menu"
    return "buttons"


def describe_actions(display: str, server_name: str = "") -> str:
    """One line for `doctor`: how this server shows a prompt's Done / Snooze / Skip."""
    if display == "buttons":
        return "shows Done / Snooze / Skip as buttons"
    if display == "menu":
        how = " (`dunstctl context`)" if server_name.strip().lower() == "dunst" else ""
        return ("no buttons: Done / Snooze / Skip only in the server's own menu" + how +
                "; answer in the prompt window")
    return "no actions: answer in the prompt window or the tray menu"


def candidates_for(platform: str) -> list[str]:
    """Notifiers to try, best first, for a sys.platform value."""
    if platform.startswith("linux") or "bsd" in platform:
        return ["freedesktop", "plyer", "console"]
    return ["desktop-notifier", "plyer", "console"]


def open_notifier(name: str, on_action: ActionCallback) -> Notifier:
    """Construct the named notifier; NotifierError if unknown or not working here."""
    if name not in NOTIFIERS:
        raise NotifierError(f"unknown notifier {name!r}; choose one of: {', '.join(NOTIFIERS)}")
    module_name, class_name = NOTIFIERS[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise NotifierError(f"{name}: cannot import: {error}") from error
    notifier: Notifier = getattr(module, class_name)(on_action)
    return notifier


def choose_notifier(on_action: ActionCallback, override: str | None = None) -> Notifier:
    """The first notifier that works: `override`, else $DESKBREAK_NOTIFIER, else the
    platform's candidates (the console one always works). Raises NotifierError only for an
    override that is unknown or does not work."""
    requested = override or os.environ.get(ENV_VAR) or None
    if requested:
        return open_notifier(requested.strip(), on_action)
    failures = []
    for name in candidates_for(sys.platform):
        try:
            notifier = open_notifier(name, on_action)
        except NotifierError as error:
            log.info("notifier %s unavailable: %s", name, error)
            failures.append(str(error))
            continue
        log.info("notifier: %s", notifier.name)
        return notifier
    raise NotifierError("no notifier works here (" + "; ".join(failures) + ")")


__all__ = ["ENV_VAR", "MENU_ONLY_SERVERS", "NOTIFIERS", "ActionCallback", "Notifier",
           "NotifierError", "action_display", "candidates_for", "choose_notifier",
           "describe_actions", "open_notifier"]
