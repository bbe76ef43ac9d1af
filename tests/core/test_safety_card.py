"""The built-in safety card: complete, never a diagnosis, and printed by `deskbreak safety`."""

from __future__ import annotations

import re

from conftest import run_cli

from deskbreak.core.safety import (
    BUILT_IN_STOP_RULES,
    SAFETY_CARD,
    SCREEN_LINE,
    card_text,
    stop_rules,
)


def test_card_has_stop_same_day_and_emergency_sections_in_that_order() -> None:
    assert [s.key for s in SAFETY_CARD.sections] == ["stop", "same_day", "emergency"]
    for section in SAFETY_CARD.sections:
        assert section.heading and section.action and len(section.signs) >= 4


def test_card_covers_the_red_flags_a_physio_expects() -> None:
    text = card_text().lower()
    for words in ("worst you have ever had", "double", "numbness", "swallow",
                  "fall", "fever", "knock", "wake", "50", "jaw", "slurred", "emergency number"):
        assert words in text, words


def test_card_never_names_a_diagnosis() -> None:
    text = card_text().lower()
    for diagnosis in ("stroke", "meningitis", "arteritis", "haemorrhage", "dissection",
                      "tumour", "cervicogenic", "tension-type"):
        assert diagnosis not in text
    assert "not a diagnosis" in text or "nothing it shows is a diagnosis" in text


def test_screen_line_fits_one_line_and_says_to_stop() -> None:
    assert len(SCREEN_LINE) <= 90
    assert SCREEN_LINE.startswith("Stop if it hurts")


def test_stop_rules_add_every_built_in_rule_to_an_exercise_without_cautions() -> None:
    assert stop_rules(()) == BUILT_IN_STOP_RULES


def test_stop_rules_keep_own_cautions_first_and_skip_rules_they_already_cover() -> None:
    own = ("Stop if you feel dizzy or your vision doubles.", "Keep it gentle.")
    rules = stop_rules(own)
    assert rules[:2] == own
    assert not any("dizzy" in rule for rule in rules[2:])
    assert any("numbness" in rule for rule in rules)
    assert any("headache" in rule for rule in rules)


def test_deskbreak_safety_prints_the_card_as_a_handout() -> None:
    result = run_cli("safety")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("WHEN TO STOP AND WHEN TO GET HELP\n")
    headings = re.findall(r"^\d\. (.+)$", out, flags=re.MULTILINE)
    assert headings == ["STOP THE EXERCISE", "GET MEDICAL ADVICE TODAY", "CALL AN AMBULANCE NOW"]
    assert max(len(line) for line in out.splitlines()) <= 72
    narrow = run_cli("safety", "--width", "50").stdout
    assert max(len(line) for line in narrow.splitlines()) <= 50
