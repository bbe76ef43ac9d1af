"""`deskbreak run` in console mode, as a user starts it on a machine without a desktop."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _run_console(tz: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS")}
    env.update({"TZ": tz, "DESKBREAK_HOME": str(home)})
    return subprocess.run([sys.executable, "-m", "deskbreak", "run", "--console"],
                          input="?\nq\n", capture_output=True, text=True, env=env,
                          timeout=60, cwd=REPO)


def test_a_posix_tz_string_with_an_odd_offset_does_not_stop_the_service(tmp_path: Path) -> None:
    done = _run_console("UTC-10:47", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "Sitting 0 min" in done.stdout
    assert "quitting" in done.stdout
