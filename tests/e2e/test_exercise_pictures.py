"""The guided window shows each exercise's picture beside its steps, on a real X server.

The check is exact: the PNG the window was asked to show is found pixel for pixel in a screenshot
of the window, so a missing, stale or wrong picture fails.
"""

from __future__ import annotations

import io
import shutil
import time
from pathlib import Path
from typing import Any

from PIL import Image

from deskbreak.figures import figure, png_bytes
from deskbreak.library import load_library
from deskbreak.ui.exercise_picture import picture_png
from deskbreak.ui.prompt_protocol import exercise_payload, parse_request
from e2e.test_prompt_window import GUIDED_TITLE, SHOTS, PromptProcess, shoot

DOCS = Path(__file__).resolve().parents[2] / "docs"
#: Screenshots kept for the docs (small PNGs): the picture beside the steps.
DOC_SHOTS = {"chin-tuck": "guided-break-picture.png"}


def _found(screenshot: Path, picture: bytes) -> bool:
    """True when every row of `picture` appears at one place in the screenshot."""
    shot = Image.open(screenshot).convert("RGB")
    want = Image.open(io.BytesIO(picture)).convert("RGB")
    stride, row_bytes = shot.width * 3, want.width * 3
    pixels, expected = shot.tobytes(), want.tobytes()
    probe_row = want.height // 2
    probe = expected[probe_row * row_bytes:(probe_row + 1) * row_bytes]
    for y in range(probe_row, shot.height - (want.height - probe_row) + 1):
        at = pixels.find(probe, y * stride, (y + 1) * stride)
        if at < 0 or (at - y * stride) % 3:
            continue
        x0, y0 = (at - y * stride) // 3, y - probe_row
        if all(pixels[(y0 + r) * stride + x0 * 3:(y0 + r) * stride + (x0 + want.width) * 3]
               == expected[r * row_bytes:(r + 1) * row_bytes] for r in range(want.height)):
            return True
    return False


def _wait_for_picture(desktop: Any, window: int, picture: bytes, name: str) -> Path:
    # Generous: pictures are drawn on a worker thread, and the machine may be busy.
    deadline = time.monotonic() + 20
    while True:
        path = shoot(desktop, window, name)
        if _found(path, picture):
            return path
        assert time.monotonic() < deadline, f"the picture never appeared; see {path}"
        time.sleep(0.1)


def test_every_library_exercise_shows_its_figure_beside_the_steps(desktop: Any) -> None:
    library = load_library()
    spec = {"prompt": 1, "break": "neck mobility", "kind": "micro", "title": "All exercises",
            "exercises": [exercise_payload(e) for e in library.values()],
            "snooze_allowed": True, "snooze_minutes": 5, "corner": "bottom-right"}
    exercises = parse_request(spec).exercises
    assert len(exercises) >= 22
    prompt = PromptProcess(desktop, spec, speed=1)
    guided = prompt.start_guided(click=True)
    try:
        for number, exercise in enumerate(exercises, start=1):
            picture = picture_png(exercise)
            assert picture is not None, f"{exercise.id} has no picture"
            shot = _wait_for_picture(desktop, guided, picture, f"picture-{exercise.id}.png")
            if exercise.id in DOC_SHOTS:
                time.sleep(0.5)  # let the rest of the screen finish drawing
                shot = _wait_for_picture(desktop, guided, picture, f"picture-{exercise.id}.png")
                shutil.copy(shot, DOCS / DOC_SHOTS[exercise.id])
            if number < len(exercises):
                prompt.click(guided, "skip-exercise", GUIDED_TITLE[1:-1])
    finally:
        desktop.stop_process(prompt.proc)


def test_a_physios_own_picture_is_shown_for_their_own_exercise(desktop: Any,
                                                               tmp_path: Path) -> None:
    own = tmp_path / "towel.png"
    # Any PNG of the physio's will do; a figure turned upside down is easy to tell apart.
    Image.open(io.BytesIO(png_bytes(figure("chin-tuck"), 400))).rotate(180).save(own)
    entry = {"id": "towel-tuck", "title": "Chin tuck on a towel", "steps": ["Tuck."],
             "reps": 1, "hold_seconds": 2, "image": str(own)}
    spec = {"prompt": 1, "break": "neck mobility", "kind": "micro", "exercises": [entry]}
    prompt = PromptProcess(desktop, spec, speed=1)
    guided = prompt.start_guided(click=True)
    try:
        picture = picture_png(parse_request(spec).exercises[0])
        assert picture is not None
        with Image.open(io.BytesIO(picture)) as shown:
            assert shown.width <= 280 and shown.height <= 250  # scaled down to the box
        _wait_for_picture(desktop, guided, picture, "picture-own.png")
    finally:
        desktop.stop_process(prompt.proc)
    assert SHOTS.is_dir()
