"""The harness itself: every part is up and the helpers see what happens on the desktop."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from desktop import DesktopError, DesktopSession


def test_desktop_environment_points_at_private_display_and_buses(desktop: DesktopSession) -> None:
    assert os.environ["DISPLAY"] == desktop.env["DISPLAY"]
    assert desktop.env["DBUS_SESSION_BUS_ADDRESS"] != desktop.env["DBUS_SYSTEM_BUS_ADDRESS"]
    assert os.environ["NO_AT_BRIDGE"] == "1"
    runtime = Path(desktop.env["XDG_RUNTIME_DIR"])
    assert runtime.stat().st_mode & 0o777 == 0o700
    assert desktop.bus_has_owner("org.freedesktop.Notifications")


def test_key_press_resets_idle_time_seen_by_xprintidle(desktop: DesktopSession) -> None:
    desktop.xdotool("key", "shift")
    assert desktop.idle_ms() < 500


def test_notify_send_is_recorded_with_its_expiry_and_server_id(desktop: DesktopSession) -> None:
    desktop.clear_notifications()
    subprocess.run(["notify-send", "-t", "2500", "harness-check", "body"],
                   env=desktop.full_env(), check=True, timeout=10)
    [note] = desktop.wait_for_notifications(1)
    assert (note.summary, note.body, note.expire_timeout_ms) == ("harness-check", "body", 2500)
    assert note.id is not None and note.id > 0


def test_screenshot_shows_what_is_on_the_screen(desktop: DesktopSession, tmp_path: Path) -> None:
    from PIL import Image

    message = desktop.spawn(["xmessage", "-geometry", "+100+100", "harness screenshot"],
                            name="xmessage")
    desktop.wait_for_window("^xmessage$")
    shot = desktop.screenshot(tmp_path / "screen.png")
    desktop.stop_process(message)
    with Image.open(shot) as image:
        assert image.size == (1280, 800)
        # Not a blank frame: the tray panel and the message window are drawn.
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 20) or []) > 2


def test_missing_binary_fails_naming_the_debian_package(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(DesktopError, match=r"`Xvfb`.*apt-get install xvfb"):
        DesktopSession().start()
