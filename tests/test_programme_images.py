"""A physio's own exercise can bring its own picture: `image:` beside the programme file."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

from deskbreak.core.programme_file import ProgrammeInvalid
from deskbreak.figures import figure, png_bytes
from deskbreak.library import load_programme
from deskbreak.ui.prompt_protocol import exercise_payload, parse_request

PROGRAMME = """\
deskbreak: 1
title: Own exercise with a picture
breaks:
  - name: neck
    kind: micro
    every: 30m
    duration: 60s
    exercises: [towel-tuck, chin-tuck]
exercises:
  towel-tuck:
    title: Chin tuck against a towel
    steps: [Roll a towel behind your neck., Tuck your chin into it.]
    reps: 5
    hold: 5s
    image: {image}
"""


def _write(folder: Path, image: str) -> Path:
    path = folder / "programme.yaml"
    path.write_text(PROGRAMME.format(image=image), encoding="utf-8")
    return path


def test_an_own_exercise_names_a_png_beside_the_programme_and_keeps_its_full_path(
        tmp_path: Path) -> None:
    (tmp_path / "pictures").mkdir()
    (tmp_path / "pictures" / "towel.png").write_bytes(png_bytes(figure("chin-tuck"), 120))
    programme = load_programme(_write(tmp_path, "pictures/towel.png"))
    own, library = programme.exercises["towel-tuck"], programme.exercises["chin-tuck"]
    assert own.image == str((tmp_path / "pictures" / "towel.png").resolve())
    assert own.figure == "" and library.figure == "chin-tuck" and library.image == ""
    # The prompt window gets both through its request.
    back = parse_request({"break": "neck", "exercises": [exercise_payload(own),
                                                         exercise_payload(library)]})
    assert [(e.figure, e.image) for e in back.exercises] == [("", own.image), ("chin-tuck", "")]


@pytest.mark.parametrize(("written", "content", "message"), [
    ("missing.png", None, "no picture file 'missing.png' next to the programme"),
    ("photo.jpg", b"\xff\xd8\xff", "the picture must be a PNG or GIF file, not 'photo.jpg'"),
    ("fake.png", b"not a picture", "'fake.png' is not a PNG or GIF picture"),
])
def test_a_picture_that_is_missing_or_not_png_or_gif_is_a_problem_on_its_line(
        tmp_path: Path, written: str, content: bytes | None, message: str) -> None:
    if content is not None:
        (tmp_path / written).write_bytes(content)
    path = _write(tmp_path, written)
    with pytest.raises(ProgrammeInvalid):
        load_programme(path)
    result = run_cli("programme", "check", str(path))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{path}:15:12: exercises.towel-tuck.image: {message}"]


def test_a_gif_is_accepted(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (20, 20), "white").save(tmp_path / "still.gif")
    result = run_cli("programme", "check", str(_write(tmp_path, "still.gif")))
    assert result.returncode == 0, result.stdout + result.stderr
