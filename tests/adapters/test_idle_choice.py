"""Choosing an idle source: candidate order per platform and session, overrides, errors, and the
fake and freedesktop pure parts. No desktop needed."""

from __future__ import annotations

import pytest

from deskbreak.adapters.idle import (
    ENV_VAR,
    XWAYLAND_CAVEAT,
    IdleSource,
    IdleSourceError,
    candidates_for,
    choose_idle_source,
    session_caveat,
)
from deskbreak.adapters.idle.fake import FakeIdleSource
from deskbreak.adapters.idle.freedesktop import idle_seconds_from_reply
from deskbreak.errors import DeskbreakError


def test_x11_session_tries_xscreensaver_before_the_dbus_screensaver() -> None:
    assert candidates_for("linux", {"XDG_SESSION_TYPE": "x11"}) == ["x11", "freedesktop"]


def test_gnome_wayland_session_tries_mutter_first_then_the_wayland_protocol_and_x11_last() -> None:
    env = {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0",
           "XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}
    assert candidates_for("linux", env) == ["gnome", "wayland", "freedesktop", "x11"]


def test_kde_and_wlroots_wayland_sessions_try_the_compositors_idle_protocol_first() -> None:
    for desktop in ("KDE", "sway", "Hyprland", ""):
        env = {"WAYLAND_DISPLAY": "wayland-0", "XDG_CURRENT_DESKTOP": desktop}
        assert candidates_for("linux", env) == ["wayland", "gnome", "freedesktop", "x11"]


def test_x11_reading_on_a_wayland_session_carries_a_caveat_and_on_x11_none() -> None:
    wayland = {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}
    assert session_caveat("x11", wayland) == XWAYLAND_CAVEAT
    assert "Wayland" in XWAYLAND_CAVEAT and "may be wrong" in XWAYLAND_CAVEAT
    assert session_caveat("wayland", wayland) is None
    assert session_caveat("gnome", wayland) is None
    assert session_caveat("x11", {"XDG_SESSION_TYPE": "x11", "DISPLAY": ":0"}) is None


def test_windows_and_macos_have_one_candidate_each() -> None:
    assert candidates_for("win32", {}) == ["windows"]
    assert candidates_for("darwin", {}) == ["macos"]


def test_override_fake_gives_a_working_source() -> None:
    source = choose_idle_source("fake")
    assert isinstance(source, IdleSource)
    assert source.name == "fake"


def test_environment_variable_selects_the_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "fake")
    assert choose_idle_source().name == "fake"


def test_unknown_override_names_the_choices() -> None:
    with pytest.raises(DeskbreakError, match=r"unknown idle source 'bogus'.*x11"):
        choose_idle_source("bogus")


def test_no_working_source_lists_every_candidates_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "WAYLAND_DISPLAY", ENV_VAR):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
    with pytest.raises(IdleSourceError) as caught:
        choose_idle_source()
    message = str(caught.value)
    assert "x11:" in message and "freedesktop:" in message


def test_fake_plays_its_script_then_repeats_the_last_reading() -> None:
    fake = FakeIdleSource([0.0, 5.0, 10.0])
    assert [fake.seconds_since_last_input() for _ in range(5)] == [0.0, 5.0, 10.0, 10.0, 10.0]
    fake.set(1.5)
    assert fake.seconds_since_last_input() == 1.5


def test_fake_can_stop_working_like_a_lost_x_server() -> None:
    fake = FakeIdleSource()
    fake.fail("display closed")
    with pytest.raises(IdleSourceError, match="display closed"):
        fake.seconds_since_last_input()


def test_screensaver_reply_in_milliseconds_becomes_seconds() -> None:
    assert idle_seconds_from_reply(2500) == 2.5


@pytest.mark.parametrize("bad", [-1, "12", True, 1.5])
def test_screensaver_reply_that_is_not_milliseconds_is_rejected(bad: object) -> None:
    with pytest.raises(ValueError):
        idle_seconds_from_reply(bad)
