"""macOS and Windows notifications through desktop-notifier, with the library replaced by a fake
that records calls (the real one needs those systems)."""

from __future__ import annotations

import sys
import threading
import types
from dataclasses import dataclass
from typing import Any

import pytest

from deskbreak.adapters.notify import NotifierError, open_notifier
from deskbreak.adapters.notify.desktop_notifier import DesktopNotifierNotifier


@dataclass
class Button:
    title: str
    on_pressed: Any = None


class FakeDesktopNotifier:
    """The async API of desktop_notifier.DesktopNotifier, recording what it is asked."""

    instances: list[FakeDesktopNotifier] = []

    def __init__(self, app_name: str) -> None:
        self.app_name = app_name
        self.sent: list[dict[str, Any]] = []
        self.cleared: list[str] = []
        self.threads: set[str] = set()
        FakeDesktopNotifier.instances.append(self)

    async def send(self, **kwargs: Any) -> str:
        self.threads.add(threading.current_thread().name)
        self.sent.append(kwargs)
        return f"id-{len(self.sent)}"

    async def clear(self, identifier: str) -> None:
        self.cleared.append(identifier)


def fake_module() -> types.SimpleNamespace:
    FakeDesktopNotifier.instances.clear()
    return types.SimpleNamespace(DesktopNotifier=FakeDesktopNotifier, Button=Button)


def test_prompt_buttons_report_their_keys_and_a_click_reports_default() -> None:
    pressed: list[str] = []
    notifier = DesktopNotifierNotifier(pressed.append, module=fake_module())
    try:
        notifier.show("Neck break", "Chin tucks", [("default", "Open"), ("done", "Done"),
                                                   ("snooze", "Snooze"), ("skip", "Skip")], 29.2)
        (fake,) = FakeDesktopNotifier.instances
        assert fake.app_name == "deskbreak"
        (sent,) = fake.sent
        assert sent["title"] == "Neck break" and sent["message"] == "Chin tucks"
        assert [b.title for b in sent["buttons"]] == ["Done", "Snooze", "Skip"]
        assert sent["timeout"] == 30  # whole seconds, rounded up
        sent["buttons"][1].on_pressed()
        sent["on_clicked"]()
        assert pressed == ["snooze", "default"]
        # The library runs on the notifier's own loop thread, not the caller's.
        assert fake.threads == {"deskbreak-notify"}
        assert notifier.supports_actions
    finally:
        notifier.shutdown()


def test_the_next_prompt_replaces_the_last_and_close_withdraws_it() -> None:
    notifier = DesktopNotifierNotifier(lambda key: None, module=fake_module())
    try:
        notifier.show("one", "", [("done", "Done")], 10)
        notifier.show("two", "", [("done", "Done")], 10)
        (fake,) = FakeDesktopNotifier.instances
        assert fake.cleared == ["id-1"]
        notifier.close()
        notifier.close()  # nothing left to withdraw: no second call
        assert fake.cleared == ["id-1", "id-2"]
        assert fake.sent[0]["on_clicked"] is None  # no "default" action offered
    finally:
        notifier.shutdown()
        notifier.shutdown()  # idempotent


def test_a_failing_system_call_is_a_notifier_error() -> None:
    module = fake_module()

    class Broken(FakeDesktopNotifier):
        async def send(self, **kwargs: Any) -> str:
            raise OSError("notifications are switched off for this app")

    module.DesktopNotifier = Broken
    notifier = DesktopNotifierNotifier(lambda key: None, module=module)
    try:
        with pytest.raises(NotifierError, match="switched off"):
            notifier.show("t", "b", [], 5)
    finally:
        notifier.shutdown()


def test_without_the_library_the_choice_moves_on(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes the import fail, as on Linux where it is not installed.
    monkeypatch.setitem(sys.modules, "desktop_notifier", None)
    with pytest.raises(NotifierError, match="desktop-notifier: .*not installed"):
        open_notifier("desktop-notifier", lambda key: None)
