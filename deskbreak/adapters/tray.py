"""The tray icon and its menu, behind a narrow interface, over pystray.

    tray = Tray(on_command=engine_inbox.put)          # raises TrayUnavailable if impossible
    tray.run(setup=start_engine_thread)               # main thread; blocks until stop()
    tray.update(TrayView(...))                        # any thread
    tray.stop()                                       # any thread

Menu commands arrive as the strings in `COMMANDS` ("break-now", "snooze", "skip", "pause 30m",
"pause 1h", "pause today", "resume", "summary", "report", "reload", "quit"). The tray acts on
none of them itself, not even "quit": the service decides and calls `stop()`.

Backend: DESKBREAK_TRAY_BACKEND, else PYSTRAY_BACKEND, names one of pystray's backends
(appindicator, gtk, xorg, win32, darwin, dummy). Otherwise appindicator, then gtk when `gi`
imports, else xorg. pystray's xorg backend has no menu and never asks X for clicks (upstream
issue #151); here its window also selects ButtonPress, and any click on the icon opens
`deskbreak.ui.menu_window` (a separate Tk process) next to the pointer.

Threading contract:
- `run` must be called from the main thread (GTK and pystray require it); it returns after
  `stop()`, or raises TrayUnavailable if the backend fails before the icon appears. `setup` runs once, in a separate thread, as soon as the icon is shown.
- `update` and `stop` may be called from any thread, also before `run` (the latest view is
  applied when the icon appears) and after `stop` (ignored). `update` is cheap when nothing
  visible changed.
- `on_command` is called from a tray-owned thread (the GTK main loop, or the xorg menu's reader
  thread), one call at a time; it must return quickly (post the command to the engine's thread)
  and may call `update` or `stop`.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from deskbreak.errors import DeskbreakError

log = logging.getLogger(__name__)

BACKEND_ENV = "DESKBREAK_TRAY_BACKEND"
PYSTRAY_ENV = "PYSTRAY_BACKEND"
KNOWN_BACKENDS = ("appindicator", "gtk", "xorg", "win32", "darwin", "dummy")
ICON_NAME = "deskbreak"
#: How long another thread waits for the xorg loop to carry out an icon update.
XORG_CALL_TIMEOUT = 5.0

COMMANDS = ("break-now", "snooze", "skip", "pause 30m", "pause 1h", "pause today", "resume",
            "summary", "report", "reload", "quit")


class TrayUnavailable(DeskbreakError):
    """No tray icon can be shown here; the message says why (the service falls back to console)."""


@dataclass(frozen=True)
class TrayView:
    """What the tray shows: the icon's look, its tooltip and the menu's status line."""

    sitting_seconds: int
    paused: bool
    status_line: str
    tooltip: str
    away: bool = False
    #: Sitting time at which the movement break is due: the icon's ring is full there.
    bout_limit_seconds: int = 3600


@dataclass(frozen=True)
class MenuEntry:
    """One menu line; `command` None with `label` "" is a separator."""

    label: str
    command: str | None
    enabled: bool = True

    @property
    def separator(self) -> bool:
        return self.command is None and not self.label


SEPARATOR = MenuEntry("", None)


def menu_entries(view: TrayView) -> tuple[MenuEntry, ...]:
    """The menu for `view`, top to bottom: the status line first, disabled."""
    paused = view.paused
    return (
        MenuEntry(view.status_line or "deskbreak", None, enabled=False),
        SEPARATOR,
        MenuEntry("Start a break now", "break-now"),
        MenuEntry("Snooze", "snooze", enabled=not paused),
        MenuEntry("Skip", "skip", enabled=not paused),
        SEPARATOR,
        MenuEntry("Pause 30 min", "pause 30m", enabled=not paused),
        MenuEntry("Pause 1 hour", "pause 1h", enabled=not paused),
        MenuEntry("Pause for the rest of the day", "pause today", enabled=not paused),
        MenuEntry("Resume", "resume", enabled=paused),
        SEPARATOR,
        MenuEntry("Today's summary", "summary"),
        MenuEntry("Open report", "report"),
        MenuEntry("Reload programme", "reload"),
        SEPARATOR,
        MenuEntry("Quit", "quit"),
    )


def choose_backend(env: dict[str, str] | None = None) -> list[str]:
    """The pystray backends to try, in order (an explicit choice is the only candidate)."""
    env = dict(os.environ) if env is None else env
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
    try:
        import gi  # noqa: F401  (only probing: pystray's gtk backends need it)
    except ImportError:
        return ["xorg"]
    return ["appindicator", "gtk", "xorg"]


def _load_backend(candidates: Sequence[str]) -> tuple[str, Any]:
    """Import pystray and the first backend module that loads; TrayUnavailable lists why not."""
    graphical = sys.platform in ("win32", "darwin") or candidates == ["dummy"]
    if not graphical and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise TrayUnavailable("no tray icon: there is no graphical session (DISPLAY is not set)")
    failures: list[str] = []
    previous = os.environ.get(PYSTRAY_ENV)
    try:
        for name in candidates:
            # pystray picks a backend while it is imported (and lets only ImportError from a
            # failing one through to its next candidate): point it at the one we want.
            os.environ[PYSTRAY_ENV] = name
            try:
                importlib.import_module("pystray")
                return name, importlib.import_module(f"pystray._{name}")
            # Xlib raises DisplayNameError, gi ValueError for a missing typelib, GTK others.
            except Exception as error:
                failures.append(f"{name}: {error}")
    finally:
        if previous is None:
            os.environ.pop(PYSTRAY_ENV, None)
        else:
            os.environ[PYSTRAY_ENV] = previous
    raise TrayUnavailable("no tray icon: every tray backend failed (" + "; ".join(failures) + ")")


class Tray:
    """A tray icon with the deskbreak menu. See the module docstring for the threading contract."""

    def __init__(self, on_command: Callable[[str], None], backend: str | None = None) -> None:
        from deskbreak.ui.icon import icon_image

        self._on_command = on_command
        self._lock = threading.Lock()  # guards _view, _shown, _stopped, _menu_proc
        self._apply_lock = threading.Lock()  # one pystray update at a time (xorg's reply queue)
        self._view = TrayView(0, False, "deskbreak", "deskbreak")
        self._applied: TrayView | None = None
        self._shown = False
        self._stopped = False
        self._menu_proc: subprocess.Popen[str] | None = None
        self.backend, module = _load_backend([backend] if backend else choose_backend())
        from pystray._base import Menu

        image = icon_image(0, limit_seconds=self._view.bout_limit_seconds)
        if self.backend == "xorg":
            icon_class = _clickable_xorg_icon(module)
            self._icon = icon_class(ICON_NAME, image, "deskbreak", menu=None,
                                    on_click=self._on_xorg_click)
        else:
            self._icon = module.Icon(ICON_NAME, image, "deskbreak", menu=Menu(self._menu_items))
        log.info("tray backend: %s", self.backend)

    # --- the interface ---------------------------------------------------------------------

    def run(self, setup: Callable[[], None]) -> None:
        """Show the icon and handle its events until `stop()`; main thread only."""
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("Tray.run must be called from the main thread")

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
        """Show `view`; any thread. Only what changed is redrawn."""
        with self._lock:
            self._view = view
            live = self._shown and not self._stopped
        if live:
            self._apply()

    def stop(self) -> None:
        """End `run()`; any thread; closes an open xorg menu window. Idempotent."""
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

    # --- internals -------------------------------------------------------------------------

    def _apply(self) -> None:
        from deskbreak.ui.icon import icon_image

        with self._apply_lock:
            with self._lock:
                view, before = self._view, self._applied
                if self._stopped:
                    return
            if before == view:
                return
            image = icon_image(view.sitting_seconds, paused=view.paused, away=view.away,
                               limit_seconds=view.bout_limit_seconds)
            if self._icon.icon is not image:
                self._icon.icon = image
            if before is None or before.tooltip != view.tooltip:
                self._icon.title = view.tooltip
            if self.backend != "xorg" and (before is None or menu_entries(before)
                                           != menu_entries(view)):
                self._icon.update_menu()
            self._applied = view

    def _menu_items(self) -> list[Any]:
        from pystray._base import Menu, MenuItem

        with self._lock:
            view = self._view
        items: list[Any] = []
        for entry in menu_entries(view):
            if entry.separator:
                items.append(Menu.SEPARATOR)
            else:
                items.append(MenuItem(entry.label, self._action_for(entry.command),
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
        if command in COMMANDS:
            self._dispatch(command)
        elif command:
            log.warning("tray menu window answered an unknown command %r", command)


def _clickable_xorg_icon(module: Any) -> type:
    """pystray's xorg Icon, changed to receive clicks and to be safely updated from any thread."""
    import Xlib.display
    import Xlib.X

    base = module.Icon

    class ClickableXorgIcon(base):  # type: ignore[misc, valid-type]
        # Any click opens our menu window, so there is a menu after all.
        HAS_MENU = True

        def __init__(self, *args: Any, on_click: Callable[[int, int, int], None],
                     **kwargs: Any) -> None:
            # Set before super().__init__, which creates the window and rewrites the methods.
            self._on_click = on_click
            self._call_lock = threading.Lock()
            self._call_results: queue.Queue[BaseException | None] = queue.Queue()
            #: Other threads' own X connection for waking the loop (see _wake_loop).
            self._waker: Any = None
            super().__init__(*args, **kwargs)

        def _create_window(self) -> Any:
            window = super()._create_window()
            # Upstream selects only Exposure and StructureNotify, so clicks never arrive.
            window.change_attributes(event_mask=Xlib.X.ExposureMask
                                     | Xlib.X.StructureNotifyMask | Xlib.X.ButtonPressMask)
            return window

        def _on_button_press(self, event: Any) -> None:
            # Runs on pystray's X loop: an exception here would end that loop for good.
            try:
                if event.detail in (1, 3):
                    self._on_click(event.detail, event.root_x, event.root_y)
            except Exception:
                log.exception("tray click handler failed")

        def _run(self) -> None:
            # Upstream releases the setup thread before recording which thread runs the loop,
            # so an early update from setup could run on the wrong thread. Record it first.
            self._thread = threading.current_thread()
            self._mark_ready()
            self._mainloop()

        def _rewrite_implementation(self, *methods: Callable[[], None]) -> None:
            # Upstream wakes the X loop by sending a message over the loop's own connection
            # from the calling thread; python-xlib 0.33 then deadlocks now and again (the
            # loop waits forever for a reply inside get_geometry). Here other threads send
            # the wake-up over a connection of their own, so only the loop thread ever uses
            # self._display once the loop runs.
            handlers: dict[int, Callable[[], None]] = {}
            for original in methods:
                atom = self._display.intern_atom(f"_PYSTRAY_{original.__name__.upper()}")
                handlers[atom] = original
                setattr(self, original.__name__, self._dispatcher(original, atom))

            def on_client_message(event: Any) -> None:
                handler = handlers.get(event.client_type)
                if handler is None:
                    return  # XEMBED and other messages from the tray host
                try:
                    handler()
                except Exception as error:  # handed to the waiting caller, re-raised there
                    self._call_results.put(error)
                else:
                    self._call_results.put(None)

            self._message_handlers[Xlib.X.ClientMessage] = on_client_message

        def _wake_loop(self, atom: int) -> None:
            """Send the loop a ClientMessage naming the call (caller holds _call_lock). The
            connection is kept: opening one per update cost ~20 context switches each."""
            if self._waker is None:
                self._waker = Xlib.display.Display(self._display.get_display_name())
            window = self._waker.create_resource_object("window", self._window.id)
            window.send_event(Xlib.display.event.ClientMessage(
                window=window, client_type=atom, data=(32, [0, 0, 0, 0, 0])),
                event_mask=Xlib.X.NoEventMask)
            self._waker.flush()

        def _close_waker(self) -> None:
            waker, self._waker = self._waker, None
            if waker is not None:
                try:
                    waker.close()
                except Exception:  # already broken: nothing to release
                    log.debug("closing the tray's wake-up connection failed", exc_info=True)

        def close_waker(self) -> None:
            """Release the wake-up connection; after stop(), from any thread but the loop's
            (pystray runs its own _stop on the loop thread while the caller holds the lock)."""
            with self._call_lock:
                self._close_waker()

        def _dispatcher(self, original: Callable[[], None], atom: int) -> Callable[[], None]:
            def call() -> None:
                loop = getattr(self, "_thread", None)
                if loop is None or loop.ident == threading.get_ident():
                    original()  # the loop is not running yet, or this is the loop
                    return
                with self._call_lock:
                    try:
                        self._wake_loop(atom)
                    except Exception:  # a broken wake-up connection: open a new one, once
                        self._close_waker()
                        self._wake_loop(atom)
                    try:
                        error = self._call_results.get(timeout=XORG_CALL_TIMEOUT)
                    except queue.Empty:
                        log.warning("tray: the X loop did not run %s in time", original.__name__)
                        return
                if error is not None:
                    raise error

            return call

    return ClickableXorgIcon
