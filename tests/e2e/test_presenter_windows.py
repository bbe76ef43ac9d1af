"""The desktop presenter with real windows on the test desktop: the prompt's window and the
windows that come beside it (screening questions, the headache diary) are kept apart."""

from __future__ import annotations

import time
from typing import Any

from test_presenters import Inbox, card

from deskbreak.presenters import DesktopPresenter
from deskbreak.ui.screening_window import TITLE as SCREENING_TITLE


def _wait(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_a_screening_window_beside_the_prompt_never_makes_break_now_open_a_second_prompt(
        desktop: Any) -> None:
    presenter = DesktopPresenter(Inbox(), None, windows=True)  # type: ignore[arg-type]
    try:
        presenter.show_prompt(card())
        desktop.wait_for_window("^deskbreak: neck mobility$", timeout=20)
        presenter.ask_screening("neck rating 8 of 10")
        desktop.wait_for_window(f"^{SCREENING_TITLE}$", timeout=20)
        _wait(lambda: len(presenter._other_windows) == 1, 5, "the screening window")
        # The prompt's window is still the one on screen: break-now has nothing to reopen.
        assert presenter.reopen(7) is False
        assert presenter._window is not None and presenter._window.poll() is None
        # The prompt answered: its window goes, the screening questions stay.
        presenter.dismiss(7)
        _wait(lambda: presenter._window is None or presenter._window.poll() is not None, 10,
              "the prompt window to end")
        screening = presenter._other_windows[0]
        assert screening.poll() is None
    finally:
        presenter.close()
    _wait(lambda: screening.poll() is not None, 10, "the screening window to end at close")
