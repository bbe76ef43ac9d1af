"""Hostile programme files: every message is one FILE:LINE:COL line at the right place, nothing
from the file reaches the terminal raw, and checking is bounded in time by the file's size."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from deskbreak.core.programme_file import MAX_ITEMS, ProgrammeInvalid, parse_programme
from deskbreak.library import load_library

REPO = Path(__file__).resolve().parents[2]
GENERAL = (REPO / "config" / "programmes" / "desk-worker-general.yaml").read_text()
LINE = re.compile(r"^prog\.yaml:(\d+):(\d+): [^\n]*$")


def problems(text: str) -> list[str]:
    with pytest.raises(ProgrammeInvalid) as caught:
        parse_programme(text, "prog.yaml", load_library())
    return caught.value.lines()


def test_a_control_character_gives_one_line_at_its_real_place_not_libyamls_position() -> None:
    text = GENERAL.replace("  - name: Desk stretch", "  - name: Desk stré\x00tch", 1)
    (line,) = problems(text)
    expected_line = GENERAL[: GENERAL.index("  - name: Desk stretch")].count("\n") + 1
    assert line.startswith(f"prog.yaml:{expected_line}:{len('  - name: Desk stré') + 1}: ")
    assert "U+0000" in line and "position" not in line and "unicode string" not in line


@pytest.mark.parametrize("key", ["bad\nkey", "esc\x1b[31mred", "bell\x07", "rtl\u202eevil"])
def test_a_key_with_a_newline_or_an_escape_is_printed_escaped(key: str) -> None:
    quoted = key.replace("\n", "\\n").replace("\x1b", "\\e").replace("\x07", "\\a") \
        .replace("\u202e", "\\u202e")
    text = GENERAL.replace("breaks:\n", f'"{quoted}": 1\nbreaks:\n', 1)
    lines = problems(text)
    assert lines and all(LINE.match(line) for line in lines), lines
    assert not any(ch in "".join(lines) for ch in "\x1b\x07\u202e")


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029"])
def test_a_yaml_only_line_break_is_named_where_an_editor_shows_it(separator: str) -> None:
    text = GENERAL.replace("title:", f"title:{separator}", 1)
    lines = problems(text)
    assert len(lines) == 1 and f"U+{ord(separator):04X}" in lines[0]
    expected_line = GENERAL[: GENERAL.index("title:")].count("\n") + 1
    assert lines[0].startswith(f"prog.yaml:{expected_line}:7: ")
    assert int(LINE.match(lines[0]).group(1)) <= text.count("\n") + 1  # type: ignore[union-attr]


def test_every_libyaml_error_is_a_single_line() -> None:
    for broken in ('title: "open\n  x: [1, 2\n', "a: b\n\tc: d\n", "a: [\n", "- a\nb: c\n",
                   "a: 'x\n", "{a: b}}\n", "a: !!python/object:os.system x\n"):
        lines = problems(broken)
        assert lines and all(LINE.match(line) for line in lines), lines


def test_one_exercise_listed_128000_times_is_refused_in_well_under_a_second() -> None:
    own = "exercises:\n  a: {title: A, steps: [x], reps: 1}\n"
    body = GENERAL.replace("exercises:\n  #", own + "  #", 1)
    text = re.sub(r"    exercises:\n(      - .*\n)+", "    exercises: [" + ",".join(["a"] * 128_000)
                  + "]\n", body, count=1)
    started = time.monotonic()
    lines = problems(text)
    assert time.monotonic() - started < 1.0
    assert any(f"more than {MAX_ITEMS} items" in line for line in lines)


def test_a_list_at_the_limit_is_still_checked_in_linear_time() -> None:
    own = "exercises:\n  a: {title: A, steps: [x], reps: 1}\n"
    body = GENERAL.replace("exercises:\n  #", own + "  #", 1)
    text = re.sub(r"    exercises:\n(      - .*\n)+", "    exercises: [" + ",".join(["a"] * MAX_ITEMS)
                  + "]\n", body, count=1)
    started = time.monotonic()
    programme = parse_programme(text, "prog.yaml", load_library())
    assert time.monotonic() - started < 1.0
    assert len(programme.breaks[0].exercise_ids) == MAX_ITEMS
