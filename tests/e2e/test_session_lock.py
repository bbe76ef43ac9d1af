"""Screen-lock detection against the harness's buses, with the test pretending to be logind on
the stand-in system bus and a screensaver on the session bus."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from desktop import DesktopSession

from deskbreak.adapters import session as session_module
from deskbreak.adapters.session import (
    LOGIND_SESSION,
    LockSourceError,
    LogindLockSource,
    UnknownLockSource,
    choose_lock_source,
)

from .fake_dbus import FakeDBusService

SESSION_PATH = "/org/freedesktop/login1/session/_331"


@pytest.fixture
def logind(desktop: DesktopSession, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDBusService]:
    """A fake logind that knows one session, "31", currently unlocked."""
    monkeypatch.setenv("XDG_SESSION_ID", "31")
    monkeypatch.delenv(session_module.ENV_VAR, raising=False)
    service = FakeDBusService(desktop.env["DBUS_SYSTEM_BUS_ADDRESS"], "org.freedesktop.login1")
    manager = "org.freedesktop.login1.Manager"
    service.methods[(manager, "GetSession")] = lambda body: ("o", (SESSION_PATH,))
    service.methods[(manager, "GetSessionByPID")] = lambda body: ("o", (SESSION_PATH,))
    service.properties[(LOGIND_SESSION, "LockedHint")] = ("b", False)
    with service:
        yield service


def test_logind_reports_unlocked_then_locked_as_the_hint_changes(
        logind: FakeDBusService) -> None:
    source = LogindLockSource()
    assert source.is_locked() is False
    logind.properties[(LOGIND_SESSION, "LockedHint")] = ("b", True)
    assert source.is_locked() is True


def test_logind_looks_up_this_processs_session_by_its_id(logind: FakeDBusService) -> None:
    LogindLockSource()
    lookups = [call for call in logind.calls if call[2].startswith("GetSession")]
    assert lookups[0][2:] == ("GetSession", ("31",))
    assert any(call[0] == SESSION_PATH and call[2] == "Get" for call in logind.calls)


def test_logind_falls_back_to_lookup_by_pid_without_a_session_id(
        logind: FakeDBusService, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_SESSION_ID")
    LogindLockSource()
    assert [call[2] for call in logind.calls if call[2].startswith("GetSession")] == [
        "GetSessionByPID"]


def test_chosen_source_uses_logind_when_it_answers(logind: FakeDBusService) -> None:
    source = choose_lock_source()
    assert source.name == "logind"
    logind.properties[(LOGIND_SESSION, "LockedHint")] = ("b", True)
    assert source.is_locked() is True


def test_lock_becomes_unknown_when_logind_goes_away(logind: FakeDBusService) -> None:
    source = LogindLockSource()
    logind.stop()
    assert source.is_locked() is None


def test_without_logind_or_screensaver_the_lock_state_is_unknown(
        desktop: DesktopSession, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(session_module.ENV_VAR, raising=False)
    source = choose_lock_source()
    assert isinstance(source, UnknownLockSource)
    assert source.is_locked() is None


def test_screensaver_get_active_is_used_without_logind(
        desktop: DesktopSession, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(session_module.ENV_VAR, raising=False)
    active = {"value": False}
    with FakeDBusService(desktop.env["DBUS_SESSION_BUS_ADDRESS"],
                         "org.freedesktop.ScreenSaver") as screensaver:
        screensaver.methods[("org.freedesktop.ScreenSaver", "GetActive")] = (
            lambda body: ("b", (active["value"],)))
        source = choose_lock_source()
        assert source.name == "freedesktop"
        assert source.is_locked() is False
        active["value"] = True
        assert source.is_locked() is True


def test_screensaver_lock_wins_over_a_logind_hint_nobody_sets(
        desktop: DesktopSession, logind: FakeDBusService) -> None:
    with FakeDBusService(desktop.env["DBUS_SESSION_BUS_ADDRESS"],
                         "org.freedesktop.ScreenSaver") as screensaver:
        screensaver.methods[("org.freedesktop.ScreenSaver", "GetActive")] = (
            lambda body: ("b", (True,)))
        source = choose_lock_source()
        assert source.name == "logind+freedesktop"
        assert source.is_locked() is True


def test_override_to_a_missing_lock_source_is_a_clear_error(desktop: DesktopSession) -> None:
    with pytest.raises(LockSourceError, match="logind: .*org.freedesktop.login1"):
        choose_lock_source("logind")


def test_unknown_lock_source_name_lists_the_choices(desktop: DesktopSession) -> None:
    with pytest.raises(LockSourceError, match="unknown lock source 'systemd'.*logind"):
        choose_lock_source("systemd")
