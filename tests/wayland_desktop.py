"""A real, headless Wayland compositor for tests: Debian's sway with its headless backend.

    with HeadlessSway() as sway:
        env = sway.env()            # WAYLAND_DISPLAY and XDG_RUNTIME_DIR for a client
        sway.type_text("a")         # input through the virtual-keyboard protocol (wtype)

Sway refuses to run as root (it checks that it cannot regain root after dropping it), so when
the tests run as root, as CI does, it runs as the unprivileged user `nobody` with a runtime
directory that user owns; clients running as root can still connect to its socket.

Like tests/desktop.py this file uses only the standard library and must not import deskbreak.
A missing binary is an error naming the Debian package, never a silent skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

POLL_STEP = 0.05
START_TIMEOUT = 15.0
PACKAGES = {"sway": "sway", "wtype": "wtype"}
#: Who runs the compositor when the tests run as root.
UNPRIVILEGED = "nobody"


class WaylandDesktopError(RuntimeError):
    """The compositor could not be started; the message says what to install or read."""


class HeadlessSway:
    """One sway on the headless backend, with no inputs of its own and one 1280x800 output."""

    def __init__(self) -> None:
        for binary, package in PACKAGES.items():
            if shutil.which(binary) is None:
                raise WaylandDesktopError(f"{binary} is missing: apt-get install {package}")
        self._dir = Path(tempfile.mkdtemp(prefix="deskbreak-sway-"))
        self.runtime_dir = self._dir / "run"
        self.display = "wayland-deskbreak"
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> HeadlessSway:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> HeadlessSway:
        self.runtime_dir.mkdir(mode=0o700)
        config = self._dir / "config"
        config.write_text("output HEADLESS-1 resolution 1280x800\n")
        self._dir.chmod(0o755)
        config.chmod(0o644)
        prefix: list[str] = []
        if os.geteuid() == 0:
            import pwd

            user = pwd.getpwnam(UNPRIVILEGED)
            os.chown(self.runtime_dir, user.pw_uid, user.pw_gid)
            prefix = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}",
                      "--clear-groups"]
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self._dir),
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
            "WAYLAND_DISPLAY": self.display,
            "WLR_BACKENDS": "headless",
            "WLR_LIBINPUT_NO_DEVICES": "1",
            "WLR_RENDERER": "pixman",
        }
        self._log = (self._dir / "sway.log").open("wb")
        # sway names its socket itself (wayland-1, ...); -c gives it our config only.
        self._proc = subprocess.Popen([*prefix, "sway", "-c", str(config)], env=env,
                                      stdout=self._log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            sockets = sorted(p.name for p in self.runtime_dir.glob("wayland-*")
                             if not p.name.endswith(".lock"))
            if sockets:
                self.display = sockets[0]
                return self
            if self._proc.poll() is not None:
                break
            time.sleep(POLL_STEP)
        log_text = (self._dir / "sway.log").read_text(errors="replace")[-2000:]
        self.stop()
        raise WaylandDesktopError(f"sway did not start a Wayland socket; its log:\n{log_text}")

    def env(self) -> dict[str, str]:
        """What a client needs to connect, on top of the caller's environment."""
        return {"WAYLAND_DISPLAY": self.display, "XDG_RUNTIME_DIR": str(self.runtime_dir),
                "XDG_SESSION_TYPE": "wayland"}

    def type_text(self, text: str) -> None:
        """Type `text` through the virtual-keyboard protocol: real input to the compositor."""
        subprocess.run(["wtype", text], env={**os.environ, **self.env()}, check=True,
                       timeout=10, capture_output=True)

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None
        if hasattr(self, "_log"):
            self._log.close()
        shutil.rmtree(self._dir, ignore_errors=True)
