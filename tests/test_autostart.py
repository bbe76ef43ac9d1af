"""Autostart at login: the XDG .desktop file for real (under DESKBREAK_HOME), the macOS
LaunchAgent and the Windows Run key with their OS parts faked."""

from __future__ import annotations

import os
import plistlib
import shlex
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from deskbreak import autostart
from deskbreak.autostart import (
    LAUNCH_AGENT_LABEL,
    RUN_KEY,
    RUN_VALUE_NAME,
    STARTUP_APPROVED_KEY,
    AutostartError,
    desktop_exec_quote,
    disable,
    enable,
    is_enabled,
    windows_command_line,
)

if TYPE_CHECKING:
    from typing_extensions import Self

REPO = Path(__file__).resolve().parent.parent


# ---- a reader for .desktop Exec values, written from the spec, to check what we write --------


def unescape_string(value: str) -> str:
    """Undo the string-level escapes of a .desktop value (\\s \\n \\t \\r \\\\)."""
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            out.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(
                value[i + 1], "\\" + value[i + 1]))
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def split_exec(value: str) -> list[str]:
    """Split an Exec value into argv: string unescape, then the spec's quoting rule, then %%."""
    text, args, i = unescape_string(value), [], 0
    while i < len(text):
        if text[i] == " ":
            i += 1
            continue
        word = []
        if text[i] == '"':
            i += 1
            while text[i] != '"':
                if text[i] == "\\" and text[i + 1] in '"`$\\':
                    i += 1
                word.append(text[i])
                i += 1
            i += 1
        else:
            while i < len(text) and text[i] != " ":
                word.append(text[i])
                i += 1
        args.append("".join(word).replace("%%", "%"))
    return args


def desktop_keys(path: Path) -> dict[str, str]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if not line.startswith("#")]
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line and not line.startswith("#"))


# ---- Linux / XDG -----------------------------------------------------------------------------


def test_enable_writes_a_valid_desktop_file_whose_exec_runs_the_command(deskbreak_home):
    command = ["/opt/my python/bin/python3", "-m", "deskbreak", "run"]
    where = enable(command, platform="linux")
    path = deskbreak_home / "autostart" / "deskbreak.desktop"
    assert where == str(path)
    keys = desktop_keys(path)
    assert keys["Type"] == "Application"
    assert keys["Name"] == "deskbreak"
    assert keys["Exec"] == '"/opt/my python/bin/python3" -m deskbreak run'
    assert split_exec(keys["Exec"]) == command
    assert keys["Terminal"] == "false"
    assert is_enabled(platform="linux")


@pytest.mark.parametrize("argv", [
    ["/usr/bin/python3", "-m", "deskbreak", "run"],
    ["/home/ann/my venv/bin/python", "-m", "deskbreak", "run", "--programme", "neck plan.yaml"],
    ["/x/python", "100%", "it's", 'say "hi"', "a\\b", "$HOME", "`id`", "", "tab\there", "x;y"],
])
def test_exec_quoting_round_trips_through_the_spec_rules(argv):
    assert split_exec(desktop_exec_quote(argv)) == argv


def test_exec_quoting_escapes_a_backslash_in_a_quoted_argument_as_four():
    # The spec's own example: a literal backslash inside quotes is written as four.
    assert desktop_exec_quote(["/p", "a b\\c"]) == '/p "a b\\\\\\\\c"'


def test_exec_quoting_matches_a_posix_shell_for_ordinary_paths():
    argv = ["/home/ann/.local/share/my venv/bin/python", "-m", "deskbreak", "run"]
    assert shlex.split(unescape_string(desktop_exec_quote(argv))) == argv


def test_disable_removes_the_desktop_file_and_is_enabled_follows(deskbreak_home):
    path = deskbreak_home / "autostart" / "deskbreak.desktop"
    assert not is_enabled(platform="linux")
    enable(["/usr/bin/python3", "-m", "deskbreak", "run"], platform="linux")
    assert path.exists() and is_enabled(platform="linux")
    assert disable(platform="linux") is True
    assert not path.exists() and not is_enabled(platform="linux")
    assert disable(platform="linux") is False  # nothing left to remove: not an error


def test_enable_again_replaces_the_command(deskbreak_home):
    enable(["/old/python", "-m", "deskbreak", "run"], platform="linux")
    enable(["/new/python", "-m", "deskbreak", "run"], platform="linux")
    keys = desktop_keys(deskbreak_home / "autostart" / "deskbreak.desktop")
    assert keys["Exec"] == "/new/python -m deskbreak run"


@pytest.mark.parametrize("switched_off", ["Hidden=true", "X-GNOME-Autostart-enabled=false"])
def test_an_entry_the_user_switched_off_in_their_desktop_counts_as_disabled(tmp_path,
                                                                            switched_off):
    enable(["/usr/bin/python3"], platform="linux", directory=tmp_path)
    path = tmp_path / "deskbreak.desktop"
    text = path.read_text().replace("X-GNOME-Autostart-enabled=true\n", "")
    path.write_text(text + switched_off + "\n")
    assert not is_enabled(platform="linux", directory=tmp_path)


