"""Which monitor a window should open on, and where on it.

A prompt belongs where the person is looking. The X screen of a two-monitor desk is one wide
rectangle, so placing by the screen's size puts a "bottom-right" prompt on the right-hand
monitor whatever is in use, or across the seam. This module reads the monitors (RandR 1.5
monitors, else Xinerama's screens, else the whole screen) and picks the one under the pointer.

The maths is pure (`Rect`, `monitor_at`, `corner_position`); `read_monitors` is the only part
that talks to X, over python-xlib, imported when called. Threading: call from one thread at a
time (it opens and closes its own X connection).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

log = logging.getLogger(__name__)

#: Gap between a window and the monitor's edges.
EDGE_MARGIN = 16
#: Room left at the top or bottom edge for a panel or task bar.
PANEL_ALLOWANCE = 40


@dataclass(frozen=True)
class Rect:
    """A rectangle in root-window pixels."""

    x: int
    y: int
    width: int
    height: int

    def contains(self, px: int, py: int) -> bool:
        return self.x <= px < self.x + self.width and self.y <= py < self.y + self.height

    def distance_to(self, px: int, py: int) -> int:
        """Pixels from the point to the nearest edge (0 inside)."""
        dx = max(self.x - px, 0, px - (self.x + self.width - 1))
        dy = max(self.y - py, 0, py - (self.y + self.height - 1))
        return dx + dy


def monitor_at(monitors: Sequence[Rect], pointer: tuple[int, int] | None) -> Rect:
    """The monitor under the pointer; the nearest one if the pointer is in a gap between them;
    the first (the primary, when known) without a pointer. `monitors` must not be empty."""
    if not monitors:
        raise ValueError("no monitors")
    if pointer is None:
        return monitors[0]
    px, py = pointer
    for monitor in monitors:
        if monitor.contains(px, py):
            return monitor
    return min(monitors, key=lambda m: m.distance_to(px, py))


def fit_size(area: Rect, width: int, height: int, margin: int = EDGE_MARGIN) -> tuple[int, int]:
    """The window's size, shrunk if needed so that it fits inside `area` with margins."""
    return (max(1, min(width, area.width - 2 * margin)),
            max(1, min(height, area.height - 2 * margin - PANEL_ALLOWANCE)))


def corner_position(area: Rect, width: int, height: int, corner: str,
                    margin: int = EDGE_MARGIN) -> tuple[int, int]:
    """Top-left corner for a `width` x `height` window in `corner` of `area` ("bottom-right",
    "top-left", ... or "center"), kept fully inside the area."""
    if corner == "center":
        x = area.x + (area.width - width) // 2
        y = area.y + (area.height - height) // 2
    else:
        x = (area.x + margin if corner.endswith("left")
             else area.x + area.width - width - margin)
        y = (area.y + margin + PANEL_ALLOWANCE if corner.startswith("top")
             else area.y + area.height - height - margin - PANEL_ALLOWANCE)
    x = min(max(x, area.x), area.x + max(0, area.width - width))
    y = min(max(y, area.y), area.y + max(0, area.height - height))
    return x, y


def read_monitors(display_name: str | None = None) -> list[Rect]:
    """The X display's monitors, primary first. Empty when X cannot say (no display, no
    python-xlib, or neither RandR 1.5 nor Xinerama); the caller then uses the screen's size."""
    try:
        from Xlib import display as xdisplay
    except ImportError:
        return []
    try:
        conn = xdisplay.Display(display_name)
    except Exception as error:  # Xlib raises several unrelated types for "no display"
        log.debug("monitors: cannot open display: %s", error)
        return []
    try:
        return _randr_monitors(conn) or _xinerama_screens(conn)
    except Exception as error:
        log.debug("monitors: query failed: %s", error)
        return []
    finally:
        conn.close()


def _randr_monitors(conn: object) -> list[Rect]:
    if not conn.has_extension("RANDR"):  # type: ignore[attr-defined]
        return []
    version = conn.xrandr_query_version()  # type: ignore[attr-defined]
    if (version.major_version, version.minor_version) < (1, 5):
        return []
    reply = conn.screen().root.xrandr_get_monitors()  # type: ignore[attr-defined]
    monitors = sorted(reply.monitors, key=lambda m: not m.primary)
    return [Rect(m.x, m.y, m.width_in_pixels, m.height_in_pixels) for m in monitors
            if m.width_in_pixels > 0 and m.height_in_pixels > 0]


def _xinerama_screens(conn: object) -> list[Rect]:
    if not conn.has_extension("XINERAMA"):  # type: ignore[attr-defined]
        return []
    reply = conn.xinerama_query_screens()  # type: ignore[attr-defined]
    return [Rect(s.x, s.y, s.width, s.height) for s in reply.screens]
