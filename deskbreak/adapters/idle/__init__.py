"""Idle sources: how long since the user last touched the keyboard or mouse.

One module per source, each imported only when it is tried, so nothing here touches X, D-Bus or
the Windows API at import time. `choose_idle_source` tries the candidates for this platform in
order (like pystray's `backend()`), honours an override and the DESKBREAK_IDLE_SOURCE variable,
and reports every candidate's failure together when none works.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from deskbreak.errors import DeskbreakError

log = logging.getLogger(__name__)

#: Names an environment variable or override may use -> (module, class) implementing it.
SOURCES: dict[str, tuple[str, str]] = {
    "gnome": ("deskbreak.adapters.idle.gnome", "GnomeIdleSource"),
    "wayland": ("deskbreak.adapters.idle.wayland", "WaylandIdleSource"),
    "freedesktop": ("deskbreak.adapters.idle.freedesktop", "FreedesktopIdleSource"),
    "x11": ("deskbreak.adapters.idle.x11", "X11IdleSource"),
    "windows": ("deskbreak.adapters.idle.windows", "WindowsIdleSource"),
    "macos": ("deskbreak.adapters.idle.macos", "MacosIdleSource"),
    "fake": ("deskbreak.adapters.idle.fake", "FakeIdleSource"),
}
ENV_VAR = "DESKBREAK_IDLE_SOURCE"


class IdleSourceError(DeskbreakError):
    """An idle source cannot be opened, or stopped working; the message says why."""


@runtime_checkable
class IdleSource(Protocol):
    """Seconds since the last keyboard or mouse input in the user's session.

    Threading: an instance may be used from any ONE thread at a time (the X11 and D-Bus
    connections inside are not thread-safe); keep it on the engine's thread or a single poller.
    Cost: one round trip to the X server, the bus or the OS, about a millisecond; it blocks for
    at most a couple of seconds when the other side hangs.
    Errors: `seconds_since_last_input` raises IdleSourceError when the source stops working (X
    server gone, bus closed); the caller decides whether to re-open with `choose_idle_source`.
    Construction already takes one reading, so a source that opens is known to work.
    """

    #: Short stable name ("x11", "gnome", ...), as used by DESKBREAK_IDLE_SOURCE.
    name: str

    def seconds_since_last_input(self) -> float:
        """Seconds (>= 0) since the last input event."""
        ...


def candidates_for(platform: str, environ: Mapping[str, str]) -> list[str]:
    """The sources to try, best first, for `platform` (a sys.platform value) and a session.

    On Linux: GNOME's Mutter IdleMonitor first on GNOME (Mutter offers no Wayland idle protocol
    to ordinary clients). On any other Wayland session the compositor's own idle protocol first
    (XScreenSaver under XWayland sees only X clients' input), then the freedesktop D-Bus call,
    and X11 last of all (see `session_caveat`). On an X11 session XScreenSaver first: every X
    server has it, and org.freedesktop.ScreenSaver's GetSessionIdleTime is missing or a stub
    returning 0 in several desktops (and its unit differs between them).
    """
    if platform.startswith("win"):
        return ["windows"]
    if platform == "darwin":
        return ["macos"]
    desktop = environ.get("XDG_CURRENT_DESKTOP", "").upper()
    wayland = is_wayland_session(environ)
    gnome = "GNOME" in desktop
    if not wayland:
        return (["gnome"] if gnome else []) + ["x11", "freedesktop"]
    protocols = ["gnome", "wayland"] if gnome else ["wayland", "gnome"]
    return protocols + ["freedesktop", "x11"]


def is_wayland_session(environ: Mapping[str, str]) -> bool:
    """Whether the user's session is a Wayland one (X programs then run under XWayland)."""
    return bool(environ.get("WAYLAND_DISPLAY")) or environ.get("XDG_SESSION_TYPE") == "wayland"


#: Why an X11 idle reading cannot be trusted on a Wayland session, in the user's words.
XWAYLAND_CAVEAT = ("sitting time may be wrong: this is a Wayland session and the X11 idle "
                   "counter only sees typing and clicks in X programs")


def session_caveat(source_name: str, environ: Mapping[str, str]) -> str | None:
    """A warning to show wherever sitting time is shown (doctor, status, the tray's tooltip)
    when `source_name` cannot see all of the user's input in this session; None when it can."""
    if source_name == "x11" and is_wayland_session(environ):
        return XWAYLAND_CAVEAT
    return None


def open_idle_source(name: str) -> IdleSource:
    """Open the named source; raises IdleSourceError (unknown name, or it does not work here)."""
    if name not in SOURCES:
        raise IdleSourceError(
            f"unknown idle source {name!r}; choose one of: {', '.join(SOURCES)}"
        )
    module_name, class_name = SOURCES[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise IdleSourceError(f"{name}: cannot import: {error}") from error
    source: IdleSource = getattr(module, class_name)()
    return source


def try_idle_sources(names: list[str]) -> tuple[IdleSource | None, list[tuple[str, str]]]:
    """Open the first of `names` that works. Returns it (or None) and, for each name tried,
    (name, why it was or was not chosen), in order: what `deskbreak doctor` shows."""
    tried: list[tuple[str, str]] = []
    for name in names:
        try:
            source = open_idle_source(name)
        except IdleSourceError as error:
            log.debug("idle source %s unavailable: %s", name, error)
            why = str(error)
            tried.append((name, why[len(name) + 2:] if why.startswith(f"{name}: ") else why))
            continue
        tried.append((name, "works: chosen"))
        return source, tried
    return None, tried


def choose_idle_source(override: str | None = None) -> IdleSource:
    """The first idle source that works here: `override`, else $DESKBREAK_IDLE_SOURCE, else
    the platform's candidates in order. Raises one DeskbreakError naming every failure."""
    requested = override or os.environ.get(ENV_VAR) or None
    if requested:
        names = [requested.strip()]
        if names[0] not in SOURCES:
            where = "override" if override else ENV_VAR
            raise IdleSourceError(f"unknown idle source {names[0]!r} (from {where}); "
                                  f"choose one of: {', '.join(SOURCES)}")
    else:
        names = candidates_for(sys.platform, os.environ)
    source, tried = try_idle_sources(names)
    if source is None:
        raise IdleSourceError("no idle source works here ("
                              + "; ".join(f"{name}: {why}" for name, why in tried) + ")")
    log.info("idle source: %s", source.name)
    return source


__all__ = ["ENV_VAR", "SOURCES", "XWAYLAND_CAVEAT", "IdleSource", "IdleSourceError",
           "candidates_for", "choose_idle_source", "is_wayland_session", "open_idle_source",
           "session_caveat", "try_idle_sources"]