def test_an_explicit_directory_wins_and_nothing_is_written_elsewhere(tmp_path, deskbreak_home):
    enable(["/usr/bin/python3"], platform="linux", directory=tmp_path / "auto")
    assert (tmp_path / "auto" / "deskbreak.desktop").exists()
    assert not (deskbreak_home / "autostart").exists()


def test_without_deskbreak_home_the_xdg_config_home_autostart_dir_is_used(tmp_path,
                                                                          monkeypatch):
    monkeypatch.delenv("DESKBREAK_HOME")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    enable(["/usr/bin/python3"], platform="linux")
    assert (tmp_path / "cfg" / "autostart" / "deskbreak.desktop").exists()


def test_an_empty_command_is_refused(deskbreak_home):
    with pytest.raises(AutostartError):
        enable([], platform="linux")
    assert not (deskbreak_home / "autostart").exists()


def test_the_module_entry_point_enables_with_this_interpreter(deskbreak_home):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = [sys.executable, "-m", "deskbreak.autostart"]
    result = subprocess.run([*run, "enable"], capture_output=True, text=True, env=env,
                            check=False, timeout=30)
    assert result.returncode == 0, result.stderr
    if sys.platform.startswith("linux"):
        keys = desktop_keys(deskbreak_home / "autostart" / "deskbreak.desktop")
        assert split_exec(keys["Exec"]) == [sys.executable, "-m", "deskbreak", "run"]
    status = subprocess.run([*run, "status"], capture_output=True, text=True, env=env,
                            check=False, timeout=30)
    assert status.stdout.strip() == "enabled"


# ---- macOS: the LaunchAgent plist (no launchctl calls; the home directory faked) -------------


