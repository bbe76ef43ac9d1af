"""What `deskbreak doctor` reports about this desktop: which adapter each part would use, what it
reads right now, and how to fix what is missing. Probing never raises: every failure is a line.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Callable
from typing import NamedTuple

log = logging.getLogger(__name__)

#: How long the tray probe (a child Python importing pystray) may take.
TRAY_PROBE_TIMEOUT = 15.0

GI_HINT = ("for the desktop's own tray menus: apt-get install python3-gi gir1.2-gtk-3.0 "
           "gir1.2-ayatanaappindicator3-0.1, and run deskbreak from a venv made with "
           "/usr/bin/python3 -m venv --system-site-packages")

# Runs in a child process: importing pystray picks its backend and, for xorg, connects to X
# at import time, which must not happen (or hang, or crash) inside the doctor itself.
TRAY_PROBE = r"""
import json, sys
result = {"backend": None, "error": None, "gi": False, "gi_error": None}
try:
    import gi
    result["gi"] = True
except Exception as error:
    result["gi_error"] = repr(error)
try:
    import pystray
    result["backend"] = pystray.Icon.__module__.rsplit(".", 1)[-1].lstrip("_")
except Exception as error:
    result["error"] = f"{type(error).__name__}: {error}"
try:  # is an XEmbed system tray (trayer, stalonetray, a panel's tray) there to dock in?
    from Xlib import X, display
    x = display.Display()
    tray = x.intern_atom("_NET_SYSTEM_TRAY_S%d" % x.get_default_screen())
    result["xembed_tray"] = x.get_selection_owner(tray) != X.NONE
    x.close()
except Exception:
    result["xembed_tray"] = None
print(json.dumps(result))
"""


class Probe(NamedTuple):
    """One line of the doctor's report."""

    #: Which part: "idle source", "screen lock", "fullscreen", "notifications", "tray".
    part: str
    #: The adapter that would be used, or None if none works.
    chosen: str | None
    #: What it reads now, or why nothing works.
    reading: str
    #: What to install or set to get a better answer; None when all is well.
    missing_hint: str | None
    #: Each candidate tried, in order, as "name: why it was or was not chosen".
    tried: tuple[str, ...] = ()


def _idle() -> Probe:
    import os

    from deskbreak.adapters.idle import (
        ENV_VAR,
        candidates_for,
        session_caveat,
        try_idle_sources,
    )

    forced = os.environ.get(ENV_VAR)
    names = [forced] if forced else candidates_for(sys.platform, os.environ)
    source, attempts = try_idle_sources(names)
    tried = tuple(f"{name}: {why}" for name, why in attempts)
    if forced:
        tried = (f"{ENV_VAR}={forced} forces this choice", *tried)
    if source is None:
        return Probe("idle source", None, "none works here",
                     "needs a Wayland compositor with an idle protocol, GNOME Shell, an X11 "
                     "display (python-xlib), or org.freedesktop.ScreenSaver; "
                     f"{ENV_VAR} forces one", tried)
    reading = f"{source.seconds_since_last_input():.1f} s since last input"
    protocol = getattr(source, "protocol", None)
    if protocol:
        reading += f" (over {protocol})"
    caveat = session_caveat(source.name, os.environ)
    return Probe("idle source", source.name, reading + (f"; {caveat}" if caveat else ""),
                 ("on Wayland, use a compositor with ext-idle-notify-v1 or KDE's idle "
                  "protocol, or GNOME Shell" if caveat else None), tried)


def _lock() -> Probe:
    from deskbreak.adapters.session import choose_lock_source

    source = choose_lock_source()
    state = source.is_locked()
    if source.name == "none":
        return Probe("screen lock", None, "unknown (no logind session or screensaver on D-Bus)",
                     "locked time then counts as away only through the idle time")
    reading = {True: "locked", False: "not locked", None: "unknown"}[state]
    return Probe("screen lock", source.name, reading, None,
                 ("every source that answers is used; locked if any says so",))


def _fullscreen() -> Probe:
    import os

    from deskbreak.adapters.fullscreen import choose_fullscreen_detector
    from deskbreak.adapters.idle import is_wayland_session

    detector = choose_fullscreen_detector()
    if detector.name == "none":
        if sys.platform.startswith(("win", "darwin")):
            why = "x11: not this platform"
        elif is_wayland_session(os.environ):
            why = "x11: not used on Wayland, where it would see only XWayland windows"
        else:
            why = "x11: no DISPLAY, or the X server could not be asked"
        return Probe("fullscreen", None, "unknown here (X11 only)",
                     "prompts will still wait during calls, but not for fullscreen videos or "
                     "presentations", (why,))
    state = detector.active_window_is_fullscreen()
    reading = {True: "active window is fullscreen", False: "active window is not fullscreen",
               None: "unknown (no EWMH window manager)"}[state]
    return Probe("fullscreen", detector.name, reading, None, ("x11: works: chosen",))


