"""Windows follow the desktop's light or dark preference, read over the XDG portal."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from PIL import Image

from deskbreak.ui import theme

from .fake_dbus import FakeDBusService

REPO = Path(__file__).resolve().parents[2]
SHOTS = Path("/tmp/deskbreak-ui-screenshots")
SETTINGS = ("org.freedesktop.portal.Settings", "ReadOne")
REQUEST = {"prompt": 1, "break": "neck mobility", "kind": "micro",
           "exercises": [{"id": "chin-tuck", "title": "Chin tucks", "reps": 2}]}


def portal(desktop: Any, scheme: int) -> FakeDBusService:
    service = FakeDBusService(desktop.env["DBUS_SESSION_BUS_ADDRESS"],
                              "org.freedesktop.portal.Desktop")
    service.methods[SETTINGS] = lambda body: ("v", (("u", scheme),))
    return service


def corner_brightness(desktop: Any, window: int, path: Path) -> int:
    desktop.run(["import", "-window", str(window), str(path)], timeout=20)
    return int(Image.open(path).convert("L").getpixel((3, 3)))


def test_the_portal_preference_is_read_over_dbus(desktop: Any) -> None:
    with portal(desktop, 1) as service:
        assert theme.read_portal_color_scheme() == 1
        assert theme.current_palette({}) is theme.DARK
        assert service.calls[0][3] == ("org.freedesktop.appearance", "color-scheme")
    # No portal on the bus: no preference, light.
    assert theme.read_portal_color_scheme() is None
    assert theme.current_palette({}) is theme.LIGHT


def test_the_prompt_window_turns_dark_when_the_desktop_prefers_dark(
        desktop: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.delenv("DESKBREAK_THEME", raising=False)
    for scheme, dark in ((1, True), (2, False)):
        with portal(desktop, scheme):
            proc = subprocess.Popen(
                [sys.executable, "-m", "deskbreak.ui.prompt_window"], cwd=REPO,
                env=desktop.full_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True)
            try:
                proc.stdin.write(json.dumps(REQUEST))
                proc.stdin.close()
                window = desktop.wait_for_window("^deskbreak: neck mobility$", timeout=15)
                time.sleep(0.3)
                shot = tmp_path / f"prompt-{scheme}.png"
                brightness = corner_brightness(desktop, window, shot)
                assert (brightness < 60) is dark, (scheme, brightness)
                if dark:
                    SHOTS.mkdir(exist_ok=True)
                    shutil.copy(shot, SHOTS / "prompt-dark.png")
            finally:
                proc.terminate()
                proc.wait(timeout=10)
