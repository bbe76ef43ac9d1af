"""The welcome window's text comes from the programme in force and the user's real paths."""

from __future__ import annotations

from deskbreak.library import load_programme, shipped_default_programme
from deskbreak.paths import user_paths
from deskbreak.ui.welcome_window import already_welcomed, mark_welcomed, sections


def test_the_welcome_names_each_break_its_interval_the_hours_and_the_log() -> None:
    programme = load_programme(shipped_default_programme())
    paths = user_paths()
    text = {s.heading: "\n".join(s.lines)
            for s in sections(programme, "config/default.yaml", paths, "Take it gently.")}
    assert set(text) == {"When prompts come", "Where your programme comes from", "Pausing",
                         "Your log", "Take care"}
    for brk in programme.breaks:
        assert brk.name in text["When prompts come"]
    assert "Monday to Friday, 09:00 to 17:30" in text["When prompts come"]
    assert programme.title in text["Where your programme comes from"]
    assert "deskbreak pause 30m" in text["Pausing"]
    assert str(paths.database) in text["Your log"]  # DESKBREAK_HOME is outside ~ in tests
    assert text["Take care"].startswith("Take it gently.\n")
    assert "deskbreak safety" in text["Take care"]


def test_an_unreadable_programme_still_gives_a_welcome_that_says_how_to_check_it() -> None:
    text = {s.heading: "\n".join(s.lines)
            for s in sections(None, "programme.yaml", user_paths(), "Take it gently.")}
    assert "deskbreak programme check" in text["When prompts come"]


def test_the_first_start_marker_is_remembered() -> None:
    paths = user_paths()
    assert not already_welcomed(paths)
    mark_welcomed(paths)
    assert already_welcomed(paths)
