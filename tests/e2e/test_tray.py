"""The tray icon in a real XEmbed tray (trayer): it docks, its menu opens, a choice arrives.

xorg backend: the plain-pip pystray backend, made clickable by deskbreak (our own menu window).
gi backend: pystray's appindicator/gtk backend, run with Debian's python3.11 from a venv made
with --system-site-packages (the only interpreter here that can import `gi`).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from desktop import DesktopError

REPO = Path(__file__).resolve().parents[2]
APP = Path(__file__).with_name("tray_app.py")
DEBIAN_PYTHON = "/usr/bin/python3.11"
TOOLTIP = "^Sitting 42 min, neck mobility in 8 min$"


class TrayProcess:
    """The tray app with its stdout read line by line on a thread."""

    def __init__(self, desktop: Any, python: str, backend: str | None) -> None:
        self.desktop = desktop
        argv = [python, str(APP)] + ([backend] if backend else [])
        # The app imports deskbreak from this checkout (spawn passes os.environ on).
        os.environ["PYTHONPATH"] = str(REPO)
        try:
            self.proc = desktop.spawn(argv, name="tray_app", stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True, cwd=REPO)
        finally:
            del os.environ["PYTHONPATH"]
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.strip())

    def expect(self, prefix: str, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                err = "" if self.proc.poll() is None else self.proc.stderr.read()
                raise AssertionError(f"tray app never printed {prefix!r}; stderr: {err}") \
                    from None
            if line.startswith(prefix):
                return line

    def send(self, line: str) -> None:
        """One line to the app: a JSON object of TrayView fields, "visibility" or "docks"."""
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def update(self, **fields: Any) -> None:
        """Show a view with `fields` changed and wait until the app has handed it over."""
        self.send(json.dumps(fields))
        self.expect("UPDATED")

    def visibility(self) -> str:
        self.send("visibility")
        return self.expect("VISIBILITY").split(" ", 1)[1]

    def stop(self) -> None:
        self.desktop.stop_process(self.proc)


def icon_window(desktop: Any) -> int:
    """The icon's window, docked in trayer: named after the tooltip, inside the panel."""
    window = desktop.wait_for_window(TOOLTIP, timeout=10)
    panel = desktop.wait_for_window("^panel$", by="classname")
    tree = desktop.run(["xwininfo", "-tree", "-id", str(panel)]).stdout
    assert hex(window) in tree, f"icon window {hex(window)} is not inside trayer:\n{tree}"
    return window


def open_xorg_menu(desktop: Any, icon: int, button: str = "1") -> int:
    """Click the icon until our menu window shows (a first click can arrive before the tray
    host has finished embedding the icon); returns the menu window."""
    for _attempt in range(3):
        desktop.xdotool("mousemove", "--window", str(icon), "10", "10", "click", button)
        try:
            return int(desktop.wait_for_window("^deskbreak: menu$", timeout=2.0))
        except DesktopError:
            continue
    return int(desktop.wait_for_window("^deskbreak: menu$", timeout=2.0))


def test_xorg_icon_docks_and_its_click_opens_our_menu_which_sends_pause(desktop: Any) -> None:
    app = TrayProcess(desktop, sys.executable, "xorg")
    try:
        assert app.expect("READY") == "READY xorg"
        icon = icon_window(desktop)
        menu = open_xorg_menu(desktop, icon)
        shot = Path("/tmp/deskbreak-ui-screenshots")
        shot.mkdir(exist_ok=True)
        desktop.run(["import", "-window", str(menu), str(shot / "tray-menu-xorg.png")],
                    timeout=20)
        # Items are ~27 px high: status, separator, 3 items, separator, then Pause 30 min.
        desktop.xdotool("mousemove", "--window", str(menu), "60", "145", "click", "1")
        assert app.expect("COMMAND") == "COMMAND pause 30m"
        # A click outside an open menu closes it without a command.
        desktop.xdotool("mousemove", "--window", str(icon), "10", "10", "click", "3")
        desktop.wait_for_window("^deskbreak: menu$")
        time.sleep(0.3)  # the menu grabs the pointer as it maps; let that happen first
        desktop.xdotool("mousemove", "400", "500", "click", "1")
        deadline = time.monotonic() + 5
        while desktop.run(["xdotool", "search", "--onlyvisible", "--name",
                           "^deskbreak: menu$"], check=False).stdout.strip():
            assert time.monotonic() < deadline, "the menu did not close on an outside click"
            time.sleep(0.05)
        assert app.lines.empty()
    finally:
        app.stop()


