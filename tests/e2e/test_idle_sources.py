"""Idle sources against the harness's real X server and private session bus."""

from __future__ import annotations

import time

import pytest
from desktop import DesktopSession

from deskbreak.adapters.idle import ENV_VAR, IdleSourceError, choose_idle_source
from deskbreak.adapters.idle.freedesktop import FreedesktopIdleSource
from deskbreak.adapters.idle.gnome import GnomeIdleSource
from deskbreak.adapters.idle.x11 import X11IdleSource
from deskbreak.errors import DeskbreakError

from .fake_dbus import FakeDBusService


def test_key_press_resets_x11_idle_to_near_zero(desktop: DesktopSession) -> None:
    source = X11IdleSource()
    desktop.xdotool("key", "shift")
    assert source.seconds_since_last_input() < 0.5


def test_x11_idle_grows_while_nobody_touches_the_desktop(desktop: DesktopSession) -> None:
    source = X11IdleSource()
    desktop.xdotool("key", "shift")
    time.sleep(1.5)
    reading = source.seconds_since_last_input()
    assert reading >= 1.0
    # Agrees with xprintidle, an independent reader of the same counter.
    assert abs(reading - desktop.idle_ms() / 1000) < 0.5


def test_absolute_mouse_move_counts_as_input(desktop: DesktopSession) -> None:
    source = X11IdleSource()
    time.sleep(0.3)
    desktop.xdotool("mousemove", "40", "60")
    desktop.xdotool("mousemove", "400", "300")
    assert source.seconds_since_last_input() < 0.3


def test_plain_x11_desktop_without_screensaver_service_chooses_x11(
        desktop: DesktopSession, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("XDG_CURRENT_DESKTOP", raising=False)
    assert choose_idle_source().name == "x11"


def test_environment_override_picks_the_named_source(
        desktop: DesktopSession, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "fake")
    assert choose_idle_source().name == "fake"


def test_override_argument_beats_the_environment(
        desktop: DesktopSession, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "fake")
    assert choose_idle_source("x11").name == "x11"


def test_unknown_override_is_a_clear_error_naming_the_choices(desktop: DesktopSession) -> None:
    with pytest.raises(DeskbreakError) as caught:
        choose_idle_source("xorg")
    assert "unknown idle source 'xorg'" in str(caught.value)
    assert "x11" in str(caught.value) and "gnome" in str(caught.value)


def test_override_to_a_source_missing_here_says_why(desktop: DesktopSession) -> None:
    # No GNOME Shell on this desktop: the error names the missing bus service.
    with pytest.raises(IdleSourceError, match="gnome: .*org.gnome.Mutter.IdleMonitor"):
        choose_idle_source("gnome")


def test_freedesktop_source_reads_the_screensaver_service(desktop: DesktopSession) -> None:
    with FakeDBusService(desktop.env["DBUS_SESSION_BUS_ADDRESS"],
                         "org.freedesktop.ScreenSaver") as service:
        service.methods[("org.freedesktop.ScreenSaver", "GetSessionIdleTime")] = (
            lambda _body: ("u", (4200,)))
        source = FreedesktopIdleSource()
        assert source.seconds_since_last_input() == pytest.approx(4.2)


def test_gnome_source_reads_mutters_idle_monitor(desktop: DesktopSession) -> None:
    with FakeDBusService(desktop.env["DBUS_SESSION_BUS_ADDRESS"],
                         "org.gnome.Mutter.IdleMonitor") as service:
        service.methods[("org.gnome.Mutter.IdleMonitor", "GetIdletime")] = (
            lambda _body: ("t", (61_000,)))
        source = GnomeIdleSource()
        assert source.seconds_since_last_input() == pytest.approx(61.0)
        assert service.calls[-1][0] == "/org/gnome/Mutter/IdleMonitor/Core"


def test_gnome_wayland_session_prefers_mutter_when_it_answers(
        desktop: DesktopSession, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "GNOME")
    with FakeDBusService(desktop.env["DBUS_SESSION_BUS_ADDRESS"],
                         "org.gnome.Mutter.IdleMonitor") as service:
        service.methods[("org.gnome.Mutter.IdleMonitor", "GetIdletime")] = (
            lambda _body: ("t", (0,)))
        assert choose_idle_source().name == "gnome"


def test_idle_source_error_when_the_service_goes_away(desktop: DesktopSession) -> None:
    with FakeDBusService(desktop.env["DBUS_SESSION_BUS_ADDRESS"],
                         "org.gnome.Mutter.IdleMonitor") as service:
        service.methods[("org.gnome.Mutter.IdleMonitor", "GetIdletime")] = (
            lambda _body: ("t", (0,)))
        source = GnomeIdleSource()
    with pytest.raises(IdleSourceError, match="gnome"):
        source.seconds_since_last_input()
