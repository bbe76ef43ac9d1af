"""The one command vocabulary: every way of writing a command reads back to the same Command."""

from __future__ import annotations

import pytest

from deskbreak.core.commands import (
    COMMANDS,
    Command,
    CommandError,
    Verb,
    command_from_request,
    parse_command,
    parse_console,
)

EXAMPLES = [
    Command(Verb.STATUS),
    Command(Verb.PAUSE, pause_for="30m"),
    Command(Verb.PAUSE, pause_for="today"),
    Command(Verb.PAUSE),
    Command(Verb.RESUME),
    Command(Verb.BREAK_NOW),
    Command(Verb.DONE),
    Command(Verb.SNOOZE, prompt=4),
    Command(Verb.SKIP),
    Command(Verb.RELOAD),
    Command(Verb.CHECKIN, question="neck", value=3),
    Command(Verb.CHECKIN, question="headache", value="mild"),
    Command(Verb.SUMMARY),
    Command(Verb.OPEN_REPORT),
    Command(Verb.QUIT),
]


def test_every_verb_has_one_spec_with_its_own_console_letter() -> None:
    assert [spec.verb for spec in COMMANDS] == list(Verb)
    letters = [spec.letter for spec in COMMANDS]
    assert len(set(letters)) == len(letters)


@pytest.mark.parametrize("command", EXAMPLES, ids=lambda c: c.words())
def test_words_and_socket_requests_read_back_to_the_same_command(command: Command) -> None:
    if command.verb not in (Verb.SNOOZE,):  # a prompt number travels only in requests
        assert parse_command(command.words()) == command
    request = command.request()
    assert command_from_request(request["command"], request["args"]) == command


@pytest.mark.parametrize(("line", "expected"), [
    ("d", Command(Verb.DONE)),
    ("done", Command(Verb.DONE)),
    ("s", Command(Verb.SNOOZE)),
    ("skip", Command(Verb.SKIP)),  # a whole word wins over its first letter
    ("k", Command(Verb.SKIP)),
    ("p", Command(Verb.PAUSE, pause_for="30m")),
    ("p 1h", Command(Verb.PAUSE, pause_for="1h")),
    ("r", Command(Verb.RESUME)),
    ("h mild", Command(Verb.CHECKIN, question="headache", value="mild")),
    ("c neck 4", Command(Verb.CHECKIN, question="neck", value=4)),
    ("b", Command(Verb.BREAK_NOW)),
    ("?", Command(Verb.STATUS)),
    ("status", Command(Verb.STATUS)),
    ("q", Command(Verb.QUIT)),
])
def test_console_letters_and_words(line: str, expected: Command) -> None:
    assert parse_console(line) == expected


def test_the_tray_menu_s_older_report_word_still_opens_the_report() -> None:
    assert parse_command("report") == Command(Verb.OPEN_REPORT)


@pytest.mark.parametrize(("text", "message"), [
    ("dance", "unknown command 'dance'; known commands: status, pause"),
    ("pause soon", "cannot pause for 'soon'"),
    ("pause 0m", "longer than 0"),
    ("checkin neck 11", "0 to 10"),
    ("checkin headache awful", "none, mild, moderate, severe"),
    ("checkin back 3", "check-in questions are neck and headache"),
    ("resume now", "resume takes nothing after it"),
    ("", "no command given"),
])
def test_a_command_that_cannot_be_understood_says_what_would_be(text: str, message: str) -> None:
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace("?", r"\?")):
        parse_command(text)


def test_socket_requests_are_checked_by_the_same_builder() -> None:
    with pytest.raises(CommandError, match="0 to 10"):
        command_from_request("checkin", {"question": "neck", "value": 12})
    with pytest.raises(CommandError, match="args must be an object"):
        command_from_request("pause", ["30m"])
    with pytest.raises(CommandError, match="unknown command"):
        command_from_request("_secret", {})
