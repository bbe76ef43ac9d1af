"""`describe_desktop` on the harness desktop: every part found, with readings and hints."""

from __future__ import annotations

import pytest
from desktop import DesktopSession

from deskbreak.adapters.probe import describe_desktop


def test_harness_desktop_is_described_part_by_part(desktop: DesktopSession,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DESKBREAK_IDLE_SOURCE", "DESKBREAK_NOTIFIER", "DESKBREAK_LOCK_SOURCE",
                 "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    probes = {probe.part: probe for probe in describe_desktop()}
    assert list(probes) == ["idle source", "screen lock", "fullscreen", "calls", "monitors",
                            "notifications", "tray", "sound cue"]
    assert probes["idle source"].chosen == "x11"
    assert probes["idle source"].tried == ("x11: works: chosen",)
    assert probes["monitors"].chosen == "1 monitor(s)"
    assert "s since last input" in probes["idle source"].reading
    assert probes["screen lock"].chosen is None and probes["screen lock"].missing_hint
    assert probes["fullscreen"].chosen == "x11"
    assert probes["notifications"].chosen == "freedesktop"
    assert "dunst" in probes["notifications"].reading
    # dunst takes actions but draws no buttons (issue 8 point 6): doctor says so.
    assert "no buttons" in probes["notifications"].reading
    assert "with action buttons" not in probes["notifications"].reading
    assert probes["tray"].chosen is not None and probes["tray"].chosen.startswith("pystray ")
    if probes["tray"].chosen == "pystray xorg":
        assert "python3-gi" in (probes["tray"].missing_hint or "")
