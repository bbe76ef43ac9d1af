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
import math
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
    """Draw one icon; cached, so each distinct (mode, level, size) is drawn once.

    Drawn pixel by pixel from the geometry (with SUPERSAMPLE x SUPERSAMPLE samples a pixel for
    smooth edges) rather than with PIL.ImageDraw: that module alone added 1.5 MB to the
    resident size of the all-day service, and a few dozen icons of 64 x 64 are cheap to draw.
    """
    from PIL import Image

    centre = size / 2
    outer = size / 2 - size / 10  # the ring's outer edge, inset from the border
    width = size / 7
    if mode is IconMode.AWAY:
        width = max(size / 64, width / 3)
    inner = outer - width
    dot = size / 12
    share = level / LEVELS if mode is IconMode.SITTING else 0.0
    fill = RED if level >= LEVELS else AMBER if share >= AMBER_FROM else GREEN
    ring = PAUSED if mode is IconMode.PAUSED else AWAY if mode is IconMode.AWAY else TRACK
    bar_w, bar_h = size / 9, size / 3
    bars = [(size / 2 - bar_w - size / 18, size / 2 + size / 18)]
    bar_top = (size - bar_h) / 2

    def colour_at(x: float, y: float) -> tuple[int, int, int, int] | None:
        dx, dy = x - centre, y - centre
        radius = math.hypot(dx, dy)
        if inner <= radius <= outer:
            if share > 0:
                # Clockwise from 12 o'clock, as a share of the full turn.
                turn = (math.atan2(dx, -dy) / (2 * math.pi)) % 1.0
                if turn < share:
                    return fill
            return ring
        if mode is IconMode.SITTING and radius <= dot:
            return TRACK
        if mode is IconMode.PAUSED and bar_top <= y <= bar_top + bar_h:
            for left in bars[0]:
                if left <= x <= left + bar_w:
                    return PAUSED
        return None

    samples = SUPERSAMPLE * SUPERSAMPLE
    offsets = [(i + 0.5) / SUPERSAMPLE for i in range(SUPERSAMPLE)]
    pixels: list[tuple[int, int, int, int]] = []
    for row in range(size):
        for column in range(size):
            hits = [c for oy in offsets for ox in offsets
                    if (c := colour_at(column + ox, row + oy)) is not None]
            if not hits:
                pixels.append((0, 0, 0, 0))
                continue
            red = sum(c[0] for c in hits) // len(hits)
            green = sum(c[1] for c in hits) // len(hits)
            blue = sum(c[2] for c in hits) // len(hits)
            pixels.append((red, green, blue, 255 * len(hits) // samples))
    image = Image.new("RGBA", (size, size))
    image.putdata(pixels)
    return image