def _calls() -> Probe:
    from deskbreak.adapters.calls import CallDetector

    detector = CallDetector()
    reason = detector.reason()
    reading = f"on a call now ({reason})" if reason else "no call now"
    mic, cam = detector.describe().split("; ", 1)
    hint = None if "not installed" not in mic else (
        "install pactl (pulseaudio-utils) so prompts can wait while the microphone is in use")
    return Probe("calls", "microphone+camera", reading, hint,
                 (f"microphone: {mic}", f"camera: {cam}"))


def _monitors() -> Probe:
    from deskbreak.adapters.monitors import read_monitors

    monitors = read_monitors()
    if not monitors:
        return Probe("monitors", None, "one screen (monitors not readable here)", None,
                     ("randr, xinerama: not readable here; windows use the whole screen",))
    sizes = ", ".join(f"{m.width}x{m.height}+{m.x}+{m.y}" for m in monitors)
    return Probe("monitors", f"{len(monitors)} monitor(s)", sizes, None,
                 ("randr/xinerama: works: windows open on the monitor with the pointer",))


def _sound() -> Probe:
    from deskbreak.adapters.sound import SoundCue

    line = SoundCue(enabled=True).describe()
    player = line.split("; ", 1)[1]
    ready = not player.startswith("no player")
    return Probe("sound cue", "theme sound" if ready else None,
                 "off unless the programme says sound: true", None, (f"player: {player}",))


def _notifications() -> Probe:
    from deskbreak.adapters.notify import choose_notifier, describe_actions

    notifier = choose_notifier(lambda key: None)
    try:
        server = getattr(notifier, "server", None)
        reading = f"server {server}" if server else "ready"
        display = getattr(notifier, "action_display", "none")
        reading += ": " + describe_actions(display, getattr(notifier, "server_name", ""))
        hint = None
        if notifier.name == "console":
            hint = ("no notification server found: on Linux install one (e.g. dunst) or use a "
                    "desktop that has one; prompts still open their window")
        return Probe("notifications", notifier.name, reading, hint)
    finally:
        notifier.shutdown()


NO_TRAY_HOST = ("no tray host: neither a StatusNotifierWatcher on the session bus nor an X11 "
                "system tray is running, so the icon cannot be seen")
NO_TRAY_HINT = ("prompts still come as notifications and windows; `deskbreak status`, `pause`, "
                "`resume` and `break-now` do what the menu would. On GNOME: the AppIndicator "
                "extension gives a tray")


def _tray() -> Probe:
    tried: list[str] = []
    try:
        from deskbreak.adapters.tray import watcher_present

        if watcher_present():
            return Probe("tray", "sni", "StatusNotifierWatcher on the session bus: deskbreak's "
                         "own StatusNotifierItem with its menu (no gi needed)", None,
                         ("sni: a StatusNotifierWatcher owns its name on the session bus",))
        tried.append("sni: no StatusNotifierWatcher on the session bus")
    except Exception as error:  # probing never raises
        log.debug("SNI watcher probe failed: %s", error)
        tried.append(f"sni: could not ask the session bus ({error})")
    try:
        done = subprocess.run([sys.executable, "-c", TRAY_PROBE], capture_output=True,
                              text=True, timeout=TRAY_PROBE_TIMEOUT, check=False)
        result = json.loads(done.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError) as error:
        return Probe("tray", None, f"could not probe pystray: {error}", None, tuple(tried))
    gi = "gi importable" if result["gi"] else "gi not importable"
    backend = result["backend"]
    tried.append(f"pystray: {backend or result['error']} ({gi})")
    if backend is None:
        return Probe("tray", None, f"pystray unusable: {result['error']} ({gi})",
                     "needs a graphical session (DISPLAY)" + ("" if result["gi"]
                                                              else "; " + GI_HINT), tuple(tried))
    hint = None
    if backend == "xorg" and result.get("xembed_tray") is False:
        tried.append("xorg: no X11 system tray owns _NET_SYSTEM_TRAY")
        return Probe("tray", "pystray xorg", f"{NO_TRAY_HOST} ({gi})", NO_TRAY_HINT,
                     tuple(tried))
    if backend == "xorg":
        hint = ("with pystray's xorg backend a click on the icon opens deskbreak's own menu "
                "window; " + GI_HINT)
    return Probe("tray", f"pystray {backend}", gi, hint, tuple(tried))


PROBES: tuple[tuple[str, Callable[[], Probe]], ...] = (
    ("idle source", _idle),
    ("screen lock", _lock),
    ("fullscreen", _fullscreen),
    ("calls", _calls),
    ("monitors", _monitors),
    ("notifications", _notifications),
    ("tray", _tray),
    ("sound cue", _sound),
)


def describe_desktop() -> list[Probe]:
    """One Probe per part, in a fixed order. Never raises."""
    probes = []
    for part, probe in PROBES:
        try:
            probes.append(probe())
        except Exception as error:
            log.debug("probe %s failed", part, exc_info=True)
            probes.append(Probe(part, None, f"probe failed: {type(error).__name__}: {error}",
                                None))
    return probes


if __name__ == "__main__":
    for line in describe_desktop():
        print(f"{line.part:14} {line.chosen or '-':18} {line.reading}")
        for attempt in line.tried:
            print(f"{'':14} tried {attempt}")
        if line.missing_hint:
            print(f"{'':14} hint: {line.missing_hint}")
