"""The tray icon image, drawn with Pillow from the service state and cached per distinct image.

Sitting: a ring that fills clockwise from the top as the sitting bout grows toward the movement
break, green, then amber in the last third, red once the break is due. Paused: a grey ring with
pause bars. Away: a thin pale ring, empty. The bout is quantised into `LEVELS` steps, so the
tray redraws at most `LEVELS` times a bout and repeated states cost a dictionary look-up.

Pure functions; safe from any thread (the cache is `functools.lru_cache`, which is thread-safe).
The returned image is shared: callers must not modify it.
"""

from __future__ import annotations

import enum
import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

#: Steps the ring fills in over one bout; more steps = smoother ring, more redraws.
LEVELS = 12
ICON_SIZE = 64
#: Drawn this many times larger, then scaled down: Pillow's arcs have no antialiasing.
SUPERSAMPLE = 4
TRACK = (90, 90, 90, 255)
GREEN = (46, 160, 67, 255)
AMBER = (230, 160, 20, 255)
RED = (210, 45, 45, 255)
PAUSED = (150, 150, 150, 255)
AWAY = (170, 185, 200, 255)
#: The share of the bout after which the ring turns amber.
AMBER_FROM = 2 / 3


class IconMode(enum.Enum):
    """Which look the icon has."""

    #: Counting a sitting bout: the ring shows how far it is to the movement break.
    SITTING = "sitting"
    #: Prompts paused by the user.
    PAUSED = "paused"
    #: The user is away from the desk (idle, locked, asleep).
    AWAY = "away"


def fill_level(sitting_seconds: float, limit_seconds: float) -> int:
    """How many of the `LEVELS` ring steps are filled (LEVELS once the break is due)."""
    if limit_seconds <= 0:
        return 0
    share = max(0.0, sitting_seconds) / limit_seconds
    return min(LEVELS, int(share * LEVELS))


def icon_image(sitting_seconds: float, *, paused: bool = False, away: bool = False,
               limit_seconds: float = 3600.0, size: int = ICON_SIZE) -> Image:
    """The icon for this state; equal states return the very same (cached) image object."""
    mode = IconMode.PAUSED if paused else IconMode.AWAY if away else IconMode.SITTING
    level = fill_level(sitting_seconds, limit_seconds) if mode is IconMode.SITTING else 0
    return render(mode, level, size)


@functools.lru_cache(maxsize=64)
def render(mode: IconMode, level: int, size: int = ICON_SIZE) -> Image:
    """Draw one icon; cached, so each distinct (mode, level, size) is drawn once."""
    from PIL import Image, ImageDraw

    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    inset = big // 10
    box = (inset, inset, big - inset, big - inset)
    width = big // 7
    if mode is IconMode.PAUSED:
        draw.ellipse(box, outline=PAUSED, width=width)
        bar_w, bar_h = big // 9, big // 3
        top = (big - bar_h) // 2
        for left in (big // 2 - bar_w - big // 18, big // 2 + big // 18):
            draw.rectangle((left, top, left + bar_w, top + bar_h), fill=PAUSED)
    elif mode is IconMode.AWAY:
        draw.ellipse(box, outline=AWAY, width=max(1, width // 3))
    else:
        draw.ellipse(box, outline=TRACK, width=width)
        if level > 0:
            share = level / LEVELS
            colour = RED if level >= LEVELS else AMBER if share >= AMBER_FROM else GREEN
            # Pillow measures angles clockwise from 3 o'clock; start the fill at 12 o'clock.
            draw.arc(box, start=-90, end=-90 + 360 * share, fill=colour, width=width)
        centre = big // 2
        dot = big // 12
        draw.ellipse((centre - dot, centre - dot, centre + dot, centre + dot), fill=TRACK)
    return image.resize((size, size), Image.LANCZOS)
