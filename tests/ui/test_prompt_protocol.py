"""The window's message lines: every field the window sends is read, or refused with a reason."""

from __future__ import annotations

import pytest

from deskbreak.core.events import Answer
from deskbreak.ui.prompt_protocol import (
    Answered,
    CheckinGiven,
    Hidden,
    MessageError,
    ScreeningGiven,
    Started,
    WindowMessage,
    message_line,
    parse_message,
)


@pytest.mark.parametrize(("line", "message"), [
    ('{"started": true}', Started()),
    ('{"hidden": true}', Hidden()),
    ('{"answer": "done"}', Answered(Answer.DONE)),
    ('{"answer": "partial", "finished": ["chin-tuck", "neck-rotation"], "reason": "busy"}',
     Answered(Answer.PARTIAL, ("chin-tuck", "neck-rotation"), "busy")),
    ('{"answer": "stopped", "reason": "symptoms"}', Answered(Answer.STOPPED, (), "symptoms")),
    ('{"answer": "snooze"}', Answered(Answer.SNOOZE)),
    ('{"answer": "skip"}', Answered(Answer.SKIP)),
    ('{"checkin": "neck", "value": 4}', CheckinGiven("neck", 4)),
    ('{"checkin": "neck_before", "value": 0}', CheckinGiven("neck_before", 0)),
    ('{"screening": {"trigger": "dizzy", "answers": {"q1": true, "q2": false}}}',
     ScreeningGiven("dizzy", (("q1", True), ("q2", False)))),
])
def test_each_message_line_reads_as_one_typed_message(line: str, message: WindowMessage) -> None:
    assert parse_message(line) == message
    assert parse_message(message_line(message)) == message


def test_the_older_partial_flag_is_kept_not_dropped() -> None:
    assert parse_message('{"answer": "done", "partial": true}') == Answered(Answer.PARTIAL)


@pytest.mark.parametrize(("line", "why"), [
    ("not json", "not JSON"),
    ('{"answer": "maybe"}', "unknown answer"),
    ('{"answer": "stopped", "reason": "bored"}', "reason must be one of busy, symptoms, other"),
    ('{"answer": "partial", "finished": "chin-tuck"}', "finished must be a list"),
    ('{"checkin": "neck"}', "needs a question and a value"),
    ('{"wave": true}', "unknown message"),
])
def test_a_malformed_message_is_refused_with_a_reason(line: str, why: str) -> None:
    with pytest.raises(MessageError, match=why):
        parse_message(line)
