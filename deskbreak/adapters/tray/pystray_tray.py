"""The tray over pystray: XEmbed (xorg), GTK, AppIndicator, Windows and macOS icons.

Private pystray internals live in `_pystray`; this module uses pystray's public Icon API plus
that module. Threading contract: as `deskbreak.adapters.tray.Tray`.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

from deskbreak.adapters.tray import _pystray
from deskbreak.adapters.tray.local import LOCAL_COMMANDS, run_local
from deskbreak.adapters.tray.model import (
    ICON_NAME,
    MENU_WORDS,
    TrayUnavailable,
    TrayView,
    menu_entries,
    tooltip,
)

log = logging.getLogger(__name__)


def load_backend(candidates: Sequence[str]) -> tuple[str, Any]:
    """The first pystray backend of `candidates` that loads; TrayUnavailable lists why not."""
    graphical = sys.platform in ("win32", "darwin") or list(candidates) == ["dummy"]
    if not graphical and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise TrayUnavailable("no tray icon: there is no graphical session (DISPLAY is not set)")
    failures: list[str] = []
    for name in candidates:
        try:
            return name, _pystray.load_backend(name)
        # Xlib raises DisplayNameError, gi ValueError for a missing typelib, GTK others.
        except Exception as error:
            failures.append(f"{name}: {error}")
    raise TrayUnavailable("no tray icon: every tray backend failed (" + "; ".join(failures) + ")")


def view_image(view: TrayView, size: int | None = None) -> Any:
    """The icon image for `view`, drawn by deskbreak.ui.icon at `size` px (or its default)."""
    from deskbreak.ui.icon import icon_image

    return icon_image(view, size)


class PystrayTray:
    """A pystray icon with the deskbreak menu."""

    def __init__(self, on_command: Callable[[str], None], candidates: Sequence[str]) -> None:
        self._on_command = on_command
        self._lock = threading.Lock()  # guards _view, _shown, _stopped, _menu_proc
        self._apply_lock = threading.Lock()  # one pystray update at a time (xorg's reply queue)
        self._view = TrayView(0, False, "deskbreak", "deskbreak")
        self._applied: TrayView | None = None
        self._shown = False
        self._stopped = False
        self._menu_proc: subprocess.Popen[str] | None = None
        self.backend, module = load_backend(candidates)
        menu_class, _item = _pystray.menu_types()

        image = view_image(self._view)
        if self.backend == "xorg":
            icon_class = _pystray.clickable_xorg_icon(module)
            self._icon = icon_class(ICON_NAME, image, "deskbreak", menu=None,
                                    on_click=self._on_xorg_click, draw=self._draw_for_size)
        else:
            self._icon = module.Icon(ICON_NAME, image, "deskbreak",
                                     menu=menu_class(self._menu_items))
        log.info("tray backend: %s", self.backend)

    # --- the interface ---------------------------------------------------------------------

    def visibility(self) -> tuple[bool | None, str]:
        """(shown in a tray?, why): None when the backend cannot tell."""
        with self._lock:
            shown, stopped = self._shown, self._stopped
        if stopped:
            return False, "the tray icon has been stopped"
        if not shown:
            return False, "the tray icon is starting"
        if self.backend == "xorg":
            if self._icon.docked:
                return True, "docked in the X11 system tray"
            return False, ("no X11 system tray is running (no _NET_SYSTEM_TRAY owner); the "
                           "icon docks when one starts")
        return None, f"pystray {self.backend} cannot tell whether a tray shows it"

    def run(self, setup: Callable[[], None]) -> None:
        """Show the icon and handle its events until `stop()`; main thread only."""

        def on_ready(icon: Any) -> None:
            icon.visible = True
            with self._lock:
                self._shown = True
            self._apply()
            setup()

        try:
            self._icon.run(setup=on_ready)
        except Exception as error:
            with self._lock:
                shown = self._shown
            if shown:
                raise
            # E.g. the gtk backends without a session bus fail here, not on import.
            raise TrayUnavailable(f"the {self.backend} tray could not start: {error}") from error
        log.info("tray loop ended")

    def update(self, view: TrayView) -> None:
        with self._lock:
            self._view = view
            live = self._shown and not self._stopped
        if live:
            self._apply()

    def stop(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            menu = self._menu_proc
        if menu is not None and menu.poll() is None:
            menu.terminate()
        self._icon.stop()
        close_waker = getattr(self._icon, "close_waker", None)  # xorg only
        if close_waker is not None:
            close_waker()

    @property
    def dock_requests(self) -> int:
        """How often the xorg icon asked a tray to dock it (0 on other backends)."""
        return int(getattr(self._icon, "dock_requests", 0))

    # --- internals -------------------------------------------------------------------------

    def _draw_for_size(self, size: int) -> Any:
        with self._lock:
            view = self._view
        return view_image(view, size)

    def _apply(self) -> None:
        with self._apply_lock:
            with self._lock:
                view, before = self._view, self._applied
                if self._stopped:
                    return
            if before == view:
                return
            image = view_image(view)
            if self._icon.icon is not image:
                self._icon.icon = image
            if before is None or tooltip(before) != tooltip(view):
                self._icon.title = tooltip(view)
            if self.backend != "xorg" and (before is None or menu_entries(before)
                                           != menu_entries(view)):
                self._icon.update_menu()
            self._applied = view

    def _menu_items(self) -> list[Any]:
        menu_class, item_class = _pystray.menu_types()
        with self._lock:
            view = self._view
        items: list[Any] = []
        for entry in menu_entries(view):
            if entry.separator:
                items.append(menu_class.SEPARATOR)
            else:
                items.append(item_class(entry.label, self._action_for(entry.command),
                                        enabled=entry.enabled))
        return items

    def _action_for(self, command: str | None) -> Callable[[Any, Any], None] | None:
        if command is None:
            return None

        def action(_icon: Any, _item: Any) -> None:
            self._dispatch(command)

        return action

    def _dispatch(self, command: str) -> None:
        log.info("tray command: %s", command)
        if command in LOCAL_COMMANDS:
            run_local(command)
            return
        try:
            self._on_command(command)
        except Exception:
            # A failing handler must not take the tray's event loop down with it.
            log.exception("tray command handler failed for %r", command)

    def _on_xorg_click(self, button: int, x: int, y: int) -> None:
        """Called on the xorg loop's thread: open the menu window from another thread."""
        with self._lock:
            if self._stopped:
                return
            busy = self._menu_proc is not None and self._menu_proc.poll() is None
        if busy:
            return  # a menu is already open; a second click is absorbed by it
        threading.Thread(target=self._run_menu_window, args=(x, y), name="tray-menu",
                         daemon=True).start()

    def _run_menu_window(self, x: int, y: int) -> None:
        with self._lock:
            view = self._view
        request = {"x": x, "y": y, "items": [
            {"separator": True} if e.separator
            else {"label": e.label, "command": e.command, "enabled": e.enabled}
            for e in menu_entries(view)]}
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "deskbreak.ui.menu_window"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, text=True)
        except OSError:
            log.exception("could not open the tray menu window")
            return
        with self._lock:
            self._menu_proc = proc
        out, _ = proc.communicate(json.dumps(request))
        command = out.strip()
        if command in MENU_WORDS:
            self._dispatch(command)
        elif command:
            log.warning("tray menu window answered an unknown command %r", command)
