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
LOCAL_COMMANDS = (ABOUT,)


def run_local(command: str) -> None:
    """Open the window for a local menu command (a separate Tk process, not waited for)."""
    if command == ABOUT:
        try:
            subprocess.Popen([sys.executable, "-m", "deskbreak.ui.welcome_window"],
                             stdin=subprocess.DEVNULL)
        except OSError:
            log.exception("could not open the About window")
