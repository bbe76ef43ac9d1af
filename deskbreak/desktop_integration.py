"""Per-user installation on the desktop: menu launcher, icons, AppStream metadata, an optional
systemd user unit, and the uninstall that removes exactly what was installed.

Linux (freedesktop.org): `$XDG_DATA_HOME/applications/io.github.deskbreak.desktop`, the icon
in the hicolor theme (`icons/hicolor/scalable/apps/deskbreak.svg` and PNGs from 16 to 256 px,
drawn by `deskbreak.ui.icon`), `metainfo/io.github.deskbreak.metainfo.xml`, and with
`systemd=True` `$XDG_CONFIG_HOME/systemd/user/deskbreak.service` instead of the XDG autostart
entry. macOS and Windows: only the autostart entry (`deskbreak.autostart`).

Every file written is listed in a manifest (`<data>/deskbreak/installed-files.txt`), and
`uninstall` removes those files, the autostart entry and the manifest. The compliance log, the
installed programme and the service's state stay unless `purge=True`; the result says where.

`DESKBREAK_HOME`, when set, moves the XDG folders below it (as it does for autostart), so tests
and portable installs never touch the real desktop. Threading: plain blocking file calls.
"""

from __future__ import annotations

import html
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deskbreak import autostart
from deskbreak.autostart import AutostartError, desktop_exec_quote
from deskbreak.errors import DeskbreakError

log = logging.getLogger(__name__)

APP_ID = "io.github.deskbreak"
ICON_NAME = "deskbreak"
UNIT_NAME = "deskbreak.service"
MANIFEST_NAME = "installed-files.txt"
#: PNG sizes for the hicolor theme (48 is the one every desktop needs; 256 for software centres).
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)
HOMEPAGE = "https://github.com/deskbreak/deskbreak"
SUMMARY = "Neck exercises and movement breaks from your real sitting time"


# --------------------------------------------------------------------------------------------
# Where


@dataclass(frozen=True)
class Places:
    """The XDG base folders files go into."""

    data_home: Path  # ~/.local/share
    config_home: Path  # ~/.config

    @property
    def manifest(self) -> Path:
        return self.data_home / "deskbreak" / MANIFEST_NAME

    @property
    def unit(self) -> Path:
        return self.config_home / "systemd" / "user" / UNIT_NAME

    @property
    def launcher(self) -> Path:
        return self.data_home / "applications" / f"{APP_ID}.desktop"

    @property
    def metainfo(self) -> Path:
        return self.data_home / "metainfo" / f"{APP_ID}.metainfo.xml"

    def icon(self, size: int | None) -> Path:
        """The PNG of `size` pixels, or the SVG for None."""
        folder = "scalable" if size is None else f"{size}x{size}"
        suffix = "svg" if size is None else "png"
        return self.data_home / "icons" / "hicolor" / folder / "apps" / f"{ICON_NAME}.{suffix}"


def _xdg(variable: str, fallback: str) -> Path:
    value = os.environ.get(variable) or ""
    # The XDG spec: a relative path in these variables is invalid and must be ignored.
    return Path(value) if os.path.isabs(value) else Path.home() / fallback


def default_places() -> Places:
    """The XDG folders of this user, or below DESKBREAK_HOME when it is set."""
    home = os.environ.get("DESKBREAK_HOME")
    if home:
        root = Path(home).expanduser()
        return Places(root / "share", root / "xdg-config")
    return Places(_xdg("XDG_DATA_HOME", ".local/share"), _xdg("XDG_CONFIG_HOME", ".config"))


# --------------------------------------------------------------------------------------------
# What: the file contents, as pure functions


def launcher_entry(command: Sequence[str]) -> str:
    """The menu launcher (Desktop Entry Specification 1.4: what desktop-file-validate in
    Debian 12 knows; 1.5 added nothing deskbreak needs)."""
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.4",
        "Name=deskbreak",
        "GenericName=Desk-break reminder",
        f"Comment={SUMMARY}",
        f"Exec={desktop_exec_quote(command)}",
        f"Icon={ICON_NAME}",
        "Terminal=false",
        "Categories=Utility;",
        "Keywords=neck;posture;break;sitting;exercise;physiotherapy;",
        "StartupNotify=false",
        "",
    ])


