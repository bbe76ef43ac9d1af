"""Is the person on a call? Then a prompt should wait.

Two signs, both read only when a prompt is about to be shown (never on an ordinary tick):
- **the microphone is recording**: a live (not paused) recording stream on a real input of the
  sound server. PulseAudio and PipeWire (through pipewire-pulse) both answer `pactl`, so one
  reader serves both. Recordings of a speaker's monitor (screen recorders, visualisers) and
  level meters are not calls and are ignored.
- **a camera is open**: some process of this user holds a video device (/dev/video*) open,
  found by reading /proc/PID/fd links. Only this user's processes are readable, which is exactly
  the set that matters.

`CallDetector.reason()` returns a short reason ("microphone in use by Zoom") or None. It never
raises: a sound server that is not there simply says nothing. Threading: any one thread at a
time; each call runs `pactl` (about 10 ms) and scans /proc only when a video device exists.
"""

from __future__ import annotations

import glob
import json
import logging
import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: How long `pactl` may take before the check gives up (a hung sound server must not stall
#: the engine thread).
PACTL_TIMEOUT_SECONDS = 1.5
#: Recording streams with these media names are meters, not calls (pavucontrol and friends).
METER_STREAM_NAMES = frozenset({"Peak detect", "peak detect"})

PactlRunner = Callable[[Sequence[str]], str | None]


def run_pactl(args: Sequence[str]) -> str | None:
    """`pactl -f json ARGS` output, or None when pactl or the server is not there."""
    pactl = shutil.which("pactl")
    if pactl is None:
        return None
    try:
        done = subprocess.run([pactl, "-f", "json", *args], capture_output=True, text=True,
                              timeout=PACTL_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        log.debug("pactl %s failed: %s", " ".join(args), error)
        return None
    return done.stdout if done.returncode == 0 else None


def recording_apps(source_outputs: list[dict[str, Any]],
                   sources: list[dict[str, Any]]) -> list[str]:
    """Names of the applications recording from a real input, from pactl's JSON lists."""
    monitors = {s.get("index") for s in sources
                if s.get("monitor_of_sink") not in (None, "", "n/a")
                or str(s.get("name", "")).endswith(".monitor")}
    apps: list[str] = []
    for stream in source_outputs:
        properties = stream.get("properties") or {}
        if stream.get("corked") or stream.get("source") in monitors:
            continue
        if properties.get("media.name") in METER_STREAM_NAMES:
            continue
        name = (properties.get("application.name") or properties.get("application.process.binary")
                or "an application")
        if name not in apps:
            apps.append(str(name))
    return apps


def processes_holding(devices: Sequence[str], proc_root: Path = Path("/proc"),
                      skip_pid: int | None = None) -> list[str]:
    """Names of this user's processes that have one of `devices` open (unreadable ones are
    other users' and are skipped)."""
    wanted = {os.path.realpath(d) for d in devices}
    names: list[str] = []
    for entry in proc_root.iterdir():
        if not entry.name.isdigit() or int(entry.name) == skip_pid:
            continue
        try:
            fds = list((entry / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target in wanted:
                try:
                    name = (entry / "comm").read_text().strip()
                except OSError:
                    name = f"process {entry.name}"
                if name not in names:
                    names.append(name)
                break
    return names


class CallDetector:
    """Tells whether the microphone or a camera is in use right now."""

    name = "calls"

    def __init__(self, pactl: PactlRunner = run_pactl, video_glob: str = "/dev/video*",
                 proc_root: Path = Path("/proc")) -> None:
        self._pactl = pactl
        self._video_glob = video_glob
        self._proc_root = proc_root

    def microphone_users(self) -> list[str]:
        outputs = _json_list(self._pactl(["list", "source-outputs"]))
        if not outputs:
            return []
        return recording_apps(outputs, _json_list(self._pactl(["list", "sources"])))

    def camera_users(self) -> list[str]:
        devices = glob.glob(self._video_glob)
        if not devices:
            return []
        return processes_holding(devices, self._proc_root, skip_pid=os.getpid())

    def reason(self) -> str | None:
        """Why a prompt should wait ("microphone in use by Firefox"), or None."""
        try:
            microphone, camera = self.microphone_users(), self.camera_users()
        except Exception as error:  # a probe of the OS must never stop a prompt for good
            log.debug("call detection failed: %s", error)
            return None
        parts = []
        if microphone:
            parts.append("microphone in use by " + ", ".join(microphone))
        if camera:
            parts.append("camera in use by " + ", ".join(camera))
        return "; ".join(parts) or None

    def describe(self) -> str:
        """One line for `deskbreak doctor`: what can be read here."""
        if self._pactl(["info"]):
            mic = "microphone through the sound server (PulseAudio or PipeWire)"
        elif self._pactl is run_pactl and shutil.which("pactl") is None:
            mic = "pactl is not installed, so the microphone cannot be checked"
        else:
            mic = "no sound server answers pactl, so the microphone cannot be checked"
        cameras = glob.glob(self._video_glob)
        cam = (f"{len(cameras)} camera device(s) watched" if cameras
               else "no camera devices present")
        return f"{mic}; {cam}"


def _json_list(text: str | None) -> list[dict[str, Any]]:
    if not text:
        return []
    try:
        data = json.loads(text)
    except ValueError:
        return []
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []
