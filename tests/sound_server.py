"""A real, private PulseAudio server for tests: a null speaker and a null microphone.

    with SoundServer() as sound:
        env = sound.env()                         # PULSE_SERVER for clients
        rec = sound.record("mic")                 # a recording stream: what a call looks like
        sound.capture("speakers.monitor", path)   # record what is played, to measure it

Standard library only; must not import deskbreak. A missing binary is an error naming the
Debian package, never a silent skip.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

PACKAGES = {"pulseaudio": "pulseaudio", "pactl": "pulseaudio-utils",
            "parecord": "pulseaudio-utils"}
START_TIMEOUT = 10.0


class SoundServerError(RuntimeError):
    """The server could not be started; the message says what to install or read."""


class SoundServer:
    def __init__(self) -> None:
        for binary, package in PACKAGES.items():
            if shutil.which(binary) is None:
                raise SoundServerError(f"{binary} is missing: apt-get install {package}")
        self._dir = Path(tempfile.mkdtemp(prefix="deskbreak-pulse-"))
        self.socket = self._dir / "run" / "pulse" / "native"
        self._procs: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> SoundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def env(self) -> dict[str, str]:
        return {"PULSE_SERVER": f"unix:{self.socket}"}

    def start(self) -> SoundServer:
        (self._dir / "home").mkdir()
        (self._dir / "run").mkdir(mode=0o700)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self._dir / "home"),
               "XDG_RUNTIME_DIR": str(self._dir / "run"),
               "PULSE_RUNTIME_PATH": str(self.socket.parent)}
        self._log = (self._dir / "pulseaudio.log").open("wb")
        server = subprocess.Popen(
            ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
             "-L", "module-native-protocol-unix",
             "-L", "module-null-sink sink_name=speakers",
             "-L", "module-null-source source_name=mic"],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self._procs.append(server)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.socket.exists() and self.pactl("info").returncode == 0:
                return self
            if server.poll() is not None:
                break
            time.sleep(0.05)
        text = (self._dir / "pulseaudio.log").read_text(errors="replace")[-2000:]
        self.stop()
        raise SoundServerError(f"pulseaudio did not start; its log:\n{text}")

    def pactl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["pactl", *args], env={**os.environ, **self.env()},
                              capture_output=True, text=True, timeout=10, check=False)

    def record(self, device: str, path: str = "/dev/null") -> subprocess.Popen[bytes]:
        """Start recording from `device` (stopped with the server, or by `stop_process`)."""
        proc = subprocess.Popen(["parecord", "--latency-msec=20", "-d", device, path],
                                env={**os.environ, **self.env()},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._procs.append(proc)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if '"application.name"' in self.pactl("-f", "json", "list",
                                                  "source-outputs").stdout:
                break
            time.sleep(0.05)
        return proc

    @staticmethod
    def stop_recording(proc: subprocess.Popen[bytes]) -> None:
        """End a `record` with SIGINT, which parecord answers by writing out what it holds."""
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    @staticmethod
    def stop_process(proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def stop(self) -> None:
        for proc in reversed(self._procs):
            self.stop_process(proc)
        self._procs.clear()
        if hasattr(self, "_log"):
            self._log.close()
        shutil.rmtree(self._dir, ignore_errors=True)
