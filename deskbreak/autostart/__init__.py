"""Start the service at login: one small backend per OS behind enable / disable / is_enabled.

  linux (and other XDG desktops)  a .desktop file in $XDG_CONFIG_HOME/autostart
  darwin                          a LaunchAgent plist in ~/Library/LaunchAgents
  win32                           a value under HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run

The platform is chosen when a function is called (never at import), and can be overridden, so
every backend is testable on any host. The file-based backends write under DESKBREAK_HOME when
it is set (tests, portable installs), or in an explicit `directory`; the registry backend takes
a registry module (winreg, imported lazily) that tests replace.

Threading: plain blocking file/registry calls; call from any one thread at a time.
Run `python -m deskbreak.autostart enable|disable|status` to use it without the CLI (the
installer scripts do).
"""

from __future__ import annotations

import logging
import os
import plistlib
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from deskbreak.errors import DeskbreakError

log = logging.getLogger(__name__)

APP_NAME = "deskbreak"
DESKTOP_FILE_NAME = "deskbreak.desktop"
LAUNCH_AGENT_LABEL = "io.github.deskbreak"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
#: Where Task Manager's "Disable" on the Startup tab records its choice for a Run value.
STARTUP_APPROVED_KEY = r"Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run"
RUN_VALUE_NAME = "deskbreak"
#: Microsoft documents that Run key command lines should stay within 260 characters.
MAX_RUN_COMMAND = 260
#: Characters that force an argument into double quotes in a .desktop Exec line
#: (Desktop Entry Specification, "The Exec key").
_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


class AutostartError(DeskbreakError):
    """Autostart cannot be changed or read; the message says why."""


class AutostartBackend(Protocol):
    """Turns starting deskbreak at login on and off for the current user."""

    def enable(self, command: Sequence[str]) -> str:
        """Start `command` at every login (replacing any earlier command); returns where."""
        ...

    def disable(self) -> bool:
        """Stop starting deskbreak at login; True if there was something to remove."""
        ...

    def is_enabled(self) -> bool:
        """True if deskbreak will start at the next login."""
        ...

    def registered_command(self) -> list[str] | None:
        """The command the entry runs, as an argument vector; None without an entry."""
        ...


# --------------------------------------------------------------------------------------------
# Public functions


def default_command(platform: str | None = None, executable: str | None = None) -> list[str]:
    """The command that starts the service with this interpreter: `python -m deskbreak run`.

    The interpreter's absolute path survives `pip install --user` without the scripts directory
    on PATH, and virtual environments. On Windows pythonw.exe is preferred (no console window).
    """
    platform = platform or sys.platform
    executable = executable or sys.executable
    if platform.startswith("win"):
        windowless = _windows_sibling(executable, "pythonw.exe")
        if windowless is not None:
            executable = windowless
    return [executable, "-m", APP_NAME, "run"]


def backend_for(platform: str | None = None, directory: Path | None = None,
                registry: Any = None) -> AutostartBackend:
    """The autostart backend for `platform` (a sys.platform value; default: this one)."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        return WindowsRunKey(registry)
    if platform == "darwin":
        return LaunchAgent(directory or _default_launch_agents_dir())
    return XdgAutostart(directory or _default_xdg_autostart_dir())


def enable(executable_command: list[str], *, platform: str | None = None,
           directory: Path | None = None) -> str:
    """Start `executable_command` (e.g. `default_command()`) at login; returns where it's set."""
    if not executable_command or not all(isinstance(a, str) for a in executable_command):
        raise AutostartError("the autostart command must be a non-empty list of strings")
    where = backend_for(platform, directory).enable(executable_command)
    log.info("autostart enabled: %s", where)
    return where


def disable(*, platform: str | None = None, directory: Path | None = None) -> bool:
    """Stop starting deskbreak at login; True if an entry was removed. A running service is
    left alone."""
    removed = backend_for(platform, directory).disable()
    log.info("autostart disabled (%s)", "removed" if removed else "was not enabled")
    return removed


def is_enabled(*, platform: str | None = None, directory: Path | None = None) -> bool:
    """True if deskbreak will start at the next login."""
    return backend_for(platform, directory).is_enabled()


