"""Issue 8 point 9 ("the first start shows only a small grey blob"): a one-time welcome window
that explains itself, and the same text later as "About deskbreak"; both follow the theme."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from PIL import Image

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"


def open_welcome(desktop: Any, home: Path, *args: str, theme: str = "light"
                 ) -> subprocess.Popen[str]:
    # A fresh account: HOME is the test's folder, so the paths shown are the real defaults.
    env = desktop.full_env({"HOME": str(home), "DESKBREAK_THEME": theme})
    for variable in ("DESKBREAK_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        env.pop(variable, None)
    return subprocess.Popen([sys.executable, "-m", "deskbreak.ui.welcome_window", *args],
                            env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def assert_on_screen_and_save_for_docs(desktop: Any, window: int, raw: Path,
                                       name: str) -> None:
    """The window wholly on the 1280x800 screen; its screenshot kept under docs/ for the
    README as a small palette PNG (text on flat colours needs few)."""
    box = desktop.geometry(window)
    assert box["X"] >= 0 and box["Y"] >= 0
    assert box["X"] + box["WIDTH"] <= 1280 and box["Y"] + box["HEIGHT"] <= 800
    desktop.run(["import", "-window", str(window), str(raw)], timeout=20)
    print(f"screenshot: {raw}")
    small = Image.open(raw).convert("RGB").quantize(
        colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    small.save(DOCS / name, optimize=True)


def test_first_start_shows_the_welcome_once_and_about_shows_it_again(
        desktop: Any, tmp_path: Path) -> None:
    first = open_welcome(desktop, tmp_path, "--first-start")
    try:
        window = desktop.wait_for_window("^Welcome to deskbreak$", timeout=15)
        time.sleep(0.3)
        assert_on_screen_and_save_for_docs(desktop, window, tmp_path / "welcome-raw.png",
                                           "welcome.png")
        desktop.xdotool("windowactivate", "--sync", str(window), "key", "Return")
        assert first.wait(timeout=10) == 0
    finally:
        if first.poll() is None:
            desktop.stop_process(first)
    # A second first start shows nothing and ends at once.
    again = open_welcome(desktop, tmp_path, "--first-start")
    assert again.wait(timeout=15) == 0
    # "About deskbreak" shows it whenever asked.
    about = open_welcome(desktop, tmp_path)
    try:
        window = desktop.wait_for_window("^About deskbreak$", timeout=15)
        desktop.xdotool("windowactivate", "--sync", str(window), "key", "Escape")
        assert about.wait(timeout=10) == 0
    finally:
        if about.poll() is None:
            desktop.stop_process(about)


def test_the_welcome_follows_a_dark_preference(desktop: Any, tmp_path: Path) -> None:
    about = open_welcome(desktop, tmp_path, theme="dark")
    try:
        window = desktop.wait_for_window("^About deskbreak$", timeout=15)
        time.sleep(0.3)
        shot = tmp_path / "dark.png"
        desktop.run(["import", "-window", str(window), str(shot)], timeout=20)
        corner = Image.open(shot).convert("L").getpixel((4, 4))
        assert corner < 60, f"the background is not dark: {corner}"
        desktop.xdotool("windowactivate", "--sync", str(window), "key", "Escape")
        assert about.wait(timeout=10) == 0
    finally:
        if about.poll() is None:
            desktop.stop_process(about)
