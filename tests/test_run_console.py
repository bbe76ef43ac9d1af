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


def test_status_of_a_console_service_says_where_prompts_go_and_that_its_log_was_deleted(
        tmp_path: Path) -> None:
    import time

    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS")}
    env["DESKBREAK_HOME"] = str(tmp_path)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "deskbreak", *args], capture_output=True,
                              text=True, env=env, timeout=30, cwd=REPO)

    service = subprocess.Popen([sys.executable, "-m", "deskbreak", "run", "--console"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=env, cwd=REPO)
    try:
        deadline = time.monotonic() + 30
        while cli("status").returncode != 0:
            assert time.monotonic() < deadline, "the service never answered"
            time.sleep(0.2)
        status = cli("status").stdout
        assert "Running in console mode (asked for with --console): prompts appear in its " \
            "terminal" in status
        assert "notifications and windows" not in status  # not in console mode
        for log_file in (tmp_path / "data").glob("compliance.sqlite3*"):
            log_file.unlink()
        assert cli("pause", "5m").returncode == 0  # an event to write
        status = cli("status").stdout
        assert "Warning: the compliance log" in status and "was deleted while deskbreak was " \
            "running" in status
    finally:
        cli("quit")
        service.wait(timeout=30)
