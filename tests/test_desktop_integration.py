"""Per-user desktop integration: the files pass the real freedesktop/AppStream/systemd
validators, uninstall removes exactly what install wrote, the data stays unless purged, and an
autostart entry whose Python is gone is noticed on Linux, macOS and Windows (OS calls replaced)."""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import pytest
from test_autostart import FakeWinreg

from deskbreak import autostart, desktop_integration
from deskbreak.desktop_integration import PNG_SIZES, Places
from deskbreak.paths import user_paths

COMMAND = [sys.executable, "-m", "deskbreak", "run"]


class Calls:
    """Stands in for the helper programs (systemctl): records them, answers `code`."""

    def __init__(self, code: int = 0) -> None:
        self.code = code
        self.argv: list[list[str]] = []

    def __call__(self, argv: Sequence[str]) -> int:
        self.argv.append(list(argv))
        return self.code


@pytest.fixture
def places(tmp_path: Path) -> Places:
    return Places(tmp_path / "share", tmp_path / "config")


def files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (see scripts/system-packages.txt)")
    return found


def test_the_menu_launcher_passes_desktop_file_validate(places: Places) -> None:
    desktop_integration.install(COMMAND, places=places, platform="linux", run=Calls())
    result = subprocess.run([tool("desktop-file-validate"), str(places.launcher)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.strip() == "", result.stdout
    keys = autostart._desktop_entry_keys(places.launcher.read_text())
    assert autostart.desktop_exec_split(keys["Exec"]) == COMMAND
    assert keys["Icon"] == desktop_integration.ICON_NAME


def test_the_metainfo_passes_appstreamcli_validate(places: Places) -> None:
    desktop_integration.install(COMMAND, places=places, platform="linux", run=Calls())
    result = subprocess.run([tool("appstreamcli"), "validate", "--no-net", "--explain",
                             str(places.metainfo)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower().replace("errors: 0", "")
    root = ET.parse(places.metainfo).getroot()
    assert root.findtext("launchable") == places.launcher.name


def test_the_systemd_unit_passes_systemd_analyze_verify(places: Places, tmp_path: Path) -> None:
    calls = Calls()
    desktop_integration.install(COMMAND, systemd=True, places=places, platform="linux",
                                run=calls)
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = dict(os.environ, HOME=str(tmp_path), XDG_RUNTIME_DIR=str(runtime),
               XDG_CONFIG_HOME=str(places.config_home))
    result = subprocess.run([tool("systemd-analyze"), "--user", "verify", str(places.unit)],
                            capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr
    unit = places.unit.read_text()
    assert "Restart=on-failure" in unit and "BindsTo=graphical-session.target" in unit
    assert "WantedBy=graphical-session.target" in unit
    # The unit replaces the XDG autostart entry: one way to start, not two.
    assert not autostart.is_enabled(platform="linux")
    assert ["systemctl", "--user", "enable", "deskbreak.service"] in calls.argv


def test_exec_start_quotes_spaces_percent_and_dollar_for_systemd() -> None:
    line = desktop_integration.systemd_quote(["/home/a b/py", "-c", "x%s $HOME \\ \""])
    assert line == '"/home/a b/py" "-c" "x%%s $$HOME \\\\ \\""'


def test_the_icon_set_has_every_hicolor_size_and_a_matching_svg(places: Places) -> None:
    from PIL import Image

    desktop_integration.install(COMMAND, places=places, platform="linux", run=Calls())
    for size in PNG_SIZES:
        path = places.icon(size)
        assert path.parent.parent.name == f"{size}x{size}"
        with Image.open(path) as image:
            assert image.size == (size, size) and image.mode == "RGBA"
            # Drawn, not blank: the ring's green and its transparent corners.
            assert image.getpixel((0, 0))[3] == 0
            assert image.getchannel("A").getextrema()[1] == 255
    svg = ET.parse(places.icon(None)).getroot()
    assert svg.get("viewBox") == "0 0 64 64"
    strokes = {e.get("stroke") for e in svg.iter() if e.get("stroke")}
    from deskbreak.ui.icon import GREEN, TRACK

    assert strokes == {desktop_integration._hex(TRACK), desktop_integration._hex(GREEN)}
    if shutil.which("gtk-update-icon-cache"):
        # The theme tool reads every file of the set without complaint.
        result = subprocess.run(["gtk-update-icon-cache", "--ignore-theme-index", "--force",
                                 str(places.data_home / "icons" / "hicolor")],
                                capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr


def test_uninstall_removes_what_install_wrote_and_keeps_the_data(
        places: Places, deskbreak_home: Path) -> None:
    paths = user_paths()
    paths.config.mkdir(parents=True)
    paths.installed_programme.write_text("deskbreak: 1\n")
    paths.data.mkdir(parents=True)
    paths.database.write_bytes(b"SQLite format 3\x00")
    before = files(places.data_home.parent)
    installed = desktop_integration.install(COMMAND, systemd=True, places=places,
                                            platform="linux", run=Calls())
    assert len(installed.written) == 3 + len(PNG_SIZES) + 2  # + the unit and the manifest
    calls = Calls()
    result = desktop_integration.uninstall(places=places, platform="linux", run=calls)
    assert files(places.data_home.parent) == before
    assert not (places.data_home / "icons").exists()  # the emptied folders went too
    assert set(result.kept) == {paths.config, paths.data}
    assert paths.database.exists() and paths.installed_programme.exists()
    assert ["systemctl", "--user", "disable", "--now", "deskbreak.service"] in calls.argv


def test_uninstall_with_purge_removes_the_data_too(places: Places, deskbreak_home: Path) -> None:
    paths = user_paths()
    paths.data.mkdir(parents=True)
    paths.database.write_bytes(b"SQLite format 3\x00")
    desktop_integration.install(COMMAND, places=places, platform="linux", run=Calls())
    result = desktop_integration.uninstall(purge=True, places=places, platform="linux",
                                           run=Calls())
    assert not paths.data.exists() and result.kept == []
    assert paths.data in result.removed
    assert files(places.data_home) == set()


def test_uninstall_without_a_manifest_still_finds_the_well_known_files(places: Places) -> None:
    desktop_integration.install(COMMAND, places=places, platform="linux", run=Calls())
    places.manifest.unlink()
    desktop_integration.uninstall(places=places, platform="linux", run=Calls())
    assert files(places.data_home) == set()


def test_install_on_macos_and_windows_only_sets_up_autostart(places: Places,
                                                             deskbreak_home: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    result = desktop_integration.install(["/Applications/py", "-m", "deskbreak", "run"],
                                         places=places, platform="darwin", run=Calls())
    assert result.written == [] and not places.data_home.exists()
    assert "LaunchAgents" in result.notes[0]
    registry = FakeWinreg()
    monkeypatch.setattr(autostart.WindowsRunKey, "registry", property(lambda self: registry))
    result = desktop_integration.install([r"C:\Users\a b\venv\Scripts\pythonw.exe", "-m",
                                          "deskbreak", "run"], places=places, platform="win32",
                                         run=Calls())
    assert result.written == [] and "CurrentVersion\\Run" in result.notes[0]


# --- an autostart entry whose interpreter is gone ------------------------------------------------


def test_linux_status_notices_an_entry_whose_python_was_uninstalled(tmp_path: Path) -> None:
    gone = tmp_path / "pipx" / "venvs" / "deskbreak" / "bin" / "python"
    autostart.enable([str(gone), "-m", "deskbreak", "run"], platform="linux", directory=tmp_path)
    line = autostart.status_line(platform="linux", directory=tmp_path)
    assert line.startswith("BROKEN") and str(gone) in line
    assert "deskbreak autostart enable" in line  # the fix
    autostart.enable(COMMAND, platform="linux", directory=tmp_path)
    assert autostart.status_line(platform="linux", directory=tmp_path) == "enabled"


def test_macos_status_notices_a_launch_agent_whose_python_is_gone(tmp_path: Path) -> None:
    autostart.enable(["/Users/a/.local/pipx/venvs/deskbreak/bin/python", "-m", "deskbreak",
                      "run"], platform="darwin", directory=tmp_path)
    with (tmp_path / "io.github.deskbreak.plist").open("rb") as handle:
        assert plistlib.load(handle)["ProgramArguments"][0].startswith("/Users/a/")
    line = autostart.status_line(platform="darwin", directory=tmp_path,
                                 exists=lambda path: False)
    assert line.startswith("BROKEN") and "/Users/a/.local/pipx" in line
    assert autostart.status_line(platform="darwin", directory=tmp_path,
                                 exists=lambda path: True) == "enabled"


def test_windows_status_notices_a_run_value_whose_pythonw_is_gone() -> None:
    registry = FakeWinreg()
    program = r"C:\Users\A B\pipx\venvs\deskbreak\Scripts\pythonw.exe"
    autostart.WindowsRunKey(registry).enable([program, "-m", "deskbreak", "run"])
    assert autostart.registered_command(platform="win32", registry=registry) == \
        [program, "-m", "deskbreak", "run"]
    checked: list[str] = []

    def exists(path: str) -> bool:
        checked.append(path)
        return False

    line = autostart.status_line(platform="win32", registry=registry, exists=exists)
    assert line.startswith("BROKEN") and program in line and checked == [program]
    assert autostart.status_line(platform="win32", registry=registry,
                                 exists=lambda path: True) == "enabled"


def test_the_cli_status_and_doctor_say_how_to_fix_a_stale_entry(deskbreak_home: Path) -> None:
    from conftest import run_cli

    autostart.enable(["/nonexistent/venv/bin/python", "-m", "deskbreak", "run"])
    status = run_cli("autostart", "status")
    assert status.returncode == 0 and status.stdout.startswith("BROKEN")
    doctor = run_cli("doctor", timeout=120)
    lines = {line.split()[0] + " " + line.split()[1]: line for line in doctor.stdout.splitlines()
             if len(line.split()) > 1}
    assert "/nonexistent/venv/bin/python" in lines["autostart BROKEN:"]
    assert "prompt windows" in lines and ("Tk 8" in lines["prompt windows"]
                                          or "python3-tk" in lines["prompt windows"])


def test_doctor_says_how_to_get_tk_when_it_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_tk(name: str, *args: object, **kwargs: object) -> object:
        if name == "tkinter":
            raise ImportError("No module named '_tkinter'")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_tk)
    ok, text = desktop_integration.tk_reading()
    assert not ok and "apt install python3-tk" in text


def test_status_on_a_terminal_offers_to_point_a_stale_entry_at_this_deskbreak(
        deskbreak_home: Path) -> None:
    import io

    autostart.enable(["/gone/venv/bin/python", "-m", "deskbreak", "run"])
    questions: list[str] = []
    out = io.StringIO()
    autostart.report_status(lambda q: questions.append(q) or "n", out)
    assert "left as it is" in out.getvalue() and autostart.missing_program() == "/gone/venv/bin/python"
    out = io.StringIO()
    autostart.report_status(lambda q: "y", out)
    assert sys.executable in questions[0]
    assert "fixed" in out.getvalue() and autostart.missing_program() is None
    assert autostart.registered_command() == autostart.default_command()
    out = io.StringIO()
    autostart.report_status(lambda q: pytest.fail("asked about a healthy entry"), out)
    assert out.getvalue() == "enabled\n"


def test_the_files_for_distribution_packages_match_what_install_writes(tmp_path: Path) -> None:
    """installers/linux holds the launcher, metainfo and SVG icon for packagers (Exec= finds
    deskbreak on PATH); they must not drift from what `autostart install` writes."""
    shipped = Path(__file__).resolve().parent.parent / "installers" / "linux"
    launcher = (shipped / "io.github.deskbreak.desktop").read_text()
    assert autostart._desktop_entry_keys(launcher) == autostart._desktop_entry_keys(
        desktop_integration.launcher_entry(["deskbreak", "run"]))
    from deskbreak import __version__

    assert (shipped / "io.github.deskbreak.metainfo.xml").read_text() == \
        desktop_integration.metainfo_xml(__version__), \
        "regenerate: python -m deskbreak.desktop_integration installers/linux"
    assert (shipped / "deskbreak.svg").read_text() == desktop_integration.icon_svg(), \
        "regenerate: python -m deskbreak.desktop_integration installers/linux"
    result = subprocess.run([tool("desktop-file-validate"), str(shipped / launcher_name())],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.strip() == "", result.stdout


def launcher_name() -> str:
    return f"{desktop_integration.APP_ID}.desktop"


@pytest.mark.slow
def test_the_svg_icon_looks_like_the_png_the_tray_draws(places: Places, tmp_path: Path) -> None:
    """Both rendered at 64 px on white, the SVG by Chromium and the PNG by ui/icon.py: they
    must agree pixel for pixel within antialiasing."""
    from PIL import Image, ImageChops, ImageStat

    chromium = tool("chromium")
    desktop_integration.install(COMMAND, places=places, platform="linux", run=Calls())
    page = tmp_path / "icon.html"
    page.write_text('<html><body style="margin:0;background:#fff">'
                    f'<img src="{places.icon(None).as_uri()}" width="64" height="64">'
                    "</body></html>")
    shot = tmp_path / "svg.png"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}",
                    "--force-device-scale-factor=1", f"--screenshot={shot}",
                    "--window-size=64,64", page.as_uri()],
                   capture_output=True, timeout=120, check=False)
    drawn = Image.open(shot).convert("RGB").crop((0, 0, 64, 64))
    with Image.open(places.icon(64)) as png:
        white = Image.new("RGBA", png.size, (255, 255, 255, 255))
        tray = Image.alpha_composite(white, png.convert("RGBA")).convert("RGB")
    difference = ImageChops.difference(drawn, tray).convert("L")
    mean = ImageStat.Stat(difference).mean[0]
    print(f"\nSVG vs PNG icon at 64 px: mean difference {mean:.2f} of 255")
    assert mean < 6, f"mean difference {mean:.1f} of 255: redraw icon_svg() like ui/icon.py"
