"""A tiny tray app for the tray e2e tests: prints READY <backend>, then COMMAND <c> per click.

Run as `python tests/e2e/tray_app.py [BACKEND]`; "quit" stops the tray, which prints STOPPED.
Each line on stdin is a JSON object of TrayView fields to show next (printed back as UPDATED
<n>), or the word "visibility" (answered VISIBILITY <shown> <why>), or "docks" (answered DOCKS
<how often the xorg icon asked a tray to dock it>).
"""

from __future__ import annotations

import json
import sys
import threading
from dataclasses import replace

from deskbreak.adapters.tray import Tray, TrayView

START = TrayView(2520, False, "Sitting 42 min", "Sitting 42 min, neck mobility in 8 min")


def main() -> None:
    tray = None

    def on_command(command: str) -> None:
        print("COMMAND", command, flush=True)
        if command == "quit" and tray is not None:
            tray.stop()

    tray = Tray(on_command, backend=sys.argv[1] if len(sys.argv) > 1 else None)

    def read_stdin() -> None:
        view = START
        for count, line in enumerate(sys.stdin, 1):
            line = line.strip()
            if line == "visibility":
                shown, why = tray.visibility()
                print("VISIBILITY", shown, why, flush=True)
            elif line == "docks":
                print("DOCKS", getattr(tray, "dock_requests", 0), flush=True)
            elif line:
                view = replace(view, **json.loads(line))
                tray.update(view)
                print("UPDATED", count, flush=True)

    def setup() -> None:
        tray.update(START)
        print("READY", tray.backend, flush=True)
        threading.Thread(target=read_stdin, daemon=True).start()

    tray.run(setup)
    print("STOPPED", flush=True)


if __name__ == "__main__":
    main()
