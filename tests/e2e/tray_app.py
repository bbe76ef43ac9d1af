"""A tiny tray app for the tray e2e tests: prints READY <backend>, then COMMAND <c> per click.

Run as `python tests/e2e/tray_app.py [BACKEND]`; "quit" stops the tray, which prints STOPPED.
"""

from __future__ import annotations

import sys

from deskbreak.adapters.tray import Tray, TrayView


def main() -> None:
    tray: Tray | None = None

    def on_command(command: str) -> None:
        print("COMMAND", command, flush=True)
        if command == "quit" and tray is not None:
            tray.stop()

    tray = Tray(on_command, backend=sys.argv[1] if len(sys.argv) > 1 else None)

    def setup() -> None:
        tray.update(TrayView(2520, False, "Sitting 42 min",
                             "Sitting 42 min, neck mobility in 8 min"))
        print("READY", tray.backend, flush=True)

    tray.run(setup)
    print("STOPPED", flush=True)


if __name__ == "__main__":
    main()
