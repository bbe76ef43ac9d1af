"""Call detection against a real PulseAudio server (null speaker and microphone) and a real
process holding a stand-in video device open."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskbreak.adapters.calls import CallDetector

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sound_server import SoundServer, SoundServerError

from .fixture_parts import started


@pytest.fixture(scope="module")
def sound() -> Iterator[SoundServer]:
    with started(SoundServer(), SoundServerError) as server:
        yield server


@pytest.fixture
def detector(sound: SoundServer, monkeypatch: pytest.MonkeyPatch,
             tmp_path: Path) -> CallDetector:
    for name, value in sound.env().items():
        monkeypatch.setenv(name, value)
    # No camera on this machine: point the video glob at an empty folder unless a test adds one.
    return CallDetector(video_glob=str(tmp_path / "video*"))


def test_no_recording_and_no_camera_means_no_call(detector: CallDetector) -> None:
    assert detector.reason() is None


def test_a_recording_from_the_microphone_is_a_call_until_it_stops(
        sound: SoundServer, detector: CallDetector) -> None:
    recorder = sound.record("mic")
    try:
        assert detector.reason() == "microphone in use by parecord"
    finally:
        sound.stop_process(recorder)
    deadline = time.monotonic() + 5
    while detector.reason() is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert detector.reason() is None


def test_recording_the_speakers_monitor_is_not_a_call(sound: SoundServer,
                                                      detector: CallDetector) -> None:
    recorder = sound.record("speakers.monitor")
    try:
        assert "parecord" in sound.pactl("list", "source-outputs").stdout
        assert detector.reason() is None
    finally:
        sound.stop_process(recorder)


def test_an_open_video_device_is_a_call(detector: CallDetector, tmp_path: Path) -> None:
    camera = tmp_path / "video0"
    camera.write_bytes(b"")
    holder = subprocess.Popen(["sh", "-c", f"exec sleep 30 < '{camera}'"])
    try:
        deadline = time.monotonic() + 5
        while detector.reason() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert detector.reason() == "camera in use by sleep"
    finally:
        holder.kill()
        holder.wait()
    assert detector.reason() is None


def test_doctor_line_says_what_can_be_checked(detector: CallDetector,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    assert detector.describe().startswith("microphone through the sound server")
    monkeypatch.setenv("PULSE_SERVER", "unix:/nonexistent/native")
    assert "cannot be checked" in CallDetector(video_glob="/nonexistent/video*").describe()
