"""A real, private, headless desktop for end-to-end tests: Xvfb, two D-Bus buses, trayer,
openbox, dunst and a D-Bus recorder, started in about half a second and stopped by PID;
on request (`sni_tray=True`) also a StatusNotifierWatcher and a standalone SNI tray host.

Use it as a context manager (pytest: the session-scoped `desktop` fixture in tests/e2e)::

    with DesktopSession() as desktop:
        subprocess.run(["my-app"], env=desktop.full_env())
        desktop.wait_for_window("^My App$")
        print(desktop.notifications())

or from a shell, to run one command inside a fresh desktop (benchmarks, manual checks)::

    python tests/desktop.py -- python -m deskbreak run
    python tests/desktop.py            # print the environment and wait for Ctrl-C

Promises:
- Nothing outside the session's temporary directory is written: dunst, openbox and GTK get
  XDG_CONFIG_HOME / XDG_CACHE_HOME / XDG_RUNTIME_DIR inside it.
- Both buses run with a config that has no service directories, so nothing is ever
  D-Bus-activated behind the harness's back (e.g. a second dunst, or at-spi).
- Every process the harness started (including ones started with `spawn`) is stopped by PID,
  in reverse order, when the session ends, even if the test failed.
- A missing binary is an error naming the Debian package to install, never a silent skip.

Only the standard library and jeepney (a deskbreak dependency on Linux, used to decode the
D-Bus capture) are needed. This file must not import deskbreak: it tests it.
"""

from __future__ import annotations

import argparse
import logging
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: Readiness is polled, never slept for: one step.
POLL_STEP = 0.05
#: How long the whole desktop may take to come up before we give up (normal: ~0.5 s).
DEFAULT_START_TIMEOUT = 15.0
#: Grace between SIGTERM and SIGKILL when stopping a process.
STOP_GRACE = 2.0
#: dunst's default timeout for notifications that do not set one (seconds). Short, so
#: forgotten notifications do not pile up across tests.
DUNST_DEFAULT_TIMEOUT = 4

#: binary -> Debian package that provides it.
PACKAGES: dict[str, str] = {
    "Xvfb": "xvfb",
    "dbus-daemon": "dbus-daemon",
    "dbus-monitor": "dbus-bin",
    "dbus-send": "dbus-bin",
    "trayer": "trayer",
    "openbox": "openbox",
    "dunst": "dunst",
    "dunstctl": "dunst",
    "xdotool": "xdotool",
    "xprop": "x11-utils",
    "xprintidle": "xprintidle",
    "import": "imagemagick",
    "notify-send": "libnotify-bin",
    "status-notifier-watcher": "haskell-status-notifier-item-utils",
    "gtk-sni-tray-standalone": "haskell-gtk-sni-tray-utils",
}
#: Needed to start a session at all; the rest are checked when their helper is used.
REQUIRED = ("Xvfb", "dbus-daemon", "dbus-monitor", "dbus-send", "trayer", "openbox", "dunst",
            "dunstctl", "xdotool", "xprop")

NOTIFICATIONS = "org.freedesktop.Notifications"
SNI_WATCHER = "org.kde.StatusNotifierWatcher"

# A bus with no <servicedir>: nothing gets auto-activated. Monitoring needs eavesdrop rights.
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

DUNSTRC = """[global]
    monitor = 0
    follow = none
    font = Monospace 9
    format = "<b>%s</b>\\n%b"
    history_length = 50
    show_indicators = yes
    dmenu = {dmenu}
    browser = /bin/true
    mouse_left_click = do_action, close_current
    mouse_right_click = close_current

[urgency_low]
    timeout = {timeout}

[urgency_normal]
    timeout = {timeout}

[urgency_critical]
    timeout = {timeout}
"""