@pytest.fixture(scope="session")
def gi_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Debian's python3.11 in a venv that sees python3-gi, with deskbreak and pystray."""
    if not os.path.exists(DEBIAN_PYTHON):
        pytest.fail(f"{DEBIAN_PYTHON} is missing: apt-get install python3 python3-gi "
                    "gir1.2-ayatanaappindicator3-0.1", pytrace=False)
    venv = tmp_path_factory.mktemp("gi-venv") / "venv"
    steps = [
        [DEBIAN_PYTHON, "-m", "venv", "--system-site-packages", str(venv)],
        [str(venv / "bin/pip"), "install", "-q", "--no-deps", "-e", str(REPO)],
        [str(venv / "bin/pip"), "install", "-q", "pystray", "pillow", "python-xlib"],
        # pystray itself needs a display to import: only check that it is there.
        [str(venv / "bin/python"), "-c",
         "import gi, PIL, Xlib, importlib.util; assert importlib.util.find_spec('pystray')"],
    ]
    for step in steps:
        result = subprocess.run(step, capture_output=True, text=True, timeout=300,
                                env={**os.environ, "DISPLAY": ""})
        if result.returncode != 0:
            pytest.fail(f"could not build the gi venv: {' '.join(step)} failed:\n"
                        f"{result.stdout}\n{result.stderr}", pytrace=False)
    return str(venv / "bin/python")


def find_popup_menu(desktop: Any, pid: int, timeout: float = 5) -> int:
    """The GTK popup menu: a visible window of the app wider than 20 px, not the icon."""
    deadline = time.monotonic() + timeout
    while True:
        found = desktop.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid)],
                            check=False).stdout.split()
        for window in found:
            box = desktop.geometry(window)
            if box["WIDTH"] > 100 and box["HEIGHT"] > 100:
                return int(window)
        if time.monotonic() > deadline:
            raise AssertionError("no popup menu appeared")
        time.sleep(0.05)


def test_gi_backend_icon_docks_and_its_menu_sends_pause(desktop: Any, gi_python: str) -> None:
    app = TrayProcess(desktop, gi_python, None)
    try:
        backend = app.expect("READY").split()[1]
        assert backend in ("appindicator", "gtk")
        icon = icon_window(desktop)
        menu = None
        for _attempt in range(3):  # the first right-click can beat the embedding
            desktop.xdotool("mousemove", "--window", str(icon), "12", "12", "click", "3")
            try:
                menu = find_popup_menu(desktop, app.proc.pid, timeout=2)
                break
            except AssertionError:
                continue
        assert menu is not None, "right-clicking the icon never opened a menu"
        time.sleep(0.2)  # let GTK finish laying the menu out
        # GTK menu rows are ~25 px: status, sep, 3 items, sep, Pause 30 min at about y=118.
        desktop.xdotool("mousemove", "--window", str(menu), "60", "118", "click", "1")
        assert app.expect("COMMAND") == "COMMAND pause 30m"
    finally:
        app.stop()


def test_quit_from_the_menu_reaches_the_app_which_stops_the_tray(desktop: Any) -> None:
    app = TrayProcess(desktop, sys.executable, "xorg")
    try:
        app.expect("READY")
        icon = icon_window(desktop)
        menu = open_xorg_menu(desktop, icon)
        height = desktop.geometry(menu)["HEIGHT"]
        desktop.xdotool("mousemove", "--window", str(menu), "40", str(height - 12), "click",
                        "1")
        assert app.expect("COMMAND") == "COMMAND quit"
        assert app.expect("STOPPED") == "STOPPED"
        assert app.proc.wait(timeout=10) == 0
    finally:
        app.stop()


def window_shape(desktop: Any, window: int) -> tuple[int, int, str]:
    """(width, height, parent window) of an X window, from xwininfo."""
    info = desktop.run(["xwininfo", "-id", str(window)]).stdout
    width = int(info.split("Width:")[1].split()[0])
    height = int(info.split("Height:")[1].split()[0])
    tree = desktop.run(["xwininfo", "-tree", "-id", str(window)]).stdout
    parent = tree.split("Parent window id:")[1].split()[0]
    return width, height, parent


