"""Placing a Tk window on the monitor the person is using (see deskbreak.adapters.monitors).

Used by every deskbreak window: the prompt, the guided break, the check-ins and the welcome.
Runs in the window's own process, on Tk's thread. The windows that come unasked (the prompt,
the check-ins, the screening questions) are also mapped without taking the keyboard, so a
person typing never types into them.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from deskbreak.adapters.monitors import Rect, corner_position, fit_size, monitor_at, read_monitors

log = logging.getLogger(__name__)


def monitor_for(root: Any) -> Rect:
    """The monitor under the pointer (Tk's root `root`), or the whole screen when the monitors
    cannot be read (Windows, macOS, an X server without RandR 1.5 or Xinerama)."""
    monitors = read_monitors(root.winfo_screen()) or [
        Rect(0, 0, root.winfo_screenwidth(), root.winfo_screenheight())]
    px, py = root.winfo_pointerxy()
    # Tk gives (-1, -1) when the pointer is on another X screen.
    return monitor_at(monitors, (px, py) if px >= 0 and py >= 0 else None)


def place(root: Any, width: int, height: int, corner: str, area: Rect | None = None) -> Rect:
    """Size `root` to fit the monitor and put it in `corner` of it; returns the monitor used,
    so a window that changes size later can stay on the same one."""
    area = area or monitor_for(root)
    width, height = fit_size(area, width, height)
    x, y = corner_position(area, width, height, corner)
    root.geometry(f"{width}x{height}+{x}+{y}")
    return area


def show_unasked(root: Any, corner: str, *, follow_content: bool = False) -> Rect:
    """Map a window that comes without being asked for (a check-in, the screening questions)
    as the prompt is mapped: a dialog kept on top, in `corner` of the person's monitor, never
    taking the keyboard. With `follow_content` the window keeps its place but grows and
    shrinks with what it shows later. Returns the monitor used."""
    import tkinter as tk

    try:
        root.wm_attributes("-type", "dialog")
    except tk.TclError:
        pass  # not X11: the attribute does not exist there
    root.wm_attributes("-topmost", True)
    root.update_idletasks()
    area = place(root, root.winfo_reqwidth(), root.winfo_reqheight(), corner)
    if follow_content:
        root.geometry("")
    map_without_focus(root)
    root.deiconify()
    return area


def map_without_focus(root: Any) -> None:
    """Tell an X11 window manager not to focus the window when it first maps, and whose it is.

    EWMH: `_NET_WM_USER_TIME` = 0 on the client (Tk's wrapper) window before mapping means the
    user has not interacted with it, so the window manager must not give it focus.
    `_NET_WM_PID` (which Tk does not set) lets the window manager offer to end a window that
    stops answering, and lets tools tell this window from an older one with the same title.
    Tk has no command for arbitrary properties, hence python-xlib. Elsewhere this does nothing.
    """
    if root.tk.call("tk", "windowingsystem") != "x11":
        return
    try:
        from Xlib import Xatom
        from Xlib import display as xdisplay
    except ImportError:
        log.warning("python-xlib is missing: the window may take keyboard focus")
        return
    root.update_idletasks()
    try:
        conn = xdisplay.Display(root.winfo_screen())
    except Exception:  # Xlib raises several unrelated types for a bad display
        log.warning("could not open the display to set _NET_WM_USER_TIME", exc_info=True)
        return
    try:
        inner = conn.create_resource_object("window", root.winfo_id())
        wrapper = inner.query_tree().parent
        wrapper.change_property(conn.intern_atom("_NET_WM_USER_TIME"), Xatom.CARDINAL, 32, [0])
        wrapper.change_property(conn.intern_atom("_NET_WM_PID"), Xatom.CARDINAL, 32,
                                [os.getpid()])
        conn.sync()
    finally:
        conn.close()