# dunst's `dunstctl context` pipes its menu lines into this script and acts on the line it
# prints. The script records the menu (so tests can see what was offered) and answers with the
# first line matching the regex the test put in dmenu-choice (empty answer = cancel).
DMENU_SCRIPT = """#!/bin/sh
dir='{dir}'
cat > "$dir/dmenu-input"
if [ -s "$dir/dmenu-choice" ]; then
    grep -E -m1 -e "$(cat "$dir/dmenu-choice")" "$dir/dmenu-input"
fi
: > "$dir/dmenu-choice"
exit 0
"""


class DesktopError(RuntimeError):
    """The test desktop could not be started or used; the message says which part and why."""


@dataclass
class Notification:
    """One org.freedesktop.Notifications.Notify call seen on the session bus."""

    app_name: str
    replaces_id: int
    icon: str
    summary: str
    body: str
    #: (key, label) pairs, in the order sent.
    actions: list[tuple[str, str]]
    hints: dict[str, Any]
    #: As sent: -1 = server default, 0 = never expires, else milliseconds.
    expire_timeout_ms: int
    #: The id the server returned, or None if the reply was not seen (yet).
    id: int | None = None
    #: NotificationClosed reason (1 expired, 2 dismissed, 3 closed by call, 4 undefined).
    closed_reason: int | None = None
    #: Action keys the server reported as invoked (ActionInvoked), in order.
    invoked_actions: list[str] = field(default_factory=list)


@dataclass
class _Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path | None


def _which(binary: str) -> str:
    path = shutil.which(binary)
    if path is None:
        package = PACKAGES.get(binary, binary)
        raise DesktopError(
            f"the test desktop needs `{binary}`, which is not installed: "
            f"apt-get install {package}"
        )
    return path