def test_xorg_icon_is_never_redocked_and_keeps_its_size_through_an_hour_of_updates(
        desktop: Any) -> None:
    app = TrayProcess(desktop, sys.executable, "xorg")
    try:
        app.expect("READY")
        icon = icon_window(desktop)
        before = window_shape(desktop, icon)
        assert before[:2] == (24, 30), f"the docked icon is {before[0]}x{before[1]}"
        # An hour of sitting, a view a minute (the service's own pace), then a pause and back.
        for minute in range(61):
            app.update(sitting_seconds=minute * 60)
        app.update(paused=True, status_line="Paused until 14:30")
        app.update(paused=False, sitting_seconds=0, away=True)
        app.send("docks")
        # Docked once at start; upstream pystray asked again on every new image (18 here).
        assert app.expect("DOCKS") == "DOCKS 1"
        after = window_shape(desktop, icon)
        assert after == before, f"the icon window changed from {before} to {after}"
    finally:
        app.stop()


def test_xorg_docked_icon_matches_the_drawing_at_the_size_the_tray_gave(desktop: Any) -> None:
    from PIL import Image

    from deskbreak.ui.icon import icon_image

    app = TrayProcess(desktop, sys.executable, "xorg")
    try:
        app.expect("READY")
        icon = icon_window(desktop)
        app.update(sitting_seconds=1500)
        shots = Path("/tmp/deskbreak-ui-screenshots")
        shots.mkdir(exist_ok=True)
        grabbed_path = shots / "tray-icon-xorg-docked.png"
        width, height, _parent = window_shape(desktop, icon)
        side = min(width, height)
        # The intended drawing at that size, on trayer's grey, centred like the window does.
        intended = Image.new("RGB", (width, height), (0xD6, 0xD6, 0xD6))
        drawing = icon_image(1500, limit_seconds=3600, size=side)
        intended.paste(drawing, ((width - side) // 2, (height - side) // 2), drawing)
        deadline = time.monotonic() + 5
        while True:
            desktop.run(["import", "-window", str(icon), str(grabbed_path)], timeout=20)
            grabbed = Image.open(grabbed_path).convert("RGB")
            assert grabbed.size == (width, height)
            data_a, data_b = grabbed.tobytes(), intended.tobytes()
            worst = max(abs(a - b) for a, b in zip(data_a, data_b))
            if worst <= 2 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        intended.save(shots / "tray-icon-xorg-intended.png")
        assert worst <= 2, f"the docked icon differs from the drawing by up to {worst}/255"
    finally:
        app.stop()


def test_xorg_icon_shows_its_tooltip_while_the_pointer_is_over_it(desktop: Any) -> None:
    app = TrayProcess(desktop, sys.executable, "xorg")
    try:
        app.expect("READY")
        icon = icon_window(desktop)
        desktop.xdotool("mousemove", "--window", str(icon), "12", "12")
        tip = desktop.wait_for_window("^deskbreak-tooltip$", by="classname")
        shots = Path("/tmp/deskbreak-ui-screenshots")
        shots.mkdir(exist_ok=True)
        desktop.screenshot(shots / "tray-tooltip-xorg-screen.png")
        desktop.run(["import", "-window", str(tip), str(shots / "tray-tooltip-xorg.png")],
                    timeout=20)
        from PIL import Image

        grabbed = Image.open(shots / "tray-tooltip-xorg.png").convert("RGB")
        # Wide enough for the text in the fixed font (6 px a character), on the pale yellow.
        assert grabbed.width >= 6 * len("Sitting 42 min, neck mobility in 8 min")
        assert grabbed.getpixel((1, 1)) == (0xFF, 0xFF, 0xE1)
        dark = sum(1 for v in grabbed.convert("L").tobytes() if v < 80)
        assert dark > 100, "the tooltip has no text drawn in it"
        desktop.xdotool("mousemove", "600", "500")
        deadline = time.monotonic() + 5
        while desktop.run(["xdotool", "search", "--onlyvisible", "--classname",
                           "^deskbreak-tooltip$"], check=False).stdout.strip():
            assert time.monotonic() < deadline, "the tooltip stayed after the pointer left"
            time.sleep(0.05)
    finally:
        app.stop()
