"""Runtime plumbing of the service process: private JSON files, the service log, signals, the
programme file's stamp, and opening the report in a browser."""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from deskbreak.paths import Paths, ensure_private_dir

#: The service's own log rotates at this size, keeping this many old files.
LOG_BYTES, LOG_BACKUPS = 1_000_000, 3
#: The tray's "Open report" covers this many days.
REPORT_DAYS = 14

log = logging.getLogger(__name__)


def write_private_json(path: Path, data: dict[str, Any]) -> None:
    """Write JSON atomically (temp file + rename) readable by the user only."""
    ensure_private_dir(path.parent)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError:
        Path(temp).unlink(missing_ok=True)
        raise


def read_json(path: Path) -> dict[str, Any] | None:
    """The JSON object in `path`; None when it is missing, unreadable or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def file_stamp(path: Path) -> tuple[int, int] | None:
    """What tells an edited file from the one read before: (mtime in ns, size); None if absent."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


def setup_service_logging(paths: Paths, verbose: bool) -> None:
    """The service logs to a rotating file in the user's state directory (0600)."""
    ensure_private_dir(paths.state)
    handler = logging.handlers.RotatingFileHandler(paths.service_log, maxBytes=LOG_BYTES,
                                                   backupCount=LOG_BACKUPS, encoding="utf-8")
    if os.name == "posix":
        os.chmod(paths.service_log, 0o600)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for existing in root.handlers:  # the terminal gets warnings only, unless --verbose
        existing.setLevel(logging.DEBUG if verbose else logging.WARNING)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    # APScheduler logs every job run at INFO: thousands of lines a day that say nothing.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def install_signal_handlers(stop: Callable[[], None]) -> None:
    """SIGTERM and SIGINT end the service cleanly (the bout so far is recorded). Main thread
    only (Python allows signal handlers nowhere else)."""
    def handler(signum: int, frame: FrameType | None) -> None:
        threading.Thread(target=stop, daemon=True).start()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def open_report(out: Path, failed: Callable[[str], None]) -> None:
    """Write the HTML report of the last two weeks to `out` and open it in the browser, on a
    thread of its own (it takes seconds); `failed` gets the error text if it cannot."""
    def run() -> None:
        import webbrowser

        result = subprocess.run([sys.executable, "-m", "deskbreak", "export", "--format",
                                 "html", "--out", str(out), "--days", str(REPORT_DAYS)],
                                capture_output=True, text=True, timeout=60)
        if result.returncode == 0:
            webbrowser.open(out.as_uri())
        else:
            failed(result.stderr.strip()[-300:])

    threading.Thread(target=run, name="report", daemon=True).start()


def open_first_start_welcome(
        spawn: Callable[[list[str]], subprocess.Popen[bytes]] | None = None) -> None:
    """Start the welcome window's first-start form (it shows once per user and ends at once
    after that) and return without waiting; a thread of its own reaps it when it closes."""
    argv = [sys.executable, "-m", "deskbreak.ui.welcome_window", "--first-start"]
    try:
        process = (spawn or _spawn_quietly)(argv)
    except OSError as error:
        log.warning("could not open the welcome window: %s", error)
        return
    # Waited for on a thread of its own: the service never blocks on it, and no zombie stays.
    threading.Thread(target=process.wait, name="welcome-window", daemon=True).start()


def _spawn_quietly(argv: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL)