def test_macos_enable_writes_a_launch_agent_that_runs_the_command_at_login(tmp_path,
                                                                           monkeypatch):
    monkeypatch.delenv("DESKBREAK_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    command = ["/Users/ann/Library/Python/3.12/bin/python3", "-m", "deskbreak", "run"]
    where = enable(command, platform="darwin")
    path = tmp_path / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"
    assert where == str(path)
    agent = plistlib.loads(path.read_bytes())
    assert agent["Label"] == LAUNCH_AGENT_LABEL
    assert agent["ProgramArguments"] == command  # an argv, no shell quoting involved
    assert agent["RunAtLoad"] is True
    assert "KeepAlive" not in agent
    assert is_enabled(platform="darwin")
    assert disable(platform="darwin") is True
    assert not path.exists() and not is_enabled(platform="darwin")


def test_macos_under_deskbreak_home_stays_out_of_the_real_library(deskbreak_home):
    enable(["/usr/bin/python3"], platform="darwin")
    assert (deskbreak_home / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist").exists()


def test_macos_a_launch_agent_marked_disabled_counts_as_disabled(tmp_path):
    enable(["/usr/bin/python3"], platform="darwin", directory=tmp_path)
    path = tmp_path / f"{LAUNCH_AGENT_LABEL}.plist"
    agent = plistlib.loads(path.read_bytes())
    path.write_bytes(plistlib.dumps({**agent, "Disabled": True}))
    assert not is_enabled(platform="darwin", directory=tmp_path)


def test_macos_a_plist_that_is_not_a_launch_agent_is_a_clear_error(tmp_path):
    (tmp_path / f"{LAUNCH_AGENT_LABEL}.plist").write_bytes(plistlib.dumps(["not", "a", "dict"]))
    with pytest.raises(AutostartError, match="it is not a LaunchAgent"):
        is_enabled(platform="darwin", directory=tmp_path)


# ---- Windows: the Run key, with winreg faked --------------------------------------------------


class FakeKey:
    def __init__(self, registry: FakeWinreg, path: str) -> None:
        self.registry, self.path = registry, path

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class FakeWinreg:
    """The few winreg functions autostart uses, over a dict {key path: {value name: value}}."""

    HKEY_CURRENT_USER = "HKCU"
    KEY_READ, KEY_SET_VALUE = 1, 2
    REG_SZ, REG_BINARY = 1, 3

    def __init__(self) -> None:
        self.keys: dict[str, dict[str, tuple[Any, int]]] = {}

    def CreateKeyEx(self, root: str, sub: str, reserved: int, access: int) -> FakeKey:
        self.keys.setdefault(f"{root}\\{sub}", {})
        return FakeKey(self, f"{root}\\{sub}")

    def OpenKey(self, root: str, sub: str, reserved: int, access: int) -> FakeKey:
        if f"{root}\\{sub}" not in self.keys:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return FakeKey(self, f"{root}\\{sub}")

    def SetValueEx(self, key: FakeKey, name: str, reserved: int, kind: int,
                   value: Any) -> None:
        self.keys[key.path][name] = (value, kind)

    def QueryValueEx(self, key: FakeKey, name: str) -> tuple[Any, int]:
        try:
            return self.keys[key.path][name]
        except KeyError:
            raise FileNotFoundError(2, "The system cannot find the file specified") from None

    def DeleteValue(self, key: FakeKey, name: str) -> None:
        if name not in self.keys[key.path]:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        del self.keys[key.path][name]


@pytest.fixture
def winreg(monkeypatch: pytest.MonkeyPatch) -> FakeWinreg:
    fake = FakeWinreg()
    monkeypatch.setitem(sys.modules, "winreg", fake)  # the lazy `import winreg` finds this
    return fake


def run_value(winreg: FakeWinreg) -> Any:
    return winreg.keys[f"HKCU\\{RUN_KEY}"].get(RUN_VALUE_NAME)


def test_windows_enable_sets_a_run_value_with_the_program_quoted(winreg):
    command = [r"C:\Program Files\Python312\pythonw.exe", "-m", "deskbreak", "run"]
    where = enable(command, platform="win32")
    assert where.endswith(rf"{RUN_KEY}\{RUN_VALUE_NAME}")
    assert run_value(winreg) == (r'"C:\Program Files\Python312\pythonw.exe" -m deskbreak run',
                                 winreg.REG_SZ)
    assert is_enabled(platform="win32")
    assert disable(platform="win32") is True
    assert run_value(winreg) is None and not is_enabled(platform="win32")
    assert disable(platform="win32") is False


@pytest.mark.parametrize(("argv", "line"), [
    ([r"C:\py\pythonw.exe", "-m", "deskbreak", "run"], r'"C:\py\pythonw.exe" -m deskbreak run'),
    ([r"C:\py\pythonw.exe", "--programme", r"C:\My Plans\neck.yaml"],
     r'"C:\py\pythonw.exe" --programme "C:\My Plans\neck.yaml"'),
    # A trailing backslash before the closing quote is doubled, else it would escape the quote.
    ([r"C:\py\pythonw.exe", "--dir", "C:\\My Plans\\"],
     r'"C:\py\pythonw.exe" --dir "C:\My Plans\\"'),
    ([r"C:\py\pythonw.exe", 'say "hi"', ""], r'"C:\py\pythonw.exe" "say \"hi\"" ""'),
])
def test_windows_command_line_quoting_follows_the_c_runtime_rules(argv, line):
    assert windows_command_line(argv) == line


def test_windows_a_program_path_with_a_quote_is_refused(winreg):
    with pytest.raises(AutostartError, match="double quote"):
        enable(['C:\\odd"dir\\pythonw.exe'], platform="win32")
    assert f"HKCU\\{RUN_KEY}" not in winreg.keys


def test_windows_a_command_longer_than_the_run_key_allows_is_refused(winreg):
    with pytest.raises(AutostartError, match="260"):
        enable(["C:\\" + "x" * 300 + "\\pythonw.exe"], platform="win32")
    assert f"HKCU\\{RUN_KEY}" not in winreg.keys


def test_windows_disabled_in_task_manager_counts_as_disabled_until_enabled_again(winreg):
    command = [r"C:\py\pythonw.exe", "-m", "deskbreak", "run"]
    enable(command, platform="win32")
    approved = f"HKCU\\{STARTUP_APPROVED_KEY}"
    winreg.keys[approved] = {RUN_VALUE_NAME: (bytes([3]) + bytes(11), winreg.REG_BINARY)}
    assert not is_enabled(platform="win32")
    enable(command, platform="win32")
    assert RUN_VALUE_NAME not in winreg.keys[approved]
    assert is_enabled(platform="win32")


def test_windows_default_command_prefers_pythonw_so_no_console_window_opens(tmp_path):
    (tmp_path / "python.exe").write_text("")
    (tmp_path / "pythonw.exe").write_text("")
    command = autostart.default_command("win32", str(tmp_path / "python.exe"))
    assert command == [str(tmp_path / "pythonw.exe"), "-m", "deskbreak", "run"]
    (tmp_path / "pythonw.exe").unlink()  # an install without it keeps python.exe
    assert autostart.default_command("win32", str(tmp_path / "python.exe"))[0] == str(
        tmp_path / "python.exe")
    assert autostart.default_command("linux", str(tmp_path / "python.exe"))[0] == str(
        tmp_path / "python.exe")


def test_windows_without_winreg_says_so_clearly(monkeypatch):
    monkeypatch.setitem(sys.modules, "winreg", None)  # `import winreg` raises ImportError
    with pytest.raises(AutostartError, match="only available on Windows"):
        is_enabled(platform="win32")


# ---- the shipped templates stay in step with what enable() writes ----------------------------


def test_the_shipped_desktop_template_matches_what_enable_writes(tmp_path):
    enable(["deskbreak", "run"], platform="linux", directory=tmp_path)
    assert desktop_keys(REPO / "installers" / "linux" / "deskbreak.desktop") == desktop_keys(
        tmp_path / "deskbreak.desktop")


def test_the_shipped_launch_agent_template_matches_what_enable_writes(tmp_path):
    enable(["PYTHON", "-m", "deskbreak", "run"], platform="darwin", directory=tmp_path)
    shipped = REPO / "installers" / "macos" / f"{LAUNCH_AGENT_LABEL}.plist"
    assert plistlib.loads(shipped.read_bytes()) == plistlib.loads(
        (tmp_path / f"{LAUNCH_AGENT_LABEL}.plist").read_bytes())
