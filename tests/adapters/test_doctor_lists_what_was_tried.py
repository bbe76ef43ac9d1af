"""`deskbreak doctor` names, for each part, every candidate it tried and why it was or was not
chosen; run for real in a subprocess with no desktop at all."""

from __future__ import annotations

import os
import subprocess
import sys


def _doctor(extra: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS",
                        "XDG_SESSION_TYPE", "PULSE_SERVER")}
    env.update(extra)
    result = subprocess.run([sys.executable, "-m", "deskbreak", "doctor"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_without_a_desktop_every_idle_candidate_is_listed_with_its_reason() -> None:
    out = _doctor({})
    assert "tried x11: cannot open display" in out
    assert "tried freedesktop: no session bus" in out


def test_on_a_wayland_session_the_compositor_protocol_is_tried_first_and_its_failure_named(
) -> None:
    out = _doctor({"WAYLAND_DISPLAY": "/nonexistent/wayland-0", "XDG_SESSION_TYPE": "wayland"})
    idle_block = out.split("screen lock", 1)[0]
    idle = [line.strip() for line in idle_block.splitlines() if line.strip().startswith("tried ")]
    assert idle[0].startswith("tried wayland: cannot connect to the Wayland compositor")
    assert [line.split()[1].rstrip(":") for line in idle] == ["wayland", "gnome",
                                                              "freedesktop", "x11"]
    fullscreen_block = out.split("\nfullscreen", 1)[1].split("\ncalls", 1)[0]
    assert "not used on Wayland" in fullscreen_block


def test_calls_monitors_and_sound_have_their_own_lines() -> None:
    out = _doctor({"PULSE_SERVER": "unix:/nonexistent/native"})
    assert "tried microphone: no sound server answers pactl" in out
    assert "tried camera: " in out
    assert out.count("\nmonitors ") == 1
    assert "sound cue" in out and "off unless the programme says sound: true" in out
