"""`describe_desktop` with no display and no bus: every part becomes a line, nothing raises."""

from __future__ import annotations

import pytest

from deskbreak.adapters import probe as probe_module
from deskbreak.adapters.probe import Probe, describe_desktop


@pytest.fixture
def no_desktop(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS",
                 "DESKBREAK_IDLE_SOURCE", "DESKBREAK_NOTIFIER", "DESKBREAK_LOCK_SOURCE"):
        monkeypatch.delenv(name, raising=False)
    # No system bus either: point it at a socket that does not exist.
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/deskbreak-test")


def test_headless_machine_gets_a_line_and_a_hint_per_missing_part(no_desktop: None,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  ) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    probes = describe_desktop()
    assert [p.part for p in probes] == ["idle source", "screen lock", "fullscreen", "calls",
                                        "monitors", "notifications", "tray", "sound cue"]
    by_part = {p.part: p for p in probes}
    assert by_part["idle source"].chosen is None
    assert by_part["idle source"].reading == "none works here"
    assert any(t.startswith("x11: ") for t in by_part["idle source"].tried)
    assert by_part["idle source"].missing_hint
    assert by_part["notifications"].chosen in ("console", "plyer")
    assert by_part["tray"].missing_hint


def test_a_probe_that_crashes_becomes_a_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> Probe:
        raise RuntimeError("boom")

    monkeypatch.setattr(probe_module, "PROBES", (("idle source", broken),))
    [line] = describe_desktop()
    assert line == Probe("idle source", None, "probe failed: RuntimeError: boom", None)
