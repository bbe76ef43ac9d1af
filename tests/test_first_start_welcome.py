"""The service starts the first-start welcome window and never waits for it."""

from __future__ import annotations

import sys
import threading
from typing import Any

from deskbreak.service.runtime import open_first_start_welcome


class StuckWindow:
    """A window process that stays open until released."""

    def __init__(self) -> None:
        self.closed = threading.Event()
        self.waited = threading.Event()

    def wait(self) -> int:
        self.waited.set()
        self.closed.wait(10)
        return 0


def test_the_welcome_is_started_with_first_start_and_not_waited_for() -> None:
    window = StuckWindow()
    started: list[list[str]] = []

    def spawn(argv: list[str]) -> Any:
        started.append(argv)
        return window

    open_first_start_welcome(spawn)  # returns although the window is still open
    try:
        assert started == [[sys.executable, "-m", "deskbreak.ui.welcome_window",
                            "--first-start"]]
        # Reaped on a thread of its own, so no zombie is left behind.
        assert window.waited.wait(5)
    finally:
        window.closed.set()


def test_a_welcome_that_cannot_start_is_logged_not_raised() -> None:
    def spawn(argv: list[str]) -> Any:
        raise OSError("no python")

    open_first_start_welcome(spawn)
