"""The desktop presenter without a desktop: a fake notifier and the inbox show that the
notification's buttons and the window's lines arrive as typed commands and messages."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone

from deskbreak.core.commands import Command, Verb
from deskbreak.core.events import Answer
from deskbreak.core.programme import Exercise
from deskbreak.core.prompt_card import PromptCard
from deskbreak.presenters import DesktopPresenter
from deskbreak.ui.prompt_protocol import Answered, Hidden, Started, WindowMessage

SHOWN = datetime(2026, 11, 23, 9, 20, tzinfo=timezone.utc)


class FakeNotifier:
    name = "fake"
    supports_actions = True

    def __init__(self, on_action: Callable[[str], None]) -> None:
        self.on_action = on_action
        self.shown: list[tuple[str, str, list[str], float]] = []
        self.closed = 0

    def show(self, title: str, body: str, actions: Sequence[tuple[str, str]],
             expire_seconds: float, replace: bool = True) -> None:
        self.shown.append((title, body, [key for key, _ in actions], expire_seconds))

    def close(self) -> None:
        self.closed += 1

    def shutdown(self) -> None:
        pass


class Inbox:
    def __init__(self) -> None:
        self.commands: list[tuple[Command, str]] = []
        self.messages: list[tuple[int | None, WindowMessage]] = []

    def command(self, command: Command, surface: str) -> None:
        self.commands.append((command, surface))

    def window_message(self, prompt_id: int | None, message: WindowMessage) -> None:
        self.messages.append((prompt_id, message))


def card(snooze_allowed: bool = True) -> PromptCard:
    chin = Exercise(id="chin-tuck", title="Chin tuck", summary="", steps=("Tuck",),
                    cautions=("Stop if it hurts",), reps=8, hold_seconds=3.0)
    return PromptCard(
        prompt=7, series=7, break_name="neck mobility", kind="micro",
        headline="Time for neck mobility", reason="You have been sitting for 20 min.",
        exercises=(chin,), programme_title="P", notes="", snooze_allowed=snooze_allowed,
        snooze_minutes=5, snooze_reason="" if snooze_allowed else "no", neck_checkin=False,
        shown_at=SHOWN, expires_at=SHOWN + timedelta(minutes=10))


def presenter() -> tuple[DesktopPresenter, FakeNotifier, Inbox]:
    inbox = Inbox()
    made: list[FakeNotifier] = []

    def open_notifier(on_action: Callable[[str], None]) -> FakeNotifier:
        made.append(FakeNotifier(on_action))
        return made[0]

    shown = DesktopPresenter(inbox, open_notifier, windows=False, speed=2.0)
    return shown, made[0], inbox


def test_the_notification_serialises_the_card_and_its_buttons_answer_that_prompt() -> None:
    desktop, notifier, inbox = presenter()
    desktop.show_prompt(card())
    [(title, body, keys, expire)] = notifier.shown
    assert title == "Time for neck mobility"
    assert body.startswith("You have been sitting for 20 min. Chin tuck (")
    assert keys == ["default", "done", "snooze", "skip"]
    assert expire == 300  # ten minutes of a clock running twice as fast
    notifier.on_action("skip")
    notifier.on_action("default")
    assert inbox.commands == [(Command(Verb.SKIP, prompt=7), "notification"),
                              (Command(Verb.BREAK_NOW, prompt=7), "notification")]


def test_no_snooze_button_when_the_card_says_no() -> None:
    desktop, notifier, _ = presenter()
    desktop.show_prompt(card(snooze_allowed=False))
    assert notifier.shown[0][2] == ["default", "done", "skip"]


def test_starting_the_guided_break_withdraws_the_notification() -> None:
    desktop, notifier, _ = presenter()
    desktop.show_prompt(card())
    desktop.started(7)
    assert notifier.closed == 1


def test_a_hidden_prompt_says_how_to_bring_it_back_and_reopen_shows_it_again() -> None:
    desktop, notifier, _ = presenter()
    desktop.show_prompt(card())
    desktop.hidden(7)
    assert "deskbreak break-now" in notifier.shown[-1][1]
    assert desktop.reopen(7)
    assert notifier.shown[-1][0] == "Time for neck mobility"
    assert not desktop.reopen(8)


def test_window_lines_arrive_as_typed_messages_and_malformed_ones_are_refused() -> None:
    desktop, _, inbox = presenter()
    lines = io.StringIO('{"started": true}\nnot json\n{"hidden": true}\n'
                        '{"answer": "partial", "finished": ["chin-tuck"], "reason": "busy"}\n')
    desktop._read_window(lines, 7)
    assert inbox.messages == [(7, Started()), (7, Hidden()),
                              (7, Answered(Answer.PARTIAL, ("chin-tuck",), "busy"))]
