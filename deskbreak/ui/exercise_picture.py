"""The exercise's picture for the guided window: the physio's own image, else the library figure.

`picture_png` is plain Pillow work (tests call it to know what the window must show);
`show_picture` puts it in a Tk frame as a PhotoImage (Tk 8.6 reads PNG itself).
Pictures are drawn once per exercise and size, then reused on every screen of that exercise.

Threading: `prepare_pictures` draws every picture on one worker thread while the prompt waits
for Start, because the first one costs about half a second (importing Pillow and YAML, loading
the font) and a Tk main loop that busy cannot take the focus it is offered, so keys typed then
go to another window. The worker only calls `picture_png`; it never touches Tk. A screen whose
picture is not drawn yet adds it when it is, by polling from Tk's own thread.
"""

from __future__ import annotations

import base64
import io
import logging
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from deskbreak.core.programme import Exercise

if TYPE_CHECKING:
    import tkinter as tk

log = logging.getLogger(__name__)

#: The largest picture beside the instructions, in pixels; it keeps its proportions inside.
#: Its height leaves the instructions' area room for five caution lines (an exercise's own
#: and the built-in stop rules) at the default window size without cutting the picture off.
PICTURE_BOX = (280, 228)
#: How often a screen looks again for a picture the worker has not finished, milliseconds.
POLL_MS = 40

_drawn: set[tuple[str, str, tuple[int, int]]] = set()
_photos: dict[tuple[str, str, tuple[int, int]], tk.PhotoImage] = {}
_worker: threading.Thread | None = None


def _key(exercise: Exercise, box: tuple[int, int]) -> tuple[str, str, tuple[int, int]]:
    return (exercise.image, exercise.figure or exercise.id, box)


def picture_png(exercise: Exercise, box: tuple[int, int] = PICTURE_BOX) -> bytes | None:
    """PNG bytes of the exercise's picture fitted inside `box`; None when it has none."""
    return _picture_png(exercise.image, exercise.figure or exercise.id, box)


@lru_cache(maxsize=32)
def _picture_png(image: str, figure_id: str, box: tuple[int, int]) -> bytes | None:
    from PIL import Image

    if image:
        try:
            with Image.open(image) as source:
                picture = source.convert("RGB")
        except OSError as error:  # moved or damaged since the programme was checked
            log.warning("cannot show the picture %s: %s", image, error)
            return None
        picture.thumbnail(box, Image.Resampling.LANCZOS)
    else:
        from deskbreak.figures import FigureError, figure, figures_dir, to_image

        if not (figures_dir() / f"{figure_id}.yaml").is_file():
            return None
        try:
            drawing = figure(figure_id)
        except FigureError as error:
            log.warning("cannot draw the figure for %s: %s", figure_id, error)
            return None
        width = min(box[0], int(box[1] * drawing.width / drawing.height))
        picture = to_image(drawing, width)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def prepare_pictures(exercises: Sequence[Exercise], box: tuple[int, int] = PICTURE_BOX
                     ) -> None:
    """Start drawing the pictures of `exercises` on a worker thread (see the module notes)."""
    global _worker

    def draw_all() -> None:
        for exercise in exercises:
            try:
                picture_png(exercise, box)
            finally:
                _drawn.add(_key(exercise, box))

    _worker = threading.Thread(target=draw_all, name="deskbreak-pictures", daemon=True)
    _worker.start()


def show_picture(frame: tk.Misc, exercise: Exercise, box: tuple[int, int] = PICTURE_BOX
                 ) -> tk.Label | None:
    """Pack the exercise's picture into `frame` (top, with a thin border); None if it has none
    or if it is still being drawn (it is then added when ready, if the frame still exists)."""
    import tkinter as tk

    if _worker is not None and _worker.is_alive() and _key(exercise, box) not in _drawn:
        def again() -> None:
            if frame.winfo_exists():
                show_picture(frame, exercise, box)

        frame.after(POLL_MS, again)
        return None
    root = frame.winfo_toplevel()
    photo = _photos.get(_key(exercise, box))
    if photo is None:
        data = picture_png(exercise, box)
        if data is None:
            return None
        # Made once per exercise and kept (Tk drops images nobody references), so later
        # screens of the same exercise only show it again. One window per process.
        photo = tk.PhotoImage(master=root, data=base64.b64encode(data).decode("ascii"),
                              format="png")
        _photos[_key(exercise, box)] = photo
    label = tk.Label(frame, image=photo, borderwidth=1, relief="solid", background="#ffffff")
    label.pack(side="top", anchor="n", padx=(12, 0), pady=(2, 0))
    return label
