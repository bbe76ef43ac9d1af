"""Fuzzing the programme checker: mutated shipped programmes through `check_programme_text`.

A fixed budget here (CI); `make fuzz` runs many more examples and a coverage-guided atheris run.
DESKBREAK_FUZZ_EXAMPLES sets the number of examples."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from programme_fuzz import check_programme_text, seed_texts

EXAMPLES = int(os.environ.get("DESKBREAK_FUZZ_EXAMPLES", "150"))
SEEDS = seed_texts()
#: Pieces that stress the reader: YAML syntax, anchors and tags, huge numbers and units, control
#: and line-separator characters, escapes, odd Unicode.
FRAGMENTS = [
    "\n", "\t", " ", ":", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "!!python/object ", "? ",
    "'", '"', "#", "---\n", "...", "\x00", "\x1b[31m", "\x07", "\x85", "\u2028", "\u2029",
    "\u202e", "\ufeff", "\r", "\r\n", "é", "𝕏", "1" + "0" * 320 + "s", "99999999999h", "0s",
    "-5m", "1e400s", "nan", ".inf", "~", "null", "yes", "0x1F", "1_000", "24:00", "23:59",
    "9999-12-31", "0001-01-01", "library/", "library/chin-tuck", "phases:", "weeks:", "every: ",
    "duration: ", "reps: ", "hold: ", "exercises: [", "\\", "\\u202e", "\\x1b", "%YAML 1.1\n",
]


@st.composite
def mutated_programme(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 6))):
        if not text:
            break
        where = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(("insert", "delete", "repeat", "replace_value", "flip")))
        if action == "insert":
            piece = draw(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)))
            text = text[:where] + piece + text[where:]
        elif action == "delete":
            text = text[:where] + text[where + draw(st.integers(1, 200)):]
        elif action == "repeat":
            end = min(len(text), where + draw(st.integers(1, 60)))
            text = text[:where] + text[where:end] * draw(st.integers(2, 400)) + text[end:]
        elif action == "replace_value":
            colon = text.find(": ", where)
            if colon >= 0:
                end = text.find("\n", colon)
                end = len(text) if end < 0 else end
                text = text[:colon + 2] + draw(st.sampled_from(FRAGMENTS)) + text[end:]
        else:
            if where < len(text):
                text = text[:where] + chr(draw(st.integers(0, 0x2FFF))) + text[where + 1:]
    return text


@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=EXAMPLES <= 150,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_programme())
def test_any_mutated_programme_is_accepted_validly_or_refused_in_clear_lines(text: str) -> None:
    check_programme_text(text)


def test_the_seeds_themselves_are_accepted() -> None:
    assert [check_programme_text(text) for text in SEEDS] == ["accepted"] * len(SEEDS)
