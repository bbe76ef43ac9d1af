"""Issue 8 point 7: the physio's full notes on every prompt, with the YAML's own line breaks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from deskbreak.core.programme import reflow
from deskbreak.ui.prompt_window import notes_open_today

YAML_NOTES = """These exercises should feel easy. Move slowly and stay in a comfortable range: a mild
stretch is fine, sharp pain is not.

Stop and get advice the same day if:
- a sudden, severe headache
- new numbness
"""


def test_notes_are_reflowed_paragraphs_not_the_files_line_breaks() -> None:
    assert reflow(YAML_NOTES) == (
        "These exercises should feel easy. Move slowly and stay in a comfortable range: a mild "
        "stretch is fine, sharp pain is not.\n\n"
        "Stop and get advice the same day if:\n- a sudden, severe headache\n- new numbness")


def test_notes_show_open_once_a_day_and_again_when_they_change(tmp_path: Path) -> None:
    monday, tuesday = date(2026, 11, 30), date(2026, 12, 1)
    assert notes_open_today(tmp_path, monday, "Gently.") is True
    assert notes_open_today(tmp_path, monday, "Gently.") is False
    assert notes_open_today(tmp_path, monday, "Gently, within comfort.") is True
    assert notes_open_today(tmp_path, tuesday, "Gently, within comfort.") is True
    assert notes_open_today(tmp_path, tuesday, "Gently, within comfort.") is False


def test_an_unwritable_state_folder_keeps_the_notes_closed(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert notes_open_today(blocked, date(2026, 11, 30), "Gently.") is False