def registered_command(*, platform: str | None = None,
                       directory: Path | None = None, registry: Any = None) -> list[str] | None:
    """The command the autostart entry runs, or None when there is no entry."""
    return backend_for(platform, directory, registry).registered_command()


def missing_program(*, platform: str | None = None, directory: Path | None = None,
                    registry: Any = None, exists: Any = os.path.exists) -> str | None:
    """The program an autostart entry runs if that program no longer exists (the virtual
    environment was removed, e.g. by `pipx uninstall`), else None."""
    command = registered_command(platform=platform, directory=directory, registry=registry)
    if not command:
        return None
    program = command[0]
    # A bare name is looked up on PATH at login; only an absolute path can be checked here.
    if os.path.isabs(program) or "\\" in program or "/" in program:
        return None if exists(program) else program
    return None


def status_line(*, platform: str | None = None, directory: Path | None = None,
                registry: Any = None, exists: Any = os.path.exists) -> str:
    """One line for `deskbreak autostart status` and `doctor`: enabled / disabled, or an
    entry that would fail at login, with the command that fixes it."""
    backend = backend_for(platform, directory, registry)
    gone = missing_program(platform=platform, directory=directory, registry=registry,
                           exists=exists)
    if gone is not None:
        return (f"BROKEN: the autostart entry runs {gone}, which no longer exists (deskbreak "
                "was uninstalled or moved). Fix: `deskbreak autostart enable` with the "
                "deskbreak you use now, or `deskbreak autostart disable`")
    return "enabled" if backend.is_enabled() else "disabled"


def report_status(ask: Any = None, out: Any = None) -> None:
    """Print the status line; for an entry whose Python is gone, offer to point it at this
    deskbreak when `ask` (a function like `input`) is given, as on an interactive terminal."""
    out = out or sys.stdout
    line = status_line()
    print(line, file=out)
    if ask is None or not line.startswith("BROKEN"):
        return
    command = default_command()
    try:
        answer = ask(f"Point it at this deskbreak ({command[0]})? [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() in ("y", "yes"):
        print(f"fixed: deskbreak will start at login ({enable(command)})", file=out)
    else:
        print("left as it is", file=out)


def _default_xdg_autostart_dir() -> Path:
    home = os.environ.get("DESKBREAK_HOME")
    if home:
        return Path(home).expanduser() / "autostart"
    config = os.environ.get("XDG_CONFIG_HOME") or ""
    # The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
    base = Path(config) if os.path.isabs(config) else Path.home() / ".config"
    return base / "autostart"


def _default_launch_agents_dir() -> Path:
    home = os.environ.get("DESKBREAK_HOME")
    if home:
        return Path(home).expanduser() / "LaunchAgents"
    return Path.home() / "Library" / "LaunchAgents"


def _windows_sibling(executable: str, name: str) -> str | None:
    """`name` in the same folder as `executable`, if it exists there."""
    sibling = os.path.join(os.path.dirname(executable), name)
    return sibling if os.path.exists(sibling) else None


def _write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so a reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise AutostartError(f"cannot write {path}: {error}") from error


def _remove(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise AutostartError(f"cannot remove {path}: {error}") from error
    return True


# --------------------------------------------------------------------------------------------
# Linux and other XDG desktops


def desktop_exec_quote(argv: Sequence[str]) -> str:
    """`argv` as the value of a .desktop Exec key, per the Desktop Entry Specification.

    Arguments with reserved characters go in double quotes with ", `, $ and \\ backslashed;
    % is doubled (field codes); then the string-level escapes (\\\\, \\n, \\t, \\r) apply to
    the whole value, which is why a literal backslash in a quoted argument ends up as four.
    """
    words = []
    for arg in argv:
        arg = arg.replace("%", "%%")
        if arg == "" or any(ch in _EXEC_RESERVED for ch in arg):
            inner = "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg)
            arg = f'"{inner}"'
        words.append(arg)
    value = " ".join(words)
    return (value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
            .replace("\r", "\\r"))


def desktop_entry(command: Sequence[str]) -> str:
    """The text of deskbreak's XDG autostart entry running `command`."""
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.0",
        "Name=deskbreak",
        "Comment=Neck-exercise prompts and movement breaks from your real sitting time",
        f"Exec={desktop_exec_quote(command)}",
        "Icon=deskbreak",
        "Terminal=false",
        "NoDisplay=true",
        "X-GNOME-Autostart-enabled=true",
        "",
    ])


