"""Placing a Tk window on the monitor the person is using (see deskbreak.adapters.monitors).

Used by every deskbreak window: the prompt, the guided break, the check-ins and the welcome.
Runs in the window's own process, on Tk's thread.
"""

from __future__ import annotations

from typing import Any

from deskbreak.adapters.monitors import Rect, corner_position, fit_size, monitor_at, read_monitors


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
