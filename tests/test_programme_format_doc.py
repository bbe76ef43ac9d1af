"""docs/programme-format.md and the tool agree: every YAML example in the doc is checked, and
where the doc shows what `check` prints, the tool prints exactly that."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from deskbreak.core.programme import BreakKind
from deskbreak.core.programme_file import ProgrammeInvalid, parse_programme
from deskbreak.library import load_library

DOC = Path(__file__).resolve().parent.parent / "docs" / "programme-format.md"
PROGRAMME_KEYS = {"deskbreak", "title", "prescribed_by", "patient", "starts", "review", "notes",
                  "settings", "breaks", "exercises", "phases"}


def blocks() -> list[tuple[str, str]]:
    """Every fenced block of the doc: (language, text), in order."""
    return [(m[1], m[2]) for m in re.finditer(r"^```(\w*)\n(.*?)^```", DOC.read_text(
        encoding="utf-8"), re.DOTALL | re.MULTILINE)]


def examples() -> list[tuple[int, str, list[str] | None]]:
    """Each YAML block with the check output the doc shows after it (None: none shown)."""
    found: list[tuple[int, str, list[str] | None]] = []
    items = blocks()
    for index, (language, text) in enumerate(items):
        if language != "yaml":
            continue
        expected = None
        if index + 1 < len(items) and items[index + 1][0] == "text" and items[index + 1][
                1].startswith("example.yaml:"):
            expected = items[index + 1][1].splitlines()
        found.append((index, text, expected))
    return found


def check_lines(text: str) -> list[str]:
    """What `deskbreak programme check example.yaml` prints for problems and warnings."""
    try:
        programme = parse_programme(text, "example.yaml", load_library())
    except ProgrammeInvalid as error:
        return error.lines()
    return list(programme.warnings)


def base_programme() -> dict[str, Any]:
    """The doc's first complete programme: fragments are read inside it."""
    for _, text, _ in examples():
        data = yaml.safe_load(text)
        if isinstance(data, dict) and "deskbreak" in data:
            return data
    raise AssertionError("the doc has no complete programme example")


def with_fragment(fragment: dict[str, Any]) -> str:
    data = base_programme()
    if set(fragment) <= PROGRAMME_KEYS:
        for key, value in fragment.items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
    else:  # exercise entries: defined, and put in a break they suit, so they are checked
        data.setdefault("exercises", {}).update(fragment)
        library = load_library()
        for exercise_id, entry in fragment.items():
            suits = entry.get("suits") or [
                k.value for k in library[entry["use"].split("/")[1]].suits] if "use" in entry \
                else entry.get("suits", ["micro"])
            kind = "micro" if "micro" in suits else "movement"
            brk = next(b for b in data["breaks"] if b["kind"] == kind)
            brk["exercises"].append(exercise_id)
    return yaml.safe_dump(data, sort_keys=False)


def test_the_doc_has_examples_of_phases_and_of_both_dose_rules() -> None:
    shown = [expected for _, _, expected in examples() if expected]
    assert any("hold is longer than the break" in line for lines in shown for line in lines)
    assert any("warning:" in line and "guided break will run over" in line
               for lines in shown for line in lines)
    assert sum("phases:" in text for _, text, _ in examples()) >= 2


@pytest.mark.parametrize(("index", "text", "expected"), examples(),
                         ids=lambda value: f"block{value}" if isinstance(value, int) else "")
def test_every_yaml_example_in_the_doc_checks_as_the_doc_says(index: int, text: str,
                                                              expected: list[str] | None) -> None:
    data = yaml.safe_load(text)
    assert isinstance(data, dict), f"block {index} is not a mapping"
    full = text if "deskbreak" in data else with_fragment(data)
    assert check_lines(full) == (expected or []), f"block {index}:\n{full}"


def test_the_doc_table_of_phase_keys_matches_the_schema() -> None:
    from deskbreak.core.schema import BREAK_CHANGE, PHASE

    doc = DOC.read_text(encoding="utf-8")
    section = doc[doc.index("## Phases"):doc.index("## What `check` refuses")]
    for key in PHASE.keys:
        assert f"`{key}`" in section, key
    for key in BREAK_CHANGE.keys:
        assert f"`{key}`" in section, key
    assert BreakKind.MICRO.value == "micro"
