"""Notifications as lines on a stream (stdout by default): console mode and last resort."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TextIO

log = logging.getLogger(__name__)


class ConsoleNotifier:
    """Prints each prompt as one line. No actions (the console mode reads answers itself)."""

    name = "console"
    supports_actions = False
    action_display = "none"

    def __init__(self, on_action: Callable[[str], None] | None = None,
                 stream: TextIO | None = None) -> None:
        self.on_action = on_action  # kept for the interface; a stream cannot click
        self._stream = stream
        self._lock = threading.Lock()

    def show(self, title: str, body: str, actions: Sequence[tuple[str, str]],
             expire_seconds: float, replace: bool = True) -> None:
        """Write "[deskbreak] TITLE: BODY (choices)" and flush."""
        stream = self._stream or sys.stdout
        choices = ", ".join(label for key, label in actions if key != "default")
        line = f"[deskbreak] {title}: {' '.join(body.split())}"
        if choices:
            line += f"  ({choices})"
        with self._lock:
            print(line, file=stream, flush=True)

    def close(self) -> None:
        """Nothing to withdraw from a stream."""

    def shutdown(self) -> None:
        """Nothing to release."""


if __name__ == "__main__":
    ConsoleNotifier().show("Neck break", "Chin tucks, 10 times.",
                           [("done", "Done"), ("skip", "Skip")], 30)
