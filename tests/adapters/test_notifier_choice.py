"""Notifier choice and the simple notifiers, without a desktop."""

from __future__ import annotations

import io

import pytest

from deskbreak.adapters.notify import NotifierError, candidates_for, choose_notifier
from deskbreak.adapters.notify.console import ConsoleNotifier
from deskbreak.adapters.notify.plyer_notifier import PlyerNotifier, _check_platform_support


def test_linux_prefers_dbus_and_ends_with_the_console() -> None:
    assert candidates_for("linux") == ["freedesktop", "plyer", "console"]


def test_windows_and_macos_use_desktop_notifier_then_plyer() -> None:
    # desktop-notifier first: it has action buttons there; plyer only if someone installed it.
    assert candidates_for("win32") == ["desktop-notifier", "plyer", "console"]
    assert candidates_for("darwin") == ["desktop-notifier", "plyer", "console"]


def test_console_notifier_prints_one_line_with_the_choices() -> None:
    stream = io.StringIO()
    ConsoleNotifier(stream=stream).show(
        "Neck break", "Chin tucks,\n10 times.", [("default", "Open"), ("done", "Done"),
                                                 ("skip", "Skip")], expire_seconds=30)
    assert stream.getvalue() == "[deskbreak] Neck break: Chin tucks, 10 times.  (Done, Skip)\n"


def test_plyer_is_refused_on_linux_without_dbus_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    with pytest.raises(NotifierError, match="notify-send -t 0"):
        _check_platform_support("linux")
    with pytest.raises(NotifierError, match="notify-send -t 0"):
        PlyerNotifier(platform="linux")


def test_plyer_is_allowed_on_windows_where_linux_without_dbus_python_is_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    assert _check_platform_support("win32") is None
    with pytest.raises(NotifierError):
        _check_platform_support("linux")


def test_without_any_bus_linux_falls_back_to_the_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("DESKBREAK_NOTIFIER", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    assert choose_notifier(lambda key: None).name == "console"


def test_unknown_notifier_override_names_the_choices() -> None:
    with pytest.raises(NotifierError, match="unknown notifier 'growl'.*freedesktop"):
        choose_notifier(lambda key: None, override="growl")


def test_what_the_person_sees_of_the_actions_follows_the_server_capabilities() -> None:
    """Issue 8 point 6: doctor said "with action buttons" where dunst shows only "(A)"."""
    from deskbreak.adapters.notify import action_display, describe_actions

    assert action_display(["actions", "body"], "dunst") == "menu"
    assert action_display(["actions", "body"], "gnome-shell") == "buttons"
    assert action_display(["body", "persistence"], "gnome-shell") == "none"
    assert "buttons" in describe_actions("buttons")
    assert "dunstctl context" in describe_actions("menu", "dunst")
    assert describe_actions("menu", "dunst").startswith("no buttons")
    assert "prompt window" in describe_actions("none")
