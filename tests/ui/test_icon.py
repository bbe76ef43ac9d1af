"""Tray icon images: distinct looks per state, cached so repeated updates cost nothing."""

from __future__ import annotations

import pytest

from deskbreak.adapters.tray import TrayUnavailable, TrayView, choose_backend, menu_entries
from deskbreak.ui.icon import LEVELS, fill_level, icon_image


def pixels(image) -> bytes:
    return image.tobytes()


def test_same_state_returns_the_very_same_cached_image() -> None:
    assert icon_image(600, limit_seconds=3600) is icon_image(600, limit_seconds=3600)
    # Within one ring step the state is the same image too (no redraw every second).
    assert icon_image(601, limit_seconds=3600) is icon_image(600, limit_seconds=3600)


def test_ring_fills_as_the_bout_grows() -> None:
    levels = [icon_image(s, limit_seconds=3600) for s in (0, 900, 1800, 2700, 3600)]
    assert len({pixels(i) for i in levels}) == 5


def test_paused_and_away_look_different_from_sitting_and_from_each_other() -> None:
    sitting = icon_image(0)
    paused = icon_image(0, paused=True)
    away = icon_image(0, away=True)
    assert len({pixels(sitting), pixels(paused), pixels(away)}) == 3
    # Paused ignores the bout: nothing to count while paused.
    assert icon_image(3000, paused=True) is paused


def test_fill_level_is_quantised_and_capped() -> None:
    assert fill_level(0, 3600) == 0
    assert fill_level(1799, 3600) == LEVELS // 2 - 1
    assert fill_level(1800, 3600) == LEVELS // 2
    assert fill_level(99999, 3600) == LEVELS
    assert fill_level(100, 0) == 0


def test_icon_is_square_rgba_at_the_requested_size() -> None:
    image = icon_image(100, size=32)
    assert image.size == (32, 32) and image.mode == "RGBA"


def test_menu_offers_pause_when_running_and_resume_when_paused() -> None:
    def enabled(view: TrayView) -> dict[str, bool]:
        return {e.command: e.enabled for e in menu_entries(view) if e.command}

    running = enabled(TrayView(60, False, "Sitting 1 min", "t"))
    paused = enabled(TrayView(60, True, "Paused", "t"))
    assert running["pause 30m"] and not running["resume"]
    assert paused["resume"] and not paused["pause 1h"]
    assert menu_entries(TrayView(60, False, "Sitting 1 min", "t"))[0].label == "Sitting 1 min"
    commands = [e.command for e in menu_entries(TrayView(0, False, "s", "t")) if e.command]
    assert commands == ["break-now", "snooze", "skip", "pause 30m", "pause 1h", "pause today",
                        "resume", "summary", "open-report", "reload", "quit"]


def test_backend_choice_honours_the_environment_overrides() -> None:
    assert choose_backend({"DESKBREAK_TRAY_BACKEND": "xorg", "PYSTRAY_BACKEND": "gtk"}) == ["xorg"]
    assert choose_backend({"PYSTRAY_BACKEND": "gtk"}) == ["gtk"]
    with pytest.raises(TrayUnavailable, match="unknown tray backend 'qt'"):
        choose_backend({"DESKBREAK_TRAY_BACKEND": "qt"})


def test_without_a_display_the_tray_is_unavailable_with_a_reason(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from deskbreak.adapters.tray import Tray

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(TrayUnavailable, match="DISPLAY is not set"):
        Tray(lambda _c: None, backend="xorg")