def metainfo_xml(version: str) -> str:
    """AppStream metadata: what software centres show (appstreamcli validate passes)."""
    e = html.escape
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<component type="desktop-application">
  <id>{APP_ID}</id>
  <metadata_license>CC0-1.0</metadata_license>
  <project_license>MIT</project_license>
  <name>deskbreak</name>
  <summary>{e(SUMMARY)}</summary>
  <developer id="io.github.deskbreak">
    <name>deskbreak maintainers</name>
  </developer>
  <description>
    <p>
      deskbreak measures how long you have really been sitting, from the keyboard and mouse
      idle time, and at the right moments prompts the neck exercises and movement breaks your
      physiotherapist prescribed in a programme file.
    </p>
    <p>
      Every prompt and your answer go into a private log on your computer, which you and your
      physiotherapist review together as a report with charts.
    </p>
  </description>
  <launchable type="desktop-id">{APP_ID}.desktop</launchable>
  <icon type="stock">{ICON_NAME}</icon>
  <url type="homepage">{HOMEPAGE}</url>
  <url type="bugtracker">{HOMEPAGE}/issues</url>
  <categories>
    <category>Utility</category>
  </categories>
  <keywords>
    <keyword>neck</keyword>
    <keyword>posture</keyword>
    <keyword>break</keyword>
    <keyword>physiotherapy</keyword>
  </keywords>
  <content_rating type="oars-1.1"/>
  <provides>
    <binary>deskbreak</binary>
  </provides>
  <releases>
    <release version="{e(version)}" date="2026-12-02"/>
  </releases>
