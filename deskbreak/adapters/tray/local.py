"""Menu entries the tray carries out itself, without the service: they only open a window.

Threading: `run_local` may be called from any tray thread; it starts a process and returns.
"""

from __future__ import annotations

import logging
import subprocess
import sys

log = logging.getLogger(__name__)

#: "About deskbreak": the welcome window's text again (deskbreak.ui.welcome_window).
ABOUT = "about"
#: "When to get help": the built-in safety card (deskbreak.ui.safety_window).
SAFETY = "safety"
LOCAL_COMMANDS = (SAFETY, ABOUT)
#: The window module each local command opens.
WINDOWS = {ABOUT: "deskbreak.ui.welcome_window", SAFETY: "deskbreak.ui.safety_window"}


def run_local(command: str) -> subprocess.Popen[bytes] | None:
    """Open the window for a local menu command (a separate Tk process, not waited for);
    returns it, or None when it could not start."""
    module = WINDOWS.get(command)
    if module is None:
        log.warning("no local window for %r", command)
        return None
    try:
        return subprocess.Popen([sys.executable, "-m", module], stdin=subprocess.DEVNULL)
    except OSError:
        log.exception("could not open the %s window", command)
        return None
