"""The tray menu's "When to get help": the built-in safety card in a small window that fits the
screen, shows every section's heading, and closes with Escape."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from deskbreak.adapters.tray import local
from deskbreak.core.safety import SAFETY_CARD
from deskbreak.ui import safety_window

from .test_welcome_window import assert_on_screen_and_save_for_docs

REPO = Path(__file__).resolve().parents[2]


def _labels(parent: Any) -> Iterator[Any]:
    for child in parent.winfo_children():
        if child.winfo_class() == "Label":
            yield child
        yield from _labels(child)


def test_when_to_get_help_opens_the_safety_card_with_its_headings(
        desktop: Any, tmp_path: Path) -> None:
    # What the tray does for "When to get help" (os.environ points at the test desktop).
    process = local.run_local(local.SAFETY)
    assert process is not None
    try:
        window = desktop.wait_for_window("^When to get help$", timeout=15)
        time.sleep(0.3)
        assert_on_screen_and_save_for_docs(desktop, window, tmp_path / "safety-raw.png",
                                           "safety-window.png")
        desktop.xdotool("windowactivate", "--sync", str(window), "key", "Escape")
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_safety_window_module_refuses_arguments() -> None:
    result = subprocess.run([sys.executable, "-m", "deskbreak.ui.safety_window", "--nope"],
                            capture_output=True, text=True, timeout=30, cwd=REPO)
    assert result.returncode == 2 and "usage" in result.stderr


def check_on_screen() -> None:
    """Build the window and check what it shows (run in a process of its own: a Tk in the test
    process would keep X connections that other tests' displays close under it)."""
    root = safety_window.build()
    try:
        root.update()
        deadline = time.monotonic() + 10
        while not root.winfo_viewable():
            assert time.monotonic() < deadline, "the window never appeared"
            root.update()
            time.sleep(0.05)
        shown = {label.cget("text"): label for label in _labels(root)}
        wanted = [SAFETY_CARD.title, SAFETY_CARD.not_a_diagnosis] + [
            text for section in SAFETY_CARD.sections
            for text in (section.heading, section.action)]
        signs = [sign for section in SAFETY_CARD.sections for sign in section.signs]
        # Every part of the card, the emergency signs too, is inside the window without
        # scrolling on this 1280x800 screen.
        bottom = root.winfo_rooty() + root.winfo_height()
        for text in wanted + signs:
            assert text in shown, text
            label = shown[text]
            assert label.winfo_viewable(), text
            assert label.winfo_rooty() + label.winfo_height() <= bottom, text
        # Nothing falls off the window's right edge: the text wraps inside it.
        for label in shown.values():
            assert label.winfo_rootx() + label.winfo_width() <= (
                root.winfo_rootx() + root.winfo_width()), label.cget("text")
    finally:
        root.destroy()


def test_the_safety_window_shows_every_heading_and_sign_of_the_card_on_screen(
        desktop: Any) -> None:
    script = ("import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]; "
              "from e2e.test_safety_window import check_on_screen; check_on_screen(); "
              "print('checked')")
    result = subprocess.run([sys.executable, "-c", script, str(REPO / "tests"), str(REPO)],
                            capture_output=True, text=True, timeout=60, cwd=REPO,
                            env=desktop.full_env())
    assert result.returncode == 0 and "checked" in result.stdout, result.stderr[-2000:]