class XdgAutostart:
    """An XDG autostart entry: `<directory>/deskbreak.desktop`, read by every XDG desktop."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @property
    def path(self) -> Path:
        return self.directory / DESKTOP_FILE_NAME

    def enable(self, command: Sequence[str]) -> str:
        _write_atomically(self.path, desktop_entry(command).encode("utf-8"))
        return str(self.path)

    def disable(self) -> bool:
        return _remove(self.path)

    def is_enabled(self) -> bool:
        """The file exists and the user has not switched it off in their desktop's settings
        (GNOME Tweaks writes X-GNOME-Autostart-enabled=false; others write Hidden=true)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return False
        except OSError as error:
            raise AutostartError(f"cannot read {self.path}: {error}") from error
        keys = _desktop_entry_keys(text)
        return (keys.get("Hidden", "false") != "true"
                and keys.get("X-GNOME-Autostart-enabled", "true") != "false")

    def registered_command(self) -> list[str] | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as error:
            raise AutostartError(f"cannot read {self.path}: {error}") from error
        value = _desktop_entry_keys(text).get("Exec")
        return desktop_exec_split(value) if value else None


def desktop_exec_split(value: str) -> list[str]:
    """The argument vector of an Exec value: the inverse of `desktop_exec_quote`."""
    import shlex

    unescaped, i = [], 0
    # The string-level escapes first (backslash s, n, t, r and backslash), then the Exec rules,
    # whose set of escapes inside double quotes is the POSIX shell's.
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            unescaped.append({"s": " ", "n": "\n", "t": "\t", "r": "\r"}.get(value[i + 1],
                                                                         value[i + 1]))
            i += 2
        else:
            unescaped.append(value[i])
            i += 1
    try:
        words = shlex.split("".join(unescaped))
    except ValueError:
        return value.split()
    return [word.replace("%%", "%") for word in words]


def _desktop_entry_keys(text: str) -> dict[str, str]:
    """The key=value pairs of the [Desktop Entry] group (a tiny reader; keys are case-sensitive)."""
    keys: dict[str, str] = {}
    group = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            group = line[1:-1]
        elif group == "Desktop Entry" and "=" in line:
            key, value = line.split("=", 1)
            keys[key.strip()] = value.strip()
    return keys


# --------------------------------------------------------------------------------------------
# macOS