class DesktopSession:
    """A private headless desktop. Not thread-safe: use it from the test's thread."""

    def __init__(self, *, screen: str = "1280x800x24",
                 start_timeout: float = DEFAULT_START_TIMEOUT,
                 tray: bool = True, window_manager: bool = True,
                 notification_daemon: bool = True, sni_tray: bool = False) -> None:
        self.screen = screen
        self.start_timeout = start_timeout
        self.with_tray = tray
        self.with_wm = window_manager
        self.with_notifications = notification_daemon
        #: A StatusNotifierWatcher and a standalone SNI tray host (bottom right) as well.
        self.with_sni_tray = sni_tray
        #: Only the variables the desktop sets; `full_env()` merges them into os.environ.
        self.env: dict[str, str] = {}
        self.tmp: Path | None = None
        self._tmpdir: tempfile.TemporaryDirectory[str] | None = None
        self._procs: list[_Proc] = []
        self._capture: Path | None = None
        self._cleared = 0  # how many recorded notifications `clear_notifications` hid

    # -- lifecycle -----------------------------------------------------------------------

    def __enter__(self) -> DesktopSession:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> DesktopSession:
        """Start every part and wait until each is ready; on any failure stop what started."""
        for binary in REQUIRED:
            _which(binary)
        self._tmpdir = tempfile.TemporaryDirectory(prefix="deskbreak-desktop-")
        self.tmp = Path(self._tmpdir.name)
        deadline = time.monotonic() + self.start_timeout
        started = time.monotonic()
        try:
            self._start_all(deadline)
        except BaseException:
            self.stop()
            raise
        log.info("desktop %s up in %.2f s", self.env["DISPLAY"], time.monotonic() - started)
        return self

    def _start_all(self, deadline: float) -> None:
        assert self.tmp is not None  # set by start()
        runtime = self.tmp / "runtime"
        runtime.mkdir(mode=0o700)
        for sub in ("config", "cache"):
            (self.tmp / sub).mkdir()
        self.env = {
            "XDG_RUNTIME_DIR": str(runtime),
            "XDG_CONFIG_HOME": str(self.tmp / "config"),
            "XDG_CACHE_HOME": str(self.tmp / "cache"),
            "NO_AT_BRIDGE": "1",
            # Never let a child fall back to the real desktop's buses or display.
            "XDG_SESSION_TYPE": "x11",
        }

        display = self._start_xvfb(deadline)
        self.env["DISPLAY"] = f":{display}"
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self._start_bus("session-bus", deadline)
        self.env["DBUS_SYSTEM_BUS_ADDRESS"] = self._start_bus("system-bus", deadline)
        self._start_monitor(deadline)
        if self.with_tray:
            self._spawn_logged("trayer", [
                _which("trayer"), "--edge", "top", "--align", "right", "--widthtype", "request",
                "--height", "32", "--SetDockType", "true", "--transparent", "false",
            ])
            self._wait("trayer", deadline,
                       lambda: bool(self._search(["--classname", "^panel$"])))
        if self.with_wm:
            self._spawn_logged("openbox", [_which("openbox"), "--sm-disable"])
            self._wait("openbox", deadline, self._wm_ready)
        if self.with_notifications:
            self._start_dunst(deadline)
        if self.with_sni_tray:
            self._start_sni_tray(deadline)

    def stop(self) -> None:
        """Stop every process this session started, newest first, then remove the temp dir."""
        for proc in reversed(self._procs):
            _stop_process(proc.popen)
        self._procs.clear()
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None

    # -- the parts -------------------------------------------------------------------------

    def _start_xvfb(self, deadline: float) -> str:
        read_fd, write_fd = os.pipe()
        try:
            self._spawn_logged("Xvfb", [
                _which("Xvfb"), "-screen", "0", self.screen, "-nolisten", "tcp",
                # -noreset: otherwise the server resets when its last client (say, a
                # readiness probe) disconnects, and about 1 start in 40 fails.
                "-noreset", "-displayfd", str(write_fd),
            ], pass_fds=(write_fd,))
        finally:
            os.close(write_fd)
        try:
            return self._read_line("Xvfb", read_fd, deadline)
        finally:
            os.close(read_fd)

    def _start_bus(self, name: str, deadline: float) -> str:
        assert self.tmp is not None
        sockets = self.tmp / name
        sockets.mkdir(mode=0o700)
        config = self.tmp / f"{name}.conf"
        config.write_text(BUS_CONFIG.format(dir=sockets))
        read_fd, write_fd = os.pipe()
        try:
            self._spawn_logged(name, [
                _which("dbus-daemon"), f"--config-file={config}", "--nofork", "--nopidfile",
                f"--print-address={write_fd}",
            ], pass_fds=(write_fd,))
        finally:
            os.close(write_fd)
        try:
            return self._read_line(name, read_fd, deadline)
        finally:
            os.close(read_fd)

    def _start_monitor(self, deadline: float) -> None:
        """Record every session-bus message in binary form; decoded on demand with jeepney."""
        assert self.tmp is not None
        self._capture = self.tmp / "session-bus.capture"
        out = open(self._capture, "wb")
        try:
            self._spawn("dbus-monitor", [
                _which("dbus-monitor"), "--address", self.env["DBUS_SESSION_BUS_ADDRESS"],
                "--binary",
            ], stdout=out, log_name="dbus-monitor")
        finally:
            out.close()

        def sees_probe() -> bool:
            # The monitor only records once it has become a monitor: ping until it shows.
            self.run(["dbus-send", "--session", "--type=signal", "/org/deskbreak/Harness",
                      "org.deskbreak.Harness.Ready"], check=False)
            from jeepney.low_level import HeaderFields

            return any(m.header.fields.get(HeaderFields.member) == "Ready"
                       for m in self._messages())
        self._wait("dbus-monitor", deadline, sees_probe)

    def _start_dunst(self, deadline: float) -> None:
        assert self.tmp is not None
        dunst_dir = self.tmp / "dunst"
        dunst_dir.mkdir()
        dmenu = dunst_dir / "dmenu.sh"
        dmenu.write_text(DMENU_SCRIPT.format(dir=dunst_dir))
        dmenu.chmod(0o755)
        (dunst_dir / "dmenu-choice").write_text("")
        rc = dunst_dir / "dunstrc"
        rc.write_text(DUNSTRC.format(dmenu=dmenu, timeout=DUNST_DEFAULT_TIMEOUT))
        self._spawn_logged("dunst", [_which("dunst"), "-config", str(rc)])
        self._wait("dunst", deadline, lambda: self.bus_has_owner(NOTIFICATIONS))

    def _start_sni_tray(self, deadline: float) -> None:
        """The StatusNotifierItem side of a desktop: a watcher, then a host (a GTK bar at the
        bottom right of the screen) that registers with it."""
        self._spawn_logged("sni-watcher", [_which("status-notifier-watcher")])
        self._wait("sni-watcher", deadline, lambda: self.bus_has_owner(SNI_WATCHER))
        self._spawn_logged("sni-host", [_which("gtk-sni-tray-standalone"), "--bottom", "--end",
                                        "--size", "30"])
        self._wait("sni-host", deadline, lambda: self.sni_property(
            "IsStatusNotifierHostRegistered") == "true")

    def sni_property(self, name: str) -> str:
        """A StatusNotifierWatcher property as dbus-send prints it ("" when unreadable)."""
        result = self.run([
            "dbus-send", "--session", "--print-reply", f"--dest={SNI_WATCHER}",
            "/StatusNotifierWatcher", "org.freedesktop.DBus.Properties.Get",
            f"string:{SNI_WATCHER}", f"string:{name}"], check=False)
        if result.returncode != 0:
            return ""
        body = result.stdout.split("variant", 1)[-1]
        if "boolean" in body:
            return body.split()[-1]
        return body

    def sni_items(self) -> list[str]:
        """The StatusNotifierItems registered with the watcher (bus names, maybe with paths)."""
        return [line.strip().split('"')[1] for line in
                self.sni_property("RegisteredStatusNotifierItems").splitlines()
                if line.strip().startswith("string")]

    def _wm_ready(self) -> bool:
        out = self.run(["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], check=False)
        return out.returncode == 0 and "window id" in out.stdout

    # -- process plumbing ------------------------------------------------------------------

    def _spawn_logged(self, name: str, argv: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        return self._spawn(name, argv, stdout=None, log_name=name, **kwargs)

    def _spawn(self, name: str, argv: list[str], *, stdout: Any, log_name: str,
               **kwargs: Any) -> subprocess.Popen[bytes]:
        assert self.tmp is not None
        log_path = self.tmp / f"{log_name}.log"
        with open(log_path, "ab") as log_file:
            popen = subprocess.Popen(
                argv, env=self.full_env(), stdin=subprocess.DEVNULL,
                stdout=stdout if stdout is not None else log_file, stderr=log_file,
                # Own session: a Ctrl-C in the terminal reaches us, and we stop them in order.
                start_new_session=True, **kwargs,
            )
        self._procs.append(_Proc(name, popen, log_path))
        return popen

    def spawn(self, argv: Sequence[str], *, name: str | None = None,
              **kwargs: Any) -> subprocess.Popen[bytes]:
        """Start `argv` inside the desktop; it is stopped (by PID) when the session ends.

        stdout and stderr go to a log file in the session's temp dir unless passed here.
        """
        name = name or Path(argv[0]).name
        if "stdout" in kwargs or "stderr" in kwargs:
            popen = subprocess.Popen(list(argv), env=self.full_env(), **kwargs)
            self._procs.append(_Proc(name, popen, None))
            return popen
        return self._spawn_logged(name, list(argv), **kwargs)

    def stop_process(self, popen: subprocess.Popen[Any], grace: float = STOP_GRACE
                     ) -> int | None:
        """Stop one process (started with `spawn` or not) now: SIGTERM, then SIGKILL after
        `grace` seconds; its exit code."""
        _stop_process(popen, grace)
        self._procs = [proc for proc in self._procs if proc.popen is not popen]
        return popen.returncode

    def _read_line(self, name: str, fd: int, deadline: float) -> str:
        """Read one line a child writes on `fd` (Xvfb -displayfd, dbus-daemon --print-address)."""
        data = b""
        while not data.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._fail(name, "did not report its address in time")
            ready, _, _ = select.select([fd], [], [], min(remaining, POLL_STEP))
            if ready:
                chunk = os.read(fd, 4096)
                if not chunk:
                    self._fail(name, "closed its address pipe without writing an address")
                data += chunk
            self._check_alive(name)
        return data.decode().strip()

    def _wait(self, name: str, deadline: float, ready: Callable[[], bool]) -> None:
        while True:
            self._check_alive(name)
            if ready():
                return
            if time.monotonic() > deadline:
                self._fail(name, "not ready in time")
            time.sleep(POLL_STEP)

    def _check_alive(self, name: str) -> None:
        for proc in self._procs:
            if proc.name == name and proc.popen.poll() is not None:
                self._fail(name, f"exited with code {proc.popen.returncode}")

    def _fail(self, name: str, why: str) -> None:
        states = []
        for proc in self._procs:
            code = proc.popen.poll()
            states.append(f"{proc.name}: {'running' if code is None else f'exited {code}'}")
        tail = ""
        for proc in self._procs:
            if proc.name == name and proc.log_path is not None and proc.log_path.exists():
                text = proc.log_path.read_text(errors="replace").strip()
                tail = "\n  last output of " + name + ":\n    " + "\n    ".join(
                    text.splitlines()[-15:]) if text else ""
        raise DesktopError(
            f"test desktop failed to start: {name} {why} (timeout {self.start_timeout:.0f} s)"
            f"\n  parts: {'; '.join(states) or 'none started'}{tail}"
        )

    # -- helpers for tests -----------------------------------------------------------------

    def full_env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """os.environ with the desktop's variables (and `extra`) on top: for subprocesses."""
        env = dict(os.environ)
        env.update(self.env)
        if extra:
            env.update(extra)
        return env

    def run(self, argv: Sequence[str], *, check: bool = True, timeout: float = 10.0,
            input_text: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run a short command inside the desktop and capture its output."""
        argv = list(argv)
        argv[0] = _which(argv[0]) if "/" not in argv[0] else argv[0]
        result = subprocess.run(argv, env=self.full_env(), capture_output=True, text=True,
                                check=False, timeout=timeout, input=input_text)
        if check and result.returncode != 0:
            raise DesktopError(f"{' '.join(argv)} failed ({result.returncode}): "
                               f"{result.stderr.strip()}")
        return result

    def xdotool(self, *args: str, timeout: float = 10.0) -> str:
        """Run `xdotool ARGS` on this display; returns its stdout. Raises on failure."""
        return self.run(["xdotool", *args], timeout=timeout).stdout

    def _search(self, args: list[str]) -> list[int]:
        result = self.run(["xdotool", "search", "--onlyvisible", *args], check=False)
        return [int(line) for line in result.stdout.split()]

    def wait_for_window(self, name_regex: str, timeout: float = 5.0, *,
                        by: str = "name", pid: int | None = None) -> int:
        """The id of the first visible window whose name (or class/classname) matches; with
        `pid`, only a window of that process (by its _NET_WM_PID), so a window an earlier test
        left behind is never taken for this one.

        Polls every 50 ms; raises DesktopError listing the visible windows on timeout.
        """
        deadline = time.monotonic() + timeout
        owner = ["--pid", str(pid)] if pid is not None else []
        while True:
            found = self._search([*owner, f"--{by}", name_regex])
            if found:
                return found[0]
            if time.monotonic() > deadline:
                names = self.run(["xdotool", "search", "--onlyvisible", "--name", "."],
                                 check=False).stdout.split()
                titles = [self.run(["xdotool", "getwindowname", w], check=False).stdout.strip()
                          for w in names]
                raise DesktopError(f"no visible window with {by} matching {name_regex!r} "
                                   f"after {timeout} s; visible: {titles}")
            time.sleep(POLL_STEP)

    def geometry(self, window: int | str) -> dict[str, int]:
        """The window's X, Y, WIDTH and HEIGHT (and SCREEN, WINDOW) per xdotool."""
        out = self.xdotool("getwindowgeometry", "--shell", str(window))
        return {key: int(value) for key, value in
                (line.split("=", 1) for line in out.splitlines() if "=" in line)}

    def screenshot(self, path: str | os.PathLike[str]) -> Path:
        """Save the whole screen as an image (format from the suffix, e.g. .png)."""
        self.run(["import", "-window", "root", str(path)], timeout=30)
        return Path(path)

    def idle_ms(self) -> int:
        """Milliseconds since the last input on this display, per `xprintidle` (independent of
        deskbreak's own X11 idle source, so tests can cross-check it)."""
        return int(self.run(["xprintidle"]).stdout.strip())

    def bus_has_owner(self, name: str, *, system: bool = False) -> bool:
        """Whether a well-known bus name currently has an owner."""
        result = self.run([
            "dbus-send", "--system" if system else "--session", "--print-reply",
            "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner", f"string:{name}",
        ], check=False)
        return result.returncode == 0 and "boolean true" in result.stdout

    def dunstctl(self, *args: str) -> str:
        """Run `dunstctl ARGS` against this session's dunst; returns stdout."""
        return self.run(["dunstctl", *args]).stdout

    def choose_menu_line(self, regex: str, timeout: float = 5.0) -> list[str]:
        """Open dunst's context menu (`dunstctl context`) and answer it with the first offered
        line matching `regex` (e.g. ``r"#Snooze"``). Returns the lines that were offered."""
        assert self.tmp is not None, "session not started"
        dunst_dir = self.tmp / "dunst"
        offered = dunst_dir / "dmenu-input"
        offered.unlink(missing_ok=True)
        (dunst_dir / "dmenu-choice").write_text(regex)
        self.dunstctl("context")
        deadline = time.monotonic() + timeout
        while not offered.exists():
            if time.monotonic() > deadline:
                raise DesktopError("dunst never ran its dmenu script (no notification shown?)")
            time.sleep(POLL_STEP)
        time.sleep(POLL_STEP)  # let the script finish writing
        return offered.read_text().splitlines()

    def _messages(self) -> list[Any]:
        """Every message the monitor has recorded so far (jeepney Message objects)."""
        from jeepney.low_level import Parser

        if self._capture is None or not self._capture.exists():
            return []
        # A message still being written stays in the parser's buffer: only whole ones return.
        return list(Parser().feed(self._capture.read_bytes()))

    def notifications(self, *, include_cleared: bool = False) -> list[Notification]:
        """Every Notify call on the session bus since start (or since `clear_notifications`),
        oldest first, with the id the server returned and any close/action signals."""
        from jeepney.low_level import HeaderFields, MessageType

        pending: dict[tuple[str, int], Notification] = {}
        by_id: dict[int, Notification] = {}
        result: list[Notification] = []
        for message in self._messages():
            fields = message.header.fields
            member = fields.get(HeaderFields.member)
            interface = fields.get(HeaderFields.interface)
            kind = message.header.message_type
            if (kind == MessageType.method_call and interface == NOTIFICATIONS
                    and member == "Notify"):
                app, replaces, icon, summary, body, actions, hints, expire = message.body
                note = Notification(
                    app_name=app, replaces_id=replaces, icon=icon, summary=summary, body=body,
                    actions=list(zip(actions[0::2], actions[1::2])),
                    hints={k: v[1] for k, v in hints.items()}, expire_timeout_ms=expire,
                )
                pending[(fields.get(HeaderFields.sender), message.header.serial)] = note
                result.append(note)
            elif kind == MessageType.method_return:
                key = (fields.get(HeaderFields.destination), fields.get(HeaderFields.reply_serial))
                note_or_none = pending.pop(key, None)
                if note_or_none is not None and message.body:
                    note_or_none.id = int(message.body[0])
                    by_id[note_or_none.id] = note_or_none
            elif kind == MessageType.signal and interface == NOTIFICATIONS:
                target = by_id.get(int(message.body[0]))
                if target is None:
                    continue
                if member == "NotificationClosed":
                    target.closed_reason = int(message.body[1])
                elif member == "ActionInvoked":
                    target.invoked_actions.append(str(message.body[1]))
        return result if include_cleared else result[self._cleared:]

    def clear_notifications(self) -> None:
        """Close every shown notification and make `notifications()` start afresh from here."""
        if self.with_notifications:
            self.dunstctl("close-all")
        self._cleared = len(self.notifications(include_cleared=True))

    def wait_for_notifications(self, count: int = 1, timeout: float = 5.0,
                               predicate: Callable[[Notification], bool] | None = None,
                               ) -> list[Notification]:
        """Poll until at least `count` notifications (matching `predicate`) have been sent and
        answered with an id; returns them all."""
        deadline = time.monotonic() + timeout
        while True:
            notes = [n for n in self.notifications()
                     if n.id is not None and (predicate is None or predicate(n))]
            if len(notes) >= count:
                return notes
            if time.monotonic() > deadline:
                raise DesktopError(f"expected {count} notification(s) within {timeout} s, "
                                   f"saw {self.notifications()}")
            time.sleep(POLL_STEP)


def _stop_process(popen: subprocess.Popen[Any], grace: float = STOP_GRACE) -> None:
    """SIGTERM, wait up to `grace` seconds, then SIGKILL: by PID only, never by name."""
    if popen.poll() is not None:
        return
    try:
        popen.send_signal(signal.SIGTERM)
        popen.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        popen.kill()
        popen.wait(timeout=STOP_GRACE)
    except ProcessLookupError:
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """`python tests/desktop.py [options] -- CMD...`: run CMD inside a fresh desktop and exit
    with its code. Without CMD, print the environment and wait for Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog="python tests/desktop.py",
        description="Run a command inside a fresh headless desktop (Xvfb, D-Bus, trayer, "
                    "openbox, dunst).",
    )
    parser.add_argument("--screen", default="1280x800x24", help="Xvfb screen WxHxDEPTH")
    parser.add_argument("--no-tray", action="store_true", help="do not start trayer")
    parser.add_argument("--no-wm", action="store_true", help="do not start openbox")
    parser.add_argument("--no-notifications", action="store_true", help="do not start dunst")
    parser.add_argument("--sni-tray", action="store_true",
                        help="also start a StatusNotifierWatcher and an SNI tray host")
    parser.add_argument("--show-notifications", action="store_true",
                        help="print the recorded Notify calls when the command ends")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- CMD ARGS...")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    logging.basicConfig(level=logging.INFO, format="desktop: %(message)s")
    try:
        with DesktopSession(screen=args.screen, tray=not args.no_tray,
                            window_manager=not args.no_wm,
                            notification_daemon=not args.no_notifications,
                            sni_tray=args.sni_tray) as desktop:
            if not command:
                for key, value in sorted(desktop.env.items()):
                    print(f"export {key}={value}")
                print("# desktop running; Ctrl-C to stop", flush=True)
                try:
                    while True:
                        time.sleep(3600)
                except KeyboardInterrupt:
                    return 0
            child = subprocess.Popen(command, env=desktop.full_env())
            try:
                code = child.wait()
            except KeyboardInterrupt:
                child.send_signal(signal.SIGINT)
                code = child.wait()
            if args.show_notifications:
                for note in desktop.notifications():
                    print(f"notification: {note}")
            return code
    except DesktopError as error:
        print(f"desktop: {error}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
