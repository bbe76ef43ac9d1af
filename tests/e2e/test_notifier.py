"""The D-Bus notifier against a real dunst in the harness: expiry, replace-in-place, actions."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from desktop import DesktopSession

from deskbreak.adapters.notify import ENV_VAR, NotifierError, choose_notifier
from deskbreak.adapters.notify.freedesktop import FreedesktopNotifier

PROMPT_ACTIONS = [("done", "Done"), ("snooze", "Snooze 10 min"), ("skip", "Skip")]


class Recorder:
    """Collects callbacks (they arrive on the notifier's thread) and lets the test wait."""

    def __init__(self) -> None:
        self.actions: list[str] = []
        self.closed: list[str] = []
        self.threads: set[str] = set()
        self._changed = threading.Condition()

    def on_action(self, key: str) -> None:
        with self._changed:
            self.actions.append(key)
            self.threads.add(threading.current_thread().name)
            self._changed.notify_all()

    def on_closed(self, reason: str) -> None:
        with self._changed:
            self.closed.append(reason)
            self._changed.notify_all()

    def wait(self, check: Callable[[], bool], timeout: float = 5.0) -> bool:
        with self._changed:
            return self._changed.wait_for(check, timeout=timeout)


def _eventually(check: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def notifier(desktop: DesktopSession, recorder: Recorder) -> Iterator[FreedesktopNotifier]:
    desktop.clear_notifications()
    notifier = FreedesktopNotifier(recorder.on_action, recorder.on_closed)
    yield notifier
    notifier.shutdown()
    desktop.clear_notifications()


def _displayed(desktop: DesktopSession) -> int:
    return int(desktop.dunstctl("count", "displayed").strip())


def test_prompt_is_sent_as_deskbreak_with_its_expiry_and_buttons(
        desktop: DesktopSession, notifier: FreedesktopNotifier) -> None:
    notifier.show("Neck break", "Chin tucks, 10 times.", PROMPT_ACTIONS, expire_seconds=30)
    [note] = desktop.wait_for_notifications(1)
    assert note.app_name == "deskbreak"
    assert (note.summary, note.body) == ("Neck break", "Chin tucks, 10 times.")
    assert note.expire_timeout_ms == 30_000
    assert note.actions == [("default", "Open"), *PROMPT_ACTIONS]
    assert note.replaces_id == 0
    assert notifier.current_id == note.id
    assert _eventually(lambda: _displayed(desktop) == 1)


def test_second_prompt_replaces_the_first_instead_of_piling_up(
        desktop: DesktopSession, notifier: FreedesktopNotifier) -> None:
    notifier.show("Neck break", "Chin tucks.", PROMPT_ACTIONS, expire_seconds=30)
    notifier.show("Neck break (reminder)", "Chin tucks.", PROMPT_ACTIONS, expire_seconds=30)
    first, second = desktop.wait_for_notifications(2)
    assert second.replaces_id == first.id
    assert second.id == first.id
    assert _eventually(lambda: _displayed(desktop) == 1)


def test_informational_notice_does_not_replace_the_prompt(
        desktop: DesktopSession, notifier: FreedesktopNotifier) -> None:
    notifier.show("Neck break", "Chin tucks.", PROMPT_ACTIONS, expire_seconds=30)
    notifier.show("Programme updated", "New exercises from your physio.", [],
                  expire_seconds=10, replace=False)
    prompt, notice = desktop.wait_for_notifications(2)
    assert notice.replaces_id == 0 and notice.id != prompt.id
    assert notice.actions == []
    assert notifier.current_id == prompt.id


def test_clicking_the_notification_reaches_on_action_as_default_on_a_background_thread(
        desktop: DesktopSession, notifier: FreedesktopNotifier, recorder: Recorder) -> None:
    notifier.show("Neck break", "Chin tucks.", PROMPT_ACTIONS, expire_seconds=30)
    desktop.wait_for_notifications(1)
    desktop.dunstctl("action", "0")
    assert recorder.wait(lambda: recorder.actions == ["default"])
    assert recorder.threads == {"deskbreak-notify"}
    assert threading.current_thread().name not in recorder.threads


def test_choosing_snooze_in_the_context_menu_reaches_on_action(
        desktop: DesktopSession, notifier: FreedesktopNotifier, recorder: Recorder) -> None:
    notifier.show("Neck break", "Chin tucks.", PROMPT_ACTIONS, expire_seconds=30)
    desktop.wait_for_notifications(1)
    offered = desktop.choose_menu_line(r"Snooze 10 min")
    assert any("Done" in line for line in offered), offered
    assert recorder.wait(lambda: recorder.actions == ["snooze"]), (recorder.actions, offered)
    assert _eventually(lambda: desktop.notifications()[0].invoked_actions == ["snooze"])


def test_close_withdraws_the_prompt(desktop: DesktopSession, notifier: FreedesktopNotifier,
                                    recorder: Recorder) -> None:
    notifier.show("Neck break", "Chin tucks.", PROMPT_ACTIONS, expire_seconds=30)
    desktop.wait_for_notifications(1)
    notifier.close()
    assert notifier.current_id == 0
    assert _eventually(lambda: _displayed(desktop) == 0)
    assert recorder.wait(lambda: recorder.closed == ["closed"])


def test_unanswered_prompt_expires_on_time(desktop: DesktopSession,
                                           notifier: FreedesktopNotifier,
                                           recorder: Recorder) -> None:
    notifier.show("Neck break", "Chin tucks.", PROMPT_ACTIONS, expire_seconds=0.5)
    assert recorder.wait(lambda: recorder.closed == ["expired"], timeout=5)
    assert notifier.current_id == 0


def test_other_apps_notifications_do_not_reach_on_action(
        desktop: DesktopSession, notifier: FreedesktopNotifier, recorder: Recorder) -> None:
    desktop.spawn(["notify-send", "-A", "default=Open", "someone else", "hello"])
    desktop.wait_for_notifications(1)
    desktop.dunstctl("action", "0")
    assert _eventually(lambda: any(n.invoked_actions for n in desktop.notifications()))
    time.sleep(0.2)
    assert recorder.actions == []


def test_choose_notifier_uses_dbus_on_a_linux_desktop(desktop: DesktopSession,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    notifier = choose_notifier(lambda key: None)
    try:
        assert notifier.name == "freedesktop"
        assert notifier.supports_actions is True
    finally:
        notifier.shutdown()


def test_environment_selects_the_console_notifier(desktop: DesktopSession,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "console")
    assert choose_notifier(lambda key: None).name == "console"


def test_without_a_notification_server_the_dbus_notifier_fails_clearly(
        desktop: DesktopSession) -> None:
    with pytest.raises(NotifierError, match="freedesktop: .*ServiceUnknown"):
        FreedesktopNotifier(lambda key: None, bus=desktop.env["DBUS_SYSTEM_BUS_ADDRESS"])


def test_dunst_is_reported_as_actions_through_its_menu_not_buttons(
        desktop: DesktopSession, notifier: FreedesktopNotifier) -> None:
    """Issue 8 point 6: dunst takes actions but draws no buttons (only an "(A)" marker)."""
    assert "actions" in notifier.capabilities
    assert notifier.server_name == "dunst"
    assert notifier.action_display == "menu"


@pytest.mark.parametrize("capabilities, expected", [
    (["actions", "body", "body-markup"], "buttons"),
    (["body"], "none"),
])
def test_a_server_that_draws_buttons_or_takes_no_actions_is_told_apart(
        desktop: DesktopSession, capabilities: list[str], expected: str) -> None:
    from .fake_dbus import FakeDBusService

    address = desktop.env["DBUS_SYSTEM_BUS_ADDRESS"]  # a second bus, free of dunst
    with FakeDBusService(address, "org.freedesktop.Notifications") as server:
        key = ("org.freedesktop.Notifications", "GetCapabilities")
        server.methods[key] = lambda _body: ("as", (capabilities,))
        server.methods[("org.freedesktop.Notifications", "GetServerInformation")] = (
            lambda _body: ("ssss", ("gnome-shell", "GNOME", "46.0", "1.2")))
        shown = FreedesktopNotifier(lambda key: None, bus=address)
        try:
            assert shown.action_display == expected
        finally:
            shown.shutdown()