</component>
"""


def systemd_quote(argv: Sequence[str]) -> str:
    """`argv` as an ExecStart= value: each word in double quotes with \\ and " escaped, % and
    $ doubled (systemd expands specifiers and variables in ExecStart)."""
    words = []
    for arg in argv:
        arg = arg.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
        words.append('"' + arg.replace("$", "$$") + '"')
    return " ".join(words)


def systemd_unit(command: Sequence[str]) -> str:
    """A user unit that runs the service while the graphical session runs and restarts it
    after a crash."""
    return "\n".join([
        "[Unit]",
        f"Description=deskbreak: {SUMMARY.lower()}",
        f"Documentation={HOMEPAGE}#readme",
        # Started with the graphical session and stopped with it: the tray needs a desktop.
        "BindsTo=graphical-session.target",
        "After=graphical-session.target",
        # A crash loop stops after 5 tries in 5 minutes instead of spinning all day.
        "StartLimitIntervalSec=300",
        "StartLimitBurst=5",
        "",
        "[Service]",
        "Type=simple",
        f"ExecStart={systemd_quote(command)}",
        "Restart=on-failure",
        "RestartSec=10",
        "",
        "[Install]",
        "WantedBy=graphical-session.target",
        "",
    ])


#: The size at which icon_svg traces the tray icon's drawing.
TRACE_SIZE = 256


def icon_svg() -> str:
    """The scalable icon: the tray's ring (deskbreak.ui.icon) half filled, traced from that
    drawing, so the two cannot drift apart. A test renders both and compares them.

    The tray icon is rings around a centre: read along the horizontal line through the centre,
    the right half crosses the filled arc and the left half the empty track, each as runs of one
    colour. Each run becomes a ring (left) or a half ring (right), a run from the centre a dot.
    """
    from deskbreak.ui.icon import icon_image

    size = TRACE_SIZE
    image = icon_image(1800, limit_seconds=3600, size=size).convert("RGBA")
    scale = 64 / size
    rings: list[str] = []
    arcs: list[str] = []
    dots: list[str] = []
    for side, runs in (("left", _radial_runs(image, -1)), ("right", _radial_runs(image, 1))):
        for start, end, colour in runs:
            inner, outer = start * scale, end * scale
            if start < 1:  # from the centre: a dot (seen on both sides; drawn once)
                if side == "left":
                    dots.append(f'  <circle cx="32" cy="32" r="{outer:.2f}" fill="{colour}"/>')
                continue
            middle, width = (inner + outer) / 2, outer - inner
            stroke = f'fill="none" stroke="{colour}" stroke-width="{width:.2f}"'
            if side == "left":
                rings.append(f'  <circle cx="32" cy="32" r="{middle:.2f}" {stroke}/>')
            else:
                arcs.append(f'  <path d="M32 {32 - middle:.2f} A{middle:.2f} {middle:.2f} 0 0 1 '
                            f'32 {32 + middle:.2f}" {stroke}/>')
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">\n'
            "  <title>deskbreak</title>\n" + "".join(f"{e}\n" for e in rings + arcs + dots)
            + "</svg>\n")


def _radial_runs(image: Any, direction: int) -> list[tuple[float, float, str]]:
    """(inner radius, outer radius, colour) of the opaque runs from the centre outwards, along
    the pixel row through the centre, to the right (1) or left (-1)."""
    size = image.width
    centre = size / 2
    row = size // 2
    columns = range(size // 2, size) if direction > 0 else range(size // 2 - 1, -1, -1)
    runs: list[tuple[float, float, str]] = []
    current: list[tuple[float, tuple[int, ...]]] = []
    for x in [*columns, None]:
        pixel = image.getpixel((x, row)) if x is not None else (0, 0, 0, 0)
        if x is not None and pixel[3] >= 128:
            current.append((abs(x + 0.5 - centre), pixel))
            continue
        if current:
            middle = current[len(current) // 2][1]
            runs.append((max(0.0, current[0][0] - 0.5), current[-1][0] + 0.5, _hex(middle)))
            current = []
    return runs


def _hex(colour: Sequence[int]) -> str:
    return "#" + "".join(f"{c:02x}" for c in colour[:3])


def icon_png(size: int) -> bytes:
    """The tray icon drawn at `size` pixels (half a bout: green), as PNG bytes."""
    import io

    from deskbreak.ui.icon import icon_image

    buffer = io.BytesIO()
    icon_image(1800, limit_seconds=3600, size=size).save(buffer, format="PNG")
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Install and uninstall


@dataclass
class Result:
    """What install or uninstall did, for the installer to print."""

    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


Runner = Callable[[Sequence[str]], int]


def _run(argv: Sequence[str]) -> int:
    """Run a helper program quietly; its exit code, or 127 if it is not installed."""
    if shutil.which(argv[0]) is None:
        return 127
    try:
        return subprocess.run(list(argv), capture_output=True, timeout=30, check=False).returncode
    except (OSError, subprocess.TimeoutExpired):
        return 1


def _write(path: Path, data: bytes, result: Result) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    result.written.append(path)


def install(command: Sequence[str] | None = None, *, systemd: bool = False,
            places: Places | None = None, platform: str | None = None,
            version: str | None = None, run: Runner = _run) -> Result:
    """Install the launcher, icons and metadata (Linux) and start at login: through the XDG
    autostart entry, or with `systemd` through an enabled user unit. Idempotent."""
    from deskbreak import __version__

    command = list(command or autostart.default_command(platform))
    platform = platform or sys.platform
    places = places or default_places()
    result = Result()
    if platform.startswith("win") or platform == "darwin":
        result.notes.append(f"starts at login: {autostart.enable(command, platform=platform)}")
        return result
    files: list[tuple[Path, bytes]] = [
        (places.launcher, launcher_entry(command).encode()),
        (places.metainfo, metainfo_xml(version or __version__).encode()),
        (places.icon(None), icon_svg().encode()),
        *((places.icon(size), icon_png(size)) for size in PNG_SIZES),
    ]
    if systemd:
        files.append((places.unit, systemd_unit(command).encode()))
    try:
        for path, data in files:
            _write(path, data, result)
    except OSError as error:
        raise AutostartError(f"cannot install the desktop files: {error}") from error
    # No update-desktop-database or gtk-update-icon-cache: their cache files would be left
    # behind by uninstall (others' files share them), and desktops notice new files in the
    # user's folders without them.
    _write(places.manifest, "".join(f"{p}\n" for p in result.written).encode(), result)
    if systemd:
        # One way to start at login, not two: the unit replaces the XDG autostart entry.
        autostart.disable(platform=platform)
        if run(["systemctl", "--user", "daemon-reload"]) == 0 and \
                run(["systemctl", "--user", "enable", UNIT_NAME]) == 0:
            result.notes.append(f"starts with your graphical session: {places.unit}")
        else:
            result.notes.append(f"wrote {places.unit}; enable it with: "
                                f"systemctl --user enable --now {UNIT_NAME}")
    else:
        result.notes.append(f"starts at login: {autostart.enable(command, platform=platform)}")
    return result


def uninstall(*, purge: bool = False, places: Places | None = None,
              platform: str | None = None, run: Runner = _run) -> Result:
    """Remove every file `install` wrote and the autostart entry. The compliance log, the
    installed programme and the service state are kept (and listed in `kept`) unless
    `purge`."""
    from deskbreak.paths import user_paths

    platform = platform or sys.platform
    places = places or default_places()
    result = Result()
    if autostart.disable(platform=platform):
        result.removed.append(Path("autostart entry"))
    if places.unit.exists():
        run(["systemctl", "--user", "disable", "--now", UNIT_NAME])
    listed: list[Path] = []
    try:
        listed = [Path(line) for line in places.manifest.read_text().splitlines() if line]
    except FileNotFoundError:
        pass
    # The well-known names too, for an install whose manifest was lost.
    known = [places.launcher, places.metainfo, places.unit, places.icon(None),
             *(places.icon(size) for size in PNG_SIZES), places.manifest]
    for path in dict.fromkeys([*listed, *known]):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as error:
            raise AutostartError(f"cannot remove {path}: {error}") from error
        result.removed.append(path)
        _remove_empty_parents(path.parent, stop_at=(places.data_home, places.config_home))
    if any(p == places.unit for p in result.removed):
        run(["systemctl", "--user", "daemon-reload"])
    paths = user_paths()
    data = [paths.data, paths.config, paths.state]
    if purge:
        for folder in data:
            if folder.exists():
                shutil.rmtree(folder)
                result.removed.append(folder)
                _remove_empty_parents(folder.parent, stop_at=(places.data_home,
                                                              places.config_home))
    else:
        result.kept = [folder for folder in data if folder.exists()]
    return result


def _remove_empty_parents(folder: Path, stop_at: Sequence[Path]) -> None:
    """Remove `folder` and its parents while empty, never `stop_at` or anything above them."""
    while folder not in stop_at and any(stop in folder.parents for stop in stop_at):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


# --------------------------------------------------------------------------------------------
# Checks for `doctor`


def tk_reading() -> tuple[bool, str]:
    """Whether Tk (the prompt and guided-break windows) works here, and what to do if not.
    pip cannot install Tk: it comes with the system's Python."""
    try:
        import tkinter
    except ImportError:
        hint = ("install your system's Tk for Python (Debian/Ubuntu: sudo apt install "
                "python3-tk; Fedora: sudo dnf install python3-tkinter), then recreate the "
                "virtual environment")
        return False, f"tkinter cannot be imported; {hint}"
    return True, f"Tk {tkinter.TkVersion}"