class LaunchAgent:
    """A per-user LaunchAgent: `<directory>/io.github.deskbreak.plist`, loaded by launchd at
    login. Enabling does not start the service now and disabling does not stop a running one
    (no launchctl calls): the file only decides what happens at the next login."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @property
    def path(self) -> Path:
        return self.directory / f"{LAUNCH_AGENT_LABEL}.plist"

    def enable(self, command: Sequence[str]) -> str:
        agent = {
            "Label": LAUNCH_AGENT_LABEL,
            # An argument vector, not a shell line: nothing to quote.
            "ProgramArguments": list(command),
            "RunAtLoad": True,
            # Only in a graphical login (a tray icon needs one), never for ssh sessions.
            "LimitLoadToSessionType": "Aqua",
            # Interactive: launchd does not throttle it like a background daemon.
            "ProcessType": "Interactive",
            # No KeepAlive: a second instance exits with "already running", and launchd
            # restarting that every ten seconds would be worse than not restarting a crash.
        }
        _write_atomically(self.path, plistlib.dumps(agent))
        return str(self.path)

    def disable(self) -> bool:
        return _remove(self.path)

    def _agent(self) -> dict[str, Any] | None:
        """The LaunchAgent as written, or None when there is none."""
        try:
            with self.path.open("rb") as handle:
                agent = plistlib.load(handle)
        except FileNotFoundError:
            return None
        except (OSError, plistlib.InvalidFileException, ValueError) as error:
            raise AutostartError(f"cannot read {self.path}: {error}") from error
        if not isinstance(agent, dict):
            raise AutostartError(f"cannot read {self.path}: it is not a LaunchAgent")
        return agent

    def is_enabled(self) -> bool:
        agent = self._agent()
        return agent is not None and not agent.get("Disabled", False)

    def registered_command(self) -> list[str] | None:
        agent = self._agent()
        arguments = None if agent is None else agent.get("ProgramArguments")
        return [str(a) for a in arguments] if isinstance(arguments, list) else None


# --------------------------------------------------------------------------------------------
# Windows


def windows_command_line(argv: Sequence[str]) -> str:
    """`argv` as one Windows command line that python.exe parses back into `argv`.

    The program is always quoted: CreateProcess splits an unquoted path at its first space
    ("C:\\Program Files\\..."). The arguments follow the C runtime rules (subprocess's
    list2cmdline): quotes where needed, backslashes doubled only before a quote.
    """
    program, *args = argv
    if '"' in program:
        raise AutostartError(f"a program path cannot contain a double quote: {program}")
    line = f'"{program}"'
    if args:
        line += " " + subprocess.list2cmdline(args)
    return line


class WindowsRunKey:
    """A value named "deskbreak" under HKCU\\...\\CurrentVersion\\Run: no shortcut, no admin.

    `registry` is the winreg module, imported lazily so this module loads on any OS; tests pass
    a fake with the same functions.
    """

    def __init__(self, registry: Any = None) -> None:
        self._registry = registry

    @property
    def registry(self) -> Any:
        if self._registry is None:
            try:
                import winreg
            except ImportError as error:
                raise AutostartError("the Windows registry is only available on Windows") \
                    from error
            self._registry = winreg
        return self._registry

    def enable(self, command: Sequence[str]) -> str:
        reg = self.registry
        line = windows_command_line(command)
        if len(line) > MAX_RUN_COMMAND:
            raise AutostartError(f"the autostart command is {len(line)} characters; Windows "
                                 f"runs at most {MAX_RUN_COMMAND} from the Run key. Install "
                                 "deskbreak in a shorter path.")
        try:
            with reg.CreateKeyEx(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_SET_VALUE) as key:
                reg.SetValueEx(key, RUN_VALUE_NAME, 0, reg.REG_SZ, line)
        except OSError as error:
            raise AutostartError(f"cannot write the registry Run key: {error}") from error
        # A "Disable" from Task Manager's Startup tab would otherwise survive re-enabling.
        self._delete_value(STARTUP_APPROVED_KEY)
        return f"HKEY_CURRENT_USER\\{RUN_KEY}\\{RUN_VALUE_NAME}"

    def disable(self) -> bool:
        removed = self._delete_value(RUN_KEY)
        self._delete_value(STARTUP_APPROVED_KEY)
        return removed

    def is_enabled(self) -> bool:
        if self._query(RUN_KEY) is None:
            return False
        approved = self._query(STARTUP_APPROVED_KEY)
        # Task Manager stores 12 bytes; an odd first byte (03, 07) means the user disabled it.
        return not (isinstance(approved, bytes) and approved and approved[0] & 1)

    def command_line(self) -> str | None:
        """The command line currently registered, if any."""
        value = self._query(RUN_KEY)
        return value if isinstance(value, str) else None

    def registered_command(self) -> list[str] | None:
        line = self.command_line()
        return windows_command_split(line) if line else None


    def _query(self, subkey: str) -> Any:
        reg = self.registry
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, subkey, 0, reg.KEY_READ) as key:
                value, _kind = reg.QueryValueEx(key, RUN_VALUE_NAME)
                return value
        except FileNotFoundError:
            return None
        except OSError as error:
            raise AutostartError(f"cannot read the registry key {subkey}: {error}") from error

    def _delete_value(self, subkey: str) -> bool:
        reg = self.registry
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, subkey, 0, reg.KEY_SET_VALUE) as key:
                reg.DeleteValue(key, RUN_VALUE_NAME)
        except FileNotFoundError:
            return False
        except OSError as error:
            raise AutostartError(f"cannot change the registry key {subkey}: {error}") from error
        return True


def windows_command_split(line: str) -> list[str]:
    """The program and arguments of a Run value: the program in quotes (as `enable` writes
    it) or up to the first space; the rest split by the C runtime rules, approximately."""
    line = line.strip()
    if line.startswith('"'):
        end = line.find('"', 1)
        program, rest = (line[1:end], line[end + 1:]) if end > 0 else (line[1:], "")
    else:
        program, _, rest = line.partition(" ")
    import shlex

    try:
        args = shlex.split(rest, posix=True)
    except ValueError:
        args = rest.split()
    return [program, *args]
