"""The tray icon and its menu, behind a narrow interface.

    tray = Tray(on_command=engine_inbox.put)          # raises TrayUnavailable if impossible
    tray.run(setup=start_engine_thread)               # main thread; blocks until stop()
    tray.update(TrayView(...))                        # any thread
    tray.visibility()                                 # (shown?, why), any thread
    tray.stop()                                       # any thread

Menu commands arrive as the words in `COMMANDS`, built from the one command vocabulary
(deskbreak/core/commands.py: "break-now", "snooze", "skip", "pause 30m", "pause 1h",
"pause today", "resume", "summary", "open-report", "reload", "quit"). The tray acts on none of
them itself, not even "quit": the service decides and calls `stop()`. Only "When to get help"
and "About deskbreak" are the tray's own (they open the safety card and the welcome window;
see local.py).

Backends, chosen in this order unless DESKBREAK_TRAY_BACKEND (or PYSTRAY_BACKEND) names one:
- "sni" (`sni.py`): a StatusNotifierItem with a dbusmenu menu served over D-Bus with jeepney,
  when a StatusNotifierWatcher owns its name on the session bus (KDE, GNOME with the
  AppIndicator extension, xfce4-panel, waybar, the standalone SNI trays). No gi needed.
- pystray (`pystray_tray.py`): appindicator then gtk when `gi` imports, else xorg (XEmbed).
  pystray's xorg backend has no menu and never asks X for clicks (upstream issue #151); here
  its window also selects ButtonPress, and any click on the icon opens
  `deskbreak.ui.menu_window` (a separate Tk process) next to the pointer. The private pystray
  parts live in `_pystray.py`.

Threading contract:
- `run` must be called from the main thread (GTK and pystray require it); it returns after
  `stop()`, or raises TrayUnavailable if the backend fails before the icon appears. `setup`
  runs once, in a separate thread, as soon as the icon is shown.
- `update`, `visibility` and `stop` may be called from any thread, also before `run` (the
  latest view is applied when the icon appears) and after `stop` (ignored). `update` is cheap
  when nothing visible changed.
- `on_command` is called from a tray-owned thread (the GTK main loop, the D-Bus loop, or the
  xorg menu's reader thread), one call at a time; it must return quickly (post the command to
  the engine's thread) and may call `update` or `stop`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from deskbreak.adapters.tray.model import (
    COMMANDS,
    ICON_NAME,
    SEPARATOR,
    MenuEntry,
    TrayUnavailable,
    TrayView,
    headline,
    menu_entries,
    tooltip,
)

BACKEND_ENV = "DESKBREAK_TRAY_BACKEND"
PYSTRAY_ENV = "PYSTRAY_BACKEND"
PYSTRAY_BACKENDS = ("appindicator", "gtk", "xorg", "win32", "darwin", "dummy")
KNOWN_BACKENDS = ("sni", *PYSTRAY_BACKENDS)


class TrayBackend(Protocol):
    """What every tray implementation offers (see the module docstring's threading contract)."""

    backend: str

    def run(self, setup: Callable[[], None]) -> None: ...

    def update(self, view: TrayView) -> None: ...

    def stop(self) -> None: ...

    def visibility(self) -> tuple[bool | None, str]: ...


#: The StatusNotifierWatcher's bus name (KDE's spelling, which every host uses).
SNI_WATCHER = "org.kde.StatusNotifierWatcher"


def watcher_present(timeout: float = 2.0) -> bool:
    """Whether a StatusNotifierWatcher owns its name on the session bus (False without one).
    Asked here, not in sni.py, so a desktop without one never loads the SNI code."""
    if sys.platform in ("win32", "darwin"):
        return False
    try:
        from jeepney import message_bus

        from deskbreak.adapters._dbus import DBusUnavailable, call, close_quietly, connect
    except ImportError:
        return False
    conn = None
    try:
        conn = connect("SESSION")
        (owned,) = call(conn, message_bus, "NameHasOwner", "s", (SNI_WATCHER,), timeout=timeout)
        return bool(owned)
    except DBusUnavailable:
        return False
    finally:
        close_quietly(conn)


def choose_backend(env: Mapping[str, str] | None = None,
                   has_watcher: Callable[[], bool] = watcher_present) -> list[str]:
    """The backends to try, in order (an explicit choice is the only candidate)."""
    env = os.environ if env is None else env
    explicit = env.get(BACKEND_ENV) or env.get(PYSTRAY_ENV)
    if explicit:
        if explicit not in KNOWN_BACKENDS:
            raise TrayUnavailable(
                f"unknown tray backend {explicit!r} (from {BACKEND_ENV} or {PYSTRAY_ENV}); "
                f"use one of {', '.join(KNOWN_BACKENDS)}")
        return [explicit]
    if sys.platform == "win32":
        return ["win32"]
    if sys.platform == "darwin":
        return ["darwin"]
    if has_watcher():
        return ["sni"]
    try:
        import gi  # noqa: F401  (only probing: pystray's gtk backends need it)
    except ImportError:
        return ["xorg"]
    return ["appindicator", "gtk", "xorg"]


def Tray(on_command: Callable[[str], None], backend: str | None = None) -> Any:
    """The tray for this desktop (see `choose_backend`); raises TrayUnavailable."""
    candidates = [backend] if backend else choose_backend()
    if candidates == ["sni"]:
        from deskbreak.adapters.tray.sni import SniTray

        return SniTray(on_command)
    if "sni" in candidates:
        raise TrayUnavailable("the sni backend cannot be combined with others")
    from deskbreak.adapters.tray.pystray_tray import PystrayTray

    return PystrayTray(on_command, candidates)


__all__ = ["BACKEND_ENV", "COMMANDS", "ICON_NAME", "KNOWN_BACKENDS", "MenuEntry",
           "PYSTRAY_ENV", "SEPARATOR", "Tray", "TrayBackend", "TrayUnavailable", "TrayView",
           "choose_backend", "headline", "menu_entries", "tooltip",
           "watcher_present"]
