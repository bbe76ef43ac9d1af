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

from .fixture_parts import started


@pytest.fixture
def sound(monkeypatch: pytest.MonkeyPatch) -> Iterator[SoundServer]:
    with started(SoundServer(), SoundServerError) as server:
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        yield server


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


def _guided_hold_recording(desktop: object, sound: SoundServer, tmp_path: Path,
                           with_sound: bool) -> float:
    """Run a guided break of one held exercise (2 reps, 2 s holds, at 4x speed) with the
    programme's sound on or off, recording the speaker; the recording's loudness."""
    from e2e.test_prompt_window import PromptProcess, request

    spec = request(sound=with_sound, exercises=[
        {"id": "chin-tuck", "title": "Chin tucks", "summary": "", "steps": ["Glide back."],
         "cautions": [], "reps": 2, "sets": 1, "hold_seconds": 2, "rest_seconds": 0,
         "sides": [], "duration_seconds": None}])
    recording = tmp_path / f"guided-{with_sound}.wav"
    recorder = sound.record("speakers.monitor", str(recording))
    prompt = PromptProcess(desktop, spec, speed=4)
    guided = prompt.start_guided(click=True)
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "Return")  # past intro
    time.sleep(3.5)  # two holds of 0.5 s and a release between, with room for the player
    sound.stop_recording(recorder)
    desktop.stop_process(prompt.proc)  # type: ignore[attr-defined]
    return _rms(recording)


def test_the_guided_break_sounds_the_end_of_each_hold_when_the_programme_asks(
        desktop: object, sound: SoundServer, tmp_path: Path) -> None:
    assert _guided_hold_recording(desktop, sound, tmp_path, with_sound=True) > 50


def test_the_guided_break_is_silent_when_sound_is_off(
        desktop: object, sound: SoundServer, tmp_path: Path) -> None:
    assert _guided_hold_recording(desktop, sound, tmp_path, with_sound=False) == 0
