"""Colours and fonts for every deskbreak window: light or dark as the desktop prefers, and never
smaller than a readable minimum.

Which scheme, in order:

1. `DESKBREAK_THEME=light|dark` in the environment (anything else, or `auto`, falls through);
2. the desktop's own preference, `org.freedesktop.appearance color-scheme`, read over the
   XDG desktop portal's Settings interface on the session bus (GNOME, KDE and most Wayland
   desktops publish it; 1 = prefer dark, 2 = prefer light, 0 = no preference);
3. light.

`apply(root)` puts the palette into Tk's option database before any widget is made, so every
classic Tk widget a window creates afterwards gets the colours without passing them around;
`font(root, size, weight)` makes a font no smaller than `MIN_POINT_SIZE`.

Threading: call from the Tk thread of a window process. The portal look-up blocks for at most
`PORTAL_TIMEOUT` seconds and never raises.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import tkinter as tk
    from tkinter import font as tkfont

log = logging.getLogger(__name__)

#: The environment variable that overrides the desktop's preference.
THEME_VARIABLE = "DESKBREAK_THEME"
#: Smallest point size any window uses: 11 pt DejaVu Sans is about 15 px tall at 96 dpi, the
#: least that reads comfortably at arm's length on a laptop screen.
MIN_POINT_SIZE = 11
#: The window appears within a second even when the portal hangs.
PORTAL_TIMEOUT = 0.5
FAMILY = "DejaVu Sans"

PORTAL_NAME = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
PORTAL_SETTINGS = "org.freedesktop.portal.Settings"
APPEARANCE = "org.freedesktop.appearance"
COLOR_SCHEME = "color-scheme"


@dataclass(frozen=True)
class Palette:
    """The colours of one scheme. Caution text keeps at least 4.5:1 contrast on `background`."""

    name: str
    background: str
    foreground: str
    muted: str
    caution: str
    accent: str
    button: str
    button_active: str
    disabled: str
    highlight: str


LIGHT = Palette(name="light", background="#f6f6f4", foreground="#1d1d1d", muted="#4f4f4f",
                caution="#9a3412", accent="#1d5fa8", button="#e4e4e0",
                button_active="#d2d2cc", disabled="#8a8a8a", highlight="#cfe3ff")
DARK = Palette(name="dark", background="#232427", foreground="#ececec", muted="#b4b4b4",
               caution="#ffb38a", accent="#8ab8ff", button="#3a3c40",
               button_active="#4a4d52", disabled="#7d7d7d", highlight="#2f4f7a")
PALETTES = {"light": LIGHT, "dark": DARK}


def scheme_from_portal(value: Any) -> str | None:
    """The scheme the portal's color-scheme value asks for: 1 dark, 2 light, else None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return {1: "dark", 2: "light"}.get(value)


def choose_scheme(environ: Mapping[str, str], portal_value: Any) -> str:
    """Light or dark: the override first, then the desktop's preference, then light."""
    override = environ.get(THEME_VARIABLE, "").strip().lower()
    if override in PALETTES:
        return override
    return scheme_from_portal(portal_value) or "light"


def read_portal_color_scheme(timeout: float = PORTAL_TIMEOUT) -> int | None:
    """The desktop's color-scheme (0, 1, 2) from the XDG portal, or None when unknown."""
    try:
        from jeepney import DBusAddress
        from jeepney.io.blocking import open_dbus_connection
        from jeepney.low_level import Message
        from jeepney.wrappers import DBusErrorResponse, new_method_call, unwrap_msg
    except ImportError:
        return None
    address = DBusAddress(PORTAL_PATH, bus_name=PORTAL_NAME, interface=PORTAL_SETTINGS)
    try:
        conn = open_dbus_connection(bus="SESSION")
    except (KeyError, OSError, ValueError, RuntimeError):
        return None
    try:
        # ReadOne is portal version 2; Read (deprecated) still answers on older desktops.
        for method in ("ReadOne", "Read"):
            message: Message = new_method_call(address, method, "ss", (APPEARANCE, COLOR_SCHEME))
            try:
                reply = conn.send_and_get_reply(message, timeout=timeout)
                (value,) = unwrap_msg(reply)
            except DBusErrorResponse:
                continue
            except (OSError, TimeoutError, ValueError):
                return None
            # Variants come back as (signature, value); Read wraps the value twice.
            while isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
                value = value[1]
            return value if isinstance(value, int) else None
        return None
    finally:
        try:
            conn.close()
        except OSError:
            pass


def current_palette(environ: Mapping[str, str] | None = None) -> Palette:
    """The palette for this desktop now (asks the portal only when no override is set)."""
    env = os.environ if environ is None else environ
    if env.get(THEME_VARIABLE, "").strip().lower() in PALETTES:
        return PALETTES[choose_scheme(env, None)]
    return PALETTES[choose_scheme(env, read_portal_color_scheme())]


def apply(root: tk.Misc, palette: Palette | None = None) -> Palette:
    """Make `palette` the default for every classic Tk widget created after this call."""
    chosen = palette or current_palette()
    options = {
        "*Background": chosen.background,
        "*Foreground": chosen.foreground,
        "*activeBackground": chosen.button_active,
        "*activeForeground": chosen.foreground,
        "*disabledForeground": chosen.disabled,
        "*highlightBackground": chosen.background,
        "*highlightColor": chosen.accent,
        "*selectBackground": chosen.highlight,
        "*selectForeground": chosen.foreground,
        "*insertBackground": chosen.foreground,
        "*troughColor": chosen.button,
        "*Button.background": chosen.button,
        "*Entry.background": chosen.button,
        "*Spinbox.background": chosen.button,
        "*Spinbox.buttonBackground": chosen.button,
        "*Scrollbar.background": chosen.button,
        "*Checkbutton.selectColor": chosen.button,
    }
    for pattern, value in options.items():
        # Priority 60 (above widgetDefault) so the colours win over Tk's own defaults.
        root.option_add(pattern, value, 60)
    # The toplevel itself exists already, so the option database does not reach it.
    root["background"] = chosen.background
    return chosen


def point_size(requested: int) -> int:
    """`requested`, raised to the readable minimum."""
    return max(MIN_POINT_SIZE, requested)


def font(root: tk.Misc, size: int, weight: str = "normal") -> tkfont.Font:
    """A DejaVu Sans font of at least `MIN_POINT_SIZE` points ("bold" or "normal" weight)."""
    from tkinter import font as tkfont

    return tkfont.Font(root=root, family=FAMILY, size=point_size(size),
                       weight="bold" if weight == "bold" else "normal")