def write_packaging_files(folder: Path) -> list[Path]:
    """The launcher, metainfo and SVG icon for distribution packages (Exec= finds deskbreak on
    PATH), as kept in installers/linux."""
    from deskbreak import __version__

    launcher = ("# The menu launcher, for distribution packages (Exec= finds deskbreak on PATH).\n"
                "# `deskbreak autostart install` writes this with the absolute path of its "
                "Python instead.\n"
                "# Generated by `python -m deskbreak.desktop_integration installers/linux`; a "
                "test keeps them in step.\n" + launcher_entry(["deskbreak", "run"]))
    files = {f"{APP_ID}.desktop": launcher, f"{APP_ID}.metainfo.xml": metainfo_xml(__version__),
             f"{ICON_NAME}.svg": icon_svg()}
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in files]


# --------------------------------------------------------------------------------------------
# `python -m deskbreak.autostart` and `deskbreak autostart`: the one command for both.


USAGE = ("usage: python -m deskbreak.autostart enable|disable|status\n"
         "       python -m deskbreak.autostart install [--systemd] | uninstall [--purge]")


def autostart_command(argv: Sequence[str]) -> int:
    """Run `enable`, `disable`, `status`, `install [--systemd]` or `uninstall [--purge]`;
    returns the exit status (2 for a usage error)."""
    action, options = (argv[0], set(argv[1:])) if argv else ("", set())
    allowed = {"install": {"--systemd"}, "uninstall": {"--purge"}}
    if action not in ("enable", "disable", "status", *allowed) or \
            not options <= allowed.get(action, set()):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        if action == "enable":
            print(f"deskbreak will start at login ({autostart.enable(autostart.default_command())})")
        elif action == "disable":
            print("autostart removed" if autostart.disable() else "autostart was not enabled")
        elif action == "status":
            autostart.report_status(input if sys.stdin.isatty() else None)
        elif action == "install":
            result = install(systemd="--systemd" in options)
            for path in result.written:
                print(f"installed {path}")
            for note in result.notes:
                print(note)
        else:
            removed = uninstall(purge="--purge" in options)
            for path in removed.removed:
                print(f"removed {path}")
            if removed.kept:
                print("Kept your data (remove it with --purge, or by hand):")
                for folder in removed.kept:
                    print(f"  {folder}")
    except DeskbreakError as error:
        print(f"deskbreak: {error}", file=sys.stderr)
        return error.exit_code
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: python -m deskbreak.desktop_integration FOLDER", file=sys.stderr)
        sys.exit(2)
    for written in write_packaging_files(Path(sys.argv[1])):
        print(f"wrote {written}")
