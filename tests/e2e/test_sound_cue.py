"""The sound cue really makes a sound: played into a private PulseAudio's null speaker and
recorded from its monitor, the recording is not silent; with the cue off it stays silent."""

from __future__ import annotations

import array
import sys
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskbreak.adapters.sound import SoundCue, player_command

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sound_server import SoundServer, SoundServerError


@pytest.fixture
def sound(monkeypatch: pytest.MonkeyPatch) -> Iterator[SoundServer]:
    try:
        server = SoundServer().start()
    except SoundServerError as error:
        pytest.fail(str(error), pytrace=False)
    for name, value in server.env().items():
        monkeypatch.setenv(name, value)
    try:
        yield server
    finally:
        server.stop()


def _rms(path: Path) -> float:
    with wave.open(str(path)) as recording:
        assert recording.getsampwidth() == 2
        samples = array.array("h", recording.readframes(recording.getnframes()))
    return (sum(s * s for s in samples) / max(1, len(samples))) ** 0.5


def _record_while(sound: SoundServer, path: Path, cue: SoundCue) -> bool:
    recorder = sound.record("speakers.monitor", str(path))
    started = cue.play("hold-end")
    cue.wait()
    time.sleep(0.5)
    sound.stop_recording(recorder)
    return started


def test_the_hold_end_cue_is_heard_on_the_speaker(sound: SoundServer, tmp_path: Path) -> None:
    assert player_command("hold-end") is not None
    recording = tmp_path / "on.wav"
    assert _record_while(sound, recording, SoundCue(enabled=True))
    assert _rms(recording) > 50


def test_a_disabled_cue_makes_no_sound(sound: SoundServer, tmp_path: Path) -> None:
    recording = tmp_path / "off.wav"
    assert not _record_while(sound, recording, SoundCue(enabled=False))
    assert _rms(recording) == 0


def test_doctor_line_names_the_player_and_the_sound() -> None:
    line = SoundCue(enabled=True).describe()
    assert line.startswith("on; plays message-new-instant.oga with paplay"), line
    assert SoundCue(enabled=False).describe().startswith("off")
