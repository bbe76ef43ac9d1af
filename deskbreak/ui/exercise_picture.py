"""The exercise's picture for the guided window: the physio's own image, else the library figure.

`picture_png` is plain Pillow work (tests call it to know what the window must show);
`show_picture` puts it in a Tk frame as a PhotoImage (Tk 8.6 reads PNG itself).
Pictures are drawn once per exercise and size, then reused on every screen of that exercise.
"""

from __future__ import annotations

import base64
import io
import logging
from functools import lru_cache
from typing import TYPE_CHECKING

from deskbreak.core.programme import Exercise

if TYPE_CHECKING:
    import tkinter as tk

log = logging.getLogger(__name__)

#: The largest picture beside the instructions, in pixels; it keeps its proportions inside.
PICTURE_BOX = (280, 250)


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


def show_picture(frame: tk.Misc, exercise: Exercise, box: tuple[int, int] = PICTURE_BOX
                 ) -> tk.Label | None:
    """Pack the exercise's picture into `frame` (top, with a thin border); None if it has none."""
    import tkinter as tk

    data = picture_png(exercise, box)
    if data is None:
        return None
    photo = tk.PhotoImage(master=frame, data=base64.b64encode(data).decode("ascii"),
                          format="png")
    label = tk.Label(frame, image=photo, borderwidth=1, relief="solid", background="#ffffff")
    label.image = photo  # type: ignore[attr-defined]  # Tk drops images nobody references
    label.pack(side="top", anchor="n", padx=(12, 0), pady=(2, 0))
    return label
